#include <gtest/gtest.h>
#include <algorithm>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "smpshade/catalog_io.hpp"
#include "smpshade/catalog_lint.hpp"
#include "smpshade/difference.hpp"
#include "test_data.hpp"

namespace smpshade {
namespace {

using test::source_path;

std::string data(const std::string& name) { return source_path("tests/data/catalog/" + name); }

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

CgatsImportOptions jet_options() {
  CgatsImportOptions options;
  options.id = "exp-jet";
  options.ci = {"PBk7"};
  options.cas = {"1333-86-4"};
  options.supplier = "Example Pigment Co.";
  return options;
}

// tests/data/catalog/ladder*.cgats are the bundled Jet Black ladder as a spectrophotometer
// exports it (percent reflectance, 2 decimals): importing gives the catalogue's values back.
const Catalog& bundled_blacks() {
  static const Catalog c = load_catalog(source_path("pigments/illustrative-blacks.yaml"));
  return c;
}

TEST(CgatsImport, ReadsASpectroLadderWithLabAndSpectra) {
  const Catalog c = import_cgats(data("ladder.cgats"), jet_options());
  const Catalog& reference = bundled_blacks();
  const Pigment& jet = reference.pigments[0];
  EXPECT_EQ(c.file, data("ladder.cgats"));
  EXPECT_EQ(c.measurement.instrument, "X-Rite i1Pro 3");
  EXPECT_EQ(c.measurement.illuminant, White::D50);
  EXPECT_EQ(c.measurement.observer, Observer::Cie1931_2deg);
  EXPECT_EQ(c.measurement.substrate.name, "card");
  ASSERT_TRUE(c.measurement.substrate.colour.lab && c.measurement.substrate.colour.spectrum);
  EXPECT_EQ(*c.measurement.substrate.colour.lab, *reference.measurement.substrate.colour.lab);
  ASSERT_EQ(c.pigments.size(), 1u);
  const Pigment& p = c.pigments[0];
  EXPECT_EQ(p.id, "exp-jet");
  EXPECT_EQ(p.name, "exp-jet");  // the sample names differ ("Jet (a)", "Jet"): the id is used
  EXPECT_EQ(p.ci, std::vector<std::string>{"PBk7"});
  ASSERT_EQ(p.ladder.size(), jet.ladder.size());
  for (std::size_t i = 0; i < p.ladder.size(); ++i) {
    EXPECT_EQ(p.ladder[i].ink_parts, jet.ladder[i].ink_parts);
    EXPECT_EQ(p.ladder[i].diluent_parts, jet.ladder[i].diluent_parts);
    // 1:3 was measured twice, ±0.05 L* and ±0.04 % apart: the average is the original.
    EXPECT_NEAR(p.ladder[i].colour.lab->l, jet.ladder[i].colour.lab->l, 1e-9) << i;
    EXPECT_NEAR(p.ladder[i].colour.lab->a, jet.ladder[i].colour.lab->a, 1e-9) << i;
    EXPECT_NEAR(p.ladder[i].colour.lab->b, jet.ladder[i].colour.lab->b, 1e-9) << i;
    const auto& got = p.ladder[i].colour.spectrum->values;
    const auto& want = jet.ladder[i].colour.spectrum->values;
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-9) << i << k;
  }
}

TEST(CgatsImport, TheYamlItWritesLoadsBackAndLintsClean) {
  CgatsImportOptions options = jet_options();
  options.name = "Jet \"Deep\"";
  options.supplier = "Example Pigment Co.";
  options.lot = "B-7";
  const Catalog imported = import_cgats(data("ladder.cgats"), options);
  const std::string yaml = catalog_to_yaml(imported, "Imported from ladder.cgats");
  const LintResult lint = lint_catalog_text(yaml, "imported.yaml", {"2026-01-01"});
  for (const auto& d : lint.diagnostics) ADD_FAILURE() << d.str() << "\n" << yaml;
  const Catalog back = load_catalog_text(yaml, "imported.yaml");
  EXPECT_EQ(back.supplier, "Example Pigment Co.");
  EXPECT_EQ(back.measurement.instrument, imported.measurement.instrument);
  ASSERT_EQ(back.pigments.size(), 1u);
  EXPECT_EQ(back.pigments[0].name, "Jet \"Deep\"");
  EXPECT_EQ(back.pigments[0].lot, "B-7");
  ASSERT_EQ(back.pigments[0].ladder.size(), imported.pigments[0].ladder.size());
  for (std::size_t i = 0; i < back.pigments[0].ladder.size(); ++i) {
    const auto& a = imported.pigments[0].ladder[i].colour;
    const auto& b = back.pigments[0].ladder[i].colour;
    EXPECT_NEAR(a.lab->l, b.lab->l, 5e-5);
    for (std::size_t k = 0; k < a.spectrum->values.size(); ++k) {
      EXPECT_NEAR(a.spectrum->values[k], b.spectrum->values[k], 5e-7);
    }
  }
}

TEST(CgatsImport, PartsFromFieldsAndSpectraWithoutLab) {
  const Catalog c = import_cgats(data("ladder-parts.cgats"), jet_options());
  const Pigment& p = c.pigments[0];
  EXPECT_EQ(p.name, "Jet");  // every sample is named "Jet"
  EXPECT_EQ(c.measurement.substrate.name, "card");
  EXPECT_EQ(c.measurement.instrument, "spectrophotometer 45/0");
  ASSERT_EQ(p.ladder.size(), 6u);
  EXPECT_EQ(p.ladder[5].diluent_parts, 20);
  for (std::size_t i = 0; i < p.ladder.size(); ++i) {
    EXPECT_FALSE(p.ladder[i].colour.lab);
    const Lab lab = measured_lab(p.ladder[i].colour, c.measurement);
    EXPECT_NEAR(lab.l, bundled_blacks().pigments[0].ladder[i].colour.lab->l, 0.01);
  }
}

TEST(CgatsImport, AcceptsSpecFieldNamesAndD65) {
  std::string text = read(data("ladder-parts.cgats"));
  for (std::size_t at; (at = text.find("SPECTRAL_")) != std::string::npos;) {
    text.replace(at, 9, "SPEC_");
  }
  text.insert(text.find("NUMBER_OF_FIELDS"),
              "ILLUMINATION_NAME\t\"D65\"\nOBSERVER_ANGLE\t\"10\"\n");
  const Catalog c = import_cgats_text(text, "spec.cgats", jet_options());
  EXPECT_EQ(c.measurement.illuminant, White::D65);
  EXPECT_EQ(c.measurement.observer, Observer::Cie1964_10deg);
  EXPECT_EQ(c.pigments[0].ladder.size(), 6u);
}

TEST(CgatsImport, LabThatDisagreesWithItsSpectrumIsRefused) {
  std::string text = read(data("ladder.cgats"));
  text.replace(text.find("\t95.24\t"), 7, "\t90.24\t");  // the card's L*
  try {
    import_cgats_text(text, "typo.cgats", jet_options());
    FAIL() << "imported";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, "typo.cgats");
    EXPECT_NE(e.message().find("row 1 (sample 'card 0:1')"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("ILLUMINATION_NAME"), std::string::npos) << e.message();
  }
}

// Malformed files: an error naming the file (and row), never an empty or partial pigment.
struct BadFile {
  const char* file;
  const char* message_part;
};

void PrintTo(const BadFile& bad, std::ostream* out) { *out << bad.file; }

class CgatsBadFile : public testing::TestWithParam<BadFile> {};

TEST_P(CgatsBadFile, IsAnErrorNamingTheFile) {
  const std::string path = data(GetParam().file);
  try {
    import_cgats(path, jet_options());
    FAIL() << "imported " << path;
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, path);
    EXPECT_NE(e.message().find(GetParam().message_part), std::string::npos) << e.message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Files, CgatsBadFile,
    testing::Values(BadFile{"bad-sets.cgats", "NUMBER_OF_SETS was 9, found 7"},
                    BadFile{"truncated.cgats", "the file is truncated"},
                    BadFile{"no-colour.cgats", "no XYZ_X/XYZ_Y/XYZ_Z and no spectral fields"},
                    BadFile{"no-parts.cgats", "row 1 (sample 'card'): no ink and diluent parts"},
                    BadFile{"no-substrate.cgats", "no substrate"},
                    BadFile{"bad-number.cgats", "row 6 (sample 'Jet'): SPECTRAL_410 is 'n/a'"},
                    BadFile{"not-cgats.cgats", "not a CGATS.17"}),
    [](const testing::TestParamInfo<BadFile>& param) {
      std::string name = param.param.file;
      name = name.substr(0, name.find('.'));
      for (char& c : name) c = c == '-' ? '_' : c;
      return name;
    });

TEST(CgatsImport, EveryTruncationIsAnErrorNotAPartialPigment) {
  const std::string text = read(data("ladder-parts.cgats"));
  const std::size_t data_start = text.find("BEGIN_DATA\n");
  const std::size_t data_end = text.find("END_DATA\n", data_start + 11);
  ASSERT_NE(data_end, std::string::npos);
  for (std::size_t cut = data_start; cut < data_end; cut += 7) {
    EXPECT_THROW(import_cgats_text(text.substr(0, cut), "cut.cgats", jet_options()), InputError)
        << "cut at " << cut;
  }
}

TEST(CgatsImport, FractionsInSpectralFieldsAreRefused) {
  std::string text = read(data("ladder-parts.cgats"));
  std::istringstream in(text);
  std::string out;
  bool in_data = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "END_DATA") in_data = false;
    if (in_data) {
      std::istringstream cells(line);
      std::string cell, row;
      for (int column = 0; std::getline(cells, cell, '\t'); ++column) {
        if (column >= 4) cell = std::to_string(std::stod(cell) / 100.0);
        row += (column ? "\t" : "") + cell;
      }
      line = row;
    }
    if (line == "BEGIN_DATA") in_data = true;
    out += line + "\n";
  }
  // Fractions of 1 are recognised (no value over 2, no SPECTRAL_NORM): the same pigment.
  CgatsImportOptions options = jet_options();
  options.supplier = "Test";
  CgatsImportReport report;
  options.report = &report;
  const Catalog fractions = import_cgats_text(out, "fractions.cgats", options);
  options.report = nullptr;
  const Catalog percent = import_cgats(data("ladder-parts.cgats"), options);
  ASSERT_EQ(fractions.pigments[0].ladder.size(), percent.pigments[0].ladder.size());
  for (std::size_t i = 0; i < percent.pigments[0].ladder.size(); ++i) {
    const auto& a = fractions.pigments[0].ladder[i].colour.spectrum->values;
    const auto& b = percent.pigments[0].ladder[i].colour.spectrum->values;
    for (std::size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(a[k], b[k], 1e-6);
  }
  ASSERT_FALSE(report.notes.empty());
  EXPECT_NE(report.notes[0].find("read as fractions"), std::string::npos) << report.notes[0];
}

