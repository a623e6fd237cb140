#pragma once
// Writing YAML: a map of scalars and nested maps, through yaml-cpp's emitter (which quotes and
// escapes what needs it), so that yaml-cpp stays behind formats/yaml's wall.

#include <memory>
#include <string>
#include <string_view>

namespace YAML {
class Emitter;
}

namespace smpshade::detail {

/// A YAML document whose top level is a map. Keys are written in the order given.
class YamlMapWriter {
 public:
  /// Doubles are written with `double_precision` significant digits.
  explicit YamlMapWriter(int double_precision = 6);
  ~YamlMapWriter();
  YamlMapWriter(const YamlMapWriter&) = delete;
  YamlMapWriter& operator=(const YamlMapWriter&) = delete;

  void value(std::string_view key, double value);
  void value(std::string_view key, int value);
  void value(std::string_view key, std::string_view value);
  /// `key:` and a nested map, up to the matching end_map().
  void begin_map(std::string_view key);
  void end_map();
  /// The document (its top-level map closed), ending in a newline.
  std::string text();

 private:
  std::unique_ptr<YAML::Emitter> yaml_;
  bool closed_ = false;
};

}  // namespace smpshade::detail
