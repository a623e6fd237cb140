// Catalogue YAML (smpshade-catalog(5)) into the library's types, checking every rule of
// `smp-catalog lint` on the way. Each problem goes to a DiagnosticSink with its rule id and the
// line and column of the value at fault.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/internal.hpp"
#include "core/fixed.hpp"
#include "core/parse.hpp"
#include "core/read_text.hpp"
#include "formats/yaml/yaml_tree.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/suggest.hpp"

namespace smpshade::detail {

// ---------------------------------------------------------------------------------------------
// DiagnosticSink

bool DiagnosticSink::has_errors() const {
  return std::any_of(diagnostics_.begin(), diagnostics_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

void DiagnosticSink::sort_by_position() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& p, const Diagnostic& q) {
                     if (p.where.line != q.where.line) return p.where.line < q.where.line;
                     return p.where.column < q.where.column;
                   });
}

void DiagnosticSink::throw_first_error() const {
  const Diagnostic* first = nullptr;
  for (const Diagnostic& d : diagnostics_) {
    if (d.severity != Severity::Error) continue;
    if (first == nullptr || d.where.line < first->where.line ||
        (d.where.line == first->where.line && d.where.column < first->where.column)) {
      first = &d;
    }
  }
  if (first == nullptr) return;
  if (first->rule == "io") throw IoError(first->message, first->where);
  throw InputError(first->message, first->where);
}

std::string today_iso() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &local);
  return text;
}

namespace {

using Kind = YamlNode::Kind;

// ---------------------------------------------------------------------------------------------
// Small helpers

using detail::fixed;

static_assert(kMaxYamlDepthCeiling == kYamlDepthCeiling,
              "catalog.hpp promises the YAML parser's own depth ceiling");

// The catalogue's limits as the YAML parser takes them.
YamlLimits yaml_limits(const CatalogLimits& limits) {
  YamlLimits yaml;
  yaml.max_depth = limits.max_yaml_depth;
  yaml.max_nodes = limits.max_yaml_nodes;
  yaml.max_alias_expansion = limits.max_alias_expansion;
  return yaml;
}

std::string lab_text(const Lab& lab) {
  return "[" + fixed(lab.l, 2) + ", " + fixed(lab.a, 2) + ", " + fixed(lab.b, 2) + "]";
}

// A value quoted in a message, shortened when long: a message is read, not a dump.
std::string shortened(std::string_view text) {
  return text.size() <= 60 ? std::string(text) : std::string(text.substr(0, 57)) + "...";
}
std::string in_quotes(std::string_view text) { return "'" + shortened(text) + "'"; }

// What a node is, for "must be X, not Y" messages.
std::string describe(const YamlNode& node) {
  switch (node.kind) {
    case Kind::Null:
      return "empty";
    case Kind::Scalar:
      return node.plain ? in_quotes(node.text)
                        : "the quoted string \"" + shortened(node.text) + "\"";
    case Kind::Sequence:
      return "a list";
    case Kind::Map:
      return "a map";
  }
  return "?";
}

// The allowed key nearest to `key`, when it is near enough to be a typo.
std::string_view nearest_key(std::string_view key, const std::vector<std::string_view>& allowed) {
  std::string_view best;
  std::size_t best_distance = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (std::string_view candidate : allowed) {
    const std::size_t distance = edit_distance(key, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_alnum(id.front())) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) { return lower_alnum(c) || c == '-'; });
}

// What an invalid id probably meant: lower case, '-' for spaces and underscores.
std::string id_suggestion(std::string_view id) {
  std::string out;
  for (char c : id) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) {
      out += lower;
    } else if ((c == ' ' || c == '_' || c == '-' || c == '.') && !out.empty() &&
               out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.substr(0, 64);
}

bool leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool valid_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  const int year = std::stoi(std::string(text.substr(0, 4)));
  const int month = std::stoi(std::string(text.substr(5, 2)));
  const int day = std::stoi(std::string(text.substr(8, 2)));
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const int days = kDays[month - 1] + (month == 2 && leap_year(year) ? 1 : 0);
  return day <= days;
}

// ---------------------------------------------------------------------------------------------
// Colour Index generic names (Society of Dyers and Colourists): P(igment) or N(atural), a hue
// code, a number, and an optional ":n" variant: PBk7, PR101, PY42, PB15:3, PW6, PBr7.

// Hand-written rather than std::regex: libstdc++'s regex recurses per character and would
// overflow the stack on a hostile multi-megabyte value.

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads the hue code at text[i] (longest first: Bk and Br before B); returns its length or 0.
std::size_t ci_code_length(std::string_view text, std::size_t i) {
  if (text.substr(i, 2) == "Bk" || text.substr(i, 2) == "Br") return 2;
  if (i < text.size() && std::string_view("BGMORVWY").find(text[i]) != std::string_view::npos) {
    return 1;
  }
  return 0;
}

