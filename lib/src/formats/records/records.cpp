#include "smpshade/records.hpp"

#include "formats/records/internal.hpp"

#include <algorithm>
#include <cmath>
#include <istream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "core/parse.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

using Json = nlohmann::ordered_json;

Record& Record::set(std::string_view key, FieldValue value) {
  for (Field& field : fields) {
    if (field.key == key) {
      field.value = std::move(value);
      return *this;
    }
  }
  fields.push_back({std::string(key), std::move(value)});
  return *this;
}

const FieldValue* Record::find(std::string_view key) const {
  for (const Field& field : fields) {
    if (field.key == key) return &field.value;
  }
  return nullptr;
}

Format parse_format(std::string_view name) {
  if (name == "jsonl") return Format::Jsonl;
  if (name == "csv") return Format::Csv;
  if (name == "tsv") return Format::Tsv;
  if (name == "table") return Format::Table;
  throw ArgumentError("unknown format '" + std::string(name) +
                      "' (expected jsonl, csv, tsv or table)");
}

// ---------------------------------------------------------------------------------------------
// Writing

namespace {

// 4 decimals is 1e-4 in L*, a*, b* and ΔE: below any visible or instrumental difference, and
// short enough to read. Rounding here keeps JSON free of 24.100000000000001.
double rounded(double v) {
  if (!std::isfinite(v)) return v;
  const double r = std::round(v * 1e4) / 1e4;
  return r == 0 ? 0.0 : r;  // no "-0"
}

Json json_number(double v) {
  if (!std::isfinite(v)) return nullptr;  // JSON has no NaN/Inf; null says "no value"
  return rounded(v);
}

Json to_json(const Record& record);

Json to_json(const FieldValue& value) {
  return std::visit(
      [](const auto& v) -> Json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, double>) {
          return json_number(v);
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          Json array = Json::array();
          for (double d : v) array.push_back(json_number(d));
          return array;
        } else if constexpr (std::is_same_v<T, std::vector<Record>>) {
          Json array = Json::array();
          for (const Record& r : v) array.push_back(to_json(r));
          return array;
        } else {
          return Json(v);
        }
      },
      value);
}

Json to_json(const Record& record) {
  Json object = Json::object();
  for (const Field& field : record.fields) object[field.key] = to_json(field.value);
  return object;
}

std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string number_text(double v, int decimals) {
  if (!std::isfinite(v)) return "";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  std::string text = buffer;
  if (text.find_first_not_of("-0.") == std::string::npos) text.erase(0, text[0] == '-' ? 1 : 0);
  return text;
}

std::string compact_number(double v) {
  if (!std::isfinite(v)) return "";
  return dump(Json(rounded(v)));
}

// A text cell as spreadsheets may open it: one starting with =, +, - or @ (or a tab or carriage
// return) is a formula to Excel and LibreOffice, so it gets a leading ' (OWASP, "CSV
// Injection"). Only text fields pass through here; numbers are written as they are.
std::string spreadsheet_text(std::string text) {
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    text.insert(text.begin(), '\'');
  }
  return text;
}

// A field as flat columns (name, text) for CSV/TSV.
void flatten(const Field& field, std::vector<std::pair<std::string, std::string>>& out) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          out.emplace_back(field.key, "");
        } else if constexpr (std::is_same_v<T, bool>) {
          out.emplace_back(field.key, v ? "true" : "false");
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          out.emplace_back(field.key, std::to_string(v));
        } else if constexpr (std::is_same_v<T, double>) {
          out.emplace_back(field.key, compact_number(v));
        } else if constexpr (std::is_same_v<T, std::string>) {
          out.emplace_back(field.key, spreadsheet_text(v));
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          static const char* const kLabSuffixes[] = {"_L", "_a", "_b"};
          static const char* const kRgbSuffixes[] = {"_R", "_G", "_B"};
          const bool rgb = field.key == "rgb";  // smp-calibrate's camera RGB; other triples: Lab
          for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string suffix = v.size() == 3 ? (rgb ? kRgbSuffixes[i] : kLabSuffixes[i])
                                                     : "_" + std::to_string(i + 1);
            out.emplace_back(field.key + suffix, compact_number(v[i]));
          }
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          std::string joined;
          for (const auto& s : v) joined += (joined.empty() ? "" : "; ") + s;
          out.emplace_back(field.key, spreadsheet_text(joined));
        } else {
          out.emplace_back(field.key, dump(to_json(field.value)));
        }
      },
      field.value);
}

