#include "smpshade/error.hpp"

namespace smpshade {

std::string Location::str() const {
  std::string text = file;
  if (line > 0) {
    text += ':' + std::to_string(line);
    if (column > 0) text += ':' + std::to_string(column);
  }
  return text;
}

namespace {
std::string located(const std::string& message, const Location& where) {
  const std::string place = where.str();
  return place.empty() ? message : place + ": " + message;
}
}  // namespace

Error::Error(std::string message, Location where)
    : std::runtime_error(located(message, where)),
      where_(std::move(where)),
      message_(std::move(message)) {}

ArgumentError::ArgumentError(std::string message, std::string field)
    : Error(std::move(message)), field_(std::move(field)) {}

}  // namespace smpshade
