#include "core/parse.hpp"

#include <charconv>
#include <cmath>

namespace smpshade::detail {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "inf", "infinity", "nan" and YAML's ".inf", ".nan", any case, after an optional sign.
bool names_non_finite(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  if (!text.empty() && text.front() == '.') text.remove_prefix(1);
  if (text.size() != 3 && text.size() != 8) return false;
  std::string lower;
  for (char c : text) lower += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  return lower == "inf" || lower == "infinity" || lower == "nan";
}

}  // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_list(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  for (;;) {
    const std::size_t at = text.find(separator);
    pieces.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return pieces;
    text.remove_prefix(at + 1);
  }
}

NumberStatus parse_number(std::string_view text, double& value) {
  if (names_non_finite(text)) return NumberStatus::NotFinite;
  // The grammar first: from_chars alone would also take "inf", "nan" and "infinity".
  std::string_view body = text;
  if (!body.empty() && body.front() == '+') body.remove_prefix(1);
  std::size_t i = !body.empty() && body.front() == '-' ? 1 : 0;
  std::size_t digits = 0;
  while (i < body.size() && is_digit(body[i])) ++i, ++digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && is_digit(body[i])) ++i, ++digits;
  }
  if (digits == 0) return NumberStatus::NotNumber;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    std::size_t exponent_digits = 0;
    while (i < body.size() && is_digit(body[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return NumberStatus::NotNumber;
  }
  if (i != body.size()) return NumberStatus::NotNumber;
  double parsed = 0;
  const auto result = std::from_chars(body.data(), body.data() + body.size(), parsed);
  if (result.ec == std::errc::result_out_of_range) return NumberStatus::NotFinite;
  if (result.ec != std::errc() || result.ptr != body.data() + body.size()) {
    return NumberStatus::NotNumber;
  }
  if (!std::isfinite(parsed)) return NumberStatus::NotFinite;
  value = parsed;
  return NumberStatus::Ok;
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  if (parse_number(text, value) != NumberStatus::Ok) return std::nullopt;
  return value;
}

}  // namespace smpshade::detail
