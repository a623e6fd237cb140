#pragma once
/// @file match.hpp
/// Shade formulation (SPEC 2.6): for a target colour, the ink + diluent recipes in whole parts
/// whose prediction comes closest in CIEDE2000: on card by single-layer Kubelka–Munk, healed in
/// skin by the layered skin model of skin.hpp; and, for hair darker than any healed dot, the
/// density of dots at which the treated scalp looks like the hair over the scalp.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smpshade/catalog.hpp"
#include "smpshade/colour.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/export.hpp"
#include "smpshade/km.hpp"
#include "smpshade/recipe.hpp"
#include "smpshade/records.hpp"
#include "smpshade/skin.hpp"

namespace smpshade {

struct MatchOptions {
  int max_pigments = 2;    ///< inks in a recipe, 1..3
  int max_parts = 24;      ///< all parts (ink and diluent) of a recipe, at most
  int top = 3;             ///< distinct recipes returned (same inks must differ by ≥ 0.3 ΔE00)
  double tolerance = 2.0;  ///< ΔE00 above which the best recipe is "not reachable"
  /// Healed predictions: the layered skin model's parameters (per target they may be replaced,
  /// MatchTarget::healing), and how records name where they came from.
  HealingParameters healing;
  std::string healing_model = "defaults";
  std::optional<double> coverage;  ///< share of scalp area in healed dots, for the overall look
  double yule_nielsen_n = 2.0;
  /// Density planning: at most this share of the scalp's area in dots.
  double max_density = 0.5;
  White white = White::D50;  ///< white of targets, skin and predictions
  /// The fitted healing model's 90 % held-out ΔE00, quoted with healed predictions.
  std::optional<double> healing_uncertainty_de00;
  /// The cup a recipe is drawn up for (ml of ink and diluent) and one drop (ml): each line in
  /// ml and drops, and the slip robustness is judged by (one drop, or one part if larger).
  double cup_ml = kDefaultCupMl;
  double drop_ml = kDefaultDropMl;
};

/// What to match: a target colour, and what is known of the skin it heals in.
struct MatchTarget {
  Lab lab;
  std::optional<Lab> skin;          ///< healed in this skin; on card without it
  std::optional<double> coverage;   ///< the hair's share of the region's area (smp-measure)
  std::optional<HealingParameters> healing;  ///< this client's parameters, else the options'
};

/// One proposed recipe and what it is predicted to look like.
struct Recipe {
  std::vector<RecipePart> parts;  ///< inks first (most parts first), then the diluent if any
  std::string ratio;              ///< "2:9", "3:1:12" (inks, then diluent)
  Lab predicted;                  ///< the dot on card or healed in skin
  De2000 difference;              ///< the dot against the target
  std::optional<Lab> overall;     ///< skin with a share of dots (`coverage` or `density`)
  std::optional<double> density;  ///< planned share of scalp area in dots (matches overall)
  std::optional<De2000> overall_difference;  ///< the overall look against the region's
  /// How far the dot's prediction moves (ΔE00, the largest) when one ink is off by one drop of
  /// the cup, or one part if that is more: what a shaky hand can do to it.
  double robustness_de00 = 0;
  /// The figure the recipes were ranked by: for density plans the overall look's ΔE00 lightness
  /// first plus a quarter of the dot's (lightness first); else the dot's ΔE00 (lightness first
  /// when nothing reaches the target).
  double rank_de00 = 0;
  /// The share of scalp in dots `overall` is predicted at, for a dot match (the target's coverage
  /// or MatchOptions::coverage).
  std::optional<double> coverage;
  bool illustrative = false;  ///< an ink of it is from an illustrative catalogue
};

struct MatchResult {
  Lab target;
  std::optional<Lab> skin;  ///< set when predicting healed
  bool healed = false;
  /// True when the hair is darker than any healed dot can be: recipes are then planned by
  /// density and ranked by how the treated scalp's overall look matches `region`.
  bool matches_overall = false;
  std::optional<Lab> region;     ///< the region's overall look: hair at its coverage over skin
  std::optional<double> hair_coverage;
  bool lightness_first = false;  ///< ranked with kC = kH = 2 as nothing reached the target
  bool reachable = false;        ///< best ΔE00 (dot, or overall) within tolerance
  HealingParameters healing;     ///< the parameters the healed predictions used
  std::vector<Recipe> recipes;   ///< best first
  /// The best-scoring recipe the search found, before the preferences for fewer inks, fewer
  /// parts and a steadier hand chose `recipes` (often recipes[0] itself).
  std::optional<Recipe> closest;
  /// Whole-part recipes the search scored, and how many of them were left out as look-alikes
  /// of a proposal (ΔE00 under 0.3, or under 1.0 with the same inks): why `recipes` may hold
  /// fewer than `top` (counted in full then; otherwise only those the choice looked at).
  std::size_t recipes_scored = 0;
  std::size_t look_alikes = 0;
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

