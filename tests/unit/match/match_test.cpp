#include "smpshade/match.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "smpshade/error.hpp"
#include "synthetic_inks.hpp"

namespace smpshade {
namespace {

const Bands kBlack = test::black_ks();
const Bands kRed = test::red_ks();
const Bands kYellow = test::yellow_ks();

const Bands* true_ks(const std::string& id) {
  return id == "black" ? &kBlack : id == "red" ? &kRed : &kYellow;
}

// The true colour (from the known K/S) of a recipe the matcher proposed.
Lab true_colour(const Recipe& recipe) {
  int all = 0;
  for (const auto& part : recipe.parts) all += part.parts;
  std::vector<std::pair<const Bands*, double>> mix;
  for (const auto& part : recipe.parts) {
    if (!part.is_diluent) mix.emplace_back(true_ks(part.id), static_cast<double>(part.parts) / all);
  }
  return GridColorimetry(White::D50).lab(test::true_reflectance(mix));
}

Lab true_mixture(std::vector<std::pair<const Bands*, double>> mix) {
  return GridColorimetry(White::D50).lab(test::true_reflectance(mix));
}

TEST(Match, FindsTheRecipeThatMadeTheTarget) {
  const Matcher matcher({test::synthetic_catalog(true)}, MatchOptions{});
  // 2 parts black + 9 parts water.
  const Lab target = true_mixture({{&kBlack, 2.0 / 11}});
  const MatchResult result = matcher.match(target);
  ASSERT_FALSE(result.recipes.empty());
  const Recipe& best = result.recipes.front();
  EXPECT_EQ(best.ratio, "2:9");
  EXPECT_EQ(best.parts.front().id, "black");
  EXPECT_EQ(best.parts.back().id, "distilled-water");
  EXPECT_EQ(best.parts.back().parts, 9);
  EXPECT_LT(best.difference.de00, 1e-3);
  EXPECT_TRUE(result.reachable);
  EXPECT_FALSE(result.healed);
}

// Unseen mixtures: two inks, and concentrations that no whole-part recipe of ≤ 24 parts makes.
const std::vector<std::vector<std::pair<const Bands*, double>>> kUnseen = {
    {{&kBlack, 0.13}, {&kRed, 0.07}},  {{&kBlack, 0.05}, {&kYellow, 0.21}},
    {{&kRed, 0.16}, {&kYellow, 0.09}}, {{&kBlack, 0.031}},
    {{&kBlack, 0.4}, {&kRed, 0.1}},
};

// How far the engine's prediction of the recipes it proposes is from their true colour.
double worst_prediction_error(const Matcher& matcher) {
  double worst = 0;
  for (const auto& mix : kUnseen) {
    const MatchResult result = matcher.match(true_mixture(mix));
    for (const Recipe& recipe : result.recipes) {
      worst = std::max(worst, ciede2000(true_colour(recipe), recipe.predicted));
    }
  }
  return worst;
}

TEST(Match, PredictsItsRecipesTrueColourFromSpectralLadders) {
  const double worst =
      worst_prediction_error(Matcher({test::synthetic_catalog(true)}, MatchOptions{}));
  std::printf("spectral ladders: predicted vs true colour of proposed recipes, max dE00 %.4f\n",
              worst);
  EXPECT_LT(worst, 0.3);
}

TEST(Match, PredictsItsRecipesTrueColourFromLabOnlyLadders) {
  const double worst =
      worst_prediction_error(Matcher({test::synthetic_catalog(false)}, MatchOptions{}));
  std::printf("Lab-only ladders: predicted vs true colour of proposed recipes, max dE00 %.3f\n",
              worst);
  EXPECT_LT(worst, 2.0);
}

// Whole-part two- and three-ink recipes the search must find: (ink parts..., diluent).
struct GridRecipe {
  std::vector<std::pair<const Bands*, int>> inks;
  int diluent;
};
const std::vector<GridRecipe> kOnGrid = {
    {{{&kBlack, 3}, {&kRed, 1}}, 12},
    {{{&kRed, 2}, {&kYellow, 3}}, 19},
    {{{&kBlack, 5}, {&kYellow, 2}}, 17},
    {{{&kBlack, 1}}, 17},
};

Lab grid_target(const GridRecipe& recipe) {
  int all = recipe.diluent;
  for (const auto& ink : recipe.inks) all += ink.second;
  std::vector<std::pair<const Bands*, double>> mix;
  for (const auto& [ks, parts] : recipe.inks)
    mix.emplace_back(ks, static_cast<double>(parts) / all);
  return true_mixture(mix);
}

TEST(Match, SpectralLaddersFindWholePartMixturesWithinPoint3) {
  const Matcher matcher({test::synthetic_catalog(true)}, MatchOptions{});
  for (const GridRecipe& recipe : kOnGrid) {
    const Lab target = grid_target(recipe);
    const MatchResult result = matcher.match(target);
    ASSERT_FALSE(result.recipes.empty());
    // The search finds the recipe (its closest); rank 1 may be one ink less within the
    // just-noticeable 1.0 ΔE00 (smp-match(1), "Fewer inks").
    ASSERT_TRUE(result.closest);
    const double de = ciede2000(target, true_colour(*result.closest));
    const Recipe& first = result.recipes.front();
    std::printf("spectral: target %.1f %.1f %.1f -> closest %s, true dE00 %.4f; rank 1 %s %.4f\n",
                target.l, target.a, target.b, result.closest->ratio.c_str(), de,
                first.ratio.c_str(), first.difference.de00);
    EXPECT_LT(de, 0.3);
    EXPECT_LT(first.difference.de00, result.closest->difference.de00 + 1.0);
    EXPECT_LE(first.parts.size(), result.closest->parts.size());
    EXPECT_TRUE(result.reachable);
  }
}

TEST(Match, LabOnlyLaddersFindWholePartMixturesWithin2) {
  const Matcher matcher({test::synthetic_catalog(false)}, MatchOptions{});
  double worst = 0;
  for (const GridRecipe& recipe : kOnGrid) {
    const Lab target = grid_target(recipe);
    const MatchResult result = matcher.match(target);
    ASSERT_FALSE(result.recipes.empty());
    worst = std::max(worst, ciede2000(target, true_colour(result.recipes.front())));
  }
  std::printf("Lab-only ladders: worst true dE00 %.3f\n", worst);
  EXPECT_LT(worst, 2.0);
}

TEST(Match, ThreeInksWhenAllowed) {
  MatchOptions options;
  options.max_pigments = 3;
  const Matcher matcher({test::synthetic_catalog(true)}, options);
  const Lab target = grid_target({{{&kBlack, 1}, {&kRed, 2}, {&kYellow, 2}}, 19});
  const MatchResult result = matcher.match(target);
  ASSERT_FALSE(result.recipes.empty());
  std::printf("three inks: -> %s, dE00 %.4f\n", result.recipes.front().ratio.c_str(),
              result.recipes.front().difference.de00);
  EXPECT_LT(ciede2000(target, true_colour(result.recipes.front())), 0.3);
  // Fewer inks within the just-noticeable 1.0: a recipe of fewer inks nobody can tell from the
  // target is proposed before the exact 3-ink one.
  const Lab near_two = grid_target({{{&kBlack, 4}, {&kRed, 1}, {&kYellow, 1}}, 18});
  const MatchResult preferred = matcher.match(near_two);
  ASSERT_TRUE(preferred.closest);
  ASSERT_GE(preferred.recipes.size(), 2u);
  const auto inks = [](const Recipe& r) {
    return std::count_if(r.parts.begin(), r.parts.end(),
                         [](const RecipePart& p) { return !p.is_diluent; });
  };
  std::printf("fewer inks: closest %s (%.3f), rank 1 %s (%.3f)\n", preferred.closest->ratio.c_str(),
              preferred.closest->difference.de00, preferred.recipes[0].ratio.c_str(),
              preferred.recipes[0].difference.de00);
  EXPECT_EQ(inks(*preferred.closest), 3);
  EXPECT_LT(inks(preferred.recipes[0]), 3);
  EXPECT_LT(preferred.recipes[0].difference.de00, preferred.closest->difference.de00 + 1.0);
}

TEST(Match, RespectsPartLimitsAndGivesDistinctRecipes) {
  MatchOptions options;
  options.max_parts = 12;
  options.top = 5;
  const Matcher matcher({test::synthetic_catalog(true)}, options);
  const MatchResult result = matcher.match(true_mixture({{&kBlack, 0.1}, {&kRed, 0.05}}));
  ASSERT_EQ(result.recipes.size(), 5u);
  std::set<std::string> seen;
  double previous = 0;
  for (const Recipe& r : result.recipes) {
    int all = 0, inks = 0;
    std::string key;
    for (const auto& part : r.parts) {
      all += part.parts;
      inks += part.is_diluent ? 0 : 1;
      key += part.id + "=" + std::to_string(part.parts) + ";";
    }
    EXPECT_LE(all, 12);
    EXPECT_LE(inks, 2);
    EXPECT_TRUE(seen.insert(key).second) << "repeated recipe " << key;
    // Best first, but one ink less wins within the just-noticeable 1.0 ΔE00.
    EXPECT_GE(r.difference.de00, previous - 1.0);
    previous = std::max(previous, r.difference.de00);
  }
  ASSERT_TRUE(result.closest);
  EXPECT_LE(result.closest->difference.de00, result.recipes.front().difference.de00);
}

TEST(Match, UnreachableTargetsStillGetRecipes) {
  const Matcher matcher({test::synthetic_catalog(true)}, MatchOptions{});
  // Lighter than the card, and a green no ink here can make.
  for (const Lab target : {Lab{97, 0, 1}, Lab{55, -40, 10}}) {
    const MatchResult result = matcher.match(target);
    EXPECT_FALSE(result.reachable);
    ASSERT_FALSE(result.recipes.empty());
    EXPECT_GT(result.recipes.front().difference.de00, 2.0);
  }
}

TEST(Match, Deterministic) {
  const Lab target{48.0, 6.0, 9.0};
  const MatchResult a = Matcher({test::synthetic_catalog(true)}, MatchOptions{}).match(target);
  const MatchResult b = Matcher({test::synthetic_catalog(true)}, MatchOptions{}).match(target);
  ASSERT_EQ(a.recipes.size(), b.recipes.size());
  for (std::size_t i = 0; i < a.recipes.size(); ++i) {
    EXPECT_EQ(a.recipes[i].ratio, b.recipes[i].ratio);
    EXPECT_EQ(a.recipes[i].parts.front().id, b.recipes[i].parts.front().id);
    EXPECT_EQ(a.recipes[i].predicted, b.recipes[i].predicted);
  }
}

TEST(Match, HealedInSkinWithRetentionAndCoverage) {
  MatchOptions options;
  options.coverage = 0.25;
  const Matcher matcher({test::synthetic_catalog(true)}, options);
  const Lab skin{62.0, 12.1, 16.3};
  const Lab on_card = matcher.predict({{"black", 1}}, 9);
  const Lab in_skin = matcher.predict({{"black", 1}}, 9, skin);
  EXPECT_LT(in_skin.l, skin.l);     // ink darkens the skin it is in
  // but seen through the epidermis, under a share of the cup's concentration, a strong black
  // heals lighter than it dries on card.
  EXPECT_GT(in_skin.l, on_card.l);
  MatchOptions half = options;
  half.healing.retention = options.healing.retention / 2;
  const Matcher lighter({test::synthetic_catalog(true)}, half);
  EXPECT_GT(lighter.predict({{"black", 1}}, 9, skin).l, in_skin.l);

  const Lab hair{30.0, 5.0, 8.0};
  const MatchResult result = matcher.match(hair, skin);
  EXPECT_TRUE(result.healed);
  ASSERT_TRUE(result.skin.has_value());
  ASSERT_FALSE(result.recipes.empty());
  const Recipe& best = result.recipes.front();
  ASSERT_TRUE(best.overall.has_value());
  // A quarter of the area in dots: between bare skin and a solid dot.
  EXPECT_LT(best.overall->l, skin.l);
  EXPECT_GT(best.overall->l, best.predicted.l);
}

TEST(Match, RejectsBadOptionsAndEmptyCatalogues) {
  MatchOptions bad;
  bad.max_pigments = 4;
  EXPECT_THROW(Matcher({test::synthetic_catalog(true)}, bad), ArgumentError);
  bad = MatchOptions{};
  bad.healing.retention = 0;
  EXPECT_THROW(Matcher({test::synthetic_catalog(true)}, bad), ArgumentError);
  Catalog empty = test::synthetic_catalog(true);
  empty.pigments.clear();
  EXPECT_THROW(Matcher({empty}, MatchOptions{}), InputError);
  const Matcher matcher({test::synthetic_catalog(true)}, MatchOptions{});
  EXPECT_THROW(matcher.match(Lab{50, 150, -150}), InputError);
}

}  // namespace
}  // namespace smpshade

