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
  static const std::string_view kFields[] = {"SAMPLE_NAME", "SAMPLE_ID",     "LAB_L", "LAB_A",
                                             "LAB_B",       "XYZ_X",         "XYZ_Y", "XYZ_Z",
                                             "INK_PARTS",   "DILUENT_PARTS"};
  return std::find(std::begin(kFields), std::end(kFields), field) != std::end(kFields) ||
         detail::spectral_field_nm(field).has_value();
}

// The wavelengths spectra are resampled onto: start, step, count.
struct SpectralGrid {
  double start_nm = 400, step_nm = 10;
  std::size_t count = 31;
  double end_nm() const { return start_nm + step_nm * static_cast<double>(count - 1); }
};

// Where a ladder's values are in the table.
struct LadderColumns {
  std::optional<int> lab_l, lab_a, lab_b;
  bool has_lab = false;
  std::optional<int> xyz_x, xyz_y, xyz_z;  // read when there is no Lab
  bool has_xyz = false;
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
  c.xyz_x = table.column("XYZ_X"), c.xyz_y = table.column("XYZ_Y"), c.xyz_z = table.column("XYZ_Z");
  c.has_xyz = !c.has_lab && c.xyz_x && c.xyz_y && c.xyz_z;
  if (!c.has_lab && (c.xyz_x || c.xyz_y || c.xyz_z) && !c.has_xyz) {
    table.fail("XYZ_X, XYZ_Y and XYZ_Z must come together");
  }
  // The even grid of the spectral fields (formats/cgats: rounded band names, as an i1Pro's 3.33
  // nm, read at their true places).
  const detail::SpectralColumns spectral = detail::spectral_columns(table);
  c.start_nm = spectral.start_nm;
  c.step_nm = spectral.step_nm;
  for (std::size_t i = 0; i < spectral.columns.size(); ++i) {
    c.spectral.emplace_back(spectral.start_nm + spectral.step_nm * static_cast<double>(i),
                            spectral.columns[i]);
  }
  if (!c.has_lab && !c.has_xyz && c.spectral.empty()) {
    table.fail(
        "no LAB_L/LAB_A/LAB_B, no XYZ_X/XYZ_Y/XYZ_Z and no spectral fields (SPECTRAL_NM400, "
        "SPECTRAL_NM_400, SPECTRAL_400, SPEC_400 or nm400...): nothing to import");
  }
  c.ink = table.column("INK_PARTS"), c.diluent = table.column("DILUENT_PARTS");
  if (c.ink.has_value() != c.diluent.has_value()) {
    table.fail("INK_PARTS and DILUENT_PARTS must come together");
  }
  return c;
}

// The illuminant and observer the Lab values were computed for, as the file states them.
struct StatedConditions {
  std::optional<White> illuminant;
  std::optional<Observer> observer;
  std::string instrument;
};

StatedConditions stated_conditions(const It8Table& table) {
  StatedConditions stated;
  if (const char* illuminant = table.property("ILLUMINATION_NAME")) {
    const std::string v = detail::upper(detail::trim(illuminant));
    if (v != "D50" && v != "D65") {
      table.fail("ILLUMINATION_NAME is '" + std::string(illuminant) +
                 "'; catalogues are measured for D50 or D65");
    }
    stated.illuminant = parse_white(v);
  }
  if (const char* observer = table.property("OBSERVER_ANGLE")) {
    const auto degrees = detail::cgats_number(observer);
    if (!degrees || (*degrees != 2 && *degrees != 10)) {
      table.fail("OBSERVER_ANGLE is '" + std::string(observer) + "'; it must be 2 or 10");
    }
    stated.observer = observer_from_degrees(static_cast<int>(*degrees));
  }
  if (const char* instrument = table.property("INSTRUMENTATION")) stated.instrument = instrument;
  return stated;
}

std::string conditions_text(White illuminant, Observer observer) {
  return std::string(white_name(illuminant)) + ", " + std::to_string(observer_degrees(observer)) +
         "°";
}

