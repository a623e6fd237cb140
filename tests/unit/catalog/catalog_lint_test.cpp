#include "smpshade/catalog_lint.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <sstream>

#include "smpshade/difference.hpp"
#include "smpshade/spectrum.hpp"
#include "test_data.hpp"

namespace smpshade {
namespace {

using test::source_path;

std::string data(const std::string& name) { return source_path("tests/data/catalog/" + name); }

// Expiry is judged against a fixed date so the tests do not age.
const LintOptions kOptions{"2026-01-01"};

TEST(Lint, GoodCatalogueIsClean) {
  const LintResult result = lint_catalogs({data("good.yaml")}, kOptions);
  for (const auto& d : result.diagnostics) ADD_FAILURE() << d.str();
  EXPECT_EQ(result.files, 1u);
}

// Each tests/data/catalog/<rule>.yaml is good.yaml broken in one place: lint finds exactly that
// problem, under that rule, on that line.
struct RuleCase {
  const char* rule;
  std::size_t line;
  std::size_t column;
  Severity severity;
  const char* message_part;  // something the message must say
};

void PrintTo(const RuleCase& c, std::ostream* out) { *out << c.rule; }

class LintRuleTest : public testing::TestWithParam<RuleCase> {};

TEST_P(LintRuleTest, FindsTheOneProblemAtItsLine) {
  const RuleCase& c = GetParam();
  const std::string file = data(std::string(c.rule) + ".yaml");
  const LintResult result = lint_catalogs({file}, kOptions);
  ASSERT_EQ(result.diagnostics.size(), 1u) << [&] {
    std::string all;
    for (const auto& d : result.diagnostics) all += d.str() + "\n";
    return all;
  }();
  const Diagnostic& d = result.diagnostics[0];
  EXPECT_EQ(d.rule, c.rule);
  EXPECT_EQ(d.where.file, file);
  EXPECT_EQ(d.where.line, c.line);
  EXPECT_EQ(d.where.column, c.column);
  EXPECT_EQ(d.severity, c.severity);
  EXPECT_NE(d.message.find(c.message_part), std::string::npos) << d.message;
  EXPECT_EQ(result.errors(), c.severity == Severity::Error ? 1u : 0u);
}

INSTANTIATE_TEST_SUITE_P(
    EveryRule, LintRuleTest,
    testing::Values(
        RuleCase{"yaml-syntax", 24, 51, Severity::Error, "flow"},
        RuleCase{"version", 2, 10, Severity::Error, "version 2 is not supported"},
        RuleCase{"required", 44, 5, Severity::Error, "pigment 'exp-umber' has no 'name'"},
        RuleCase{"type", 24, 27, Severity::Error, "'diluent' must be a number"},
        RuleCase{"value", 7, 15, Severity::Error, "D50 or D65"},
        RuleCase{"unknown-key", 7, 3, Severity::Error, "did you mean 'illuminant'?"},
        RuleCase{"duplicate-key", 18, 5, Severity::Error, "'name' appears twice"},
        RuleCase{"id-syntax", 44, 9, Severity::Error, "did you mean 'exp-umber'?"},
        RuleCase{"duplicate-id", 44, 9, Severity::Error, "already used"},
        RuleCase{"lab-range", 50, 36, Severity::Error, "L* 144.32 is outside 0..100"},
        RuleCase{"spectrum-length", 30, 19, Severity::Error, "400–700 nm"},
        RuleCase{"spectrum-range", 32, 28, Severity::Error, "13.96 at 570 nm is outside 0..1"},
        RuleCase{"ladder-order", 51, 9, Severity::Error, "from most ink to least"},
        RuleCase{"ladder-darkens", 50, 9, Severity::Error, "darker than step 1:0"},
        RuleCase{"lab-spectrum-mismatch", 36, 14, Severity::Error, "by ΔE00 5.75"},
        RuleCase{"cas-check-digit", 19, 11, Severity::Error, "should end in 4"},
        RuleCase{"ci-name", 46, 17, Severity::Error, "write 'PR101'"},
        RuleCase{"expired", 21, 14, Severity::Warning, "expired on 2025-01-31"},
        RuleCase{"few-steps", 49, 7, Severity::Warning, "2 steps"},
        RuleCase{"control-characters", 18, 11, Severity::Warning, "'Jet\\x1b[2J'"},
        RuleCase{"reach-annex-xvii", 46, 24, Severity::Warning, "REACH Annex XVII entry 75"},
        RuleCase{"illustrative", 4, 15, Severity::Warning, "illustrative"},
        RuleCase{"supplier", 2, 1, Severity::Error, "has no 'supplier'"},
        RuleCase{"no-pigments", 14, 3, Severity::Warning, "diluents but no pigments"}),
    [](const testing::TestParamInfo<RuleCase>& param) {
      std::string name = param.param.rule;
      for (char& c : name) c = c == '-' ? '_' : c;
      return name;
    });

TEST(Lint, EveryRuleIdIsListedAndTested) {
  std::set<std::string> listed;
  for (const auto& rule : lint_rules()) listed.insert(std::string(rule.id));
  // The rules with a file of their own above, plus io and yaml-limits (tested where the files
  // are built, in catalog_test.cpp).
  const std::set<std::string> tested = {"io",
                                        "control-characters",
                                        "yaml-limits",
                                        "yaml-syntax",
                                        "version",
                                        "required",
                                        "type",
                                        "value",
                                        "unknown-key",
                                        "duplicate-key",
                                        "id-syntax",
                                        "duplicate-id",
                                        "lab-range",
                                        "spectrum-length",
                                        "spectrum-range",
                                        "ladder-order",
                                        "ladder-darkens",
                                        "lab-spectrum-mismatch",
                                        "cas-check-digit",
                                        "ci-name",
                                        "expired",
                                        "few-steps",
                                        "reach-annex-xvii",
                                        "illustrative",
                                        "supplier",
                                        "no-pigments",
                                        "no-diluent"};  // PigmentsWithNoDiluentAreAnError
  EXPECT_EQ(listed, tested);
}

TEST(Lint, ReportsEveryProblemNotJustTheFirst) {
  const std::string text =
      "catalog: 1\n"
      "supplier: X\n"
      "measurement:\n"
      "  illuminant: D55\n"
      "  substrate: {name: card, lab: [95, 0, 2]}\n"
      "pigments:\n"
      "  - id: Bad Id\n"
      "    name: Bad\n"
      "    ci: [PBk 7, \"PB15:3\"]\n"
      "    cas: [1333-86-5]\n"
      "    colour: black\n"
      "    ladder:\n"
      "      - {ink: 1, diluent: 0, lab: [20, 0, 0]}\n"
      "diluents: [{id: w, name: W}]\n";
  const LintResult result = lint_catalog_text(text, "many.yaml", kOptions);
  std::vector<std::pair<std::string, std::size_t>> found;
  for (const auto& d : result.diagnostics) found.emplace_back(d.rule, d.where.line);
  const std::vector<std::pair<std::string, std::size_t>> expected = {{"value", 4},
                                                                     {"id-syntax", 7},
                                                                     {"ci-name", 9},
                                                                     {"reach-annex-xvii", 9},
                                                                     {"cas-check-digit", 10},
                                                                     {"unknown-key", 11},
                                                                     {"few-steps", 13}};
  EXPECT_EQ(found, expected);
  EXPECT_EQ(result.errors(), 5u);
  EXPECT_EQ(result.warnings(), 2u);
}

TEST(Lint, DuplicateIdsAcrossFilesNameTheFirst) {
  // good.yaml and illustrative.yaml define the same two pigments.
  const LintResult result = lint_catalogs({data("good.yaml"), data("illustrative.yaml")}, kOptions);
  ASSERT_EQ(result.files, 2u);
  std::vector<std::string> lines;
  for (const auto& d : result.diagnostics) {
    EXPECT_EQ(d.where.file, data("illustrative.yaml"));
    lines.push_back(d.rule + ":" + std::to_string(d.where.line));
  }
  EXPECT_EQ(lines,
            (std::vector<std::string>{"illustrative:4", "duplicate-id:16", "duplicate-id:44"}));
  EXPECT_NE(result.diagnostics[1].message.find(data("good.yaml") + ":16:5"), std::string::npos)
      << result.diagnostics[1].message;
}

TEST(Lint, UnreadableFilesAreDiagnosticsAndTheOthersAreStillLinted) {
  const LintResult result = lint_catalogs({data("missing.yaml"), data("few-steps.yaml")}, kOptions);
  ASSERT_EQ(result.diagnostics.size(), 2u);
  EXPECT_EQ(result.diagnostics[0].rule, "io");
  EXPECT_EQ(result.diagnostics[0].where.file, data("missing.yaml"));
  EXPECT_EQ(result.diagnostics[1].rule, "few-steps");
  EXPECT_EQ(result.files, 2u);
}

TEST(Lint, ExpiryComparesWithTheDateGiven) {
  EXPECT_EQ(lint_catalogs({data("expired.yaml")}, {"2025-01-31"}).warnings(), 0u);  // last day
  EXPECT_EQ(lint_catalogs({data("expired.yaml")}, {"2025-02-01"}).warnings(), 1u);
  EXPECT_EQ(lint_catalogs({data("good.yaml")}, {"2027-07-01"}).warnings(), 1u);
}

TEST(Lint, PigmentsWithNoDiluentAreAnError) {
  const std::string pigments =
      "catalog: 1\nsupplier: X\nmeasurement: {substrate: {name: c, lab: [95, 0, 2]}}\n"
      "pigments: [{id: p, name: P, ladder: [{ink: 1, diluent: 0, lab: [20, 0, 0]}, {ink: 1, "
      "diluent: 1, lab: [30, 0, 0]}, {ink: 1, diluent: 3, lab: [40, 0, 0]}]}]\n";
  const LintResult bare = lint_catalog_text(pigments, "n.yaml", kOptions);
  ASSERT_EQ(bare.diagnostics.size(), 1u);
  EXPECT_EQ(bare.diagnostics[0].rule, "no-diluent");
  EXPECT_EQ(bare.diagnostics[0].where.line, 4u);
  EXPECT_EQ(lint_catalog_text(pigments + "diluents: [{id: w, name: W}]\n", "n.yaml", kOptions).diagnostics.size(), 0u);
}

TEST(Lint, MalformedDatesAreErrors) {
  for (const char* date : {"2027-02-29", "2027-13-01", "30/06/2027", "soon"}) {
    std::string text =
        "catalog: 1\nsupplier: T\nmeasurement: {substrate: {name: c, lab: [95, 0, 2]}}\n"
        "pigments: [{id: p, name: P, expires: " +
        std::string(date) +
        ", ladder: [{ink: 1, diluent: 0, lab: [20, 0, 0]}, {ink: 1, diluent: 1, "
        "lab: [30, 0, 0]}, {ink: 1, diluent: 3, lab: [40, 0, 0]}]}]\ndiluents: [{id: w, name: W}]\n";
    const LintResult result = lint_catalog_text(text, "d.yaml", kOptions);
    ASSERT_EQ(result.diagnostics.size(), 1u) << date;
    EXPECT_EQ(result.diagnostics[0].rule, "value") << date;
  }
}

// The same snippet with one value swapped in, linted: the rules and messages it yields.
LintResult lint_with(const std::string& key, const std::string& value) {
  const std::string text =
      "catalog: 1\nsupplier: T\nmeasurement:\n  substrate: {name: c, lab: [95, 0, 2]}\npigments:\n  - id: p\n"
      "    name: P\n    " +
      key + ": " + value +
      "\n    ladder: [{ink: 1, diluent: 0, lab: [20, 0, 0]}, {ink: 1, diluent: 1, lab: [30, 0, 0]},"
      " {ink: 1, diluent: 3, lab: [40, 0, 0]}]\ndiluents: [{id: w, name: W}]\n";
  return lint_catalog_text(text, "s.yaml", kOptions);
}

TEST(Lint, ColourIndexNames) {
  for (const char* good :
       {"[PBk7]", "[PR101]", "[PY42]", "[PW6]", "[PBr7]", "[PBk11]", "[PV19]", "[NBk9]", "PBk7"}) {
    EXPECT_EQ(lint_with("ci", good).diagnostics.size(), 0u) << good;
  }
  const std::pair<const char*, const char*> bad[] = {{"[Pigment Black 7]", "write 'PBk7'"},
                                                     {"[C.I. Pigment Blue 15:3]", "write 'PB15:3'"},
                                                     {"[pbk7]", "write 'PBk7'"},
                                                     {"[PBK 7]", "write 'PBk7'"},
                                                     {"[CI 77266]", "constitution number"},
                                                     {"[PX3]", "such as PBk7"},
                                                     {"[PBk07]", "write 'PBk7'"}};
  for (const auto& [value, hint] : bad) {
    const LintResult r = lint_with("ci", value);
    ASSERT_EQ(r.diagnostics.size(), 1u) << value;
    EXPECT_EQ(r.diagnostics[0].rule, "ci-name") << value;
    EXPECT_NE(r.diagnostics[0].message.find(hint), std::string::npos) << r.diagnostics[0].message;
  }
}

TEST(Lint, CasRegistryNumbers) {
  // Carbon black, black/red/yellow iron oxide, titanium dioxide, water.
  for (const char* good : {"[1333-86-4]", "[1317-61-9]", "[1309-37-1]", "[51274-00-1]",
                           "[13463-67-7]", "[7732-18-5]"}) {
    EXPECT_EQ(lint_with("cas", good).diagnostics.size(), 0u) << good;
  }
  for (const char* bad : {"[1333-86-4x]", "[1333864]", "[7732-18-6]", "[1-86-4]"}) {
    const LintResult r = lint_with("cas", bad);
    ASSERT_EQ(r.diagnostics.size(), 1u) << bad;
    EXPECT_EQ(r.diagnostics[0].rule, "cas-check-digit") << bad;
  }
}

TEST(Lint, ReachAnnexXviiByNameOrCas) {
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"ci", "[PG7]"},
                                                        {"ci", "[PB15]"},
                                                        {"ci", "[\"PB15:1\"]"},
                                                        {"cas", "[147-14-8]"},
                                                        {"cas", "[1328-53-6]"}}) {
    const LintResult r = lint_with(key, value);
    ASSERT_EQ(r.diagnostics.size(), 1u) << value;
    EXPECT_EQ(r.diagnostics[0].rule, "reach-annex-xvii") << value;
    EXPECT_EQ(r.diagnostics[0].severity, Severity::Warning);
    EXPECT_NE(r.diagnostics[0].message.find("4 January 2023"), std::string::npos);
  }
  // Named twice (CI name and CAS number): one warning.
  const std::string text =
      "catalog: 1\nsupplier: T\nmeasurement: {substrate: {name: c, lab: [95, 0, 2]}}\npigments:\n"
      "  - {id: p, name: P, ci: [PG7], cas: [1328-53-6], ladder: [{ink: 1, diluent: 0, lab: [20, "
      "0, 0]}, {ink: 1, diluent: 1, lab: [30, 0, 0]}, {ink: 1, diluent: 3, lab: [40, 0, 0]}]}\n"
      "diluents: [{id: w, name: W}]\n";
  EXPECT_EQ(lint_catalog_text(text, "r.yaml", kOptions).warnings(), 1u);
  EXPECT_EQ(lint_with("ci", "[PB16]").diagnostics.size(), 0u);  // not the restricted pigments
}

