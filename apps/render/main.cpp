// smp-render: Lab or match records to a PNG of swatches and simulated scalp (SPEC 2.8).
#include <fmt/core.h>

#include <cmath>
#include <iostream>
#include <optional>
#include <sstream>

#include "app.hpp"
#include "smpshade/catalog.hpp"
#include "smpshade/files.hpp"
#include "smpshade/match.hpp"
#include "smpshade/suggest.hpp"
#include "render.hpp"

using namespace smpshade;

namespace {

// Each step of `pigment`'s ladder predicted healed in `skin` by the matcher's default healing
// model, the one smp-match uses without --healing.
render::HealedLadder healed_ladder(const Pigment& pigment, const std::vector<Catalog>& catalogs,
                                   const std::vector<double>& skin_values) {
  const Lab skin{skin_values[0], skin_values[1], skin_values[2]};
  check_lab_range(skin, Location{"--skin"});
  const Matcher matcher(catalogs, MatchOptions{});
  render::HealedLadder healed{skin, {}};
  for (const LadderStep& step : pigment.ladder) {
    // Parts to a hundredth as whole numbers: 2:9.5 is 200:950.
    const int ink = static_cast<int>(std::lround(step.ink_parts * 100));
    const int diluent = static_cast<int>(std::lround(step.diluent_parts * 100));
    healed.steps.push_back(matcher.predict({{pigment.id, ink}}, diluent, skin));
  }
  return healed;
}

}  // namespace

int main(int argc, char** argv) {
  app::Tool tool("smp-render", "Lab or match records to a PNG of swatches and simulated scalp");
  std::vector<std::string> inputs, catalogs;
  std::string output, ladder, layout;
  render::RenderOptions options;
  auto& cli = tool.cli();
  cli.add_option("FILE", inputs, "Lab records or match records (default: stdin)");
  cli.add_option("-o,--output", output, "The PNG to write (whole or not at all)")
      ->required()
      ->option_text("FILE.png");
  cli.add_option("--coverage", options.coverage,
                 "Share of the simulated scalp's area in dots of the healed colour")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cli.add_option("--ladder", ladder, "Draw this catalogue pigment's dilution ladder instead")
      ->option_text("ID");
  std::vector<double> skin_values;
  cli.add_option("--skin", skin_values, "--ladder: predict the ladder healed in skin of this Lab")
      ->delimiter(',')
      ->expected(3)
      ->option_text("L,a,b");
  tool.add_catalog_option(catalogs);
  CatalogLimits limits;
  tool.add_catalog_limit_options(limits);
  cli.add_option("--layout", layout,
                 "Also write each swatch's rectangle and Lab as JSON Lines to this file")
      ->option_text("FILE");
  cli.add_option("--font", options.font, "TrueType/OpenType font for the text")
      ->option_text("FILE");

  return tool.run(argc, argv, [&] {
    // Both outputs are opened before anything is read or drawn, so that one that cannot be
    // written fails at once; neither changes a file until the whole picture is ready.
    std::optional<OutputFile> layout_file;
    if (!layout.empty()) layout_file.emplace(layout);
    OutputFile png_file(output);
    options.coverage_given = cli.count("--coverage") > 0;
    render::Picture picture;
    if (!ladder.empty()) {
      if (!inputs.empty()) throw app::UsageError("--ladder draws a catalogue pigment: no FILE");
      const auto paths = catalog_search_path(catalogs);
      if (paths.empty()) {
        throw Error("no catalogue found: give --catalog PATH or set SMPSHADE_CATALOG");
      }
      const std::vector<Catalog> loaded = load_catalogs(paths, limits);
      app::require_pigments(loaded);
      const Catalog* catalog = nullptr;
      const Pigment* pigment = find_pigment(loaded, ladder, &catalog);
      if (!pigment) {
        std::vector<std::string> ids;
        for (const Catalog& c : loaded) {
          for (const Pigment& p : c.pigments) ids.push_back(p.id);
        }
        throw Error("no pigment '" + ladder + "' in the catalogue" + did_you_mean(ladder, ids) +
                    " (smp-catalog list shows the ids)");
      }
      std::optional<render::HealedLadder> healed;
      if (!skin_values.empty()) healed = healed_ladder(*pigment, loaded, skin_values);
      picture = render::render_ladder(*pigment, *catalog, options, healed);
    } else {
      if (!skin_values.empty()) {
        throw app::UsageError("--skin is for --ladder; the records say each target's skin");
      }
      if (inputs.empty()) inputs.push_back("-");
      std::vector<render::TargetView> targets;
      for (const auto& input : inputs) {
        try {
          auto in = app::open_input(input);
          auto more = render::read_targets(*in, input, [&](const InputError& e) { tool.error(e); });
          targets.insert(targets.end(), more.begin(), more.end());
        } catch (const IoError& e) {
          tool.error(e);
        }
      }
      // Recipe parts are named from the catalogue when there is one; ids otherwise. A catalogue
      // that does not load is a failed input (exit 1), but the picture is still drawn.
      const auto paths = catalog_search_path(catalogs);
      if (!paths.empty()) {
        try {
          render::name_parts(targets, load_catalogs(paths, limits));
        } catch (const Error& e) {
          tool.error(Error(e.message() + " (the recipes keep their ink ids)", e.where()));
        }
      }
      if (targets.empty()) tool.warning("no records to draw: the picture has only its title");
      picture = render::render_targets(targets, options);
    }
    const std::vector<unsigned char> png = render::encode_png(picture, output);
    png_file.commit(png.data(), png.size());
    if (layout_file) {
      std::ostringstream out;
      RecordWriter writer(out, Format::Jsonl);
      for (const auto& swatch : picture.swatches) writer.write(render::swatch_record(swatch));
      writer.finish();
      layout_file->commit(out.str());
    }
  });
}