bool valid_ci(std::string_view text) {
  if (text.empty() || (text[0] != 'P' && text[0] != 'N')) return false;
  std::size_t i = 1;
  const std::size_t code = ci_code_length(text, i);
  if (code == 0) return false;
  i += code;
  const std::size_t number_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  const std::size_t digits = i - number_start;
  if (digits == 0 || digits > 3 || text[number_start] == '0') return false;
  if (i == text.size()) return true;
  if (text[i] != ':') return false;
  const std::size_t variant_start = ++i;
  while (i < text.size() && is_digit(text[i])) ++i;
  return i == text.size() && i - variant_start >= 1 && i - variant_start <= 2;
}

// The generic name a malformed one probably meant ("Pigment Black 7", "pbk 7" → "PBk7").
std::optional<std::string> ci_suggestion(std::string_view raw) {
  if (raw.size() > 64) return std::nullopt;
  std::string text;  // lower case, without spaces and dots
  for (char c : raw) {
    if (c != '.' && !std::isspace(static_cast<unsigned char>(c))) {
      text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  std::string_view rest = text;
  auto take = [&](std::string_view word) {
    if (rest.substr(0, word.size()) != word) return false;
    rest.remove_prefix(word.size());
    return true;
  };
  take("ci");
  std::string name;
  if (take("pigment") || take("p")) {
    name = "P";
  } else if (take("natural") || take("n")) {
    name = "N";
  } else {
    return std::nullopt;
  }
  static const std::pair<std::string_view, std::string_view> kCodes[] = {
      {"black", "Bk"}, {"brown", "Br"}, {"blue", "B"},   {"green", "G"}, {"metal", "M"},
      {"orange", "O"}, {"red", "R"},    {"violet", "V"}, {"white", "W"}, {"yellow", "Y"},
      {"bk", "Bk"},    {"br", "Br"},    {"b", "B"},      {"g", "G"},     {"m", "M"},
      {"o", "O"},      {"r", "R"},      {"v", "V"},      {"w", "W"},     {"y", "Y"}};
  bool coded = false;
  for (const auto& [word, code] : kCodes) {
    if (take(word)) {
      name += code;
      coded = true;
      break;
    }
  }
  if (!coded) return std::nullopt;
  while (rest.size() > 1 && rest[0] == '0' && is_digit(rest[1])) rest.remove_prefix(1);
  name += rest;
  if (!valid_ci(name)) return std::nullopt;
  return name;
}

// "CI 77266", "C.I. 77266", "77266": a Colour Index constitution number, not a generic name.
bool looks_like_constitution_number(std::string_view raw) {
  std::string text;
  for (char c : raw) {
    if (c != '.' && !std::isspace(static_cast<unsigned char>(c))) {
      text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (text.rfind("ci", 0) == 0) text.erase(0, 2);
  return text.size() == 5 && std::all_of(text.begin(), text.end(), is_digit);
}

// CAS registry numbers: 2–7 digits, 2 digits, a check digit that is the sum of the other digits
// weighted 1, 2, 3... from the right, modulo 10 (CAS, "Check Digit Verification of CAS
// Registry Numbers").
std::optional<int> cas_expected_check_digit(std::string_view cas, bool& well_formed) {
  const std::size_t first = cas.find('-');
  const std::size_t second = first == std::string_view::npos ? first : cas.find('-', first + 1);
  well_formed = second != std::string_view::npos && first >= 2 && first <= 7 &&
                second == first + 3 && cas.size() == second + 2 &&
                std::all_of(cas.begin(), cas.end(), [](char c) { return is_digit(c) || c == '-'; });
  if (!well_formed) return std::nullopt;
  const std::string digits =
      std::string(cas.substr(0, first)) + std::string(cas.substr(first + 1, 2));
  int sum = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    sum += (digits[digits.size() - 1 - i] - '0') * static_cast<int>(i + 1);
  }
  const int expected = sum % 10;
  if (expected == cas.back() - '0') return std::nullopt;
  return expected;
}

// REACH Annex XVII entry 75 (Commission Regulation (EU) 2020/2081) restricts substances in
// tattoo and permanent make-up inks from 4 January 2022; for Pigment Blue 15:3 and Pigment
// Green 7 the restriction applies from 4 January 2023. PB15:3 shares its substance (copper
// phthalocyanine, CAS 147-14-8) with the rest of the PB15 family, so those are flagged too.
std::optional<std::string> reach_restricted_ci(std::string_view ci) {
  if (ci == "PG7") return std::string("Pigment Green 7");
  if (ci == "PB15" || (ci.size() > 5 && ci.substr(0, 5) == "PB15:")) {
    return "Pigment Blue " + std::string(ci.substr(2));
  }
  return std::nullopt;
}

std::optional<std::string> reach_restricted_cas(std::string_view cas) {
  if (cas == "147-14-8") return std::string("Pigment Blue 15 (copper phthalocyanine)");
  if (cas == "1328-53-6") return std::string("Pigment Green 7");
  return std::nullopt;
}

std::string reach_message(const std::string& what) {
  return what +
         " is restricted in tattoo and permanent make-up inks in the EU since 4 January 2023 "
         "under REACH Annex XVII entry 75 (Regulation (EU) 2020/2081)";
}

// ---------------------------------------------------------------------------------------------
// The checker

// A map's entries with string keys, in file order.
struct Fields {
  const YamlNode* node = nullptr;
  std::vector<std::pair<std::string_view, const YamlNode*>> entries;  // key → value

  const YamlNode* get(std::string_view key) const {
    for (const auto& [k, v] : entries) {
      if (k == key) return v;
    }
    return nullptr;
  }
};

const std::vector<std::string_view> kTopKeys = {"catalog",     "supplier", "illustrative",
                                                "measurement", "diluents", "pigments"};
const std::vector<std::string_view> kMeasurementKeys = {"instrument", "illuminant", "observer",
                                                        "saunderson", "substrate"};
const std::vector<std::string_view> kSaundersonKeys = {"k1", "k2"};
const std::vector<std::string_view> kSubstrateKeys = {"name", "lab", "spectrum"};
const std::vector<std::string_view> kDiluentKeys = {"id", "name"};
const std::vector<std::string_view> kPigmentKeys = {"id",  "name",    "ci",    "cas",
                                                    "lot", "expires", "ladder"};
const std::vector<std::string_view> kStepKeys = {"ink", "diluent", "lab", "spectrum"};
const std::vector<std::string_view> kSpectrumKeys = {"start", "step", "values"};

// The tolerance on "more diluent never darkens": measurement noise and drawdown thickness
// differences reach a few tenths of L*.
constexpr double kDarkeningTolerance = 0.5;
// ΔE00 between a step's lab and the Lab of its spectrum above which one of them is wrong.
constexpr double kLabSpectrumTolerance = 1.0;

class Checker {
 public:
  Checker(const std::string& file, DiagnosticSink& sink, const CheckOptions& options)
      : file_(file), sink_(sink), options_(options) {
    catalog_.file = file;
  }

  Catalog run(const YamlNode* root) {
    if (root == nullptr || root->kind == Kind::Null) {
      sink_.error("required", "empty file: a catalogue starts with 'catalog: 1'", Location{file_});
      return std::move(catalog_);
    }
    const auto top = fields(*root, "a catalogue", kTopKeys);
    if (!top) return std::move(catalog_);
    if (const YamlNode* version = require(*top, "catalog", "the catalogue")) {
      if (const auto v = number(*version, "catalog")) {
        if (*v != 1) {
          error(*version, "version",
                "catalogue format version " + shortened(version->text) +
                    " is not supported: this smpshade reads version 1");
          return std::move(catalog_);  // later keys may mean other things in other versions
        }
      }
    }
    // A catalogue goes out to clinics: it must say whose it is.
    if (const YamlNode* supplier = top->get("supplier")) {
      if (auto s = text(*supplier, "supplier")) {
        catalog_.supplier = *s;
        if (detail::trim(*s).empty()) {
          error(*supplier, "supplier", "'supplier' is empty: say whose catalogue this is");
        }
      }
    } else {
      error(*root, "supplier", "the catalogue has no 'supplier': say whose catalogue this is");
    }
    if (const YamlNode* illustrative = top->get("illustrative")) {
      if (auto b = boolean(*illustrative, "illustrative")) {
        catalog_.illustrative = *b;
        if (*b) {
          warning(*illustrative, "illustrative",
                  "the values are illustrative, not measurements: do not match clients with "
                  "them");
        }
      }
    }
    if (const YamlNode* m = require(*top, "measurement", "the catalogue")) measurement(*m);
    const YamlNode* diluent_list = top->get("diluents");
    const YamlNode* pigment_list = top->get("pigments");
    if (diluent_list == nullptr && pigment_list == nullptr) {
      error(*root, "required", "the catalogue has no 'pigments' (nor 'diluents')");
    }
    if (diluent_list) diluents(*diluent_list);
    if (pigment_list) pigments(*pigment_list);
    if (pigment_list && !catalog_.pigments.empty() && catalog_.diluents.empty()) {
      error(*pigment_list, "no-diluent",
            "the catalogue has pigments but no 'diluents' to mix them with: add one, e.g. "
            "'diluents: [{id: distilled-water, name: Distilled water}]'");
    }
    if (diluent_list && !catalog_.diluents.empty() && catalog_.pigments.empty() &&
        (pigment_list == nullptr ||
         (pigment_list->kind == Kind::Sequence && pigment_list->children.empty()))) {
      warning(*diluent_list, "no-pigments",
              "the catalogue has diluents but no pigments: a file of diluents alone matches "
              "nothing (was its 'pigments' list left out?)");
    }
    return std::move(catalog_);
  }

 private:
  Location at(const YamlNode& node) const { return Location{file_, node.line, node.column}; }
  void error(const YamlNode& node, std::string_view rule, std::string message) {
    sink_.error(rule, std::move(message), at(node));
  }
  void warning(const YamlNode& node, std::string_view rule, std::string message) {
    sink_.warning(rule, std::move(message), at(node));
  }

  // The entries of a map, reporting a node that is not a map, keys that are not names,
  // repeated keys and unknown keys.
  std::optional<Fields> fields(const YamlNode& node, std::string_view what,
                               const std::vector<std::string_view>& allowed) {
    if (node.kind != Kind::Map) {
      error(node, "type", std::string(what) + " must be a map of keys, not " + describe(node));
      return std::nullopt;
    }
    Fields result;
    result.node = &node;
    for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
      const YamlNode& key = *node.children[i];
      const YamlNode* value = node.children[i + 1];
      if (key.kind != Kind::Scalar) {
        error(key, "type", "keys must be names, not " + describe(key));
        continue;
      }
      if (result.get(key.text) != nullptr) {
        error(key, "duplicate-key",
              "key " + in_quotes(key.text) + " appears twice in " + std::string(what) +
                  "; the first is used");
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), key.text) == allowed.end()) {
        std::string message = "unknown key " + in_quotes(key.text) + " in " + std::string(what);
        const std::string_view near = nearest_key(key.text, allowed);
        if (!near.empty()) message += "; did you mean " + in_quotes(near) + "?";
        error(key, "unknown-key", message);
        continue;
      }
      result.entries.emplace_back(key.text, value);
    }
    return result;
  }

  // A key that must be there, with a value.
  const YamlNode* require(const Fields& f, std::string_view key, std::string_view what) {
    const YamlNode* value = f.get(key);
    if (value == nullptr) {
      error(*f.node, "required", std::string(what) + " has no " + in_quotes(key));
      return nullptr;
    }
    if (value->kind == Kind::Null) {
      error(*value, "required", in_quotes(key) + " has no value");
      return nullptr;
    }
    return value;
  }

  std::optional<double> number(const YamlNode& node, std::string_view what) {
    if (node.kind == Kind::Scalar && node.plain) {
      double value = 0;
      switch (parse_number(node.text, value)) {
        case NumberStatus::Ok:
          return value;
        case NumberStatus::NotFinite:
          error(node, "type",
                std::string(what) + " must be a finite number, not " + shortened(node.text));
          return std::nullopt;
        case NumberStatus::NotNumber:
          break;
      }
    }
    error(node, "type", std::string(what) + " must be a number, not " + describe(node));
    return std::nullopt;
  }

  std::optional<std::string> text(const YamlNode& node, std::string_view what) {
    if (node.kind == Kind::Scalar) {
      // A catalogue goes out to many clinics and its names reach their terminals.
      if (printable(node.text) != node.text) {
        warning(node, "control-characters",
                in_quotes(what) + " holds control characters or bytes that are not UTF-8 (shown "
                                  "as '" + printable(node.text) + "'): they would drive a terminal");
      }
      return node.text;
    }
    error(node, "type", std::string(what) + " must be text, not " + describe(node));
    return std::nullopt;
  }

  // Required text that is not empty.
  std::optional<std::string> required_text(const Fields& f, std::string_view key,
                                           std::string_view what) {
    const YamlNode* node = require(f, key, what);
    if (node == nullptr) return std::nullopt;
    auto value = text(*node, key);
    if (value && value->empty()) {
      error(*node, "required", in_quotes(key) + " is empty");
      return std::nullopt;
    }
    return value;
  }

  std::optional<bool> boolean(const YamlNode& node, std::string_view what) {
    if (node.kind == Kind::Scalar && node.plain) {
      const std::string& t = node.text;
      if (t == "true" || t == "True" || t == "TRUE") return true;
      if (t == "false" || t == "False" || t == "FALSE") return false;
    }
    error(node, "type", std::string(what) + " must be true or false, not " + describe(node));
    return std::nullopt;
  }

  // Text items of a list; a single text is taken as a list of one.
  std::vector<const YamlNode*> text_items(const YamlNode& node, std::string_view what) {
    if (node.kind == Kind::Scalar) return {&node};
    std::vector<const YamlNode*> items;
    if (node.kind != Kind::Sequence) {
      error(node, "type", std::string(what) + " must be a list, not " + describe(node));
      return items;
    }
    for (const YamlNode* item : node.children) {
      if (text(*item, std::string(what) + " items")) items.push_back(item);
    }
    return items;
  }

  std::optional<Lab> lab(const YamlNode& node) {
    if (node.kind != Kind::Sequence || node.children.size() != 3) {
      error(node, "type",
            "'lab' must be a list of 3 numbers [L*, a*, b*], not " +
                (node.kind == Kind::Sequence ? "a list of " + std::to_string(node.children.size())
                                             : describe(node)));
      return std::nullopt;
    }
    double v[3];
    bool ok = true;
    static const char* const kNames[] = {"L*", "a*", "b*"};
    for (int i = 0; i < 3; ++i) {
      const auto n = number(*node.children[i], kNames[i]);
      if (n) v[i] = *n;
      ok = ok && n.has_value();
    }
    if (!ok) return std::nullopt;
    if (v[0] < 0 || v[0] > 100) {
      error(*node.children[0], "lab-range",
            "L* " + shortened(node.children[0]->text) + " is outside 0..100");
      ok = false;
    }
    for (int i = 1; i < 3; ++i) {
      if (std::fabs(v[i]) > 128) {
        error(*node.children[i], "lab-range",
              std::string(kNames[i]) + " " + shortened(node.children[i]->text) +
                  " is outside -128..128, beyond any surface colour");
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return Lab{v[0], v[1], v[2]};
  }

  // A reflectance spectrum; returned only when it is fit to compute a colour from.
  std::optional<Spectrum> spectrum(const YamlNode& node) {
    const auto f = fields(node, "'spectrum'", kSpectrumKeys);
    if (!f) return std::nullopt;
    const YamlNode* start_node = require(*f, "start", "'spectrum'");
    const YamlNode* step_node = require(*f, "step", "'spectrum'");
    const YamlNode* values_node = require(*f, "values", "'spectrum'");
    if (!start_node || !step_node || !values_node) return std::nullopt;
    const auto start = number(*start_node, "'start'");
    const auto step = number(*step_node, "'step'");
    bool ok = start && step;
    if (start && (*start < 300 || *start > 830)) {
      error(*start_node, "value",
            "'start' " + shortened(start_node->text) + " nm is outside 300..830 nm");
      ok = false;
    }
    if (step && !(*step > 0)) {
      error(*step_node, "value",
            "'step' must be a positive number of nm, not " + shortened(step_node->text));
      ok = false;
    }
    if (values_node->kind != Kind::Sequence) {
      error(*values_node, "type",
            "'values' must be a list of reflectances, not " + describe(*values_node));
      return std::nullopt;
    }
    Spectrum s;
    for (const YamlNode* item : values_node->children) {
      const auto v = number(*item, "a reflectance");
      if (!v) {
        ok = false;
        continue;
      }
      s.values.push_back(*v);
    }
    if (!ok) return std::nullopt;
    s.start_nm = *start;
    s.step_nm = *step;
    // SPEC 2.6: colour from 400–700 nm at 10 nm or finer.
    const double eps = 1e-9;
    if (s.values.size() < 2 || s.values.size() > 4000 || s.step_nm > 10 + eps ||
        s.start_nm > 400 + eps || s.end_nm() < 700 - eps) {
      error(*values_node, "spectrum-length",
            "the spectrum has " + std::to_string(s.values.size()) + " values from " +
                fixed(s.start_nm, 0) + " nm by " + fixed(s.step_nm, 0) + " nm, covering " +
                fixed(s.start_nm, 0) + "–" + fixed(s.end_nm(), 0) +
                " nm; it must cover 400–700 nm at 10 nm or finer (e.g. 31 values from 400 by 10)");
      ok = false;
    }
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      const double v = s.values[i];
      if (v < 0 || v > 1) {
        const auto over_one =
            std::count_if(s.values.begin(), s.values.end(), [](double r) { return r > 1; });
        std::string message = "reflectance " + shortened(values_node->children[i]->text) + " at " +
                              fixed(s.start_nm + s.step_nm * static_cast<double>(i), 0) +
                              " nm is outside 0..1";
        if (2 * static_cast<std::size_t>(over_one) > s.values.size()) {
          message += ": the values look like percent; write fractions (0.86, not 86)";
        }
        error(*values_node->children[i], "spectrum-range", message);
        ok = false;
        break;  // one report per spectrum is enough to find it
      }
    }
    if (!ok) return std::nullopt;
    return s;
  }

  // `lab` and/or `spectrum` of a substrate or ladder step, and whether they agree.
  void colour(const Fields& f, MeasuredColour& out, std::string_view what) {
    out.where = at(*f.node);
    const YamlNode* lab_node = f.get("lab");
    const YamlNode* spectrum_node = f.get("spectrum");
    if ((!lab_node || lab_node->kind == Kind::Null) &&
        (!spectrum_node || spectrum_node->kind == Kind::Null)) {
      error(*f.node, "required", std::string(what) + " has neither 'lab' nor 'spectrum'");
      return;
    }
    if (lab_node && lab_node->kind != Kind::Null) out.lab = lab(*lab_node);
    if (spectrum_node && spectrum_node->kind != Kind::Null) out.spectrum = spectrum(*spectrum_node);
    if (!out.lab || !out.spectrum) return;
    const Measurement& m = catalog_.measurement;
    const Lab computed = lab_from_reflectance(*out.spectrum, m.illuminant, m.observer);
    const double de = ciede2000(*out.lab, computed);
    if (de <= kLabSpectrumTolerance) return;
    std::string message = "lab " + lab_text(*out.lab) +
                          " differs from the Lab of its own spectrum " + lab_text(computed) + " (" +
                          std::string(white_name(m.illuminant)) + ", " +
                          std::to_string(observer_degrees(m.observer)) + "°) by ΔE00 " +
                          fixed(de, 2) + ", over " + fixed(kLabSpectrumTolerance, 0);
    const White other = m.illuminant == White::D50 ? White::D65 : White::D50;
    if (ciede2000(*out.lab, lab_from_reflectance(*out.spectrum, other, m.observer)) <=
        kLabSpectrumTolerance) {
      message += "; it matches under " + std::string(white_name(other)) +
                 ": is measurement.illuminant right?";
    } else {
      message += ": a typo in one of them?";
    }
    error(*lab_node, "lab-spectrum-mismatch", message);
  }

  void measurement(const YamlNode& node) {
    const auto f = fields(node, "'measurement'", kMeasurementKeys);
    if (!f) return;
    Measurement& m = catalog_.measurement;
    if (const YamlNode* n = f->get("instrument")) {
      if (auto t = text(*n, "'instrument'")) m.instrument = *t;
    }
    if (const YamlNode* n = f->get("illuminant")) {
      if (n->kind == Kind::Scalar && (n->text == "D50" || n->text == "D65")) {
        m.illuminant = parse_white(n->text);
      } else {
        error(*n, "value", "'illuminant' must be D50 or D65, not " + describe(*n));
      }
    }
    if (const YamlNode* n = f->get("observer")) {
      if (n->kind == Kind::Scalar && n->plain && (n->text == "2" || n->text == "10")) {
        m.observer = observer_from_degrees(std::stoi(n->text));
      } else {
        error(*n, "value", "'observer' must be 2 or 10 (degrees), not " + describe(*n));
      }
    }
    if (const YamlNode* n = f->get("saunderson")) {
      if (const auto s = fields(*n, "'saunderson'", kSaundersonKeys)) {
        for (auto [key, member] :
             {std::pair{"k1", &m.saunderson.k1}, std::pair{"k2", &m.saunderson.k2}}) {
          const YamlNode* k = s->get(key);
          if (k == nullptr) continue;
          const auto v = number(*k, in_quotes(key));
          if (!v) continue;
          if (*v < 0 || *v >= 1) {
            error(*k, "value",
                  in_quotes(key) + " must be at least 0 and below 1, not " + shortened(k->text));
          } else {
            *member = *v;
          }
        }
      }
    }
    if (const YamlNode* n = require(*f, "substrate", "'measurement'")) {
      if (const auto s = fields(*n, "'substrate'", kSubstrateKeys)) {
        if (auto name = required_text(*s, "name", "'substrate'")) m.substrate.name = *name;
        colour(*s, m.substrate.colour, "the substrate");
      }
    }
  }

  void id_syntax(const YamlNode& node, const std::string& id, std::string_view what) {
    if (valid_id(id)) return;
    std::string message = std::string(what) + " id " + in_quotes(id) +
                          " must be lower-case letters, digits and '-', starting with a letter "
                          "or digit";
    const std::string suggestion = id_suggestion(id);
    if (valid_id(suggestion)) message += "; did you mean " + in_quotes(suggestion) + "?";
    error(node, "id-syntax", message);
  }

  void diluents(const YamlNode& node) {
    if (node.kind != Kind::Sequence) {
      error(node, "type", "'diluents' must be a list, not " + describe(node));
      return;
    }
    std::map<std::string, Location> seen;
    for (const YamlNode* item : node.children) {
      const auto f = fields(*item, "a diluent", kDiluentKeys);
      if (!f) continue;
      Diluent d;
      d.where = at(*item);
      if (auto id = required_text(*f, "id", "a diluent")) {
        d.id = *id;
        id_syntax(*f->get("id"), d.id, "diluent");
        const auto [it, inserted] = seen.emplace(d.id, at(*f->get("id")));
        if (!inserted) {
          error(*f->get("id"), "duplicate-id",
                "diluent id " + in_quotes(d.id) + " is already used at " + it->second.str());
        }
      }
      if (auto name = required_text(*f, "name", "a diluent")) d.name = *name;
      catalog_.diluents.push_back(std::move(d));
    }
  }

  void pigments(const YamlNode& node) {
    if (node.kind != Kind::Sequence) {
      error(node, "type", "'pigments' must be a list, not " + describe(node));
      return;
    }
    std::map<std::string, Location> seen;
    for (const YamlNode* item : node.children) {
      const auto f = fields(*item, "a pigment", kPigmentKeys);
      if (!f) continue;
      Pigment p;
      p.where = at(*item);
      const std::string what = "a pigment";
      if (auto id = required_text(*f, "id", what)) {
        p.id = *id;
        const YamlNode& id_node = *f->get("id");
        id_syntax(id_node, p.id, "pigment");
        const auto [it, inserted] = seen.emplace(p.id, p.where);
        if (!inserted) {
          error(id_node, "duplicate-id",
                "pigment id " + in_quotes(p.id) + " is already used by the pigment at " +
                    it->second.str());
        }
      }
      const std::string who = p.id.empty() ? what : "pigment " + in_quotes(p.id);
      if (auto name = required_text(*f, "name", who)) p.name = *name;
      bool reach_reported = false;
      if (const YamlNode* n = f->get("ci")) {
        for (const YamlNode* item_node : text_items(*n, "'ci'")) {
          p.ci.push_back(item_node->text);
          check_ci(*item_node, reach_reported);
        }
      }
      if (const YamlNode* n = f->get("cas")) {
        for (const YamlNode* item_node : text_items(*n, "'cas'")) {
          p.cas.push_back(item_node->text);
          check_cas(*item_node, reach_reported);
        }
      }
      if (const YamlNode* n = f->get("lot")) {
        if (auto t = text(*n, "'lot'")) p.lot = *t;
      }
      if (const YamlNode* n = f->get("expires")) {
        if (auto t = text(*n, "'expires'")) {
          p.expires = *t;
          check_expiry(*n, p);
        }
      }
      if (const YamlNode* n = require(*f, "ladder", who)) ladder(*n, p);
      catalog_.pigments.push_back(std::move(p));
    }
  }

  void check_ci(const YamlNode& node, bool& reach_reported) {
    const std::string& name = node.text;
    if (!valid_ci(name)) {
      std::string message = in_quotes(name) + " is not a Colour Index generic name";
      if (looks_like_constitution_number(name)) {
        message += ": it looks like a constitution number; 'ci' takes generic names such as PBk7";
      } else if (const auto suggestion = ci_suggestion(name)) {
        message += "; write " + in_quotes(*suggestion);
      } else {
        message += " (such as PBk7, PR101, PY42, PB15:3)";
      }
      error(node, "ci-name", message);
      return;
    }
    if (const auto restricted = reach_restricted_ci(name); restricted && !reach_reported) {
      warning(node, "reach-annex-xvii", name + " (" + *restricted + ")" + reach_message(""));
      reach_reported = true;
    }
  }

  void check_cas(const YamlNode& node, bool& reach_reported) {
    bool well_formed = false;
    const auto expected = cas_expected_check_digit(node.text, well_formed);
    if (!well_formed) {
      error(node, "cas-check-digit",
            in_quotes(node.text) + " is not a CAS registry number (digits as NNNNNNN-NN-N)");
      return;
    }
    if (expected) {
      error(node, "cas-check-digit",
            "CAS number " + in_quotes(node.text) + " has a wrong check digit: it should end in " +
                std::to_string(*expected));
      return;
    }
    if (const auto restricted = reach_restricted_cas(node.text); restricted && !reach_reported) {
      warning(node, "reach-annex-xvii",
              "CAS " + node.text + " (" + *restricted + ")" + reach_message(""));
      reach_reported = true;
    }
  }

  void check_expiry(const YamlNode& node, const Pigment& p) {
    if (!valid_iso_date(p.expires)) {
      error(node, "value", "'expires' must be a date as YYYY-MM-DD, not " + describe(node));
      return;
    }
    if (!options_.today.empty() && p.expires < options_.today) {
      warning(
          node, "expired",
          (p.lot.empty() ? std::string("the lot") : "lot " + p.lot) + " expired on " + p.expires);
    }
  }

  // A ladder step as the ladder's own checks need it: its parts usable, and its L*.
  struct CheckedStep {
    bool parts_ok = false;
    std::optional<double> lightness;
  };

  void ladder(const YamlNode& node, Pigment& p) {
    if (node.kind != Kind::Sequence) {
      error(node, "type", "'ladder' must be a list of steps, not " + describe(node));
      return;
    }
    if (node.children.empty()) {
      error(node, "required", "'ladder' has no steps");
      return;
    }
    if (node.children.size() < 3) {
      warning(node, "few-steps",
              "the ladder has " + std::to_string(node.children.size()) +
                  (node.children.size() == 1 ? " step" : " steps") +
                  "; 3 or more make the pigment's strength much better determined");
    }
    std::vector<CheckedStep> checked;
    for (const YamlNode* item : node.children) {
      const auto f = fields(*item, "a ladder step", kStepKeys);
      if (!f) continue;
      checked.push_back(ladder_step(*item, *f, p));
    }
    check_ladder_order(p, checked);
    check_ladder_lightness(p, checked);
  }

  // One step: its parts (each usable when given, a number, and in its domain) and colour.
  CheckedStep ladder_step(const YamlNode& item, const Fields& f, Pigment& p) {
    LadderStep step;
    step.where = at(item);
    CheckedStep c;
    const YamlNode* ink_node = require(f, "ink", "the step");
    const YamlNode* diluent_node = require(f, "diluent", "the step");
    bool ink_ok = false, diluent_ok = false;
    if (ink_node) {
      if (const auto v = number(*ink_node, "'ink'")) {
        ink_ok = *v > 0;
        step.ink_parts = *v;
        if (!ink_ok) {
          error(*ink_node, "value",
                "'ink' must be more than 0 parts (the bare substrate belongs under "
                "measurement.substrate)");
        }
      }
    }
    if (diluent_node) {
      if (const auto v = number(*diluent_node, "'diluent'")) {
        diluent_ok = *v >= 0;
        step.diluent_parts = *v;
        if (!diluent_ok) {
          error(*diluent_node, "value",
                "'diluent' must be 0 parts or more, not " + shortened(diluent_node->text));
        }
      }
    }
    c.parts_ok = ink_ok && diluent_ok;
    colour(f, step.colour, "the step");
    if (step.colour.lab || step.colour.spectrum) {
      c.lightness = measured_lab(step.colour, catalog_.measurement).l;
    }
    p.ladder.push_back(std::move(step));
    return c;
  }

  // Steps from most ink to least (SPEC 2.5), each weaker than the one before.
  void check_ladder_order(const Pigment& p, const std::vector<CheckedStep>& checked) {
    const LadderStep* previous = nullptr;
    for (std::size_t i = 0; i < p.ladder.size(); ++i) {
      if (!checked[i].parts_ok) continue;
      const LadderStep& step = p.ladder[i];
      if (previous != nullptr && step.concentration() >= previous->concentration()) {
        const bool same = step.concentration() == previous->concentration();
        sink_.error("ladder-order",
                    "step " + parts_ratio(step.ink_parts, step.diluent_parts) +
                        (same ? " has the same concentration as " : " has more ink than ") +
                        "the step before it, " +
                        parts_ratio(previous->ink_parts, previous->diluent_parts) +
                        ": order the ladder from most ink to least, each step once",
                    step.where);
      }
      previous = &step;
    }
  }

  // More diluent never darkens: each step at least as light as every step with more ink.
  void check_ladder_lightness(const Pigment& p, const std::vector<CheckedStep>& checked) {
    for (std::size_t j = 0; j < p.ladder.size(); ++j) {
      if (!checked[j].parts_ok || !checked[j].lightness) continue;
      std::optional<std::size_t> lightest;
      for (std::size_t i = 0; i < p.ladder.size(); ++i) {
        if (!checked[i].parts_ok || !checked[i].lightness) continue;
        if (p.ladder[i].concentration() <= p.ladder[j].concentration()) continue;
        if (!lightest || *checked[i].lightness > *checked[*lightest].lightness) lightest = i;
      }
      if (!lightest) continue;
      const double lj = *checked[j].lightness, li = *checked[*lightest].lightness;
      if (lj < li - kDarkeningTolerance) {
        const LadderStep& a = p.ladder[*lightest];
        const LadderStep& b = p.ladder[j];
        sink_.error("ladder-darkens",
                    "step " + parts_ratio(b.ink_parts, b.diluent_parts) + " (L* " + fixed(lj, 2) +
                        ") is darker than step " + parts_ratio(a.ink_parts, a.diluent_parts) +
                        " (L* " + fixed(li, 2) +
                        "), which has more ink: more diluent cannot darken (tolerance " +
                        fixed(kDarkeningTolerance, 1) + ")",
                    b.where);
      }
    }
  }

  const std::string& file_;
  DiagnosticSink& sink_;
  const CheckOptions& options_;
  Catalog catalog_;
};

}  // namespace

