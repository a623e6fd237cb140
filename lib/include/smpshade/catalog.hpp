#pragma once
/// @file catalog.hpp
/// The pigment catalogue (smpshade-catalog(5)): the library's own types for what a supplier's
/// YAML file says, the loader, the search path, lint diagnostics, and CGATS import.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smpshade/colour.hpp"
#include "smpshade/error.hpp"
#include "smpshade/export.hpp"
#include "smpshade/limits.hpp"
#include "smpshade/spectrum.hpp"

namespace smpshade {

/// Saunderson's surface-reflection correction (Saunderson 1942): k1 external, k2 internal.
struct Saunderson {
  double k1 = 0.04;
  double k2 = 0.6;
};

/// A measured colour: Lab, a reflectance spectrum, or both (then they must agree).
struct MeasuredColour {
  std::optional<Lab> lab;            ///< relative to the catalogue's illuminant
  std::optional<Spectrum> spectrum;  ///< reflectance, 0..1
  Location where;                    ///< where it was written
};

/// What the ladders were drawn down on (white card, synthetic skin...).
struct Substrate {
  std::string name;
  MeasuredColour colour;
};

/// How a catalogue's values were measured.
struct Measurement {
  std::string instrument;
  White illuminant = White::D50;
  Observer observer = Observer::Cie1931_2deg;
  Saunderson saunderson;
  Substrate substrate;
};

struct Diluent {
  std::string id;
  std::string name;
  Location where;
};

/// One measured dilution: ink parts to diluent parts, and its colour.
struct LadderStep {
  double ink_parts = 1;
  double diluent_parts = 0;
  MeasuredColour colour;
  Location where;
  /// ink / (ink + diluent): the pigment's share of all parts (SPEC 2.5).
  double concentration() const { return ink_parts / (ink_parts + diluent_parts); }
};

struct Pigment {
  std::string id;  ///< [a-z0-9][a-z0-9-]*, unique over all loaded catalogues
  std::string name;
  std::vector<std::string> ci;     ///< Colour Index generic names (PBk7, PR101, ...)
  std::vector<std::string> cas;    ///< CAS registry numbers
  std::string lot;                 ///< optional
  std::string expires;             ///< optional, ISO 8601 date (YYYY-MM-DD)
  std::vector<LadderStep> ladder;  ///< ordered from most ink to least
  Location where;
};

/// One catalogue file.
struct Catalog {
  std::string file;
  int version = 1;
  std::string supplier;
  bool illustrative = false;
  Measurement measurement;
  std::vector<Diluent> diluents;
  std::vector<Pigment> pigments;
};

/// Catalogue files larger than this (16 MiB) are refused before they are read, by default.
inline constexpr std::size_t kMaxCatalogBytes = std::size_t{16} << 20;

/// Limits that keep a broken or hostile catalogue (or CGATS) file from exhausting memory, time or
/// the stack (smpshade(7), LIMITS). The defaults are far beyond any real file: the bundled
/// catalogue is under 50 KiB, nests 6 levels deep and holds a few thousand YAML nodes.
struct CatalogLimits {
  /// Files larger than this are refused before they are read (catalogues and CGATS files).
  std::size_t max_file_bytes = kMaxCatalogBytes;
  /// YAML collections nested deeper than this are refused. yaml-cpp parses recursively, so the
  /// loader honours at most kMaxYamlDepthCeiling whatever is asked.
  std::uint32_t max_yaml_depth = kMaxNesting;
  /// More YAML nodes than this in one file are refused.
  std::size_t max_yaml_nodes = 1'000'000;
  /// Aliases standing for more nodes than this, counted expanded, are refused (alias bombs).
  std::size_t max_alias_expansion = 1'000'000;
};

/// The deepest YAML nesting the loader accepts even when asked for more (stack safety).
inline constexpr std::uint32_t kMaxYamlDepthCeiling = 1000;

/// Loads one catalogue file. Throws InputError at file:line:col for the first error (what
/// `smp-catalog lint` would call an error); warnings are not reported here.
SMPSHADE_API Catalog load_catalog(const std::string& path, const CatalogLimits& limits = {});

/// Loads every catalogue at `paths` (files, or folders whose *.yaml / *.yml files are read in
/// name order). Throws InputError for the first error, including an id used twice across files.
SMPSHADE_API std::vector<Catalog> load_catalogs(const std::vector<std::string>& paths,
                                                const CatalogLimits& limits = {});

/// Where catalogues are looked for: `explicit_paths` (--catalog) when not empty, else the
/// colon-separated $SMPSHADE_CATALOG, else the installed share/smpshade/pigments, else
/// ./pigments. Returns the paths of the first source that gives any.
SMPSHADE_API std::vector<std::string> catalog_search_path(
    const std::vector<std::string>& explicit_paths);

/// Loads a catalogue from text already in memory (`name` is how messages call it). The same
/// checks and limits as load_catalog; for callers that do not read files (fuzzers, tests).
SMPSHADE_API Catalog load_catalog_text(std::string_view text, const std::string& name,
                                       const CatalogLimits& limits = {});

/// The catalogue files at `paths`: files as given, folders expanded to their *.yaml / *.yml
/// files in name order (not recursively).
SMPSHADE_API std::vector<std::string> catalog_files(const std::vector<std::string>& paths);

/// Throws InputError at the second pigment that reuses an id, naming where the first one is.
SMPSHADE_API void check_unique_ids(const std::vector<Catalog>& catalogs);

/// The pigment with `id` in `catalogs`, or nullptr; `catalog` (when given) is set to the one
/// that holds it.
SMPSHADE_API const Pigment* find_pigment(const std::vector<Catalog>& catalogs, std::string_view id,
                                         const Catalog** catalog = nullptr);

/// The Lab of a measured colour relative to the measurement's illuminant: its `lab` when given,
/// else the Lab of its spectrum under the measurement's illuminant and observer.
SMPSHADE_API Lab measured_lab(const MeasuredColour& colour, const Measurement& measurement);

/// A ladder step's parts as written in recipes and record ids: "1:3", "2:9", "1:2.5".
SMPSHADE_API std::string parts_ratio(double ink_parts, double diluent_parts);

}  // namespace smpshade
