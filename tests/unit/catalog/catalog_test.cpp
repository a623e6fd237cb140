#include "smpshade/catalog.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "smpshade/catalog_io.hpp"
#include "smpshade/catalog_lint.hpp"
#include "smpshade/difference.hpp"
#include "test_data.hpp"

namespace smpshade {
namespace {

using test::source_path;

std::string data(const std::string& name) { return source_path("tests/data/catalog/" + name); }

// The message of the InputError `f` throws; fails the test when it throws nothing.
template <typename F>
InputError thrown_input_error(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError thrown";
  return InputError("none");
}

// A scratch file that is removed at the end of the test.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& name, const std::string& text = "")
      : path_(testing::TempDir() + "/" + name) {
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~ScratchFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// YAML whose level i (1..levels) holds ten aliases of level i - 1: 10^(levels + 1) nodes when
// expanded, a few hundred bytes as written.
std::string alias_tree(int levels) {
  std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int level = 1; level <= levels; ++level) {
    const std::string previous = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + previous;
    text += "]\n";
  }
  return text;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(CatalogLoader, ReadsEveryKeyWithItsLocation) {
  const Catalog c = load_catalog(data("good.yaml"));
  EXPECT_EQ(c.file, data("good.yaml"));
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.supplier, "Example Pigment Co.");
  EXPECT_FALSE(c.illustrative);
  EXPECT_EQ(c.measurement.instrument, "spectrophotometer 45/0, M1");
  EXPECT_EQ(c.measurement.illuminant, White::D50);
  EXPECT_EQ(c.measurement.observer, Observer::Cie1931_2deg);
  EXPECT_DOUBLE_EQ(c.measurement.saunderson.k1, 0.04);
  EXPECT_DOUBLE_EQ(c.measurement.saunderson.k2, 0.6);
  EXPECT_EQ(c.measurement.substrate.name, "white card");
  ASSERT_TRUE(c.measurement.substrate.colour.lab);
  EXPECT_EQ(*c.measurement.substrate.colour.lab, (Lab{95.24, -0.39, 1.8}));
  ASSERT_EQ(c.diluents.size(), 1u);
  EXPECT_EQ(c.diluents[0].id, "distilled-water");
  EXPECT_EQ(c.diluents[0].name, "Distilled water");
  EXPECT_EQ(c.diluents[0].where.line, 14u);

  ASSERT_EQ(c.pigments.size(), 2u);
  const Pigment& jet = c.pigments[0];
  EXPECT_EQ(jet.id, "exp-jet");
  EXPECT_EQ(jet.name, "Jet");
  EXPECT_EQ(jet.ci, std::vector<std::string>{"PBk7"});
  EXPECT_EQ(jet.cas, std::vector<std::string>{"1333-86-4"});
  EXPECT_EQ(jet.lot, "A-2025-114");
  EXPECT_EQ(jet.expires, "2027-06-30");
  EXPECT_EQ(jet.where.file, data("good.yaml"));
  EXPECT_EQ(jet.where.line, 16u);
  EXPECT_EQ(jet.where.column, 5u);
  ASSERT_EQ(jet.ladder.size(), 4u);
  EXPECT_EQ(jet.ladder[1].ink_parts, 1);
  EXPECT_EQ(jet.ladder[1].diluent_parts, 3);
  EXPECT_DOUBLE_EQ(jet.ladder[1].concentration(), 0.25);
  EXPECT_EQ(jet.ladder[1].where.line, 24u);
  EXPECT_EQ(*jet.ladder[1].colour.lab, (Lab{34.85, 0.2, 0.5}));
  // The third step has only a spectrum; the fourth both.
  EXPECT_FALSE(jet.ladder[2].colour.lab);
  ASSERT_TRUE(jet.ladder[2].colour.spectrum);
  EXPECT_EQ(jet.ladder[2].colour.spectrum->values.size(), 31u);
  EXPECT_DOUBLE_EQ(jet.ladder[2].colour.spectrum->start_nm, 400);
  EXPECT_DOUBLE_EQ(jet.ladder[2].colour.spectrum->step_nm, 10);
  EXPECT_DOUBLE_EQ(jet.ladder[2].colour.spectrum->values[30], 0.1433);
  EXPECT_TRUE(jet.ladder[3].colour.lab && jet.ladder[3].colour.spectrum);
  EXPECT_EQ(c.pigments[1].name, "Umber, warm");
  EXPECT_EQ(c.pigments[1].ci, (std::vector<std::string>{"PBk11", "PR101"}));
}

TEST(CatalogLoader, LabOfASpectrumOnlyStepIsComputed) {
  const Catalog c = load_catalog(data("good.yaml"));
  const LadderStep& step = c.pigments[0].ladder[2];
  const Lab lab = measured_lab(step.colour, c.measurement);
  // The same ink at 1:10 in the bundled catalogue, where lab is written beside the spectrum.
  EXPECT_NEAR(lab.l, 44.14, 0.006);
  EXPECT_NEAR(lab.a, 0.28, 0.006);
  EXPECT_NEAR(lab.b, 0.70, 0.006);
  EXPECT_EQ(measured_lab(c.pigments[0].ladder[0].colour, c.measurement), (Lab{27.41, 0.09, 0.21}));
}

TEST(CatalogLoader, ThrowsTheFirstErrorAtFileLineColumn) {
  const InputError e = thrown_input_error([] { load_catalog(data("unknown-key.yaml")); });
  EXPECT_EQ(e.where().file, data("unknown-key.yaml"));
  EXPECT_EQ(e.where().line, 7u);
  EXPECT_EQ(e.where().column, 3u);
  EXPECT_NE(e.message().find("did you mean 'illuminant'"), std::string::npos) << e.message();
  EXPECT_NE(std::string(e.what()).find("unknown-key.yaml:7:3: "), std::string::npos);

  // Semantic errors are errors to the loader too; warnings are not.
  EXPECT_EQ(thrown_input_error([] { load_catalog(data("ladder-darkens.yaml")); }).where().line,
            50u);
  EXPECT_NO_THROW(load_catalog(data("illustrative.yaml")));
  EXPECT_NO_THROW(load_catalog(data("few-steps.yaml")));
  EXPECT_NO_THROW(load_catalog(data("expired.yaml")));
}

TEST(CatalogLoader, FirstErrorIsTheEarliestInTheFile) {
  const std::string text =
      "catalog: 1\n"
      "supplier: T\n"
      "measurement: {substrate: {name: card, lab: [95, 0, 2]}, illuminant: D55}\n"
      "pigments:\n"
      "  - {id: Bad_Id, name: x, ladder: [{ink: 1, diluent: 0, lab: [20, 0, 0]}]}\n";
  const InputError e = thrown_input_error([&] { load_catalog_text(text, "t.yaml"); });
  EXPECT_EQ(e.where().line, 3u);
  EXPECT_NE(e.message().find("illuminant"), std::string::npos);
}

TEST(CatalogLoader, UnreadableFileIsAnIoErrorNamingIt) {
  try {
    load_catalog(data("no-such-file.yaml"));
    FAIL() << "no exception";
  } catch (const IoError& e) {
    EXPECT_EQ(e.where().file, data("no-such-file.yaml"));
    EXPECT_NE(e.message().find("No such file"), std::string::npos) << e.message();
  }
}

TEST(CatalogLoader, FoldersAreReadInNameOrderAndIdsMustBeUniqueAcrossFiles) {
  const std::string dir = testing::TempDir() + "/catalog-folder";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(data("good.yaml"), dir + "/b.yaml");
  std::string other =
      "catalog: 1\nsupplier: T\nmeasurement: {substrate: {name: card, lab: [95, 0, 2]}}\n"
      "pigments:\n  - {id: other, name: O, ladder: [{ink: 1, diluent: 0, "
      "lab: [20, 0, 0]}]}\ndiluents: [{id: w, name: W}]\n";
  std::ofstream(dir + "/a.yml") << other;
  std::ofstream(dir + "/notes.txt") << "not a catalogue";
  const auto files = catalog_files({dir});
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0], dir + "/a.yml");
  EXPECT_EQ(files[1], dir + "/b.yaml");
  const auto catalogs = load_catalogs({dir});
  ASSERT_EQ(catalogs.size(), 2u);
  const Catalog* holder = nullptr;
  const Pigment* jet = find_pigment(catalogs, "exp-jet", &holder);
  ASSERT_NE(jet, nullptr);
  EXPECT_EQ(holder, &catalogs[1]);
  EXPECT_EQ(find_pigment(catalogs, "nothing"), nullptr);