namespace smpshade {
namespace {

LabEntry entry(const std::string& source, const std::string& region, Lab lab,
               White white = White::D50) {
  LabEntry e;
  e.source = source;
  e.region = region;
  e.id = source + "/" + region;
  e.lab = lab;
  e.white = white;
  return e;
}

TEST(SkinPairing, ScalpOfTheSameRegionThenOfTheSamePhoto) {
  const std::vector<LabEntry> records = {entry("a.jpg", "crown/hair", {30, 3, 5}),
                                         entry("a.jpg", "crown/scalp", {62, 12, 16}),
                                         entry("a.jpg", "temple/hair", {40, 2, 4}),
                                         entry("a.jpg", "temple/scalp", {66, 10, 15}),
                                         entry("a.jpg", "nape/hair", {35, 2, 4}),
                                         entry("b.jpg", "hair", {25, 1, 2}),
                                         entry("c.jpg", "hair", {28, 2, 3}),
                                         entry("c.jpg", "scalp",
                                               {
                                                   55,
                                                   9,
                                                   14,
                                               },
                                               White::D65)};
  const SkinPairing p = pair_skin(records, White::D50);
  EXPECT_EQ(p.is_skin, (std::vector<bool>{false, true, false, true, false, false, false, true}));
  ASSERT_TRUE(p.skin[0] && p.skin[2] && p.skin[4] && p.skin[6]);
  EXPECT_EQ(p.skin[0]->l, 62);
  EXPECT_EQ(p.skin[2]->l, 66);
  EXPECT_EQ(p.skin[4]->l, 62);  // no nape/scalp: the photo's first scalp record
  EXPECT_FALSE(p.skin[5]);      // b.jpg has no scalp record: predicted on card
  EXPECT_FALSE(p.skin[1]);      // scalp records are not targets
  // c.jpg's scalp was given in D65: adapted to D50 (the numbers change, the neutral axis not).
  EXPECT_NEAR(p.skin[6]->l, 55, 0.5);
  EXPECT_GT(std::fabs(p.skin[6]->b - 14), 0.1);
}

TEST(MatchRecords, RecipeInWordsAndRecordFields) {
  Recipe recipe;
  recipe.parts = {{"exp-jet", "Jet", false, 2}, {"distilled-water", "distilled water", true, 9}};
  recipe.ratio = "2:9";
  recipe.predicted = {24.6, 1.9, 3.1};
  recipe.difference = ciede2000_breakdown({24.1, 2.3, 3.9}, recipe.predicted);
  EXPECT_EQ(recipe_in_words(recipe), "2 parts Jet + 9 parts distilled water");
  recipe.parts[0].parts = 1;
  EXPECT_EQ(recipe_in_words(recipe), "1 part Jet + 9 parts distilled water");

  MatchResult result;
  result.target = {24.1, 2.3, 3.9};
  result.reachable = true;
  result.recipes.push_back(recipe);
  const Record r = match_record({"client42/hair", "client42", "hair", std::nullopt, ""}, 1, result,
                                MatchOptions{});
  std::vector<std::string> keys;
  for (const Field& f : r.fields) keys.push_back(f.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"kind", "id", "client", "part", "rank", "target",
                                            "predicts", "matches", "recipe",
                                            "ratio", "cup_ml", "drop_ml", "predicted", "de00", "dL",
                                            "dC", "dH", "robustness_de00", "rank_de00", "reachable",
                                            "white"}));
  EXPECT_EQ(std::get<std::string>(*r.find("predicts")), "card");
  const auto& lines = std::get<std::vector<Record>>(*r.find("recipe"));
  EXPECT_DOUBLE_EQ(std::get<double>(*lines[0].find("ml")), 0.2);
  EXPECT_EQ(std::get<std::int64_t>(*lines[1].find("drops")), 36);
  const Record row = match_table_row("client42/hair", 1, result, MatchOptions{});
  EXPECT_EQ(std::get<std::string>(*row.find("ml")), "0.20 + 1.80");
  EXPECT_EQ(std::get<std::string>(*row.find("drops")), "4 + 36");
}

