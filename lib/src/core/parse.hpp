#pragma once
// Text and numbers as every format and option reads them: one trim, one list splitter and one
// locale-free number parser, so that "1.5" means the same in a catalogue, a CGATS file, a Lab
// record and a --region, whatever the process's locale.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smpshade::detail {

/// `text` without the ASCII white space (space, \t, \n, \v, \f, \r) at either end.
std::string_view trim(std::string_view text);

/// The pieces of `text` between `separator`s, untrimmed; empty pieces kept ("1,,2" is three,
/// "" is one empty piece), so that a caller can say which piece is wrong.
std::vector<std::string_view> split_list(std::string_view text, char separator = ',');

/// Why parse_number() refused a text.
enum class NumberStatus {
  Ok,
  NotNumber,  ///< not [+-]digits[.digits][(e|E)[+-]digits] (a digit on either side of the point)
  NotFinite,  ///< a number beyond a double's range, or a word for infinity or NaN: "inf",
              ///< "-Infinity", "nan", YAML's ".inf" and ".nan"
};

/// A finite decimal number, read without the locale (the C++17 from_chars): an optional sign,
/// digits with an optional decimal point ("1", "1.", ".5", "-0.25"), an optional exponent. No
/// white space or hexadecimal: what a file or an option means by a number. `value` is set only
/// when the result is Ok.
NumberStatus parse_number(std::string_view text, double& value);

/// The same, as an optional: nothing when `text` is not a finite decimal number.
std::optional<double> parse_number(std::string_view text);

}  // namespace smpshade::detail