TEST(Lint, PercentSpectraGetAHint) {
  std::string values;
  for (int i = 0; i < 31; ++i) values += (i ? ", " : "") + std::to_string(40 + i);
  const std::string text =
      "catalog: 1\nsupplier: T\nmeasurement:\n  substrate:\n    name: c\n    spectrum: {start: 400, step: 10, "
      "values: [" +
      values + "]}\npigments: []\n";
  const LintResult r = lint_catalog_text(text, "p.yaml", kOptions);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].rule, "spectrum-range");
  EXPECT_NE(r.diagnostics[0].message.find("look like percent"), std::string::npos);
}

TEST(Lint, LabSpectrumMismatchSaysWhenAnotherIlluminantFits) {
  // Relative colorimetry keeps near-neutrals alike under D50 and D65; a saturated yellow is
  // not. Its Lab under D65, written into a D50 catalogue: a mismatch, with the likely cause.
  Spectrum yellow;
  std::string values;
  for (int nm = 400; nm <= 700; nm += 10) {
    yellow.values.push_back(nm < 500 ? 0.06 : 0.80);
    values += std::string(nm > 400 ? ", " : "") + (nm < 500 ? "0.06" : "0.8");
  }
  const Lab d65 = lab_from_reflectance(yellow, White::D65);
  ASSERT_GT(ciede2000(d65, lab_from_reflectance(yellow, White::D50)), 1.0);
  char lab[96];
  std::snprintf(lab, sizeof lab, "[%.2f, %.2f, %.2f]", d65.l, d65.a, d65.b);
  const std::string text =
      "catalog: 1\nsupplier: T\nmeasurement:\n  illuminant: D50\n  substrate:\n"
      "    name: yellow card\n    lab: " +
      std::string(lab) + "\n    spectrum: {start: 400, step: 10, values: [" + values +
      "]}\npigments: []\n";
  const LintResult r = lint_catalog_text(text, "yellow.yaml", kOptions);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].rule, "lab-spectrum-mismatch");
  EXPECT_EQ(r.diagnostics[0].where.line, 7u);
  EXPECT_NE(r.diagnostics[0].message.find("it matches under D65"), std::string::npos)
      << r.diagnostics[0].message;
}

