// Dilution ladders from a spectrophotometer's CGATS.17 / IT8 export (ANSI CGATS.17-2009), read
// through LittleCMS's IT8 parser, into a catalogue that passes the catalogue's own checks.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "catalog/internal.hpp"
#include "core/fixed.hpp"
#include "formats/icc/lcms.hpp"
#include "core/read_text.hpp"
#include "smpshade/calibrate.hpp"
#include "smpshade/catalog_io.hpp"
#include "smpshade/difference.hpp"

namespace smpshade {

namespace {

struct It8Free {
  void operator()(void* handle) const { cmsIT8Free(handle); }
};
using It8Handle = std::unique_ptr<void, It8Free>;

using detail::fixed;

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string trim(std::string s) {
  const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && space(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && space(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

std::optional<double> parse_number(std::string_view text) {
  text = std::string_view(text.data(), text.size());
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

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
    r.ink = std::stod(std::string(text.substr(i, ink_end - i)));
    r.diluent = std::stod(std::string(text.substr(k, diluent_end - k)));
    r.begin = i;
    r.end = diluent_end;
    return r;
  }
  return std::nullopt;
}

std::string without_ratio(const std::string& name) {
  const auto ratio = find_ratio(name);
  if (!ratio) return trim(name);
  return trim(name.substr(0, ratio->begin) + name.substr(ratio->end));
}

// The wavelength of a spectral field: SPECTRAL_NM400, SPECTRAL_400 or SPEC_400.
std::optional<double> spectral_field_nm(std::string_view field) {
  for (std::string_view prefix : {"SPECTRAL_NM", "SPECTRAL_", "SPEC_"}) {
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
        (k == 4 ? fields_declared : sets_declared) = parse_number(tokens[i + 1]);
        (k == 4 ? fields_text : sets_text) = tokens[i + 1];
      }
    }
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
      fail("the data section holds " + std::to_string(data_end - data_begin) +
           " values, more than NUMBER_OF_SETS × fields (" + std::string(sets_text) + " × " +
           std::to_string(format_end - format_begin) + ")");
    }
  }
}

// More rows than any ladder (or chart) export holds.
constexpr int kMaxCgatsRows = 100000;

// ---------------------------------------------------------------------------------------------
// LittleCMS's IT8 parser, kept at arm's length
//
// check_cgats_structure() refuses the inconsistent files known to corrupt LittleCMS 2.14's
// memory, but the parser is old C fed files from anywhere, and an unknown bug in it could take
// the caller's process down or, worse, corrupt it silently. So by default the parse runs in a
// forked child (defence in depth, about 1 ms a file): the child parses, copies out what import
// reads (It8Data), writes it to a pipe and exits; the parent never touches the parser's state.
// A child that dies (a signal, or the report and exit status of a sanitizer) or hangs becomes an
// InputError naming the file.

// What import reads of a CGATS file, copied out of LittleCMS.
struct It8Data {
  bool loaded = false;
  std::string error;  // LittleCMS's reason when it could not read the file
  int tables = 0;
  std::vector<std::string> fields;  // the DATA_FORMAT, upper case
  std::map<std::string, std::string> properties;
  std::map<std::pair<int, int>, std::string> cells;  // (row, column): the columns import reads
};

constexpr const char* kIt8Properties[] = {"NUMBER_OF_SETS", "ILLUMINATION_NAME", "OBSERVER_ANGLE",
                                          "INSTRUMENTATION"};
constexpr auto kParserTimeout = std::chrono::seconds(30);

// NUMBER_OF_SETS as a row count, when it is a whole number from 1 to kMaxCgatsRows.
std::optional<int> declared_rows(const std::string& sets) {
  const auto n = parse_number(sets);
  if (!n || *n < 1 || *n != std::floor(*n) || *n > kMaxCgatsRows) return std::nullopt;
  return static_cast<int>(*n);
}

bool imported_field(const std::string& field) {
  static const std::string_view kFields[] = {"SAMPLE_NAME", "SAMPLE_ID", "LAB_L",         "LAB_A",
                                             "LAB_B",       "INK_PARTS", "DILUENT_PARTS", "XYZ_X",
                                             "XYZ_Y",       "XYZ_Z"};  // the last three: a chart's
                                                                       // reference values
  return std::find(std::begin(kFields), std::end(kFields), field) != std::end(kFields) ||
         spectral_field_nm(field).has_value();
}

// Parses `text` with LittleCMS, in this process. Does not throw: errors are in the result.
It8Data read_it8(std::string_view text) noexcept {
  It8Data data;
  try {
    detail::begin_lcms_call();
    It8Handle handle(
        cmsIT8LoadFromMem(nullptr, text.data(), static_cast<cmsUInt32Number>(text.size())));
    if (!handle) {
      data.error = detail::last_lcms_error();
      return data;
    }
    data.loaded = true;
    void* h = handle.get();
    data.tables = static_cast<int>(cmsIT8TableCount(h));
    if (data.tables != 1) return data;
    char** names = nullptr;
    const int count = cmsIT8EnumDataFormat(h, &names);
    for (int i = 0; names != nullptr && i < count; ++i) {
      data.fields.push_back(upper(names[i] ? names[i] : ""));
    }
    for (const char* key : kIt8Properties) {
      if (const char* value = cmsIT8GetProperty(h, key)) data.properties[key] = value;
    }
    const auto sets = data.properties.find("NUMBER_OF_SETS");
    const auto rows = sets == data.properties.end() ? std::nullopt : declared_rows(sets->second);
    for (int col = 0; rows && col < static_cast<int>(data.fields.size()); ++col) {
      if (!imported_field(data.fields[static_cast<std::size_t>(col)])) continue;
      for (int row = 0; row < *rows; ++row) {
        if (const char* value = cmsIT8GetDataRowCol(h, row, col)) data.cells[{row, col}] = value;
      }
    }
  } catch (const std::exception& e) {  // out of memory
    data = It8Data();
    data.error = e.what();
  }
  return data;
}

// It8Data through the pipe: each string as its length in decimal, ':', and its bytes.
void pack(std::string& out, std::string_view text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

std::string pack(const It8Data& data) {
  std::string out;
  pack(out, data.loaded ? "1" : "0");
  pack(out, data.error);
  pack(out, std::to_string(data.tables));
  pack(out, std::to_string(data.fields.size()));
  for (const auto& field : data.fields) pack(out, field);
  pack(out, std::to_string(data.properties.size()));
  for (const auto& [key, value] : data.properties) {
    pack(out, key);
    pack(out, value);
  }
  pack(out, std::to_string(data.cells.size()));
  for (const auto& [at, value] : data.cells) {
    pack(out, std::to_string(at.first));
    pack(out, std::to_string(at.second));
    pack(out, value);
  }
  return out;
}

// Reads pack()'s output back; throws InputError at `name` if it is not whole.
class Unpacker {
 public:
  Unpacker(std::string_view in, const std::string& name) : in_(in), name_(name) {}

  std::string_view text() {
    const std::size_t colon = in_.find(':');
    std::size_t size = 0;
    const auto [end, ec] =
        std::from_chars(in_.data(), in_.data() + std::min(colon, in_.size()), size);
    if (colon == std::string_view::npos || ec != std::errc() || end != in_.data() + colon ||
        size > in_.size() - colon - 1) {
      garbled();
    }
    const std::string_view value = in_.substr(colon + 1, size);
    in_.remove_prefix(colon + 1 + size);
    return value;
  }

  int number() {
    const std::string_view t = text();
    int value = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc() || end != t.data() + t.size() || value < 0) garbled();
    return value;
  }

  bool done() const { return in_.empty(); }

  [[noreturn]] void garbled() const {
    throw InputError("CGATS parser crashed on this file: its result came back incomplete",
                     Location{name_});
  }

 private:
  std::string_view in_;
  const std::string& name_;
};

It8Data unpack(std::string_view bytes, const std::string& name) {
  Unpacker in(bytes, name);
  It8Data data;
  data.loaded = in.text() == "1";
  data.error = std::string(in.text());
  data.tables = in.number();
  for (int n = in.number(); n > 0; --n) data.fields.emplace_back(in.text());
  for (int n = in.number(); n > 0; --n) {
    const std::string key(in.text());
    data.properties[key] = std::string(in.text());
  }
  for (int n = in.number(); n > 0; --n) {
    const int row = in.number();
    const int col = in.number();
    data.cells[{row, col}] = std::string(in.text());
  }
  if (!in.done()) in.garbled();
  return data;
}

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent is gone or stopped reading: nothing to tell it
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// read_it8() in a forked child. Throws InputError at `name` when the child crashes, exits with
// a failure status or takes longer than kParserTimeout (then it is killed); IoError when no child
// can be started.
It8Data read_it8_in_child(std::string_view text, const std::string& name) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw IoError(std::string("cannot start the CGATS parser: pipe: ") + std::strerror(errno),
                  Location{name});
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw IoError(std::string("cannot start the CGATS parser: fork: ") + std::strerror(error),
                  Location{name});
  }
  if (pid == 0) {
    // The child: only async-signal-safe exits (_exit skips atexit handlers, stdio flushes and
    // the leak check of a sanitizer build, which belong to the parent).
    ::close(fds[0]);
    // Test hook (tests/cli/bad_input_cgats.sh): a parser that crashes, to check how it is told.
    if (std::getenv("SMPSHADE_TEST_CGATS_PARSER_CRASH") != nullptr) std::abort();
    write_all(fds[1], pack(read_it8(text)));
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string bytes;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + kParserTimeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd ready{fds[0], POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(left));
    if (polled == 0 || (polled < 0 && errno == EINTR)) continue;
    if (polled < 0) break;
    char chunk[1 << 16];
    const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of file: the child has written all and exited (or died)
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    throw InputError("CGATS parser took more than " + std::to_string(kParserTimeout.count()) +
                         " s on this file: stopped",
                     Location{name});
  }
  if (WIFSIGNALED(status)) {
    throw InputError(
        std::string("CGATS parser crashed on this file (") + ::strsignal(WTERMSIG(status)) + ")",
        Location{name});
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw InputError("CGATS parser crashed on this file (exit status " +
                         std::to_string(WEXITSTATUS(status)) + ")",
                     Location{name});
  }
  return unpack(bytes, name);
}