  // The same pigment id in another file: refused, naming both places.
  std::ofstream(dir + "/c.yaml") << std::ifstream(data("good.yaml")).rdbuf();
  const InputError e = thrown_input_error([&] { load_catalogs({dir}); });
  EXPECT_EQ(e.where().file, dir + "/c.yaml");
  EXPECT_EQ(e.where().line, 16u);
  EXPECT_NE(e.message().find(dir + "/b.yaml:16:5"), std::string::npos) << e.message();

  std::filesystem::create_directories(dir + "/empty");
  EXPECT_THROW(catalog_files({dir + "/empty"}), IoError);
  std::filesystem::remove_all(dir);
}

TEST(CatalogSearchPath, ExplicitThenEnvironmentThenInstalledThenLocal) {
  EXPECT_EQ(catalog_search_path({"x.yaml", "dir"}), (std::vector<std::string>{"x.yaml", "dir"}));
  ::setenv("SMPSHADE_CATALOG", "/a/b.yaml::/c", 1);
  EXPECT_EQ(catalog_search_path({}), (std::vector<std::string>{"/a/b.yaml", "/c"}));
  EXPECT_EQ(catalog_search_path({"x"}), std::vector<std::string>{"x"});
  ::unsetenv("SMPSHADE_CATALOG");
  // The test binary is not installed, so the last resort is ./pigments, when it exists.
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(source_path(""));
  EXPECT_EQ(catalog_search_path({}), std::vector<std::string>{"pigments"});
  std::filesystem::current_path(testing::TempDir());
  EXPECT_TRUE(catalog_search_path({}).empty());
  std::filesystem::current_path(cwd);
}

