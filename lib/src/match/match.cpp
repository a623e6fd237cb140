#include "smpshade/match.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>
#include <string>

#include "core/linalg.hpp"
#include "smpshade/error.hpp"
#include "smpshade/suggest.hpp"

namespace smpshade {

namespace {

// How many pigments go on from single-pigment screening to pair and triple screening, and how
// many pigment sets of each size are refined. Screening is a linear least-squares fit in K/S
// space; refinement is the real ΔE00. These bounds keep a 200-pigment catalogue within the
// SPEC's 2 ms (pairs) / 20 ms (triples) a target; a set that misses them scores worse in K/S
// than dozens of others, so it would not have been among the best recipes anyway.
constexpr std::size_t kScreenPool = 48;
constexpr std::size_t kRefineSingles = 4;
constexpr std::size_t kRefineAllSinglesUpTo = 32;
constexpr std::size_t kRefineAllPairsUpTo = 8;
constexpr std::size_t kRefinePairs = 4;
constexpr std::size_t kRefineTriples = 3;
constexpr std::size_t kPairsExtendedToTriples = 16;
// Two recipes whose predictions differ by less than this ΔE00 look the same.
constexpr double kSameLook = 0.3;
// The same inks in another ratio are an alternative only when they look clearly different.
constexpr double kSameInksApart = 1.0;
// Overall matching: a hair this much lighter (L*) than the darkest healed dot or less is still
// matched dot for dot.
constexpr double kDensityMargin = 1.0;
// Density planning ranks by the overall look's lightness-first ΔE00 to the region's plus this
// share of the dot's lightness-first ΔE00 to the hair: the dot that reads most like the hair
// close up (the darkest, the most neutral for black stubble) wins among plans alike from afar.
constexpr double kDarkestDotWeight = 0.15;
// When nothing reaches the target, lightness first: chroma and hue differences count half.
constexpr De2000Weights kLightnessFirst{1.0, 2.0, 2.0};
// ...and the ink sets within this (lightness-first) ΔE00 of the best are refined again under
// that weighting. On the oracle test's targets the change of weighting moved a set's best by at
// most 1.43; twice that keeps a margin.
constexpr double kRefocusWindow = 3.0;
// Recipes whose ΔE00 to the target differ by less than this are told apart by nobody: under 1,
// observers do not notice a difference (Mokrzycki & Tatol, "Colour difference ΔE: a survey",
// Machine Graphics & Vision 20(4), 2011). Within it, fewer inks are preferred (see propose).
constexpr double kJustNoticeable = 1.0;
// Recipes of as many inks whose dots look the same (within kSameLook of each other) and that
// score within kSteadyScore of each other are one proposal; of them the steadiest (their dot
// moves least under a slip of one drop or one part, within kSteadierBy ΔE00) and then the fewest
// parts is proposed. The score window is a tenth of a ΔE00 so that an exact recipe is never
// traded for a visibly worse one. At most kSteadyCandidates alternatives are weighed.
constexpr double kSteadyScore = 0.1;
constexpr double kSteadierBy = 0.1;
constexpr std::size_t kSteadyCandidates = 16;
// Each ink's best dilution on its own is exact within this ΔE00 of the best recipe known (and
// only then a candidate): the fewer-inks window, so no single ink the preference would choose
// is missed; narrow enough that 200 inks far from the target cost little.
constexpr double kSingleInkWindow = kJustNoticeable;
// Rounding to whole parts is polished on the best recipe of up to this many ink sets (every set
// a catalogue of up to 8 inks refines; the walk also rescues a pair whose refinement stalled in
// a valley of near-equal colours), by a walk of at most this many steps.
constexpr std::size_t kPolishedSets = 64;
constexpr int kPolishSteps = 24;
// Skin optics kept for repeated skins (every target of a photo shares one).
constexpr std::size_t kSkinCacheSize = 256;

struct Candidate {
  std::vector<std::size_t> pigments;  // indices, ascending
  std::vector<double> concentrations;
  double residual = 0;
};

// Weighted linear least squares for up to 3 columns through the origin; false unless every
// coefficient is positive (a pigment with a non-positive share does not belong to the set).
bool positive_least_squares(const std::vector<std::size_t>& set,
                            const std::vector<std::vector<double>>& gram,
                            const std::vector<double>& projection, std::vector<double>& out) {
  const std::size_t k = set.size();
  double a[9], b[3];
  for (std::size_t i = 0; i < k; ++i) {
    b[i] = projection[set[i]];
    for (std::size_t j = 0; j < k; ++j) a[i * k + j] = gram[set[i]][set[j]];
  }
  if (!detail::solve_linear_in_place(a, b, k)) return false;
  out.assign(b, b + k);
  return std::all_of(out.begin(), out.end(), [](double c) { return c > 0; });
}

}  // namespace

struct Matcher::Impl {
  MatchOptions options;
  std::vector<PigmentModel> pigments;
  GridColorimetry colorimetry{White::D50};
  Optics card;
  Saunderson saunderson;
  Bands visual_weight{};  // x̄² + ȳ² + z̄² per band: how much a reflectance change shows
  // Every whole-part single-ink dilution within max_parts, reduced (ink, diluent), weakest
  // first; and each pigment's colour on card at each (a pigment's L* falls as it strengthens).
  std::vector<std::pair<int, int>> dilutions;
  std::vector<std::vector<Lab>> card_dilution_lab;

  mutable std::mutex skin_cache_mutex;
  mutable std::map<std::array<double, 3>, std::shared_ptr<const SkinOptics>> skin_cache;

  // Where a recipe is predicted: on the catalogue's card (single-layer Kubelka–Munk), or healed
  // in one client's skin (the layered skin model). `optics` and `screen_scale` serve only the
  // linear screening, which treats the skin as a substrate under single-layer optics.
  struct Setup {
    Optics optics;
    double screen_scale = 1.0;
    bool healed = false;
    std::shared_ptr<const SkinOptics> skin;
    std::optional<SkinModel> model;
    // Healed: each pigment's strength in skin (HealingParameters::ink_strength); empty for 1.
    std::vector<double> ink_scale;
    double scale(std::size_t p) const { return ink_scale.empty() ? 1.0 : ink_scale[p]; }
    // Healed with a learned correction: it, and each pigment's place among its inks (or -1).
    HealedCorrection correction;
    std::vector<int> correction_ink;
  };

  std::shared_ptr<const SkinOptics> skin_optics(const Lab& skin) const {
    const std::array<double, 3> key{skin.l, skin.a, skin.b};
    {
      std::lock_guard<std::mutex> lock(skin_cache_mutex);
      if (auto it = skin_cache.find(key); it != skin_cache.end()) return it->second;
    }
    auto optics = std::make_shared<const SkinOptics>(skin_optics_from_lab(skin, colorimetry));
    std::lock_guard<std::mutex> lock(skin_cache_mutex);
    if (skin_cache.size() >= kSkinCacheSize) skin_cache.clear();
    skin_cache.emplace(key, optics);
    return optics;
  }