// One table of an IT8 file and its columns of interest.
class It8Table {
 public:
  It8Table(const It8Data& data, const std::string& file) : data_(data), file_(file) {
    if (data.fields.empty()) fail("not a CGATS.17 measurement file: it has no DATA_FORMAT");
    const char* sets = property("NUMBER_OF_SETS");
    const auto n = sets ? parse_number(sets) : std::nullopt;
    if (!n || *n < 1 || *n != std::floor(*n)) fail("no valid NUMBER_OF_SETS");
    // A ladder is a handful of rows; a count past any instrument's output is a corrupt header
    // (and would not fit an int: found by tests/fuzz/cgats_fuzzer).
    if (*n > kMaxCgatsRows) {
      fail("NUMBER_OF_SETS " + std::string(sets) + " is more than " +
           std::to_string(kMaxCgatsRows) + " rows: not a ladder measurement");
    }
    rows_ = static_cast<int>(*n);
  }

  int rows() const { return rows_; }
  std::optional<int> column(std::string_view field) const {
    const auto it = std::find(fields().begin(), fields().end(), field);
    if (it == fields().end()) return std::nullopt;
    return static_cast<int>(it - fields().begin());
  }
  const std::vector<std::string>& fields() const { return data_.fields; }
  // A header keyword's value, or null.
  const char* property(const std::string& key) const {
    const auto it = data_.properties.find(key);
    return it == data_.properties.end() ? nullptr : it->second.c_str();
  }

