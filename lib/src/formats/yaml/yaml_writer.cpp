#include "formats/yaml/yaml_writer.hpp"

#include <yaml-cpp/yaml.h>

namespace smpshade::detail {

YamlMapWriter::YamlMapWriter(int double_precision) : yaml_(std::make_unique<YAML::Emitter>()) {
  yaml_->SetDoublePrecision(static_cast<std::size_t>(double_precision));
  *yaml_ << YAML::BeginMap;
}

YamlMapWriter::~YamlMapWriter() = default;

void YamlMapWriter::value(std::string_view key, double value) {
  *yaml_ << YAML::Key << std::string(key) << YAML::Value << value;
}

void YamlMapWriter::value(std::string_view key, int value) {
  *yaml_ << YAML::Key << std::string(key) << YAML::Value << value;
}

void YamlMapWriter::value(std::string_view key, std::string_view value) {
  *yaml_ << YAML::Key << std::string(key) << YAML::Value << std::string(value);
}

void YamlMapWriter::begin_map(std::string_view key) {
  *yaml_ << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
}

void YamlMapWriter::end_map() { *yaml_ << YAML::EndMap; }

std::string YamlMapWriter::text() {
  if (!closed_) {
    *yaml_ << YAML::EndMap;
    closed_ = true;
  }
  return std::string(yaml_->c_str()) + "\n";
}

}  // namespace smpshade::detail
