#include "smpshade/catalog_io.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "core/parse.hpp"

namespace smpshade {

// ---------------------------------------------------------------------------------------------
// Records

Record pigment_record(const Catalog& catalog, const Pigment& pigment) {
  Record record(RecordKind::Pigment);
  record.set("id", pigment.id)
      .set("name", pigment.name)
      .set("supplier", catalog.supplier)
      .set("ci", pigment.ci)
      .set("steps", pigment.ladder.size())
      .set("lot", pigment.lot)
      .set("expires", pigment.expires)
      .set("illustrative", catalog.illustrative)
      .set("file", catalog.file);
  return record;
}

Record ladder_step_record(const Catalog& catalog, const Pigment& pigment, std::size_t index,
                          bool with_spectrum) {
  const LadderStep& step = pigment.ladder.at(index);
  const std::string ratio = parts_ratio(step.ink_parts, step.diluent_parts);
  Record record(RecordKind::LadderStep);
  record.set("id", pigment.id + "@" + ratio)
      .set("pigment", pigment.id)
      .set("step", index + 1)
      .set("ratio", ratio)
      .set("concentration", step.concentration())
      .set("lab", measured_lab(step.colour, catalog.measurement))
      .set("lab_from", step.colour.lab ? "lab" : "spectrum")
      .set("white", std::string(white_name(catalog.measurement.illuminant)))
      .set("source", catalog.file)
      .set("line", step.where.line);
  if (with_spectrum && step.colour.spectrum) {
    const Spectrum& s = *step.colour.spectrum;
    record.set("spectrum", s.values)
        .set("spectrum_start", s.start_nm)
        .set("spectrum_step", s.step_nm)
        .set("observer", observer_degrees(catalog.measurement.observer));
  }
  return record;
}

// ---------------------------------------------------------------------------------------------
// YAML

namespace {

using detail::NumberStatus;
using detail::parse_number;

// Fixed decimals with trailing zeros dropped: 21.30 → 21.3, 1.000 → 1.
std::string number(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  std::string s = text;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// A word a YAML reader could take for a number: decimal, infinity or NaN, or hexadecimal.
bool looks_like_number(const std::string& s) {
  double value = 0;
  return parse_number(s, value) != NumberStatus::NotNumber || s.rfind("0x", 0) == 0 ||
         s.rfind("0X", 0) == 0;
}

// Text as a YAML scalar: plain when it is a simple word that no YAML reader takes for a
// number, boolean or null; double-quoted with escapes otherwise.
std::string scalar(const std::string& s) {
  static const char* const kReserved[] = {"true", "false", "null", "yes", "no",
                                          "on",   "off",   "y",    "n",   "~"};
  bool plain =
      !s.empty() && std::isalnum(static_cast<unsigned char>(s[0])) && !looks_like_number(s);
  for (char c : s) {
    const bool word =
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    plain = plain && word;
  }
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* reserved : kReserved) plain = plain && lower != reserved;
  if (plain) return s;
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02x", c);
      out += escape;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string text_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + scalar(items[i]);
  return out + "]";
}

std::string lab_list(const Lab& lab) {
  return "[" + number(lab.l, 4) + ", " + number(lab.a, 4) + ", " + number(lab.b, 4) + "]";
}

void write_colour(std::ostream& out, const MeasuredColour& colour, const std::string& indent) {
  if (colour.lab) out << indent << "lab: " << lab_list(*colour.lab) << '\n';
  if (colour.spectrum) {
    const Spectrum& s = *colour.spectrum;
    out << indent << "spectrum:\n"
        << indent << "  start: " << number(s.start_nm, 3) << '\n'
        << indent << "  step: " << number(s.step_nm, 3) << '\n'
        << indent << "  values: [";
    // Eight values a line, continued under the first.
    const std::string continuation = indent + std::string(11, ' ');
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      if (i > 0) out << (i % 8 == 0 ? ",\n" + continuation : ", ");
      out << number(s.values[i], 6);
    }
    out << "]\n";
  }
}

}  // namespace

std::string catalog_to_yaml(const Catalog& catalog, std::string_view comment) {
  std::ostringstream out;
  std::istringstream comment_lines{std::string(comment)};
  for (std::string line; std::getline(comment_lines, line);) {
    out << (line.empty() ? "#" : "# " + line) << '\n';
  }
  const Measurement& m = catalog.measurement;
  out << "catalog: " << catalog.version << '\n';
  if (!catalog.supplier.empty()) out << "supplier: " << scalar(catalog.supplier) << '\n';
  out << "illustrative: " << (catalog.illustrative ? "true" : "false") << '\n';
  out << "measurement:\n";
  if (!m.instrument.empty()) out << "  instrument: " << scalar(m.instrument) << '\n';
  out << "  illuminant: " << white_name(m.illuminant) << '\n'
      << "  observer: " << observer_degrees(m.observer) << '\n'
      << "  saunderson: {k1: " << number(m.saunderson.k1, 6)
      << ", k2: " << number(m.saunderson.k2, 6) << "}\n"
      << "  substrate:\n"
      << "    name: " << scalar(m.substrate.name) << '\n';
  write_colour(out, m.substrate.colour, "    ");
  if (!catalog.diluents.empty()) {
    out << "diluents:\n";
    for (const Diluent& d : catalog.diluents) {
      out << "  - id: " << scalar(d.id) << "\n    name: " << scalar(d.name) << '\n';
    }
  }
  if (!catalog.pigments.empty()) out << "pigments:\n";
  for (const Pigment& p : catalog.pigments) out << pigment_to_yaml(p);
  return out.str();
}

std::string pigment_to_yaml(const Pigment& p, std::string_view indent) {
  std::ostringstream out;
  const std::string in(indent);
  out << in << "- id: " << scalar(p.id) << '\n' << in << "  name: " << scalar(p.name) << '\n';
  if (!p.ci.empty()) out << in << "  ci: " << text_list(p.ci) << '\n';
  if (!p.cas.empty()) out << in << "  cas: " << text_list(p.cas) << '\n';
  if (!p.lot.empty()) out << in << "  lot: " << scalar(p.lot) << '\n';
  if (!p.expires.empty()) out << in << "  expires: " << scalar(p.expires) << '\n';
  out << in << "  ladder:\n";
  for (const LadderStep& step : p.ladder) {
    out << in << "    - ink: " << number(step.ink_parts, 4) << '\n'
        << in << "      diluent: " << number(step.diluent_parts, 4) << '\n';
    write_colour(out, step.colour, in + "      ");
  }
  return out.str();
}

}  // namespace smpshade
