#pragma once
/// @file error.hpp
/// The library's one error path: every failure is an smpshade::Error that says where and what.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "smpshade/export.hpp"

namespace smpshade {

/// Where an error was found: a file (or "-" for standard input), and a line and column when known
/// (1-based; 0 means unknown).
struct Location {
  std::string file;
  std::size_t line = 0;
  std::size_t column = 0;

  /// "file", "file:line" or "file:line:col", as compilers print them; empty when nothing is known.
  SMPSHADE_API std::string str() const;
};

/// `text` as it may reach a terminal: control characters (C0, DEL, C1) and bytes that are not
/// UTF-8 written as \xNN (\u0080.. for C1), so that text from input (ids, names, CGATS samples)
/// never drives the terminal it is shown on, as `ls` and `git` escape names. Valid UTF-8 is kept.
SMPSHADE_API std::string printable(std::string_view text);

/// Base of every exception smpshade throws. what() is "WHERE: WHAT" when a location is known.
class SMPSHADE_API Error : public std::runtime_error {
 public:
  explicit Error(std::string message, Location where = {});
  const Location& where() const noexcept { return where_; }
  /// The message without the location.
  const std::string& message() const noexcept { return message_; }

 private:
  Location where_;
  std::string message_;
};

/// Bad input data: a malformed record, an out-of-range number, a broken file.
class SMPSHADE_API InputError : public Error {
 public:
  using Error::Error;
};

/// A file could not be opened, read or written.
class SMPSHADE_API IoError : public Error {
 public:
  using Error::Error;
};

/// LittleCMS refused a profile or transform (its log messages end up here).
class SMPSHADE_API ColourManagementError : public Error {
 public:
  using Error::Error;
};

/// A caller passed an argument outside its documented domain.
class SMPSHADE_API ArgumentError : public Error {
 public:
  using Error::Error;
  /// A wrong value of `field`, an option's name as the library knows it ("region",
  /// "max_pixels"); `message` starts with that name, so that a front end can say it its own
  /// way (smp-measure's usage error says "--region").
  ArgumentError(std::string message, std::string field);
  /// The field the value was given for; "" when the error is not about one.
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

}  // namespace smpshade