// The measurement a new catalogue gets from its file: what it states, else D50, 2°.
Measurement measurement_conditions(const StatedConditions& stated) {
  Measurement measurement;
  measurement.illuminant = stated.illuminant.value_or(White::D50);
  measurement.observer = stated.observer.value_or(Observer::Cie1931_2deg);
  measurement.instrument = stated.instrument;
  return measurement;
}

// The catalogue's own measurement for a file joining it: the file must have been measured for
// the same illuminant and observer when it says what it was measured for.
Measurement joined_conditions(const It8Table& table, const StatedConditions& stated,
                              const Catalog& into, std::vector<std::string>& notes) {
  const Measurement& m = into.measurement;
  const White illuminant = stated.illuminant.value_or(m.illuminant);
  const Observer observer = stated.observer.value_or(m.observer);
  if (illuminant != m.illuminant || observer != m.observer) {
    table.fail("measured for " + conditions_text(illuminant, observer) + " but " + into.file +
               " is measured for " + conditions_text(m.illuminant, m.observer) +
               ": export the measurements for " + conditions_text(m.illuminant, m.observer));
  }
  if (!stated.illuminant || !stated.observer) {
    notes.push_back("the file does not state its " +
                    std::string(!stated.illuminant && !stated.observer ? "illuminant and observer"
                                : !stated.illuminant                   ? "illuminant"
                                                                       : "observer") +
                    " (ILLUMINATION_NAME, OBSERVER_ANGLE): taken as the catalogue's " +
                    conditions_text(m.illuminant, m.observer));
  }
  return m;
}

// The spectral columns as formats/cgats reads them.
detail::SpectralColumns as_spectral_columns(const LadderColumns& columns) {
  detail::SpectralColumns out;
  out.start_nm = columns.start_nm;
  out.step_nm = columns.step_nm;
  for (const auto& entry : columns.spectral) out.columns.push_back(entry.second);
  return out;
}

// XYZ_X/Y/Z are 0–100 in CGATS files (ArgyllCMS's .ti3 among them); a file whose Y never passes
// 2 is in fractions of 1.
double xyz_scale(const It8Table& table, const LadderColumns& columns) {
  if (!columns.has_xyz) return 1.0;
  double max_y = 0;
  for (int row = 0; row < table.rows(); ++row) {
    max_y = std::max(max_y, table.number(row, *columns.xyz_y));
  }
  return max_y > 2.0 ? 100.0 : 1.0;
}

// The white XYZ values are relative to: the illuminant's for the observer.
Xyz observer_white(White illuminant, Observer observer) {
  if (observer == Observer::Cie1931_2deg) return white_point(illuminant);
  Spectrum flat;
  flat.start_nm = 360;
  flat.step_nm = 1;
  flat.values.assign(471, 1.0);
  return illuminant_white(flat, illuminant, observer);
}

// How one row's values become a colour on the catalogue's grid.
struct RowReader {
  const It8Table& table;
  const LadderColumns& columns;
  const Measurement& measurement;
  SpectralGrid grid;
  double spectral_scale = 100;
  double xyz_scale = 100;

  // The row's spectrum as fractions, resampled onto the grid by linear interpolation between
  // the instrument's bands (exact where they coincide: 5 and 10 nm instruments sample every
  // 10 nm of the grid, so usually nothing is interpolated; linear interpolation keeps 0..1,
  // where Sprague's (CIE 15:2004 §7.2.1.1) can overshoot it on a sharp edge).
  std::vector<double> spectrum(int row) const {
    Spectrum measured;
    measured.start_nm = columns.start_nm;
    measured.step_nm = columns.step_nm;
    for (const auto& [nm, col] : columns.spectral) {
      const double v = table.number(row, col) / spectral_scale;
      if (v < 0 || v > 1.5) {
        table.fail_row(row, "reflectance " + fixed(v * 100, 2) + "% at " + fixed(nm, 0) +
                                " nm is outside 0..150%");
      }
      measured.values.push_back(v);
    }
    std::vector<double> out;
    for (std::size_t i = 0; i < grid.count; ++i) {
      out.push_back(measured.at(grid.start_nm + grid.step_nm * static_cast<double>(i)));
    }
    return out;
  }

