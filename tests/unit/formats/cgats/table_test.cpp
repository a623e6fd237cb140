// CGATS files from a third party: ArgyllCMS's reference files (Debian argyll-ref,
// /usr/share/color/argyll/ref), read through LittleCMS's IT8 parser as import reads them.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/read_text.hpp"
#include "smpshade/catalog_io.hpp"
#include "smpshade/colour.hpp"
#include "test_data.hpp"

namespace smpshade::detail {
namespace {

const std::string kArgyllRef = "/usr/share/color/argyll/ref/";


#define REQUIRE_ARGYLL_REF(file)                                                   \
  if (!std::filesystem::exists(kArgyllRef + (file))) {                           \
    GTEST_SKIP() << "argyll-ref is not installed (scripts/deps installs it)"; \
  }

[[maybe_unused]] std::map<int, double> cie_d50() {
  std::map<int, double> table;
  std::ifstream in(test::source_path("data/illuminant_D50.csv"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || !std::isdigit(static_cast<unsigned char>(line[0]))) continue;
    table[std::stoi(line)] = std::stod(line.substr(line.find(',') + 1));
  }
  return table;
}

// QPcard_202.cie holds XYZ (0–100) and Lab: Lab from its XYZ relative to the white import uses
// for D50, 2° (the ICC D50 white) is the file's own Lab to 1e-4, on all 35 patches.
TEST(ArgyllReference, XyzToLabAsImportReadsIt) {
  REQUIRE_ARGYLL_REF("QPcard_202.cie");
  const std::string text = read_at_most(kArgyllRef + "QPcard_202.cie", 1 << 20);
  std::istringstream rows(text.substr(text.find("BEGIN_DATA\n") + 11));
  int patches = 0;
  for (std::string id; rows >> id && id != "END_DATA"; ++patches) {
    double x, y, z, l, a, b;
    rows >> x >> y >> z >> l >> a >> b;
    const Lab lab = lab_from_xyz({x / 100, y / 100, z / 100}, white_point(White::D50));
    EXPECT_NEAR(lab.l, l, 1e-4) << id;
    EXPECT_NEAR(lab.a, a, 1e-4) << id;
    EXPECT_NEAR(lab.b, b, 1e-4) << id;
  }
  EXPECT_EQ(patches, 35);
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
