// CGATS files from a third party: ArgyllCMS's reference files (Debian argyll-ref,
// /usr/share/color/argyll/ref), read through LittleCMS's IT8 parser as import reads them.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/read_text.hpp"
#include "formats/cgats/internal.hpp"
#include "smpshade/catalog_io.hpp"
#include "smpshade/colour.hpp"
#include "test_data.hpp"

namespace smpshade::detail {
namespace {

const std::string kArgyllRef = "/usr/share/color/argyll/ref/";

It8Data read_ref(const std::string& name) {
  const std::string path = kArgyllRef + name;
  return parse_cgats(read_at_most(path, 1 << 20), path, 1 << 20, true,
                     [](const std::string&) { return true; });
}

#define REQUIRE_ARGYLL_REF(file)                                                   \
  if (!std::filesystem::exists(kArgyllRef + (file))) {                           \
    GTEST_SKIP() << "argyll-ref is not installed (scripts/deps installs it)"; \
  }

std::map<int, double> cie_d50() {
  std::map<int, double> table;
  std::ifstream in(test::source_path("data/illuminant_D50.csv"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || !std::isdigit(static_cast<unsigned char>(line[0]))) continue;
    table[std::stoi(line)] = std::stod(line.substr(line.find(',') + 1));
  }
  return table;
}

// example.sp: "Argyll Example Spectral power/reflectance information (D50)": SPEC_300..SPEC_830
// declared with KEYWORD, 5 nm steps, SPECTRAL_NORM 100. Divided by its norm, it is CIE D50.
TEST(ArgyllReference, SpectralFieldsDeclaredWithKeywordAndTheirNorm) {
  REQUIRE_ARGYLL_REF("example.sp");
  const It8Data data = read_ref("example.sp");
  const It8Table table(data, "example.sp");
  ASSERT_EQ(table.rows(), 1);
  ASSERT_NE(table.property("SPECTRAL_NORM"), nullptr);
  const double norm = *cgats_number(table.property("SPECTRAL_NORM"));
  EXPECT_EQ(norm, 100.0);
  EXPECT_EQ(std::string(table.property("SPECTRAL_BANDS")), "107");
  const auto d50 = cie_d50();
  int bands = 0;
  for (std::size_t col = 0; col < table.fields().size(); ++col) {
    const auto nm = spectral_field_nm(table.fields()[col]);
    ASSERT_TRUE(nm) << table.fields()[col];
    EXPECT_EQ(*nm, 300 + 5 * bands);
    const double value = table.number(0, static_cast<int>(col)) / norm * 100.0;
    EXPECT_NEAR(value, d50.at(static_cast<int>(*nm)), 0.02) << *nm << " nm";
    ++bands;
  }
  EXPECT_EQ(bands, 107);
}

// F8.sp: 380–780 nm at 5 nm, SPECTRAL_NORM 30 (not percent: the norm is the file's own scale).
TEST(ArgyllReference, AnIlluminantAt5nmWithItsOwnNorm) {
  REQUIRE_ARGYLL_REF("F8.sp");
  const It8Data data = read_ref("F8.sp");
  const It8Table table(data, "F8.sp");
  EXPECT_EQ(*cgats_number(table.property("SPECTRAL_NORM")), 30.0);
  EXPECT_EQ(std::string(table.property("SPECTRAL_START_NM")), "380.000000");
  ASSERT_EQ(table.fields().size(), 81u);
  EXPECT_EQ(*spectral_field_nm(table.fields().front()), 380);
  EXPECT_EQ(*spectral_field_nm(table.fields().back()), 780);
}

// QPcard_202.cie holds XYZ (0–100) and Lab: Lab from its XYZ relative to the white import uses
// for D50, 2° (the ICC D50 white) is the file's own Lab to 1e-4, on all 35 patches.
TEST(ArgyllReference, XyzToLabAsImportReadsIt) {
  REQUIRE_ARGYLL_REF("QPcard_202.cie");
  const It8Data data = read_ref("QPcard_202.cie");
  const It8Table table(data, "QPcard_202.cie");
  ASSERT_EQ(table.rows(), 35);
  const int x = *table.column("XYZ_X"), l = *table.column("LAB_L");
  for (int row = 0; row < table.rows(); ++row) {
    const Xyz xyz{table.number(row, x) / 100, table.number(row, x + 1) / 100,
                  table.number(row, x + 2) / 100};
    const Lab lab = lab_from_xyz(xyz, white_point(White::D50));
    EXPECT_NEAR(lab.l, table.number(row, l), 1e-4) << table.label(row);
    EXPECT_NEAR(lab.a, table.number(row, l + 1), 1e-4) << table.label(row);
    EXPECT_NEAR(lab.b, table.number(row, l + 2), 1e-4) << table.label(row);
  }
}

// A chart reference is not a ladder: import says which row has no parts, and why.
TEST(ArgyllReference, ImportRefusesAChartWithoutPartsByRow) {
  REQUIRE_ARGYLL_REF("ColorChecker.cie");
  CgatsImportOptions options;
  options.id = "chart";
  options.supplier = "Test";
  try {
    import_cgats(kArgyllRef + "ColorChecker.cie", options);
    FAIL() << "imported";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("row 1 (sample 'A01'): no ink and diluent parts"),
              std::string::npos)
        << e.message();
    EXPECT_EQ(e.where().file, kArgyllRef + "ColorChecker.cie");
  }
}

}  // namespace
}  // namespace smpshade::detail