  std::optional<Lab> lab(int row) const {
    Lab lab;
    if (columns.has_lab) {
      lab = {table.number(row, *columns.lab_l), table.number(row, *columns.lab_a),
             table.number(row, *columns.lab_b)};
    } else if (columns.has_xyz) {
      const Xyz xyz{table.number(row, *columns.xyz_x) / xyz_scale,
                    table.number(row, *columns.xyz_y) / xyz_scale,
                    table.number(row, *columns.xyz_z) / xyz_scale};
      if (!(xyz.x >= 0 && xyz.y >= 0 && xyz.z >= 0)) table.fail_row(row, "XYZ is negative");
      lab = lab_from_xyz(xyz, observer_white(measurement.illuminant, measurement.observer));
    } else {
      return std::nullopt;
    }
    if (!(lab.l >= 0 && lab.l <= 100 && std::fabs(lab.a) <= 128 && std::fabs(lab.b) <= 128)) {
      table.fail_row(row, "Lab " + fixed(lab.l, 2) + " " + fixed(lab.a, 2) + " " +
                              fixed(lab.b, 2) + " is out of range");
    }
    return lab;
  }
};

// The catalogue's grid the spectra are resampled onto: its substrate's spectrum's, else its first
// ladder spectrum's, else 400–700 nm at 10 nm (the bundled catalogue's grid).
SpectralGrid catalogue_grid(const Catalog* into) {
  SpectralGrid grid{400, 10, 31};
  if (into == nullptr) return grid;
  auto from = [&](const std::optional<Spectrum>& s) {
    if (!s || s->values.empty()) return false;
    grid = {s->start_nm, s->step_nm, s->values.size()};
    return true;
  };
  if (from(into->measurement.substrate.colour.spectrum)) return grid;
  for (const Pigment& p : into->pigments) {
    for (const LadderStep& step : p.ladder) {
      if (from(step.colour.spectrum)) return grid;
    }
  }
  return grid;
}

// Refuses spectral fields that do not cover the grid, and at least 400–700 nm.
void check_spectral_range(const It8Table& table, const LadderColumns& columns,
                          const SpectralGrid& grid) {
  if (columns.spectral.empty()) return;
  const double first = columns.spectral.front().first, last = columns.spectral.back().first;
  const double need_first = std::min(400.0, grid.start_nm);
  const double need_last = std::max(700.0, grid.end_nm());
  if (first > need_first || last < need_last) {
    table.fail("the spectral fields cover " + fixed(first, 0) + "–" + fixed(last, 0) +
               " nm; the catalogue's spectra need " + fixed(need_first, 0) + "–" +
               fixed(need_last, 0) + " nm (measure with the instrument's full range)");
  }
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


// Replicate measurements of one dilution: each row's values, averaged later.
struct Group {
  double ink = 0, diluent = 0;
  std::vector<int> rows;
  std::string name;
  std::vector<Lab> labs;                    // each row's Lab, when the file gives Lab or XYZ
  std::vector<std::vector<double>> spectra;  // each row's spectrum on the grid
  int first_row() const { return rows.front(); }
};

// Every row's values, checked, gathered into one group per dilution in the order first seen.
std::vector<Group> group_rows(const RowReader& reader) {
  std::vector<Group> groups;
  for (int row = 0; row < reader.table.rows(); ++row) {
    const std::pair<double, double> parts = row_parts(reader.table, reader.columns, row);
    const double ink = parts.first, diluent = parts.second;
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const Group& g) { return g.ink == ink && g.diluent == diluent; });
    if (group == groups.end()) {
      Group g;
      g.ink = ink;
      g.diluent = diluent;
      g.name = without_ratio(reader.table.label(row));
      groups.push_back(g);
      group = groups.end() - 1;
    }
    group->rows.push_back(row);
    if (const auto lab = reader.lab(row)) group->labs.push_back(*lab);
    if (!reader.columns.spectral.empty()) group->spectra.push_back(reader.spectrum(row));
  }
  return groups;
}