TEST(CatalogLoader, PartsRatios) {
  EXPECT_EQ(parts_ratio(1, 3), "1:3");
  EXPECT_EQ(parts_ratio(2, 9), "2:9");
  EXPECT_EQ(parts_ratio(1, 2.5), "1:2.5");
  EXPECT_EQ(parts_ratio(1, 0), "1:0");
}

// ---------------------------------------------------------------------------------------------
// Defences: each refused quickly, with a message saying why, never a crash.

TEST(CatalogDefences, FilesOver16MiBAreRefusedBeforeReading) {
  ScratchFile big("big.yaml", "catalog: 1\n# " + std::string(kMaxCatalogBytes, 'x') + "\n");
  const auto start = std::chrono::steady_clock::now();
  const InputError e = thrown_input_error([&] { load_catalog(big.path()); });
  EXPECT_LT(seconds_since(start), 0.5);
  EXPECT_EQ(e.where().file, big.path());
  EXPECT_NE(e.message().find("limited to 16 MiB"), std::string::npos) << e.message();
  const LintResult lint = lint_catalogs({big.path()});
  ASSERT_EQ(lint.diagnostics.size(), 1u);
  EXPECT_EQ(lint.diagnostics[0].rule, "yaml-limits");
  // Just under the limit is read (and then fails for what it is, not for its size).
  ScratchFile under("under.yaml",
                    "catalog: 1\n# " + std::string(kMaxCatalogBytes - 20, 'x') + "\n");
  const InputError e2 = thrown_input_error([&] { load_catalog(under.path()); });
  EXPECT_EQ(e2.message().find("16 MiB"), std::string::npos) << e2.message();
}

