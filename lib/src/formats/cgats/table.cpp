// CGATS.17 files as tables: the text checked before LittleCMS's IT8 parser sees it (in
// sandbox.cpp), and the one table it finds read by field name, each value checked.
#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "core/fixed.hpp"
#include "core/parse.hpp"
#include "core/read_text.hpp"
#include "formats/cgats/internal.hpp"
#include "smpshade/error.hpp"

namespace smpshade::detail {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::optional<double> cgats_number(std::string_view text) { return parse_number(trim(text)); }

std::optional<double> spectral_field_nm(std::string_view field) {
  // CGATS.5's SPECTRAL_NM380 and SPECTRAL_380, i1Profiler's SPECTRAL_NM_380, ArgyllCMS's
  // SPEC_380 and the nm380 of X-Rite's and Barbieri's exports (upper-cased by the reader).
  for (std::string_view prefix : {"SPECTRAL_NM_", "SPECTRAL_NM", "SPECTRAL_", "SPEC_", "NM"}) {
    if (field.substr(0, prefix.size()) != prefix) continue;
    const std::string_view digits = field.substr(prefix.size());
    if (digits.size() < 3 || digits.size() > 4 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    return std::stod(std::string(digits));
  }
  return std::nullopt;
}

namespace {

// Whether `text` has the keyword `word` as a whitespace-separated token at or after `from`;
// returns its position or npos.
std::size_t find_token(std::string_view text, std::string_view word, std::size_t from = 0) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  for (std::size_t at = text.find(word, from); at != std::string_view::npos;
       at = text.find(word, at + 1)) {
    const bool starts = at == 0 || space(text[at - 1]);
    const std::size_t end = at + word.size();
    if (starts && (end == text.size() || space(text[end]))) return at;
  }
  return std::string_view::npos;
}

// CGATS.17 tokens: whitespace-separated, "quoted strings" kept whole, # comments dropped.
std::vector<std::string_view> cgats_tokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (i < text.size()) {
    if (space(text[i])) {
      ++i;
    } else if (text[i] == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (text[i] == '"') {
      const std::size_t end = text.find('"', i + 1);
      const std::size_t stop = end == std::string_view::npos ? text.size() : end + 1;
      tokens.push_back(text.substr(i, stop - i));
      i = stop;
    } else {
      const std::size_t start = i;
      while (i < text.size() && !space(text[i])) ++i;
      tokens.push_back(text.substr(start, i - start));
    }
  }
  return tokens;
}

// LittleCMS 2.14's IT8 parser corrupts memory on some inconsistent files (tests/fuzz found one:
// two headers run together, rows longer than the data format). What import reads is a single
// table, so anything else is refused here, before LittleCMS sees it: each header keyword once,
// NUMBER_OF_FIELDS equal to the data format's fields, and no more values than fields × sets.
// (Fewer values are left to LittleCMS, whose "Count mismatch" message says it well.)
void check_cgats_structure(std::string_view text, const std::string& name) {
  const auto tokens = cgats_tokens(text);
  auto fail = [&](const std::string& message) { throw InputError(message, Location{name}); };
  std::size_t format_begin = 0, format_end = 0, data_begin = 0, data_end = 0;
  std::optional<double> fields_declared, sets_declared;
  std::string_view fields_text, sets_text;  // as written: a declared count may not fit an integer
  int seen[6] = {};
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    static const std::string_view kKeywords[6] = {"BEGIN_DATA_FORMAT", "END_DATA_FORMAT",
                                                  "BEGIN_DATA",        "END_DATA",
                                                  "NUMBER_OF_FIELDS",  "NUMBER_OF_SETS"};
    for (int k = 0; k < 6; ++k) {
      if (tokens[i] != kKeywords[k]) continue;
      if (++seen[k] > 1) {
        fail(std::string(kKeywords[k]) + " appears twice: import reads files with one table");
      }
      if (k == 0) format_begin = i + 1;
      if (k == 1) format_end = i;
      if (k == 2) data_begin = i + 1;
      if (k == 3) data_end = i;
      if ((k == 4 || k == 5) && i + 1 < tokens.size()) {
        (k == 4 ? fields_declared : sets_declared) = cgats_number(tokens[i + 1]);
        (k == 4 ? fields_text : sets_text) = tokens[i + 1];
      }
    }
  }
  if (sets_declared && *sets_declared > kMaxCgatsRows) {
    fail("NUMBER_OF_SETS " + std::string(sets_text) + " is more than " +
         std::to_string(kMaxCgatsRows) + " rows, the most LittleCMS reads: split the file");
  }
  if (seen[0] && seen[1] && format_end >= format_begin && fields_declared &&
      *fields_declared != static_cast<double>(format_end - format_begin)) {
    fail("NUMBER_OF_FIELDS says " + std::string(fields_text) + " but the data format has " +
         std::to_string(format_end - format_begin) + " fields");
  }
  if (seen[0] && seen[1] && seen[2] && seen[3] && sets_declared && data_end >= data_begin &&
      format_end > format_begin) {
    const double fields = static_cast<double>(format_end - format_begin);
    const double values = static_cast<double>(data_end - data_begin);
    if (values > fields * *sets_declared) {
      // In rows, as a person counts them: "6 rows, NUMBER_OF_SETS says 5".
      const std::size_t per_row = format_end - format_begin;
      const std::size_t rows = (data_end - data_begin) / per_row;
      const std::size_t rest = (data_end - data_begin) % per_row;
      fail(std::to_string(rows) + (rows == 1 ? " row" : " rows") + " of " +
           std::to_string(per_row) + " fields" +
           (rest ? " and " + std::to_string(rest) + " values more" : std::string()) +
           ", NUMBER_OF_SETS says " + std::string(sets_text) +
           ": correct NUMBER_OF_SETS, or remove the extra rows");
    }
  }
}

}  // namespace

