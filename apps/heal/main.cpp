// smp-heal: learn how ink heals from the clinic's own outcomes, and predict healed colours.
#include <fmt/core.h>

#include <iostream>
#include <optional>
#include <sstream>

#include "app.hpp"
#include "smpshade/catalog.hpp"
#include "smpshade/files.hpp"
#include "smpshade/heal.hpp"
#include "smpshade/match.hpp"

using namespace smpshade;

namespace {

struct Options {
  std::vector<std::string> catalogs, inputs, outcome_files;
  CatalogLimits limits;
  std::string plan_path, healed_path, client, output, healing_file, recipe_text;
  std::optional<int> rank;
  std::optional<double> weeks;
  std::vector<double> skin_values;
};

// What was tattooed, per target, from the session's records: its plan records (kind plan: the
// recipe of the plan), else its match records' recipe of `rank` (default 1). In input order.
std::vector<PlanEntry> read_session(app::Tool& tool, const std::string& path,
                                    std::optional<int> rank) {
  auto in = app::open_input(path);
  std::vector<PlanEntry> plans, matches;
  std::string line;
  for (std::size_t number = 1; std::getline(*in, line); ++number) {
    const Location where{path, number};
    try {
      const RecordKind kind = record_kind(line, where);
      if (kind == RecordKind::Plan) {
        plans.push_back(parse_plan_record(line, where));
      } else if (kind == RecordKind::Match) {
        MatchEntry m;
        parse_match_record(line, where, m);
        if (m.rank != 0 && m.rank != rank.value_or(1)) continue;
        PlanEntry p;
        p.who = {m.id, m.client, m.part, m.session, m.source};
        p.session = m.session.value_or(1);
        p.skin = m.skin;
        p.target = m.target;
        p.healed = m.healed;
        p.recipe = m.recipe;
        p.white = m.white;
        p.where = where;
        matches.push_back(std::move(p));
      }
    } catch (const InputError& e) {
      tool.error(e);
    }
  }
  // A rank asked for means the match records' recipe of that rank; else the plan, as tattooed.
  return rank || plans.empty() ? matches : plans;
}

bool is_hair(const LabEntry& e) {
  if (!e.part.empty()) return e.part == "hair";
  const std::string& name = e.region.empty() ? e.id : e.region;
  return name == "hair" || (name.size() > 5 && name.compare(name.size() - 5, 5, "/hair") == 0);
}

// Which recipe lines are diluents: the ids of the catalogues' diluents (and "diluent").
void mark_diluents(std::vector<RecipePart>& recipe, const std::vector<Catalog>& catalogs) {
  for (RecipePart& part : recipe) {
    for (const Catalog& c : catalogs) {
      for (const Diluent& d : c.diluents) part.is_diluent = part.is_diluent || d.id == part.id;
    }
  }
}

// smp-heal outcome: the session as tattooed joined, in order, with the healed hair records.
void outcome_command(app::Tool& tool, const Options& o, RecordWriter& writer) {
  const std::vector<PlanEntry> session = read_session(tool, o.plan_path, o.rank);
  std::vector<LabEntry> healed;
  for (LabEntry& e : app::read_lab_records(tool, o.healed_path)) {
    if (is_hair(e)) healed.push_back(std::move(e));
  }
  if (session.size() != healed.size()) {
    throw InputError(fmt::format("{} planned targets but {} healed hair records: they are joined "
                                 "in order, one each",
                                 session.size(), healed.size()),
                     Location{o.healed_path});
  }
  std::vector<RecipePart> changed;
  if (!o.recipe_text.empty()) {
    changed = parse_recipe_text(o.recipe_text);
    // The catalogues say which ids are diluents, when there are any to ask.
    const auto paths = catalog_search_path(o.catalogs);
    if (!paths.empty()) mark_diluents(changed, load_catalogs(paths, o.limits));
  }
  for (std::size_t i = 0; i < session.size(); ++i) {
    const PlanEntry& p = session[i];
    if (!p.skin || !p.healed) {
      tool.error("the plan predicts on card: an outcome needs the client's skin", p.where);
      continue;
    }
    Outcome out;
    out.id = p.who.id;
    out.client = o.client.empty() ? p.who.client : o.client;
    out.part = p.who.part;
    out.session = p.session;
    out.skin = adapt_lab(*p.skin, p.white, White::D50);
    out.recipe = changed.empty() ? p.recipe : changed;
    out.healed = adapt_lab(healed[i].lab, healed[i].white, White::D50);
    out.weeks = o.weeks;
    writer.write(outcome_record(out));
  }
}

// The report of a fit on standard error: parameters, accuracy, what the fit did, warnings.
void print_fit_summary(app::Tool& tool, const HealingFit& result, const std::string& output) {
  const HealingModel& model = result.model;
  const HealingParameters& p = model.parameters;
  const ParameterErrors& se = model.standard_error;
  fmt::print(stderr, "{}: fitted {} outcomes of {} clients\n", tool.name(), model.outcomes,
             model.clients);
  fmt::print(stderr,
             "  retention {:.3f} ± {:.3f}, depth {:.3f} ± {:.3f} mm, filter {:.2f} ± {:.2f}\n",
             p.retention, se.retention, p.depth_mm, se.depth_mm, p.filter, se.filter);
  if (model.trend.fitted) {
    fmt::print(stderr, "  skin tone: per +10° ITA from {:.0f}°, retention × {:.3f}, filter × {:.3f}\n",
               model.trend.reference_ita, std::exp(model.trend.log_retention_per_10deg),
               std::exp(model.trend.log_filter_per_10deg));
  }
  double defaults = 0;
  for (const OutcomeFit& f : result.outcomes) defaults += f.default_de00 / result.outcomes.size();
  fmt::print(stderr,
             "  ΔE00 mean: fitted {:.2f}, held out ({}) {:.2f} (90 % within {:.2f}); unfitted "
             "defaults {:.2f}\n",
             model.residual_mean_de00, model.held_out_method, model.held_out_mean_de00,
             model.held_out_p90_de00.value_or(0), defaults);
  if (model.outcome_de00) {
    fmt::print(stderr,
               "  clients differ: ln retention spread {:.2f} (chosen by predicting each client's "
               "outcome from their others); one outcome ± {:.2f} ΔE00\n",
               model.client_spread, *model.outcome_de00);
  }
  for (const std::string& note : result.notes) fmt::print(stderr, "  {}\n", printable(note));
  for (const std::string& w : result.warnings) tool.warning(w, Location{output});
  fmt::print(stderr, "{}: wrote {}\n", tool.name(), printable(output));
}

// smp-heal fit: the model file, and one fit record per outcome.
void fit_command(app::Tool& tool, const Options& o, const Matcher& matcher, RecordWriter& writer) {
  const std::vector<Outcome> outcomes = app::read_outcomes(tool, o.inputs);
  const HealingFit result = fit_healing_model(outcomes, matcher);
  for (const InputError& e : result.skipped) tool.error(e);
  HealingModel model = result.model;
  model.source = o.output;
  std::string ids;
  for (const PigmentModel& p : matcher.pigments()) ids += (ids.empty() ? "" : " ") + p.id;
  model.catalog = ids;
  std::ostringstream yaml;
  write_healing_model(yaml, model);
  write_file_atomically(o.output, yaml.str().data(), yaml.str().size());
  for (const OutcomeFit& f : result.outcomes) writer.write(fit_record(f));
  writer.finish();
  print_fit_summary(tool, result, o.output);
}

// smp-heal predict: each case's healed colour, with the clinic's model and the case's client's
// own outcomes (the one rule, HealingChooser).
void predict_command(app::Tool& tool, const Options& o, const std::vector<Catalog>& catalogs,
                     const Matcher& matcher, RecordWriter& writer) {
  HealingModel model;
  if (!o.healing_file.empty()) model = read_healing_model(o.healing_file);
  const HealingChooser chooser(model, app::read_outcomes(tool, o.outcome_files), {}, matcher);
  std::vector<Outcome> cases;
  if (!o.recipe_text.empty()) {
    Outcome c;
    c.id = "recipe";
    c.client = o.client;
    c.skin = {o.skin_values[0], o.skin_values[1], o.skin_values[2]};
    check_lab_range(c.skin, Location{"--skin"});
    c.recipe = parse_recipe_text(o.recipe_text);
    cases.push_back(std::move(c));
  }
  const std::vector<Outcome> read = app::read_outcomes(tool, o.inputs);
  cases.insert(cases.end(), read.begin(), read.end());
  for (Outcome& c : cases) {
    try {
      mark_diluents(c.recipe, catalogs);
      const ClientHealing healing = chooser.choose(c.client, c.skin);
      Outcome out = c;
      out.healed = matcher.predict(c.recipe, c.skin, healing.parameters);
      Record r = outcome_record(out, RecordKind::Prediction);
      if (tool.format() == Format::Table) {  // the recipe as a technician reads it
        for (RecipePart& part : out.recipe) part.name.clear();
        r.set("recipe", recipe_parts_in_words(out.recipe));
      }
      if (model.held_out_p90_de00) r.set("uncertainty_de00", *model.held_out_p90_de00);
      r.set("model", healing.describe);
      r.set("retention", healing.parameters.retention);
      writer.write(r);
    } catch (const InputError& e) {
      tool.error(e.message(), c.where);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  app::Tool tool("smp-heal", "Learn how ink heals from a clinic's outcomes; predict healed colours");
  auto& cli = tool.cli();
  cli.require_subcommand(1);
  cli.fallthrough();  // --catalog, --format and the limits may come after the subcommand
  Options o;

  auto* outcome = cli.add_subcommand("outcome", "Join the session as tattooed with healed measurements");
  outcome->add_option("--plan", o.plan_path, "The session's plan records (smp-match), or match records with --rank")->required();
  outcome->add_option("--healed", o.healed_path, "smp-measure --split of the healed area")->required();
  outcome->add_option("--rank", o.rank, "The match records' recipe of this rank instead of the plan")
      ->check(CLI::Range(1, 100));
  outcome->add_option("--recipe", o.recipe_text, "The recipe tattooed, when it was changed on the day: ID:PARTS,...");
  outcome->add_option("--client", o.client, "Client id (default: the plan's)");
  outcome->add_option("--weeks", o.weeks, "Weeks between the session and the healed photo")
      ->check(CLI::Range(0.0, 1000.0));

  auto* fit = cli.add_subcommand("fit", "Fit the healing model to outcome records");
  fit->add_option("OUTCOMES", o.inputs, "Outcome records (default: stdin)");
  fit->add_option("-o,--output", o.output, "The healing model file to write (YAML)")->required();

  auto* predict = cli.add_subcommand("predict", "Predict healed colours of recipes in skin");
  predict->add_option("CASES", o.inputs, "Records with skin and recipe (match, plan or outcome records)");
  predict->add_option("--healing", o.healing_file, "A fitted healing model (smp-heal fit)");
  predict->add_option("--outcome", o.outcome_files, "Clients' earlier outcomes (repeatable): each case takes its own client's")
      ->allow_extra_args(false);
  predict->add_option("--skin", o.skin_values, "Predict for this skin (with --recipe)")
      ->delimiter(',')->expected(3)->option_text("L,a,b");
  predict->add_option("--recipe", o.recipe_text, "A recipe, ID:PARTS,... (with --skin)");
  predict->add_option("--client", o.client, "The client of --skin and --recipe, for --outcome");
  tool.add_catalog_option(o.catalogs);
  tool.add_catalog_limit_options(o.limits);
  tool.add_format_option();

  return tool.run(argc, argv, [&] {
    RecordWriter writer(std::cout, tool.format());
    if (*outcome) {
      outcome_command(tool, o, writer);
      return;
    }
    if (predict->parsed() && (o.recipe_text.empty() != o.skin_values.empty())) {
      throw app::UsageError("--skin and --recipe go together");
    }
    if (o.inputs.empty() && !(predict->parsed() && !o.recipe_text.empty())) o.inputs.push_back("-");
    const std::vector<Catalog> loaded = app::load_catalogs(o.catalogs, o.limits);
    const Matcher matcher(loaded, MatchOptions{});
    if (*fit) {
      fit_command(tool, o, matcher, writer);
    } else {
      predict_command(tool, o, loaded, matcher, writer);
    }
  });
}
