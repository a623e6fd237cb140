#pragma once
/// @file recipe.hpp
/// A recipe as technicians and records say it: whole parts of inks and one diluent.

#include <string>
#include <string_view>
#include <vector>

#include "smpshade/export.hpp"

namespace smpshade {

/// One line of a recipe.
struct RecipePart {
  std::string id;
  std::string name;
  bool is_diluent = false;
  int parts = 0;
};

/// The recipe in words: "2 parts Jet + 9 parts distilled water".
SMPSHADE_API std::string recipe_parts_in_words(const std::vector<RecipePart>& parts);

/// Parses a recipe written on a command line, `ID:PARTS,ID:PARTS,...` (inks; a line whose id is
/// `diluent` or the id of a diluent the caller resolves is the diluent). Throws ArgumentError
/// naming the bad item.
SMPSHADE_API std::vector<RecipePart> parse_recipe_text(std::string_view text);

/// Each ink's share of all parts, in recipe order (diluent lines skipped); throws ArgumentError
/// when the recipe has no parts or no ink.
SMPSHADE_API std::vector<double> ink_concentrations(const std::vector<RecipePart>& parts);

}  // namespace smpshade