TEST(CgatsImport, NeedsAnId) {
  EXPECT_THROW(import_cgats(data("ladder.cgats"), {}), ArgumentError);
  CgatsImportOptions bad = jet_options();
  bad.id = "Exp Jet";
  try {
    import_cgats(data("ladder.cgats"), bad);
    FAIL() << "imported";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("did you mean 'exp-jet'"), std::string::npos) << e.message();
  }
}

// LittleCMS's parser runs in a child process by default (CgatsImportOptions::isolate_parser):
// the result is the same as parsing here, and a crash in the child is an InputError.
TEST(CgatsIsolation, TheChildParsesAsThisProcessWould) {
  CgatsImportOptions here = jet_options();
  here.isolate_parser = false;
  for (const char* file : {"ladder.cgats", "ladder-parts.cgats"}) {
    const Catalog a = import_cgats(data(file), jet_options());
    const Catalog b = import_cgats(data(file), here);
    EXPECT_EQ(catalog_to_yaml(a), catalog_to_yaml(b)) << file;
    ASSERT_EQ(a.pigments.size(), 1u);
    ASSERT_EQ(a.pigments[0].ladder.size(), b.pigments[0].ladder.size());
    for (std::size_t i = 0; i < a.pigments[0].ladder.size(); ++i) {
      // Exactly equal, not just to the YAML's decimals (ladder-parts.cgats has no Lab fields).
      const MeasuredColour& x = a.pigments[0].ladder[i].colour;
      const MeasuredColour& y = b.pigments[0].ladder[i].colour;
      EXPECT_TRUE(x.lab == y.lab) << file << " step " << i;
      ASSERT_EQ(x.spectrum.has_value(), y.spectrum.has_value()) << file << " step " << i;
      if (x.spectrum) {
        EXPECT_EQ(x.spectrum->values, y.spectrum->values) << file << " step " << i;
      }
    }
  }
  // Errors from inside the child come back with LittleCMS's words and the row.
  for (const char* file : {"bad-sets.cgats", "bad-number.cgats", "not-cgats.cgats"}) {
    std::string isolated, local;
    try {
      import_cgats(data(file), jet_options());
    } catch (const InputError& e) {
      isolated = e.what();
    }
    try {
      import_cgats(data(file), here);
    } catch (const InputError& e) {
      local = e.what();
    }
    EXPECT_FALSE(isolated.empty()) << file;
    EXPECT_EQ(isolated, local) << file;
  }
}