  Setup setup(const std::optional<Lab>& skin, const HealingParameters& healing) const {
    Setup s{card, 1.0, false, nullptr, std::nullopt, {}, {}, {}};
    if (skin) {
      s.skin = skin_optics(*skin);
      s.model.emplace(*s.skin, healing);
      s.optics = optics_for_substrate(s.skin->reflectance, saunderson);
      s.screen_scale = healing.retention;
      s.healed = true;
      if (!healing.ink_strength.empty()) {
        for (const PigmentModel& p : pigments) s.ink_scale.push_back(healing.strength_of(p.id));
      }
      if (healing.correction.active()) {
        s.correction = healing.correction;
        for (const PigmentModel& p : pigments) {
          const auto& inks = healing.correction.inks;
          const auto at = std::find(inks.begin(), inks.end(), p.id);
          s.correction_ink.push_back(at == inks.end() ? -1 : static_cast<int>(at - inks.begin()));
        }
      }
    }
    return s;
  }

  Bands reflectance(const Setup& s, const std::vector<std::size_t>& set,
                    const std::vector<double>& concentrations) const {
    if (s.healed) {
      Bands cup_ks{};
      for (std::size_t j = 0; j < set.size(); ++j) {
        const Bands& unit = pigments[set[j]].unit_ks;
        const double c = concentrations[j] * s.scale(set[j]);
        for (int i = 0; i < kBands; ++i) cup_ks[i] += c * unit[i];
      }
      if (!s.correction.active()) return s.model->healed_reflectance(cup_ks);
      // Each correction ink's share of the recipe's inks.
      std::vector<double> shares(s.correction.inks.size(), 0.0);
      const double ink_total = std::accumulate(concentrations.begin(), concentrations.end(), 0.0);
      for (std::size_t j = 0; j < set.size(); ++j) {
        const int at = s.correction_ink[set[j]];
        if (at >= 0 && ink_total > 0) {
          shares[static_cast<std::size_t>(at)] += concentrations[j] / ink_total;
        }
      }
      return corrected_reflectance(s.model->healed_reflectance(cup_ks), s.skin->lab, s.correction,
                                   shares.data());
    }
    PigmentShare shares[3];
    for (std::size_t i = 0; i < set.size(); ++i) {
      shares[i] = {&pigments[set[i]].unit_ks, concentrations[i]};
    }
    return mixture_reflectance(s.optics, shares, set.size());
  }

  Lab predict(const Setup& s, const std::vector<std::size_t>& set,
              const std::vector<double>& concentrations) const {
    return colorimetry.lab(reflectance(s, set, concentrations));
  }

  // What a recipe is scored against: the target dot, or (density planning) the region's overall
  // look, the hair at its coverage over the skin mixed by Yule–Nielsen.
  struct Goal {
    Lab target;
    De2000Weights dot_weights{};  // how refinement weighs the dot's difference to the target
    bool overall = false;
    Bands skin_root{}, region_root{};  // R^(1/n) of the skin and of the region
    Lab region;
    double coverage = 0;
    // A dot match's target coverage: its overall look is predicted at it.
    std::optional<double> dot_coverage;
  };

  // How one recipe's dot fares against the goal.
  struct Score {
    Lab dot;
    De2000 dot_difference;      // plain CIEDE2000, as reported
    De2000 dot_key_difference;  // weighted as the goal ranks it (its de00 is the key, dot for dot)
    std::optional<double> density;
    std::optional<Lab> overall;
    std::optional<De2000> overall_difference;
    double key = 0;  // what ranks it (lower is better)
  };

  // A whole-part recipe and how it scored.
  struct Scored {
    std::vector<std::size_t> pigments;
    std::vector<int> ink_parts;
    int diluent = 0;
    Score score;
    int all_parts() const {
      return std::accumulate(ink_parts.begin(), ink_parts.end(), diluent);
    }
  };
  // Every recipe scored for one target, keyed by its inks and reduced parts (diluent last).
  using RecipeMap = std::map<std::pair<std::vector<std::size_t>, std::vector<int>>, Scored>;

  Score score(const Setup& s, const Goal& goal, const Bands& dot_r) const;
  Goal goal_for(const Setup& s, const MatchTarget& target, double darkest) const;
  double darkest_lightness(const Setup& s) const;

