// A CGATS.17 measurement file (LAB_L/A/B, XYZ_X/Y/Z or a reflectance spectrum per sample) as Lab
// records: what smp-diff compares, read through the same checked, sandboxed parser as the ladder
// import; and replicates of a sample averaged.
#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>

#include "formats/cgats/internal.hpp"
#include "core/fixed.hpp"
#include "core/parse.hpp"
#include "smpshade/colour.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/spectrum.hpp"
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

namespace {

// The ink and diluent parts a sample name gives: its "1:3" (whole numbers around a colon).
std::optional<std::pair<int, int>> ratio_in_name(const std::string& name) {
  const auto colon = name.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::size_t begin = colon, end = colon + 1;
  while (begin > 0 && std::isdigit(static_cast<unsigned char>(name[begin - 1]))) --begin;
  while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
  if (begin == colon || end == colon + 1) return std::nullopt;
  if (end - colon > 7 || colon - begin > 6) return std::nullopt;
  return std::make_pair(std::stoi(name.substr(begin, colon - begin)),
                        std::stoi(name.substr(colon + 1, end - colon - 1)));
}

// The file's white and observer: what it states, else D50 and 2°.
std::pair<White, Observer> stated_conditions(const detail::It8Table& table) {
  White white = White::D50;
  if (const char* illuminant = table.property("ILLUMINATION_NAME")) {
    const std::string name = detail::upper(detail::trim(illuminant));
    if (name == "D65") {
      white = White::D65;
    } else if (name != "D50") {
      table.fail("ILLUMINATION_NAME " + std::string(illuminant) +
                 ": smpshade reads D50 or D65 measurements");
    }
  }
  Observer observer = Observer::Cie1931_2deg;
  if (const char* angle = table.property("OBSERVER_ANGLE")) {
    const auto degrees = detail::cgats_number(angle);
    if (!degrees || (*degrees != 2 && *degrees != 10)) {
      table.fail("OBSERVER_ANGLE is '" + std::string(angle) + "'; it must be 2 or 10");
    }
    observer = observer_from_degrees(static_cast<int>(*degrees));
  }
  return {white, observer};
}

bool sample_column(const std::string& field) {
  return lab_record_column(field) || field == "INK_PARTS" || field == "DILUENT_PARTS" ||
         detail::spectral_field_nm(field).has_value();
}

}  // namespace

