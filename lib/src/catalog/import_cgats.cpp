// Dilution ladders from a spectrophotometer's CGATS.17 / IT8 export (ANSI CGATS.17-2009), read
// as a table by formats/cgats, into a catalogue that passes the catalogue's own checks.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>

#include "catalog/internal.hpp"
#include "core/fixed.hpp"
#include "core/parse.hpp"
#include "formats/cgats/internal.hpp"
#include "smpshade/catalog_io.hpp"
#include "smpshade/difference.hpp"

namespace smpshade {

namespace {

using detail::fixed;
using detail::It8Table;

// "1:3" (or "1 : 3", "2:9.5") in a sample's name: ink parts, diluent parts, and where the
// ratio starts and ends. Hand-written: std::regex recurses per character of its input.
struct Ratio {
  double ink = 0, diluent = 0;
  std::size_t begin = 0, end = 0;
};

// A decimal number at text[i]: digits, optionally "." and digits. Returns its end, or i.
std::size_t scan_decimal(std::string_view text, std::size_t i) {
  auto digit = [&](std::size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };
  std::size_t k = i;
  while (digit(k)) ++k;
  if (k == i) return i;
  if (k < text.size() && text[k] == '.' && digit(k + 1)) {
    ++k;
    while (digit(k)) ++k;
  }
  return k;
}

std::optional<Ratio> find_ratio(std::string_view text) {
  auto space = [&](std::size_t k) {
    return k < text.size() && (text[k] == ' ' || text[k] == '\t');
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && ((text[i - 1] >= '0' && text[i - 1] <= '9') || text[i - 1] == '.')) continue;
    const std::size_t ink_end = scan_decimal(text, i);
    if (ink_end == i) continue;
    std::size_t k = ink_end;
    while (space(k)) ++k;
    if (k >= text.size() || text[k] != ':') continue;
    ++k;
    while (space(k)) ++k;
    const std::size_t diluent_end = scan_decimal(text, k);
    if (diluent_end == k) continue;
    Ratio r;
    r.ink = *detail::parse_number(text.substr(i, ink_end - i));
    r.diluent = *detail::parse_number(text.substr(k, diluent_end - k));
    r.begin = i;
    r.end = diluent_end;
    return r;
  }
  return std::nullopt;
}

std::string without_ratio(const std::string& name) {
  const auto ratio = find_ratio(name);
  if (!ratio) return std::string(detail::trim(name));
  return std::string(detail::trim(name.substr(0, ratio->begin) + name.substr(ratio->end)));
}

// The columns a ladder import reads.
bool ladder_column(const std::string& field) {
  static const std::string_view kFields[] = {"SAMPLE_NAME", "SAMPLE_ID", "LAB_L",        "LAB_A",
                                             "LAB_B",       "INK_PARTS", "DILUENT_PARTS"};
  return std::find(std::begin(kFields), std::end(kFields), field) != std::end(kFields) ||
         detail::spectral_field_nm(field).has_value();
}

// Where a ladder's values are in the table.
struct LadderColumns {
  std::optional<int> lab_l, lab_a, lab_b;
  bool has_lab = false;
  std::vector<std::pair<double, int>> spectral;  // nm, column; by wavelength
  double start_nm = 0, step_nm = 0;
  std::optional<int> ink, diluent;
};

LadderColumns find_ladder_columns(const It8Table& table) {
  LadderColumns c;
  c.lab_l = table.column("LAB_L"), c.lab_a = table.column("LAB_A"), c.lab_b = table.column("LAB_B");
  c.has_lab = c.lab_l && c.lab_a && c.lab_b;
  if ((c.lab_l || c.lab_a || c.lab_b) && !c.has_lab) {
    table.fail("LAB_L, LAB_A and LAB_B must come together");
  }
  for (std::size_t i = 0; i < table.fields().size(); ++i) {
    if (const auto nm = detail::spectral_field_nm(table.fields()[i])) {
      c.spectral.emplace_back(*nm, static_cast<int>(i));
    }
  }
  std::sort(c.spectral.begin(), c.spectral.end());
  if (!c.has_lab && c.spectral.empty()) {
    table.fail(
        "no LAB_L/LAB_A/LAB_B and no spectral fields (SPECTRAL_NM400, SPECTRAL_400 or "
        "SPEC_400...): nothing to import");
  }
  if (!c.spectral.empty()) {
    if (c.spectral.size() < 2) table.fail("a single spectral field is not a spectrum");
    c.start_nm = c.spectral.front().first;
    c.step_nm = c.spectral[1].first - c.spectral[0].first;
    for (std::size_t i = 1; i < c.spectral.size(); ++i) {
      if (c.spectral[i].first - c.spectral[i - 1].first != c.step_nm || c.step_nm <= 0) {
        table.fail("the spectral fields are not evenly spaced (at " +
                   fixed(c.spectral[i].first, 0) + " nm)");
      }
    }
  }
  c.ink = table.column("INK_PARTS"), c.diluent = table.column("DILUENT_PARTS");
  if (c.ink.has_value() != c.diluent.has_value()) {
    table.fail("INK_PARTS and DILUENT_PARTS must come together");
  }
  return c;
}

// The illuminant and observer the Lab values were computed for, and the instrument.
Measurement measurement_conditions(const It8Table& table) {
  Measurement measurement;
  if (const char* illuminant = table.property("ILLUMINATION_NAME")) {
    const std::string v = detail::upper(detail::trim(illuminant));
    if (v != "D50" && v != "D65") {
      table.fail("ILLUMINATION_NAME is '" + std::string(illuminant) +
                 "'; catalogues are measured for D50 or D65");
    }
    measurement.illuminant = parse_white(v);
  }
  if (const char* observer = table.property("OBSERVER_ANGLE")) {
    const auto degrees = detail::cgats_number(observer);
    if (!degrees || (*degrees != 2 && *degrees != 10)) {
      table.fail("OBSERVER_ANGLE is '" + std::string(observer) + "'; it must be 2 or 10");
    }
    measurement.observer = observer_from_degrees(static_cast<int>(*degrees));
  }
  if (const char* instrument = table.property("INSTRUMENTATION")) {
    measurement.instrument = instrument;
  }
  return measurement;
}

// A row's ink and diluent parts: INK_PARTS and DILUENT_PARTS, else a ratio in its name or id.
std::pair<double, double> row_parts(const It8Table& table, const LadderColumns& columns, int row) {
  double ink = 0, diluent = 0;
  if (columns.ink) {
    ink = table.number(row, *columns.ink);
    diluent = table.number(row, *columns.diluent);
  } else {
    std::string sample_name, sample_id;
    if (const auto c = table.column("SAMPLE_NAME")) sample_name = table.text(row, *c);
    if (const auto c = table.column("SAMPLE_ID")) sample_id = table.text(row, *c);
    auto ratio = find_ratio(sample_name);
    if (!ratio) ratio = find_ratio(sample_id);
    if (!ratio) {
      table.fail_row(row,
                     "no ink and diluent parts: add INK_PARTS and DILUENT_PARTS fields, "
                     "or write them in SAMPLE_NAME as 1:3");
    }
    ink = ratio->ink;
    diluent = ratio->diluent;
  }
  if (ink < 0 || diluent < 0 || ink + diluent <= 0) {
    table.fail_row(row, "parts " + parts_ratio(ink, diluent) + " are not a dilution");
  }
  return {ink, diluent};
}

// Replicate measurements of one dilution, summed for averaging.
struct Group {
  double ink = 0, diluent = 0;
  int count = 0;
  int first_row = 0;
  std::string name;
  Lab lab_sum;
  std::vector<double> spectrum_sum;
};

// Every row's values, checked, summed into one group per dilution in the order first seen.
std::vector<Group> group_rows(const It8Table& table, const LadderColumns& columns) {
  std::vector<Group> groups;
  for (int row = 0; row < table.rows(); ++row) {
    const std::pair<double, double> parts = row_parts(table, columns, row);
    const double ink = parts.first, diluent = parts.second;
    Lab lab;
    if (columns.has_lab) {
      lab = {table.number(row, *columns.lab_l), table.number(row, *columns.lab_a),
             table.number(row, *columns.lab_b)};
      if (lab.l < 0 || lab.l > 100 || std::fabs(lab.a) > 128 || std::fabs(lab.b) > 128) {
        table.fail_row(row, "Lab " + fixed(lab.l, 2) + " " + fixed(lab.a, 2) + " " +
                                fixed(lab.b, 2) + " is out of range");
      }
    }
    std::vector<double> reflectance;
    for (const auto& [nm, col] : columns.spectral) {
      // Instruments write reflectance in percent (CGATS.5 SPECTRAL_ fields, 0–100).
      const double percent = table.number(row, col);
      if (percent < 0 || percent > 100) {
        table.fail_row(row, "reflectance " + fixed(percent, 2) + "% at " + fixed(nm, 0) +
                                " nm is outside 0..100%");
      }
      reflectance.push_back(percent / 100.0);
    }
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const Group& g) { return g.ink == ink && g.diluent == diluent; });
    if (group == groups.end()) {
      Group g;
      g.ink = ink;
      g.diluent = diluent;
      g.first_row = row;
      g.name = without_ratio(table.label(row));
      g.spectrum_sum.assign(reflectance.size(), 0.0);
      groups.push_back(g);
      group = groups.end() - 1;
    }
    ++group->count;
    group->lab_sum = {group->lab_sum.l + lab.l, group->lab_sum.a + lab.a, group->lab_sum.b + lab.b};
    for (std::size_t i = 0; i < reflectance.size(); ++i) group->spectrum_sum[i] += reflectance[i];
  }
  return groups;
}