  std::vector<Candidate> screen(const Setup& s, const Lab& target) const;
  // Each pigment's best whole-part dilution on its own, for plain and lightness-first ΔE00.
  void add_best_single_dilutions(const Setup& s, const Goal& goal, RecipeMap& recipes) const;
  double slip_robustness(const Setup& s, const Scored& recipe) const;
  std::vector<const Scored*> propose(const Setup& s, const std::vector<Scored*>& ranked,
                                     std::size_t& look_alikes) const;
  void refine(const Setup& s, const Goal& goal, Candidate& candidate) const;
  void add_whole_part_recipes(const Setup& s, const Goal& goal, std::vector<Candidate> candidates,
                              RecipeMap& recipes) const;
  void polish(const Setup& s, const Goal& goal, RecipeMap& recipes) const;
  // The recipe of the pigments `set` in `parts` (inks, then diluent), reduced by their common
  // divisor (2:18 is 1:9), scored against `goal` unless already in `recipes`.
  RecipeMap::iterator add_recipe(const Setup& s, const Goal& goal,
                                 const std::vector<std::size_t>& set, std::vector<int> parts,
                                 RecipeMap& recipes) const;
  Recipe to_recipe(const Setup& s, const Goal& goal, const Scored& r) const;
};

double Matcher::Impl::darkest_lightness(const Setup& s) const {
  double darkest = 100;
  for (std::size_t p = 0; p < pigments.size(); ++p) {
    darkest = std::min(darkest, predict(s, {p}, {1.0}).l);
  }
  return darkest;
}

// The largest ΔE00 the dot moves when one ink's amount in the cup is off by one drop, or by one
// part of the recipe when a part is more than a drop (the unit it is measured in), up or down;
// the cup's other lines as they were (an ink cannot go below none). A slip that empties the cup
// is not counted: undiluted single ink cannot be spoiled.
double Matcher::Impl::slip_robustness(const Setup& s, const Scored& recipe) const {
  const int all = recipe.all_parts();
  const double part_ml = options.cup_ml / all;
  const double slip = std::max(options.drop_ml, part_ml);
  const std::size_t k = recipe.pigments.size();
  std::vector<double> ml(k);
  for (std::size_t i = 0; i < k; ++i) ml[i] = part_ml * recipe.ink_parts[i];
  const double diluent_ml = part_ml * recipe.diluent;
  const Lab dot = recipe.score.dot;
  double worst = 0;
  for (std::size_t i = 0; i < k; ++i) {
    for (const double sign : {-1.0, 1.0}) {
      std::vector<double> slipped = ml;
      slipped[i] = std::max(0.0, slipped[i] + sign * slip);
      const double inks = std::accumulate(slipped.begin(), slipped.end(), 0.0);
      if (!(inks + diluent_ml > 1e-12)) continue;
      std::vector<double> c(k);
      for (std::size_t j = 0; j < k; ++j) c[j] = slipped[j] / (inks + diluent_ml);
      worst = std::max(worst, ciede2000(dot, predict(s, recipe.pigments, c)));
    }
  }
  return worst;
}

// The proposals, from the recipes ranked best first. Each is chosen from those not alike to one
// already proposed (their dots within kSameLook ΔE00, or kSameInksApart with the same inks: no
// alternative for the technician, whatever the inks: 23 parts Jet + 1 part Chestnut is Jet):
//  1. fewer inks: the fewest inks any recipe has within kJustNoticeable of the best (a recipe
//     nobody can tell from the best is easier to mix with one ink less), and of those inks the
//     best recipe;
//  2. a steady hand (issue 17): of the recipes of as many inks that look the same as it (within
//     kSameLook) and score within kSteadyScore, those whose slip robustness is within
//     kSteadierBy of the steadiest are as steady;
//  3. fewer parts: of those, the fewest parts in all, then the best score.
std::vector<const Matcher::Impl::Scored*> Matcher::Impl::propose(const Setup& s,
                                                                 const std::vector<Scored*>& ranked,
                                                                 std::size_t& look_alikes) const {
  std::vector<const Scored*> proposed;
  // Whether ranked[i] is a proposal or alike to one, checked only as far as the scans below
  // reach (they stop early: comparing every recipe scored with every proposal would cost more
  // than the search). checked[i]: how many proposals ranked[i] has been compared with.
  std::vector<char> alike(ranked.size(), 0);
  std::vector<std::size_t> checked(ranked.size(), 0);
  auto excluded = [&](std::size_t i) {
    for (; !alike[i] && checked[i] < proposed.size(); ++checked[i]) {
      const Scored* p = proposed[checked[i]];
      const double apart = ciede2000(p->score.dot, ranked[i]->score.dot);
      alike[i] = ranked[i] == p || apart < kSameLook ||
                 (ranked[i]->pigments == p->pigments && apart < kSameInksApart);
    }
    return alike[i] != 0;
  };
  std::map<const Scored*, double> robustness;
  auto robust = [&](const Scored* r) {
    auto it = robustness.find(r);
    if (it == robustness.end()) it = robustness.emplace(r, slip_robustness(s, *r)).first;
    return it->second;
  };
  std::size_t scanned = 0;  // every recipe before this one has been checked against all
  while (static_cast<int>(proposed.size()) < options.top) {
    std::size_t best = scanned;
    while (best < ranked.size() && excluded(best)) ++best;
    scanned = best;
    if (best == ranked.size()) break;
    std::size_t inks = ranked[best]->pigments.size();
    for (std::size_t i = best; i < ranked.size(); ++i) {
      if (ranked[i]->score.key >= ranked[best]->score.key + kJustNoticeable) break;
      if (!excluded(i)) inks = std::min(inks, ranked[i]->pigments.size());
    }
    std::size_t lead = best;
    while (excluded(lead) || ranked[lead]->pigments.size() != inks) ++lead;
    std::vector<const Scored*> equals;
    for (std::size_t i = lead; i < ranked.size() && equals.size() <= kSteadyCandidates; ++i) {
      const Scored* r = ranked[i];
      if (r->score.key >= ranked[lead]->score.key + kSteadyScore) break;
      if (!excluded(i) && r->pigments.size() == inks &&
          ciede2000(ranked[lead]->score.dot, r->score.dot) < kSameLook) {
        equals.push_back(r);
      }
    }
    double steadiest = HUGE_VAL;
    for (const Scored* r : equals) steadiest = std::min(steadiest, robust(r));
    const Scored* choice = nullptr;
    for (const Scored* r : equals) {  // best score first, so ties keep the better
      if (robust(r) > steadiest + kSteadierBy) continue;
      if (!choice || r->all_parts() < choice->all_parts()) choice = r;
    }
    proposed.push_back(choice);
  }
  // Counted in full when fewer than `top` were found (all the others are alike, and the note
  // says so); else those the scans met.
  const bool short_of_top = static_cast<int>(proposed.size()) < options.top;
  look_alikes = 0;
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    look_alikes += (short_of_top ? excluded(i) : alike[i] != 0) ? 1 : 0;
  }
  look_alikes -= std::min(look_alikes, proposed.size());
  return proposed;
}

Matcher::Impl::Goal Matcher::Impl::goal_for(const Setup& s, const MatchTarget& target,
                                            double darkest) const {
  Goal goal;
  goal.target = target.lab;
  goal.dot_coverage = target.coverage;
  if (!s.healed || !target.coverage || target.lab.l >= darkest - kDensityMargin) return goal;
  const double n = options.yule_nielsen_n;
  const Bands hair = colorimetry.reflectance_from_lab(target.lab);
  const Bands region = yule_nielsen_reflectance(s.skin->reflectance, hair, *target.coverage, n);
  for (int i = 0; i < kBands; ++i) {
    goal.skin_root[i] = std::pow(s.skin->reflectance[i], 1.0 / n);
    goal.region_root[i] = std::pow(region[i], 1.0 / n);
  }
  goal.region = colorimetry.lab(region);
  goal.coverage = *target.coverage;
  goal.overall = true;
  return goal;
}

