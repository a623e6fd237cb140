// smp-match: ranked ink + diluent recipes for target colours (Kubelka-Munk, CIEDE2000).
#include <fmt/core.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include "app.hpp"
#include "smpshade/catalog.hpp"
#include "smpshade/heal.hpp"
#include "smpshade/match.hpp"

using namespace smpshade;

int main(int argc, char** argv) {
  app::Tool tool("smp-match",
                 "Ranked ink + diluent recipes for target colours (Kubelka-Munk, CIEDE2000)");
  std::vector<std::string> inputs, catalogs, outcome_files;
  std::string healing_file;
  std::optional<double> retention, hair_coverage;
  std::vector<double> skin_values;
  std::string white_name_option = "D50";
  bool card = false;
  MatchOptions options;
  double coverage = -1;
  auto& cli = tool.cli();
  cli.add_option("FILE", inputs,
                 "Lab records: targets, and scalp records giving skin (default: stdin)");
  tool.add_catalog_option(catalogs);
  CatalogLimits limits;
  tool.add_catalog_limit_options(limits);
  cli.add_option("--skin", skin_values,
                 "Predict healed in skin of this Lab (L,a,b) for every target")
      ->delimiter(',')
      ->expected(3)
      ->option_text("L,a,b");
  cli.add_flag("--card", card, "Predict on the catalogue's card even when skin is known");
  cli.add_option("--healing", healing_file,
                 "Healed: the clinic's fitted healing model (smp-heal fit), else the defaults")
      ->option_text("FILE");
  cli.add_option("--outcome", outcome_files,
                 "Healed: this client's earlier healed outcomes, to refine the model for them")
      ->allow_extra_args(false)
      ->option_text("FILE");
  cli.add_option("--retention,--deposit", retention,
                 "Healed: override the share of the cup's ink that stays in the healed layer")
      ->check(CLI::Range(0.001, 50.0))
      ->option_text("R");
  cli.add_option("--max-density", options.max_density,
                 "Dark hair: at most this share of scalp area in dots")
      ->check(CLI::Range(0.01, 1.0))
      ->capture_default_str();
  cli.add_option("--hair-coverage", hair_coverage,
                 "The hair's share of its region when records do not say (as --coverage)")
      ->check(CLI::Range(0.0, 1.0))
      ->option_text("A");
  cli.add_option("--coverage", coverage,
                 "The hair's share of the scalp when records do not say: density plans for dark "
                 "hair, and every healed recipe's overall look at it")
      ->check(CLI::Range(0.0, 1.0))
      ->option_text("A");
  cli.add_option("--yule-nielsen", options.yule_nielsen_n, "Yule-Nielsen n for --coverage")
      ->check(CLI::Range(1.0, 100.0))
      ->capture_default_str();
  cli.add_option("--max-inks,--max-pigments", options.max_pigments,
                 "Inks in a recipe (1 to 3; an ink may hold several pigments)")
      ->check(CLI::Range(1, 3))
      ->capture_default_str();
  cli.add_option("--max-parts", options.max_parts, "All parts of a recipe, at most")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cli.add_option("--top", options.top, "Recipes per target")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cli.add_option("--cup", options.cup_ml, "Each recipe also in ml and drops for a cup of ML ml")
      ->check(CLI::Range(0.01, 1000.0))
      ->option_text("ML")
      ->capture_default_str();
  cli.add_option("--drop-ml", options.drop_ml, "One drop, ml (20 drops a ml)")
      ->check(CLI::Range(0.001, 10.0))
      ->capture_default_str();
  cli.add_option("--tolerance", options.tolerance,
                 "dE00 over which the best recipe is not reachable")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cli.add_option("--white", white_name_option, "White of targets and predictions: D50 or D65")
      ->check(CLI::IsMember({"D50", "D65"}))
      ->capture_default_str();
  tool.add_format_option();

  return tool.run(argc, argv, [&] {
    if (inputs.empty()) inputs.push_back("-");
    options.white = parse_white(white_name_option);
    if (options.drop_ml > options.cup_ml) throw app::UsageError("--drop-ml is more than --cup");
    if (options.max_parts < options.max_pigments) {
      throw app::UsageError("--max-parts must be at least --max-inks");
    }
    // --coverage and --hair-coverage are one thing: the hair's share of the scalp, as records'
    // own `coverage` is, which wins (it was measured).
    if (coverage >= 0 && hair_coverage && *hair_coverage != coverage) {
      throw app::UsageError("--coverage and --hair-coverage are the same value: give one");
    }
    if (coverage >= 0) hair_coverage = coverage;
    std::optional<Lab> fixed_skin;
    if (!skin_values.empty()) {
      fixed_skin = Lab{skin_values[0], skin_values[1], skin_values[2]};
      check_lab_range(*fixed_skin, Location{"--skin"});
    }
    const std::vector<Catalog> loaded = app::load_catalogs(catalogs, limits);
    HealingModel model;
    if (!healing_file.empty()) model = read_healing_model(healing_file);
    options.healing = model.parameters;
    if (retention) options.healing.retention = *retention;
    options.healing_model = model.describe() + (retention ? ", retention set" : "");
    options.healing_uncertainty_de00 = model.held_out_p90_de00;
    const Matcher matcher(loaded, options);
    const std::vector<Outcome> own = app::read_outcomes(tool, outcome_files);
    const HealingChooser chooser(model, own, HealingOverrides{retention}, matcher);

    // The stream in order: targets (Lab records) and error records passed on as they came.
    const app::LabStream stream = app::read_lab_stream(tool, inputs, {RecordKind::Error});
    const std::vector<LabEntry>& entries = stream.entries;
    app::warn_repeated_ids(tool, entries);
    const SkinPairing skins = pair_skin(entries, options.white);
    const bool table = tool.format() == Format::Table;
    RecordWriter writer(std::cout, tool.format());
    std::size_t passed = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      for (; passed < stream.passed.size() && stream.passed[passed].before <= i; ++passed) {
        if (tool.format() == Format::Jsonl) std::cout << stream.passed[passed].line << '\n';
      }
      if (skins.is_skin[i]) continue;
      const LabEntry& e = entries[i];
      const std::optional<Lab> skin = card ? std::nullopt : fixed_skin ? fixed_skin : skins.skin[i];
      try {
        MatchTarget target{adapt_lab(e.lab, e.white, options.white), skin,
                           e.coverage ? e.coverage : hair_coverage, std::nullopt};
        std::optional<ClientHealing> healing;
        if (skin) {
          healing = chooser.choose(e.client, *skin);
          target.healing = healing->parameters;
        }
        const MatchResult result = matcher.match(target);
        const std::string model_text = healing ? healing->describe : std::string();
        // The session these recipes are for: the next after the client's own healed outcomes,
        // else the measurement's, else 1.
        std::optional<SessionPlan> plan;
        if (result.healed && !result.recipes.empty()) {
          std::vector<Outcome> mine;
          if (healing && healing->own_outcomes > 0) {
            for (const Outcome& o : own) {
              if (o.client == healing->client) mine.push_back(o);
            }
          }
          plan = mine.empty() ? plan_first_session(matcher, result)
                              : plan_next_session(matcher, result, mine, model);
          if (mine.empty() && e.session) plan->session = *e.session;
        }
        RecordIdentity who = identity_of(e);
        if (plan) who.session = plan->session;
        for (int rank = 1; rank <= static_cast<int>(result.recipes.size()); ++rank) {
          if (table) {
            writer.write(match_table_row(e.id, rank, result, options));
            continue;
          }
          // What the measurement knew travels on: its doubts, and the hair's share of its region.
          Record record = match_record(who, rank, result, options, model_text);
          if (e.coverage && !result.matches_overall) record.set("hair_coverage", *e.coverage);
          if (!e.warnings.empty()) record.set("warnings", e.warnings);
          writer.write(record);
        }
        // The session plan follows its target's recipes (JSON Lines: CSV's columns are a match's).
        if (plan && tool.format() == Format::Jsonl) {
          writer.write(plan_record(who, *plan, result, options, model_text));
        }
        if (static_cast<int>(result.recipes.size()) < options.top) {
          const std::string why =
              result.look_alikes == 0
                  ? fmt::format("the search scored only {} whole-part recipes",
                                result.recipes_scored)
                  : fmt::format("the other {} of the {} whole-part recipes scored look the same "
                                "as a better one (dE00 under 0.3, or under 1.0 with the same inks)",
                                result.look_alikes, result.recipes_scored);
          tool.note(fmt::format("{}: {} distinct recipes, not the {} asked for: {}; raise "
                                "--max-parts or --max-inks for more",
                                printable(e.id), result.recipes.size(), options.top, why),
                    e.where);
        }
        if (!result.reachable && !result.recipes.empty()) {
          tool.warning(fmt::format("{}: best recipe is dE00 {:.2f}, over the tolerance {:g}: not "
                                   "reachable with these inks",
                                   printable(e.id), result.recipes.front().difference.de00,
                                   options.tolerance),
                       e.where);
        }
      } catch (const InputError& error) {
        tool.error(error.message(), e.where);
      }
    }
    for (; passed < stream.passed.size(); ++passed) {
      if (tool.format() == Format::Jsonl) std::cout << stream.passed[passed].line << '\n';
    }
    if (table && std::any_of(matcher.pigments().begin(), matcher.pigments().end(),
                             [](const PigmentModel& p) { return p.illustrative; })) {
      tool.warning("the catalogue's inks are illustrative values, not measurements: do not mix "
                   "from these recipes");
    }
    writer.finish();
  });
}