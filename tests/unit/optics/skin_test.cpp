// The layered skin model: Kubelka's layer algebra against values worked from the closed forms
// (sinh/cosh, computed independently), identities the algebra must keep, the uninked model
// against NIST's 100 measured skins, and the healed facts SMP practice reports.
#include "smpshade/skin.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "smpshade/catalog.hpp"
#include "smpshade/colour.hpp"
#include "smpshade/difference.hpp"
#include "test_data.hpp"

namespace smpshade {
namespace {

TEST(KubelkaLayer, MatchesTheClosedFormWorkedIndependently) {
  // R = sinh(bSX) / (a sinh(bSX) + b cosh(bSX)), T = b / (...), a = 1 + K/S, b = sqrt(a² − 1);
  // the expected values were computed with those formulas directly (Python, math.sinh).
  const LayerOptics thin = kubelka_layer(1, 10, 0.1);
  EXPECT_NEAR(thin.r_top, 0.4610336233, 1e-9);
  EXPECT_NEAR(thin.t, 0.4452842133, 1e-9);
  const LayerOptics inky = kubelka_layer(50, 30, 0.01);
  EXPECT_NEAR(inky.r_top, 0.1517492991, 1e-9);
  EXPECT_NEAR(inky.t, 0.4622750852, 1e-9);
  const LayerOptics thick = kubelka_layer(0.5, 40, 1.0);
  EXPECT_NEAR(thick.r_top, 0.8538920669, 1e-9);
  EXPECT_NEAR(thick.t, 0.0004758474, 1e-9);
  // No absorption: R = SX / (1 + SX), T = 1 / (1 + SX).
  const LayerOptics clear = kubelka_layer(0, 10, 0.3);
  EXPECT_NEAR(clear.r_top, 0.75, 1e-12);
  EXPECT_NEAR(clear.t, 0.25, 1e-12);
  // A very thick layer reflects R∞ and transmits nothing.
  const LayerOptics opaque = kubelka_layer(2, 5, 100);
  EXPECT_NEAR(opaque.r_top, reflectance_from_ks(2.0 / 5.0), 1e-12);
  EXPECT_NEAR(opaque.t, 0.0, 1e-12);
}

TEST(KubelkaLayer, StacksAsWorkedByHand) {
  // R = R1 + T1² R2 / (1 − R1 R2), R' = R2 + T2² R1 / (1 − R1 R2), T = T1 T2 / (1 − R1 R2).
  const LayerOptics stack = stack_layers(kubelka_layer(1, 10, 0.1), kubelka_layer(50, 30, 0.01));
  EXPECT_NEAR(stack.r_top, 0.4933855669, 1e-9);
  EXPECT_NEAR(stack.r_bottom, 0.2576826380, 1e-9);
  EXPECT_NEAR(stack.t, 0.2213282613, 1e-9);
}

TEST(KubelkaLayer, KeepsItsIdentities) {
  // Two layers of one material, X thick each, are one layer 2X thick.
  const LayerOptics half = kubelka_layer(3, 20, 0.02);
  const LayerOptics whole = kubelka_layer(3, 20, 0.04);
  const LayerOptics stacked = stack_layers(half, half);
  EXPECT_NEAR(stacked.r_top, whole.r_top, 1e-12);
  EXPECT_NEAR(stacked.t, whole.t, 1e-12);
  // A layer on a ground of its own R∞ looks like R∞, whatever its thickness.
  const double r_inf = reflectance_from_ks(3.0 / 20.0);
  for (double x : {0.001, 0.05, 1.0}) {
    EXPECT_NEAR(reflectance_on_ground(kubelka_layer(3, 20, x), r_inf), r_inf, 1e-12);
  }
}

TEST(SkinAbsorption, FollowsJacques) {
  EXPECT_NEAR(melanin_absorption(500), 519.0, 1e-9);
  EXPECT_NEAR(melanin_absorption(700), 519.0 * std::pow(1.4, -3.5), 1e-9);
  EXPECT_NEAR(skin_baseline_absorption(154), 0.244 + 85.3, 1e-9);
}

std::vector<Bands> nist_skins() {
  std::ifstream in(std::string(SMPSHADE_SOURCE_DIR) + "/tests/data/real/nist_skin_400_700.csv");
  std::vector<Bands> skins;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == 's') continue;
    std::stringstream cells(line);
    std::string cell;
    std::getline(cells, cell, ',');  // subject
    Bands r{};
    for (int i = 0; i < kBands; ++i) {
      std::getline(cells, cell, ',');
      r[i] = std::stod(cell);
    }
    skins.push_back(r);
  }
  return skins;
}