// A group's average, checked: Lab and spectrum must describe the same colour.
MeasuredColour group_colour(const RowReader& reader, const Group& g) {
  MeasuredColour colour;
  const double n = static_cast<double>(g.rows.size());
  if (!g.labs.empty()) {
    Lab sum;
    for (const Lab& lab : g.labs) sum = {sum.l + lab.l, sum.a + lab.a, sum.b + lab.b};
    colour.lab = Lab{sum.l / n, sum.a / n, sum.b / n};
  }
  if (!g.spectra.empty()) {
    Spectrum s;
    s.start_nm = reader.grid.start_nm;
    s.step_nm = reader.grid.step_nm;
    s.values.assign(reader.grid.count, 0.0);
    for (const auto& spectrum : g.spectra) {
      for (std::size_t i = 0; i < spectrum.size(); ++i) s.values[i] += spectrum[i] / n;
    }
    colour.spectrum = s;
  }
  if (colour.lab && colour.spectrum) {
    const Measurement& m = reader.measurement;
    const Lab computed = lab_from_reflectance(*colour.spectrum, m.illuminant, m.observer);
    const double de = ciede2000(*colour.lab, computed);
    if (de > 1.0) {
      reader.table.fail_row(
          g.first_row(), "its Lab and the Lab of its spectrum (" +
                             std::string(white_name(m.illuminant)) + ") differ by ΔE00 " +
                             fixed(de, 2) +
                             ": are the spectral values fractions rather than percent (give "
                             "SPECTRAL_NORM), or the Lab for another illuminant (ILLUMINATION_NAME)?");
    }
  }
  return colour;
}

// Each row's Lab: as given, else from its spectrum.
std::vector<Lab> replicate_labs(const RowReader& reader, const Group& g) {
  if (!g.labs.empty()) return g.labs;
  std::vector<Lab> labs;
  for (const auto& values : g.spectra) {
    Spectrum s;
    s.start_nm = reader.grid.start_nm;
    s.step_nm = reader.grid.step_nm;
    s.values = values;
    labs.push_back(
        lab_from_reflectance(s, reader.measurement.illuminant, reader.measurement.observer));
  }
  return labs;
}

// Replicates: their spread (the largest ΔE00 between two of them) in the notes, and a warning
// when it is over kReplicateTolerance.
void report_replicates(const RowReader& reader, const std::vector<Group>& groups,
                       CgatsImportReport* report) {
  if (report == nullptr) return;
  for (const Group& g : groups) {
    if (g.rows.size() < 2) continue;
    const std::vector<Lab> labs = replicate_labs(reader, g);
    double spread = 0;
    for (std::size_t i = 0; i < labs.size(); ++i) {
      for (std::size_t j = i + 1; j < labs.size(); ++j) {
        spread = std::max(spread, ciede2000(labs[i], labs[j]));
      }
    }
    std::string rows;
    for (int row : g.rows) rows += (rows.empty() ? "" : ", ") + std::to_string(row + 1);
    const std::string what = parts_ratio(g.ink, g.diluent) + ": " +
                             std::to_string(g.rows.size()) + " replicates (rows " + rows +
                             ") averaged, spread ΔE00 " + fixed(spread, 2);
    report->replicates.push_back({g.ink, g.diluent, static_cast<int>(g.rows.size()), spread});
    if (spread > kReplicateTolerance) {
      report->warnings.push_back(what + ", over " + fixed(kReplicateTolerance, 1) +
                                 ": remeasure, or check the drawdown is even");
    } else {
      report->notes.push_back(what);
    }
  }
}

// The substrate: the group of 0 ink parts.
const Group* substrate_group(const std::vector<Group>& groups) {
  const auto substrate =
      std::find_if(groups.begin(), groups.end(), [](const Group& g) { return g.ink == 0; });
  return substrate == groups.end() ? nullptr : &*substrate;
}

