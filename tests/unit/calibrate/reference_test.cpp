// Chart references: the built-in X-Rite tables, and a chart's own values from CGATS.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "smpshade/calibrate.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/error.hpp"
#include "test_data.hpp"
#include "test_images.hpp"

namespace smpshade {
namespace {

TEST(ChartReference, BuiltInReferencesAreTheDataTables) {
  for (const auto& [name, file] : {std::pair{"colorchecker-2014", "data/colorchecker24_2014.csv"},
                                   {"colorchecker-2005", "data/colorchecker24_2005.csv"}}) {
    const ChartReference reference = builtin_chart_reference(name);
    const auto rows = test::read_csv(file);
    ASSERT_EQ(reference.patches.size(), 24u);
    ASSERT_EQ(rows.size(), 24u);
    for (std::size_t i = 0; i < 24; ++i) {
      EXPECT_EQ(reference.patches[i].name, rows[i][1]);
      EXPECT_DOUBLE_EQ(reference.patches[i].lab.l, std::stod(rows[i][2]));
      EXPECT_DOUBLE_EQ(reference.patches[i].lab.a, std::stod(rows[i][3]));
      EXPECT_DOUBLE_EQ(reference.patches[i].lab.b, std::stod(rows[i][4]));
    }
    EXPECT_NE(reference.source.find("X-Rite"), std::string::npos);
  }
  EXPECT_THROW(builtin_chart_reference("colorchecker-1976"), ArgumentError);
}

// A chart's own measurements, exported column by column with SAMPLE_IDs A1..D6: read back in
// patch order, with their names.
TEST(ChartReference, ReadsAChartsOwnValuesFromCgats) {
  const ChartReference file = chart_reference_from_cgats(
      test::source_path("tests/data/chart/colorchecker-2005-by-columns.cgats"));
  const ChartReference published = builtin_chart_reference("colorchecker-2005");
  ASSERT_EQ(file.patches.size(), 24u);
  for (std::size_t i = 0; i < 24; ++i) {
    EXPECT_EQ(file.patches[i].name, published.patches[i].name);
    EXPECT_DOUBLE_EQ(file.patches[i].lab.l, published.patches[i].lab.l);
    EXPECT_DOUBLE_EQ(file.patches[i].lab.a, published.patches[i].lab.a);
    EXPECT_DOUBLE_EQ(file.patches[i].lab.b, published.patches[i].lab.b);
  }
  EXPECT_EQ(chart_reference("colorchecker-2005").patches[23].lab.l, published.patches[23].lab.l);
}

// XYZ in percent for D65, in file order: adapted to D50 by Bradford on the way in.
TEST(ChartReference, ReadsXyzForD65FromCgats) {
  const ChartReference published = builtin_chart_reference("colorchecker-2014");
  std::string text =
      "CGATS.17\nILLUMINATION_NAME\t\"D65\"\nNUMBER_OF_FIELDS\t4\nBEGIN_DATA_FORMAT\n"
      "SAMPLE_ID\tXYZ_X\tXYZ_Y\tXYZ_Z\nEND_DATA_FORMAT\nNUMBER_OF_SETS\t24\nBEGIN_DATA\n";
  for (std::size_t i = 0; i < 24; ++i) {
    const Xyz xyz = xyz_from_lab(adapt_lab(published.patches[i].lab, White::D50, White::D65), kD65);
    char row[128];
    std::snprintf(row, sizeof row, "%zu\t%.6f\t%.6f\t%.6f\n", i + 1, 100 * xyz.x, 100 * xyz.y,
                  100 * xyz.z);
    text += row;
  }
  text += "END_DATA\n";
  const std::string path = ::testing::TempDir() + "chart_xyz_d65.cgats";
  test::write_bytes(path, std::vector<unsigned char>(text.begin(), text.end()));
  const ChartReference file = chart_reference_from_cgats(path);
  for (std::size_t i = 0; i < 24; ++i) {
    EXPECT_LT(ciede2000(published.patches[i].lab, file.patches[i].lab), 1e-4) << i;
    EXPECT_EQ(file.patches[i].name, published.patches[i].name);
  }
  // 23 rows: not a ColorChecker.
  const std::string short_text = text.substr(0, text.rfind("24\t")) + "END_DATA\n";
  std::string fewer = short_text;
  fewer.replace(fewer.find("NUMBER_OF_SETS\t24"), 17, "NUMBER_OF_SETS\t23");
  test::write_bytes(path, std::vector<unsigned char>(fewer.begin(), fewer.end()));
  try {
    chart_reference_from_cgats(path);
    ADD_FAILURE() << "23 patches accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, path);
    EXPECT_NE(e.message().find("24 patches"), std::string::npos) << e.message();
  }
  EXPECT_THROW(chart_reference_from_cgats(path + ".missing"), Error);
}

}  // namespace
}  // namespace smpshade
