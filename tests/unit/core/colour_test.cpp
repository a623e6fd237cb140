#include "smpshade/colour.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "smpshade/error.hpp"

namespace smpshade {
namespace {

TEST(Colour, WhiteMapsToL100) {
  const Lab lab = lab_from_xyz(kD50, kD50);
  EXPECT_NEAR(lab.l, 100.0, 1e-12);
  EXPECT_NEAR(lab.a, 0.0, 1e-12);
  EXPECT_NEAR(lab.b, 0.0, 1e-12);
}

TEST(Colour, XyzLabRoundTripAcrossTheLinearSegment) {
  // Covers both branches of f(t): the cube root and the linear part below 216/24389.
  for (double y : {0.0001, 0.005, 0.008856, 0.2, 0.9}) {
    const Xyz xyz{0.7 * y, y, 1.2 * y};
    const Xyz back = xyz_from_lab(lab_from_xyz(xyz, kD50), kD50);
    EXPECT_NEAR(back.x, xyz.x, 1e-12);
    EXPECT_NEAR(back.y, xyz.y, 1e-12);
    EXPECT_NEAR(back.z, xyz.z, 1e-12);
  }
}

TEST(Colour, KnownLabValue) {
  // Y = 0.18 (mid grey): L* = 116·0.18^(1/3) − 16 = 49.4961 (CIE 15:2004 eq. 8.1).
  const Lab lab = lab_from_xyz({0.18 * kD50.x, 0.18, 0.18 * kD50.z}, kD50);
  EXPECT_NEAR(lab.l, 49.4961, 1e-4);
  // Y below the cut-off: L* = 903.2963·Y.
  EXPECT_NEAR(lab_from_xyz({0.001 * kD50.x, 0.001, 0.001 * kD50.z}, kD50).l, 0.9032963, 1e-6);
}

TEST(Colour, LchRoundTripAndHueRange) {
  const LCh lch = lch_from_lab({50, -10, -10});
  EXPECT_NEAR(lch.c, std::sqrt(200.0), 1e-12);
  EXPECT_NEAR(lch.h, 225.0, 1e-12);
  const Lab back = lab_from_lch(lch);
  EXPECT_NEAR(back.a, -10, 1e-12);
  EXPECT_NEAR(back.b, -10, 1e-12);
}

TEST(Colour, BradfordMatchesLindbloomMatrix) {
  // Lindbloom's published Bradford D65 → D50 matrix (brucelindbloom.com, "Chromatic Adaptation"),
  // computed with his whites D65 (0.95047, 1, 1.08883) and D50 (0.96422, 1, 0.82521). Its
  // columns are the adapted unit vectors.
  const Xyz d65{0.95047, 1.0, 1.08883};
  const Xyz d50{0.96422, 1.0, 0.82521};
  const double expected[3][3] = {{1.0478112, 0.0228866, -0.0501270},
                                 {0.0295424, 0.9904844, -0.0170491},
                                 {-0.0092345, 0.0150436, 0.7521316}};
  const Xyz units[3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  for (int column = 0; column < 3; ++column) {
    const Xyz out = bradford_adapt(units[column], d65, d50);
    EXPECT_NEAR(out.x, expected[0][column], 2e-7);
    EXPECT_NEAR(out.y, expected[1][column], 2e-7);
    EXPECT_NEAR(out.z, expected[2][column], 2e-7);
  }
}

TEST(Colour, AdaptLabKeepsNeutralsNeutralAndRoundTrips) {
  const Lab grey = adapt_lab({50, 0, 0}, White::D65, White::D50);
  EXPECT_NEAR(grey.l, 50, 1e-9);
  EXPECT_NEAR(grey.a, 0, 1e-9);
  EXPECT_NEAR(grey.b, 0, 1e-9);
  const Lab skin{62.0, 12.1, 16.3};
  const Lab back = adapt_lab(adapt_lab(skin, White::D50, White::D65), White::D65, White::D50);
  EXPECT_NEAR(back.l, skin.l, 1e-9);
  EXPECT_NEAR(back.a, skin.a, 1e-9);
  EXPECT_NEAR(back.b, skin.b, 1e-9);
  // A chromatic colour does change: the adaptation is not the identity.
  EXPECT_GT(std::fabs(adapt_lab(skin, White::D50, White::D65).b - skin.b), 0.1);
}

TEST(Colour, ParseWhite) {
  EXPECT_EQ(parse_white("d65"), White::D65);
  EXPECT_EQ(parse_white("D50"), White::D50);
  EXPECT_THROW(parse_white("A"), ArgumentError);
}

TEST(Colour, ItaAngleAndCategories) {
  EXPECT_NEAR(ita_degrees({60, 0, 10}), 45.0, 1e-12);  // atan2(10, 10)
  EXPECT_NEAR(ita_degrees({50, 0, 20}), 0.0, 1e-12);
  EXPECT_NEAR(ita_degrees({40, 0, 10}), -45.0, 1e-12);
  // Del Bino et al. (2006) boundaries: the bound itself belongs to the darker class.
  EXPECT_EQ(ita_category(56), ItaCategory::VeryLight);
  EXPECT_EQ(ita_category(55), ItaCategory::Light);
  EXPECT_EQ(ita_category(41), ItaCategory::Intermediate);
  EXPECT_EQ(ita_category(28), ItaCategory::Tan);
  EXPECT_EQ(ita_category(10), ItaCategory::Brown);
  EXPECT_EQ(ita_category(-29.9), ItaCategory::Brown);
  EXPECT_EQ(ita_category(-30), ItaCategory::Dark);
  EXPECT_EQ(ita_category_name(ItaCategory::Intermediate), "intermediate");
}

}  // namespace
}  // namespace smpshade