TEST(CgatsIsolation, AChildThatCrashesIsAnInputErrorNamingTheFile) {
  ASSERT_EQ(setenv("SMPSHADE_TEST_CGATS_PARSER_CRASH", "1", 1), 0);
  std::string message, file;
  try {
    import_cgats(data("ladder.cgats"), jet_options());
  } catch (const InputError& e) {
    message = e.message();
    file = e.where().file;
  }
  unsetenv("SMPSHADE_TEST_CGATS_PARSER_CRASH");
  EXPECT_EQ(message, "CGATS parser crashed on this file (Aborted)");
  EXPECT_EQ(file, data("ladder.cgats"));
  // This process is fine, and so is the next import.
  EXPECT_EQ(import_cgats(data("ladder.cgats"), jet_options()).pigments.size(), 1u);
}

TEST(CgatsIsolation, FileSizeLimitIsTheCallers) {
  CgatsImportOptions options = jet_options();
  options.limits.max_file_bytes = 1024;
  try {
    import_cgats(data("ladder.cgats"), options);
    ADD_FAILURE() << "a file over the limit was imported";
  } catch (const InputError& e) {
    EXPECT_EQ(e.message(), "the file is over 1 KiB: not a spectrophotometer export");
  }
  EXPECT_THROW(import_cgats_text(read(data("ladder.cgats")), "x.cgats", options), InputError);
  options.limits.max_file_bytes = 4096;
  EXPECT_EQ(import_cgats(data("ladder.cgats"), options).pigments.size(), 1u);
}


