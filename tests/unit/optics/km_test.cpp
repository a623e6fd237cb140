#include "smpshade/km.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "smpshade/difference.hpp"
#include "smpshade/error.hpp"
#include "synthetic_inks.hpp"
#include "test_data.hpp"

namespace smpshade {
namespace {

TEST(KubelkaMunk, KnownValues) {
  EXPECT_DOUBLE_EQ(ks_from_reflectance(0.5), 0.25);  // (1 − 0.5)² / (2·0.5)
  EXPECT_DOUBLE_EQ(reflectance_from_ks(0.25), 0.5);  // 1.25 − sqrt(0.0625 + 0.5)
  EXPECT_DOUBLE_EQ(reflectance_from_ks(0.0), 1.0);
}

TEST(KubelkaMunk, KsReflectanceRoundTrip) {
  for (double r = 0.001; r < 1.0; r += 0.0137) {
    EXPECT_NEAR(reflectance_from_ks(ks_from_reflectance(r)), r, 1e-12) << r;
  }
}

TEST(Saunderson, KnownValueAndRoundTrip) {
  const Saunderson s;  // k1 0.04, k2 0.6
  // 0.04 + 0.96·0.4·0.5 / (1 − 0.3)
  EXPECT_NEAR(saunderson_forward(0.5, s), 0.04 + 0.192 / 0.7, 1e-15);
  EXPECT_DOUBLE_EQ(saunderson_forward(0.0, s), 0.04);
  for (double r = 0.001; r < 1.0; r += 0.0137) {
    EXPECT_NEAR(saunderson_inverse(saunderson_forward(r, s), s), r, 1e-12) << r;
  }
  const Saunderson custom{0.02, 0.5};
  EXPECT_NEAR(saunderson_inverse(saunderson_forward(0.3, custom), custom), 0.3, 1e-12);
  // Below the surface reflection there is no R∞: held at the floor, K/S finite.
  EXPECT_EQ(saunderson_inverse(0.01, s), kMinInternalReflectance);
}

TEST(GridColorimetry, AgreesWithSpectralColorimetry) {
  const GridColorimetry grid(White::D50);
  const Bands r = test::card_reflectance();
  const Lab a = grid.lab(r);
  const Lab b = lab_from_reflectance(spectrum_from_bands(r), White::D50);
  EXPECT_NEAR(a.l, b.l, 1e-9);
  EXPECT_NEAR(a.a, b.a, 1e-9);
  EXPECT_NEAR(a.b, b.b, 1e-9);
}

TEST(Lhtss, RoundTripsSkinHairAndChartColours) {
  // ColorChecker 2014 values plus SMP-typical hair and scalp colours; LHTSS must hit each Lab
  // exactly with 0 < R < 1.
  std::vector<Lab> colours = {{24.1, 2.3, 3.9},   {15.0, 1.0, 1.5},  {62.0, 12.1, 16.3},
                              {45.0, 10.0, 18.0}, {30.0, 8.0, 14.0}, {97.0, -0.5, 2.0},
                              {5.0, 0.5, -1.0}};
  for (const auto& row : test::read_csv("data/colorchecker24_2014.csv")) {
    colours.push_back({std::stod(row[2]), std::stod(row[3]), std::stod(row[4])});
  }
  const GridColorimetry grid(White::D50);
  double worst = 0;
  for (const Lab& lab : colours) {
    const Bands r = grid.reflectance_from_lab(lab);
    for (double v : r) {
      EXPECT_GT(v, 0.0);
      EXPECT_LT(v, 1.0);
    }
    worst = std::max(worst, ciede2000(lab, grid.lab(r)));
  }
  EXPECT_LT(worst, 1e-4);
  std::printf("LHTSS round trip over %zu colours: max dE00 %.2e\n", colours.size(), worst);
}

TEST(Lhtss, RecoversSmoothSpectraCloseToTheTruth) {
  // The recovered reflectance is a metamer, not the original, but for smooth natural spectra
  // (the BabelColor chart) it stays close: mean absolute error a few percent reflectance.
  const auto spectra = test::read_csv("data/colorchecker24_babelcolor_reflectance.csv");
  const GridColorimetry grid(White::D50);
  double total_error = 0;
  int samples = 0;
  for (int patch = 0; patch < 24; ++patch) {
    Spectrum s{380, 10, {}};
    for (const auto& row : spectra) s.values.push_back(std::stod(row[patch + 1]));
    const Bands truth = bands_from_spectrum(s);
    const Bands recovered = grid.reflectance_from_lab(grid.lab(truth));
    for (int i = 0; i < kBands; ++i) {
      total_error += std::fabs(recovered[i] - truth[i]);
      ++samples;
    }
  }
  const double mean_error = total_error / samples;
  std::printf("LHTSS vs BabelColor spectra: mean |dR| %.4f\n", mean_error);
  EXPECT_LT(mean_error, 0.03);
}

TEST(Lhtss, RefusesColoursNoSurfaceHas) {
  const GridColorimetry grid(White::D50);
  EXPECT_THROW(grid.reflectance_from_lab({50, 150, -150}), InputError);
  EXPECT_THROW(grid.reflectance_from_lab({100, 0, 30}), InputError);  // white but yellow
}

TEST(YuleNielsen, EndsAndLinearCase) {
  const Bands skin = test::card_reflectance();
  Bands dot{};
  dot.fill(0.1);
  const Bands none = yule_nielsen_reflectance(skin, dot, 0.0);
  const Bands all = yule_nielsen_reflectance(skin, dot, 1.0);
  const Bands half_linear = yule_nielsen_reflectance(skin, dot, 0.5, 1.0);
  const Bands half = yule_nielsen_reflectance(skin, dot, 0.5, 2.0);
  for (int i = 0; i < kBands; ++i) {
    EXPECT_NEAR(none[i], skin[i], 1e-12);
    EXPECT_NEAR(all[i], dot[i], 1e-12);
    EXPECT_NEAR(half_linear[i], (skin[i] + dot[i]) / 2, 1e-12);
    // n = 2: ((√a + √b)/2)², below the linear average (optical dot gain).
    EXPECT_NEAR(half[i], std::pow((std::sqrt(skin[i]) + std::sqrt(0.1)) / 2, 2), 1e-12);
    EXPECT_LT(half[i], half_linear[i]);
  }
}

TEST(PigmentFit, RecoversKnownUnitKsFromSpectralLadders) {
  const Catalog catalog = test::synthetic_catalog(true);
  const Bands truth[3] = {test::black_ks(), test::red_ks(), test::yellow_ks()};
  for (int p = 0; p < 3; ++p) {
    const PigmentModel model = fit_pigment(catalog.pigments[p], catalog);
    for (int i = 0; i < kBands; ++i) {
      EXPECT_NEAR(model.unit_ks[i], truth[p][i], 1e-6 * truth[p][i]) << model.id << " band " << i;
    }
    EXPECT_LT(model.fit_max_de00, 1e-6);
    EXPECT_EQ(model.diluent_id, "distilled-water");
  }
}

TEST(PigmentFit, LabOnlyLaddersRepredictTheirOwnSteps) {
  const Catalog catalog = test::synthetic_catalog(false);
  for (const Pigment& pigment : catalog.pigments) {
    const PigmentModel model = fit_pigment(pigment, catalog);
    std::printf("Lab-only fit %s: mean dE00 %.3f, max %.3f\n", model.id.c_str(),
                model.fit_mean_de00, model.fit_max_de00);
    EXPECT_LT(model.fit_mean_de00, 1.0) << model.id;
  }
}

TEST(PigmentFit, EmptyLadderIsAnError) {
  Catalog catalog = test::synthetic_catalog(true);
  catalog.pigments[0].ladder.clear();
  EXPECT_THROW(fit_pigment(catalog.pigments[0], catalog), InputError);
}

}  // namespace
}  // namespace smpshade
