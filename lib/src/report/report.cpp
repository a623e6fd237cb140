// The report's content: the pipe's records read and gathered per client, recipes named, Lab
// targets without match records matched, session 1 planned, and a healed session 1 compared
// with its plan and session 2 corrected (as smp-match --outcome does).
#include "report.hpp"

#include <algorithm>
#include <istream>
#include <map>
#include <numeric>
#include <sstream>

namespace smpshade::report {
namespace {

bool has(const Record& r, std::string_view key) {
  const FieldValue* v = r.find(key);
  return v && !std::holds_alternative<std::monostate>(*v);
}

// One line as the reader of its kind reads it, at its own line.
template <typename Reader, typename Value>
bool read_one(const std::string& line, const Location& where, Value& value) {
  std::istringstream one(line);
  Reader reader(one, where.file);
  try {
    if (!reader.next(value)) return false;
  } catch (const InputError& e) {
    throw InputError(e.message(), where);
  }
  value.where = where;
  return true;
}

void read_line(const std::string& line, const Location& where, ReportInput& into) {
  const std::optional<Record> fields = parse_record_line(line, where);
  if (fields && has(*fields, "healed") && has(*fields, "skin") && has(*fields, "recipe") &&
      !has(*fields, "target")) {
    Outcome outcome;
    if (read_one<OutcomeReader>(line, where, outcome)) into.outcomes.push_back(outcome);
    return;
  }
  MatchEntry match;
  if (fields && parse_match_record(line, where, match)) {
    into.matches.push_back(std::move(match));
    return;
  }
  Measured measured;
  if (!read_one<LabRecordReader>(line, where, measured.entry)) return;
  if (!measured.entry.id_given) measured.entry.id = std::to_string(where.line);
  if (fields) measured.fields = *fields;
  into.measured.push_back(std::move(measured));
}

std::string client_of(const std::string& id) { return id.substr(0, id.find('/')); }

std::string stem_of(const std::string& path) {
  std::string stem = path.substr(path.find_last_of('/') + 1);
  const auto dot = stem.find_last_of('.');
  if (dot != std::string::npos && dot > 0) stem.erase(dot);
  return stem;
}

// Recipe lines named from the catalogue (ids stay when the catalogue does not know them).
void name_parts(std::vector<RecipePart>& parts, const Matcher& matcher) {
  for (RecipePart& part : parts) {
    if (!part.name.empty()) continue;
    for (const PigmentModel& p : matcher.pigments()) {
      if (!part.is_diluent && p.id == part.id) part.name = p.name;
      if (part.is_diluent && p.diluent_id == part.id) part.name = p.diluent_name;
      if (!part.name.empty()) break;
    }
  }
}

// A recipe of a MatchResult as a match record reads back.
MatchEntry entry_from(const std::string& id, int rank, const MatchResult& result,
                      const MatchOptions& options) {
  const Recipe& r = result.recipes.at(static_cast<std::size_t>(rank - 1));
  MatchEntry e;
  e.id = id;
  e.rank = rank;
  e.target = result.target;
  e.skin = result.skin;
  e.healed = result.healed;
  e.recipe = r.parts;
  e.ratio = r.ratio;
  e.predicted = r.predicted;
  e.de00 = r.difference.de00;
  e.reachable = result.reachable;
  e.matches = result.matches_overall ? "overall" : "dot";
  e.density = r.density;
  e.overall = r.overall;
  if (r.overall_difference) e.overall_de00 = r.overall_difference->de00;
  e.rank_de00 = r.rank_de00;
  e.model = options.healing_model;
  e.cup_ml = options.cup_ml;
  e.drop_ml = options.drop_ml;
  e.robustness_de00 = r.robustness_de00;
  return e;
}

HealingParameters parameters_for(const ReportOptions& options, const std::optional<Lab>& skin) {
  return skin ? options.model.parameters_for(*skin) : options.model.parameters;
}

// Session 1 (THE SESSION PLAN): every line times 3 and a third of the cup more diluent, so the
// inks are at kSessionOneStrength (3/4) of their share, then reduced. `diluent` is the line
// added when the match has none (undiluted ink).
std::vector<RecipePart> session_one_recipe(const std::vector<RecipePart>& match,
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

void plan_session_one(TargetShown& t, const Matcher& matcher, const ReportOptions& options) {
  const MatchEntry& best = t.recipes.front().entry;
  RecipePart diluent{"diluent", "diluent", true, 0};
  for (const PigmentModel& p : matcher.pigments()) {
    if (p.id == best.recipe.front().id) diluent = {p.diluent_id, p.diluent_name, true, 0};
  }
  t.session_one = session_one_recipe(best.recipe, diluent);
  t.session_one_predicted = matcher.predict(t.session_one, best.healed ? t.skin : std::nullopt,
                                            parameters_for(options, t.skin));
  if (best.healed) {
    t.session_one_density = kSessionOneDensity * (best.density ? *best.density : options.coverage);
  }
}

void correct_session_two(TargetShown& t, const std::vector<Outcome>& own, const Matcher& matcher,
                         const ReportOptions& options, const Measured* m) {
  Correction c;
  c.outcome = own.back();
  name_parts(c.outcome.recipe, matcher);
  c.target_id = t.id;
  const HealingParameters clinic = options.model.parameters_for(c.outcome.skin);
  c.planned = matcher.predict(c.outcome.recipe, c.outcome.skin, clinic);
  c.planned_de00 = ciede2000(c.planned, *c.outcome.healed);
  const HealingParameters refined = client_parameters(options.model, *t.skin, own, matcher);
  c.retention_before = options.model.parameters_for(*t.skin).retention;
  c.retention_after = refined.retention;
  const std::optional<double> coverage = m ? m->entry.coverage : std::nullopt;
  MatchResult result = matcher.match(MatchTarget{t.target, t.skin, coverage, refined});
  if (!result.recipes.empty()) {
    c.corrected = result.recipes.front();
    name_parts(c.corrected->parts, matcher);
  }
  t.correction = std::move(c);
}

ClientShown& client_named(std::vector<ClientShown>& clients, const std::string& name) {
  for (ClientShown& c : clients) {
    if (c.client == name) return c;
  }
  clients.push_back(ClientShown{name, "", {}, {}});
  return clients.back();
}

TargetShown& target_named(ClientShown& client, const std::string& id) {
  for (TargetShown& t : client.targets) {
    if (t.id == id) return t;
  }
  client.targets.push_back(TargetShown{});
  client.targets.back().id = id;
  return client.targets.back();
}

std::string photo_for(const ClientShown& client, const std::vector<std::string>& photos) {
  for (const std::string& p : photos) {
    if (stem_of(p) == client.client) return p;
  }
  if (photos.size() == 1) return photos.front();
  return client.photo;
}

}  // namespace

void read_report_records(std::istream& in, const std::string& name, ReportInput& into,
                         const std::function<void(const InputError&)>& on_error) {
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    try {
      read_line(line, Location{name, number}, into);
    } catch (const InputError& e) {
      on_error(e);
    }
  }
}

std::vector<ClientShown> gather_clients(ReportInput& input, const Matcher& matcher,
                                        const ReportOptions& options,
                                        const std::function<void(const std::string&)>& warn) {
  std::vector<LabEntry> entries;
  for (const Measured& m : input.measured) entries.push_back(m.entry);
  // Targets point into `input`, which outlives the clients.
  const SkinPairing pairing = pair_skin(entries, White::D50);
  std::vector<ClientShown> clients;
  std::map<const TargetShown*, const Measured*> measured_of;
  for (std::size_t i = 0; i < input.measured.size(); ++i) {
    Measured& m = input.measured[i];
    m.is_skin = pairing.is_skin[i];
    ClientShown& client = client_named(clients, client_of(m.entry.id));
    client.measured.push_back(&m);
    if (client.photo.empty() && !m.entry.source.empty() && m.entry.source != "-") {
      client.photo = m.entry.source;
    }
    if (pairing.is_skin[i]) continue;
    TargetShown& t = target_named(client, m.entry.id);
    t.target = adapt_lab(m.entry.lab, m.entry.white, White::D50);
    t.skin = pairing.skin[i];
    t.measured = &m;
  }
  for (const MatchEntry& e : input.matches) {
    TargetShown& t = target_named(client_named(clients, client_of(e.id)), e.id);
    if (t.recipes.empty()) {
      t.target = adapt_lab(e.target, e.white, White::D50);
      if (e.skin) t.skin = adapt_lab(*e.skin, e.white, White::D50);
    }
    RecipeShown shown{e, std::nullopt};
    name_parts(shown.entry.recipe, matcher);
    t.recipes.push_back(std::move(shown));
  }
  for (ClientShown& client : clients) {
    client.photo = photo_for(client, options.photos);
    std::vector<Outcome> own;
    for (const Outcome& o : input.outcomes) {
      if (o.client == client.client && o.healed) own.push_back(o);
    }
    for (TargetShown& t : client.targets) {
      if (t.recipes.empty()) {
        const std::optional<double> coverage =
            t.measured ? t.measured->entry.coverage : std::nullopt;
        const MatchResult result =
            matcher.match(MatchTarget{t.target, t.skin, coverage, parameters_for(options, t.skin)});
        for (int rank = 1; rank <= static_cast<int>(result.recipes.size()); ++rank) {
          RecipeShown shown{entry_from(t.id, rank, result, options.match), std::nullopt};
          name_parts(shown.entry.recipe, matcher);
          t.recipes.push_back(std::move(shown));
        }
      }
      for (RecipeShown& r : t.recipes) {
        if (r.entry.healed) r.uncertainty = options.model.held_out_p90_de00;
      }
      if (!t.recipes.empty()) plan_session_one(t, matcher, options);
      if (!own.empty() && t.skin) {
        try {
          correct_session_two(t, own, matcher, options, t.measured);
        } catch (const Error& e) {
          warn(client.client + ": the healed outcome is left out: " + e.message());
        }
      }
    }
  }
  return clients;
}

}  // namespace smpshade::report
