#pragma once
/// @file match.hpp
/// Shade formulation (SPEC 2.6): for a target colour, the ink + diluent recipes in whole parts
/// whose Kubelka–Munk prediction comes closest in CIEDE2000, on card or healed in skin.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smpshade/catalog.hpp"
#include "smpshade/colour.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/export.hpp"
#include "smpshade/km.hpp"
#include "smpshade/records.hpp"

namespace smpshade {

struct MatchOptions {
  int max_pigments = 2;    ///< inks in a recipe, 1..3
  int max_parts = 24;      ///< all parts (ink and diluent) of a recipe, at most
  int top = 3;             ///< distinct recipes returned (same inks must differ by ≥ 0.3 ΔE00)
  double tolerance = 2.0;  ///< ΔE00 above which the best recipe is "not reachable"
  double deposit = 1.0;    ///< healed: the share of the cup's concentration left in skin
  std::optional<double> coverage;  ///< share of scalp area in healed dots, for the overall look
  double yule_nielsen_n = 2.0;
  White white = White::D50;  ///< white of targets, skin and predictions
};

/// One line of a recipe.
struct RecipePart {
  std::string id;
  std::string name;
  bool is_diluent = false;
  int parts = 0;
};

/// One proposed recipe and what it is predicted to look like.
struct Recipe {
  std::vector<RecipePart> parts;  ///< inks first (most parts first), then the diluent if any
  std::string ratio;              ///< "2:9", "3:1:12" (inks, then diluent)
  Lab predicted;                  ///< the dot on card or healed in skin
  De2000 difference;              ///< predicted against the target
  std::optional<Lab> overall;     ///< skin with `coverage` of dots (when asked)
};

struct MatchResult {
  Lab target;
  std::optional<Lab> skin;  ///< set when predicting healed
  bool healed = false;
  bool reachable = false;       ///< best ΔE00 within tolerance
  std::vector<Recipe> recipes;  ///< best first
};

/// The formulation engine over a set of catalogues: pigments fitted once, then any number of
/// targets matched. match() is const and may run on many threads at once.
class SMPSHADE_API Matcher {
 public:
  /// Fits every pigment of `catalogs` (throws InputError naming the pigment when one cannot be
  /// fitted, ArgumentError for options out of range). Card predictions use the first
  /// catalogue's substrate and Saunderson constants.
  Matcher(const std::vector<Catalog>& catalogs, MatchOptions options);
  ~Matcher();
  Matcher(Matcher&&) noexcept;

  /// Best recipes for `target`, on card when `skin` is empty, healed in that skin otherwise.
  /// Throws InputError when target or skin is not a reflectance colour.
  MatchResult match(const Lab& target, const std::optional<Lab>& skin = std::nullopt) const;

  const std::vector<PigmentModel>& pigments() const;
  const MatchOptions& options() const;

  /// The predicted colour of one given recipe (ink parts per pigment id, diluent parts).
  Lab predict(const std::vector<std::pair<std::string, int>>& inks, int diluent_parts,
              const std::optional<Lab>& skin = std::nullopt) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The recipe as a technician says it: "2 parts Jet + 9 parts distilled water".
SMPSHADE_API std::string recipe_in_words(const Recipe& recipe);

/// The match record of SPEC 2.6 for recipe `rank` (1-based) of `result`.
SMPSHADE_API Record match_record(const std::string& id, int rank, const MatchResult& result,
                                 const MatchOptions& options);
/// The short row `--format table` shows: rank, recipe in words, ratio, predicted, ΔE00.
SMPSHADE_API Record match_table_row(const std::string& id, int rank, const MatchResult& result);

/// Which records of a stream are skin, and which skin each target heals in: a record whose
/// region (else id) is "scalp" or ends in "/scalp" is skin for the records of the same source
/// and region prefix ("crown/scalp" for "crown/hair"), else for every record of its source.
struct SkinPairing {
  std::vector<bool> is_skin;             ///< per record: a scalp record, not a target
  std::vector<std::optional<Lab>> skin;  ///< per record: its skin (in `white`), if any
};
SMPSHADE_API SkinPairing pair_skin(const std::vector<LabEntry>& records, White white);

}  // namespace smpshade
