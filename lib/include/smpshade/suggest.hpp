#pragma once
/// @file suggest.hpp
/// "Did you mean": the known name nearest to a mistyped one, for messages that say what to do
/// next.

#include <string>
#include <string_view>
#include <vector>

#include "smpshade/export.hpp"

namespace smpshade {

/// Optimal string alignment distance, case-insensitive: edits, a swap of neighbours counting as
/// one.
SMPSHADE_API std::size_t edit_distance(std::string_view a, std::string_view b);

/// The name of `names` that `word` most likely meant, or "" when none is near: a typo (edit
/// distance at most max(2, |word| / 3)), or a name that holds `word` written as an id would be
/// ("Jet Black" → "ill-jet-black").
SMPSHADE_API std::string nearest_name(std::string_view word, const std::vector<std::string>& names);

/// "; did you mean 'NAME'?" for nearest_name(), or "".
SMPSHADE_API std::string did_you_mean(std::string_view word, const std::vector<std::string>& names);

}  // namespace smpshade