Substrate ladder_substrate(const RowReader& reader, const std::vector<Group>& groups) {
  const Group* substrate = substrate_group(groups);
  if (substrate == nullptr) {
    reader.table.fail(
        "no substrate: measure the bare card the ladder was drawn down on as a sample "
        "with 0 ink parts (e.g. named 'card 0:1'), or import into the catalogue the ink joins "
        "(--into CATALOG.yaml), whose substrate is used");
  }
  return {substrate->name.empty() ? "substrate" : substrate->name,
          group_colour(reader, *substrate)};
}

// The pigment: the other groups, strongest first, each a different dilution.
Pigment ladder_pigment(const RowReader& reader, const std::vector<Group>& groups,
                       const CgatsImportOptions& options) {
  const It8Table& table = reader.table;
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
        table.fail_row(g.first_row(), "parts " + parts_ratio(g.ink, g.diluent) +
                                          " are the same dilution as row " +
                                          std::to_string(prev.first_row() + 1) + "'s " +
                                          parts_ratio(prev.ink, prev.diluent));
      }
    }
    LadderStep step;
    step.ink_parts = g.ink;
    step.diluent_parts = g.diluent;
    step.colour = group_colour(reader, g);
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
void check_imported(const std::string& yaml, const std::string& name,
                    const CgatsImportOptions& options) {
  detail::DiagnosticSink sink;
  detail::check_catalog_text(yaml, name, sink, {"", options.limits});
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
  const StatedConditions stated = stated_conditions(table);
  std::vector<std::string> notes;
  const Measurement measurement = options.into ? joined_conditions(table, stated, *options.into, notes)
                                               : measurement_conditions(stated);
  const SpectralGrid grid = catalogue_grid(options.into);
  check_spectral_range(table, columns, grid);
  const double scale = detail::spectral_scale(table, as_spectral_columns(columns), notes);
  std::string emission;
  if (detail::is_emission(table, as_spectral_columns(columns), scale, emission)) {
    table.fail("this is a light source's spectrum (emission), not a ladder's reflectance (" +
               emission + "): import measures drawdowns of ink");
  }
  const RowReader reader{table, columns, measurement, grid, scale, xyz_scale(table, columns)};
  const std::vector<Group> groups = group_rows(reader);

  Catalog catalog;
  catalog.file = name;
  catalog.measurement = measurement;
  if (options.into) {
    catalog.supplier = options.into->supplier;
    catalog.illustrative = options.into->illustrative;
    if (const Group* own = substrate_group(groups)) {
      // The catalogue's substrate is the one its ladders are fitted against; a bare card in the
      // file is compared with it, not used.
      const MeasuredColour card = group_colour(reader, *own);
      const double de = ciede2000(measured_lab(card, measurement),
                                  measured_lab(measurement.substrate.colour, measurement));
      notes.push_back("the file's substrate ('" + own->name + "') differs from the catalogue's by ΔE00 " +
                      fixed(de, 2) + "; the catalogue's is used");
    }
    catalog.diluents = options.into->diluents;
  } else {
    catalog.supplier = options.supplier;
    catalog.measurement.substrate = ladder_substrate(reader, groups);
  }
  if (catalog.diluents.empty()) {
    // The diluent the ladder was drawn with: its name is the id in words.
    std::string diluent_name = options.diluent;
    std::replace(diluent_name.begin(), diluent_name.end(), '-', ' ');
    if (!diluent_name.empty()) diluent_name[0] = static_cast<char>(std::toupper(diluent_name[0]));
    catalog.diluents.push_back({options.diluent, diluent_name, {}});
  }
  catalog.pigments.push_back(ladder_pigment(reader, groups, options));
  if (options.report) {
    options.report->notes.insert(options.report->notes.end(), notes.begin(), notes.end());
    report_replicates(reader, groups, options.report);
  }
  if (catalog.supplier.empty()) {
    throw ArgumentError(
        "a catalogue says whose it is: give --supplier NAME, or import --into the catalogue the "
        "ink joins",
        "supplier");
  }
  check_imported(catalog_to_yaml(catalog), name, options);
  return catalog;
}

}  // namespace smpshade
