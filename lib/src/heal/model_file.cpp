// The healing model file (smpshade-healing(5)): YAML written and read through formats/yaml
// (yaml-cpp's emitter; the library's limited YAML tree, with file:line:col messages).
#include <charconv>
#include <cmath>
#include <ostream>
#include <algorithm>
#include <iterator>
#include <set>

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
    std::set<std::string> seen;
    for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
      const YamlNode& key = *node.children[i];
      bool known = false;
      for (const char* a : allowed) known = known || key.text == a;
      if (!known) fail(key, "unknown key '" + key.text + "' in '" + what + "'");
      if (!seen.insert(key.text).second) {
        fail(key, "duplicate key '" + key.text + "' in '" + what + "'");
      }
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

void read_parameters(const ModelReader& reader, const YamlNode& node, HealingParameters& p) {
  // Retention is a strength relative to the cup on card: not a share capped at 1.
  reader.map(node, "parameters", {"retention", "depth_mm", "filter"},
             [&](const std::string& key, const YamlNode& v) {
               if (key == "retention") p.retention = reader.number(v, key, 1e-6, 100);
               if (key == "depth_mm") p.depth_mm = reader.number(v, key, 0, 10);
               if (key == "filter") p.filter = reader.number(v, key, 1e-6, 10);
             });
}

// Standard errors are spreads, not parameter values: any finite value of at least 0.
void read_errors(const ModelReader& reader, const YamlNode& node, ParameterErrors& e) {
  reader.map(node, "standard_error", {"retention", "depth_mm", "filter"},
             [&](const std::string& key, const YamlNode& v) {
               const double value = reader.number(v, key, 0, HUGE_VAL);
               if (key == "retention") e.retention = value;
               if (key == "depth_mm") e.depth_mm = value;
               if (key == "filter") e.filter = value;
             });
}

// Each ink's strength in skin: a map of ink id to factor.
void read_ink_strengths(const ModelReader& reader, const YamlNode& node, HealingParameters& p) {
  if (node.kind != YamlNode::Kind::Map) reader.fail(node, "'inks' must be a map of ink id to strength");
  for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
    const YamlNode& key = *node.children[i];
    if (key.kind != YamlNode::Kind::Scalar || key.text.empty()) reader.fail(key, "an ink id must be text");
    for (const auto& known : p.ink_strength) {
      if (known.first == key.text) reader.fail(key, "duplicate key '" + key.text + "' in 'inks'");
    }
    p.ink_strength.emplace_back(key.text, reader.number(*node.children[i + 1], key.text, 1e-3, 1000));
  }
}

// The correction's weights: a map per Lab row (L, a, b, what moves), keyed by column: the
// contrast component (dL, da, db), alone or times a modifier ("dL*ita", "da*size", "db*skin_a",
// "dL*skin_b", "dL*ill-chestnut" for an ink's share).
constexpr const char* kCorrectionRows[] = {"L", "a", "b"};
constexpr const char* kCorrectionComponents[] = {"dL", "da", "db"};
constexpr const char* kFixedModifiers[] = {"", "ita", "size", "skin_a", "skin_b"};
static_assert(std::size(kFixedModifiers) == HealedCorrection::kFixedModifiers);

std::string correction_column(const HealedCorrection& c, std::size_t column) {
  const std::size_t modifier = column / 3;
  const std::string component = kCorrectionComponents[column % 3];
  if (modifier == 0) return component;
  return component + "*" +
         (modifier < HealedCorrection::kFixedModifiers
              ? std::string(kFixedModifiers[modifier])
              : c.inks[modifier - HealedCorrection::kFixedModifiers]);
}

