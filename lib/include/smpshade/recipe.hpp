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

/// The ratio as records write it: parts joined by ':' ("3:1:12"; inks, then the diluent).
SMPSHADE_API std::string ratio_text(const std::vector<int>& parts);

/// The ratio as a technician reads it, inks in recipe order then the diluent: "1:6"; a recipe
/// with no diluent is "undiluted" (one ink) or "2:1, undiluted" (several).
SMPSHADE_API std::string ratio_in_words(const std::vector<RecipePart>& parts);

/// Parses a recipe written on a command line, `ID:PARTS,ID:PARTS,...` (inks; a line whose id is
/// `diluent` or the id of a diluent the caller resolves is the diluent). Throws ArgumentError
/// naming the bad item.
SMPSHADE_API std::vector<RecipePart> parse_recipe_text(std::string_view text);

/// A cup's default volume (ml) and a drop's (ml, 20 drops a ml): what --cup and --drop-ml
/// default to. A cup holds at most about 1 ml of pigment in SMP practice; 2 ml of mix is a
/// session's cup.
inline constexpr double kDefaultCupMl = 2.0;
inline constexpr double kDefaultDropMl = 0.05;

/// One line of a recipe as drawn up for a cup: its volume to 0.01 ml (what a 1 ml syringe
/// reads) and in drops (at least one for a line that has parts).
struct DispensedPart {
  double ml = 0;
  int drops = 0;
};

/// Each line of `parts` scaled to a cup of `cup_ml` (its share of all parts), in ml rounded to
/// 0.01 and in drops of `drop_ml` rounded to whole drops (at least 1). Throws ArgumentError when
/// the recipe has no parts or a volume is not positive.
SMPSHADE_API std::vector<DispensedPart> dispense(const std::vector<RecipePart>& parts,
                                                 double cup_ml, double drop_ml);

/// The recipe in ml and drops for a cup: "0.25 ml (5 drops) Jet + 1.75 ml (35 drops) water".
SMPSHADE_API std::string dispensed_in_words(const std::vector<RecipePart>& parts, double cup_ml,
                                            double drop_ml);

/// Each ink's share of all parts, in recipe order (diluent lines skipped); throws ArgumentError
/// when the recipe has no parts or no ink.
SMPSHADE_API std::vector<double> ink_concentrations(const std::vector<RecipePart>& parts);

}  // namespace smpshade
