// smp-heal: learn how ink heals from the clinic's own outcomes, and predict healed colours.
#include <fmt/core.h>

#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "app.hpp"
#include "smpshade/catalog.hpp"
#include "smpshade/files.hpp"
#include "smpshade/heal.hpp"
#include "smpshade/match.hpp"

using namespace smpshade;

namespace {

// The planned recipes of `path` (match records), the chosen rank of each target, in order.
std::vector<MatchEntry> read_plan(app::Tool& tool, const std::string& path, int rank) {
  auto in = app::open_input(path);
  std::vector<MatchEntry> plan;
  std::set<std::string> seen;
  std::string line;
  for (std::size_t number = 1; std::getline(*in, line); ++number) {
    MatchEntry entry;
    try {
      if (!parse_match_record(line, Location{path, number}, entry)) continue;
    } catch (const InputError& e) {
      tool.error(e);
      continue;
    }
    if ((entry.rank == 0 || entry.rank == rank) && seen.insert(entry.id).second) {
      plan.push_back(std::move(entry));
    }
  }
  return plan;
}

bool is_hair(const LabEntry& e) {
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

std::vector<Catalog> load(app::Tool& tool, const std::vector<std::string>& catalogs,
                          const CatalogLimits& limits) {
  const auto paths = catalog_search_path(catalogs);
  if (paths.empty()) throw Error("no catalogue found: give --catalog PATH or set SMPSHADE_CATALOG");
  std::vector<Catalog> loaded = load_catalogs(paths, limits);
  app::require_pigments(loaded);
  (void)tool;
  return loaded;
}

}  // namespace

int main(int argc, char** argv) {
  app::Tool tool("smp-heal", "Learn how ink heals from a clinic's outcomes; predict healed colours");
  auto& cli = tool.cli();
  cli.require_subcommand(1);
  cli.fallthrough();  // --catalog, --format and the limits may come after the subcommand
  std::vector<std::string> catalogs, inputs, outcome_files;
  CatalogLimits limits;
  std::string plan_path, healed_path, client, output, healing_file, recipe_text;
  int rank = 1;
  std::optional<double> weeks;
  std::vector<double> skin_values;

  auto* outcome = cli.add_subcommand("outcome", "Join planned recipes with healed measurements");
  outcome->add_option("--plan", plan_path, "Match records of the session (smp-match)")->required();
  outcome->add_option("--healed", healed_path, "smp-measure --split of the healed area")->required();
  outcome->add_option("--rank", rank, "The planned recipe used: this rank")->capture_default_str();
  outcome->add_option("--client", client, "Client id (default: the target id up to its first /)");
  outcome->add_option("--weeks", weeks, "Weeks between the session and the healed photo")
      ->check(CLI::Range(0.0, 1000.0));

  auto* fit = cli.add_subcommand("fit", "Fit the healing model to outcome records");
  fit->add_option("OUTCOMES", inputs, "Outcome records (default: stdin)");
  fit->add_option("-o,--output", output, "The healing model file to write (YAML)")->required();

  auto* predict = cli.add_subcommand("predict", "Predict healed colours of recipes in skin");
  predict->add_option("CASES", inputs, "Records with skin and recipe (match or outcome records)");
  predict->add_option("--healing", healing_file, "A fitted healing model (smp-heal fit)");
  predict->add_option("--outcome", outcome_files, "This client's earlier outcomes (repeatable)")
      ->allow_extra_args(false);
  predict->add_option("--skin", skin_values, "Predict for this skin (with --recipe)")
      ->delimiter(',')->expected(3)->option_text("L,a,b");
  predict->add_option("--recipe", recipe_text, "A recipe, ID:PARTS,... (with --skin)");
  tool.add_catalog_option(catalogs);
  tool.add_catalog_limit_options(limits);
  tool.add_format_option();

  return tool.run(argc, argv, [&] {
    RecordWriter writer(std::cout, tool.format());
    if (*outcome) {
      const std::vector<MatchEntry> plan = read_plan(tool, plan_path, rank);
      std::vector<LabEntry> healed;
      for (LabEntry& e : app::read_lab_records(tool, healed_path)) {
        if (is_hair(e)) healed.push_back(std::move(e));
      }
      if (plan.size() != healed.size()) {
        throw InputError(fmt::format("{} planned targets (rank {}) but {} healed hair records: "
                                     "they are joined in order, one each",
                                     plan.size(), rank, healed.size()),
                         Location{healed_path});
      }
      for (std::size_t i = 0; i < plan.size(); ++i) {
        if (!plan[i].skin) {
          tool.error("the plan predicts on card: an outcome needs the client's skin", plan[i].where);
          continue;
        }
        Outcome o;
        o.id = plan[i].id;
        o.client = client.empty() ? o.id.substr(0, o.id.find('/')) : client;
        o.skin = adapt_lab(*plan[i].skin, plan[i].white, White::D50);
        o.recipe = plan[i].recipe;
        o.healed = adapt_lab(healed[i].lab, healed[i].white, White::D50);
        o.weeks = weeks;
        writer.write(outcome_record(o));
      }
      return;
    }
    if (inputs.empty() && !(predict->parsed() && !recipe_text.empty())) inputs.push_back("-");
    const std::vector<Catalog> loaded = load(tool, catalogs, limits);
    const Matcher matcher(loaded, MatchOptions{});
    if (*fit) {
      const std::vector<Outcome> outcomes = app::read_outcomes(tool, inputs);
      const HealingFit result = fit_healing_model(outcomes, matcher);
      for (const InputError& e : result.skipped) tool.error(e);
      HealingModel model = result.model;
      model.source = output;
      std::string ids;
      for (const PigmentModel& p : matcher.pigments()) ids += (ids.empty() ? "" : " ") + p.id;
      model.catalog = ids;
      std::ostringstream yaml;
      write_healing_model(yaml, model);
      write_file_atomically(output, yaml.str().data(), yaml.str().size());
      for (const OutcomeFit& f : result.outcomes) {
        Record r;
        r.set("id", f.id).set("client", f.client).set("ita", f.ita).set("healed", f.healed)
            .set("predicted", f.predicted).set("de00", f.de00)
            .set("held_out", f.held_out_predicted).set("held_out_de00", f.held_out_de00)
            .set("default_de00", f.default_de00);
        writer.write(r);
      }
      writer.finish();
      const HealingParameters& p = model.parameters;
      const ParameterErrors& se = model.standard_error;
      fmt::print(stderr, "{}: fitted {} outcomes of {} clients\n", tool.name(), model.outcomes, model.clients);
      fmt::print(stderr, "  retention {:.3f} ± {:.3f}, depth {:.3f} ± {:.3f} mm, filter {:.2f} ± {:.2f}\n",
                 p.retention, se.retention, p.depth_mm, se.depth_mm, p.filter, se.filter);
      if (model.trend.fitted) {
        fmt::print(stderr, "  skin tone: per +10° ITA from {:.0f}°, retention × {:.3f}, filter × {:.3f}\n",
                   model.trend.reference_ita, std::exp(model.trend.log_retention_per_10deg),
                   std::exp(model.trend.log_filter_per_10deg));
      }
      double defaults = 0;
      for (const OutcomeFit& f : result.outcomes) defaults += f.default_de00 / result.outcomes.size();
      fmt::print(stderr, "  ΔE00 mean: fitted {:.2f}, held out ({}) {:.2f} (90 % within {:.2f}); "
                 "unfitted defaults {:.2f}\n", model.residual_mean_de00, model.held_out_method,
                 model.held_out_mean_de00, model.held_out_p90_de00.value_or(0), defaults);
      if (model.outcome_de00) {
        fmt::print(stderr, "  clients differ: ln retention spread {:.2f} (chosen by predicting each "
                   "client's outcome from their others); one outcome ± {:.2f} ΔE00\n",
                   model.client_spread, *model.outcome_de00);
      }
      for (const std::string& note : result.notes) fmt::print(stderr, "  {}\n", note);
      for (const std::string& w : result.warnings) tool.warning(w, Location{output});
      fmt::print(stderr, "{}: wrote {}\n", tool.name(), output);
      return;
    }
    // predict
    HealingModel model;
    if (!healing_file.empty()) model = read_healing_model(healing_file);
    const HealingChooser chooser(model, app::read_outcomes(tool, outcome_files), {}, matcher);
    std::vector<Outcome> cases;
    if (!recipe_text.empty() || !skin_values.empty()) {
      if (recipe_text.empty() || skin_values.empty()) {
        throw app::UsageError("--skin and --recipe go together");
      }
      Outcome c;
      c.id = "recipe";
      c.skin = {skin_values[0], skin_values[1], skin_values[2]};
      check_lab_range(c.skin, Location{"--skin"});
      c.recipe = parse_recipe_text(recipe_text);
      cases.push_back(std::move(c));
    }
    const std::vector<Outcome> read = app::read_outcomes(tool, inputs);
    cases.insert(cases.end(), read.begin(), read.end());
    for (Outcome& c : cases) {
      try {
        mark_diluents(c.recipe, loaded);
        const ClientHealing healing = chooser.choose(c.client, c.skin);
        const HealingParameters& p = healing.parameters;
        const Lab healed = matcher.predict(c.recipe, c.skin, p);
        Outcome out = c;
        out.healed = healed;
        Record r = outcome_record(out);
        if (tool.format() == Format::Table) {  // the recipe as a technician reads it
          for (RecipePart& part : out.recipe) part.name.clear();
          r.set("recipe", recipe_parts_in_words(out.recipe));
        }
        if (model.held_out_p90_de00) r.set("uncertainty_de00", *model.held_out_p90_de00);
        r.set("model", healing.describe);
        r.set("retention", p.retention);
        writer.write(r);
      } catch (const InputError& e) {
        tool.error(e.message(), c.where);
      }
    }
  });
}