namespace {

// The size a file over the limit is given as: MiB with a decimal, so that 17 MiB reads "17.0".
std::string over_size_text(std::size_t bytes) {
  return bytes >= (std::size_t{1} << 20) ? fixed(static_cast<double>(bytes) / (1 << 20), 1) + " MiB"
                                         : size_text(bytes);
}

}  // namespace

Catalog check_catalog_text(std::string_view text, const std::string& name, DiagnosticSink& sink,
                           const CheckOptions& options) {
  Catalog empty;
  empty.file = name;
  if (text.size() > options.limits.max_file_bytes) {
    sink.error("yaml-limits",
               "the text is " + over_size_text(text.size()) + "; catalogue files are limited to " +
                   size_text(options.limits.max_file_bytes),
               Location{name});
    return empty;
  }
  YamlDocument document;
  try {
    document = parse_yaml(text, name, yaml_limits(options.limits));
  } catch (const YamlError& e) {
    sink.error(e.kind() == YamlError::Kind::Syntax ? "yaml-syntax" : "yaml-limits", e.message(),
               e.where());
    return empty;
  }
  return Checker(name, sink, options).run(document.root);
}

Catalog check_catalog_file(const std::string& path, DiagnosticSink& sink,
                           const CheckOptions& options) {
  namespace fs = std::filesystem;
  Catalog empty;
  empty.file = path;
  const std::size_t limit = options.limits.max_file_bytes;
  auto too_large = [&](std::size_t size) {
    sink.error("yaml-limits",
               "the file is " + over_size_text(size) + "; catalogue files are limited to " +
                   size_text(limit),
               Location{path});
    return empty;
  };
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::is_directory(status)) {
    sink.error("io", "is a folder, not a catalogue file", Location{path});
    return empty;
  }
  if (fs::is_regular_file(status)) {
    const auto size = fs::file_size(path, ec);
    if (!ec && size > limit) return too_large(static_cast<std::size_t>(size));
  }
  std::string text;
  try {
    text = read_at_most(path, limit);
  } catch (const IoError& e) {
    sink.error("io", e.message(), Location{path});
    return empty;
  }
  // A pipe or a file that grew while it was read: read_at_most stops one byte past the limit.
  if (text.size() > limit) {
    sink.error("yaml-limits",
               "more than " + size_text(limit) + " of text; catalogue files are limited to " +
                   size_text(limit),
               Location{path});
    return empty;
  }
  return check_catalog_text(text, path, sink, options);
}

void check_duplicate_ids(const std::vector<Catalog>& catalogs, std::vector<DiagnosticSink*> sinks) {
  std::map<std::string_view, const Pigment*> first;
  std::map<std::string_view, std::size_t> first_file;
  for (std::size_t c = 0; c < catalogs.size(); ++c) {
    for (const Pigment& p : catalogs[c].pigments) {
      if (p.id.empty()) continue;
      const auto [it, inserted] = first.emplace(p.id, &p);
      if (inserted) {
        first_file[p.id] = c;
      } else if (first_file[p.id] != c) {  // the same file's duplicates are reported by parsing
        sinks[c]->error("duplicate-id",
                        "pigment id " + in_quotes(p.id) + " is already used by the pigment at " +
                            it->second->where.str(),
                        p.where);
      }
    }
  }
}

}  // namespace smpshade::detail