// Percent is what CGATS spectral fields hold; a file whose every value is 1 or less (a white
// card among them) was written in fractions, and dividing by 100 again would be silently wrong.
void check_spectral_percent(const It8Table& table, const LadderColumns& columns,
                            const std::vector<Group>& groups) {
  if (columns.spectral.empty()) return;
  double max_percent = 0;
  for (const Group& g : groups) {
    for (double v : g.spectrum_sum) max_percent = std::max(max_percent, 100.0 * v / g.count);
  }
  if (max_percent <= 1.0) {
    table.fail(
        "every spectral value is 1 or less: they look like fractions, but CGATS spectral "
        "fields are percent (0-100)");
  }
}

// A group's average, checked: Lab and spectrum must describe the same colour.
MeasuredColour group_colour(const It8Table& table, const LadderColumns& columns,
                            const Measurement& measurement, const Group& g) {
  MeasuredColour colour;
  const double n = g.count;
  if (columns.has_lab) colour.lab = Lab{g.lab_sum.l / n, g.lab_sum.a / n, g.lab_sum.b / n};
  if (!columns.spectral.empty()) {
    Spectrum s;
    s.start_nm = columns.start_nm;
    s.step_nm = columns.step_nm;
    for (double v : g.spectrum_sum) s.values.push_back(v / n);
    colour.spectrum = s;
  }
  if (colour.lab && colour.spectrum) {
    const Lab computed =
        lab_from_reflectance(*colour.spectrum, measurement.illuminant, measurement.observer);
    const double de = ciede2000(*colour.lab, computed);
    if (de > 1.0) {
      table.fail_row(g.first_row,
                     "its Lab and the Lab of its spectrum (" +
                         std::string(white_name(measurement.illuminant)) + ") differ by ΔE00 " +
                         fixed(de, 2) +
                         ": are the spectral values fractions rather than percent, or the Lab "
                         "for another illuminant (ILLUMINATION_NAME)?");
    }
  }
  return colour;
}

