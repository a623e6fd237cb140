#include "core/parse.hpp"

#include <gtest/gtest.h>

#include <clocale>
#include <cstdio>
#include <limits>

namespace smpshade::detail {
namespace {

TEST(Parse, TrimTakesAsciiSpaceFromBothEnds) {
  EXPECT_EQ(trim("  a b\t\r\n"), "a b");
  EXPECT_EQ(trim("\v\f"), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("x"), "x");
}

TEST(Parse, SplitListKeepsEmptyPieces) {
  EXPECT_EQ(split_list("1,2,3"), (std::vector<std::string_view>{"1", "2", "3"}));
  EXPECT_EQ(split_list("1,,2"), (std::vector<std::string_view>{"1", "", "2"}));
  EXPECT_EQ(split_list(""), (std::vector<std::string_view>{""}));
  EXPECT_EQ(split_list("a,"), (std::vector<std::string_view>{"a", ""}));
  EXPECT_EQ(split_list("a b;c", ';'), (std::vector<std::string_view>{"a b", "c"}));
}

TEST(Parse, DecimalNumbers) {
  EXPECT_EQ(parse_number("1"), 1.0);
  EXPECT_EQ(parse_number("-0.25"), -0.25);
  EXPECT_EQ(parse_number("+2.5"), 2.5);
  EXPECT_EQ(parse_number("1."), 1.0);
  EXPECT_EQ(parse_number(".5"), 0.5);
  EXPECT_EQ(parse_number("1e3"), 1000.0);
  EXPECT_EQ(parse_number("2.5E-1"), 0.25);
}

TEST(Parse, RefusesWhatIsNotADecimalNumber) {
  for (const char* text : {"", " 1", "1 ", "1,5", "0x10", "1e", "1e+", ".", "-", "+", "--1",
                           "1.2.3", "12abc", "abc"}) {
    double value = 7;
    EXPECT_EQ(parse_number(text, value), NumberStatus::NotNumber) << text;
    EXPECT_EQ(value, 7) << text << ": value untouched";
  }
}

TEST(Parse, NonFiniteIsToldApart) {
  for (const char* text : {"inf", "-Infinity", "NaN", ".inf", "-.inf", "+.nan", "1e999", "-1e400"}) {
    double value = 0;
    EXPECT_EQ(parse_number(text, value), NumberStatus::NotFinite) << text;
    EXPECT_FALSE(parse_number(std::string_view(text)).has_value()) << text;
  }
}

TEST(Parse, IgnoresTheLocale) {
  // A locale with a decimal comma, when the machine has one: strtod would read "1.5" as 1.
  const std::string before = std::setlocale(LC_NUMERIC, nullptr);
  const bool comma = std::setlocale(LC_NUMERIC, "de_DE.UTF-8") != nullptr ||
                     std::setlocale(LC_NUMERIC, "fr_FR.UTF-8") != nullptr;
  EXPECT_EQ(parse_number("1.5"), 1.5);
  EXPECT_FALSE(parse_number("1,5").has_value());
  std::setlocale(LC_NUMERIC, before.c_str());
  // Without a decimal-comma locale on the machine the C locale was checked, which still shows
  // that "1,5" is refused; say which on the test's output rather than skipping.
  if (!comma) std::printf("no decimal-comma locale installed: checked under the C locale\n");
}

}  // namespace
}  // namespace smpshade::detail
