#pragma once
/// @file records.hpp
/// The JSON Lines records the tools pipe between them (smpshade-records(5)): a small ordered
/// record type for writing any tool's output as jsonl/csv/tsv/table, and the reader of Lab
/// records (JSON Lines or plain `L a b` / `ID L a b` text).

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "smpshade/colour.hpp"
#include "smpshade/spectrum.hpp"
#include "smpshade/error.hpp"
#include "smpshade/export.hpp"

namespace smpshade {

/// What a record is (smpshade-records(5), KINDS): every record a tool writes names its kind in
/// its first field, `kind`, as GeoJSON's objects their `type`, and every reader dispatches on it,
/// never on which fields happen to be there. A record without `kind` (a line typed in, `L a b`,
/// or JSON from elsewhere with only `lab`) is a measurement, as SPEC 2.2 allows. The schema of
/// each kind is data/schema/KIND.schema.json.
enum class RecordKind {
  Measurement,  ///< smp-measure: one region (or its hair or scalp) of a photo
  LadderStep,   ///< smp-catalog export: one step of an ink's dilution ladder
  Patch,        ///< smp-calibrate: one chart patch, reference and measured
  Match,        ///< smp-match: one proposed recipe for a target
  Plan,         ///< smp-match: the session plan for a target (session 1, or 2 corrected)
  Outcome,      ///< smp-heal outcome: a recipe tattooed and the colour it healed to
  Prediction,   ///< smp-heal predict: a recipe's predicted healed colour
  Fit,          ///< smp-heal fit: how one outcome fares under the fitted model
  Difference,   ///< smp-diff: one pair's colour differences
  Calibration,  ///< smp-calibrate: the profile's report
  Pigment,      ///< smp-catalog list and show: one ink
  Diagnostic,   ///< smp-catalog lint: one finding
  Swatch,       ///< smp-render --layout: one swatch's place and colour
  Error,        ///< any tool in a batch: an input that failed, and why
};

/// The name a record carries: "measurement", "ladder-step", "match", ...
SMPSHADE_API const char* kind_name(RecordKind kind);
/// The kind named `name`; nullopt for a name this version does not know.
SMPSHADE_API std::optional<RecordKind> kind_from_name(std::string_view name);
/// Whether records of `kind` are Lab records, read where Lab records are (a colour in `lab`):
/// measurements, ladder steps and patches.
SMPSHADE_API bool carries_lab(RecordKind kind);
/// The kind of one line of a stream: its `kind`; a JSON object without one, and a text line,
/// is a measurement. Throws InputError at `where` for a `kind` that is not one of these names.
SMPSHADE_API RecordKind record_kind(std::string_view line, const Location& where);

struct Record;

/// A field's value: JSON's scalars, arrays of numbers or strings, or nested records.
using FieldValue = std::variant<std::monostate, bool, std::int64_t, double, std::string,
                                std::vector<double>, std::vector<std::string>, std::vector<Record>>;

struct Field {
  std::string key;
  FieldValue value;
};

/// An output record: fields in the order they are written.
struct Record {
  std::vector<Field> fields;

  Record() = default;
  /// A record of `kind`: its first field is `kind`.
  explicit Record(RecordKind kind) { set("kind", std::string(kind_name(kind))); }

  /// Sets `key` (replacing it in place when present, else appending).
  SMPSHADE_API Record& set(std::string_view key, FieldValue value);
  Record& set(std::string_view key, const Lab& lab) {
    return set(key, std::vector<double>{lab.l, lab.a, lab.b});
  }
  Record& set(std::string_view key, const char* text) { return set(key, std::string(text)); }
  template <typename Integer, typename = std::enable_if_t<std::is_integral_v<Integer> &&
                                                          !std::is_same_v<Integer, bool>>>
  Record& set(std::string_view key, Integer number) {
    return set(key, FieldValue(static_cast<std::int64_t>(number)));
  }
  /// The value of `key`, or nullptr.
  SMPSHADE_API const FieldValue* find(std::string_view key) const;
};

/// An error record (kind error): an input a batch could not use, so that every tool after it in
/// the pipe, and a script counting, learns it was lost. `stage` says what failed ("read",
/// "calibrate", "measure", ...).
SMPSHADE_API Record error_record(const std::string& source, const std::string& client,
                                        const std::string& stage, const Error& error);

/// Output formats of every tool (`--format`).
enum class Format { Jsonl, Csv, Tsv, Table };

/// Parses "jsonl", "csv", "tsv" or "table"; throws ArgumentError otherwise.
SMPSHADE_API Format parse_format(std::string_view name);

/// Writes records in one format. JSON Lines and CSV/TSV are streamed a line per record;
/// a table is buffered to align its columns and written by finish().
///
/// CSV/TSV have a header row: `columns` when given (the tool's schema), else the first record's
/// keys. Arrays flatten to columns: three numbers as KEY_L, KEY_a, KEY_b (every triple in the
/// records is Lab or a Lab statistic, but `rgb`: rgb_R, rgb_G, rgb_B), other number arrays as
/// KEY_1..KEY_n, string arrays
/// joined with "; ", nested records as their JSON text. Numbers are written to 4 decimals
/// (1e-4 ΔE), tables to 2.
class SMPSHADE_API RecordWriter {
 public:
  RecordWriter(std::ostream& out, Format format, std::vector<std::string> columns = {});
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;
  ~RecordWriter();