// The substrate: the group of 0 ink parts.
Substrate ladder_substrate(const It8Table& table, const LadderColumns& columns,
                           const Measurement& measurement, const std::vector<Group>& groups) {
  const auto substrate =
      std::find_if(groups.begin(), groups.end(), [](const Group& g) { return g.ink == 0; });
  if (substrate == groups.end()) {
    table.fail(
        "no substrate: measure the bare card the ladder was drawn down on as a sample "
        "with 0 ink parts (e.g. named 'card 0:1')");
  }
  return {substrate->name.empty() ? "substrate" : substrate->name,
          group_colour(table, columns, measurement, *substrate)};
}

// The pigment: the other groups, strongest first, each a different dilution.
Pigment ladder_pigment(const It8Table& table, const LadderColumns& columns,
                       const Measurement& measurement, const std::vector<Group>& groups,
                       const CgatsImportOptions& options) {
  std::vector<const Group*> steps;
  for (const Group& g : groups) {
    if (g.ink > 0) steps.push_back(&g);
  }
  if (steps.empty()) table.fail("no ladder steps: every sample has 0 ink parts");
  std::stable_sort(steps.begin(), steps.end(), [](const Group* p, const Group* q) {
    return p->ink / (p->ink + p->diluent) > q->ink / (q->ink + q->diluent);
  });
  Pigment pigment;
  pigment.id = options.id;
  pigment.ci = options.ci;
  pigment.cas = options.cas;
  pigment.lot = options.lot;
  pigment.expires = options.expires;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Group& g = *steps[i];
    if (i > 0) {
      const Group& prev = *steps[i - 1];
      if (g.ink / (g.ink + g.diluent) == prev.ink / (prev.ink + prev.diluent)) {
        table.fail_row(g.first_row, "parts " + parts_ratio(g.ink, g.diluent) +
                                        " are the same dilution as row " +
                                        std::to_string(prev.first_row + 1) + "'s " +
                                        parts_ratio(prev.ink, prev.diluent));
      }
    }
    LadderStep step;
    step.ink_parts = g.ink;
    step.diluent_parts = g.diluent;
    step.colour = group_colour(table, columns, measurement, g);
    pigment.ladder.push_back(step);
  }
  // The name: --name, else what the samples' names share once their ratios are taken out.
  pigment.name = options.name;
  if (pigment.name.empty()) {
    pigment.name = steps.front()->name;
    for (const Group* g : steps) {
      if (g->name != pigment.name) pigment.name.clear();
    }
    if (pigment.name.empty()) pigment.name = options.id;
  }
  return pigment;
}