TEST(Dispense, MlToASyringesHundredthAndWholeDrops) {
  const std::vector<RecipePart> recipe = {{"jet", "Jet", false, 2},
                                          {"water", "distilled water", true, 21}};
  const auto amounts = dispense(recipe, 2.0, 0.05);
  ASSERT_EQ(amounts.size(), 2u);
  EXPECT_DOUBLE_EQ(amounts[0].ml, 0.17);  // 0.1739 ml
  EXPECT_EQ(amounts[0].drops, 3);         // 3.48 drops
  EXPECT_DOUBLE_EQ(amounts[1].ml, 1.83);  // 1.8261 ml
  EXPECT_EQ(amounts[1].drops, 37);        // 36.52 drops
  EXPECT_EQ(dispensed_in_words(recipe, 2.0, 0.05),
            "0.17 ml (3 drops) Jet + 1.83 ml (37 drops) distilled water");
  // A line too small for a drop still gets one: it is part of the recipe.
  EXPECT_EQ(dispense({{"jet", "", false, 1}, {"water", "", true, 99}}, 1.0, 0.05)[0].drops, 1);
  EXPECT_THROW(dispense(recipe, 0.0, 0.05), ArgumentError);
  EXPECT_THROW(dispense({}, 2.0, 0.05), ArgumentError);
}

