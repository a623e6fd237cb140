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

#include "smpshade/catalog.hpp"
#include "smpshade/error.hpp"

namespace smpshade::detail {

/// An InputError that carries the lint rule it breaks.
class RuleError : public InputError {
 public:
  RuleError(std::string rule, std::string message, Location where)
      : InputError(std::move(message), std::move(where)), rule_(std::move(rule)) {}
  const std::string& rule() const noexcept { return rule_; }

 private:
  std::string rule_;
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

/// Parses one YAML document under `limits` (depth, nodes, alias expansion; the depth never
/// over kMaxYamlDepthCeiling). Throws RuleError ("yaml-syntax" or "yaml-limits") at
/// file:line:col.
YamlDocument parse_yaml(std::string_view text, const std::string& file,
                        const CatalogLimits& limits);

}  // namespace smpshade::detail