std::string read_cgats_file(const std::string& path, std::size_t limit) {
  limit = std::min(limit, SIZE_MAX - 1);
  const auto too_large = [&] {
    return InputError("the file is over " + size_text(limit) + ": not a spectrophotometer export",
                      Location{path});
  };
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > limit) throw too_large();
  std::string text = read_at_most(path, limit);
  if (text.size() > limit) throw too_large();
  return text;
}

namespace {

// The 1-based line of `at` in `text`.
std::size_t line_of(std::string_view text, const char* at) {
  const auto offset = static_cast<std::size_t>(at - text.data());
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// `value` in plain decimals, as short as reads back the same (LittleCMS's IT8 reader does not
// read an exponent).
std::string plain_decimal(double value) {
  char buffer[400];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  return result.ec == std::errc() ? std::string(buffer, result.ptr) : std::string();
}

}  // namespace

std::string prepare_cgats_text(std::string_view text, const std::string& name) {
  // A byte-order mark before the first keyword (an editor's UTF-8 save).
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (std::string_view token : cgats_tokens(text)) {
    // No directive may open a file: LittleCMS honours .INCLUDE "path" and would read any file
    // a CGATS from elsewhere names (its text would then reach messages and catalogues).
    if (upper(token) == ".INCLUDE" || upper(token).rfind(".INCLUDE", 0) == 0) {
      throw InputError(".INCLUDE is refused: a CGATS file may not name another file to read",
                       Location{name, line_of(text, token.data())});
    }
    // Numbers with an exponent ("5e-1", as spreadsheets write them) in plain decimals.
    if (token.front() != '"' && token.find_first_of("eE") != std::string_view::npos) {
      if (const auto value = parse_number(token)) {
        const std::string plain = plain_decimal(*value);
        if (plain.empty()) continue;
        const auto at = static_cast<std::size_t>(token.data() - text.data());
        out.append(text.substr(copied, at - copied));
        out += plain;
        copied = at + token.size();
      }
    }
  }
  out.append(text.substr(copied));
  return out;
}

std::vector<std::size_t> cgats_row_lines(std::string_view text) {
  const auto tokens = cgats_tokens(text);
  std::size_t format_begin = 0, format_end = 0, data_begin = 0, data_end = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] == "BEGIN_DATA_FORMAT") format_begin = i + 1;
    if (tokens[i] == "END_DATA_FORMAT") format_end = i;
    if (tokens[i] == "BEGIN_DATA") data_begin = i + 1;
    if (tokens[i] == "END_DATA") data_end = i;
  }
  std::vector<std::size_t> lines;
  const std::size_t per_row = format_end > format_begin ? format_end - format_begin : 0;
  for (std::size_t i = data_begin; per_row > 0 && i < data_end; i += per_row) {
    lines.push_back(line_of(text, tokens[i].data()));
  }
  return lines;
}

