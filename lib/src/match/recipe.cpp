#include "smpshade/recipe.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/fixed.hpp"
#include "core/parse.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

std::string recipe_parts_in_words(const std::vector<RecipePart>& parts) {
  std::string text;
  for (const RecipePart& part : parts) {
    if (!text.empty()) text += " + ";
    text += std::to_string(part.parts) + (part.parts == 1 ? " part " : " parts ") +
            (part.name.empty() ? part.id : part.name);
  }
  return text;
}

std::string ratio_in_words(const std::vector<RecipePart>& parts) {
  std::string inks;
  int ink_lines = 0, diluent = 0;
  for (const RecipePart& part : parts) {
    if (part.is_diluent) {
      diluent += part.parts;
      continue;
    }
    inks += (inks.empty() ? "" : ":") + std::to_string(part.parts);
    ++ink_lines;
  }
  if (diluent > 0) return inks + ":" + std::to_string(diluent);
  return ink_lines == 1 ? "undiluted" : inks + ", undiluted";
}

std::vector<RecipePart> parse_recipe_text(std::string_view text) {
  std::vector<RecipePart> parts;
  for (const std::string_view item : detail::split_list(text)) {
    const std::size_t colon = item.rfind(':');
    int count = 0;
    const char* first = colon == std::string_view::npos ? nullptr : item.data() + colon + 1;
    const char* last = item.data() + item.size();
    if (colon == std::string_view::npos || colon == 0 ||
        std::from_chars(first, last, count).ptr != last || count < 1 || count > 100000) {
      throw ArgumentError("recipe item '" + std::string(item) +
                          "' is not ID:PARTS (whole parts from 1)");
    }
    RecipePart part;
    part.id = std::string(item.substr(0, colon));
    part.parts = count;
    part.is_diluent = part.id == "diluent";
    parts.push_back(std::move(part));
  }
  return parts;
}

std::vector<double> ink_concentrations(const std::vector<RecipePart>& parts) {
  int all = 0, inks = 0;
  for (const RecipePart& p : parts) {
    all += p.parts;
    if (!p.is_diluent) ++inks;
  }
  if (all <= 0 || inks == 0) throw ArgumentError("a recipe needs at least one part of ink");
  std::vector<double> c;
  for (const RecipePart& p : parts) {
    if (!p.is_diluent) c.push_back(static_cast<double>(p.parts) / all);
  }
  return c;
}

std::vector<DispensedPart> dispense(const std::vector<RecipePart>& parts, double cup_ml,
                                    double drop_ml) {
  if (!(cup_ml > 0) || !(drop_ml > 0)) throw ArgumentError("cup and drop volumes must be > 0");
  int all = 0;
  for (const RecipePart& p : parts) all += p.parts;
  if (all <= 0) throw ArgumentError("a recipe needs at least one part");
  std::vector<DispensedPart> out;
  for (const RecipePart& p : parts) {
    const double ml = cup_ml * p.parts / all;
    // A 1 ml syringe is marked in 0.01 ml; drops are counted whole, and a line is never dropped.
    out.push_back({std::round(ml * 100) / 100,
                   std::max(p.parts > 0 ? 1 : 0, static_cast<int>(std::lround(ml / drop_ml)))});
  }
  return out;
}

std::string dispensed_in_words(const std::vector<RecipePart>& parts, double cup_ml,
                               double drop_ml) {
  const std::vector<DispensedPart> amounts = dispense(parts, cup_ml, drop_ml);
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!text.empty()) text += " + ";
    text += detail::fixed(amounts[i].ml, 2) + " ml (" + std::to_string(amounts[i].drops) +
            (amounts[i].drops == 1 ? " drop) " : " drops) ") +
            (parts[i].name.empty() ? parts[i].id : parts[i].name);
  }
  return text;
}

std::string ratio_text(const std::vector<int>& parts) {
  std::string text;
  for (int p : parts) text += (text.empty() ? "" : ":") + std::to_string(p);
  return text;
}

}  // namespace smpshade