  // A cell; LittleCMS has none for rows a truncated file never gave.
  std::string text(int row, int col) const {
    const std::string* value = cell(row, col);
    if (value == nullptr) {
      fail_row(row, "no value for " + fields()[static_cast<std::size_t>(col)] +
                        ": the file is truncated or its NUMBER_OF_SETS is wrong");
    }
    return *value;
  }

  double number(int row, int col) const {
    const std::string t = text(row, col);
    const auto v = parse_number(t);
    if (!v) {
      fail_row(row, fields()[static_cast<std::size_t>(col)] + " is '" + t + "', not a number");
    }
    return *v;
  }

  std::string label(int row) const {
    for (const char* field : {"SAMPLE_NAME", "SAMPLE_ID"}) {
      if (const auto c = column(field)) {
        if (const std::string* v = cell(row, *c)) return *v;
      }
    }
    return "";
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw InputError(message, Location{file_});
  }
  [[noreturn]] void fail_row(int row, const std::string& message) const {
    const std::string name = label(row);
    fail("row " + std::to_string(row + 1) + (name.empty() ? "" : " (sample '" + name + "')") +
         ": " + message);
  }

 private:
  const std::string* cell(int row, int col) const {
    const auto it = data_.cells.find({row, col});
    return it == data_.cells.end() ? nullptr : &it->second;
  }