  void write(const Record& record);
  /// Writes what is buffered (the table) and flushes. Called by the destructor too.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A Lab record as read: only `lab` is required (smpshade-records(5)).
struct LabEntry {
  std::string id;         ///< `id`, else `source-stem/region`, else the line number
  bool id_given = false;  ///< true when the input named the record (JSON `id`, or `ID L a b`)
  Lab lab;                ///< relative to `white`
  White white = White::D50;
  std::string source;  ///< `source` when given
  std::string region;  ///< `region` when given
  /// `coverage` when given: a hair record's share of its region's area (smp-measure --split).
  std::optional<double> coverage;
  /// `warnings` when given: what the measurement doubted (no profile, 4:2:0 chroma, ...), for
  /// the tools after it in the pipe to carry on.
  std::vector<std::string> warnings;
  /// `spectrum` (reflectance 0..1) at `spectrum_start` + i·`spectrum_step` nm, when given
  /// (smp-catalog export --spectra), with `observer` (2 or 10; default 2).
  std::optional<Spectrum> spectrum;
  Observer observer = Observer::Cie1931_2deg;
  RecordKind kind = RecordKind::Measurement;  ///< a measurement, ladder step or patch
  /// `client` when given: whose record it is (smp-measure names it from the photo's path; see
  /// smpshade-records(5)); "" when the record does not say. Never sliced from the id.
  std::string client;
  /// `part` when given: what of the client it measures ("hair", "scalp", "chart", a region).
  std::string part;
  std::optional<int> session;  ///< `session` when given: which session it belongs to
  /// A dilution's ink and diluent parts, when the record says (a ladder step's `ratio`, a CGATS
  /// row's INK_PARTS and DILUENT_PARTS or a "1:3" in its name): what joins a batch to a ladder.
  std::optional<int> ink_parts, diluent_parts;
  /// How many measurements of one name this record averages (average_replicates), and their
  /// spread: the largest ΔE00 between two of them.
  int replicates = 1;
  double replicate_spread_de00 = 0;
  Location where;      ///< file and line it came from
};

/// Who and what a record is about, carried from a measurement to every record made from it
/// (matches, plans, outcomes), so that no reader slices ids to find a client.
struct RecordIdentity {
  std::string id;
  std::string client;  ///< "" when not known
  std::string part;    ///< "" when not known
  std::optional<int> session;
  std::string source;  ///< the photo it was measured in; "" when not known
};

/// The identity a Lab record carries.
SMPSHADE_API RecordIdentity identity_of(const LabEntry& entry);
/// Sets `id`, and `client`, `part`, `session` and `source` when known, on `record` (in that
/// order).
SMPSHADE_API void set_identity(Record& record, const RecordIdentity& identity);

/// The limits on a Lab record's values (smpshade-records(5)): finite, 0 ≤ L* ≤ 100,
/// |a*|, |b*| ≤ 200. Throws InputError at `where` naming the field otherwise.
SMPSHADE_API void check_lab_range(const Lab& lab, const Location& where,
                                  std::string_view field = "lab");

/// True when `head` (the start of a file) is a CGATS.17 / IT8 file rather than records.
SMPSHADE_API bool looks_like_cgats(std::string_view head);

/// Which CGATS field names a row, for joining two files (smp-diff --join).
enum class CgatsNaming {
  Name,  ///< SAMPLE_NAME, else SAMPLE_ID
  Id,    ///< SAMPLE_ID, else SAMPLE_NAME
};

/// The samples of a CGATS.17 measurement file as Lab records, as instruments write them: Lab
/// from LAB_L/A/B, else XYZ_X/Y/Z (Y of white 100), else the reflectance spectrum under the file's
/// ILLUMINATION_NAME (D50 or D65; D50 when it says none) and OBSERVER_ANGLE (2° when none); the
/// spectrum itself when the file has one (any even step: 3.33, 5, 10 nm), for the metamerism
/// index; the ink and diluent parts from INK_PARTS and DILUENT_PARTS, else a "1:3" in the name.
/// Each record names its row's line. Read through the same checked, sandboxed parser as
/// `smp-catalog import`; throws InputError naming the file (and row) when it is not such a file,
/// and saying so when its spectra are a light source's (emission) rather than a reflectance.
SMPSHADE_API std::vector<LabEntry> read_cgats_lab_records(const std::string& path,
                                                          std::size_t max_bytes = 16u << 20,
                                                          CgatsNaming naming = CgatsNaming::Name);

/// Merges records of one id (replicate measurements of a sample) into one, in first-met order:
/// the mean spectrum and its Lab when every replicate has a spectrum on one grid, else the mean
/// of their Lab (adapted to the first's white); `replicates` counts them and
/// `replicate_spread_de00` is the largest ΔE00 between two of them.
SMPSHADE_API std::vector<LabEntry> average_replicates(const std::vector<LabEntry>& records);

/// Reads Lab records from a stream of JSON Lines or text lines (`L a b` or `ID L a b`, split by
/// spaces, tabs or commas), skipping blank lines and `#` comments. A CSV table whose first line
/// is a header naming L, a and b (L*, LAB_L ...; the id from name, id, sample or patch) is read by
/// its columns, as the project's data/colorchecker24_*.csv; a table of spectra by wavelength
/// (first column nm) is refused saying what it is.
class SMPSHADE_API LabRecordReader {
 public:
  /// `name` is how messages name the input ("-" for standard input).
  LabRecordReader(std::istream& in, std::string name);

