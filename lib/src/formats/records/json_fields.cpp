#include <algorithm>
#include <cmath>
#include <istream>

#include "formats/records/internal.hpp"
#include "smpshade/limits.hpp"
#include "smpshade/records.hpp"

namespace smpshade::detail {

// Reads one line of at most `limit` bytes; a longer line is consumed and reported by `too_long`.
bool read_bounded_line(std::istream& in, std::string& line, std::size_t limit, bool& too_long) {
  line.clear();
  too_long = false;
  std::streambuf* buffer = in.rdbuf();
  bool any = false;
  for (;;) {
    const int c = buffer->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return any;
    }
    any = true;
    if (c == '\n') return true;
    if (line.size() < limit) {
      line.push_back(static_cast<char>(c));
    } else {
      too_long = true;
    }
  }
}

// nlohmann builds a value iteratively, but copying or comparing one recurses, and a deep value
// that is copied (as an ordered object does when a later key is inserted) overflows the stack
// at about 20,000 levels. A linear scan refuses deep text before nlohmann sees it. Brackets
// inside strings do not count; a stray closing bracket is left for the parser to report.
void check_json_nesting(std::string_view text, const Location& where) {
  std::uint32_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) {
        throw InputError("nested deeper than " + std::to_string(kMaxNesting) +
                             " levels: refused (a record nests 3)",
                         Location{where.file, where.line, i + 1});
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

Json parse_record_object(std::string_view text, const Location& where) {
  check_json_nesting(text, where);
  Json json;
  // A key twice in one object is refused, naming it: JSON parsers disagree on which value wins
  // (nlohmann keeps the last), so a record meaning two things is not read as either.
  std::vector<std::vector<std::string>> keys;
  std::string duplicate;
  const Json::parser_callback_t check_keys = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) keys.emplace_back();
    if (event == Json::parse_event_t::object_end && !keys.empty()) keys.pop_back();
    if (event == Json::parse_event_t::key && !keys.empty() && duplicate.empty()) {
      const std::string key = parsed.get<std::string>();
      auto& seen = keys.back();
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) duplicate = key;
      seen.push_back(key);
    }
    return true;
  };
  try {
    json = Json::parse(text, check_keys);
  } catch (const Json::parse_error& e) {
    throw InputError("not valid JSON (at byte " + std::to_string(e.byte) + ")",
                     Location{where.file, where.line, e.byte});
  } catch (const Json::exception&) {
    // out_of_range: a number too large for a double (e.g. 1e999).
    throw InputError("a number is out of range for a double", where);
  }
  if (!json.is_object()) throw InputError("a record must be a JSON object", where);
  if (!duplicate.empty()) {
    throw InputError("key '" + printable(duplicate) + "' appears twice in one object", where);
  }
  return json;
}

std::optional<Lab> lab_field(const Json& json, const char* key, const Location& where,
                             bool required) {
  const auto it = json.find(key);
  if (it == json.end() || it->is_null()) {
    if (required) throw InputError(std::string("record has no '") + key + "'", where);
    return std::nullopt;
  }
  if (!it->is_array() || it->size() != 3 || !(*it)[0].is_number() || !(*it)[1].is_number() ||
      !(*it)[2].is_number()) {
    throw InputError(std::string("'") + key + "' must be an array of three numbers [L*, a*, b*]",
                     where);
  }
  const Lab lab{(*it)[0].get<double>(), (*it)[1].get<double>(), (*it)[2].get<double>()};
  check_lab_range(lab, where, key);
  return lab;
}

std::optional<double> number_field(const Json& json, const char* key, const Location& where,
                                   double low, double high, bool required) {
  const auto it = json.find(key);
  if (it == json.end() || it->is_null()) {
    if (required) throw InputError(std::string("record has no '") + key + "'", where);
    return std::nullopt;
  }
  if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < low ||
      it->get<double>() > high) {
    char range[64];
    std::snprintf(range, sizeof range, "%g..%g", low, high);
    throw InputError(std::string("'") + key + "' must be a number in " + range, where);
  }
  return it->get<double>();
}

std::string text_field(const Json& json, const char* key, const Location& where) {
  const auto it = json.find(key);
  if (it == json.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  throw InputError(std::string("'") + key + "' must be a string", where);
}

std::vector<std::string> text_list_field(const Json& json, const char* key,
                                         const Location& where) {
  constexpr std::size_t kMaxTexts = 32, kMaxTextBytes = 500;
  std::vector<std::string> texts;
  const auto it = json.find(key);
  if (it == json.end() || it->is_null()) return texts;
  if (!it->is_array()) throw InputError(std::string("'") + key + "' must be a list of texts", where);
  for (const Json& item : *it) {
    if (!item.is_string()) {
      throw InputError(std::string("'") + key + "' must be a list of texts", where);
    }
    if (texts.size() == kMaxTexts) break;
    std::string text = item.get<std::string>();
    if (text.size() > kMaxTextBytes) text = text.substr(0, kMaxTextBytes) + "...";
    texts.push_back(std::move(text));
  }
  return texts;
}

White white_field(const Json& json, const Location& where) {
  const auto it = json.find("white");
  if (it == json.end() || it->is_null()) return White::D50;
  if (!it->is_string()) throw InputError("'white' must be \"D50\" or \"D65\"", where);
  try {
    return parse_white(it->get<std::string>());
  } catch (const Error& e) {
    throw InputError(e.message(), where);
  }
}

std::vector<RecipePart> recipe_field(const Json& json, const char* key, const Location& where) {
  const auto it = json.find(key);
  const std::string message = std::string("'") + key +
                              "' must be an array of {\"id\", \"kind\", \"parts\"} with whole "
                              "parts >= 1";
  if (it == json.end() || !it->is_array() || it->empty()) throw InputError(message, where);
  std::vector<RecipePart> parts;
  for (const Json& part : *it) {
    if (!part.is_object() || !part.contains("id") || !part["id"].is_string() ||
        part["id"].get<std::string>().empty() || !part.contains("parts") ||
        !part["parts"].is_number_integer() || part["parts"].get<long long>() < 1 ||
        part["parts"].get<long long>() > 100000) {
      throw InputError(message, where);
    }
    RecipePart p;
    p.id = part["id"].get<std::string>();
    p.parts = part["parts"].get<int>();
    if (const auto kind = part.find("kind"); kind != part.end()) {
      if (!kind->is_string() || (*kind != "pigment" && *kind != "diluent")) {
        throw InputError(std::string("'") + key + "': 'kind' must be \"pigment\" or \"diluent\"",
                         where);
      }
      p.is_diluent = *kind == "diluent";
    }
    if (const auto name = part.find("name"); name != part.end() && name->is_string()) {
      p.name = name->get<std::string>();
    }
    parts.push_back(std::move(p));
  }
  return parts;
}

}  // namespace smpshade::detail
