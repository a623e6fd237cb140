#include "smpshade/metamerism.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "smpshade/difference.hpp"
#include "smpshade/error.hpp"

namespace smpshade {
namespace {

Spectrum at_10nm(std::vector<double> values) {
  Spectrum s;
  s.start_nm = 400;
  s.step_nm = 10;
  s.values = std::move(values);
  return s;
}

// colour-science's example pair for ISO 18314-4 (sd_to_metamerism_index), 400–700 nm at 10 nm.
const Spectrum kExampleSample = at_10nm(
    {0.0379, 0.0403, 0.0415, 0.0427, 0.045,  0.0483, 0.0521, 0.0572, 0.0624, 0.0673, 0.0777,
     0.1026, 0.1307, 0.145,  0.1484, 0.1455, 0.1375, 0.1254, 0.1099, 0.0908, 0.0698, 0.0526,
     0.0423, 0.0368, 0.0331, 0.0306, 0.0297, 0.0311, 0.034,  0.038,  0.0421});
const Spectrum kExampleStandard = at_10nm(
    {0.099,  0.1244, 0.0933, 0.0596, 0.0405, 0.0322, 0.0299, 0.0316, 0.0377, 0.0507, 0.0681,
     0.0968, 0.1522, 0.2014, 0.1991, 0.159,  0.1162, 0.0843, 0.0655, 0.057,  0.0553, 0.0582,
     0.0638, 0.0716, 0.0818, 0.0959, 0.1131, 0.1317, 0.149,  0.1656, 0.1832});

// Two batches of a warm brown at 1:3 made with other pigments (metamerism_reference.py builds
// them from logistic curves and prints them to 6 decimals).
const Spectrum kBrownSample = at_10nm(
    {0.085890, 0.087229, 0.089694, 0.093083, 0.096278, 0.097748, 0.096771, 0.094117,
     0.091364, 0.089680, 0.089322, 0.089986, 0.091310, 0.093078, 0.095179, 0.097523,
     0.100000, 0.102477, 0.104823, 0.106932, 0.108742, 0.110234, 0.111424, 0.112348,
     0.113051, 0.113577, 0.113967, 0.114252, 0.114460, 0.114611, 0.114721});
const Spectrum kBrownStandard = at_10nm(
    {0.080002, 0.080003, 0.080005, 0.080008, 0.080014, 0.080025, 0.080044, 0.080076,
     0.080133, 0.080231, 0.080402, 0.080696, 0.081203, 0.082067, 0.083512, 0.085866,
     0.089532, 0.094860, 0.101875, 0.110000, 0.118125, 0.125140, 0.130468, 0.134134,
     0.136488, 0.137933, 0.138797, 0.139304, 0.139598, 0.139769, 0.139867});

// Reference values worked by hand from the standard's formulas, independently of this library,
// by tests/unit/core/metamerism_reference.py (plain Python over data/*.csv):
//   W = [S_D50(λ) x̄(λ), S_D50(λ) ȳ(λ), S_D50(λ) z̄(λ)] at 400, 410, ..., 700 nm (31 × 3)
//   u = (WᵀW)⁻¹ Wᵀ (R_std − R_spl), by Cramer's rule; R_corr = R_spl + W u
//   check: XYZ_D50(R_corr) = XYZ_D50(R_std) to 1e-12
//   Lab under the test light relative to its white Σ S_t x̄ȳz̄ / Σ S_t ȳ (CIE 15:2004 eq. 8.1)
//   M_t = CIEDE2000(Lab_t(R_std), Lab_t(R_corr)) (Sharma et al. 2005, written out in Python)
// The script reproduces colour-science's published value for its example (D65 → A, 10°,
// ΔE*ab: 3.4766679) to 5 decimals before giving these:
//                      A        F11      LED-B3
//   example pair       2.0639   2.2997   1.2028
//   brown pair         0.8587   0.4711   0.2795
struct Expected {
  Illuminant test;
  double example, brown;
};
const Expected kExpected[] = {{Illuminant::A, 2.0639, 0.8587},
                              {Illuminant::F11, 2.2997, 0.4711},
                              {Illuminant::LedB3, 1.2028, 0.2795}};

TEST(MetamerismIndex, MatchesTheHandCalculationForTwoPairs) {
  for (const Expected& e : kExpected) {
    EXPECT_NEAR(metamerism_index(kExampleStandard, kExampleSample, e.test), e.example, 6e-4)
        << illuminant_name(e.test);
    EXPECT_NEAR(metamerism_index(kBrownStandard, kBrownSample, e.test), e.brown, 6e-4)
        << illuminant_name(e.test);
  }
}

TEST(MetamerismIndex, IsZeroForTheSameSpectrumAndUnderTheReference) {
  for (Illuminant t : metamerism_test_illuminants()) {
    EXPECT_NEAR(metamerism_index(kBrownStandard, kBrownStandard, t), 0.0, 1e-9);
  }
  // The correction makes the pair match under the reference itself.
  EXPECT_NEAR(metamerism_index(kExampleStandard, kExampleSample, Illuminant::D50), 0.0, 1e-6);
  // A pair that differs under D50 (ΔE00 2.42) is not metameric just for that: the index is what
  // changes with the light, not the difference the pair already had.
  EXPECT_GT(ciede2000(lab_under(kExampleStandard, Illuminant::D50),
                      lab_under(kExampleSample, Illuminant::D50)),
            2.0);
}

TEST(MetamerismIndex, ReadsTheSampleAtTheStandardsWavelengths) {
  // The sample at 5 nm (linearly interpolated between the 10 nm values): the same index.
  Spectrum fine;
  fine.start_nm = 400;
  fine.step_nm = 5;
  for (double nm = 400; nm <= 700; nm += 5) fine.values.push_back(kBrownSample.at(nm));
  EXPECT_NEAR(metamerism_index(kBrownStandard, fine, Illuminant::A), 0.8587, 6e-4);
}

TEST(MetamerismIndex, RefusesSpectraShortOf400To700) {
  Spectrum short_range = kBrownSample;
  short_range.values.pop_back();  // 400–690 nm
  EXPECT_THROW(metamerism_index(kBrownStandard, short_range, Illuminant::A), ArgumentError);
}

TEST(LabUnder, D50MatchesTheLibrarysSpectralColorimetry) {
  const Lab a = lab_under(kBrownStandard, Illuminant::D50);
  const Lab b = lab_from_reflectance(kBrownStandard, White::D50);
  EXPECT_NEAR(a.l, b.l, 1e-9);
  EXPECT_NEAR(a.a, b.a, 1e-9);
  EXPECT_NEAR(a.b, b.b, 1e-9);
}

}  // namespace
}  // namespace smpshade