Matcher::Impl::Score Matcher::Impl::score(const Setup& s, const Goal& goal,
                                          const Bands& dot_r) const {
  Score out;
  out.dot = colorimetry.lab(dot_r);
  out.dot_difference = ciede2000_breakdown(goal.target, out.dot);
  const De2000Weights& w = goal.dot_weights;
  out.dot_key_difference = w.kl == 1 && w.kc == 1 && w.kh == 1
                               ? out.dot_difference
                               : ciede2000_breakdown(goal.target, out.dot, w);
  out.key = out.dot_key_difference.de00;
  if (!goal.overall) return out;
  // The density A at which the treated scalp is as light as the region (luminance Y): what dot
  // density controls is how dark the scalp reads; the ink's hue is the recipe's. With the
  // Yule–Nielsen mix, mix^(1/n) = skin^(1/n) + A (dot^(1/n) − skin^(1/n)) per band, so Y(A) is
  // monotone in A; solved by Newton's method from A = 0.5 and held to 0..max_density.
  const double n = options.yule_nielsen_n;
  const Bands& y_weight = colorimetry.weights()[1];
  Bands dot_root{};
  double region_y = 0;
  for (int i = 0; i < kBands; ++i) {
    dot_root[i] = std::pow(dot_r[i], 1.0 / n);
    region_y += y_weight[i] * std::pow(goal.region_root[i], n);
  }
  auto luminance = [&](double a, double& slope) {
    double y = 0;
    slope = 0;
    for (int i = 0; i < kBands; ++i) {
      const double step = dot_root[i] - goal.skin_root[i];
      const double root = std::max(goal.skin_root[i] + a * step, 1e-9);
      const double value = std::pow(root, n);
      y += y_weight[i] * value;
      slope += y_weight[i] * n * value / root * step;
    }
    return y;
  };
  double density = 0.5;
  for (int iteration = 0; iteration < 12; ++iteration) {
    double slope = 0;
    const double y = luminance(density, slope);
    if (!(std::fabs(slope) > 1e-12)) break;
    const double next = std::clamp(density - (y - region_y) / slope, 0.0, 1.0);
    if (std::fabs(next - density) < 1e-6) {
      density = next;
      break;
    }
    density = next;
  }
  density = std::clamp(density, 0.0, options.max_density);
  Bands mix{};
  for (int i = 0; i < kBands; ++i) {
    mix[i] = std::pow(goal.skin_root[i] + density * (dot_root[i] - goal.skin_root[i]), n);
  }
  out.density = density;
  out.overall = colorimetry.lab(mix);
  out.overall_difference = ciede2000_breakdown(goal.region, *out.overall);
  (void)s;
  // Planning density, the dot never reaches the hair, so the two looks are weighed lightness
  // first: the overall look from a distance, and (a quarter) the dot close up against the hair.
  // A warm dot that only matches the skin's hue leaking into the overall look does not beat a
  // black one for black stubble.
  out.key = ciede2000(goal.region, *out.overall, kLightnessFirst) +
            kDarkestDotWeight * ciede2000(goal.target, out.dot, kLightnessFirst);
  return out;
}

std::vector<Candidate> Matcher::Impl::screen(const Setup& s, const Lab& target) const {
  // The K/S the target needs on top of the substrate, from its recovered reflectance.
  const Bands target_r = colorimetry.reflectance_from_lab(target);
  const Saunderson& su = s.optics.saunderson;
  Bands needed{}, weight{};
  double total = 0;
  for (int i = 0; i < kBands; ++i) {
    const double r_inf = saunderson_inverse(target_r[i], su);
    const double ks = ks_from_reflectance(r_inf);
    needed[i] = ks - s.optics.substrate_ks[i];
    // Weight by (dR/dK/S)², linearising reflectance error, times how visible the band is.
    const double d_rinf = 1.0 - (ks + 1.0) / std::sqrt(ks * ks + 2.0 * ks);
    const double d_saunderson =
        (1.0 - su.k1) * (1.0 - su.k2) / ((1.0 - su.k2 * r_inf) * (1.0 - su.k2 * r_inf));
    const double slope = d_rinf * d_saunderson;
    weight[i] = visual_weight[i] * slope * slope;
    total += weight[i] * needed[i] * needed[i];
  }

  const std::size_t count = pigments.size();
  std::vector<double> projection(count), self(count);
  std::vector<Candidate> singles;
  for (std::size_t p = 0; p < count; ++p) {
    double b = 0, g = 0;
    for (int i = 0; i < kBands; ++i) {
      const double column = s.screen_scale * s.scale(p) * pigments[p].unit_ks[i];
      b += weight[i] * column * needed[i];
      g += weight[i] * column * column;
    }
    projection[p] = b;
    self[p] = g;
    // A pigment that would have to be removed still gets its weakest dilution considered.
    const double c = g > 0 ? std::max(b / g, 1e-3) : 1e-3;
    singles.push_back({{p}, {c}, b > 0 && g > 0 ? total - b * b / g : total});
  }
  auto by_residual = [](const Candidate& a, const Candidate& b) {
    return a.residual != b.residual ? a.residual < b.residual : a.pigments < b.pigments;
  };
  std::sort(singles.begin(), singles.end(), by_residual);

  // A small catalogue has every ink refined on its own: a single ink must never be missed for a
  // screening that, in K/S space, cannot see what the eye sees (e.g. a black ink for a dark
  // target on skin). Large catalogues refine the best kRefineSingles.
  const std::size_t refined_singles =
      count <= kRefineAllSinglesUpTo ? singles.size() : std::min(kRefineSingles, singles.size());
  std::vector<Candidate> chosen(singles.begin(), singles.begin() + refined_singles);
  if (options.max_pigments < 2 || count < 2) return chosen;

  // Pairs and triples among the best single pigments.
  std::vector<std::size_t> pool;
  for (std::size_t i = 0; i < std::min(kScreenPool, singles.size()); ++i) {
    pool.push_back(singles[i].pigments[0]);
  }
  std::sort(pool.begin(), pool.end());
  std::vector<std::vector<double>> gram(count);
  for (std::size_t p : pool) gram[p].assign(count, 0.0);
  for (std::size_t a = 0; a < pool.size(); ++a) {
    for (std::size_t b = a; b < pool.size(); ++b) {
      double g = 0;
      for (int i = 0; i < kBands; ++i) {
        g += weight[i] * pigments[pool[a]].unit_ks[i] * pigments[pool[b]].unit_ks[i];
      }
      g *= s.screen_scale * s.screen_scale * s.scale(pool[a]) * s.scale(pool[b]);
      gram[pool[a]][pool[b]] = gram[pool[b]][pool[a]] = g;
    }
  }
  auto fitted = [&](std::vector<std::size_t> set, std::vector<Candidate>& into) {
    std::vector<double> c;
    if (!positive_least_squares(set, gram, projection, c)) return;
    double explained = 0;
    for (std::size_t i = 0; i < set.size(); ++i) explained += c[i] * projection[set[i]];
    into.push_back({std::move(set), std::move(c), total - explained});
  };
  std::vector<Candidate> pairs;
  for (std::size_t a = 0; a < pool.size(); ++a) {
    for (std::size_t b = a + 1; b < pool.size(); ++b) fitted({pool[a], pool[b]}, pairs);
  }
  std::sort(pairs.begin(), pairs.end(), by_residual);
  const std::size_t refined_pairs =
      count <= kRefineAllPairsUpTo ? pairs.size() : std::min(kRefinePairs, pairs.size());
  chosen.insert(chosen.end(), pairs.begin(), pairs.begin() + refined_pairs);
  if (count <= kRefineAllPairsUpTo) {
    // Every pair is refined in a small catalogue, also those the linear screen gives a negative
    // share (healed, or far from the target, K/S-linear is a poor guide): from each ink's own
    // best share with a tenth as much of the other, both ways round, as the optimum may lie
    // near either ink alone.
    std::vector<double> alone(count, 1e-3);
    for (const Candidate& single : singles) alone[single.pigments[0]] = single.concentrations[0];
    for (std::size_t a = 0; a < count; ++a) {
      for (std::size_t b = a + 1; b < count; ++b) {
        chosen.push_back({{a, b}, {alone[a], 0.1 * alone[b]}, 0});
        chosen.push_back({{a, b}, {0.1 * alone[a], alone[b]}, 0});
      }
    }
  }
  if (options.max_pigments < 3) return chosen;

  std::vector<Candidate> triples;
  for (std::size_t i = 0; i < std::min(kPairsExtendedToTriples, pairs.size()); ++i) {
    for (std::size_t p : pool) {
      std::vector<std::size_t> set = pairs[i].pigments;
      if (std::find(set.begin(), set.end(), p) != set.end()) continue;
      set.push_back(p);
      std::sort(set.begin(), set.end());
      const bool seen = std::any_of(triples.begin(), triples.end(),
                                    [&](const Candidate& t) { return t.pigments == set; });
      if (!seen) fitted(set, triples);
    }
  }
  std::sort(triples.begin(), triples.end(), by_residual);
  chosen.insert(chosen.end(), triples.begin(),
                triples.begin() + std::min(kRefineTriples, triples.size()));
  return chosen;
}

