// Learning from outcomes, tested on a synthetic clinic whose truth model differs in structure
// from the engine (tests/tools/synthetic_clinic.hpp): blood the engine does not model, other
// thicknesses and scattering, a two-constant ink layer, per-client retention and noisy Lab.
#include "smpshade/heal.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "smpshade/catalog.hpp"
#include "smpshade/difference.hpp"
#include "synthetic_clinic.hpp"

namespace smpshade {
namespace {

std::vector<Catalog> bundled() {
  return load_catalogs({std::string(SMPSHADE_SOURCE_DIR) + "/pigments"});
}

// A clinic whose technique leaves less ink, deeper, than the physical defaults assume; clients
// differ in how much of it stays by `client_spread` (SD of ln retention).
struct Clinic {
  explicit Clinic(double client_spread) : clinic(matcher.pigments(), 20261202, truth(client_spread)) {}
  static test::ClinicTruth truth(double client_spread) {
    test::ClinicTruth t;
    t.client_spread = client_spread;
    return t;
  }
  Matcher matcher{bundled(), MatchOptions{}};
  test::SyntheticClinic clinic;
};

TEST(Heal, LearnsFromThirtyOutcomesWhatTheDefaultsMiss) {
  Clinic c(0.15);
  std::vector<Outcome> outcomes;
  for (int i = 0; i < 10; ++i) {
    const test::ClinicClient client = c.clinic.client("c" + std::to_string(i));
    for (int s = 0; s < 3; ++s) {
      outcomes.push_back(c.clinic.outcome(client, c.clinic.recipe(),
                                          client.id + "/s" + std::to_string(s)));
    }
  }
  const HealingFit fit = fit_healing_model(outcomes, c.matcher);
  EXPECT_TRUE(fit.skipped.empty());
  EXPECT_EQ(fit.model.outcomes, 30);
  EXPECT_EQ(fit.model.clients, 10);
  EXPECT_EQ(fit.model.held_out_method, "leave-one-out");

  // New clients, new recipes, compared with the truth (no noise).
  std::vector<std::pair<test::ClinicClient, std::vector<RecipePart>>> held_out;
  for (int i = 0; i < 40; ++i) {
    held_out.emplace_back(c.clinic.client("new" + std::to_string(i)), c.clinic.recipe());
  }
  double fitted = 0, defaults = 0;
  for (const auto& [client, recipe] : held_out) {
    const Lab truth = c.clinic.true_healed(client, recipe);
    fitted += ciede2000(truth, c.matcher.predict(recipe, client.skin_lab,
                                                 fit.model.parameters_for(client.skin_lab)));
    defaults += ciede2000(truth, c.matcher.predict(recipe, client.skin_lab, HealingParameters{}));
  }
  fitted /= held_out.size();
  defaults /= held_out.size();
  std::printf("held-out new clients: fitted mean ΔE00 %.2f, defaults %.2f; LOO %.2f, p90 %.2f\n",
              fitted, defaults, fit.model.held_out_mean_de00, *fit.model.held_out_p90_de00);
  EXPECT_LT(fitted, 2.0);
  EXPECT_LT(fitted, 0.5 * defaults);
  // The held-out estimate the file carries is honest about new cases (within a factor of 2).
  EXPECT_LT(fit.model.held_out_mean_de00, 2 * fitted + 0.5);
  EXPECT_GT(fit.model.held_out_mean_de00, 0.5 * fitted - 0.5);
}

TEST(Heal, OneHealedSessionImprovesThatClientsNextPrediction) {
  Clinic c(0.45);
  std::vector<Outcome> training;
  for (int i = 0; i < 12; ++i) {
    const test::ClinicClient client = c.clinic.client("t" + std::to_string(i));
    for (int s = 0; s < 3; ++s) {
      training.push_back(c.clinic.outcome(client, c.clinic.recipe(), client.id + "/" + std::to_string(s)));
    }
  }
  const HealingModel model = fit_healing_model(training, c.matcher).model;
  double before = 0, after = 0;
  const int clients = 30;
  for (int i = 0; i < clients; ++i) {
    const test::ClinicClient client = c.clinic.client("k" + std::to_string(i));
    // Session 2 is session 1 adjusted, as clinics work: the same inks, more or less water.
    const std::vector<RecipePart> recipe1 = c.clinic.recipe();
    const Outcome session1 = c.clinic.outcome(client, recipe1, client.id + "/1");
    std::vector<RecipePart> session2 = recipe1;
    if (session2.back().is_diluent) {
      session2.back().parts = std::max(1, session2.back().parts + (i % 2 ? 3 : -2));
    } else {
      session2.push_back({"distilled-water", "", true, 2});
    }
    const Lab truth = c.clinic.true_healed(client, session2);
    const HealingParameters clinic = model.parameters_for(client.skin_lab);
    const HealingParameters own = client_parameters(model, client.skin_lab, {session1}, c.matcher);
    const double b = ciede2000(truth, c.matcher.predict(session2, client.skin_lab, clinic));
    const double a = ciede2000(truth, c.matcher.predict(session2, client.skin_lab, own));
    before += b;
    after += a;
  }
  std::printf("session 2: clinic model %.2f, refined by session 1 %.2f\n", before / clients,
              after / clients);
  EXPECT_LT(after, 0.85 * before);
  // No outcome of their own: the clinic's parameters, unchanged.
  const HealingParameters none = client_parameters(model, {60, 12, 17}, {}, c.matcher);
  EXPECT_EQ(none.retention, model.parameters_for({60, 12, 17}).retention);
}

TEST(Heal, ModelFileRoundTrips) {
  HealingModel model;
  model.parameters.retention = 0.21;
  model.parameters.depth_mm = 0.07;
  model.parameters.filter = 1.3;
  model.standard_error = {0.01, 0.02, 0.1};
  model.trend = {true, 25, -0.05, 0.1};
  model.outcomes = 31;
  model.clients = 11;
  model.residual_mean_de00 = 0.8;
  model.held_out_mean_de00 = 1.1;
  model.held_out_p90_de00 = 1.9;
  model.held_out_method = "leave-one-out";
  const std::string path = ::testing::TempDir() + "/clinic.yaml";
  {
    std::ofstream out(path);
    write_healing_model(out, model);
  }
  const HealingModel back = read_healing_model(path);
  EXPECT_DOUBLE_EQ(back.parameters.retention, 0.21);
  EXPECT_DOUBLE_EQ(back.parameters.depth_mm, 0.07);
  EXPECT_DOUBLE_EQ(back.parameters.filter, 1.3);
  EXPECT_TRUE(back.trend.fitted);
  EXPECT_DOUBLE_EQ(back.trend.log_filter_per_10deg, 0.1);
  EXPECT_EQ(back.outcomes, 31);
  EXPECT_DOUBLE_EQ(*back.held_out_p90_de00, 1.9);
  EXPECT_EQ(back.describe(), path + " (31 outcomes)");
  // The trend: a darker skin (lower ITA) than the reference gets more retention here.
  EXPECT_GT(back.parameters_for({40, 12, 20}).retention, back.parameters.retention);
}

// What fit writes, read back: random models (any retention a clinic can fit, standard errors
// far larger than their parameters, ink strengths, a correction with inks of its own), each
// written and read again to the same values, and predicting the same healed colour.
TEST(Heal, RandomModelFilesRoundTrip) {
  std::mt19937 rng(24);
  std::uniform_real_distribution<double> u(0, 1);
  const Matcher matcher(bundled(), MatchOptions{});
  for (int trial = 0; trial < 25; ++trial) {
    HealingModel model;
    model.parameters.retention = std::exp(-5 + 8 * u(rng));  // 0.007 .. 20
    model.parameters.depth_mm = 0.001 + 1.5 * u(rng);
    model.parameters.filter = 0.02 + 5 * u(rng);
    model.standard_error = {1e3 * u(rng), 50 * u(rng), 200 * u(rng)};
    const std::vector<std::string> inks = {"ill-jet-black", "ill-chestnut", "ill-taupe"};
    for (std::size_t j = 0; j < inks.size(); ++j) {
      if (u(rng) < 0.6) model.parameters.ink_strength.emplace_back(inks[j], 0.1 + 3 * u(rng));
    }
    if (trial % 3 != 0) {
      for (const std::string& ink : inks) {
        if (u(rng) < 0.5) model.parameters.correction.inks.push_back(ink);
      }
      model.parameters.correction.weights.resize(3 * model.parameters.correction.columns());
      for (double& w : model.parameters.correction.weights) w = 0.4 * (u(rng) - 0.5);
      model.held_out_physics_mean_de00 = 2.5;
    }
    model.trend = {trial % 2 == 0, -10 + 40 * u(rng), 0.3 * (u(rng) - 0.5), 0.3 * (u(rng) - 0.5)};
    model.outcomes = 40;
    model.clients = 40;
    model.held_out_method = "leave-one-out";
    const std::string path = ::testing::TempDir() + "/random.yaml";
    {
      std::ofstream out(path);
      write_healing_model(out, model);
    }
    const HealingModel back = read_healing_model(path);
    auto near = [](double a, double b) { return std::fabs(a - b) <= 1e-5 * std::max(1.0, std::fabs(a)); };
    EXPECT_TRUE(near(back.parameters.retention, model.parameters.retention)) << trial;
    EXPECT_TRUE(near(back.parameters.depth_mm, model.parameters.depth_mm)) << trial;
    EXPECT_TRUE(near(back.standard_error.retention, model.standard_error.retention)) << trial;
    ASSERT_EQ(back.parameters.ink_strength.size(), model.parameters.ink_strength.size());
    ASSERT_EQ(back.parameters.correction.inks, model.parameters.correction.inks) << trial;
    ASSERT_EQ(back.parameters.correction.weights.size(), model.parameters.correction.weights.size());
    for (std::size_t k = 0; k < model.parameters.correction.weights.size(); ++k) {
      EXPECT_TRUE(near(back.parameters.correction.weights[k], model.parameters.correction.weights[k]));
    }
    const std::vector<RecipePart> recipe = {{"ill-chestnut", "", false, 2},
                                            {"ill-jet-black", "", false, 1},
                                            {"distilled-water", "", true, 5}};
    const Lab skin{58, 12, 18};
    EXPECT_LT(ciede2000(matcher.predict(recipe, skin, model.parameters_for(skin)),
                        matcher.predict(recipe, skin, back.parameters_for(skin))),
              1e-3)
        << trial;
  }
}

TEST(Heal, BadModelFilesSayWhere) {
  const std::string path = ::testing::TempDir() + "/bad.yaml";
  auto write = [&](const std::string& text) {
    std::ofstream(path) << text;
  };
  // Retention is a strength relative to the cup (2 is a clinic whose dots heal dark), up to 100.
  write("healing: 1\nparameters: {retention: 2, depth_mm: 0.1, filter: 1}\n");
  EXPECT_DOUBLE_EQ(read_healing_model(path).parameters.retention, 2.0);
  write("healing: 1\nparameters: {retention: 200, depth_mm: 0.1, filter: 1}\n");
  try {
    read_healing_model(path);
    FAIL() << "a retention of 200 was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 2u);
    EXPECT_NE(e.message().find("retention"), std::string::npos);
  }
  write("healing: 1\nparameters: {retention: 0.2, depth_mm: 0.1, filtr: 1}\n");
  EXPECT_THROW(read_healing_model(path), InputError);
  write("catalog: 1\n");
  EXPECT_THROW(read_healing_model(path), InputError);
  // A key twice is refused at its second line, not silently the last value.
  write("healing: 1\nparameters: {retention: 0.2, depth_mm: 0.1, filter: 1}\nclient_spread: 0.3\n"
        "client_spread: 0.5\n");
  try {
    read_healing_model(path);
    FAIL() << "a duplicate key was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 4u);
    EXPECT_NE(e.message().find("duplicate key 'client_spread'"), std::string::npos) << e.message();
  }
  // Standard errors are not parameter values: a spread over a parameter's range is read.
  write("healing: 1\nparameters: {retention: 1, depth_mm: 0.04, filter: 1.6}\n"
        "standard_error: {retention: 6.45, depth_mm: 0.01, filter: 15.5}\n");
  EXPECT_DOUBLE_EQ(read_healing_model(path).standard_error.filter, 15.5);
  write("healing: 1\nparameters: {retention: 0.2}\nconstants: {epidermis_mm: 0.2}\n");
  EXPECT_THROW(read_healing_model(path), InputError);
}

TEST(Heal, OutcomeRecordsReadAndRefuseBadLines) {
  std::istringstream in(
      R"({"kind":"outcome","id":"c1/s1","client":"c1","skin":[62,12,17],"recipe":[{"id":"ill-jet-black","kind":"pigment","parts":1},{"id":"distilled-water","kind":"diluent","parts":4}],"healed":[50,3,6],"weeks":6})"
      "\n"
      R"({"kind":"outcome","id":"c1/s2","skin":[62,12,17],"recipe":[{"id":"ill-jet-black","parts":0}]})"
      "\n"
      R"({"kind":"outcome","id":"c2/s1","recipe":[{"id":"ill-jet-black","parts":1}]})"
      "\n"
      R"({"kind":"match","id":"c3/hair","client":"c3","skin":[60,10,15],"predicts":"healed","recipe":[{"id":"ill-jet-black","kind":"pigment","parts":1}]})"
      "\n"
      R"({"id":"c4/hair","lab":[30,2,3]})"
      "\n");
  OutcomeReader reader(in, "outcomes.jsonl");
  Outcome o;
  ASSERT_TRUE(reader.next(o));
  EXPECT_EQ(o.client, "c1");
  EXPECT_EQ(o.recipe.size(), 2u);
  EXPECT_TRUE(o.recipe[1].is_diluent);
  ASSERT_TRUE(o.healed.has_value());
  EXPECT_DOUBLE_EQ(*o.weeks, 6);
  EXPECT_THROW(reader.next(o), InputError);  // parts 0
  EXPECT_THROW(reader.next(o), InputError);  // no skin
  ASSERT_TRUE(reader.next(o));               // a match record is a case to predict
  EXPECT_EQ(o.client, "c3");
  EXPECT_FALSE(o.healed.has_value());
  // A measurement (no kind) is not an outcome, whatever fields it has; it is named.
  try {
    reader.next(o);
    FAIL() << "a measurement read as an outcome";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("a measurement record is not an outcome"), std::string::npos);
  }
  EXPECT_FALSE(reader.next(o));
}

// The one rule for a client's parameters (HealingChooser): only that client's own outcomes,
// matched by client id; a case naming no client takes them when they are all one client's; an
// override once, last.
TEST(Heal, ChooserUsesOnlyTheClientsOwnOutcomes) {
  const Matcher matcher(bundled(), MatchOptions{});
  const Lab skin{62, 12, 17};
  const std::vector<RecipePart> recipe = {{"ill-jet-black", "", false, 1}};
  const Lab predicted = matcher.predict(recipe, skin, HealingParameters{});
  Outcome darker{"a/1", "a", skin, recipe, Lab{predicted.l - 6, predicted.a, predicted.b}, 8.0, "hair", 1, {}};
  Outcome lighter{"b/1", "b", skin, recipe, Lab{predicted.l + 6, predicted.a, predicted.b}, 8.0, "hair", 1, {}};
  const HealingModel model;
  const HealingChooser both(model, {darker, lighter}, {}, matcher);
  const ClientHealing a = both.choose("a", skin), b = both.choose("b", skin);
  const ClientHealing nobody = both.choose("c", skin), unnamed = both.choose("", skin);
  EXPECT_GT(a.parameters.retention, model.parameters.retention) << "a healed darker";
  EXPECT_LT(b.parameters.retention, model.parameters.retention) << "b healed lighter";
  EXPECT_EQ(a.own_outcomes, 1u);
  EXPECT_EQ(nobody.own_outcomes, 0u);
  EXPECT_EQ(unnamed.own_outcomes, 0u) << "two clients' outcomes: a case naming none takes neither";
  EXPECT_DOUBLE_EQ(nobody.parameters.retention, model.parameters.retention);
  EXPECT_NE(a.describe.find("refined by 1 own outcome of a"), std::string::npos) << a.describe;
  const HealingChooser one(model, {darker}, HealingOverrides{0.5}, matcher);
  const ClientHealing only = one.choose("", skin);
  EXPECT_EQ(only.own_outcomes, 1u) << "one client's outcomes serve a case naming no client";
  EXPECT_DOUBLE_EQ(only.parameters.retention, 0.5) << "the override, applied last";
  EXPECT_NE(only.describe.find("retention set"), std::string::npos);
}

}  // namespace
}  // namespace smpshade
