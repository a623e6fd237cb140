#pragma once
// CGATS.17 / IT8 files (ANSI CGATS.17-2009) as tables: LittleCMS's IT8 parser behind a fork/pipe
// sandbox (sandbox.cpp), and the checks before and the table after it (table.cpp). What the
// tables hold is read by the catalogue's ladder import (catalog/import_cgats.cpp) and by the
// chart references of calibration (calibrate/reference.cpp).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smpshade::detail {

/// More rows than any ladder (or chart) export holds.
/// LittleCMS 2.14 allocates at most 0x7ffe (32,766) sets (cmscgats.c, AllocateDataSet): a file of
/// more is refused here, naming the limit, before it reports "too much data".
inline constexpr int kMaxCgatsRows = 32766;

/// What a reader takes from a CGATS file, copied out of LittleCMS.
struct It8Data {
  bool loaded = false;
  std::string error;  ///< LittleCMS's reason when it could not read the file
  int tables = 0;
  std::vector<std::string> fields;  ///< the DATA_FORMAT, upper case
  std::map<std::string, std::string> properties;
  std::map<std::pair<int, int>, std::string> cells;  ///< (row, column): the columns asked for
  std::vector<std::size_t> row_lines;  ///< each data row's line in the file, for messages
};

/// Which columns of the data to copy out, by upper-case field name.
using CgatsColumns = std::function<bool(const std::string& field)>;

/// The header keywords copied into It8Data::properties.
inline constexpr const char* kIt8Properties[] = {
    "NUMBER_OF_SETS",   "ILLUMINATION_NAME", "OBSERVER_ANGLE",   "INSTRUMENTATION",
    "SPECTRAL_NORM",    "SPECTRAL_BANDS",    "SPECTRAL_START_NM", "SPECTRAL_END_NM",
    "DESCRIPTOR"};

// ---------------------------------------------------------------------------------------------
// sandbox.cpp

/// Parses `text` with LittleCMS, in this process. Does not throw: errors are in the result.
It8Data read_it8(std::string_view text, const CgatsColumns& columns) noexcept;

/// read_it8() in a forked child. Throws InputError at `name` when the child crashes, exits with
/// a failure status or takes too long (then it is killed); IoError when no child can be started.
It8Data read_it8_in_child(std::string_view text, const std::string& name,
                          const CgatsColumns& columns);

// ---------------------------------------------------------------------------------------------
// table.cpp

/// A CGATS number: white space around it allowed, else core's parse_number().
std::optional<double> cgats_number(std::string_view text);

/// `text` in upper case (ASCII).
std::string upper(std::string_view text);

/// The wavelength of a spectral field: SPECTRAL_NM400, SPECTRAL_NM_400, SPECTRAL_400, SPEC_400 or
/// NM400.
std::optional<double> spectral_field_nm(std::string_view field);

/// The text LittleCMS is given: a byte-order mark dropped, numbers with an exponent written in
/// plain decimals (its reader does not take them), and InputError at the line of an .INCLUDE
/// (no CGATS file may make a tool read another file).
std::string prepare_cgats_text(std::string_view text, const std::string& name);

/// Each data row's 1-based line in `text` (for messages that name a row's place).
std::vector<std::size_t> cgats_row_lines(std::string_view text);

/// At most `limit` bytes of a CGATS file; a larger one is refused before it is read whole.
std::string read_cgats_file(const std::string& path, std::size_t limit);

/// Where a table's spectral fields are, and the even grid they sample: instruments name bands by
/// rounded wavelengths (an i1Pro's 3.33 nm: SPEC_353, SPEC_357), so the spacing is taken from
/// SPECTRAL_START_NM, SPECTRAL_END_NM and SPECTRAL_BANDS when the file states them, else from the
/// first and last field, and each field must lie within half a nanometre of its place.
struct SpectralColumns {
  std::vector<int> columns;  ///< by wavelength
  double start_nm = 0, step_nm = 0;
  bool empty() const { return columns.empty(); }
};

/// The spectral columns of a table (none when it has none); InputError naming the file and the
/// field when they are not an even grid.
class It8Table;
SpectralColumns spectral_columns(const It8Table& table);

/// What a table's spectral values are divided by to give fractions of 1: SPECTRAL_NORM, else 100
/// when any value is over 2 (percent), else 1. A note is added when it had to be guessed.
double spectral_scale(const It8Table& table, const SpectralColumns& columns,
                      std::vector<std::string>& notes);

/// Whether the table's spectra are emission (a light source's power) rather than reflectance:
/// its DESCRIPTOR says power, illuminant, lamp or emission, or a value past 1.5 of the scale.
/// Then `why` says which.
bool is_emission(const It8Table& table, const SpectralColumns& columns, double scale,
                 std::string& why);

/// The checks every CGATS file gets before and after LittleCMS reads it (in a child process when
/// `isolate`): its single table's data (the `columns` asked for), or InputError naming `name`.
It8Data parse_cgats(std::string_view text, const std::string& name, std::size_t max_bytes,
                    bool isolate, const CgatsColumns& columns);

/// One table of an IT8 file and its columns of interest. Holds references: `data` and `file`
/// must outlive it.
class It8Table {
 public:
  It8Table(const It8Data& data, const std::string& file);

  int rows() const { return rows_; }
  std::optional<int> column(std::string_view field) const;
  const std::vector<std::string>& fields() const { return data_.fields; }
  /// A header keyword's value, or null.
  const char* property(const std::string& key) const;
  /// A cell; InputError naming the row when a truncated file never gave it.
  std::string text(int row, int col) const;
  /// A cell as a number; InputError naming the row when it is not one.
  double number(int row, int col) const;
  /// The row's SAMPLE_NAME, else SAMPLE_ID, else "".
  std::string label(int row) const;

  [[noreturn]] void fail(const std::string& message) const;
  /// fail() naming the row (1-based) and its sample.
  [[noreturn]] void fail_row(int row, const std::string& message) const;

 private:
  const std::string* cell(int row, int col) const;

  const It8Data& data_;
  const std::string& file_;
  int rows_ = 0;
};

}  // namespace smpshade::detail
