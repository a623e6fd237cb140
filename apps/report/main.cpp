// smp-report: the pipe's records and photos to one self-contained HTML consultation report. It
// reads and never recomputes: no catalogue, no matcher, no healing model.
#include <fmt/core.h>

#include <iostream>

#include "app.hpp"
#include "report.hpp"
#include "smpshade/files.hpp"

using namespace smpshade;

int main(int argc, char** argv) {
  app::Tool tool("smp-report",
                 "The pipe's records and photos to one self-contained HTML consultation report");
  std::vector<std::string> inputs, outcome_files;
  std::string output;
  report::ReportOptions options;
  auto& cli = tool.cli();
  cli.add_option("FILE", inputs,
                 "Measurement, match, plan, outcome and error records (default: stdin)");
  cli.add_option("-o,--output", output, "The HTML file to write (whole or not at all)")
      ->required()
      ->option_text("FILE.html");
  cli.add_option("--photo", options.photos,
                 "The photo of a client (by file stem; one photo: for all), else each record's "
                 "source")
      ->allow_extra_args(false)
      ->option_text("FILE");
  cli.add_option("--photo-root", options.photo_roots,
                 "A folder photos named by records may be read from, besides the record files' "
                 "and --photo's (repeatable)")
      ->allow_extra_args(false)
      ->option_text("DIR");
  cli.add_option("--max-photo-bytes", options.max_photo_bytes,
                 "A photo file larger than this is not read")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 34))
      ->capture_default_str();
  cli.add_option("--title", options.title, "The page's title")->capture_default_str();
  cli.add_option("--outcome", outcome_files, "More records to read: a client's healed outcomes")
      ->allow_extra_args(false)
      ->option_text("FILE");
  cli.add_option("--coverage", options.coverage,
                 "Share of the simulated scalp in dots, for recipes whose records give none")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cli.add_option("--photo-width", options.photo_width, "The photo at most this wide, pixels")
      ->check(CLI::Range(64, 4096))
      ->capture_default_str();

  return tool.run(argc, argv, [&] {
    // Made first, so that a folder that cannot be written fails before any work.
    OutputFile page_file(output);
    if (inputs.empty()) inputs.push_back("-");
    inputs.insert(inputs.end(), outcome_files.begin(), outcome_files.end());
    report::ReportInput input;
    for (const auto& path : inputs) {
      try {
        auto in = app::open_input(path);
        report::read_report_records(*in, path, input, [&](const InputError& e) { tool.error(e); });
      } catch (const IoError& e) {
        tool.error(e);
      }
    }
    for (const report::Lost& lost : input.lost) {
      tool.error(printable(lost.source.empty() ? lost.id : lost.source) + ": " +
                     printable(lost.message) + " (an error record: the page lists it)",
                 lost.where);
    }
    const auto clients = report::gather_clients(input, options);
    if (clients.empty()) tool.warning("no records: the report has only its title");
    // A photo refused or unreadable is a failed input (exit 1); the page says so and is written,
    // as it is with every other record a bad line left out.
    page_file.commit(report::consultation_html(
        clients, input, options, [&](const std::string& message) { tool.error(message); }));
  });
}