TEST(Lint, UnknownKeysSuggestTheNearestKnownOne) {
  const std::pair<const char*, const char*> cases[] = {
      {"nmae", "did you mean 'name'?"},
      {"expiry", "did you mean 'expires'?"},
      {"CAS", "did you mean 'cas'?"},
      {"colour", "unknown key 'colour' in a pigment"}};
  for (const auto& [key, hint] : cases) {
    const LintResult r = lint_with(key, "x");
    bool found = false;
    for (const auto& d : r.diagnostics) {
      found = found || (d.rule == "unknown-key" && d.message.find(hint) != std::string::npos);
    }
    EXPECT_TRUE(found) << key;
  }
  EXPECT_EQ(lint_with("colour", "x").diagnostics[0].message.find("did you mean"),
            std::string::npos);
}

TEST(Lint, DiagnosticFormats) {
  const Diagnostic d{Severity::Warning, "few-steps", "the ladder has 2 steps",
                     Location{"a.yaml", 12, 7}};
  EXPECT_EQ(d.str(), "a.yaml:12:7: warning: the ladder has 2 steps [few-steps]");
  std::ostringstream out;
  RecordWriter writer(out, Format::Jsonl);
  writer.write(diagnostic_record(d));
  writer.finish();
  EXPECT_EQ(out.str(),
            "{\"kind\":\"diagnostic\",\"file\":\"a.yaml\",\"line\":12,\"column\":7,\"severity\":\"warning\","
            "\"rule\":\"few-steps\",\"message\":\"the ladder has 2 steps\"}\n");
}

}  // namespace
}  // namespace smpshade