  const It8Data& data_;
  const std::string& file_;
  int rows_ = 0;
};

// Replicate measurements of one dilution, summed for averaging.
struct Group {
  double ink = 0, diluent = 0;
  int count = 0;
  int first_row = 0;
  std::string name;
  Lab lab_sum;
  std::vector<double> spectrum_sum;
};

// At most `limit` bytes of a CGATS file; a larger one is refused before it is read whole.
std::string read_cgats_file(const std::string& path, std::size_t limit) {
  limit = std::min(limit, SIZE_MAX - 1);
  const auto too_large = [&] {
    return InputError(
        "the file is over " + detail::size_text(limit) + ": not a spectrophotometer export",
        Location{path});
  };
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > limit) throw too_large();
  std::string text = detail::read_at_most(path, limit);
  if (text.size() > limit) throw too_large();
  return text;
}

// The checks every CGATS file gets before and after LittleCMS reads it (in a child process when
// `isolate`): its single table's data, or InputError naming `name`.
It8Data parse_cgats(std::string_view text, const std::string& name, std::size_t max_bytes,
                    bool isolate) {
  if (text.size() > max_bytes) {
    throw InputError(
        "the file is over " + detail::size_text(max_bytes) + ": not a spectrophotometer export",
        Location{name});
  }
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
  It8Data data = isolate ? read_it8_in_child(text, name) : read_it8(text);
  if (!data.loaded) {
    // LittleCMS prefixes the file name, empty for memory: keep only what it says is wrong.
    std::string why = trim(data.error);
    while (!why.empty() && (why.front() == ':' || why.front() == ' ')) why.erase(0, 1);
    throw InputError("not a readable CGATS.17 file" + (why.empty() ? "" : ": " + why),
                     Location{name});
  }
  if (data.tables != 1) {
    throw InputError(
        "holds " + std::to_string(data.tables) + " data tables; smpshade reads files with one",
        Location{name});
  }
  return data;
}

}  // namespace

Catalog import_cgats(const std::string& path, const CgatsImportOptions& options) {
  return import_cgats_text(read_cgats_file(path, options.limits.max_file_bytes), path, options);
}