TEST(SkinModel, ReproducesEveryNistSkinUninked) {
  const GridColorimetry colorimetry(White::D50);
  const std::vector<Bands> skins = nist_skins();
  ASSERT_EQ(skins.size(), 100u);
  double light_sum = 0, dark_sum = 0;
  int light = 0, dark = 0;
  for (const Bands& measured : skins) {
    // From the skin's Lab, as a photo gives it: the uninked stack gives the colour back.
    const Lab lab = colorimetry.lab(measured);
    const SkinOptics optics = skin_optics_from_lab(lab, colorimetry);
    EXPECT_TRUE(optics.exact) << lab.l << " " << lab.a << " " << lab.b;
    const SkinModel model(optics);
    EXPECT_LT(ciede2000(lab, colorimetry.lab(model.uninked_reflectance())), 0.01);
    // From the measured spectrum itself: band by band.
    const SkinModel spectral(skin_optics_from_reflectance(measured, colorimetry));
    const Bands back = spectral.uninked_reflectance();
    for (int i = 0; i < kBands; ++i) EXPECT_NEAR(back[i], measured[i], 1e-6);
    const double ita = ita_degrees(lab);
    if (ita > 41) light_sum += optics.melanin, ++light;
    if (ita < 10) dark_sum += optics.melanin, ++dark;
    EXPECT_GE(optics.melanin, 0.0);
    EXPECT_LE(optics.melanin, 0.6);
  }
  // Light skins hold little melanin (Jacques 1998: 1.3–6.3 %), darker skins far more.
  ASSERT_GT(light, 10);
  ASSERT_GT(dark, 3);
  EXPECT_LT(light_sum / light, 0.063);
  EXPECT_GT(dark_sum / dark, 3 * light_sum / light);
}

TEST(SkinModel, HealsLighterCoolerAndWithLessContrastOnDarkerSkin) {
  const Catalog catalog = load_catalog(std::string(SMPSHADE_SOURCE_DIR) +
                                       "/pigments/illustrative-blacks.yaml");
  const Pigment& jet = catalog.pigments.front();
  ASSERT_EQ(jet.id, "ill-jet-black");
  const PigmentModel ink = fit_pigment(jet, catalog);
  const GridColorimetry colorimetry(White::D50);
  const Lab on_card = colorimetry.lab(
      [&] { PigmentShare s{&ink.unit_ks, 1.0}; return mixture_reflectance(
                optics_for_substrate(substrate_reflectance(catalog), catalog.measurement.saunderson), &s, 1); }());
  double previous_contrast = HUGE_VAL;
  for (const Lab skin : {Lab{72, 8, 14}, Lab{60, 12, 18}, Lab{48, 13, 21}, Lab{36, 10, 15}}) {
    const SkinModel model(skin_optics_from_lab(skin, colorimetry));
    const Lab healed = colorimetry.lab(model.healed_reflectance(ink.unit_ks));
    EXPECT_GT(healed.l, on_card.l + 5) << "lighter than in the cup, on skin L* " << skin.l;
    EXPECT_LT(healed.l, skin.l) << "but darker than the skin";
    const double contrast = skin.l - healed.l;
    EXPECT_LT(contrast, previous_contrast) << "less contrast on darker skin";
    previous_contrast = contrast;
    if (skin.l > 65) {
      // Carbon black under a scattering dermis reads bluish: b* below the card's and the skin's.
      EXPECT_LT(healed.b, on_card.b);
      EXPECT_LT(healed.b, 1.0);
    }
  }
}


// A clinic's learned correction (HealedCorrection), applied to a dot's reflectance: the changed
// reflectance has exactly the corrected Lab (the overall look follows the dot), stays a
// reflectance, and leaves the skin itself (no ink) where it is.
TEST(HealedCorrection, ReflectanceReachesTheCorrectedLab) {
  const GridColorimetry colorimetry(White::D50);
  const Lab skin{62, 12, 17};
  const SkinOptics optics = skin_optics_from_lab(skin, colorimetry);
  const SkinModel model(optics, HealingParameters{});
  HealedCorrection c;
  c.inks = {"a", "b"};
  c.weights.assign(3 * c.columns(), 0.0);
  for (std::size_t k = 0; k < c.weights.size(); ++k) c.weights[k] = 0.05 * std::cos(1.7 * k);
  const double shares[] = {0.7, 0.3};
  for (double strength : {0.5, 2.0, 8.0, 30.0}) {
    Bands cup{};
    cup.fill(strength);
    const Bands layered = model.healed_reflectance(cup);
    const Lab dot = colorimetry.lab(layered);
    const Lab want = c.apply(dot, optics.lab, shares);
    const Bands corrected = corrected_reflectance(layered, optics.lab, c, shares);
    const Lab got = colorimetry.lab(corrected);
    EXPECT_NEAR(got.l, want.l, 1e-6) << strength;
    EXPECT_NEAR(got.a, want.a, 1e-6) << strength;
    EXPECT_NEAR(got.b, want.b, 1e-6) << strength;
    EXPECT_GT(ciede2000(want, dot), 0.1) << "the correction moved the dot";
    for (double r : corrected) EXPECT_TRUE(r > 0 && r < 1);
  }
  // No ink: the model's dot is the skin, d = 0, and so is the correction.
  const Lab bare = c.apply(optics.lab, optics.lab, shares);
  EXPECT_DOUBLE_EQ(bare.l, optics.lab.l);
  EXPECT_DOUBLE_EQ(bare.b, optics.lab.b);
  // Without weights nothing changes.
  EXPECT_EQ(corrected_reflectance(optics.reflectance, optics.lab, HealedCorrection{}, nullptr),
            optics.reflectance);
}

}  // namespace
}  // namespace smpshade
