// The session plan (smpshade-records(5), plan records): session 1 lighter and sparser than the
// match, or the next session corrected by an earlier one that healed; written by smp-match, read
// by smp-heal outcome (the recipe tattooed) and smp-report (the page's plan).
#include <algorithm>
#include <numeric>

#include "formats/records/internal.hpp"
#include "smpshade/match.hpp"

namespace smpshade {

namespace {

// Session 1's recipe: every line times 3 and the recipe's parts more diluent, so that the inks
// are at kFirstSessionStrength (3/4) of their share, then reduced. A recipe without diluent gets
// the lead ink's diluent line.
std::vector<RecipePart> first_session_recipe(const std::vector<RecipePart>& match,
                                             const RecipePart& diluent) {
  int all = 0;
  for (const RecipePart& p : match) all += p.parts;
  std::vector<RecipePart> parts = match;
  if (std::none_of(parts.begin(), parts.end(), [](const RecipePart& p) { return p.is_diluent; })) {
    parts.push_back(diluent);
    parts.back().parts = 0;
  }
  int divisor = 0;
  for (RecipePart& p : parts) {
    p.parts = 3 * p.parts + (p.is_diluent ? all : 0);
    divisor = std::gcd(divisor, p.parts);
  }
  for (RecipePart& p : parts) p.parts /= std::max(divisor, 1);
  return parts;
}

std::vector<Record> plan_lines(const std::vector<RecipePart>& recipe) {
  std::vector<Record> lines;
  for (const RecipePart& part : recipe) {
    Record line;
    line.set("id", part.id);
    if (!part.name.empty()) line.set("name", part.name);
    line.set("kind", part.is_diluent ? "diluent" : "pigment").set("parts", part.parts);
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace

SessionPlan plan_first_session(const Matcher& matcher, const MatchResult& result) {
  if (result.recipes.empty()) throw ArgumentError("no recipe to plan a session from");
  const Recipe& best = result.recipes.front();
  RecipePart diluent{"diluent", "diluent", true, 0};
  for (const PigmentModel& p : matcher.pigments()) {
    if (p.id == best.parts.front().id) diluent = {p.diluent_id, p.diluent_name, true, 0};
  }
  SessionPlan plan;
  plan.session = 1;
  plan.recipe = first_session_recipe(best.parts, diluent);
  // Inks in recipe order, then the diluent (as the match's ratio is written).
  std::vector<int> ratio;
  int diluent_parts = 0;
  for (const RecipePart& p : plan.recipe) {
    if (p.is_diluent) {
      diluent_parts += p.parts;
    } else {
      ratio.push_back(p.parts);
    }
  }
  ratio.push_back(diluent_parts);
  plan.ratio = ratio_text(ratio);
  plan.healed = result.healed;
  plan.predicted = matcher.predict(plan.recipe, result.skin,
                                   result.healed ? std::optional(result.healing) : std::nullopt);
  plan.illustrative = best.illustrative;
  if (result.healed) {
    const double planned = best.density ? *best.density : best.coverage.value_or(0.25);
    plan.density = kFirstSessionDensity * planned;
  }
  plan.basis = "rank 1 with a third more diluent (ink at 3/4 of its share), at 70 % of its density";
  return plan;
}

Record plan_record(const RecordIdentity& who, const SessionPlan& plan, const MatchResult& result,
                   const MatchOptions& options, const std::string& model) {
  RecordIdentity identity = who;
  identity.session = plan.session;
  Record r(RecordKind::Plan);
  set_identity(r, identity);
  r.set("target", result.target);
  if (result.skin) r.set("skin", *result.skin);
  r.set("predicts", plan.healed ? "healed" : "card");
  if (plan.healed) r.set("model", model.empty() ? options.healing_model : model);
  r.set("recipe", plan_lines(plan.recipe)).set("ratio", plan.ratio).set("predicted", plan.predicted);
  if (plan.density) r.set("density", *plan.density);
  r.set("basis", plan.basis);
  if (plan.previous) {
    const SessionPlan::Previous& p = *plan.previous;
    r.set("previous_id", p.id)
        .set("previous_recipe", plan_lines(p.recipe))
        .set("previous_predicted", p.predicted)
        .set("previous_healed", p.healed)
        .set("previous_de00", p.de00)
        .set("retention_before", p.retention_before)
        .set("retention_after", p.retention_after);
  }
  if (plan.illustrative) r.set("illustrative", true);
  r.set("white", std::string(white_name(options.white)));
  return r;
}

PlanEntry parse_plan_record(std::string_view line, const Location& where) {
  const detail::Json json = detail::parse_record_object(line, where);
  PlanEntry p;
  p.where = where;
  p.who.id = detail::text_field(json, "id", where);
  if (p.who.id.empty()) throw InputError("plan record has no 'id'", where);
  p.who.client = detail::text_field(json, "client", where);
  p.who.part = detail::text_field(json, "part", where);
  p.who.source = detail::text_field(json, "source", where);
  p.session = static_cast<int>(*detail::number_field(json, "session", where, 1, 1000, true));
  p.who.session = p.session;
  p.white = detail::white_field(json, where);
  p.target = *detail::lab_field(json, "target", where, true);
  p.skin = detail::lab_field(json, "skin", where, false);
  p.healed = detail::text_field(json, "predicts", where) == "healed";
  p.recipe = detail::recipe_field(json, "recipe", where);
  p.ratio = detail::text_field(json, "ratio", where);
  p.predicted = *detail::lab_field(json, "predicted", where, true);
  p.density = detail::number_field(json, "density", where, 0, 1, false);
  p.basis = detail::text_field(json, "basis", where);
  p.model = detail::text_field(json, "model", where);
  if (const auto i = json.find("illustrative"); i != json.end() && i->is_boolean()) {
    p.illustrative = i->get<bool>();
  }
  if (json.contains("previous_id")) {
    SessionPlan::Previous previous;
    previous.id = detail::text_field(json, "previous_id", where);
    previous.recipe = detail::recipe_field(json, "previous_recipe", where);
    previous.predicted = *detail::lab_field(json, "previous_predicted", where, true);
    previous.healed = *detail::lab_field(json, "previous_healed", where, true);
    previous.de00 = *detail::number_field(json, "previous_de00", where, 0, 1000, true);
    previous.retention_before =
        *detail::number_field(json, "retention_before", where, 0, 1000, true);
    previous.retention_after = *detail::number_field(json, "retention_after", where, 0, 1000, true);
    p.previous = std::move(previous);
  }
  return p;
}

}  // namespace smpshade