// Exact, not screened: whatever the screening keeps, every pigment's best whole-part dilution
// alone is a candidate (issue 18: a black ink's 1:0 must never be missed for a K/S screening
// that cannot see what the eye sees). A pigment's L* falls monotonically with its concentration,
// so the dilution whose L* is nearest the target's is found by bisection, and the walk outwards
// from it stops once |ΔL*|/SL alone (a lower bound of ΔE00, plain or lightness first, as the
// chroma-hue part of CIEDE2000 is never negative) exceeds the best found. On card the colours
// are tabled once per catalogue; healed, computed as needed.
void Matcher::Impl::add_best_single_dilutions(const Setup& s, const Goal& goal,
                                              RecipeMap& recipes) const {
  const Lab& target = goal.target;
  const std::size_t n = dilutions.size();
  // An ink whose dilutions are all over a ΔE00 above the best recipe known cannot be proposed
  // first: its walk stops there, its best dilution seen so far still a candidate. This keeps
  // the search over a 200-ink catalogue within its time budget.
  double known_best = HUGE_VAL;
  for (const auto& entry : recipes) known_best = std::min(known_best, entry.second.score.key);
  std::vector<Lab> healed_lab(s.healed ? n : 0);
  std::vector<char> known(s.healed ? n : 0);
  for (std::size_t p = 0; p < pigments.size(); ++p) {
    std::fill(known.begin(), known.end(), 0);
    auto lab_at = [&](std::size_t i) -> const Lab& {
      if (!s.healed) return card_dilution_lab[p][i];
      if (!known[i]) {
        const auto [ink, diluent] = dilutions[i];
        healed_lab[i] = predict(s, {p}, {static_cast<double>(ink) / (ink + diluent)});
        known[i] = 1;
      }
      return healed_lab[i];
    };
    // The first dilution (weakest first) at least as dark as the target.
    std::size_t lo = 0, hi = n;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (lab_at(mid).l > target.l) lo = mid + 1; else hi = mid;
    }
    double best[2] = {HUGE_VAL, HUGE_VAL};
    std::size_t best_index[2] = {n, n};
    auto bound = [&](const Lab& lab) {
      const double mean = (lab.l + target.l) / 2 - 50;
      return std::fabs(lab.l - target.l) /
             (1 + 0.015 * mean * mean / std::sqrt(20 + mean * mean));
    };
    auto visit = [&](std::size_t i) {
      const Lab& lab = lab_at(i);
      if (bound(lab) > std::min(std::max(best[0], best[1]), known_best + kSingleInkWindow)) {
        return false;
      }
      const double keys[2] = {ciede2000(target, lab), ciede2000(target, lab, kLightnessFirst)};
      for (int w = 0; w < 2; ++w) {
        if (keys[w] < best[w]) {
          best[w] = keys[w];
          best_index[w] = i;
        }
      }
      return true;
    };
    for (std::size_t i = lo; i < n && visit(i); ++i) {}
    for (std::size_t i = lo; i-- > 0 && visit(i);) {}
    known_best = std::min(known_best, best[0]);
    for (int w = 0; w < 2; ++w) {
      const std::size_t i = best_index[w];
      if (i == n || best[w] > known_best + kSingleInkWindow) continue;
      const auto [ink, diluent] = dilutions[i];
      auto key = std::make_pair(std::vector<std::size_t>{p}, std::vector<int>{ink, diluent});
      if (recipes.count(key)) continue;
      Score score;
      score.dot = lab_at(i);
      score.dot_difference = score.dot_key_difference = ciede2000_breakdown(target, score.dot);
      score.key = score.dot_difference.de00;
      recipes.emplace(key, Scored{{p}, {ink}, diluent, score});
    }
  }
}

void Matcher::Impl::refine(const Setup& s, const Goal& goal, Candidate& candidate) const {
  // Levenberg–Marquardt over log concentrations (shares stay positive; the ink may not exceed
  // all parts, Σc ≤ 1) on the weighted CIEDE2000 terms (dL, dC, dH) of the dot, or, planning
  // density, of the overall look plus the dot's lightness gap to the hair (the preference for
  // hair-like dots, as a residual).
  const std::size_t k = candidate.pigments.size();
  std::vector<double> u(k);
  for (std::size_t i = 0; i < k; ++i)
    u[i] = std::log(std::clamp(candidate.concentrations[i], 1e-4, 1.0));
  auto concentrations = [&](const std::vector<double>& logs) {
    std::vector<double> c(k);
    double sum = 0;
    for (std::size_t i = 0; i < k; ++i) sum += (c[i] = std::exp(logs[i]));
    if (sum > 1.0) {
      for (double& v : c) v /= sum;
    }
    return c;
  };
  constexpr int kResiduals = 4;
  using Residuals = std::array<double, kResiduals>;
  auto residual = [&](const std::vector<double>& logs) {
    const Score sc = score(s, goal, reflectance(s, candidate.pigments, concentrations(logs)));
    if (!goal.overall) {
      const De2000& d = sc.dot_key_difference;
      return Residuals{d.dl, d.dc, d.dh, 0.0};
    }
    const De2000& d = *sc.overall_difference;
    return Residuals{d.dl, d.dc, d.dh, 0.1 * (sc.dot.l - goal.target.l)};
  };
  auto cost = [](const Residuals& r) {
    double c = 0;
    for (double v : r) c += v * v;
    return c;
  };

  Residuals r = residual(u);
  double current = cost(r);
  double mu = 1e-3;
  for (int iteration = 0; iteration < 30 && current > 1e-8; ++iteration) {
    double jac[kResiduals][3] = {};  // [residual][variable]
    for (std::size_t j = 0; j < k; ++j) {
      std::vector<double> shifted = u;
      shifted[j] += 1e-5;
      const auto rs = residual(shifted);
      for (int i = 0; i < kResiduals; ++i) jac[i][j] = (rs[i] - r[i]) / 1e-5;
    }
    double jtj[3][3] = {}, jtr[3] = {};
    for (std::size_t a = 0; a < k; ++a) {
      for (int i = 0; i < kResiduals; ++i) jtr[a] += jac[i][a] * r[i];
      for (std::size_t b = 0; b < k; ++b) {
        for (int i = 0; i < kResiduals; ++i) jtj[a][b] += jac[i][a] * jac[i][b];
      }
    }
    bool improved = false;
    for (int attempt = 0; attempt < 8 && !improved; ++attempt) {
      double system[9], step[3];
      for (std::size_t a = 0; a < k; ++a) {
        step[a] = -jtr[a];
        for (std::size_t b = 0; b < k; ++b)
          system[a * k + b] = jtj[a][b] + (a == b ? mu * (jtj[a][a] + 1e-9) : 0.0);
      }
      if (!detail::solve_linear_in_place(system, step, k)) {
        mu *= 4.0;
        continue;
      }
      std::vector<double> trial = u;
      for (std::size_t j = 0; j < k; ++j)
        trial[j] = std::min(0.0, u[j] + std::clamp(step[j], -3.0, 3.0));
      const auto rt = residual(trial);
      if (cost(rt) < current) {
        u = trial;
        r = rt;
        current = cost(rt);
        mu = std::max(mu / 3.0, 1e-9);
        improved = true;
      } else {
        mu *= 4.0;
      }
    }
    if (!improved) break;
  }
  candidate.concentrations = concentrations(u);
}