TEST(CatalogDefences, AliasBombIsRefused) {
  // The "billion laughs": 10^9 nodes in all.
  const std::string text = alias_tree(9);
  const auto start = std::chrono::steady_clock::now();
  const LintResult lint = lint_catalog_text(text, "bomb.yaml");
  EXPECT_LT(seconds_since(start), 1.0);
  ASSERT_EQ(lint.diagnostics.size(), 1u);
  EXPECT_EQ(lint.diagnostics[0].rule, "yaml-limits");
  EXPECT_NE(lint.diagnostics[0].message.find("alias"), std::string::npos);
  EXPECT_EQ(lint.diagnostics[0].where.line, 6u);  // a5, where the expansion passes 10^6
  EXPECT_THROW(load_catalog_text(text, "bomb.yaml"), InputError);

  // Aliases used modestly are fine: one substrate spectrum shared by two catalogue values.
  const std::string modest =
      "catalog: 1\n"
      "supplier: T\n"
      "measurement: {substrate: {name: card, lab: &white [95, 0, 2]}}\n"
      "pigments:\n"
      "  - {id: p, name: P, ladder: [{ink: 1, diluent: 0, lab: [20, 0, 0]}, {ink: 1, diluent: 3, "
      "lab: [40, 0, 0]}, {ink: 1, diluent: 99, lab: *white}]}\ndiluents: [{id: w, name: W}]\n";
  EXPECT_EQ(load_catalog_text(modest, "m.yaml").pigments[0].ladder[2].colour.lab->l, 95);
}

TEST(CatalogDefences, RecursiveAliasIsRefused) {
  const LintResult lint = lint_catalog_text("a: &x [1, *x]\n", "r.yaml");
  ASSERT_EQ(lint.diagnostics.size(), 1u);
  EXPECT_EQ(lint.diagnostics[0].rule, "yaml-syntax");
}

TEST(CatalogDefences, DeepFlowNestingIsRefusedNotACrash) {
  // Enough to overflow the stack of a recursive parser many times over.
  const std::string text = "catalog: 1\npigments: " + std::string(100000, '[') + "\n";
  const auto start = std::chrono::steady_clock::now();
  const InputError e = thrown_input_error([&] { load_catalog_text(text, "deep.yaml"); });
  EXPECT_LT(seconds_since(start), 0.5);
  EXPECT_NE(e.message().find("nesting deeper than 64"), std::string::npos) << e.message();
  EXPECT_EQ(e.where().line, 2u);
  EXPECT_EQ(e.where().column, 11u + 64u);
}

TEST(CatalogDefences, DeepBlockNestingIsRefusedNotACrash) {
  std::string compact;  // "- - - - ...": a sequence nested 100000 deep on one line
  for (int i = 0; i < 100000; ++i) compact += "- ";
  compact += "x\n";
  const LintResult a = lint_catalog_text(compact, "compact.yaml");
  ASSERT_EQ(a.diagnostics.size(), 1u);
  EXPECT_EQ(a.diagnostics[0].rule, "yaml-limits");

  std::string indented;  // maps nested by indentation
  for (int i = 0; i < 300; ++i) indented += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  const LintResult b = lint_catalog_text(indented, "indented.yaml");
  ASSERT_EQ(b.diagnostics.size(), 1u);
  EXPECT_EQ(b.diagnostics[0].rule, "yaml-limits");
  EXPECT_EQ(b.diagnostics[0].where.line, 65u);

  // Brackets inside quoted text and comments are not nesting.
  std::string quoted =
      "catalog: 1 # " + std::string(100, '[') + "\nsupplier: \"" + std::string(100, '[') + "\"\n";
  const LintResult c = lint_catalog_text(quoted, "quoted.yaml");
  ASSERT_FALSE(c.diagnostics.empty());
  EXPECT_EQ(c.diagnostics[0].rule, "required");  // no measurement: parsed, not refused
}

TEST(CatalogDefences, TooManyNodesAreRefused) {
  std::string text = "values: [";
  for (std::size_t i = 0; i < 1'100'000; ++i) text += "1,";
  text += "1]\n";
  const LintResult lint = lint_catalog_text(text, "many.yaml");
  ASSERT_EQ(lint.diagnostics.size(), 1u);
  EXPECT_EQ(lint.diagnostics[0].rule, "yaml-limits");
  EXPECT_NE(lint.diagnostics[0].message.find("YAML nodes"), std::string::npos);
}