// Table cells: Lab triples as "L a b", numbers to 2 decimals.
std::string table_text(const FieldValue& value) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "";
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "yes" : "no";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          return number_text(v, 2);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return printable(v);  // a table is read on a terminal: input never drives it
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          // Each number padded to 6 so that L*, a*, b* line up down a column.
          std::string joined;
          for (double d : v) {
            const std::string number = number_text(d, 2);
            if (!joined.empty()) joined += ' ';
            joined += std::string(number.size() < 6 ? 6 - number.size() : 0, ' ') + number;
          }
          return joined;
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          std::string joined;
          for (const auto& s : v) joined += (joined.empty() ? "" : "; ") + printable(s);
          return joined;
        } else {
          return dump(to_json(value));
        }
      },
      value);
}

bool right_aligned(const FieldValue& value) {
  return std::holds_alternative<double>(value) || std::holds_alternative<std::int64_t>(value) ||
         std::holds_alternative<std::vector<double>>(value);
}

std::string csv_cell(const std::string& text, char separator) {
  if (separator == '\t') {
    std::string cell = text;
    std::replace_if(
        cell.begin(), cell.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
    return cell;
  }
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace

struct RecordWriter::Impl {
  std::ostream& out;
  Format format;
  std::vector<std::string> columns;  // CSV/TSV flattened header
  bool header_written = false;
  // Table: cells by column name, columns in order of first appearance.
  std::vector<std::string> table_columns;
  std::vector<bool> table_right;
  std::vector<std::map<std::string, std::string>> table_rows;
  bool finished = false;
};

RecordWriter::RecordWriter(std::ostream& out, Format format, std::vector<std::string> columns)
    : impl_(
          std::make_unique<Impl>(Impl{out, format, std::move(columns), false, {}, {}, {}, false})) {
}

RecordWriter::~RecordWriter() {
  try {
    finish();
  } catch (...) {
    // Destructors must not throw; finish() is called explicitly on the normal path.
  }
}

void RecordWriter::write(const Record& record) {
  Impl& w = *impl_;
  switch (w.format) {
    case Format::Jsonl:
      w.out << dump(to_json(record)) << '\n';
      break;
    case Format::Csv:
    case Format::Tsv: {
      const char separator = w.format == Format::Csv ? ',' : '\t';
      std::vector<std::pair<std::string, std::string>> cells;
      for (const Field& field : record.fields) flatten(field, cells);
      if (!w.header_written) {
        if (w.columns.empty()) {
          for (const auto& cell : cells) w.columns.push_back(cell.first);
        }
        for (std::size_t i = 0; i < w.columns.size(); ++i) {
          w.out << (i ? std::string(1, separator) : "") << csv_cell(w.columns[i], separator);
        }
        w.out << '\n';
        w.header_written = true;
      }
      for (std::size_t i = 0; i < w.columns.size(); ++i) {
        if (i) w.out << separator;
        for (const auto& cell : cells) {
          if (cell.first == w.columns[i]) {
            w.out << csv_cell(cell.second, separator);
            break;
          }
        }
      }
      w.out << '\n';
      break;
    }
    case Format::Table: {
      // A table is read by a person, of one tool's output: its kind goes without saying.
      std::map<std::string, std::string> row;
      for (const Field& field : record.fields) {
        if (field.key == "kind") continue;
        auto it = std::find(w.table_columns.begin(), w.table_columns.end(), field.key);
        if (it == w.table_columns.end()) {
          w.table_columns.push_back(field.key);
          w.table_right.push_back(right_aligned(field.value));
        }
        row[field.key] = table_text(field.value);
      }
      w.table_rows.push_back(std::move(row));
      break;
    }
  }
}

void RecordWriter::finish() {
  Impl& w = *impl_;
  if (w.finished) return;
  w.finished = true;
  if (w.format == Format::Table && !w.table_rows.empty()) {
    std::vector<std::size_t> widths;
    for (const auto& column : w.table_columns) widths.push_back(column.size());
    for (const auto& row : w.table_rows) {
      for (std::size_t i = 0; i < w.table_columns.size(); ++i) {
        auto it = row.find(w.table_columns[i]);
        if (it != row.end()) widths[i] = std::max(widths[i], it->second.size());
      }
    }
    auto print_row = [&](auto cell_of) {
      std::string line;
      for (std::size_t i = 0; i < w.table_columns.size(); ++i) {
        const std::string text = cell_of(i);
        const std::string pad(widths[i] - std::min(widths[i], text.size()), ' ');
        if (i) line += "  ";
        line += w.table_right[i] ? pad + text : text + pad;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      w.out << line << '\n';
    };
    print_row([&](std::size_t i) { return w.table_columns[i]; });
    for (const auto& row : w.table_rows) {
      print_row([&](std::size_t i) {
        auto it = row.find(w.table_columns[i]);
        return it == row.end() ? std::string() : it->second;
      });
    }
  }
  w.out.flush();
}

// ---------------------------------------------------------------------------------------------
// Reading

void check_lab_range(const Lab& lab, const Location& where, std::string_view field) {
  const double values[3] = {lab.l, lab.a, lab.b};
  static const char* const kNames[3] = {"L*", "a*", "b*"};
  for (int i = 0; i < 3; ++i) {
    if (!std::isfinite(values[i])) {
      throw InputError(std::string(field) + ": " + kNames[i] + " is not a finite number", where);
    }
  }
  if (lab.l < 0 || lab.l > 100) {
    throw InputError(std::string(field) + ": L* " + number_text(lab.l, 4) + " is outside 0..100",
                     where);
  }
  for (int i = 1; i < 3; ++i) {
    if (std::fabs(values[i]) > 200) {
      throw InputError(std::string(field) + ": " + kNames[i] + " " + number_text(values[i], 4) +
                           " is outside -200..200",
                       where);
    }
  }
}

LabRecordReader::LabRecordReader(std::istream& in, std::string name)
    : in_(in), name_(std::move(name)) {}

namespace {

std::string file_stem(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  const auto dot = name.find_last_of('.');
  if (dot != std::string::npos && dot > 0) name.erase(dot);
  return name;
}

// A number of a text line; "nan", "inf" and numbers past a double's range come back as NaN,
// for check_lab_range() to say that they are not finite.
double text_number(const std::string& token, const Location& where, const char* what) {
  double value = 0;
  switch (detail::parse_number(token, value)) {
    case detail::NumberStatus::Ok:
      return value;
    case detail::NumberStatus::NotFinite:
      return std::numeric_limits<double>::quiet_NaN();
    case detail::NumberStatus::NotNumber:
      break;
  }
  throw InputError(std::string(what) + ": '" + token + "' is not a number", where);
}

// `spectrum`, `spectrum_start`, `spectrum_step` and `observer`: a reflectance spectrum the
// record carries (smp-catalog export --spectra), for smp-diff's metamerism index.
void read_spectrum_fields(const detail::Json& json, const Location& where, LabEntry& entry) {
  const auto values = json.find("spectrum");
  if (values == json.end() || values->is_null()) return;
  const char* kShape =
      "'spectrum' must be an array of reflectances 0..1.5 with numbers 'spectrum_start' and "
      "'spectrum_step' (nm)";
  if (!values->is_array() || values->size() < 2 || values->size() > 10000) {
    throw InputError(kShape, where);
  }
  Spectrum s;
  for (const auto& v : *values) {
    if (!v.is_number() || !(v.get<double>() >= 0 && v.get<double>() <= 1.5)) {
      throw InputError(kShape, where);
    }
    s.values.push_back(v.get<double>());
  }
  const auto start = json.find("spectrum_start"), step = json.find("spectrum_step");
  if (start == json.end() || step == json.end() || !start->is_number() || !step->is_number() ||
      !std::isfinite(start->get<double>()) || !(step->get<double>() > 0) ||
      !(step->get<double>() <= 100)) {
    throw InputError(kShape, where);
  }
  s.start_nm = start->get<double>();
  s.step_nm = step->get<double>();
  entry.spectrum = std::move(s);
  if (const auto observer = json.find("observer"); observer != json.end() && !observer->is_null()) {
    if (!observer->is_number_integer() ||
        (observer->get<int>() != 2 && observer->get<int>() != 10)) {
      throw InputError("'observer' must be 2 or 10", where);
    }
    entry.observer = observer_from_degrees(observer->get<int>());
  }
}

void read_json_line(const std::string& text, const Location& where, LabEntry& entry) {
  using Json = detail::Json;
  const Json json = detail::parse_record_object(text, where);
  const auto lab = json.find("lab");
  if (lab == json.end()) throw InputError("record has no 'lab' field", where);
  if (!lab->is_array() || lab->size() != 3) {
    throw InputError("'lab' must be an array of three numbers [L*, a*, b*]", where);
  }
  double values[3];
  for (std::size_t i = 0; i < 3; ++i) {
    const Json& v = (*lab)[i];
    if (!v.is_number())
      throw InputError("'lab' must be an array of three numbers [L*, a*, b*]", where);
    values[i] = v.get<double>();
  }
  entry.lab = {values[0], values[1], values[2]};
  entry.white = White::D50;
  if (const auto white = json.find("white"); white != json.end()) {
    if (!white->is_string()) throw InputError("'white' must be \"D50\" or \"D65\"", where);
    try {
      entry.white = parse_white(white->get<std::string>());
    } catch (const ArgumentError& e) {
      throw InputError(e.message(), where);
    }
  }
  auto text_field = [&](const char* key) -> std::string {
    const auto it = json.find(key);
    if (it == json.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
    throw InputError(std::string("'") + key + "' must be a string", where);
  };
  entry.source = text_field("source");
  entry.region = text_field("region");
  entry.client = text_field("client");
  entry.part = text_field("part");
  // A ladder step's dilution (smp-catalog export): "1:3" in `ratio`.
  if (const std::string ratio = text_field("ratio"); !ratio.empty()) {
    const auto colon = ratio.find(':');
    const auto ink = colon == std::string::npos ? std::nullopt : detail::parse_number(ratio.substr(0, colon));
    const auto diluent = colon == std::string::npos ? std::nullopt : detail::parse_number(ratio.substr(colon + 1));
    if (ink && diluent && *ink >= 1 && *diluent >= 0 && *ink == std::floor(*ink) &&
        *diluent == std::floor(*diluent) && *ink < 1e6 && *diluent < 1e6) {
      entry.ink_parts = static_cast<int>(*ink);
      entry.diluent_parts = static_cast<int>(*diluent);
    }
  }
  if (const auto session = json.find("session"); session != json.end() && !session->is_null()) {
    if (!session->is_number_integer() || session->get<std::int64_t>() < 1 ||
        session->get<std::int64_t>() > 1000) {
      throw InputError("'session' must be a whole number from 1", where);
    }
    entry.session = static_cast<int>(session->get<std::int64_t>());
  }
  if (const auto coverage = json.find("coverage"); coverage != json.end() && !coverage->is_null()) {
    if (!coverage->is_number() || !(coverage->get<double>() >= 0 && coverage->get<double>() <= 1)) {
      throw InputError("'coverage' must be a number in 0..1", where);
    }
    entry.coverage = coverage->get<double>();
  }
  entry.warnings = detail::text_list_field(json, "warnings", where);
  read_spectrum_fields(json, where, entry);
  entry.id = text_field("id");
  entry.id_given = !entry.id.empty();
  if (!entry.id_given && !entry.source.empty() && !entry.region.empty()) {
    entry.id = file_stem(entry.source) + "/" + entry.region;
    entry.id_given = true;
  }
}

void read_text_line(const std::string& text, const Location& where, LabEntry& entry) {
  std::vector<std::string> tokens;
  std::string token;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == ',') {
      if (!token.empty()) tokens.push_back(std::move(token));
      token.clear();
    } else {
      token.push_back(c);
    }
  }
  if (!token.empty()) tokens.push_back(std::move(token));
  if (tokens.size() != 3 && tokens.size() != 4) {
    throw InputError(
        "expected 'L a b' or 'ID L a b', found " + std::to_string(tokens.size()) + " fields",
        where);
  }
  const std::size_t first = tokens.size() - 3;
  entry.lab = {text_number(tokens[first], where, "L*"), text_number(tokens[first + 1], where, "a*"),
               text_number(tokens[first + 2], where, "b*")};
  entry.white = White::D50;
  entry.source.clear();
  entry.region.clear();
  entry.id_given = tokens.size() == 4;
  entry.id = entry.id_given ? tokens[0] : std::string();
}

}  // namespace

namespace {

std::vector<std::string> csv_cells(const std::string& text) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    cells.emplace_back(detail::trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return cells;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

bool LabRecordReader::read_csv_header(const std::string& text, const Location& where) {
  if (!first_text_line_) return false;
  first_text_line_ = false;
  if (text.find(',') == std::string::npos) return false;
  const std::vector<std::string> cells = csv_cells(text);
  const std::string first = lower(cells.front());
  if (first == "nm" || first == "wavelength" || first == "lambda") {
    refused_ = true;
    throw InputError("a table of spectra by wavelength (its first column is '" + cells.front() +
                         "', one column per sample): not Lab records; smp-diff reads spectra as "
                         "CGATS (SPECTRAL_NM400 ...) or smp-catalog export --spectra records",
                     where);
  }
  int id = -1, l = -1, a = -1, b = -1;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string c = lower(cells[i]);
    const int at = static_cast<int>(i);
    if (c == "l" || c == "l*" || c == "lab_l" || c == "cie l*") l = at;
    if (c == "a" || c == "a*" || c == "lab_a" || c == "cie a*") a = at;
    if (c == "b" || c == "b*" || c == "lab_b" || c == "cie b*") b = at;
    if (id < 0 && (c == "name" || c == "id" || c == "sample" || c == "sample_name" ||
                   c == "sample_id")) {
      id = at;
    }
  }
  if (l < 0 || a < 0 || b < 0) return false;  // not a header: a data line, read as such
  if (id < 0 && lower(cells.front()) == "patch") id = 0;
  csv_columns_ = {id, l, a, b};
  return true;
}

void LabRecordReader::read_csv_row(const std::string& text, const Location& where,
                                   LabEntry& entry) const {
  const std::vector<std::string> cells = csv_cells(text);
  const int widest = *std::max_element(csv_columns_.begin(), csv_columns_.end());
  if (static_cast<int>(cells.size()) <= widest) {
    throw InputError("the row has " + std::to_string(cells.size()) + " cells; the header names " +
                         std::to_string(widest + 1),
                     where);
  }
  entry.lab = {text_number(cells[static_cast<std::size_t>(csv_columns_[1])], where, "L*"),
               text_number(cells[static_cast<std::size_t>(csv_columns_[2])], where, "a*"),
               text_number(cells[static_cast<std::size_t>(csv_columns_[3])], where, "b*")};
  entry.white = White::D50;
  if (csv_columns_[0] >= 0) entry.id = cells[static_cast<std::size_t>(csv_columns_[0])];
  entry.id_given = !entry.id.empty();
}

bool LabRecordReader::next(LabEntry& entry) {
  std::string line;
  bool too_long = false;
  while (detail::read_bounded_line(in_, line, kMaxLineBytes, too_long)) {
    ++line_number_;
    if (refused_) continue;
    const Location where{name_, line_number_};
    if (too_long) throw InputError("line is longer than 1 MiB", where);
    if (line_number_ == 1) detail::skip_byte_order_mark(line);
    const std::string text(detail::trim(line));
    if (text.empty() || text[0] == '#') continue;
    entry = LabEntry{};
    entry.where = where;
    if (text[0] == '{' || text[0] == '[') {
      first_text_line_ = false;
      const RecordKind kind = text[0] == '{' ? record_kind(text, where) : RecordKind::Measurement;
      if (!carries_lab(kind)) {
        if (others_) others_(kind, text, where);
        continue;
      }
      entry.kind = kind;
      read_json_line(text, where, entry);
    } else if (read_csv_header(text, where)) {
      continue;
    } else if (!csv_columns_.empty()) {
      read_csv_row(text, where, entry);
    } else {
      read_text_line(text, where, entry);
    }
    check_lab_range(entry.lab, where);
    if (entry.id.empty()) entry.id = std::to_string(line_number_);
    return true;
  }
  if (in_.bad()) throw IoError("read error", Location{name_});
  return false;
}

}  // namespace smpshade

#include <numeric>
#include <unordered_map>

namespace smpshade {

std::string dilution_key(const LabEntry& entry) {
  if (!entry.ink_parts || !entry.diluent_parts || *entry.ink_parts <= 0 || *entry.diluent_parts < 0) {
    return "";
  }
  const int divisor = std::gcd(*entry.ink_parts, *entry.diluent_parts);
  return std::to_string(*entry.ink_parts / divisor) + ":" +
         std::to_string(*entry.diluent_parts / divisor);
}

Pairing pair_records(const std::vector<LabEntry>& reference, const std::vector<LabEntry>& sample,
                     JoinBy by) {
  Pairing result;
  const auto named = [](const std::vector<LabEntry>& entries) {
    return std::any_of(entries.begin(), entries.end(),
                       [](const LabEntry& e) { return e.id_given; });
  };
  if (by == JoinBy::Order || (by == JoinBy::Id && !named(reference) && !named(sample))) {
    const std::size_t common = std::min(reference.size(), sample.size());
    for (std::size_t i = 0; i < common; ++i) result.pairs.emplace_back(i, i);
    const auto& longer = reference.size() > sample.size() ? reference : sample;
    const auto& shorter = reference.size() > sample.size() ? sample : reference;
    for (std::size_t i = common; i < longer.size(); ++i) {
      result.problems.emplace_back(
          "record " + std::to_string(i + 1) + " has no partner: " +
              (shorter.empty() ? std::string("the other input") : shorter.front().where.file) +
              " has only " + std::to_string(shorter.size()) + " records",
          longer[i].where);
    }
    return result;
  }
  const bool parts = by == JoinBy::Parts;
  const auto key = [&](const LabEntry& e) { return parts ? dilution_key(e) : e.id; };
  const std::string what = parts ? "dilution" : "id";
  // Index each stream by its key, reporting repeats at the repeat's own line.
  const auto index = [&](const std::vector<LabEntry>& entries) {
    std::unordered_map<std::string, std::size_t> by_key;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (parts && key(entries[i]).empty()) {
        result.problems.emplace_back("'" + entries[i].id +
                                         "' gives no ink and diluent parts (INK_PARTS and "
                                         "DILUENT_PARTS, or a ratio such as 1:3 in its name)",
                                     entries[i].where);
        continue;
      }
      const auto [it, inserted] = by_key.emplace(key(entries[i]), i);
      if (!inserted) {
        result.problems.emplace_back(
            "duplicate " + what + " '" + key(entries[i]) + "' (first at " +
                (entries[it->second].where.line ? "line " + std::to_string(entries[it->second].where.line)
                                                : "record " + std::to_string(it->second + 1)) +
                ")",
            entries[i].where);
      }
    }
    return by_key;
  };
  const auto reference_keys = index(reference);
  const auto sample_keys = index(sample);
  const std::string sample_name = sample.empty() ? "the sample input" : sample.front().where.file;
  const std::string reference_name =
      reference.empty() ? "the reference input" : reference.front().where.file;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const auto mine = reference_keys.find(key(reference[i]));
    if (mine == reference_keys.end() || mine->second != i) continue;  // no key, or a duplicate
    const auto partner = sample_keys.find(key(reference[i]));
    if (partner == sample_keys.end()) {
      result.problems.emplace_back("no record with " + what + " '" + key(reference[i]) + "' in " +
                                       sample_name,
                                   reference[i].where);
    } else {
      result.pairs.emplace_back(i, partner->second);
    }
  }
  for (std::size_t j = 0; j < sample.size(); ++j) {
    const auto mine = sample_keys.find(key(sample[j]));
    if (mine != sample_keys.end() && mine->second == j && reference_keys.count(key(sample[j])) == 0) {
      result.problems.emplace_back("no record with " + what + " '" + key(sample[j]) + "' in " +
                                       reference_name,
                                   sample[j].where);
    }
  }
  return result;
}

namespace {

Record record_from_json(const detail::Json& object);

FieldValue field_from_json(const detail::Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object()) return std::vector<Record>{record_from_json(v)};
  if (v.is_array() && !v.empty()) {
    if (std::all_of(v.begin(), v.end(), [](const detail::Json& e) { return e.is_number(); })) {
      std::vector<double> numbers;
      for (const detail::Json& e : v) numbers.push_back(e.get<double>());
      return numbers;
    }
    if (std::all_of(v.begin(), v.end(), [](const detail::Json& e) { return e.is_string(); })) {
      std::vector<std::string> texts;
      for (const detail::Json& e : v) texts.push_back(e.get<std::string>());
      return texts;
    }
    if (std::all_of(v.begin(), v.end(), [](const detail::Json& e) { return e.is_object(); })) {
      std::vector<Record> records;
      for (const detail::Json& e : v) records.push_back(record_from_json(e));
      return records;
    }
  }
  if (v.is_array()) return std::vector<std::string>{};
  return std::monostate{};
}

Record record_from_json(const detail::Json& object) {
  Record record;
  for (const auto& [key, value] : object.items())
    record.fields.push_back({key, field_from_json(value)});
  return record;
}

}  // namespace

std::optional<Record> parse_record_line(std::string_view line, const Location& where) {
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos || line[first] != '{') return std::nullopt;
  if (line.size() > LabRecordReader::kMaxLineBytes) {
    throw InputError("line longer than 1 MiB", where);
  }
  const detail::Json json = detail::parse_record_object(line, where);
  return record_from_json(json);
}

}  // namespace smpshade