// Whole-part recipes near each candidate's refined optimum: for every total N ≤ max_parts, each
// ink's parts rounded down and up from c·N (at least 1), the rest diluent. Reduced by their
// common divisor so 2:18 and 1:9 are one recipe.
void Matcher::Impl::add_whole_part_recipes(const Setup& s, const Goal& goal,
                                           std::vector<Candidate> candidates,
                                           RecipeMap& recipes) const {
  for (Candidate& candidate : candidates) {
    refine(s, goal, candidate);
    const std::size_t k = candidate.pigments.size();
    for (int total = static_cast<int>(k); total <= options.max_parts; ++total) {
      for (unsigned rounding = 0; rounding < (1u << k); ++rounding) {
        std::vector<int> parts(k);
        int inks = 0;
        for (std::size_t i = 0; i < k; ++i) {
          const double exact = candidate.concentrations[i] * total;
          parts[i] = std::max(
              1, static_cast<int>((rounding >> i) & 1u ? std::ceil(exact) : std::floor(exact)));
          inks += parts[i];
        }
        if (total - inks < 0) continue;
        parts.push_back(total - inks);
        add_recipe(s, goal, candidate.pigments, std::move(parts), recipes);
      }
    }
  }
}

Matcher::Impl::RecipeMap::iterator Matcher::Impl::add_recipe(const Setup& s, const Goal& goal,
                                                             const std::vector<std::size_t>& set,
                                                             std::vector<int> parts,
                                                             RecipeMap& recipes) const {
  int all = 0, divisor = 0;
  for (int p : parts) all += p, divisor = std::gcd(divisor, p);
  for (int& p : parts) p /= divisor;
  auto key = std::make_pair(set, parts);
  if (auto it = recipes.find(key); it != recipes.end()) return it;
  std::vector<double> c(set.size());
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = static_cast<double>(parts[i]) * divisor / all;
  Scored scored{set, std::vector<int>(parts.begin(), parts.end() - 1), parts.back(),
                score(s, goal, reflectance(s, set, c))};
  return recipes.emplace(std::move(key), std::move(scored)).first;
}

Recipe Matcher::Impl::to_recipe(const Setup& s, const Goal& goal, const Scored& r) const {
  Recipe recipe;
  std::vector<std::size_t> order(r.pigments.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return r.ink_parts[a] > r.ink_parts[b]; });
  std::vector<int> ratio;
  for (std::size_t j : order) {
    const PigmentModel& p = pigments[r.pigments[j]];
    recipe.parts.push_back({p.id, p.name, false, r.ink_parts[j]});
    recipe.illustrative = recipe.illustrative || p.illustrative;
    ratio.push_back(r.ink_parts[j]);
  }
  const PigmentModel& lead = pigments[r.pigments[order.front()]];
  if (r.diluent > 0) recipe.parts.push_back({lead.diluent_id, lead.diluent_name, true, r.diluent});
  ratio.push_back(r.diluent);
  recipe.ratio = ratio_text(ratio);
  recipe.predicted = r.score.dot;
  recipe.difference = r.score.dot_difference;
  recipe.robustness_de00 = slip_robustness(s, r);
  recipe.rank_de00 = r.score.key;
  if (goal.overall) {
    recipe.density = r.score.density;
    recipe.overall = r.score.overall;
    recipe.overall_difference = r.score.overall_difference;
  } else if ((goal.dot_coverage || options.coverage) && s.healed) {
    // A dot match's overall look, at the target's own coverage (else the options').
    const double coverage = goal.dot_coverage ? *goal.dot_coverage : *options.coverage;
    const int all = r.all_parts();
    std::vector<double> c(r.pigments.size());
    for (std::size_t j = 0; j < c.size(); ++j) c[j] = static_cast<double>(r.ink_parts[j]) / all;
    const Bands dot = reflectance(s, r.pigments, c);
    recipe.coverage = coverage;
    recipe.overall = colorimetry.lab(yule_nielsen_reflectance(s.skin->reflectance, dot, coverage,
                                                              options.yule_nielsen_n));
  }
  return recipe;
}

// Rounding the continuous optimum to whole parts can miss the best grid point when the inks'
// colours are nearly alike (two greys: a long valley of equal colours), so the best recipe of
// each of the most promising ink sets walks the grid of whole parts, one part at a time, reduced,
// within max_parts, while the score improves.
void Matcher::Impl::polish(const Setup& s, const Goal& goal, RecipeMap& recipes) const {
  std::map<std::vector<std::size_t>, const Scored*> best_of_set;
  for (const auto& [key, r] : recipes) {
    const Scored*& best = best_of_set[r.pigments];
    if (!best || r.score.key < best->score.key) best = &r;
  }
  std::vector<const Scored*> starts;
  for (const auto& entry : best_of_set) starts.push_back(entry.second);
  std::sort(starts.begin(), starts.end(), [](const Scored* a, const Scored* b) {
    return std::tie(a->score.key, a->pigments) < std::tie(b->score.key, b->pigments);
  });
  starts.resize(std::min(starts.size(), kPolishedSets));
  std::vector<Scored> walkers;
  for (const Scored* start : starts) walkers.push_back(*start);
  for (Scored& at : walkers) {
    const std::size_t k = at.pigments.size();
    for (int step = 0; step < kPolishSteps; ++step) {
      const Scored* better = nullptr;
      // Moves: one part more or less on one line (line k is the diluent), or one part moved
      // from one line to another (the walk along a valley at the most parts allowed).
      for (std::size_t from = 0; from <= k + 1; ++from) {
        for (std::size_t to = 0; to <= k + 1; ++to) {
          if (from == to) continue;
          std::vector<int> parts = at.ink_parts;
          parts.push_back(at.diluent);
          if (from <= k) parts[from] -= 1;  // from k + 1: a part added out of nothing
          if (to <= k) parts[to] += 1;      // to k + 1: a part taken away
          if (std::any_of(parts.begin(), parts.end() - 1, [](int p) { return p < 1; }) ||
              parts.back() < 0) {
            continue;
          }
          if (std::accumulate(parts.begin(), parts.end(), 0) > options.max_parts) continue;
          const auto it = add_recipe(s, goal, at.pigments, std::move(parts), recipes);
          if (it->second.score.key < (better ? better->score.key : at.score.key)) {
            better = &it->second;
          }
        }
      }
      if (!better) break;
      at = *better;
    }
  }
}