// The limits are the caller's (CatalogLimits): each decides the outcome both ways.
TEST(CatalogLimits, FileSizeLimitIsTheCallers) {
  const std::string text = read_text(data("good.yaml"));
  ASSERT_GT(text.size(), 1024u);
  CatalogLimits limits;
  limits.max_file_bytes = 1024;
  const InputError e = thrown_input_error([&] { load_catalog(data("good.yaml"), limits); });
  EXPECT_EQ(e.where().file, data("good.yaml"));
  EXPECT_EQ(e.message(), "the file is " + std::to_string(text.size()) +
                             " bytes; catalogue files are limited to 1 KiB");
  EXPECT_THROW(load_catalog_text(text, "good.yaml", limits), InputError);
  const LintResult lint = lint_catalogs({data("good.yaml")}, {"2026-01-01"}, limits);
  ASSERT_EQ(lint.diagnostics.size(), 1u);
  EXPECT_EQ(lint.diagnostics[0].rule, "yaml-limits");
  limits.max_file_bytes = text.size();  // exactly at the limit is allowed
  EXPECT_EQ(load_catalog(data("good.yaml"), limits).pigments.size(), 2u);

  // Over 16 MiB, allowed when asked for.
  ScratchFile big("big-ok.yaml", text + "# " + std::string(kMaxCatalogBytes, 'x') + "\n");
  EXPECT_THROW(load_catalog(big.path()), InputError);
  limits.max_file_bytes = kMaxCatalogBytes * 2;
  EXPECT_EQ(load_catalog(big.path(), limits).pigments.size(), 2u);
}

TEST(CatalogLimits, DepthLimitIsTheCallersUpToTheCeiling) {
  const std::string text = read_text(data("good.yaml"));
  CatalogLimits limits;
  limits.max_yaml_depth = 7;  // good.yaml: map > pigments > pigment > ladder > step > spectrum
  EXPECT_EQ(load_catalog_text(text, "good.yaml", limits).pigments.size(), 2u);
  limits.max_yaml_depth = 6;
  const InputError e = thrown_input_error([&] { load_catalog_text(text, "good.yaml", limits); });
  EXPECT_NE(e.message().find("nesting deeper than 6 levels"), std::string::npos) << e.message();

  // 200 levels: refused by default, parsed when allowed, and never more than the ceiling.
  const std::string deep = "x: " + std::string(200, '[') + std::string(200, ']') + "\n";
  EXPECT_EQ(lint_catalog_text(deep, "deep.yaml").diagnostics.at(0).rule, "yaml-limits");
  limits.max_yaml_depth = 300;
  EXPECT_NE(lint_catalog_text(deep, "deep.yaml", {}, limits).diagnostics.at(0).rule, "yaml-limits");
  limits.max_yaml_depth = 4'000'000'000u;
  const std::string deeper(100000, '[');
  const LintResult capped = lint_catalog_text(deeper, "deeper.yaml", {}, limits);
  ASSERT_EQ(capped.diagnostics.size(), 1u);
  EXPECT_NE(
      capped.diagnostics[0].message.find("deeper than " + std::to_string(kMaxYamlDepthCeiling)),
      std::string::npos)
      << capped.diagnostics[0].message;
}