  /// Best recipes for `target`, on card when it has no skin, healed in that skin otherwise.
  /// Throws InputError when target or skin is not a reflectance colour.
  MatchResult match(const MatchTarget& target) const;
  MatchResult match(const Lab& target, const std::optional<Lab>& skin = std::nullopt) const {
    return match(MatchTarget{target, skin, std::nullopt, std::nullopt});
  }

  const std::vector<PigmentModel>& pigments() const;
  const MatchOptions& options() const;

  /// The predicted colour of one given recipe (ink parts per pigment id, diluent parts), on
  /// card, or healed in `skin` with `healing` (else the options' parameters).
  Lab predict(const std::vector<std::pair<std::string, int>>& inks, int diluent_parts,
              const std::optional<Lab>& skin = std::nullopt,
              const std::optional<HealingParameters>& healing = std::nullopt) const;
  /// The same for a recipe as records carry it; throws InputError naming an unknown ink (with
  /// the closest id).
  Lab predict(const std::vector<RecipePart>& recipe, const std::optional<Lab>& skin,
              const std::optional<HealingParameters>& healing = std::nullopt) const;
  /// A recipe in one skin resolved once (the skin's optics, the recipe's K/S in the cup), to be
  /// predicted under many healing parameters (smp-heal fit). Throws InputError as predict().
  struct HealedCase {
    std::shared_ptr<const SkinOptics> skin;
    struct Ink {
      std::string id;
      double share = 0;  ///< of the recipe's inks (not of all parts)
      Bands ks{};        ///< K/S in the cup: its share of all parts times its unit K/S
    };
    std::vector<Ink> inks;
  };
  HealedCase healed_case(const std::vector<RecipePart>& recipe, const Lab& skin) const;
  /// The healed colour of `c` with `healing`: predict(recipe, skin, healing) without resolving
  /// the recipe and the skin again.
  Lab predict(const HealedCase& c, const HealingParameters& healing) const;
  /// The darkest L* any single ink of the catalogue heals to in `skin`, undiluted.
  double darkest_healed_lightness(const Lab& skin, const HealingParameters& healing) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The recipe as a technician says it: "2 parts Jet + 9 parts distilled water".
inline std::string recipe_in_words(const Recipe& recipe) {
  return recipe_parts_in_words(recipe.parts);
}

/// The match record of SPEC 2.6 (kind match) for recipe `rank` (1-based) of `result`, about the
/// target `who`; `model` names the healing model and any refinement ("" for the options').
SMPSHADE_API Record match_record(const RecordIdentity& who, int rank, const MatchResult& result,
                                 const MatchOptions& options, const std::string& model = "");
/// The short row `--format table` shows: rank, recipe in words, ratio, the lines in ml and in
/// drops for the options' cup, what is predicted (card or healed, dot or overall), predicted,
/// ΔE00, robustness, and the figure that ranked when it is not the dot's ΔE00.
SMPSHADE_API Record match_table_row(const std::string& id, int rank, const MatchResult& result,
                                    const MatchOptions& options);

/// The session plan for a target (smpshade-records(5), plan records): session 1 lighter and
/// sparser than the match (its rank 1 with a third more diluent, the ink at kFirstSessionStrength
/// of its share, at kFirstSessionDensity of the planned density), or, for a client whose earlier
/// session healed, the next session corrected by it (the refined match's rank 1, with what the
/// earlier session was predicted to heal to and did).
struct SessionPlan {
  int session = 1;
  std::vector<RecipePart> recipe;  ///< named, inks first
  std::string ratio;
  Lab predicted;                   ///< the dot, healed (or on card)
  bool healed = false;
  std::optional<double> density;   ///< share of scalp in dots (planned), when healed
  bool illustrative = false;
  std::string basis;  ///< how it was made, in words
  /// The earlier session that corrects this one: its outcome, what the clinic's model predicted
  /// it to heal to, and the retention before and after the client's refinement.
  struct Previous {
    std::string id;
    std::vector<RecipePart> recipe;
    Lab predicted, healed;
    double de00 = 0;
    double retention_before = 0, retention_after = 0;
  };
  std::optional<Previous> previous;
};
inline constexpr double kFirstSessionStrength = 0.75;
inline constexpr double kFirstSessionDensity = 0.7;

/// Session 1's plan from `result` (its rank 1), predicted with the parameters `result` used.
/// Throws ArgumentError when `result` has no recipe.
SMPSHADE_API SessionPlan plan_first_session(const Matcher& matcher, const MatchResult& result);
/// The plan record (kind plan) of `plan` for the target `who`.
SMPSHADE_API Record plan_record(const RecordIdentity& who, const SessionPlan& plan,
                                const MatchResult& result, const MatchOptions& options,
                                const std::string& model);

/// A plan record read back (smp-heal outcome --plan, smp-report).
struct PlanEntry {
  RecordIdentity who;
  int session = 1;
  std::optional<Lab> skin;
  Lab target;
  bool healed = false;
  std::vector<RecipePart> recipe;
  std::string ratio;
  Lab predicted;
  std::optional<double> density;
  bool illustrative = false;
  std::string basis;
  std::string model;
  std::optional<SessionPlan::Previous> previous;
  White white = White::D50;
  Location where;
};
/// Reads one plan record; InputError at `where` naming the field when one is missing or wrong.
SMPSHADE_API PlanEntry parse_plan_record(std::string_view line, const Location& where);

/// A match record read back (smp-render, smp-heal predict): what the record says, in its own
/// white (`white`).
struct MatchEntry {
  std::string id;
  std::string client, part;  ///< "" when the record does not say
  std::string source;        ///< the photo the target was measured in, when the record says
  std::optional<int> session;
  bool illustrative = false;
  std::optional<double> uncertainty_de00;
  int rank = 0;  ///< 0 when the record has none
  Lab target;
  std::optional<Lab> skin;
  bool healed = false;
  std::vector<RecipePart> recipe;
  std::string ratio;
  Lab predicted;
  double de00 = 0;
  bool reachable = true;
  std::string matches = "dot";  ///< "dot" or "overall"
  std::optional<double> coverage, density;
  std::optional<Lab> overall;
  std::string model;
  std::optional<double> cup_ml, drop_ml;  ///< the cup the record's ml and drops are for
  std::optional<double> robustness_de00;
  std::optional<double> overall_de00;
  std::optional<double> rank_de00;  ///< the figure that ranked it
  std::vector<std::string> warnings;  ///< the measurement's, carried through smp-match
  White white = White::D50;
  Location where;
};

/// Reads one JSON Lines match record (smpshade-records(5)). Returns false when `line` is not a
/// match record (its kind is not match); throws InputError at `where` naming the field when it
/// is one but a field is missing or wrong.
SMPSHADE_API bool parse_match_record(std::string_view line, const Location& where,
                                     MatchEntry& entry);

/// Which records of a stream are skin, and which skin each target heals in: a record whose
/// part is "scalp" (else whose region, else id, is "scalp" or ends in "/scalp") is skin for the
/// records of the same client (else source) and region prefix ("crown/scalp" for "crown/hair"),
/// else for every record of its client (else source).
struct SkinPairing {
  std::vector<bool> is_skin;             ///< per record: a scalp record, not a target
  std::vector<std::optional<Lab>> skin;  ///< per record: its skin (in `white`), if any
};
SMPSHADE_API SkinPairing pair_skin(const std::vector<LabEntry>& records, White white);

}  // namespace smpshade
