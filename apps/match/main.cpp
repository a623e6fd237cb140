// smp-match: ranked ink + diluent recipes for target colours (Kubelka-Munk, CIEDE2000).
#include <fmt/core.h>

#include <iostream>
#include <map>
#include <optional>

#include "app.hpp"
#include "smpshade/catalog.hpp"
#include "smpshade/match.hpp"

using namespace smpshade;

namespace {

// "crown/scalp" → "crown", "scalp" → "": the region a scalp record gives skin for.
std::optional<std::string> scalp_region(const LabEntry& entry) {
  const std::string& name = entry.region.empty() ? entry.id : entry.region;
  if (name == "scalp") return std::string();
  const std::string suffix = "/scalp";
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return name.substr(0, name.size() - suffix.size());
  }
  return std::nullopt;
}

std::string parent_region(const LabEntry& entry) {
  const std::string& name = entry.region.empty() ? entry.id : entry.region;
  const auto slash = name.find_last_of('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

std::string in_words(const Recipe& recipe) {
  std::string text;
  for (const RecipePart& part : recipe.parts) {
    if (!text.empty()) text += " + ";
    text += fmt::format("{} part{} {}", part.parts, part.parts == 1 ? "" : "s",
                        part.name.empty() ? part.id : part.name);
  }
  return text;
}

Record match_record(const std::string& id, int rank, const MatchResult& result, const Recipe& recipe,
                    const MatchOptions& options) {
  std::vector<Record> parts;
  for (const RecipePart& part : recipe.parts) {
    Record p;
    p.set("id", part.id).set("kind", part.is_diluent ? "diluent" : "pigment").set("parts", part.parts);
    parts.push_back(std::move(p));
  }
  Record r;
  r.set("id", id).set("rank", rank).set("target", result.target);
  if (result.skin) r.set("skin", *result.skin);
  r.set("predicts", result.healed ? "healed" : "card");
  if (result.healed) r.set("deposit", options.deposit);
  r.set("recipe", std::move(parts))
      .set("ratio", recipe.ratio)
      .set("predicted", recipe.predicted)
      .set("de00", recipe.difference.de00)
      .set("dL", recipe.difference.dl)
      .set("dC", recipe.difference.dc)
      .set("dH", recipe.difference.dh)
      .set("reachable", result.reachable);
  if (recipe.overall) r.set("coverage", *options.coverage).set("overall", *recipe.overall);
  r.set("white", std::string(white_name(options.white)));
  return r;
}

Record table_row(const std::string& id, int rank, const MatchResult& result, const Recipe& recipe) {
  Record r;
  r.set("id", id).set("rank", rank).set("recipe", in_words(recipe)).set("ratio", recipe.ratio)
      .set("predicted", recipe.predicted).set("de00", recipe.difference.de00)
      .set("reachable", result.reachable);
  if (recipe.overall) r.set("overall", *recipe.overall);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  app::Tool tool("smp-match", "Ranked ink + diluent recipes for target colours (Kubelka-Munk, CIEDE2000)");
  std::vector<std::string> inputs, catalogs;
  std::vector<double> skin_values;
  std::string white_name_option = "D50";
  bool card = false;
  MatchOptions options;
  double coverage = -1;
  auto& cli = tool.cli();
  cli.add_option("FILE", inputs, "Lab records: targets, and scalp records giving skin (default: stdin)");
  cli.add_option("--catalog", catalogs, "Catalogue file or folder (repeatable); default $SMPSHADE_CATALOG, the installed catalogue, ./pigments")
      ->option_text("PATH");
  cli.add_option("--skin", skin_values, "Predict healed in skin of this Lab (L,a,b) for every target")
      ->delimiter(',')->expected(3)->option_text("L,a,b");
  cli.add_flag("--card", card, "Predict on the catalogue's card even when skin is known");
  cli.add_option("--deposit", options.deposit, "Healed: share of the cup's concentration that stays in skin (an assumption)")
      ->check(CLI::Range(0.001, 1.0))->capture_default_str();
  cli.add_option("--coverage", coverage, "Also predict skin with this share of its area in healed dots")
      ->check(CLI::Range(0.0, 1.0))->option_text("A");
  cli.add_option("--yule-nielsen", options.yule_nielsen_n, "Yule-Nielsen n for --coverage")
      ->check(CLI::Range(1.0, 100.0))->capture_default_str();
  cli.add_option("--max-pigments", options.max_pigments, "Inks in a recipe (1 to 3)")
      ->check(CLI::Range(1, 3))->capture_default_str();
  cli.add_option("--max-parts", options.max_parts, "All parts of a recipe, at most")
      ->check(CLI::Range(1, 1000))->capture_default_str();
  cli.add_option("--top", options.top, "Recipes per target")->check(CLI::Range(1, 100))->capture_default_str();
  cli.add_option("--tolerance", options.tolerance, "dE00 over which the best recipe is not reachable")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cli.add_option("--white", white_name_option, "White of targets and predictions: D50 or D65")
      ->check(CLI::IsMember({"D50", "D65"}))->capture_default_str();
  tool.add_format_option();

  return tool.run(argc, argv, [&] {
    if (inputs.empty()) inputs.push_back("-");
    options.white = parse_white(white_name_option);
    if (coverage >= 0) options.coverage = coverage;
    if (options.max_parts < options.max_pigments) {
      throw app::UsageError("--max-parts must be at least --max-pigments");
    }
    std::optional<Lab> fixed_skin;
    if (!skin_values.empty()) {
      fixed_skin = Lab{skin_values[0], skin_values[1], skin_values[2]};
      check_lab_range(*fixed_skin, Location{"--skin"});
    }
    const auto paths = catalog_search_path(catalogs);
    if (paths.empty()) {
      throw Error("no catalogue found: give --catalog PATH or set SMPSHADE_CATALOG");
    }
    const Matcher matcher(load_catalogs(paths), options);

    std::vector<LabEntry> entries;
    for (const auto& input : inputs) {
      try {
        auto more = app::read_lab_records(tool, input);
        entries.insert(entries.end(), more.begin(), more.end());
      } catch (const IoError& e) {
        tool.error(e);
      }
    }
    // Scalp records give the skin for the other records of the same photo and region.
    std::map<std::pair<std::string, std::string>, Lab> skins;
    std::map<std::string, Lab> any_skin;
    for (const LabEntry& e : entries) {
      if (const auto region = scalp_region(e)) {
        const Lab lab = adapt_lab(e.lab, e.white, options.white);
        skins[{e.source, *region}] = lab;
        any_skin.emplace(e.source, lab);
      }
    }

    const bool table = tool.format() == Format::Table;
    RecordWriter writer(std::cout, tool.format());
    for (const LabEntry& e : entries) {
      if (scalp_region(e)) continue;
      std::optional<Lab> skin = fixed_skin;
      if (!skin && !card) {
        if (auto it = skins.find({e.source, parent_region(e)}); it != skins.end()) {
          skin = it->second;
        } else if (auto any = any_skin.find(e.source); any != any_skin.end() && !e.source.empty()) {
          skin = any->second;
        }
      }
      if (card) skin.reset();
      try {
        const MatchResult result = matcher.match(adapt_lab(e.lab, e.white, options.white), skin);
        int rank = 0;
        for (const Recipe& recipe : result.recipes) {
          ++rank;
          writer.write(table ? table_row(e.id, rank, result, recipe)
                             : match_record(e.id, rank, result, recipe, options));
        }
        if (!result.reachable && !result.recipes.empty()) {
          tool.warning(fmt::format("{}: best recipe is dE00 {:.2f}, over the tolerance {:g}: not "
                                   "reachable with these inks",
                                   e.id, result.recipes.front().difference.de00, options.tolerance),
                       e.where);
        }
      } catch (const InputError& error) {
        tool.error(error.message(), e.where);
      }
    }
    writer.finish();
  });
}