void read_correction(const ModelReader& reader, const YamlNode& node, HealedCorrection& c) {
  // First the columns named anywhere (inks in order of first mention), then the weights.
  struct Entry {
    std::size_t row;
    std::size_t component;
    std::string modifier;
    const YamlNode* value;
  };
  std::vector<Entry> entries;
  reader.map(node, "correction", {"L", "a", "b"}, [&](const std::string& row, const YamlNode& v) {
    if (v.kind != YamlNode::Kind::Map) reader.fail(v, "'correction " + row + "' must be a map");
    std::set<std::string> seen;
    for (std::size_t i = 0; i + 1 < v.children.size(); i += 2) {
      const YamlNode& key = *v.children[i];
      if (!seen.insert(key.text).second) {
        reader.fail(key, "duplicate key '" + key.text + "' in 'correction " + row + "'");
      }
      const std::string head = key.text.substr(0, key.text.find('*'));
      const auto component = std::find(std::begin(kCorrectionComponents),
                                       std::end(kCorrectionComponents), head);
      if (component == std::end(kCorrectionComponents)) {
        reader.fail(key, "'" + key.text + "' is not a correction column (dL, da or db, alone or "
                         "as dL*MODIFIER)");
      }
      const std::string modifier =
          key.text.find('*') == std::string::npos ? "" : key.text.substr(key.text.find('*') + 1);
      const bool fixed = std::find(std::begin(kFixedModifiers), std::end(kFixedModifiers),
                                   modifier) != std::end(kFixedModifiers);
      if (!fixed && std::find(c.inks.begin(), c.inks.end(), modifier) == c.inks.end()) {
        c.inks.push_back(modifier);
      }
      entries.push_back({row == "L" ? 0u : row == "a" ? 1u : 2u,
                         static_cast<std::size_t>(component - std::begin(kCorrectionComponents)),
                         modifier, v.children[i + 1]});
    }
  });
  const std::size_t k = c.columns();
  c.weights.assign(3 * k, 0.0);
  for (const Entry& e : entries) {
    const auto fixed = std::find(std::begin(kFixedModifiers), std::end(kFixedModifiers), e.modifier);
    const std::size_t modifier =
        fixed != std::end(kFixedModifiers)
            ? static_cast<std::size_t>(fixed - std::begin(kFixedModifiers))
            : HealedCorrection::kFixedModifiers +
                  static_cast<std::size_t>(std::find(c.inks.begin(), c.inks.end(), e.modifier) -
                                           c.inks.begin());
    c.weights[e.row * k + modifier * 3 + e.component] =
        reader.number(*e.value, std::string(kCorrectionRows[e.row]) + " weight", -1000, 1000);
  }
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
             {"healing", "model", "parameters", "standard_error", "inks", "correction",
              "skin_tone", "client_spread",
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
                 read_parameters(reader, v, model.parameters);
                 parameters = true;
               } else if (key == "standard_error") {
                 read_errors(reader, v, model.standard_error);
               } else if (key == "correction") {
                 read_correction(reader, v, model.parameters.correction);
               } else if (key == "inks") {
                 read_ink_strengths(reader, v, model.parameters);
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
                                     "held_out_physics_mean_de00", "held_out_p90_de00",
                                     "held_out_method"},
                            [&](const std::string& k, const YamlNode& n) {
                              if (k == "outcomes") model.outcomes = static_cast<int>(reader.number(n, k, 0, 1e9));
                              if (k == "clients") model.clients = static_cast<int>(reader.number(n, k, 0, 1e9));
                              if (k == "residual_mean_de00") model.residual_mean_de00 = reader.number(n, k, 0, 1000);
                              if (k == "held_out_mean_de00") model.held_out_mean_de00 = reader.number(n, k, 0, 1000);
                              if (k == "held_out_p90_de00") model.held_out_p90_de00 = reader.number(n, k, 0, 1000);
                              if (k == "held_out_physics_mean_de00") model.held_out_physics_mean_de00 = reader.number(n, k, 0, 1000);
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
  yaml.begin_map("parameters");
  yaml.value("retention", model.parameters.retention);
  yaml.value("depth_mm", model.parameters.depth_mm);
  yaml.value("filter", model.parameters.filter);
  yaml.end_map();
  yaml.begin_map("standard_error");
  yaml.value("retention", model.standard_error.retention);
  yaml.value("depth_mm", model.standard_error.depth_mm);
  yaml.value("filter", model.standard_error.filter);
  yaml.end_map();
  if (!model.parameters.ink_strength.empty()) {
    yaml.begin_map("inks");
    for (const auto& [ink, factor] : model.parameters.ink_strength) yaml.value(ink, factor);
    yaml.end_map();
  }
  if (model.parameters.correction.active()) {
    const HealedCorrection& c = model.parameters.correction;
    yaml.begin_map("correction");
    for (std::size_t r = 0; r < 3; ++r) {
      yaml.begin_map(kCorrectionRows[r]);
      for (std::size_t k = 0; k < c.columns(); ++k) {
        yaml.value(correction_column(c, k), c.weights[r * c.columns() + k]);
      }
      yaml.end_map();
    }
    yaml.end_map();
  }
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
  if (model.held_out_physics_mean_de00) {
    yaml.value("held_out_physics_mean_de00", *model.held_out_physics_mean_de00);
  }
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
  p.retention = p.retention * std::exp(trend.log_retention_per_10deg * steps);
  p.filter = p.filter * std::exp(trend.log_filter_per_10deg * steps);
  return p;
}

std::string HealingModel::describe() const {
  if (outcomes == 0) return source == "defaults" ? "defaults (not fitted)" : source;
  return source + " (" + std::to_string(outcomes) + " outcomes)";
}

}  // namespace smpshade