// ---------------------------------------------------------------------------------------------
// Instrument shapes and --into: tests/data/catalog/instruments/ holds the bundled Jet Black
// ladder as four instruments export it (make-instrument-files there says how), without a bare
// card: added to a copy of the bundled blacks under a new id, each must give the bundled ladder.

std::string instrument(const std::string& name) { return data("instruments/" + name); }

// A copy of the bundled blacks catalogue in a scratch folder.
std::string blacks_copy(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "smpshade_into/";
  std::filesystem::create_directories(dir);
  const std::string path = dir + name;
  std::filesystem::copy_file(source_path("pigments/illustrative-blacks.yaml"), path,
                             std::filesystem::copy_options::overwrite_existing);
  return path;
}

CgatsImportOptions new_jet() {
  CgatsImportOptions options;
  options.id = "new-jet";
  options.ci = {"PBk7"};
  return options;
}

TEST(CgatsInto, EachInstrumentShapeGivesTheBundledLadderBack) {
  const Pigment& jet = bundled_blacks().pigments[0];
  for (const char* file : {"argyll.ti3", "i1profiler.txt", "nm5.txt"}) {
    SCOPED_TRACE(file);
    const std::string path = blacks_copy("shapes.yaml");
    CgatsImportReport report;
    CgatsImportOptions options = new_jet();
    options.report = &report;
    const CatalogAddition added = add_cgats_to_catalog(instrument(file), path, options);
    EXPECT_FALSE(added.reformatted) << added.why_reformatted;
    const Catalog c = load_catalog_text(added.yaml, path);
    const auto found = std::find_if(c.pigments.begin(), c.pigments.end(),
                                    [](const Pigment& q) { return q.id == "new-jet"; });
    ASSERT_NE(found, c.pigments.end());
    const Pigment* p = &*found;
    ASSERT_EQ(p->ladder.size(), jet.ladder.size());
    for (std::size_t i = 0; i < jet.ladder.size(); ++i) {
      const Spectrum& got = *p->ladder[i].colour.spectrum;
      const Spectrum& want = *jet.ladder[i].colour.spectrum;
      // Resampled onto the catalogue's grid, 400–700 nm at 10 nm, whatever the file's.
      EXPECT_EQ(got.start_nm, 400);
      EXPECT_EQ(got.step_nm, 10);
      ASSERT_EQ(got.values.size(), want.values.size());
      for (std::size_t k = 0; k < want.values.size(); ++k) {
        EXPECT_NEAR(got.values[k], want.values[k], 2e-5) << i << " " << k;
      }
      // Lab: as given (i1Profiler, nm5), else from XYZ relative to the ICC D50 white
      // (ArgyllCMS; QPcard_202.cie checks that convention to 1e-4). The generator summed the
      // .ti3's XYZ over 400–700 nm at 10 nm, whose white is not quite the ICC one: 0.2 ΔE00.
      ASSERT_TRUE(p->ladder[i].colour.lab);
      const bool from_xyz = std::string(file) == "argyll.ti3";
      EXPECT_LT(ciede2000(*p->ladder[i].colour.lab, *jet.ladder[i].colour.lab),
                from_xyz ? 0.2 : 0.02)
          << i;
    }
    // The catalogue's measurement, not the file's.
    EXPECT_EQ(c.measurement.substrate.name, "white card");
    EXPECT_EQ(c.supplier, "smpshade (illustrative)");
  }
}

