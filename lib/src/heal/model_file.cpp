// The healing model file (smpshade-healing(5)): YAML written and read through formats/yaml
// (yaml-cpp's emitter; the library's limited YAML tree, with file:line:col messages).
#include <charconv>
#include <cmath>
#include <ostream>

#include "core/parse.hpp"
#include "core/read_text.hpp"
#include "formats/yaml/yaml_tree.hpp"
#include "formats/yaml/yaml_writer.hpp"
#include "smpshade/heal.hpp"

namespace smpshade {

namespace {

using detail::YamlNode;
constexpr int kFormatVersion = 1;
constexpr std::size_t kMaxModelBytes = 1 << 20;

class ModelReader {
 public:
  explicit ModelReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YamlNode& node, const std::string& message) const {
    throw InputError(message, Location{file_, node.line, node.column});
  }

  double number(const YamlNode& node, const std::string& key, double low, double high) const {
    if (node.kind != YamlNode::Kind::Scalar || !node.plain) fail(node, "'" + key + "' must be a number");
    double value = 0;
    if (detail::parse_number(node.text, value) != detail::NumberStatus::Ok) {
      fail(node, "'" + key + "' must be a number, not '" + node.text + "'");
    }
    if (value < low || value > high) {
      fail(node, "'" + key + "' is " + node.text + ", outside " + trim_number(low) + ".." +
                     trim_number(high));
    }
    return value;
  }

  // Calls `each(key, value)` for a map's entries, refusing keys not in `allowed`.
  template <typename Each>
  void map(const YamlNode& node, const std::string& what, std::initializer_list<const char*> allowed,
           Each each) const {
    if (node.kind != YamlNode::Kind::Map) fail(node, "'" + what + "' must be a map");
    for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
      const YamlNode& key = *node.children[i];
      bool known = false;
      for (const char* a : allowed) known = known || key.text == a;
      if (!known) fail(key, "unknown key '" + key.text + "' in '" + what + "'");
      each(key.text, *node.children[i + 1]);
    }
  }

 private:
  static std::string trim_number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
  }
  std::string file_;
};

void read_parameters(const ModelReader& reader, const YamlNode& node, const std::string& what,
                     HealingParameters& p, bool errors) {
  const double low = errors ? 0.0 : 1e-6;
  reader.map(node, what, {"retention", "depth_mm", "filter"}, [&](const std::string& key, const YamlNode& v) {
    if (key == "retention") p.retention = reader.number(v, key, errors ? 0 : low, 1);
    if (key == "depth_mm") p.depth_mm = reader.number(v, key, 0, 10);
    if (key == "filter") p.filter = reader.number(v, key, errors ? 0 : low, 10);
  });
}

}  // namespace

HealingModel read_healing_model(const std::string& path) {
  const std::string text = detail::read_at_most(path, kMaxModelBytes);
  if (text.size() > kMaxModelBytes) throw InputError("larger than 1 MiB: not a healing model", Location{path});
  const detail::YamlDocument document = detail::parse_yaml(text, path, detail::YamlLimits{});
  if (!document.root) throw InputError("empty file: not a healing model", Location{path});
  const ModelReader reader(path);
  HealingModel model;
  model.source = path;
  bool version = false, parameters = false;
  reader.map(*document.root, "the file",
             {"healing", "model", "parameters", "standard_error", "skin_tone", "client_spread",
              "outcome_de00", "fit", "constants", "catalog"},
             [&](const std::string& key, const YamlNode& v) {
               if (key == "healing") {
                 if (reader.number(v, key, 0, 1000) != kFormatVersion) {
                   reader.fail(v, "healing model format " + v.text + " is not one this version reads (1)");
                 }
                 version = true;
               } else if (key == "model") {
                 if (v.text != "layered-skin") reader.fail(v, "model '" + v.text + "' is not 'layered-skin'");
               } else if (key == "parameters") {
                 read_parameters(reader, v, key, model.parameters, false);
                 parameters = true;
               } else if (key == "standard_error") {
                 read_parameters(reader, v, key, model.standard_error, true);
               } else if (key == "skin_tone") {
                 model.trend.fitted = true;
                 reader.map(v, key, {"reference_ita", "log_retention_per_10deg", "log_filter_per_10deg"},
                            [&](const std::string& k, const YamlNode& n) {
                              if (k == "reference_ita") model.trend.reference_ita = reader.number(n, k, -90, 90);
                              if (k == "log_retention_per_10deg") model.trend.log_retention_per_10deg = reader.number(n, k, -5, 5);
                              if (k == "log_filter_per_10deg") model.trend.log_filter_per_10deg = reader.number(n, k, -5, 5);
                            });
               } else if (key == "client_spread") {
                 model.client_spread = reader.number(v, key, 0.01, 5);
               } else if (key == "outcome_de00") {
                 model.outcome_de00 = reader.number(v, key, 0.01, 100);
               } else if (key == "catalog") {
                 model.catalog = v.text;
               } else if (key == "fit") {
                 reader.map(v, key, {"outcomes", "clients", "residual_mean_de00", "held_out_mean_de00",
                                     "held_out_p90_de00", "held_out_method"},
                            [&](const std::string& k, const YamlNode& n) {
                              if (k == "outcomes") model.outcomes = static_cast<int>(reader.number(n, k, 0, 1e9));
                              if (k == "clients") model.clients = static_cast<int>(reader.number(n, k, 0, 1e9));
                              if (k == "residual_mean_de00") model.residual_mean_de00 = reader.number(n, k, 0, 1000);
                              if (k == "held_out_mean_de00") model.held_out_mean_de00 = reader.number(n, k, 0, 1000);
                              if (k == "held_out_p90_de00") model.held_out_p90_de00 = reader.number(n, k, 0, 1000);
                              if (k == "held_out_method") model.held_out_method = n.text;
                            });
               } else if (key == "constants") {
                 // The fixed constants the fit assumed: they must be this build's.
                 const SkinConstants here;
                 reader.map(v, key, {"epidermis_mm", "ink_layer_mm", "scattering_a", "scattering_b",
                                     "dermis_lightness"},
                            [&](const std::string& k, const YamlNode& n) {
                              const double value = reader.number(n, k, -1e6, 1e6);
                              const double expected = k == "epidermis_mm" ? here.epidermis_mm
                                                    : k == "ink_layer_mm" ? here.ink_layer_mm
                                                    : k == "scattering_a" ? here.scattering_a
                                                    : k == "scattering_b" ? here.scattering_b
                                                                          : here.dermis_lightness;
                              if (std::fabs(value - expected) > 1e-9 * std::max(1.0, std::fabs(expected))) {
                                reader.fail(n, "'" + k + "' is " + n.text + " here but this version's skin model uses " +
                                                   std::to_string(expected) + ": refit with this version's smp-heal");
                              }
                            });
               }
             });
  if (!version) throw InputError("no 'healing: 1' line: not a healing model file", Location{path});
  if (!parameters) throw InputError("no 'parameters' map", Location{path});
  return model;
}