  /// Reads the next Lab record (a measurement, ladder step or patch) into `entry`; returns
  /// false at the end of the input. A bad line throws InputError (at `name:line`) and is
  /// consumed, so the caller can report it and call next() again for the lines after it. A
  /// record of another kind goes to the `others` callback (when set; else it is skipped): a
  /// tool passes error records on, or reads the kinds it takes. A UTF-8 byte-order mark before
  /// the first line is skipped.
  bool next(LabEntry& entry);

  using OtherKind =
      std::function<void(RecordKind kind, const std::string& line, const Location& where)>;
  void on_other_kinds(OtherKind others) { others_ = std::move(others); }

 private:
  bool read_csv_header(const std::string& text, const Location& where);
  void read_csv_row(const std::string& text, const Location& where, LabEntry& entry) const;

 public:

  /// Lines longer than this (1 MiB) are refused rather than parsed.
  static constexpr std::size_t kMaxLineBytes = 1 << 20;

 private:
  std::istream& in_;
  std::string name_;
  std::size_t line_number_ = 0;
  OtherKind others_;
  /// A CSV table with a header row naming its columns (patch,name,L,a,b as data/*.csv): where
  /// the id and L*, a*, b* are. Empty until such a header is met.
  std::vector<int> csv_columns_;  // id (or -1), L, a, b
  bool first_text_line_ = true;
  bool refused_ = false;  // a file refused whole (a table of spectra): its other lines are not read
};

/// One JSON Lines line as a Record, whatever its kind, for tools that show every field (the
/// report): numbers, booleans, strings, arrays of numbers or strings, arrays of objects (and a
/// nested object, as an array of one); null and other shapes as no value. Returns nothing for a
/// line that is not a JSON object (blank, `#`, text lines); throws InputError at `where` for a
/// JSON object that does not parse or is longer than LabRecordReader::kMaxLineBytes.
SMPSHADE_API std::optional<Record> parse_record_line(std::string_view line, const Location& where);

/// Two streams of Lab records joined for comparison (smp-diff).
struct Pairing {
  /// Indices into the reference and sample streams, in the reference stream's order.
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  /// Duplicate ids, and records with no partner in the other stream, each at its location.
  std::vector<InputError> problems;
};

/// How two streams are joined (smp-diff --join).
enum class JoinBy {
  Id,     ///< by `id` (a CGATS file's SAMPLE_NAME or SAMPLE_ID); by position when neither stream
          ///< names its records (plain `L a b` lines)
  Order,  ///< by position
  Parts,  ///< by the dilution: ink and diluent parts, reduced (1:3 is 2:6)
};

/// Joins `reference` and `sample`; every record without a partner, and every id (or dilution)
/// met twice in one stream, is a problem at its line.
SMPSHADE_API Pairing pair_records(const std::vector<LabEntry>& reference,
                                  const std::vector<LabEntry>& sample, JoinBy by = JoinBy::Id);

/// A record's dilution as a join key: "1:3" reduced; "" when it does not say.
SMPSHADE_API std::string dilution_key(const LabEntry& entry);

}  // namespace smpshade