// Robustness is how far the dot moves when one ink is off by one part (more than a drop in a
// 2 ml cup of 11 parts), up or down, the diluent as it was.
TEST(Match, RobustnessIsTheDotsMoveUnderASlipOfOnePartOrDrop) {
  const Matcher matcher({test::synthetic_catalog(true)}, MatchOptions{});
  const MatchResult result = matcher.match(true_mixture({{&kBlack, 2.0 / 11}}));
  const Recipe& best = result.recipes.front();
  ASSERT_EQ(best.ratio, "2:9");
  const double up = ciede2000(best.predicted, matcher.predict({{"black", 3}}, 9));
  const double down = ciede2000(best.predicted, matcher.predict({{"black", 1}}, 9));
  EXPECT_NEAR(best.robustness_de00, std::max(up, down), 1e-9);
  EXPECT_GT(best.robustness_de00, 1.0);
  // In a 0.2 ml cup a drop (0.05 ml) is more than a part (0.018 ml): a slip of 2.75 parts.
  MatchOptions small;
  small.cup_ml = 0.2;
  const Matcher tiny({test::synthetic_catalog(true)}, small);
  const MatchResult in_tiny = tiny.match(true_mixture({{&kBlack, 2.0 / 11}}));
  ASSERT_EQ(in_tiny.recipes.front().ratio, "2:9");
  EXPECT_GT(in_tiny.recipes.front().robustness_de00, best.robustness_de00);
  // Undiluted ink cannot be spoiled: more of it is still undiluted ink.
  const MatchResult pure = matcher.match(true_mixture({{&kBlack, 1.0}}));
  EXPECT_EQ(pure.recipes.front().ratio, "1:0");
  EXPECT_EQ(pure.recipes.front().robustness_de00, 0.0);
}

}  // namespace
}  // namespace smpshade