TEST(CatalogLimits, NodeAndAliasLimitsAreTheCallers) {
  const std::string text = read_text(data("good.yaml"));
  CatalogLimits limits;
  limits.max_yaml_nodes = 100;
  const InputError e = thrown_input_error([&] { load_catalog_text(text, "good.yaml", limits); });
  EXPECT_EQ(e.message(), "more than 100 YAML nodes: refused");
  limits.max_yaml_nodes = 1000;
  EXPECT_EQ(load_catalog_text(text, "good.yaml", limits).pigments.size(), 2u);

  // 10^4 nodes by aliases: fine by default, refused under 1000.
  const std::string aliases = alias_tree(3);
  EXPECT_NE(lint_catalog_text(aliases, "a.yaml").diagnostics.at(0).rule, "yaml-limits");
  limits.max_alias_expansion = 1000;
  const LintResult refused = lint_catalog_text(aliases, "a.yaml", {}, limits);
  ASSERT_EQ(refused.diagnostics.size(), 1u);
  EXPECT_EQ(refused.diagnostics[0].message,
            "aliases expand to more than 1000 nodes: refused (an alias bomb?)");
}

TEST(CatalogDefences, HugeValuesAreCheckedWithoutRecursion) {
  // Checks that recursed per character (as std::regex does) would overflow the stack here.
  const std::string huge(4'000'000, '7');
  const std::string text =
      "catalog: 1\nsupplier: T\nmeasurement: {substrate: {name: c, lab: [95, 0, 2]}}\npigments:\n"
      "  - {id: p, name: P, ci: [PBk" +
      huge + "], cas: [1" + huge +
      "-86-4], ladder: "
      "[{ink: 1, diluent: 0, lab: [20, 0, 0]}, {ink: 1, diluent: 1, lab: [30, 0, 0]}, "
      "{ink: 1, diluent: 3, lab: [40, 0, 0]}]}\ndiluents: [{id: w, name: W}]\n";
  const LintResult lint = lint_catalog_text(text, "huge.yaml", {"2026-01-01"});
  ASSERT_EQ(lint.diagnostics.size(), 2u);
  EXPECT_EQ(lint.diagnostics[0].rule, "ci-name");
  EXPECT_EQ(lint.diagnostics[1].rule, "cas-check-digit");
}

TEST(CatalogDefences, EmptyAndNonMapDocuments) {
  for (const char* text : {"", "# only a comment\n", "---\n"}) {
    const LintResult lint = lint_catalog_text(text, "empty.yaml");
    ASSERT_EQ(lint.diagnostics.size(), 1u) << text;
    EXPECT_EQ(lint.diagnostics[0].rule, "required");
  }
  const LintResult list = lint_catalog_text("- 1\n- 2\n", "list.yaml");
  ASSERT_EQ(list.diagnostics.size(), 1u);
  EXPECT_EQ(list.diagnostics[0].rule, "type");
  const LintResult two = lint_catalog_text("catalog: 1\n---\ncatalog: 1\n", "two.yaml");
  ASSERT_EQ(two.diagnostics.size(), 1u);
  EXPECT_EQ(two.diagnostics[0].rule, "yaml-syntax");
  EXPECT_EQ(two.diagnostics[0].where.line, 2u);  // the second document's ---
}

TEST(CatalogDefences, NonFiniteAndMalformedNumbers) {
  const std::string base =
      "catalog: 1\nsupplier: T\nmeasurement: {substrate: {name: card, lab: [95, 0, 2]}}\n"
      "pigments: [{id: p, name: P, ladder: [{ink: 1, diluent: 0, lab: [LVALUE, 0, 0]}]}]\n";
  for (const char* bad : {".nan", ".inf", "-.Inf", "1e999", "nan", "0x10", "2,5", "\"20\""}) {
    std::string text = base;
    text.replace(text.find("LVALUE"), 6, bad);
    const LintResult lint = lint_catalog_text(text, "n.yaml");
    bool type_error = false;
    for (const auto& d : lint.diagnostics) type_error = type_error || d.rule == "type";
    EXPECT_TRUE(type_error) << bad;
  }
}

// ---------------------------------------------------------------------------------------------
// Writing YAML back