std::vector<LabEntry> read_cgats_lab_records(const std::string& path, std::size_t max_bytes,
                                             CgatsNaming naming) {
  const std::string text = detail::read_cgats_file(path, max_bytes);
  const detail::It8Data data = detail::parse_cgats(text, path, max_bytes, true, sample_column);
  const detail::It8Table table(data, path);
  const auto l = table.column("LAB_L"), a = table.column("LAB_A"), b = table.column("LAB_B");
  const auto x = table.column("XYZ_X"), y = table.column("XYZ_Y"), z = table.column("XYZ_Z");
  const bool has_lab = l && a && b, has_xyz = x && y && z;
  const detail::SpectralColumns spectral = detail::spectral_columns(table);
  std::vector<std::string> notes;
  const double scale = detail::spectral_scale(table, spectral, notes);
  std::string emission;
  if (detail::is_emission(table, spectral, scale, emission)) {
    table.fail("this is a light source's spectrum (emission), not a surface's reflectance (" +
               emission + "): smp-diff compares the colours of surfaces");
  }
  if (!has_lab && !has_xyz && spectral.empty()) {
    table.fail("no LAB_L, LAB_A, LAB_B, no XYZ_X, XYZ_Y, XYZ_Z and no spectral fields "
               "(SPECTRAL_NM400, SPEC_400, ...): no colour to compare");
  }
  const auto [white, observer] = stated_conditions(table);
  const auto sample_id = table.column("SAMPLE_ID"), sample_name = table.column("SAMPLE_NAME");
  const auto ink = table.column("INK_PARTS"), diluent = table.column("DILUENT_PARTS");
  std::vector<LabEntry> entries;
  for (int row = 0; row < table.rows(); ++row) {
    LabEntry e;
    e.kind = RecordKind::Measurement;
    e.white = white;
    e.observer = observer;
    const auto line = static_cast<std::size_t>(row) < data.row_lines.size()
                          ? data.row_lines[static_cast<std::size_t>(row)]
                          : 0;
    e.where = Location{path, line};
    const std::string by_id = sample_id ? std::string(detail::trim(table.text(row, *sample_id))) : "";
    const std::string by_name =
        sample_name ? std::string(detail::trim(table.text(row, *sample_name))) : "";
    e.id = naming == CgatsNaming::Id ? (by_id.empty() ? by_name : by_id)
                                     : (by_name.empty() ? by_id : by_name);
    if (!spectral.empty()) {
      Spectrum s;
      s.start_nm = spectral.start_nm;
      s.step_nm = spectral.step_nm;
      for (int col : spectral.columns) {
        double v = table.number(row, col) / scale;
        // An instrument's noise at the ends of its range reads a dark band a little below 0.
        if (v < 0 && v >= -0.02) v = 0;
        if (!(v >= 0 && v <= 1.5)) {
          table.fail_row(row, "reflectance " + detail::fixed(v * 100, 2) +
                                  "% is outside 0..150%");
        }
        s.values.push_back(v);
      }
      e.spectrum = std::move(s);
    }
    if (has_lab) {
      e.lab = {table.number(row, *l), table.number(row, *a), table.number(row, *b)};
    } else if (has_xyz) {
      // XYZ as instruments write it, Y of the perfect white 100.
      const Xyz xyz{table.number(row, *x) / 100, table.number(row, *y) / 100,
                    table.number(row, *z) / 100};
      e.lab = lab_from_xyz(xyz, white_point(white));
    } else {
      e.lab = lab_from_reflectance(*e.spectrum, white, observer);
    }
    if (ink && diluent) {
      e.ink_parts = static_cast<int>(table.number(row, *ink));
      e.diluent_parts = static_cast<int>(table.number(row, *diluent));
    } else if (const auto ratio = ratio_in_name(by_name.empty() ? by_id : by_name)) {
      e.ink_parts = ratio->first;
      e.diluent_parts = ratio->second;
    }
    check_lab_range(e.lab, e.where, "row " + std::to_string(row + 1) + " (" + e.id + ")");
    e.id_given = !e.id.empty();
    if (!e.id_given) e.id = std::to_string(row + 1);
    entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<LabEntry> average_replicates(const std::vector<LabEntry>& records) {
  std::vector<LabEntry> out;
  std::vector<std::vector<const LabEntry*>> groups;
  std::map<std::string, std::size_t> index;
  for (const LabEntry& e : records) {
    const auto [it, fresh] = index.emplace(e.id, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(&e);
  }
  for (const auto& group : groups) {
    LabEntry merged = *group.front();
    merged.replicates = static_cast<int>(group.size());
    if (group.size() > 1) {
      for (std::size_t i = 0; i < group.size(); ++i) {
        for (std::size_t j = i + 1; j < group.size(); ++j) {
          const Lab p = adapt_lab(group[i]->lab, group[i]->white, merged.white);
          const Lab q = adapt_lab(group[j]->lab, group[j]->white, merged.white);
          merged.replicate_spread_de00 = std::max(merged.replicate_spread_de00, ciede2000(p, q));
        }
      }
      const bool spectra = std::all_of(group.begin(), group.end(), [&](const LabEntry* e) {
        return e->spectrum && merged.spectrum && e->spectrum->start_nm == merged.spectrum->start_nm &&
               e->spectrum->step_nm == merged.spectrum->step_nm &&
               e->spectrum->values.size() == merged.spectrum->values.size() &&
               e->observer == merged.observer && e->white == merged.white;
      });
      if (spectra) {
        for (std::size_t k = 0; k < merged.spectrum->values.size(); ++k) {
          double sum = 0;
          for (const LabEntry* e : group) sum += e->spectrum->values[k];
          merged.spectrum->values[k] = sum / static_cast<double>(group.size());
        }
        merged.lab = lab_from_reflectance(*merged.spectrum, merged.white, merged.observer);
      } else {
        merged.spectrum.reset();
        Lab sum{0, 0, 0};
        for (const LabEntry* e : group) {
          const Lab v = adapt_lab(e->lab, e->white, merged.white);
          sum.l += v.l, sum.a += v.a, sum.b += v.b;
        }
        const double n = static_cast<double>(group.size());
        merged.lab = {sum.l / n, sum.a / n, sum.b / n};
      }
    }
    out.push_back(std::move(merged));
  }
  return out;
}

}  // namespace smpshade
