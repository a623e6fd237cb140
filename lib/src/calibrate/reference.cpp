// What a ColorChecker's patches should measure: the built-in X-Rite values, or a chart's own
// measurements from a CGATS file (read as a table by formats/cgats).
#include <algorithm>
#include <cmath>
#include <optional>

#include "calibrate/chart_tables.hpp"
#include "core/fixed.hpp"
#include "core/parse.hpp"
#include "formats/cgats/internal.hpp"
#include "smpshade/calibrate.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

namespace {

using detail::fixed;
using detail::It8Table;

// A chart's CGATS file is 24 rows: a megabyte is far more than any instrument writes for it.
constexpr std::size_t kMaxChartFileBytes = 1 << 20;

bool chart_column(const std::string& field) {
  static const std::string_view kFields[] = {"SAMPLE_NAME", "SAMPLE_ID", "LAB_L", "LAB_A",
                                             "LAB_B",       "XYZ_X",     "XYZ_Y", "XYZ_Z"};
  return std::find(std::begin(kFields), std::end(kFields), field) != std::end(kFields);
}

// The patch a SAMPLE_ID names: 1..24, or the chart's row letter and column (A1 .. D6).
std::optional<int> patch_index(const std::string& id) {
  const std::string t = detail::upper(detail::trim(id));
  if (t.size() == 2 && t[0] >= 'A' && t[0] <= 'D' && t[1] >= '1' && t[1] <= '6') {
    return (t[0] - 'A') * kChartColumns + (t[1] - '1');
  }
  const auto n = detail::parse_number(t);
  if (n && *n >= 1 && *n <= kChartPatches && *n == std::floor(*n)) return static_cast<int>(*n) - 1;
  return std::nullopt;
}

// Where a chart's values are in the table.
struct ChartColumns {
  std::optional<int> lab_l, lab_a, lab_b, xyz_x, xyz_y, xyz_z;
  bool has_lab = false, has_xyz = false;
  White white = White::D50;
};

ChartColumns find_chart_columns(const It8Table& table) {
  ChartColumns c;
  c.lab_l = table.column("LAB_L"), c.lab_a = table.column("LAB_A"), c.lab_b = table.column("LAB_B");
  c.xyz_x = table.column("XYZ_X"), c.xyz_y = table.column("XYZ_Y"), c.xyz_z = table.column("XYZ_Z");
  c.has_lab = c.lab_l && c.lab_a && c.lab_b;
  c.has_xyz = c.xyz_x && c.xyz_y && c.xyz_z;
  if (!c.has_lab && !c.has_xyz) {
    table.fail("no LAB_L/LAB_A/LAB_B and no XYZ_X/XYZ_Y/XYZ_Z fields");
  }
  if (const char* illuminant = table.property("ILLUMINATION_NAME")) {
    const std::string v = detail::upper(detail::trim(illuminant));
    if (v != "D50" && v != "D65") {
      table.fail("ILLUMINATION_NAME is '" + std::string(illuminant) +
                 "'; chart values are read for D50 or D65");
    }
    c.white = parse_white(v);
  }
  return c;
}

// The row of each patch: SAMPLE_ID when every row names a different patch, else the rows' order.
std::vector<int> patch_rows(const It8Table& table) {
  std::vector<int> order(kChartPatches);
  for (int i = 0; i < kChartPatches; ++i) order[static_cast<std::size_t>(i)] = i;
  const auto id = table.column("SAMPLE_ID");
  if (!id) return order;
  std::vector<int> named(kChartPatches, -1);
  for (int row = 0; row < kChartPatches; ++row) {
    const auto patch = patch_index(table.text(row, *id));
    if (!patch || named[static_cast<std::size_t>(*patch)] >= 0) return order;
    named[static_cast<std::size_t>(*patch)] = row;
  }
  return named;
}

// A row's Lab (D50), from Lab or XYZ (`xyz_scale`: 0.01 for percent, 1 for fractions).
Lab row_lab(const It8Table& table, const ChartColumns& c, int row, double xyz_scale) {
  Lab lab;
  if (c.has_lab) {
    lab = {table.number(row, *c.lab_l), table.number(row, *c.lab_a), table.number(row, *c.lab_b)};
  } else {
    const Xyz xyz{table.number(row, *c.xyz_x) * xyz_scale, table.number(row, *c.xyz_y) * xyz_scale,
                  table.number(row, *c.xyz_z) * xyz_scale};
    if (xyz.x < 0 || xyz.y < 0 || xyz.z < 0) table.fail_row(row, "XYZ is negative");
    lab = lab_from_xyz(xyz, white_point(c.white));
  }
  if (!(lab.l >= 0 && lab.l <= 100 && std::fabs(lab.a) <= 128 && std::fabs(lab.b) <= 128)) {
    table.fail_row(row, "Lab " + fixed(lab.l, 2) + " " + fixed(lab.a, 2) + " " + fixed(lab.b, 2) +
                            " is out of range");
  }
  return c.white == White::D65 ? adapt_lab(lab, White::D65, White::D50) : lab;
}

// What any ColorChecker Classic's values look like, however it was measured: the neutrals
// (patches 19-24) step down from white to black (X-Rite's: L* 96, 81, 67, 51, 36, 21, chroma
// under 2) and no two patches are alike (the closest pair of X-Rite's differ by ΔE*ab 9).
// Generous bounds: they refuse a file that is not a chart's (every patch 0 0 0, rows
// shuffled, a table of something else), never a real chart measured with any instrument.
constexpr double kMinWhiteOverBlack = 40;  // L* of patch 19 over patch 24
constexpr double kMinNeutralStep = 3;      // L* from one neutral to the next
constexpr double kMaxNeutralChroma = 10;   // C*ab of a neutral
constexpr double kMinPatchDifference = 2;  // ΔE*ab between any two patches

void check_looks_like_chart(const ChartReference& reference, const It8Table& table) {
  const auto& p = reference.patches;
  const auto name = [&](std::size_t i) {
    return "patch " + std::to_string(i + 1) + " (" + p[i].name + ")";
  };
  constexpr std::size_t kWhite = 18, kBlack = 23;
  if (!(p[kWhite].lab.l - p[kBlack].lab.l >= kMinWhiteOverBlack)) {
    table.fail("does not look like a ColorChecker: white, " + name(kWhite) + ", L* " +
               fixed(p[kWhite].lab.l, 2) + ", is not lighter than black, " + name(kBlack) +
               ", L* " + fixed(p[kBlack].lab.l, 2) + ", by " + fixed(kMinWhiteOverBlack, 0));
  }
  for (std::size_t i = kWhite; i <= kBlack; ++i) {
    const double chroma = std::hypot(p[i].lab.a, p[i].lab.b);
    if (chroma > kMaxNeutralChroma) {
      table.fail("does not look like a ColorChecker: " + name(i) + " should be neutral, but its " +
                 "chroma is " + fixed(chroma, 2) + " (at most " + fixed(kMaxNeutralChroma, 0) +
                 ")");
    }
    if (i > kWhite && !(p[i - 1].lab.l - p[i].lab.l >= kMinNeutralStep)) {
      table.fail("does not look like a ColorChecker: the neutrals do not step down from white to "
                 "black (" + name(i - 1) + " L* " + fixed(p[i - 1].lab.l, 2) + ", " + name(i) +
                 " L* " + fixed(p[i].lab.l, 2) + ")");
    }
  }
  for (std::size_t i = 0; i < p.size(); ++i) {
    for (std::size_t j = i + 1; j < p.size(); ++j) {
      const double d = std::hypot(p[i].lab.l - p[j].lab.l, p[i].lab.a - p[j].lab.a,
                                  p[i].lab.b - p[j].lab.b);
      if (d < kMinPatchDifference) {
        table.fail("does not look like a ColorChecker: " + name(i) + " and " + name(j) +
                   " are alike (ΔE*ab " + fixed(d, 2) + ", under " +
                   fixed(kMinPatchDifference, 0) + ")");
      }
    }
  }
}

}  // namespace

