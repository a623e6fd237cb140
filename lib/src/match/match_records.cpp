// Match records: written (jsonl/csv and the table's short row), read back (smp-render,
// smp-heal), and the pairing of targets with the skin they heal in.
#include <map>

#include "core/fixed.hpp"
#include "formats/records/internal.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/match.hpp"

namespace smpshade {

namespace {

// The recipe's lines as records: id, name, kind, parts, and ml and drops for the cup.
std::vector<Record> recipe_lines(const std::vector<RecipePart>& recipe, const MatchOptions& options) {
  const std::vector<DispensedPart> amounts = dispense(recipe, options.cup_ml, options.drop_ml);
  std::vector<Record> parts;
  for (std::size_t i = 0; i < recipe.size(); ++i) {
    const RecipePart& part = recipe[i];
    Record p;
    p.set("id", part.id);
    if (!part.name.empty()) p.set("name", part.name);
    p.set("kind", part.is_diluent ? "diluent" : "pigment")
        .set("parts", part.parts)
        .set("ml", amounts[i].ml)
        .set("drops", amounts[i].drops);
    parts.push_back(std::move(p));
  }
  return parts;
}

}  // namespace

Record match_record(const RecordIdentity& who, int rank, const MatchResult& result,
                    const MatchOptions& options, const std::string& model) {
  const Recipe& recipe = result.recipes.at(static_cast<std::size_t>(rank - 1));
  Record r(RecordKind::Match);
  set_identity(r, who);
  r.set("rank", rank).set("target", result.target);
  if (result.skin) r.set("skin", *result.skin);
  r.set("predicts", result.healed ? "healed" : "card");
  if (result.healed) {
    r.set("model", model.empty() ? options.healing_model : model);
    if (options.healing_uncertainty_de00) {
      r.set("uncertainty_de00", *options.healing_uncertainty_de00);
    }
  }
  r.set("matches", result.matches_overall ? "overall" : "dot");
  r.set("recipe", recipe_lines(recipe.parts, options))
      .set("ratio", recipe.ratio)
      .set("cup_ml", options.cup_ml)
      .set("drop_ml", options.drop_ml)
      .set("predicted", recipe.predicted)
      .set("de00", recipe.difference.de00)
      .set("dL", recipe.difference.dl)
      .set("dC", recipe.difference.dc)
      .set("dH", recipe.difference.dh)
      .set("robustness_de00", recipe.robustness_de00)
      .set("rank_de00", recipe.rank_de00);
  if (result.matches_overall) {
    r.set("hair_coverage", *result.hair_coverage)
        .set("region", *result.region)
        .set("density", *recipe.density)
        .set("overall", *recipe.overall)
        .set("overall_de00", recipe.overall_difference->de00);
  } else if (recipe.overall) {
    r.set("coverage", *recipe.coverage).set("overall", *recipe.overall);
  }
  if (result.lightness_first) r.set("ranked", "lightness first");
  if (recipe.illustrative) r.set("illustrative", true);
  r.set("reachable", result.reachable);
  r.set("white", std::string(white_name(options.white)));
  return r;
}

namespace {

// "0.25 + 1.75" and "5 + 35": a recipe's lines in ml and drops, in recipe order.
std::pair<std::string, std::string> amounts_text(const Recipe& recipe,
                                                 const MatchOptions& options) {
  std::string ml, drops;
  for (const DispensedPart& a : dispense(recipe.parts, options.cup_ml, options.drop_ml)) {
    ml += (ml.empty() ? "" : " + ") + detail::fixed(a.ml, 2);
    drops += (drops.empty() ? "" : " + ") + std::to_string(a.drops);
  }
  return {ml, drops};
}

}  // namespace

Record match_table_row(const std::string& id, int rank, const MatchResult& result,
                       const MatchOptions& options) {
  const Recipe& recipe = result.recipes.at(static_cast<std::size_t>(rank - 1));
  const auto [ml, drops] = amounts_text(recipe, options);
  Record r;
  r.set("id", id)
      .set("rank", rank)
      .set("recipe", recipe_in_words(recipe))
      .set("ratio", ratio_in_words(recipe.parts))
      .set("ml", ml)
      .set("drops", drops)
      .set("predicts", std::string(result.healed ? "healed " : "card ") +
                           (result.matches_overall ? "overall" : "dot"))
      .set("pred L a b", recipe.predicted)
      .set("de00", recipe.difference.de00)
      .set("looks", de00_in_words(recipe.difference.de00))
      .set("robustness_de00", recipe.robustness_de00);
  if (recipe.density) {
    r.set("density", *recipe.density).set("overall_de00", recipe.overall_difference->de00);
  }
  if (recipe.density || result.lightness_first) r.set("ranked_by", recipe.rank_de00);
  r.set("reachable", result.reachable);
  if (recipe.overall) r.set("overall L a b", *recipe.overall);
  if (recipe.illustrative) r.set("illustrative", "yes: do not mix from these");
  return r;
}

bool parse_match_record(std::string_view line, const Location& where, MatchEntry& m) {
  using detail::Json;
  if (record_kind(line, where) != RecordKind::Match) return false;
  const Json json = detail::parse_record_object(line, where);
  m = MatchEntry{};
  m.where = where;
  for (const char* key : {"target", "predicted", "de00", "recipe"}) {
    if (!json.contains(key)) throw InputError(std::string("match record needs '") + key + "'", where);
  }
  m.id = detail::text_field(json, "id", where);
  if (m.id.empty()) throw InputError("match record has no 'id'", where);
  m.client = detail::text_field(json, "client", where);
  m.part = detail::text_field(json, "part", where);
  m.source = detail::text_field(json, "source", where);
  if (auto session = detail::number_field(json, "session", where, 1, 1000, false)) {
    m.session = static_cast<int>(*session);
  }
  if (const auto i = json.find("illustrative"); i != json.end() && i->is_boolean()) {
    m.illustrative = i->get<bool>();
  }
  m.uncertainty_de00 = detail::number_field(json, "uncertainty_de00", where, 0, 1000, false);
  m.white = detail::white_field(json, where);
  m.target = *detail::lab_field(json, "target", where, true);
  m.skin = detail::lab_field(json, "skin", where, false);
  m.predicted = *detail::lab_field(json, "predicted", where, true);
  m.de00 = *detail::number_field(json, "de00", where, 0, 1000, true);
  if (const auto rank = json.find("rank"); rank != json.end() && rank->is_number_integer()) {
    m.rank = rank->get<int>();
  }
  m.ratio = detail::text_field(json, "ratio", where);
  m.healed = detail::text_field(json, "predicts", where) == "healed";
  m.model = detail::text_field(json, "model", where);
  if (const auto r = json.find("reachable"); r != json.end() && r->is_boolean()) {
    m.reachable = r->get<bool>();
  }
  m.recipe = detail::recipe_field(json, "recipe", where);
  const std::string matches = detail::text_field(json, "matches", where);
  if (!matches.empty()) {
    if (matches != "dot" && matches != "overall") {
      throw InputError("'matches' must be \"dot\" or \"overall\"", where);
    }
    m.matches = matches;
  }
  m.coverage = detail::number_field(json, "coverage", where, 0, 1, false);
  m.density = detail::number_field(json, "density", where, 0, 1, false);
  m.overall = detail::lab_field(json, "overall", where, false);
  m.overall_de00 = detail::number_field(json, "overall_de00", where, 0, 1000, false);
  m.rank_de00 = detail::number_field(json, "rank_de00", where, 0, 1000, false);
  m.cup_ml = detail::number_field(json, "cup_ml", where, 1e-6, 1000, false);
  m.drop_ml = detail::number_field(json, "drop_ml", where, 1e-6, 1000, false);
  m.robustness_de00 = detail::number_field(json, "robustness_de00", where, 0, 1000, false);
  m.warnings = detail::text_list_field(json, "warnings", where);
  return true;
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
  // Whose a record is: its client when it says, else its photo.
  auto owner = [](const LabEntry& e) { return e.client.empty() ? "source:" + e.source : e.client; };
  auto named = [](const LabEntry& e) { return !e.client.empty() || !e.source.empty(); };
  std::map<std::pair<std::string, std::string>, Lab> by_region;
  std::map<std::string, Lab> by_owner;  // the first scalp record of each client or photo
  SkinPairing pairing;
  for (const LabEntry& e : records) {
    const auto region = e.part == "scalp" && !scalp_region(e) ? std::optional<std::string>("")
                                                              : scalp_region(e);
    pairing.is_skin.push_back(region.has_value());
    if (region) {
      const Lab lab = adapt_lab(e.lab, e.white, white);
      by_region[{owner(e), *region}] = lab;
      by_owner.emplace(owner(e), lab);
    }
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::optional<Lab> skin;
    if (!pairing.is_skin[i]) {
      const LabEntry& e = records[i];
      if (auto it = by_region.find({owner(e), parent_region(e)}); it != by_region.end()) {
        skin = it->second;
      } else if (auto any = by_owner.find(owner(e)); any != by_owner.end() && named(e)) {
        skin = any->second;
      }
    }
    pairing.skin.push_back(skin);
  }
  return pairing;
}

}  // namespace smpshade
