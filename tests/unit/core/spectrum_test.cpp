#include "smpshade/spectrum.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "smpshade/difference.hpp"
#include "smpshade/error.hpp"
#include "test_data.hpp"

namespace smpshade {
namespace {

Spectrum flat(double value, double start = 380, double step = 10, int count = 41) {
  return Spectrum{start, step, std::vector<double>(count, value)};
}

TEST(Spectrum, InterpolatesAndHoldsEnds) {
  const Spectrum s{400, 10, {0.1, 0.3, 0.5}};
  EXPECT_DOUBLE_EQ(s.at(405), 0.2);
  EXPECT_DOUBLE_EQ(s.at(390), 0.1);
  EXPECT_DOUBLE_EQ(s.at(430), 0.5);
  EXPECT_DOUBLE_EQ(s.end_nm(), 420);
}

TEST(Spectrum, PerfectReflectorIsWhite) {
  const Lab lab = lab_from_reflectance(flat(1.0), White::D50);
  EXPECT_NEAR(lab.l, 100, 1e-9);
  EXPECT_NEAR(lab.a, 0, 1e-9);
  EXPECT_NEAR(lab.b, 0, 1e-9);
}

TEST(Spectrum, GreyReflectorHasNoChroma) {
  const Lab lab = lab_from_reflectance(flat(0.18), White::D65, Observer::Cie1964_10deg);
  EXPECT_NEAR(lab.l, 49.4961, 1e-4);
  EXPECT_NEAR(lab.a, 0, 1e-9);
  EXPECT_NEAR(lab.b, 0, 1e-9);
}

TEST(Spectrum, IlluminantWhitesMatchCie15) {
  // CIE 15:2004 table T.3 (1 nm sums, 2°): D65 0.95047, 1, 1.08883; D50 0.96422, 1, 0.82521.
  // 10°: D65 0.94811, 1, 1.07304. Summing at 10 nm over 380–780 nm moves them by ~1e-3.
  const Spectrum grid = flat(1.0);
  const Xyz d65 = illuminant_white(grid, White::D65);
  EXPECT_NEAR(d65.x, 0.95047, 1.5e-3);
  EXPECT_NEAR(d65.z, 1.08883, 1.5e-3);
  const Xyz d50 = illuminant_white(grid, White::D50);
  EXPECT_NEAR(d50.x, 0.96422, 1.5e-3);
  EXPECT_NEAR(d50.z, 0.82521, 1.5e-3);
  const Xyz d65_10 = illuminant_white(grid, White::D65, Observer::Cie1964_10deg);
  EXPECT_NEAR(d65_10.x, 0.94811, 1.5e-3);
  EXPECT_NEAR(d65_10.z, 1.07304, 1.5e-3);
  // At 1 nm over the whole table the sums reproduce CIE 15's whites to their 5 decimals.
  const Xyz fine = illuminant_white(flat(1.0, 360, 1, 471), White::D65);
  EXPECT_NEAR(fine.x, 0.95047, 1e-5);
  EXPECT_NEAR(fine.z, 1.08883, 1e-5);
}

TEST(Spectrum, BabelColorReflectancesGiveColorCheckerLab) {
  // BabelColor's average reflectances of 30 charts (2004) against X-Rite's D50 values for charts
  // made before November 2014. Different instruments and charts: agreement within 1.5 ΔE00.
  const auto spectra = test::read_csv("data/colorchecker24_babelcolor_reflectance.csv");
  const auto reference = test::read_csv("data/colorchecker24_2005.csv");
  ASSERT_EQ(reference.size(), 24u);
  ASSERT_FALSE(spectra.empty());
  const double start = std::stod(spectra[0][0]);
  const double step = std::stod(spectra[1][0]) - start;
  double sum = 0, worst = 0;
  for (std::size_t patch = 0; patch < 24; ++patch) {
    Spectrum s{start, step, {}};
    for (const auto& row : spectra) s.values.push_back(std::stod(row[patch + 1]));
    const Lab computed = lab_from_reflectance(s, White::D50);
    const Lab published{std::stod(reference[patch][2]), std::stod(reference[patch][3]),
                        std::stod(reference[patch][4])};
    const double de = ciede2000(published, computed);
    EXPECT_LT(de, 1.5) << reference[patch][1];
    sum += de;
    worst = std::max(worst, de);
  }
  std::printf("BabelColor vs X-Rite 2005 D50: mean dE00 %.3f, max %.3f\n", sum / 24, worst);
}

TEST(Spectrum, RejectsBadSpectra) {
  EXPECT_THROW(lab_from_reflectance(Spectrum{400, 10, {}}, White::D50), ArgumentError);
  EXPECT_THROW(lab_from_reflectance(Spectrum{400, 0, {0.5, 0.5}}, White::D50), ArgumentError);
  EXPECT_THROW(lab_from_reflectance(Spectrum{900, 10, {0.5, 0.5}}, White::D50), ArgumentError);
  EXPECT_THROW(lab_from_reflectance(Spectrum{400, 10, {0.5, std::nan("")}}, White::D50),
               ArgumentError);
  EXPECT_EQ(observer_from_degrees(10), Observer::Cie1964_10deg);
  EXPECT_THROW(observer_from_degrees(5), ArgumentError);
}

}  // namespace
}  // namespace smpshade
