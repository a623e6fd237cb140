#pragma once
/// @file catalog_io.hpp
/// The catalogue in and out of other formats: records for `smp-catalog list/show/export`,
/// catalogue YAML written back out, and ladders imported from a spectrophotometer's CGATS.17
/// file.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "smpshade/catalog.hpp"
#include "smpshade/export.hpp"
#include "smpshade/records.hpp"

namespace smpshade {

/// A pigment as `smp-catalog list` shows it: id, name, supplier, ci, steps, lot, expires,
/// illustrative, file.
SMPSHADE_API Record pigment_record(const Catalog& catalog, const Pigment& pigment);

/// Ladder step `index` of `pigment` as a Lab record (smpshade-records(5)) that smp-diff and
/// smp-render read: id `PIGMENT@INK:DILUENT`, pigment, step (1-based), ratio, concentration,
/// lab (computed from the spectrum when only a spectrum is given), lab_from ("lab" or
/// "spectrum"), white (the catalogue's illuminant), source (the catalogue file) and line.
/// With `with_spectrum` and a step measured spectrally, also its reflectance: spectrum
/// (0..1), spectrum_start and spectrum_step (nm) and observer (degrees), for smp-diff's
/// metamerism index.
SMPSHADE_API Record ladder_step_record(const Catalog& catalog, const Pigment& pigment,
                                       std::size_t index, bool with_spectrum = false);

/// A catalogue as YAML (smpshade-catalog(5)), in the layout of the bundled catalogue; each line
/// of `comment` becomes a `#` line at the top. load_catalog_text() reads it back to the same
/// values (Lab to 4 decimals, reflectances to 6).
SMPSHADE_API std::string catalog_to_yaml(const Catalog& catalog, std::string_view comment = {});

/// Replicates of one ladder step that disagree by more than this ΔE00 are warned about.
inline constexpr double kReplicateTolerance = 0.5;

/// What an import found worth saying besides the pigment (smp-catalog prints it on stderr).
struct CgatsImportReport {
  struct Replicates {
    double ink_parts = 0, diluent_parts = 0;
    int count = 0;
    double spread = 0;  ///< the largest ΔE00 between two replicates
  };
  std::vector<Replicates> replicates;  ///< every step measured more than once
  std::vector<std::string> notes;      ///< what was assumed or averaged
  std::vector<std::string> warnings;   ///< replicates over kReplicateTolerance
};

/// What a CGATS file does not say about the pigment it measured.
struct CgatsImportOptions {
  std::string id;                ///< the pigment's id (required)
  std::string name;              ///< default: the sample names without their ratio, else the id
  std::string supplier;          ///< default: none
  std::vector<std::string> ci;   ///< Colour Index names
  std::vector<std::string> cas;  ///< CAS registry numbers
  std::string lot;
  std::string expires;  ///< the lot's expiry date, YYYY-MM-DD (checked as the loader checks it)
  /// The diluent the ladder was drawn with, written as the catalogue's one diluent; its name is
  /// the id in words ("distilled-water": "Distilled water").
  std::string diluent = "distilled-water";
  /// max_file_bytes: larger CGATS files are refused before they are read.
  CatalogLimits limits;
  /// Parse with LittleCMS in a forked child process (POSIX), so that a crash or hang in its IT8
  /// parser is an InputError ("CGATS parser crashed on this file"), not the end of the caller.
  /// The fuzzer turns it off to see such crashes itself.
  bool isolate_parser = true;
  /// The catalogue the ink joins (`--into`): its substrate, Saunderson constants, illuminant,
  /// observer, supplier and spectral grid are used, and the file must not state other ones.
  const Catalog* into = nullptr;
  /// Where notes and warnings go; none when null.
  CgatsImportReport* report = nullptr;
};

/// Reads a dilution ladder measured by a spectrophotometer from a CGATS.17 / IT8 file through
/// LittleCMS's IT8 parser, and returns a catalogue holding it as one pigment.
///
/// Fields: SAMPLE_ID and/or SAMPLE_NAME; LAB_L, LAB_A, LAB_B and/or spectral fields
/// SPECTRAL_NM380, SPECTRAL_380 or SPEC_380 style (percent, as instruments write them); the
/// parts in INK_PARTS and DILUENT_PARTS, else as `1:3` in the sample name or id. A sample with
/// 0 ink parts is the substrate (required: the ladders are meaningless without it). Rows with
/// the same parts are replicates and are averaged. The illuminant and observer come from the
/// ILLUMINATION_NAME and OBSERVER_ANGLE keywords when present (else D50, 2°), the instrument
/// from INSTRUMENTATION. The result passes load_catalog()'s checks, or this throws.
///
/// Instrument shapes: any even step (5 or 10 nm) over any range that covers 400–700 nm (and the
/// grid of options.into), resampled by linear interpolation onto 400–700 nm at 10 nm, or onto
/// the catalogue's grid; spectral values divided by SPECTRAL_NORM when given (ArgyllCMS), else
/// read as percent when any is over 2, else as fractions; XYZ_X/Y/Z (0–100, or fractions)
/// instead of Lab. Rows with the same parts are replicates, averaged; options.report gets
/// their spread and a warning when it is over kReplicateTolerance.
///
/// Throws IoError when the file cannot be read, InputError naming the file (and row) when it is
/// not such a file: not CGATS, no Lab or spectral fields, rows missing (a wrong NUMBER_OF_SETS
/// or a truncated file), numbers that are not numbers, no parts, no substrate.
SMPSHADE_API Catalog import_cgats(const std::string& path, const CgatsImportOptions& options);

/// A catalogue file with one more pigment: its text, and whether it had to be rewritten.
struct CatalogAddition {
  std::string yaml;
  /// false: the original text with the pigment appended (comments and order kept); true: the
  /// catalogue written anew by catalog_to_yaml (its comments are lost), with the reason.
  bool reformatted = false;
  std::string why_reformatted;
};

/// The ladder in `cgats_path` added to the catalogue file `catalog_path` as a new pigment
/// (import_cgats() with options.into set to that catalogue). The pigment is appended to the
/// file's text when its `pigments` list is the file's last block list; otherwise the catalogue is
/// written anew. Either way the result is checked as lint would, and this throws rather than
/// return a catalogue with an error (the id already used, a file measured another way...).
SMPSHADE_API CatalogAddition add_cgats_to_catalog(const std::string& cgats_path,
                                                  const std::string& catalog_path,
                                                  CgatsImportOptions options);

/// One pigment as the YAML list item catalog_to_yaml() writes, each line indented by `indent`.
SMPSHADE_API std::string pigment_to_yaml(const Pigment& pigment, std::string_view indent = "  ");

/// import_cgats() of text already in memory; `name` is how messages call it.
SMPSHADE_API Catalog import_cgats_text(std::string_view text, const std::string& name,
                                       const CgatsImportOptions& options);

}  // namespace smpshade