Catalog import_cgats_text(std::string_view text, const std::string& name,
                          const CgatsImportOptions& options) {
  if (options.id.empty()) throw ArgumentError("importing a ladder needs the pigment's id");
  const It8Data data =
      parse_cgats(text, name, options.limits.max_file_bytes, options.isolate_parser);
  const It8Table table(data, name);

  // Columns.
  const auto lab_l = table.column("LAB_L"), lab_a = table.column("LAB_A"),
             lab_b = table.column("LAB_B");
  const bool has_lab = lab_l && lab_a && lab_b;
  if ((lab_l || lab_a || lab_b) && !has_lab)
    table.fail("LAB_L, LAB_A and LAB_B must come together");
  std::vector<std::pair<double, int>> spectral;  // nm, column
  for (std::size_t i = 0; i < table.fields().size(); ++i) {
    if (const auto nm = spectral_field_nm(table.fields()[i])) {
      spectral.emplace_back(*nm, static_cast<int>(i));
    }
  }
  std::sort(spectral.begin(), spectral.end());
  if (!has_lab && spectral.empty()) {
    table.fail(
        "no LAB_L/LAB_A/LAB_B and no spectral fields (SPECTRAL_NM400, SPECTRAL_400 or "
        "SPEC_400...): nothing to import");
  }
  double start_nm = 0, step_nm = 0;
  if (!spectral.empty()) {
    if (spectral.size() < 2) table.fail("a single spectral field is not a spectrum");
    start_nm = spectral.front().first;
    step_nm = spectral[1].first - spectral[0].first;
    for (std::size_t i = 1; i < spectral.size(); ++i) {
      if (spectral[i].first - spectral[i - 1].first != step_nm || step_nm <= 0) {
        table.fail("the spectral fields are not evenly spaced (at " + fixed(spectral[i].first, 0) +
                   " nm)");
      }
    }
  }
  const auto ink_col = table.column("INK_PARTS"), diluent_col = table.column("DILUENT_PARTS");
  if (ink_col.has_value() != diluent_col.has_value()) {
    table.fail("INK_PARTS and DILUENT_PARTS must come together");
  }

  // Illuminant and observer the Lab values were computed for.
  Measurement measurement;
  if (const char* illuminant = table.property("ILLUMINATION_NAME")) {
    const std::string v = upper(trim(illuminant));
    if (v != "D50" && v != "D65") {
      table.fail("ILLUMINATION_NAME is '" + std::string(illuminant) +
                 "'; catalogues are measured for D50 or D65");
    }
    measurement.illuminant = parse_white(v);
  }
  if (const char* observer = table.property("OBSERVER_ANGLE")) {
    const auto degrees = parse_number(observer);
    if (!degrees || (*degrees != 2 && *degrees != 10)) {
      table.fail("OBSERVER_ANGLE is '" + std::string(observer) + "'; it must be 2 or 10");
    }
    measurement.observer = observer_from_degrees(static_cast<int>(*degrees));
  }
  if (const char* instrument = table.property("INSTRUMENTATION")) {
    measurement.instrument = instrument;
  }

  // Rows, grouped by their parts.
  std::vector<Group> groups;
  for (int row = 0; row < table.rows(); ++row) {
    const std::string label = table.label(row);
    double ink = 0, diluent = 0;
    if (ink_col) {
      ink = table.number(row, *ink_col);
      diluent = table.number(row, *diluent_col);
    } else {
      std::string sample_name, sample_id;
      if (const auto c = table.column("SAMPLE_NAME")) sample_name = table.text(row, *c);
      if (const auto c = table.column("SAMPLE_ID")) sample_id = table.text(row, *c);
      auto ratio = find_ratio(sample_name);
      if (!ratio) ratio = find_ratio(sample_id);
      if (ratio) {
        ink = ratio->ink;
        diluent = ratio->diluent;
      } else {
        table.fail_row(row,
                       "no ink and diluent parts: add INK_PARTS and DILUENT_PARTS fields, "
                       "or write them in SAMPLE_NAME as 1:3");
      }
    }
    if (ink < 0 || diluent < 0 || ink + diluent <= 0) {
      table.fail_row(row, "parts " + parts_ratio(ink, diluent) + " are not a dilution");
    }
    Lab lab;
    if (has_lab) {
      lab = {table.number(row, *lab_l), table.number(row, *lab_a), table.number(row, *lab_b)};
      if (lab.l < 0 || lab.l > 100 || std::fabs(lab.a) > 128 || std::fabs(lab.b) > 128) {
        table.fail_row(row, "Lab " + fixed(lab.l, 2) + " " + fixed(lab.a, 2) + " " +
                                fixed(lab.b, 2) + " is out of range");
      }
    }
    std::vector<double> reflectance;
    for (const auto& [nm, col] : spectral) {
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
      g.name = without_ratio(label);
      g.spectrum_sum.assign(reflectance.size(), 0.0);
      groups.push_back(g);
      group = groups.end() - 1;
    }
    ++group->count;
    group->lab_sum = {group->lab_sum.l + lab.l, group->lab_sum.a + lab.a, group->lab_sum.b + lab.b};
    for (std::size_t i = 0; i < reflectance.size(); ++i) group->spectrum_sum[i] += reflectance[i];
  }

  // Percent is what CGATS spectral fields hold; a file whose every value is 1 or less (a white
  // card among them) was written in fractions, and dividing by 100 again would be silently wrong.
  if (!spectral.empty()) {
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

  // Averages, each checked: Lab and spectrum must describe the same colour.
  auto colour_of = [&](const Group& g) {
    MeasuredColour colour;
    const double n = g.count;
    if (has_lab) colour.lab = Lab{g.lab_sum.l / n, g.lab_sum.a / n, g.lab_sum.b / n};
    if (!spectral.empty()) {
      Spectrum s;
      s.start_nm = start_nm;
      s.step_nm = step_nm;
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
  };

  Catalog catalog;
  catalog.file = name;
  catalog.supplier = options.supplier;
  catalog.measurement = measurement;
  const auto substrate =
      std::find_if(groups.begin(), groups.end(), [](const Group& g) { return g.ink == 0; });
  if (substrate == groups.end()) {
    table.fail(
        "no substrate: measure the bare card the ladder was drawn down on as a sample "
        "with 0 ink parts (e.g. named 'card 0:1')");
  }
  catalog.measurement.substrate.name = substrate->name.empty() ? "substrate" : substrate->name;
  catalog.measurement.substrate.colour = colour_of(*substrate);

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
    step.colour = colour_of(g);
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
  catalog.pigments.push_back(pigment);

  // What import writes must load: run it through the loader's own checks.
  detail::DiagnosticSink sink;
  detail::check_catalog_text(catalog_to_yaml(catalog), name, sink, {"", options.limits});
  for (const Diagnostic& d : sink.diagnostics()) {
    if (d.severity == Severity::Error) {
      throw InputError(
          "the imported pigment fails the catalogue's checks: " + d.message + " [" + d.rule + "]",
          Location{name});
    }
  }
  return catalog;
}

namespace {

// A chart's CGATS file is 24 rows: a megabyte is far more than any instrument writes for it.
constexpr std::size_t kMaxChartFileBytes = 1 << 20;

// The patch a SAMPLE_ID names: 1..24, or the chart's row letter and column (A1 .. D6).
std::optional<int> patch_index(const std::string& id) {
  const std::string t = upper(trim(id));
  if (t.size() == 2 && t[0] >= 'A' && t[0] <= 'D' && t[1] >= '1' && t[1] <= '6') {
    return (t[0] - 'A') * kChartColumns + (t[1] - '1');
  }
  const auto n = parse_number(t);
  if (n && *n >= 1 && *n <= kChartPatches && *n == std::floor(*n)) return static_cast<int>(*n) - 1;
  return std::nullopt;
}

}  // namespace

ChartReference chart_reference_from_cgats(const std::string& path) {
  const It8Data data =
      parse_cgats(read_cgats_file(path, kMaxChartFileBytes), path, kMaxChartFileBytes, true);
  const It8Table table(data, path);
  if (table.rows() != kChartPatches) {
    table.fail("holds " + std::to_string(table.rows()) +
               " samples; a ColorChecker Classic has 24 patches");
  }
  const auto lab_l = table.column("LAB_L"), lab_a = table.column("LAB_A"),
             lab_b = table.column("LAB_B");
  const auto xyz_x = table.column("XYZ_X"), xyz_y = table.column("XYZ_Y"),
             xyz_z = table.column("XYZ_Z");
  const bool has_lab = lab_l && lab_a && lab_b, has_xyz = xyz_x && xyz_y && xyz_z;
  if (!has_lab && !has_xyz) table.fail("no LAB_L/LAB_A/LAB_B and no XYZ_X/XYZ_Y/XYZ_Z fields");
  White white = White::D50;
  if (const char* illuminant = table.property("ILLUMINATION_NAME")) {
    const std::string v = upper(trim(illuminant));
    if (v != "D50" && v != "D65") {
      table.fail("ILLUMINATION_NAME is '" + std::string(illuminant) +
                 "'; chart values are read for D50 or D65");
    }
    white = parse_white(v);
  }

  // Patch order: SAMPLE_ID when every row names a different patch, else the rows' order.
  std::vector<int> order(kChartPatches);
  for (int i = 0; i < kChartPatches; ++i) order[static_cast<std::size_t>(i)] = i;
  if (const auto id = table.column("SAMPLE_ID")) {
    std::vector<int> named(kChartPatches, -1);
    bool all = true;
    for (int row = 0; row < kChartPatches && all; ++row) {
      const auto patch = patch_index(table.text(row, *id));
      all = patch && named[static_cast<std::size_t>(*patch)] < 0;
      if (all) named[static_cast<std::size_t>(*patch)] = row;
    }
    if (all) {
      for (int i = 0; i < kChartPatches; ++i) {
        order[static_cast<std::size_t>(i)] = named[static_cast<std::size_t>(i)];
      }
    }
  }
  // XYZ in percent (Y of white 100) or in fractions (Y of white 1).
  double xyz_scale = 1;
  if (has_xyz && !has_lab) {
    double max_y = 0;
    for (int row = 0; row < kChartPatches; ++row)
      max_y = std::max(max_y, table.number(row, *xyz_y));
    if (max_y > 2) xyz_scale = 0.01;
  }

  const ChartReference names = builtin_chart_reference("colorchecker-2014");
  ChartReference reference;
  reference.name = path;
  reference.source = path + (has_lab ? " (Lab" : " (XYZ") +
                     (white == White::D65 ? ", D65 adapted to D50 by Bradford)" : ", D50)");
  const auto name_column = table.column("SAMPLE_NAME");
  for (int i = 0; i < kChartPatches; ++i) {
    const int row = order[static_cast<std::size_t>(i)];
    Lab lab;
    if (has_lab) {
      lab = {table.number(row, *lab_l), table.number(row, *lab_a), table.number(row, *lab_b)};
    } else {
      const Xyz xyz{table.number(row, *xyz_x) * xyz_scale, table.number(row, *xyz_y) * xyz_scale,
                    table.number(row, *xyz_z) * xyz_scale};
      if (xyz.x < 0 || xyz.y < 0 || xyz.z < 0) table.fail_row(row, "XYZ is negative");
      lab = lab_from_xyz(xyz, white_point(white));
    }
    if (!(lab.l >= 0 && lab.l <= 100 && std::fabs(lab.a) <= 128 && std::fabs(lab.b) <= 128)) {
      table.fail_row(row, "Lab " + fixed(lab.l, 2) + " " + fixed(lab.a, 2) + " " + fixed(lab.b, 2) +
                              " is out of range");
    }
    if (white == White::D65) lab = adapt_lab(lab, White::D65, White::D50);
    std::string name = name_column ? trim(table.text(row, *name_column)) : "";
    if (name.empty()) name = names.patches[static_cast<std::size_t>(i)].name;
    reference.patches.push_back({name, lab});
  }
  return reference;
}

}  // namespace smpshade
