#include "smpshade/records.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace smpshade {
namespace {

struct ReadResult {
  std::vector<LabEntry> entries;
  std::vector<std::string> errors;
};

ReadResult read_all(const std::string& text) {
  std::istringstream in(text);
  LabRecordReader reader(in, "in.jsonl");
  ReadResult result;
  for (;;) {
    LabEntry entry;
    try {
      if (!reader.next(entry)) break;
      result.entries.push_back(entry);
    } catch (const InputError& e) {
      result.errors.push_back(e.what());
    }
  }
  return result;
}

TEST(RecordReader, JsonAndTextLinesWithCommentsAndBlanks) {
  const auto r = read_all(
      "# measured 2026-11-20\n"
      "{\"id\":\"client42/hair\",\"lab\":[24.1,2.3,3.9],\"white\":\"D50\"}\n"
      "\n"
      "  62.0 12.1 16.3\n"
      "scalp\t62,12.1,16.3\r\n"
      "{\"source\":\"photos/"
      "client7.jpg\",\"region\":\"crown\",\"lab\":[30,1,2],\"white\":\"D65\"}\n");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_EQ(r.entries.size(), 4u);
  EXPECT_EQ(r.entries[0].id, "client42/hair");
  EXPECT_TRUE(r.entries[0].id_given);
  EXPECT_EQ(r.entries[0].lab, (Lab{24.1, 2.3, 3.9}));
  EXPECT_EQ(r.entries[1].id, "4");  // the line number names unnamed text lines
  EXPECT_FALSE(r.entries[1].id_given);
  EXPECT_EQ(r.entries[2].id, "scalp");
  EXPECT_EQ(r.entries[2].lab, (Lab{62, 12.1, 16.3}));
  EXPECT_EQ(r.entries[3].id, "client7/crown");
  EXPECT_EQ(r.entries[3].white, White::D65);
  EXPECT_EQ(r.entries[3].where.line, 6u);
}

TEST(RecordReader, BadLinesAreReportedWithTheirLineAndSkipped) {
  const auto r = read_all(
      "{\"lab\":[50,0,0]}\n"
      "{\"lab\":[NaN,0,0]}\n"
      "{\"lab\":[50,0]}\n"
      "{\"lab\":[120,0,0]}\n"
      "{\"lab\":[50,0,1e999]}\n"
      "50 abc 0\n"
      "{\"id\":\"x\"}\n"
      "{\"lab\":[50,0,0],\"white\":\"A\"}\n"
      "[50,0,0]\n"
      "1 2\n"
      "40 0 -250\n"
      "{\"lab\":[60,1,1]}\n");
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[1].lab.l, 60);
  ASSERT_EQ(r.errors.size(), 10u);
  EXPECT_NE(r.errors[0].find("in.jsonl:2:"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("not valid JSON"), std::string::npos);
  EXPECT_NE(r.errors[1].find("in.jsonl:3: "), std::string::npos);
  EXPECT_NE(r.errors[2].find("outside 0..100"), std::string::npos) << r.errors[2];
  EXPECT_NE(r.errors[3].find("out of range"), std::string::npos) << r.errors[3];
  EXPECT_NE(r.errors[4].find("'abc' is not a number"), std::string::npos) << r.errors[4];
  EXPECT_NE(r.errors[5].find("no 'lab' field"), std::string::npos) << r.errors[5];
  EXPECT_NE(r.errors[6].find("unknown white 'A'"), std::string::npos) << r.errors[6];
  EXPECT_NE(r.errors[7].find("JSON object"), std::string::npos) << r.errors[7];
  EXPECT_NE(r.errors[8].find("found 2 fields"), std::string::npos) << r.errors[8];
  EXPECT_NE(r.errors[9].find("outside -200..200"), std::string::npos) << r.errors[9];
}

TEST(RecordReader, NanInTextIsRefused) {
  const auto r = read_all("nan 0 0\n50 inf 0\n");
  EXPECT_TRUE(r.entries.empty());
  EXPECT_EQ(r.errors.size(), 2u);
}

TEST(RecordReader, OverlongLineIsRefusedAndReadingGoesOn) {
  const auto r = read_all(std::string(LabRecordReader::kMaxLineBytes + 10, '1') + "\n50 0 0\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("longer than 1 MiB"), std::string::npos);
  ASSERT_EQ(r.entries.size(), 1u);
}

Record sample_record() {
  Record nested;
  nested.set("id", "exp-jet").set("parts", 2);
  Record r;
  r.set("id", "a,b")
      .set("lab", Lab{24.1, 2.3, 3.9})
      .set("de00", 0.123456)
      .set("reachable", true)
      .set("warnings", std::vector<std::string>{"no ICC profile", "few pixels"})
      .set("recipe", std::vector<Record>{nested});
  return r;
}

TEST(RecordWriter, JsonLinesRoundsTo4Decimals) {
  std::ostringstream out;
  RecordWriter(out, Format::Jsonl).write(sample_record());
  EXPECT_EQ(out.str(),
            "{\"id\":\"a,b\",\"lab\":[24.1,2.3,3.9],\"de00\":0.1235,\"reachable\":true,"
            "\"warnings\":[\"no ICC profile\",\"few pixels\"],"
            "\"recipe\":[{\"id\":\"exp-jet\",\"parts\":2}]}\n");
}

TEST(RecordWriter, CsvFlattensLabAndQuotes) {
  std::ostringstream out;
  {
    RecordWriter writer(out, Format::Csv);
    writer.write(sample_record());
  }
  EXPECT_EQ(out.str(),
            "id,lab_L,lab_a,lab_b,de00,reachable,warnings,recipe\n"
            "\"a,b\",24.1,2.3,3.9,0.1235,true,no ICC profile; few pixels,"
            "\"[{\"\"id\"\":\"\"exp-jet\"\",\"\"parts\"\":2}]\"\n");
}

// OWASP's CSV injection: text a spreadsheet would run as a formula gets a leading ', numbers
// (negative ones too) are written as they are.
TEST(RecordWriter, CsvNeutralisesFormulasInTextOnly) {
  std::ostringstream out;
  {
    RecordWriter writer(out, Format::Csv);
    Record r;
    r.set("id", "=HYPERLINK(\"http://x\")")
        .set("source", "+1.jpg")
        .set("region", "-crown")
        .set("profile", "@SUM(A1)")
        .set("note", "plain")
        .set("lab", Lab{24.1, -2.3, -3.9})
        .set("de00", -0.5)
        .set("rank", -1)
        .set("warnings", std::vector<std::string>{"=1+1", "ok"});
    writer.write(r);
  }
  EXPECT_EQ(out.str(),
            "id,source,region,profile,note,lab_L,lab_a,lab_b,de00,rank,warnings\n"
            "\"'=HYPERLINK(\"\"http://x\"\")\",'+1.jpg,'-crown,'@SUM(A1),plain,24.1,-2.3,-3.9,"
            "-0.5,-1,'=1+1; ok\n");
  std::ostringstream tsv;
  {
    RecordWriter writer(tsv, Format::Tsv);
    writer.write(Record{}.set("id", "=cmd|' /C calc'!A0").set("de00", -1.25));
  }
  EXPECT_EQ(tsv.str(), "id\tde00\n'=cmd|' /C calc'!A0\t-1.25\n");
}

TEST(RecordWriter, TsvUsesGivenColumns) {
  std::ostringstream out;
  RecordWriter writer(out, Format::Tsv, {"id", "de00", "missing"});
  writer.write(sample_record());
  writer.finish();
  EXPECT_EQ(out.str(), "id\tde00\tmissing\na,b\t0.1235\t\n");
}

TEST(RecordWriter, TableAlignsColumns) {
  std::ostringstream out;
  RecordWriter writer(out, Format::Table);
  Record a, b;
  a.set("id", "hair").set("de00", 1.5);
  b.set("id", "scalp-long").set("de00", 12.25);
  writer.write(a);
  writer.write(b);
  writer.finish();
  EXPECT_EQ(out.str(),
            "id           de00\n"
            "hair         1.50\n"
            "scalp-long  12.25\n");
}

TEST(Pairing, ByIdReportsMissingAndDuplicates) {
  std::vector<LabEntry> a(3), b(3);
  a[0].id = "x";
  a[1].id = "y";
  a[2].id = "z";
  b[0].id = "z";
  b[1].id = "x";
  b[2].id = "x";
  for (auto* v : {&a, &b}) {
    for (std::size_t i = 0; i < 3; ++i) {
      (*v)[i].id_given = true;
      (*v)[i].where = {v == &a ? "a" : "b", i + 1};
    }
  }
  const Pairing p = pair_records(a, b);
  ASSERT_EQ(p.pairs.size(), 2u);
  EXPECT_EQ(p.pairs[0], (std::pair<std::size_t, std::size_t>{0, 1}));
  EXPECT_EQ(p.pairs[1], (std::pair<std::size_t, std::size_t>{2, 0}));
  ASSERT_EQ(p.problems.size(), 2u);  // duplicate x in b, y missing from b
  EXPECT_NE(std::string(p.problems[0].what()).find("b:3: duplicate id 'x'"), std::string::npos);
  EXPECT_NE(std::string(p.problems[1].what()).find("a:2: no record with id 'y'"),
            std::string::npos);
}

TEST(Pairing, ByPositionWithoutIds) {
  std::vector<LabEntry> a(2), b(3);
  for (std::size_t i = 0; i < 3; ++i) b[i].where = {"b", i + 1};
  const Pairing p = pair_records(a, b);
  EXPECT_EQ(p.pairs.size(), 2u);
  ASSERT_EQ(p.problems.size(), 1u);
  EXPECT_EQ(p.problems[0].where().line, 3u);
}

}  // namespace
}  // namespace smpshade