TEST(CatalogYaml, RoundTripsThroughTheLoader) {
  const Catalog original = load_catalog(data("good.yaml"));
  const std::string yaml = catalog_to_yaml(original, "round trip\nof good.yaml");
  EXPECT_EQ(yaml.rfind("# round trip\n# of good.yaml\ncatalog: 1\n", 0), 0u) << yaml;
  const Catalog back = load_catalog_text(yaml, "back.yaml");
  EXPECT_EQ(back.supplier, original.supplier);
  EXPECT_EQ(back.measurement.instrument, original.measurement.instrument);
  ASSERT_EQ(back.diluents.size(), 1u);
  ASSERT_EQ(back.pigments.size(), original.pigments.size());
  for (std::size_t i = 0; i < back.pigments.size(); ++i) {
    const Pigment& p = original.pigments[i];
    const Pigment& q = back.pigments[i];
    EXPECT_EQ(q.id, p.id);
    EXPECT_EQ(q.name, p.name);
    EXPECT_EQ(q.ci, p.ci);
    EXPECT_EQ(q.cas, p.cas);
    EXPECT_EQ(q.lot, p.lot);
    EXPECT_EQ(q.expires, p.expires);
    ASSERT_EQ(q.ladder.size(), p.ladder.size());
    for (std::size_t j = 0; j < p.ladder.size(); ++j) {
      EXPECT_EQ(q.ladder[j].ink_parts, p.ladder[j].ink_parts);
      EXPECT_EQ(q.ladder[j].diluent_parts, p.ladder[j].diluent_parts);
      EXPECT_EQ(q.ladder[j].colour.lab.has_value(), p.ladder[j].colour.lab.has_value());
      if (p.ladder[j].colour.lab) {
        EXPECT_EQ(*q.ladder[j].colour.lab, *p.ladder[j].colour.lab);
      }
      EXPECT_EQ(q.ladder[j].colour.spectrum.has_value(), p.ladder[j].colour.spectrum.has_value());
      if (p.ladder[j].colour.spectrum) {
        EXPECT_EQ(q.ladder[j].colour.spectrum->values, p.ladder[j].colour.spectrum->values);
      }
    }
  }
}

TEST(CatalogYaml, QuotesTextThatWouldNotReadBack) {
  Catalog c = load_catalog(data("good.yaml"));
  c.supplier = "Ink \"Co\": #1\\ yes";
  c.pigments[0].name = "true";
  c.pigments[0].lot = "2025";
  c.pigments[1].name = "- dash";
  const Catalog back = load_catalog_text(catalog_to_yaml(c), "q.yaml");
  EXPECT_EQ(back.supplier, c.supplier);
  EXPECT_EQ(back.pigments[0].name, "true");
  EXPECT_EQ(back.pigments[0].lot, "2025");
  EXPECT_EQ(back.pigments[1].name, "- dash");
}

// ---------------------------------------------------------------------------------------------
// The bundled catalogue (pigments/), made by scripts/make-catalog.

class BundledCatalogue : public testing::Test {
 protected:
  static void SetUpTestSuite() { catalogs_ = load_catalogs({source_path("pigments")}); }
  static std::vector<Catalog> catalogs_;
};
std::vector<Catalog> BundledCatalogue::catalogs_;

TEST_F(BundledCatalogue, LintsCleanApartFromBeingIllustrative) {
  const LintResult lint = lint_catalogs({source_path("pigments")}, {"2026-01-01"});
  EXPECT_EQ(lint.errors(), 0u);
  for (const auto& d : lint.diagnostics) EXPECT_EQ(d.rule, "illustrative") << d.str();
  EXPECT_EQ(lint.warnings(), lint.files);
}

TEST_F(BundledCatalogue, SixOrMoreInksWithSpectralAndLabLaddersOfFiveOrMoreSteps) {
  std::size_t inks = 0;
  for (const Catalog& c : catalogs_) {
    EXPECT_TRUE(c.illustrative) << c.file;
    EXPECT_TRUE(c.measurement.substrate.colour.spectrum && c.measurement.substrate.colour.lab);
    for (const Pigment& p : c.pigments) {
      ++inks;
      EXPECT_GE(p.ladder.size(), 5u) << p.id;
      for (const LadderStep& step : p.ladder) {
        EXPECT_TRUE(step.colour.lab && step.colour.spectrum) << p.id;
      }
      EXPECT_EQ(p.ladder.front().diluent_parts, 0) << p.id;  // full strength
      EXPECT_GE(p.ladder.back().diluent_parts, 15) << p.id;  // down to a pale grey
    }
  }
  EXPECT_GE(inks, 6u);
}

