#include "smpshade/difference.hpp"

#include <gtest/gtest.h>

#include "smpshade/error.hpp"
#include "test_data.hpp"

namespace smpshade {
namespace {

struct SharmaPair {
  int pair;
  Lab first, second;
  double de00;
};

std::vector<SharmaPair> sharma_pairs() {
  std::vector<SharmaPair> pairs;
  for (const auto& row : test::read_csv("tests/data/ciede2000_sharma.csv")) {
    pairs.push_back({std::stoi(row[0]),
                     {std::stod(row[1]), std::stod(row[2]), std::stod(row[3])},
                     {std::stod(row[4]), std::stod(row[5]), std::stod(row[6])},
                     std::stod(row[7])});
  }
  return pairs;
}

TEST(Ciede2000, SharmaWuDalalTable) {
  const auto pairs = sharma_pairs();
  ASSERT_EQ(pairs.size(), 34u);
  for (const auto& p : pairs) {
    // The table gives ΔE00 to 4 decimals; the formula is symmetric in its two colours.
    EXPECT_NEAR(ciede2000(p.first, p.second), p.de00, 1e-4) << "pair " << p.pair;
    EXPECT_NEAR(ciede2000(p.second, p.first), p.de00, 1e-4) << "pair " << p.pair << " swapped";
  }
}

TEST(Ciede2000, BreakdownComponentsRecombine) {
  // Away from the blue region RT ≈ 0, so ΔE00² = ΔL² + ΔC² + ΔH².
  const Lab reference{24.1, 2.3, 3.9};
  const Lab sample{24.6, 1.9, 3.1};
  const De2000 d = ciede2000_breakdown(reference, sample);
  EXPECT_GT(d.dl, 0);  // sample lighter
  EXPECT_LT(d.dc, 0);  // sample less chromatic
  EXPECT_NEAR(d.de00 * d.de00, d.dl * d.dl + d.dc * d.dc + d.dh * d.dh, 1e-6);
}

TEST(Ciede2000, ParametricFactorsScaleLightness) {
  const Lab a{50, 0, 0}, b{55, 0, 0};
  EXPECT_NEAR(ciede2000(a, b, {2, 1, 1}), ciede2000(a, b) / 2, 1e-12);
}

// colour-science's documented example (colour.difference, v0.3.x): Lab1 as the reference.
const Lab kColourScience1{100.0, 21.57210357, 272.22819350};
const Lab kColourScience2{100.0, 426.67945353, 72.39590835};

TEST(DeltaE, Cie1976) {
  EXPECT_NEAR(delta_e76(kColourScience1, kColourScience2), 451.7133019, 1e-6);
}
TEST(DeltaE, Cie1994GraphicArts) {
  EXPECT_NEAR(delta_e94(kColourScience1, kColourScience2), 83.7792255, 1e-6);
}
TEST(DeltaE, Cmc21) {
  EXPECT_NEAR(delta_e_cmc(kColourScience1, kColourScience2, 2, 1), 172.7047712, 1e-6);
}
TEST(DeltaE, Cie2000OnColourScienceExample) {
  EXPECT_NEAR(ciede2000(kColourScience1, kColourScience2), 94.0356490, 1e-6);
}

TEST(DeltaE, ZeroForIdenticalColours) {
  const Lab c{37.5, 14.4, 14.9};
  const Comparison cmp = compare(c, c);
  EXPECT_EQ(cmp.de2000.de00, 0);
  EXPECT_EQ(cmp.de76, 0);
  EXPECT_EQ(cmp.de94, 0);
  EXPECT_EQ(cmp.decmc, 0);
}

TEST(DeltaE, De00InWordsOnTheCitedScale) {
  EXPECT_STREQ(de00_in_words(0.0), "not perceptible");
  EXPECT_STREQ(de00_in_words(0.99), "not perceptible");
  EXPECT_STREQ(de00_in_words(1.0), "perceptible on close look");
  EXPECT_STREQ(de00_in_words(2.0), "perceptible at a glance");
  EXPECT_STREQ(de00_in_words(3.49), "perceptible at a glance");
  EXPECT_STREQ(de00_in_words(3.5), "clear difference");
  EXPECT_STREQ(de00_in_words(5.0), "different colours");
  EXPECT_STREQ(de00_in_words(27.0), "different colours");
}

TEST(DeltaE, MetricNamesRoundTrip) {
  for (Metric m : {Metric::De00, Metric::De76, Metric::De94, Metric::Cmc}) {
    EXPECT_EQ(parse_metric(metric_name(m)), m);
  }
  EXPECT_THROW(parse_metric("de2000"), ArgumentError);
}

TEST(Summary, MeanMaxAndPercentile) {
  // numpy.percentile([1..20], 95) = 19.05 (linear interpolation, type 7).
  std::vector<double> values;
  for (int i = 20; i >= 1; --i) values.push_back(i);
  const DifferenceSummary s = summarize(values);
  EXPECT_EQ(s.count, 20u);
  EXPECT_DOUBLE_EQ(s.mean, 10.5);
  EXPECT_DOUBLE_EQ(s.max, 20);
  EXPECT_NEAR(s.p95, 19.05, 1e-12);
  EXPECT_EQ(summarize({}).count, 0u);
}

}  // namespace
}  // namespace smpshade
