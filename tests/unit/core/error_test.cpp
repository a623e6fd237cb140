// The one error path (smpshade/error.hpp): where and what, and text from input made safe for a
// terminal (printable), as ls and git escape names.
#include "smpshade/error.hpp"

#include <gtest/gtest.h>

namespace smpshade {
namespace {

TEST(Error, SaysWhereAndWhat) {
  EXPECT_EQ(Location({"a.jsonl", 3, 7}).str(), "a.jsonl:3:7");
  EXPECT_EQ(Location({"a.jsonl", 3, 0}).str(), "a.jsonl:3");
  EXPECT_EQ(Location({}).str(), "");
  const InputError e("bad lab", Location{"a.jsonl", 3, 0});
  EXPECT_STREQ(e.what(), "a.jsonl:3: bad lab");
  EXPECT_EQ(e.message(), "bad lab");
}

TEST(Printable, EscapesWhatWouldDriveATerminal) {
  // An escape sequence that clears the screen and retitles the window.
  EXPECT_EQ(printable("a\x1b[2J\x1b]0;T\x07/1"), "a\\x1b[2J\\x1b]0;T\\x07/1");
  EXPECT_EQ(printable(std::string("nul\0here", 8)), "nul\\x00here");
  EXPECT_EQ(printable("tab\tnew\nline\r"), "tab\\x09new\\x0aline\\x0d");
  EXPECT_EQ(printable("del\x7f"), "del\\x7f");
  // C1 controls in UTF-8 (CSI is U+009B: one code point that starts a sequence).
  EXPECT_EQ(printable("c1 \xc2\x9b" "2J"), "c1 \\u009b2J");
  // Bytes that are not UTF-8: a lone continuation byte, an overlong form, a surrogate, a cut
  // sequence at the end.
  EXPECT_EQ(printable("\x80"), "\\x80");
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");
  EXPECT_EQ(printable("cut \xe2\x82"), "cut \\xe2\\x82");
}

TEST(Printable, KeepsText) {
  for (const char* text : {"client42/crown/hair", "Jet Black (neutral)", "Café Noir – 1:6 ΔE00",
                           "日本語", "emoji \xf0\x9f\x96\x8c", "spaces  and \"quotes\" \\"}) {
    EXPECT_EQ(printable(text), text);
  }
}

}  // namespace
}  // namespace smpshade
