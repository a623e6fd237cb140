#pragma once
/// @file limits.hpp
/// Limits shared by every reader of one kind of input (smpshade(7), LIMITS).

#include <cstdint>

namespace smpshade {

/// The deepest nesting any reader accepts: arrays and objects in a JSON record, collections in
/// a YAML file (a catalogue, a healing model). Records nest 3 levels, the bundled catalogue 7.
/// Deeper input is refused before it is parsed, so that neither a parser's recursion nor a
/// copy of a deep value can exhaust the stack.
inline constexpr std::uint32_t kMaxNesting = 64;

}  // namespace smpshade