// What import writes must load: run it through the loader's own checks.
void check_imported(const Catalog& catalog, const std::string& name,
                    const CgatsImportOptions& options) {
  detail::DiagnosticSink sink;
  detail::check_catalog_text(catalog_to_yaml(catalog), name, sink, {"", options.limits});
  for (const Diagnostic& d : sink.diagnostics()) {
    if (d.severity == Severity::Error) {
      throw InputError(
          "the imported pigment fails the catalogue's checks: " + d.message + " [" + d.rule + "]",
          Location{name});
    }
  }
}

}  // namespace

Catalog import_cgats(const std::string& path, const CgatsImportOptions& options) {
  return import_cgats_text(detail::read_cgats_file(path, options.limits.max_file_bytes), path,
                           options);
}

Catalog import_cgats_text(std::string_view text, const std::string& name,
                          const CgatsImportOptions& options) {
  if (options.id.empty()) throw ArgumentError("importing a ladder needs the pigment's id");
  const detail::It8Data data = detail::parse_cgats(text, name, options.limits.max_file_bytes,
                                                   options.isolate_parser, ladder_column);
  const It8Table table(data, name);
  const LadderColumns columns = find_ladder_columns(table);
  const Measurement measurement = measurement_conditions(table);
  const std::vector<Group> groups = group_rows(table, columns);
  check_spectral_percent(table, columns, groups);

  Catalog catalog;
  catalog.file = name;
  catalog.supplier = options.supplier;
  catalog.measurement = measurement;
  catalog.measurement.substrate = ladder_substrate(table, columns, measurement, groups);
  std::string diluent_name = options.diluent;
  std::replace(diluent_name.begin(), diluent_name.end(), '-', ' ');
  if (!diluent_name.empty()) diluent_name[0] = static_cast<char>(std::toupper(diluent_name[0]));
  catalog.diluents.push_back({options.diluent, diluent_name, {}});
  catalog.pigments.push_back(ladder_pigment(table, columns, measurement, groups, options));
  check_imported(catalog, name, options);
  return catalog;
}

}  // namespace smpshade
