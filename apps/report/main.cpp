// smp-report: the pipe's records and photos to one self-contained HTML consultation report.
#include <fmt/core.h>

#include <iostream>
#include <optional>

#include "app.hpp"
#include "report.hpp"
#include "smpshade/catalog.hpp"
#include "smpshade/files.hpp"
#include "smpshade/heal.hpp"
#include "smpshade/match.hpp"

using namespace smpshade;

int main(int argc, char** argv) {
  app::Tool tool("smp-report",
                 "The pipe's records and photos to one self-contained HTML consultation report");
  std::vector<std::string> inputs, catalogs, outcome_files;
  std::string output, healing_file;
  report::ReportOptions options;
  auto& cli = tool.cli();
  cli.add_option("FILE", inputs, "Lab, match and outcome records (default: stdin)");
  cli.add_option("-o,--output", output, "The HTML file to write (whole or not at all)")
      ->required()
      ->option_text("FILE.html");
  cli.add_option("--photo", options.photos,
                 "The photo of a client (by file stem; one photo: for all), else each record's "
                 "source")
      ->allow_extra_args(false)
      ->option_text("FILE");
  cli.add_option("--title", options.title, "The page's title")->capture_default_str();
  tool.add_catalog_option(catalogs);
  CatalogLimits limits;
  tool.add_catalog_limit_options(limits);
  cli.add_option("--healing", healing_file,
                 "The clinic's fitted healing model (smp-heal fit), else the defaults")
      ->option_text("FILE");
  cli.add_option("--outcome", outcome_files,
                 "Healed session-1 outcomes: plan against result, and session 2 corrected")
      ->allow_extra_args(false)
      ->option_text("FILE");
  cli.add_option("--top", options.match.top, "Recipes per target matched here")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  cli.add_option("--cup", options.match.cup_ml, "Recipes in ml and drops for a cup of ML ml")
      ->check(CLI::Range(0.01, 1000.0))
      ->option_text("ML")
      ->capture_default_str();
  cli.add_option("--drop-ml", options.match.drop_ml, "One drop, ml")
      ->check(CLI::Range(0.001, 10.0))
      ->capture_default_str();
  cli.add_option("--coverage", options.coverage,
                 "Share of the simulated scalp in dots, for recipes matched dot for dot")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cli.add_option("--photo-width", options.photo_width, "The photo at most this wide, pixels")
      ->check(CLI::Range(64, 4096))
      ->capture_default_str();

  return tool.run(argc, argv, [&] {
    if (options.match.drop_ml > options.match.cup_ml) {
      throw app::UsageError("--drop-ml is more than --cup");
    }
    // Made first, so that a folder that cannot be written fails before any work.
    OutputFile page_file(output);
    if (inputs.empty()) inputs.push_back("-");
    const auto paths = catalog_search_path(catalogs);
    if (paths.empty()) {
      throw Error("no catalogue found: give --catalog PATH or set SMPSHADE_CATALOG");
    }
    const std::vector<Catalog> loaded = load_catalogs(paths, limits);
    app::require_pigments(loaded);
    if (!healing_file.empty()) options.model = read_healing_model(healing_file);
    options.match.healing = options.model.parameters;
    options.match.healing_model = options.model.describe();
    const Matcher matcher(loaded, options.match);

    report::ReportInput input;
    for (const auto& path : inputs) {
      try {
        auto in = app::open_input(path);
        report::read_report_records(*in, path, input, [&](const InputError& e) { tool.error(e); });
      } catch (const IoError& e) {
        tool.error(e);
      }
    }
    const std::vector<Outcome> outcomes = app::read_outcomes(tool, outcome_files);
    input.outcomes.insert(input.outcomes.end(), outcomes.begin(), outcomes.end());
    auto warn = [&](const std::string& message) { tool.warning(message); };
    const auto clients = report::gather_clients(input, matcher, options, warn);
    if (clients.empty()) tool.warning("no records: the report has only its title");
    // A photo that cannot be read is a failed input (exit 1); the page says so and is written.
    page_file.commit(report::consultation_html(
        clients, options, [&](const std::string& message) { tool.error(message); }));
  });
}