ChartReference builtin_chart_reference(std::string_view name) {
  const detail::ChartTable* table = nullptr;
  if (name == "colorchecker-2014") table = &detail::colorchecker24_2014();
  if (name == "colorchecker-2005") table = &detail::colorchecker24_2005();
  if (!table) {
    throw ArgumentError("unknown chart reference '" + std::string(name) +
                        "': colorchecker-2014, colorchecker-2005, or a CGATS file");
  }
  ChartReference reference;
  reference.name = std::string(name);
  reference.source = table->source;
  for (int i = 0; i < table->count; ++i) {
    const detail::ChartTableRow& row = table->rows[i];
    reference.patches.push_back({row.name, Lab{row.l, row.a, row.b}});
  }
  return reference;
}

ChartReference chart_reference(const std::string& name_or_file) {
  if (name_or_file == "colorchecker-2014" || name_or_file == "colorchecker-2005") {
    return builtin_chart_reference(name_or_file);
  }
  return chart_reference_from_cgats(name_or_file);
}

ChartReference chart_reference_from_cgats(const std::string& path) {
  const detail::It8Data data =
      detail::parse_cgats(detail::read_cgats_file(path, kMaxChartFileBytes), path,
                          kMaxChartFileBytes, true, chart_column);
  const It8Table table(data, path);
  if (table.rows() != kChartPatches) {
    table.fail("holds " + std::to_string(table.rows()) +
               " samples; a ColorChecker Classic has 24 patches");
  }
  const ChartColumns columns = find_chart_columns(table);
  const std::vector<int> order = patch_rows(table);
  // XYZ in percent (Y of white 100) or in fractions (Y of white 1).
  double xyz_scale = 1;
  if (columns.has_xyz && !columns.has_lab) {
    double max_y = 0;
    for (int row = 0; row < kChartPatches; ++row) {
      max_y = std::max(max_y, table.number(row, *columns.xyz_y));
    }
    if (max_y > 2) xyz_scale = 0.01;
  }

  const ChartReference names = builtin_chart_reference("colorchecker-2014");
  ChartReference reference;
  reference.name = path;
  reference.source = path + (columns.has_lab ? " (Lab" : " (XYZ") +
                     (columns.white == White::D65 ? ", D65 adapted to D50 by Bradford)" : ", D50)");
  const auto name_column = table.column("SAMPLE_NAME");
  for (int i = 0; i < kChartPatches; ++i) {
    const int row = order[static_cast<std::size_t>(i)];
    const Lab lab = row_lab(table, columns, row, xyz_scale);
    std::string name = name_column ? std::string(detail::trim(table.text(row, *name_column))) : "";
    if (name.empty()) name = names.patches[static_cast<std::size_t>(i)].name;
    reference.patches.push_back({name, lab});
  }
  check_looks_like_chart(reference, table);
  return reference;
}

}  // namespace smpshade