Matcher::Matcher(const std::vector<Catalog>& catalogs, MatchOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (options.max_pigments < 1 || options.max_pigments > 3) {
    throw ArgumentError("max pigments must be 1, 2 or 3");
  }
  if (options.max_parts < options.max_pigments) {
    throw ArgumentError("max parts must be at least the number of pigments");
  }
  if (options.top < 1) throw ArgumentError("top must be at least 1");
  if (!(options.tolerance >= 0)) throw ArgumentError("tolerance must be 0 or more");
  // Retention is a strength relative to the cup on card (HealingParameters): not capped at 1.
  if (!(options.healing.retention > 0 && options.healing.retention <= 100))
    throw ArgumentError("retention must be in (0, 100]");
  if (options.coverage && !(*options.coverage >= 0 && *options.coverage <= 1)) {
    throw ArgumentError("coverage must be in 0..1");
  }
  if (!(options.max_density > 0 && options.max_density <= 1)) {
    throw ArgumentError("max density must be in (0, 1]");
  }
  if (!(options.yule_nielsen_n >= 1)) throw ArgumentError("the Yule-Nielsen n must be 1 or more");
  if (!(options.cup_ml > 0 && options.cup_ml <= 1000))
    throw ArgumentError("cup must be in (0, 1000] ml");
  if (!(options.drop_ml > 0 && options.drop_ml <= options.cup_ml)) {
    throw ArgumentError("drop must be in (0, cup] ml");
  }

  Impl& m = *impl_;
  m.options = options;
  m.colorimetry = GridColorimetry(options.white);
  for (const auto& weights : m.colorimetry.weights()) {
    for (int i = 0; i < kBands; ++i) m.visual_weight[i] += weights[i] * weights[i];
  }
  for (const Catalog& catalog : catalogs) {
    if (!catalog.pigments.empty() && catalog.diluents.empty()) {
      throw InputError("the catalogue has pigments but no 'diluents' to mix them with: add one "
                       "(smp-catalog lint says where)",
                       Location{catalog.file});
    }
    for (const Pigment& pigment : catalog.pigments)
      m.pigments.push_back(fit_pigment(pigment, catalog));
  }
  if (m.pigments.empty()) throw InputError("no pigments in the catalogues");
  const Catalog& first = *std::find_if(catalogs.begin(), catalogs.end(),
                                       [](const Catalog& c) { return !c.pigments.empty(); });
  m.saunderson = first.measurement.saunderson;
  m.card = optics_for_substrate(substrate_reflectance(first), m.saunderson);
  for (int total = 1; total <= options.max_parts; ++total) {
    for (int ink = 1; ink <= total; ++ink) {
      if (std::gcd(ink, total - ink) == 1) m.dilutions.emplace_back(ink, total - ink);
    }
  }
  std::sort(m.dilutions.begin(), m.dilutions.end(), [](const auto& a, const auto& b) {
    return a.first * (b.first + b.second) < b.first * (a.first + a.second);
  });
  const Impl::Setup card = m.setup(std::nullopt, options.healing);
  m.card_dilution_lab.resize(m.pigments.size());
  for (std::size_t p = 0; p < m.pigments.size(); ++p) {
    for (const auto& [ink, diluent] : m.dilutions) {
      m.card_dilution_lab[p].push_back(
          m.predict(card, {p}, {static_cast<double>(ink) / (ink + diluent)}));
    }
  }
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;

const std::vector<PigmentModel>& Matcher::pigments() const { return impl_->pigments; }
const MatchOptions& Matcher::options() const { return impl_->options; }

MatchResult Matcher::match(const MatchTarget& target) const {
  using Scored = Impl::Scored;
  const Impl& m = *impl_;
  const HealingParameters healing = target.healing ? *target.healing : m.options.healing;
  const Impl::Setup s = m.setup(target.skin, healing);
  const double darkest = s.healed && target.coverage ? m.darkest_lightness(s) : 0.0;
  const Impl::Goal goal = m.goal_for(s, target, darkest);
  std::vector<Candidate> candidates = m.screen(s, target.lab);

  Impl::RecipeMap recipes;
  m.add_whole_part_recipes(s, goal, candidates, recipes);

  // Exact for catalogues whose every ink is refined anyway; over 200 inks it would cost 5x the
  // search (2.7 ms a target on card, 37 ms healed), so larger ones keep the screened singles.
  if (!goal.overall && m.pigments.size() <= kRefineAllSinglesUpTo) {
    m.add_best_single_dilutions(s, goal, recipes);
  }

  // Nothing within tolerance: rank lightness first (chroma and hue count half), so that a dark
  // target gets the darkest inks rather than a lighter one of its hue: dot for dot, or for the
  // overall look when the dots, even at the densest, cannot darken the scalp enough (whose key
  // is lightness first already). The candidates are then refined again under that weighting,
  // whose optimum lies elsewhere (often a darker mix).
  auto plain_de00 = [](const Scored& r) {
    return r.score.overall_difference ? r.score.overall_difference->de00
                                      : r.score.dot_difference.de00;
  };
  double plain_best = HUGE_VAL;
  for (const auto& entry : recipes) plain_best = std::min(plain_best, plain_de00(entry.second));
  const bool lightness_first = !recipes.empty() && plain_best > m.options.tolerance;
  Impl::Goal ranking_goal = goal;
  if (lightness_first && !goal.overall) {
    ranking_goal.dot_weights = kLightnessFirst;
    // Only ink sets already within kRefocusWindow of the best, lightness first, are refined
    // again: a set further off does not close that gap by a change of weighting.
    std::map<std::vector<std::size_t>, double> set_best;
    double best = HUGE_VAL;
    for (auto& entry : recipes) {
      Impl::Score& sc = entry.second.score;
      sc.key = ciede2000(target.lab, sc.dot, kLightnessFirst);
      auto [it, fresh] = set_best.emplace(entry.second.pigments, sc.key);
      if (!fresh) it->second = std::min(it->second, sc.key);
      best = std::min(best, sc.key);
    }
    std::vector<Candidate> refocused;
    for (const Candidate& c : candidates) {
      auto it = set_best.find(c.pigments);
      if (it != set_best.end() && it->second <= best + kRefocusWindow) refocused.push_back(c);
    }
    m.add_whole_part_recipes(s, ranking_goal, std::move(refocused), recipes);
  }
  m.polish(s, ranking_goal, recipes);

  std::vector<Scored*> ranked;
  for (auto& [key, scored] : recipes) ranked.push_back(&scored);
  auto by_key = [](const Scored* a, const Scored* b) {
    if (a->score.key != b->score.key) return a->score.key < b->score.key;
    const int pa = a->all_parts(), pb = b->all_parts();
    if (pa != pb) return pa < pb;
    return std::tie(a->pigments, a->ink_parts) < std::tie(b->pigments, b->ink_parts);
  };
  std::sort(ranked.begin(), ranked.end(), by_key);

  MatchResult result;
  result.target = target.lab;
  result.skin = target.skin;
  result.healed = s.healed;
  result.healing = healing;
  result.matches_overall = goal.overall;
  result.lightness_first = lightness_first;
  if (goal.overall) {
    result.region = goal.region;
    result.hair_coverage = goal.coverage;
  }
  result.recipes_scored = ranked.size();
  const std::vector<const Scored*> distinct = m.propose(s, ranked, result.look_alikes);
  for (const Scored* chosen : distinct) result.recipes.push_back(m.to_recipe(s, goal, *chosen));
  if (!ranked.empty()) {
    // Most often a proposal itself: its recipe (and slip robustness) is at hand.
    const auto proposal = std::find(distinct.begin(), distinct.end(), ranked.front());
    result.closest = proposal != distinct.end()
                         ? result.recipes[static_cast<std::size_t>(proposal - distinct.begin())]
                         : m.to_recipe(s, goal, *ranked.front());
  }
  if (!result.recipes.empty()) {
    const Recipe& best = result.recipes.front();
    const double best_de00 =
        best.overall_difference ? best.overall_difference->de00 : best.difference.de00;
    result.reachable = best_de00 <= m.options.tolerance;
  }
  return result;
}

Lab Matcher::predict(const std::vector<std::pair<std::string, int>>& inks, int diluent_parts,
                     const std::optional<Lab>& skin,
                     const std::optional<HealingParameters>& healing) const {
  const Impl& m = *impl_;
  std::vector<std::size_t> set;
  std::vector<double> c;
  int all = diluent_parts;
  for (const auto& [id, parts] : inks) all += parts;
  if (all <= 0) throw ArgumentError("a recipe needs at least one part");
  for (const auto& ink : inks) {
    const auto it = std::find_if(m.pigments.begin(), m.pigments.end(),
                                 [&](const PigmentModel& p) { return p.id == ink.first; });
    if (it == m.pigments.end()) throw ArgumentError("no pigment with id '" + ink.first + "'");
    set.push_back(static_cast<std::size_t>(it - m.pigments.begin()));
    c.push_back(static_cast<double>(ink.second) / all);
  }
  return m.predict(m.setup(skin, healing ? *healing : m.options.healing), set, c);
}

namespace {

// The recipe's inks (id, parts) and diluent parts; InputError naming an unknown ink.
std::pair<std::vector<std::pair<std::string, int>>, int> recipe_inks(
    const std::vector<RecipePart>& recipe, const std::vector<PigmentModel>& pigments) {
  std::vector<std::pair<std::string, int>> inks;
  int diluent = 0;
  for (const RecipePart& part : recipe) {
    if (part.is_diluent) {
      diluent += part.parts;
      continue;
    }
    const bool known = std::any_of(pigments.begin(), pigments.end(),
                                   [&](const PigmentModel& p) { return p.id == part.id; });
    if (!known) {
      std::vector<std::string> ids;
      for (const PigmentModel& p : pigments) ids.push_back(p.id);
      throw InputError("no ink '" + part.id + "' in the catalogues" + did_you_mean(part.id, ids));
    }
    inks.emplace_back(part.id, part.parts);
  }
  if (inks.empty()) throw InputError("the recipe has no ink");
  return {inks, diluent};
}

}  // namespace

Lab Matcher::predict(const std::vector<RecipePart>& recipe, const std::optional<Lab>& skin,
                     const std::optional<HealingParameters>& healing) const {
  const auto [inks, diluent] = recipe_inks(recipe, impl_->pigments);
  return predict(inks, diluent, skin, healing);
}

Matcher::HealedCase Matcher::healed_case(const std::vector<RecipePart>& recipe,
                                         const Lab& skin) const {
  const Impl& m = *impl_;
  const auto [inks, diluent] = recipe_inks(recipe, m.pigments);
  int all = diluent;
  for (const auto& ink : inks) all += ink.second;
  if (all <= 0) throw InputError("the recipe has no parts");
  HealedCase c;
  const int ink_parts = all - diluent;
  for (const auto& [id, parts] : inks) {
    const auto it = std::find_if(m.pigments.begin(), m.pigments.end(),
                                 [&, &id = id](const PigmentModel& p) { return p.id == id; });
    const double share = static_cast<double>(parts) / all;
    HealedCase::Ink ink{id, static_cast<double>(parts) / ink_parts, {}};
    for (int i = 0; i < kBands; ++i) ink.ks[i] = share * it->unit_ks[i];
    c.inks.push_back(std::move(ink));
  }
  // Not through the matcher's skin cache: a fit's outcomes each have a skin of their own.
  c.skin = std::make_shared<const SkinOptics>(skin_optics_from_lab(skin, m.colorimetry));
  return c;
}

Lab Matcher::predict(const HealedCase& c, const HealingParameters& healing) const {
  Bands cup_ks{};
  for (const HealedCase::Ink& ink : c.inks) {
    const double strength = healing.strength_of(ink.id);
    for (int i = 0; i < kBands; ++i) cup_ks[i] += strength * ink.ks[i];
  }
  const Lab model =
      impl_->colorimetry.lab(SkinModel(*c.skin, healing).healed_reflectance(cup_ks));
  const HealedCorrection& correction = healing.correction;
  if (!correction.active()) return model;
  std::vector<double> shares(correction.inks.size(), 0.0);
  for (const HealedCase::Ink& ink : c.inks) {
    const auto at = std::find(correction.inks.begin(), correction.inks.end(), ink.id);
    if (at != correction.inks.end()) shares[static_cast<std::size_t>(at - correction.inks.begin())] += ink.share;
  }
  // The Lab of the corrected reflectance, exactly as the search's dots (corrected_reflectance).
  return impl_->colorimetry.lab(
      corrected_reflectance(SkinModel(*c.skin, healing).healed_reflectance(cup_ks),
                            c.skin->lab, correction, shares.data()));
}

double Matcher::darkest_healed_lightness(const Lab& skin,
                                         const HealingParameters& healing) const {
  return impl_->darkest_lightness(impl_->setup(skin, healing));
}

}  // namespace smpshade
