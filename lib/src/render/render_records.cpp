// Reading what smp-render draws: Lab records and match records, told apart line by line.
#include <cmath>
#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "render.hpp"

namespace smpshade::render {
namespace {

using Json = nlohmann::json;

Lab lab_field(const Json& json, const char* key, const Location& where) {
  const auto it = json.find(key);
  if (it == json.end()) throw InputError(std::string("match record has no '") + key + "'", where);
  if (!it->is_array() || it->size() != 3 || !(*it)[0].is_number() || !(*it)[1].is_number() ||
      !(*it)[2].is_number()) {
    throw InputError(std::string("'") + key + "' must be an array of three numbers", where);
  }
  const Lab lab{(*it)[0].get<double>(), (*it)[1].get<double>(), (*it)[2].get<double>()};
  check_lab_range(lab, where, key);
  return lab;
}

struct MatchLine {
  std::string id;
  Lab target;
  std::optional<Lab> skin;
  RecipeView recipe;
};

MatchLine parse_match(const Json& json, const Location& where) {
  MatchLine m;
  const auto id = json.find("id");
  if (id == json.end() || !id->is_string() || id->get<std::string>().empty()) {
    throw InputError("match record has no 'id'", where);
  }
  m.id = id->get<std::string>();
  White white = White::D50;
  if (const auto w = json.find("white"); w != json.end()) {
    if (!w->is_string()) throw InputError("'white' must be \"D50\" or \"D65\"", where);
    try {
      white = parse_white(w->get<std::string>());
    } catch (const Error& e) {
      throw InputError(e.message(), where);
    }
  }
  m.target = adapt_lab(lab_field(json, "target", where), white, White::D50);
  if (json.contains("skin")) m.skin = adapt_lab(lab_field(json, "skin", where), white, White::D50);
  m.recipe.predicted = adapt_lab(lab_field(json, "predicted", where), white, White::D50);
  const auto de = json.find("de00");
  if (de == json.end() || !de->is_number() || !std::isfinite(de->get<double>()) ||
      de->get<double>() < 0) {
    throw InputError("match record needs 'de00', a number >= 0", where);
  }
  m.recipe.de00 = de->get<double>();
  if (const auto rank = json.find("rank"); rank != json.end() && rank->is_number_integer()) {
    m.recipe.rank = rank->get<int>();
  }
  if (const auto ratio = json.find("ratio"); ratio != json.end() && ratio->is_string()) {
    m.recipe.ratio = ratio->get<std::string>();
  }
  if (const auto p = json.find("predicts"); p != json.end() && p->is_string()) {
    m.recipe.healed = p->get<std::string>() == "healed";
  }
  if (const auto r = json.find("reachable"); r != json.end() && r->is_boolean()) {
    m.recipe.reachable = r->get<bool>();
  }
  const auto recipe = json.find("recipe");
  if (recipe == json.end() || !recipe->is_array()) {
    throw InputError("match record needs 'recipe', an array of {id, kind, parts}", where);
  }
  for (const Json& part : *recipe) {
    if (!part.is_object() || !part.contains("id") || !part["id"].is_string() ||
        !part.contains("parts") || !part["parts"].is_number_integer() ||
        part["parts"].get<long long>() < 1 || part["parts"].get<long long>() > 100000) {
      throw InputError("each recipe part needs 'id' and 'parts' (a whole number >= 1)", where);
    }
    RecipePart p;
    p.id = part["id"].get<std::string>();
    p.parts = part["parts"].get<int>();
    p.is_diluent = part.contains("kind") && part["kind"] == "diluent";
    m.recipe.parts.push_back(std::move(p));
  }
  return m;
}

bool is_match_record(const Json& json) {
  return json.is_object() && (json.contains("recipe") || json.contains("predicted"));
}

}  // namespace

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
      if (line[first] == '{') {
        const Json json = Json::parse(line, nullptr, false);
        if (!json.is_discarded() && is_match_record(json)) {
          MatchLine m = parse_match(json, where);
          auto [it, fresh] = match_index.emplace(m.id, targets.size());
          if (fresh) {
            TargetView t;
            t.id = m.id;
            t.target = m.target;
            t.skin = m.skin;
            t.where = where;
            targets.push_back(std::move(t));
          }
          TargetView& t = targets[it->second];
          if (m.recipe.rank == 0) m.recipe.rank = static_cast<int>(t.recipes.size()) + 1;
          t.recipes.push_back(std::move(m.recipe));
          continue;
        }
      }
      // Everything else is a Lab record (JSON or text), read by the library's own reader.
      std::istringstream one(line);
      LabRecordReader reader(one, name);
      LabEntry entry;
      try {
        if (!reader.next(entry)) continue;
      } catch (const InputError& e) {
        throw InputError(e.message(), where);
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
      t.where = labs[i].where;
      targets.push_back(std::move(t));
    }
    // A lone scalp record (no hair beside it) is still shown, as a skin swatch.
    for (std::size_t i = 0; i < labs.size(); ++i) {
      if (!pairing.is_skin[i]) continue;
      bool used = false;
      for (std::size_t j = 0; j < labs.size(); ++j) used = used || pairing.skin[j].has_value();
      if (used) continue;
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
        const auto it = names.find(part.id);
        if (it != names.end() && !it->second.empty()) part.name = it->second;
      }
    }
  }
}

Record swatch_record(const Swatch& s) {
  Record r;
  r.set("id", s.id).set("kind", s.kind).set("rank", s.rank).set("lab", s.lab);
  r.set("x", s.rect.x).set("y", s.rect.y).set("w", s.rect.w).set("h", s.rect.h);
  r.set("out_of_gamut", s.out_of_gamut);
  return r;
}

}  // namespace smpshade::render
