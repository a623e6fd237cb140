// Match results as records, and the pairing of targets with the skin they heal in.
#include <map>

#include "smpshade/match.hpp"

namespace smpshade {

std::string recipe_in_words(const Recipe& recipe) {
  std::string text;
  for (const RecipePart& part : recipe.parts) {
    if (!text.empty()) text += " + ";
    text += std::to_string(part.parts) + (part.parts == 1 ? " part " : " parts ") +
            (part.name.empty() ? part.id : part.name);
  }
  return text;
}

Record match_record(const std::string& id, int rank, const MatchResult& result,
                    const MatchOptions& options) {
  const Recipe& recipe = result.recipes.at(static_cast<std::size_t>(rank - 1));
  std::vector<Record> parts;
  for (const RecipePart& part : recipe.parts) {
    Record p;
    p.set("id", part.id)
        .set("kind", part.is_diluent ? "diluent" : "pigment")
        .set("parts", part.parts);
    parts.push_back(std::move(p));
  }
  Record r;
  r.set("id", id).set("rank", rank).set("target", result.target);
  if (result.skin) r.set("skin", *result.skin);
  r.set("predicts", result.healed ? "healed" : "card");
  if (result.healed) r.set("deposit", options.deposit);
  r.set("recipe", std::move(parts))
      .set("ratio", recipe.ratio)
      .set("predicted", recipe.predicted)
      .set("de00", recipe.difference.de00)
      .set("dL", recipe.difference.dl)
      .set("dC", recipe.difference.dc)
      .set("dH", recipe.difference.dh)
      .set("reachable", result.reachable);
  if (recipe.overall) r.set("coverage", *options.coverage).set("overall", *recipe.overall);
  r.set("white", std::string(white_name(options.white)));
  return r;
}

Record match_table_row(const std::string& id, int rank, const MatchResult& result) {
  const Recipe& recipe = result.recipes.at(static_cast<std::size_t>(rank - 1));
  Record r;
  r.set("id", id)
      .set("rank", rank)
      .set("recipe", recipe_in_words(recipe))
      .set("ratio", recipe.ratio)
      .set("predicted", recipe.predicted)
      .set("de00", recipe.difference.de00)
      .set("reachable", result.reachable);
  if (recipe.overall) r.set("overall", *recipe.overall);
  return r;
}

namespace {

const std::string& region_name(const LabEntry& entry) {
  return entry.region.empty() ? entry.id : entry.region;
}

// "crown/scalp" → "crown", "scalp" → "", anything else → nothing.
std::optional<std::string> scalp_region(const LabEntry& entry) {
  const std::string& name = region_name(entry);
  if (name == "scalp") return std::string();
  static const std::string kSuffix = "/scalp";
  if (name.size() > kSuffix.size() &&
      name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    return name.substr(0, name.size() - kSuffix.size());
  }
  return std::nullopt;
}

std::string parent_region(const LabEntry& entry) {
  const std::string& name = region_name(entry);
  const auto slash = name.find_last_of('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

}  // namespace

SkinPairing pair_skin(const std::vector<LabEntry>& records, White white) {
  std::map<std::pair<std::string, std::string>, Lab> by_region;
  std::map<std::string, Lab> by_source;  // the first scalp record of each photo
  SkinPairing pairing;
  for (const LabEntry& e : records) {
    const auto region = scalp_region(e);
    pairing.is_skin.push_back(region.has_value());
    if (region) {
      const Lab lab = adapt_lab(e.lab, e.white, white);
      by_region[{e.source, *region}] = lab;
      by_source.emplace(e.source, lab);
    }
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::optional<Lab> skin;
    if (!pairing.is_skin[i]) {
      const LabEntry& e = records[i];
      if (auto it = by_region.find({e.source, parent_region(e)}); it != by_region.end()) {
        skin = it->second;
      } else if (auto any = by_source.find(e.source); any != by_source.end() && !e.source.empty()) {
        skin = any->second;
      }
    }
    pairing.skin.push_back(skin);
  }
  return pairing;
}

}  // namespace smpshade