void write_healing_model(std::ostream& out, const HealingModel& model) {
  detail::YamlMapWriter yaml(6);
  yaml.value("healing", kFormatVersion);
  yaml.value("model", "layered-skin");
  auto parameters = [&](const char* key, const HealingParameters& p) {
    yaml.begin_map(key);
    yaml.value("retention", p.retention);
    yaml.value("depth_mm", p.depth_mm);
    yaml.value("filter", p.filter);
    yaml.end_map();
  };
  parameters("parameters", model.parameters);
  parameters("standard_error", model.standard_error);
  if (model.trend.fitted) {
    yaml.begin_map("skin_tone");
    yaml.value("reference_ita", model.trend.reference_ita);
    yaml.value("log_retention_per_10deg", model.trend.log_retention_per_10deg);
    yaml.value("log_filter_per_10deg", model.trend.log_filter_per_10deg);
    yaml.end_map();
  }
  yaml.value("client_spread", model.client_spread);
  if (model.outcome_de00) yaml.value("outcome_de00", *model.outcome_de00);
  if (!model.catalog.empty()) yaml.value("catalog", model.catalog);
  yaml.begin_map("fit");
  yaml.value("outcomes", model.outcomes);
  yaml.value("clients", model.clients);
  yaml.value("residual_mean_de00", model.residual_mean_de00);
  yaml.value("held_out_mean_de00", model.held_out_mean_de00);
  if (model.held_out_p90_de00) yaml.value("held_out_p90_de00", *model.held_out_p90_de00);
  yaml.value("held_out_method", model.held_out_method);
  yaml.end_map();
  const SkinConstants constants;
  yaml.begin_map("constants");
  yaml.value("epidermis_mm", constants.epidermis_mm);
  yaml.value("ink_layer_mm", constants.ink_layer_mm);
  yaml.value("scattering_a", constants.scattering_a);
  yaml.value("scattering_b", constants.scattering_b);
  yaml.value("dermis_lightness", constants.dermis_lightness);
  yaml.end_map();
  out << "# smpshade healing model: the layered skin model's parameters fitted to a clinic's\n"
         "# healed outcomes by smp-heal fit (smpshade-healing(5)).\n"
      << yaml.text();
}

HealingParameters HealingModel::parameters_for(const Lab& skin) const {
  HealingParameters p = parameters;
  if (!trend.fitted) return p;
  const double steps = (ita_degrees(skin) - trend.reference_ita) / 10.0;
  p.retention = std::min(1.0, p.retention * std::exp(trend.log_retention_per_10deg * steps));
  p.filter = p.filter * std::exp(trend.log_filter_per_10deg * steps);
  return p;
}

std::string HealingModel::describe() const {
  if (outcomes == 0) return source == "defaults" ? "defaults (not fitted)" : source;
  return source + " (" + std::to_string(outcomes) + " outcomes)";
}

}  // namespace smpshade
