#pragma once
// The one place yaml-cpp meets the library: YAML text parsed into a small tree of our own that
// keeps each node's line and column, built from yaml-cpp's event parser so that its limits
// (nesting, alias expansion, node count) are enforced while parsing, before any of it is used.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "smpshade/error.hpp"
#include "smpshade/limits.hpp"

namespace smpshade::detail {

/// The deepest nesting parse_yaml() accepts whatever is asked: yaml-cpp parses recursively, and
/// a thousand levels stay far inside a thread's stack.
inline constexpr std::uint32_t kYamlDepthCeiling = 1000;

/// What parse_yaml() refuses, before any of the document is used.
struct YamlLimits {
  std::uint32_t max_depth = kMaxNesting;        ///< nesting of collections (at most the ceiling)
  std::size_t max_nodes = 1'000'000;            ///< nodes in the document
  std::size_t max_alias_expansion = 1'000'000;  ///< nodes aliases stand for, counted expanded
};

/// A document parse_yaml() could not read (Syntax) or refused (Limits), at file:line:col.
class YamlError : public InputError {
 public:
  enum class Kind { Syntax, Limits };
  YamlError(Kind kind, std::string message, Location where)
      : InputError(std::move(message), std::move(where)), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

struct YamlNode {
  enum class Kind : unsigned char { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  /// An untagged, unquoted scalar: the only kind that may be read as a number or a boolean.
  bool plain = false;
  std::uint32_t line = 0;    // 1-based
  std::uint32_t column = 0;  // 1-based
  std::uint32_t height = 1;  // levels of nesting below and including this node
  std::size_t expanded = 1;  // nodes this one stands for with aliases expanded
  std::string text;          // a scalar's value
  /// A sequence's items; a map's keys and values, alternating. Aliases share nodes.
  std::vector<const YamlNode*> children;
};

/// One parsed document. Nodes are owned here; pointers to them stay valid.
struct YamlDocument {
  std::deque<YamlNode> nodes;
  const YamlNode* root = nullptr;  // null for an empty document
};

/// Parses one YAML document under `limits` (the depth never over kYamlDepthCeiling). Throws
/// YamlError at file:line:col.
YamlDocument parse_yaml(std::string_view text, const std::string& file, const YamlLimits& limits);

}  // namespace smpshade::detail
