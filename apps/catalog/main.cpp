// smp-catalog: the pigment catalogue: lint, list, show, import (CGATS), export.
#include <fmt/core.h>

#include <algorithm>
#include <iostream>

#include "app.hpp"
#include "smpshade/catalog_io.hpp"
#include "smpshade/catalog_lint.hpp"
#include "smpshade/files.hpp"

using namespace smpshade;

namespace {

std::string plural(std::size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// Every catalogue on the search path; a bad file is reported and the others still used.
std::vector<Catalog> load_all(app::Tool& tool, const std::vector<std::string>& paths,
                              const CatalogLimits& limits) {
  if (paths.empty()) {
    throw InputError("no catalogue found: give --catalog PATH or set SMPSHADE_CATALOG");
  }
  std::vector<Catalog> catalogs;
  for (const std::string& path : paths) {
    try {
      for (const std::string& file : catalog_files({path})) {
        try {
          catalogs.push_back(load_catalog(file, limits));
        } catch (const Error& e) {
          tool.error(e);
        }
      }
    } catch (const Error& e) {
      tool.error(e);
    }
  }
  try {
    check_unique_ids(catalogs);
  } catch (const Error& e) {
    tool.error(e);
  }
  return catalogs;
}

}  // namespace

int main(int argc, char** argv) {
  app::Tool tool("smp-catalog",
                 "Pigment catalogue: lint, list, show, import (CGATS), export (Lab records)");
  auto& cli = tool.cli();
  std::vector<std::string> catalog_paths;
  tool.add_catalog_option(catalog_paths);
  CatalogLimits limits;
  tool.add_catalog_limit_options(limits);
  tool.add_format_option();
  cli.require_subcommand(1, 1);
  cli.fallthrough();  // --catalog and --format may follow the subcommand

  auto* lint = cli.add_subcommand("lint", "Check catalogue files; exit 1 on any error");
  std::vector<std::string> lint_paths;
  bool strict = false;
  LintOptions lint_options;
  lint->add_option("FILE", lint_paths, "Catalogue files or folders (default: the catalogues)");
  lint->add_flag("--strict", strict, "Warnings count as errors too");
  lint->add_option("--today", lint_options.today, "Check expiry against this date, not today")
      ->check([](const std::string& date) {
        return date.size() == 10 && date[4] == '-' && date[7] == '-' ? "" : "expected YYYY-MM-DD";
      })
      ->option_text("YYYY-MM-DD");

  auto* list = cli.add_subcommand("list", "List the pigments of the catalogues");
  std::vector<std::string> list_paths;
  list->add_option("PATH", list_paths, "Catalogue files or folders (as --catalog)");

  auto* show = cli.add_subcommand("show", "Show one pigment and its ladder steps with their Lab");
  std::string show_id;
  show->add_option("ID", show_id, "Pigment id")->required();

  auto* import =
      cli.add_subcommand("import", "A CGATS.17 spectrophotometer file as catalogue YAML");
  std::string cgats_path;
  CgatsImportOptions import_options;
  import->add_option("--cgats", cgats_path, "CGATS.17 / IT8 file of the ladder")
      ->required()
      ->option_text("FILE");
  import->add_option("--id", import_options.id, "The pigment's id")->required();
  import->add_option("--name", import_options.name, "Its name (default: from the sample names)");
  import->add_option("--supplier", import_options.supplier, "The supplier");
  import->add_option("--ci", import_options.ci, "Colour Index name (repeatable)")
      ->allow_extra_args(false);
  import->add_option("--cas", import_options.cas, "CAS registry number (repeatable)")
      ->allow_extra_args(false);
  import->add_option("--lot", import_options.lot, "Lot number");
  import->add_option("--expires", import_options.expires, "The lot's expiry date")
      ->option_text("YYYY-MM-DD");
  import->add_option("--diluent", import_options.diluent, "The diluent the ladder was drawn with")
      ->option_text("ID")
      ->capture_default_str();
  std::string into_path;
  import->add_option("--into", into_path,
                     "Add the ink to this catalogue file (its substrate, illuminant and observer "
                     "are used), written whole or not at all")
      ->option_text("CATALOG.yaml");

  auto* export_ = cli.add_subcommand("export", "Ladder steps as Lab records (for smp-diff)");
  std::vector<std::string> export_ids;
  export_->add_option("ID", export_ids, "Pigment ids (default: all)");
  bool export_spectra = false;
  export_->add_flag("--spectra", export_spectra,
                    "Add each step's reflectance spectrum (for smp-diff's metamerism index)");

  return tool.run(argc, argv, [&] {
    if (*lint) {
      const auto paths = lint_paths.empty() ? catalog_search_path(catalog_paths) : lint_paths;
      if (paths.empty()) throw InputError("no catalogue to lint: name the files");
      const LintResult result = lint_catalogs(paths, lint_options, limits);
      if (cli.get_option("--format")->count() > 0) {
        RecordWriter writer(std::cout, tool.format());
        for (const auto& d : result.diagnostics) writer.write(diagnostic_record(d));
      } else {
        for (const auto& d : result.diagnostics) fmt::print(stderr, "{}\n", printable(d.str()));
      }
      fmt::print(stderr, "{}: {}, {} in {}\n", tool.name(), plural(result.errors(), "error"),
                 plural(result.warnings(), "warning"), plural(result.files, "file"));
      if (result.errors() > 0 || (strict && result.warnings() > 0)) tool.fail();
      return;
    }
    if (*import) {
      import_options.limits = limits;
      CgatsImportReport report;
      import_options.report = &report;
      auto say = [&] {
        for (const auto& note : report.notes) {
          fmt::print(stderr, "{}: {}: {}\n", tool.name(), printable(cgats_path), printable(note));
        }
        for (const auto& warning : report.warnings) tool.warning(warning, Location{cgats_path});
      };
      if (into_path.empty()) {
        const Catalog catalog = import_cgats(cgats_path, import_options);
        say();
        std::cout << catalog_to_yaml(catalog, "Imported by smp-catalog from " + cgats_path);
        return;
      }
      OutputFile out(into_path);  // a folder that cannot be written fails before any work
      const CatalogAddition addition = add_cgats_to_catalog(cgats_path, into_path, import_options);
      say();
      out.commit(addition.yaml);
      if (addition.reformatted) {
        tool.warning("rewritten whole, its comments dropped: " + addition.why_reformatted,
                     Location{into_path});
      }
      fmt::print(stderr, "{}: {}: added '{}'{}\n", tool.name(), printable(into_path),
                 printable(import_options.id),
                 addition.reformatted ? "" : " at the end, the rest of the file as it was");
      return;
    }
    const auto catalogs = load_all(
        tool, catalog_search_path(list_paths.empty() ? catalog_paths : list_paths), limits);
    app::require_pigments(catalogs);
    RecordWriter writer(std::cout, tool.format());
    if (*list) {
      for (const auto& c : catalogs) {
        for (const auto& p : c.pigments) writer.write(pigment_record(c, p));
        if (c.illustrative && !c.pigments.empty()) {
          tool.warning("illustrative values, not measurements: do not match clients with them",
                       Location{c.file});
        }
      }
    } else if (*show) {
      const Catalog* catalog = nullptr;
      const Pigment* pigment = find_pigment(catalogs, show_id, &catalog);
      if (!pigment) throw InputError("no pigment '" + show_id + "' in the catalogues");
      const bool table = tool.format() == Format::Table;
      if (table) {
        // A table shows the pigment once above its steps; records carry its id on every step.
        RecordWriter header(std::cout, Format::Table);
        header.write(pigment_record(*catalog, *pigment));
        header.finish();
        std::cout << '\n';
      }
      for (std::size_t i = 0; i < pigment->ladder.size(); ++i) {
        Record record = ladder_step_record(*catalog, *pigment, i);
        if (table) {  // the pigment is the header's
          record.fields.erase(std::remove_if(record.fields.begin(), record.fields.end(),
                                             [](const Field& f) {
                                               return f.key == "id" || f.key == "pigment";
                                             }),
                              record.fields.end());
        }
        writer.write(record);
      }
    } else {
      for (const auto& c : catalogs) {
        for (const auto& p : c.pigments) {
          const bool wanted = export_ids.empty() || std::find(export_ids.begin(), export_ids.end(),
                                                              p.id) != export_ids.end();
          for (std::size_t i = 0; wanted && i < p.ladder.size(); ++i) {
            writer.write(ladder_step_record(c, p, i, export_spectra));
          }
        }
      }
      for (const auto& id : export_ids) {
        if (!find_pigment(catalogs, id)) tool.error("no pigment '" + id + "' in the catalogues");
      }
    }
    writer.finish();
  });
}
