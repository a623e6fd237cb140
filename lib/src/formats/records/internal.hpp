#pragma once
// Reading JSON Lines records, for every module that owns a record kind (Lab records here, match
// records in match/, outcome records in heal/): one JSON parser with one set of messages.
// nlohmann-json stays inside the library.

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smpshade/colour.hpp"
#include "smpshade/error.hpp"
#include "smpshade/recipe.hpp"

namespace smpshade::detail {

using Json = nlohmann::json;

/// Reads one line of at most `limit` bytes; a longer line is consumed and reported by
/// `too_long`. False at the end of the input.
bool read_bounded_line(std::istream& in, std::string& line, std::size_t limit, bool& too_long);

/// Removes a UTF-8 byte-order mark (EF BB BF) from the start of `line`: the first line of a text
/// input saved by an editor that writes one.
inline void skip_byte_order_mark(std::string& line) {
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
}

/// Throws InputError at `where` (with the byte) when arrays and objects in `text` nest deeper
/// than kMaxNesting (limits.hpp). Linear, and safe on any text.
void check_json_nesting(std::string_view text, const Location& where);

/// Parses one line as a JSON object, nested at most kMaxNesting deep: the one JSON parser of
/// every record reader. Throws InputError at `where` (with the byte) otherwise.
Json parse_record_object(std::string_view text, const Location& where);

/// `key` as [L*, a*, b*] within the Lab record limits; nullopt when absent (or null) and not
/// `required`; InputError naming the key otherwise.
std::optional<Lab> lab_field(const Json& json, const char* key, const Location& where,
                             bool required);
/// `key` as a finite number in [low, high]; nullopt when absent and not `required`.
std::optional<double> number_field(const Json& json, const char* key, const Location& where,
                                   double low, double high, bool required);
/// `key` as a string (an integer is taken as its digits); "" when absent.
std::string text_field(const Json& json, const char* key, const Location& where);
/// `key` as a list of texts (the `warnings` a tool before in the pipe gave): empty when absent;
/// at most 32 of at most 500 bytes each are kept; InputError when not a list of strings.
std::vector<std::string> text_list_field(const Json& json, const char* key, const Location& where);
/// `white` as D50 (absent) or D65.
White white_field(const Json& json, const Location& where);
/// `key` as a recipe: [{"id":..., "kind":"pigment"|"diluent", "parts": whole >= 1}, ...].
std::vector<RecipePart> recipe_field(const Json& json, const char* key, const Location& where);

}  // namespace smpshade::detail