TEST_F(BundledCatalogue, CoversNeutralBlackCoolGreyAndWarmBrowns) {
  // Judged at each ink's first step of 1:4 or weaker, where undertone shows in (a*, b*).
  bool neutral = false, cool = false, warm = false;
  for (const Catalog& c : catalogs_) {
    for (const Pigment& p : c.pigments) {
      for (const LadderStep& step : p.ladder) {
        if (step.concentration() > 0.2) continue;
        const Lab lab = *step.colour.lab;
        const double chroma = std::hypot(lab.a, lab.b);
        neutral = neutral || (chroma < 1.0 && lab.l < 55);
        cool = cool || (lab.b < -0.8);
        warm = warm || (lab.a > 3 && lab.b > 4);
        break;
      }
    }
  }
  EXPECT_TRUE(neutral);
  EXPECT_TRUE(cool);
  EXPECT_TRUE(warm);
}

TEST_F(BundledCatalogue, LabIsTheLabOfTheSpectrumWithin001) {
  for (const Catalog& c : catalogs_) {
    std::vector<const MeasuredColour*> colours = {&c.measurement.substrate.colour};
    for (const Pigment& p : c.pigments) {
      for (const LadderStep& step : p.ladder) colours.push_back(&step.colour);
    }
    for (const MeasuredColour* colour : colours) {
      const Lab computed =
          lab_from_reflectance(*colour->spectrum, c.measurement.illuminant, c.measurement.observer);
      EXPECT_NEAR(colour->lab->l, computed.l, 0.01) << colour->where.str();
      EXPECT_NEAR(colour->lab->a, computed.a, 0.01) << colour->where.str();
      EXPECT_NEAR(colour->lab->b, computed.b, 0.01) << colour->where.str();
    }
  }
}

// The ladders follow SPEC 2.6's optics: after inverting Saunderson, K/S above the substrate's
// is proportional to the concentration, the same unit K/S at every step, wavelength by
// wavelength (to the rounding of 4-decimal reflectances).
TEST_F(BundledCatalogue, LaddersAreSingleConstantKubelkaMunkWithSaunderson) {
  for (const Catalog& c : catalogs_) {
    const Saunderson s = c.measurement.saunderson;
    auto ks = [&](double r) {
      const double y = r - s.k1;
      const double r_inf = y / ((1 - s.k1) * (1 - s.k2) + s.k2 * y);
      return (1 - r_inf) * (1 - r_inf) / (2 * r_inf);
    };
    const auto& substrate = c.measurement.substrate.colour.spectrum->values;
    for (const Pigment& p : c.pigments) {
      for (std::size_t k = 0; k < substrate.size(); ++k) {
        std::vector<double> unit;
        for (const LadderStep& step : p.ladder) {
          unit.push_back((ks(step.colour.spectrum->values[k]) - ks(substrate[k])) /
                         step.concentration());
        }
        const auto [lo, hi] = std::minmax_element(unit.begin(), unit.end());
        EXPECT_LT((*hi - *lo) / *lo, 0.02) << p.id << " at " << 400 + 10 * k << " nm";
      }
    }
  }
}

TEST_F(BundledCatalogue, TheScriptDocumentsItsAssumptionsInEachFile) {
  for (const Catalog& c : catalogs_) {
    std::ifstream in(c.file);
    std::string head((std::istreambuf_iterator<char>(in)), {});
    head = head.substr(0, head.find("catalog: 1"));
    EXPECT_NE(head.find("ILLUSTRATIVE"), std::string::npos) << c.file;
    EXPECT_NE(head.find("scripts/make-catalog"), std::string::npos) << c.file;
    EXPECT_NE(head.find("Saunderson"), std::string::npos) << c.file;
    EXPECT_NE(head.find("PBk7"), std::string::npos) << c.file;
  }
}

}  // namespace
}  // namespace smpshade
