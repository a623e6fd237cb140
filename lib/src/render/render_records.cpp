// Reading what smp-render draws: Lab records and match records, told apart by their kind.
#include <algorithm>
#include <cmath>
#include <istream>
#include <map>
#include <sstream>

#include "render.hpp"

namespace smpshade::render {

std::vector<TargetView> read_targets(std::istream& in, const std::string& name,
                                     const std::function<void(const InputError&)>& on_error) {
  std::vector<TargetView> targets;
  std::map<std::string, std::size_t> match_index;  // id -> targets
  std::vector<LabEntry> labs;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const Location where{name, line_number};
    try {
      if (line.size() > LabRecordReader::kMaxLineBytes) {
        throw InputError("line longer than 1 MiB", where);
      }
      const auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;
      MatchEntry m;
      if (parse_match_record(line, where, m)) {
        auto [it, fresh] = match_index.emplace(m.id, targets.size());
        if (fresh) {
          TargetView t;
          t.id = m.id;
          t.target = adapt_lab(m.target, m.white, White::D50);
          if (m.skin) t.skin = adapt_lab(*m.skin, m.white, White::D50);
          t.where = where;
          t.warnings = m.warnings;
          targets.push_back(std::move(t));
        }
        TargetView& t = targets[it->second];
        RecipeView recipe;
        recipe.rank = m.rank != 0 ? m.rank : static_cast<int>(t.recipes.size()) + 1;
        recipe.parts = std::move(m.recipe);
        recipe.ratio = m.ratio;
        recipe.predicted = adapt_lab(m.predicted, m.white, White::D50);
        recipe.de00 = m.de00;
        recipe.healed = m.healed;
        recipe.reachable = m.reachable;
        recipe.density = m.density;
        recipe.coverage = m.coverage;
        recipe.overall_de00 = m.overall_de00;
        recipe.rank_de00 = m.rank_de00;
        recipe.illustrative = m.illustrative;
        t.recipes.push_back(std::move(recipe));
        continue;
      }
      // Everything else is a Lab record (JSON or text), read by the library's own reader.
      std::istringstream one(line);
      LabRecordReader reader(one, name);
      LabEntry entry;
      try {
        if (!reader.next(entry)) continue;
      } catch (const InputError& e) {
        throw InputError(e.message(), Location{name, line_number, e.where().column});
      }
      if (!entry.id_given && entry.source.empty()) entry.id = std::to_string(line_number);
      entry.where = where;
      labs.push_back(std::move(entry));
    } catch (const InputError& e) {
      on_error(e);
    }
  }
  if (!labs.empty()) {
    const SkinPairing pairing = pair_skin(labs, White::D50);
    for (std::size_t i = 0; i < labs.size(); ++i) {
      if (pairing.is_skin[i]) continue;
      TargetView t;
      t.id = labs[i].id;
      t.target = adapt_lab(labs[i].lab, labs[i].white, White::D50);
      t.skin = pairing.skin[i];
      t.warnings = labs[i].warnings;
      t.where = labs[i].where;
      targets.push_back(std::move(t));
    }
    // A lone scalp record (no hair beside it) is still shown, as a skin swatch.
    const bool skin_used = std::any_of(pairing.skin.begin(), pairing.skin.end(),
                                       [](const std::optional<Lab>& s) { return s.has_value(); });
    for (std::size_t i = 0; i < labs.size() && !skin_used; ++i) {
      if (!pairing.is_skin[i]) continue;
      TargetView t;
      t.id = labs[i].id;
      t.target = adapt_lab(labs[i].lab, labs[i].white, White::D50);
      t.where = labs[i].where;
      targets.push_back(std::move(t));
    }
  }
  return targets;
}

void name_parts(std::vector<TargetView>& targets, const std::vector<Catalog>& catalogs) {
  std::map<std::string, std::string> names;
  for (const Catalog& c : catalogs) {
    for (const Pigment& p : c.pigments) names[p.id] = p.name;
    for (const Diluent& d : c.diluents) names[d.id] = d.name;
  }
  for (TargetView& t : targets) {
    for (RecipeView& r : t.recipes) {
      for (RecipePart& part : r.parts) {
        // The record's own name first (smp-match writes it); the catalogue's for older records.
        const auto it = names.find(part.id);
        if (part.name.empty() && it != names.end() && !it->second.empty()) part.name = it->second;
      }
    }
  }
}

Record swatch_record(const Swatch& s) {
  Record r(RecordKind::Swatch);
  r.set("id", s.id).set("swatch", s.kind).set("rank", s.rank).set("lab", s.lab);
  r.set("x", s.rect.x).set("y", s.rect.y).set("w", s.rect.w).set("h", s.rect.h);
  r.set("out_of_gamut", s.out_of_gamut);
  if (s.coverage) r.set("coverage", *s.coverage);
  return r;
}

}  // namespace smpshade::render
