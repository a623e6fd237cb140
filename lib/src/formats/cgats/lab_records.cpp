// A CGATS.17 measurement file (LAB_L/A/B or XYZ_X/Y/Z per sample) as Lab records: what
// smp-diff compares, read through the same checked, sandboxed parser as the ladder import.
#include <algorithm>
#include <string_view>

#include "formats/cgats/internal.hpp"
#include "smpshade/colour.hpp"
#include "smpshade/error.hpp"
#include "smpshade/records.hpp"

namespace smpshade {

namespace {

bool lab_record_column(const std::string& field) {
  static const std::string_view kFields[] = {"SAMPLE_NAME", "SAMPLE_ID", "LAB_L", "LAB_A",
                                             "LAB_B",       "XYZ_X",     "XYZ_Y", "XYZ_Z"};
  return std::find(std::begin(kFields), std::end(kFields), field) != std::end(kFields);
}

}  // namespace

bool looks_like_cgats(std::string_view head) {
  return head.find("BEGIN_DATA_FORMAT") != std::string_view::npos;
}

std::vector<LabEntry> read_cgats_lab_records(const std::string& path, std::size_t max_bytes) {
  const std::string text = detail::read_cgats_file(path, max_bytes);
  const detail::It8Data data = detail::parse_cgats(text, path, max_bytes, true, lab_record_column);
  const detail::It8Table table(data, path);
  const auto l = table.column("LAB_L"), a = table.column("LAB_A"), b = table.column("LAB_B");
  const auto x = table.column("XYZ_X"), y = table.column("XYZ_Y"), z = table.column("XYZ_Z");
  const bool has_lab = l && a && b, has_xyz = x && y && z;
  if (!has_lab && !has_xyz) {
    table.fail("no LAB_L, LAB_A, LAB_B nor XYZ_X, XYZ_Y, XYZ_Z fields: smp-diff compares "
               "colours (a spectral-only file: convert it with ArgyllCMS's spec2cie first)");
  }
  // The white of the values: the file's ILLUMINATION_NAME, D50 unless it says D65.
  White white = White::D50;
  if (const char* illuminant = table.property("ILLUMINATION_NAME")) {
    const std::string name = detail::upper(illuminant);
    if (name == "D65") {
      white = White::D65;
    } else if (name != "D50") {
      table.fail("ILLUMINATION_NAME " + std::string(illuminant) +
                 ": smpshade reads D50 or D65 measurements");
    }
  }
  std::vector<LabEntry> entries;
  for (int row = 0; row < table.rows(); ++row) {
    LabEntry e;
    e.white = white;
    if (has_lab) {
      e.lab = {table.number(row, *l), table.number(row, *a), table.number(row, *b)};
    } else {
      // XYZ as instruments write it, Y of the perfect white 100.
      const Xyz xyz{table.number(row, *x) / 100, table.number(row, *y) / 100,
                    table.number(row, *z) / 100};
      e.lab = lab_from_xyz(xyz, white_point(white));
    }
    const auto line = static_cast<std::size_t>(row) < data.row_lines.size()
                          ? data.row_lines[static_cast<std::size_t>(row)]
                          : 0;
    e.where = Location{path, line};
    e.id = table.label(row);
    check_lab_range(e.lab, e.where, "row " + std::to_string(row + 1) + " (" + e.id + ")");
    e.id_given = !e.id.empty();
    if (!e.id_given) e.id = std::to_string(row + 1);
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace smpshade