It8Data parse_cgats(std::string_view original, const std::string& name, std::size_t max_bytes,
                    bool isolate, const CgatsColumns& columns) {
  if (original.size() > max_bytes) {
    throw InputError(
        "the file is over " + size_text(max_bytes) + ": not a spectrophotometer export",
        Location{name});
  }
  const std::string prepared = prepare_cgats_text(original, name);
  const std::string_view text = prepared;
  // LittleCMS asserts (aborts the process) on an empty buffer: found by tests/fuzz/cgats_fuzzer.
  if (text.empty()) throw InputError("the file is empty", Location{name});
  // LittleCMS accepts a data section cut short after its last complete number; the END_DATA
  // keyword a complete file ends with is what tells a truncated file apart.
  const std::size_t data_start = find_token(text, "BEGIN_DATA");
  if (data_start != std::string_view::npos &&
      find_token(text, "END_DATA", data_start) == std::string_view::npos) {
    throw InputError("no END_DATA after BEGIN_DATA: the file is truncated", Location{name});
  }
  check_cgats_structure(text, name);
  It8Data data = isolate ? read_it8_in_child(text, name, columns) : read_it8(text, columns);
  if (!data.loaded) {
    // LittleCMS prefixes the file name, empty for memory: keep only what it says is wrong.
    std::string why(trim(data.error));
    while (!why.empty() && (why.front() == ':' || why.front() == ' ')) why.erase(0, 1);
    throw InputError("not a readable CGATS.17 file" + (why.empty() ? "" : ": " + why),
                     Location{name});
  }
  if (data.tables != 1) {
    throw InputError(
        "holds " + std::to_string(data.tables) + " data tables; smpshade reads files with one",
        Location{name});
  }
  data.row_lines = cgats_row_lines(text);
  return data;
}

It8Table::It8Table(const It8Data& data, const std::string& file) : data_(data), file_(file) {
  if (data.fields.empty()) fail("not a CGATS.17 measurement file: it has no DATA_FORMAT");
  const char* sets = property("NUMBER_OF_SETS");
  const auto n = sets ? cgats_number(sets) : std::nullopt;
  if (!n || *n < 1 || *n != std::floor(*n)) fail("no valid NUMBER_OF_SETS");
  // A ladder is a handful of rows; a count past any instrument's output is a corrupt header
  // (and would not fit an int: found by tests/fuzz/cgats_fuzzer).
  if (*n > kMaxCgatsRows) {
    fail("NUMBER_OF_SETS " + std::string(sets) + " is more than " + std::to_string(kMaxCgatsRows) +
         " rows: not a ladder measurement");
  }
  rows_ = static_cast<int>(*n);
}

std::optional<int> It8Table::column(std::string_view field) const {
  const auto it = std::find(fields().begin(), fields().end(), field);
  if (it == fields().end()) return std::nullopt;
  return static_cast<int>(it - fields().begin());
}

const char* It8Table::property(const std::string& key) const {
  const auto it = data_.properties.find(key);
  return it == data_.properties.end() ? nullptr : it->second.c_str();
}

std::string It8Table::text(int row, int col) const {
  const std::string* value = cell(row, col);
  if (value == nullptr) {
    fail_row(row, "no value for " + fields()[static_cast<std::size_t>(col)] +
                      ": the file is truncated or its NUMBER_OF_SETS is wrong");
  }
  return *value;
}

double It8Table::number(int row, int col) const {
  const std::string t = text(row, col);
  const auto v = cgats_number(t);
  if (!v) fail_row(row, fields()[static_cast<std::size_t>(col)] + " is '" + t + "', not a number");
  return *v;
}

std::string It8Table::label(int row) const {
  for (const char* field : {"SAMPLE_NAME", "SAMPLE_ID"}) {
    if (const auto c = column(field)) {
      if (const std::string* v = cell(row, *c)) return *v;
    }
  }
  return "";
}

void It8Table::fail(const std::string& message) const {
  throw InputError(message, Location{file_});
}