TEST(CgatsInto, KeepsTheFileAsWrittenAndAppendsThePigment) {
  const std::string path = blacks_copy("keep.yaml");
  const std::string before = read(path);
  const CatalogAddition added = add_cgats_to_catalog(instrument("i1profiler.txt"), path, new_jet());
  ASSERT_FALSE(added.reformatted);
  ASSERT_EQ(added.yaml.compare(0, before.size(), before), 0) << "the original text changed";
  EXPECT_EQ(added.yaml.substr(before.size(), 16), "  - id: new-jet\n");
  EXPECT_EQ(read(path), before) << "add_cgats_to_catalog writes nothing itself";
  const LintResult lint = lint_catalog_text(added.yaml, path);
  EXPECT_EQ(lint.errors(), 0u);
}

TEST(CgatsInto, ReplicatesAreAveragedAndTheirSpreadReported) {
  CgatsImportReport report;
  CgatsImportOptions options = new_jet();
  options.report = &report;
  add_cgats_to_catalog(instrument("nm5.txt"), blacks_copy("reps.yaml"), options);
  ASSERT_EQ(report.replicates.size(), 1u);
  EXPECT_EQ(report.replicates[0].count, 3);
  EXPECT_EQ(report.replicates[0].diluent_parts, 3);
  EXPECT_GT(report.replicates[0].spread, 0.01);
  EXPECT_LT(report.replicates[0].spread, kReplicateTolerance);
  EXPECT_TRUE(report.warnings.empty());

  CgatsImportReport bad;
  options.report = &bad;
  add_cgats_to_catalog(instrument("replicates.txt"), blacks_copy("reps2.yaml"), options);
  ASSERT_EQ(bad.replicates.size(), 1u);
  EXPECT_GT(bad.replicates[0].spread, kReplicateTolerance);
  ASSERT_EQ(bad.warnings.size(), 1u);
  EXPECT_NE(bad.warnings[0].find("1:3: 2 replicates (rows 3, 4) averaged, spread ΔE00"),
            std::string::npos)
      << bad.warnings[0];
}

TEST(CgatsInto, RefusesWhatDoesNotFit) {
  struct Case {
    std::string cgats, text;
  };
  const std::string path = blacks_copy("refuse.yaml");
  const std::string before = read(path);
  std::string d65 = read(instrument("i1profiler.txt"));
  d65.replace(d65.find("\"D50\""), 5, "\"D65\"");
  const std::string d65_path = ::testing::TempDir() + "smpshade_into/d65.txt";
  std::ofstream(d65_path) << d65;
  for (const Case& c : {Case{instrument("short-range.txt"),
                             "the spectral fields cover 410–700 nm; the catalogue's spectra need "
                             "400–700 nm"},
                        Case{d65_path, "measured for D65, 2° but " + path +
                                           " is measured for D50, 2°"}}) {
    try {
      add_cgats_to_catalog(c.cgats, path, new_jet());
      FAIL() << c.cgats;
    } catch (const InputError& e) {
      EXPECT_NE(e.message().find(c.text), std::string::npos) << e.message();
    }
  }
  CgatsImportOptions taken = new_jet();
  taken.id = "ill-jet-black";
  try {
    add_cgats_to_catalog(instrument("nm5.txt"), path, taken);
    FAIL() << "added twice";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("already has a pigment 'ill-jet-black'"), std::string::npos)
        << e.message();
  }
  EXPECT_EQ(read(path), before);
}

TEST(CgatsInto, ACatalogueWhosePigmentsAreNotLastIsRewrittenAndSaysSo) {
  const std::string path = blacks_copy("order.yaml");
  std::string text = read(path);
  const std::size_t diluents = text.find("diluents:\n");
  const std::size_t pigments = text.find("pigments:\n");
  const std::string block = text.substr(diluents, pigments - diluents);
  text.erase(diluents, block.size());
  text += block;  // diluents after pigments
  std::ofstream(path, std::ios::trunc) << text;
  const CatalogAddition added = add_cgats_to_catalog(instrument("nm5.txt"), path, new_jet());
  EXPECT_TRUE(added.reformatted);
  EXPECT_NE(added.why_reformatted.find("'pigments' is not the file's last top-level key"),
            std::string::npos);
  const Catalog c = load_catalog_text(added.yaml, path);
  EXPECT_EQ(c.pigments.size(), bundled_blacks().pigments.size() + 1);
  EXPECT_EQ(c.diluents.size(), bundled_blacks().diluents.size());
}

}  // namespace
}  // namespace smpshade