void It8Table::fail_row(int row, const std::string& message) const {
  const std::string name = label(row);
  fail("row " + std::to_string(row + 1) + (name.empty() ? "" : " (sample '" + name + "')") + ": " +
       message);
}

const std::string* It8Table::cell(int row, int col) const {
  const auto it = data_.cells.find({row, col});
  return it == data_.cells.end() ? nullptr : &it->second;
}

SpectralColumns spectral_columns(const It8Table& table) {
  std::vector<std::pair<double, int>> fields;  // nm, column
  for (std::size_t i = 0; i < table.fields().size(); ++i) {
    if (const auto nm = spectral_field_nm(table.fields()[i])) {
      fields.emplace_back(*nm, static_cast<int>(i));
    }
  }
  SpectralColumns out;
  if (fields.empty()) return out;
  std::sort(fields.begin(), fields.end());
  if (fields.size() < 2) table.fail("a single spectral field is not a spectrum");
  // The grid: what the file states (SPECTRAL_START_NM, SPECTRAL_END_NM, SPECTRAL_BANDS), else
  // the first and last field, evenly between.
  double first = fields.front().first, last = fields.back().first;
  const char* start = table.property("SPECTRAL_START_NM");
  const char* end = table.property("SPECTRAL_END_NM");
  const char* bands = table.property("SPECTRAL_BANDS");
  if (start && end && bands) {
    const auto s = cgats_number(start), e = cgats_number(end), n = cgats_number(bands);
    // Taken only when it agrees with the fields (Office.sp states 380 nm and starts at 355).
    if (s && e && n && *n == static_cast<double>(fields.size()) && *e > *s &&
        std::fabs(*s - first) <= 0.5 && std::fabs(*e - last) <= 0.5) {
      first = *s, last = *e;
    }
  }
  out.start_nm = first;
  out.step_nm = (last - first) / static_cast<double>(fields.size() - 1);
  if (!(out.step_nm > 0)) table.fail("the spectral fields are not in increasing wavelengths");
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const double place = first + out.step_nm * static_cast<double>(i);
    if (std::fabs(fields[i].first - place) > 0.5) {
      table.fail("the spectral fields are not evenly spaced (" + fixed(fields[i].first, 0) +
                 " nm, where a step of " + fixed(out.step_nm, 2) + " nm from " + fixed(first, 0) +
                 " nm puts " + fixed(place, 2) + ")");
    }
    out.columns.push_back(fields[i].second);
  }
  return out;
}

double spectral_scale(const It8Table& table, const SpectralColumns& columns,
                      std::vector<std::string>& notes) {
  if (columns.empty()) return 1.0;
  if (const char* norm = table.property("SPECTRAL_NORM")) {
    const auto v = cgats_number(norm);
    if (!v || !(*v > 0) || !std::isfinite(*v)) {
      table.fail("SPECTRAL_NORM is '" + std::string(norm) + "', not a positive number");
    }
    return *v;
  }
  double max_value = 0;
  for (int row = 0; row < table.rows(); ++row) {
    for (int col : columns.columns) max_value = std::max(max_value, table.number(row, col));
  }
  if (max_value > 2.0) return 100.0;
  notes.push_back("no SPECTRAL_NORM and every spectral value is 2 or less: read as fractions of 1");
  return 1.0;
}

bool is_emission(const It8Table& table, const SpectralColumns& columns, double scale,
                 std::string& why) {
  if (columns.empty()) return false;
  if (const char* descriptor = table.property("DESCRIPTOR")) {
    std::string d = upper(descriptor);
    for (const char* word : {"SPECTRAL POWER", "ILLUMINANT", "ILLIMUNANT", "LAMP", "EMISSION",
                             "LIGHT SOURCE", "SPD"}) {
      if (d.find(word) != std::string::npos) {
        why = "its DESCRIPTOR, '" + std::string(descriptor) + "', says so";
        return true;
      }
    }
  }
  for (int row = 0; row < table.rows(); ++row) {
    for (int col : columns.columns) {
      const double v = table.number(row, col) / scale;
      if (v > 1.5) {
        why = "a value of " + fixed(v * 100, 0) + " % of its scale: no surface reflects that much";
        return true;
      }
    }
  }
  return false;
}

}  // namespace smpshade::detail
