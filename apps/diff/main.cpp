// smp-diff: colour differences between two streams of measurements (records, CSV tables, or
// CGATS files as instruments write them, spectral or not), or a batch against a catalogue ink's
// ladder: the supplier's QC gate.
#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "app.hpp"
#include "smpshade/catalog.hpp"
#include "smpshade/catalog_io.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/metamerism.hpp"
#include "smpshade/records.hpp"

using namespace smpshade;

namespace {

struct Options {
  std::string reference_path, sample_path, metric_name = "de00", white_name = "D50";
  std::string join = "name", ink;
  std::vector<std::string> catalogs;
  CatalogLimits limits;
  std::optional<double> max, max_metamerism;
  double replicate_spread = 0.5;
};

// Records, or the samples of a CGATS.17 measurement file, told apart by the file's first bytes;
// a CGATS file that does not read is one failed input (exit 1).
std::vector<LabEntry> read_measurements(app::Tool& tool, const std::string& path,
                                        CgatsNaming naming) {
  // Only a regular file is looked at first: a pipe read twice would lose what was looked at.
  std::error_code ignored;
  if (path != "-" && std::filesystem::is_regular_file(path, ignored)) {
    std::ifstream in(path, std::ios::binary);
    std::string head(64 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (looks_like_cgats(head)) {
      try {
        return read_cgats_lab_records(path, 16u << 20, naming);
      } catch (const InputError& e) {
        tool.error(e);
        return {};
      }
    }
  }
  return app::read_lab_records(tool, path);
}

// The ladder of catalogue ink `id` as the records smp-catalog export writes (with spectra).
std::vector<LabEntry> ladder_of(const Options& o) {
  const std::vector<Catalog> catalogs = app::load_catalogs(o.catalogs, o.limits);
  const Catalog* catalog = nullptr;
  const Pigment* pigment = find_pigment(catalogs, o.ink, &catalog);
  if (!pigment) throw InputError("no ink '" + o.ink + "' in the catalogues");
  std::ostringstream records;
  {
    RecordWriter writer(records, Format::Jsonl);
    for (std::size_t i = 0; i < pigment->ladder.size(); ++i) {
      writer.write(ladder_step_record(*catalog, *pigment, i, true));
    }
  }
  std::istringstream in(records.str());
  LabRecordReader reader(in, catalog->file);
  std::vector<LabEntry> ladder;
  for (LabEntry e; reader.next(e);) ladder.push_back(e);
  return ladder;
}

// Replicates averaged; a spread past the limit warned of, naming the sample.
std::vector<LabEntry> averaged(app::Tool& tool, const std::vector<LabEntry>& records,
                               double limit) {
  std::vector<LabEntry> out = average_replicates(records);
  for (const LabEntry& e : out) {
    if (e.replicates > 1 && e.replicate_spread_de00 > limit) {
      tool.warning(fmt::format("'{}': {} replicates spread {:.2f} dE00 (over --replicate-spread "
                               "{:g}): measure it again before judging it",
                               e.id, e.replicates, e.replicate_spread_de00, limit),
                   e.where);
    }
  }
  return out;
}

// "A", "F11", "LED_B3": the illuminant as part of a field name.
std::string field_name(Illuminant illuminant) {
  std::string name(illuminant_name(illuminant));
  for (char& c : name) c = c == '-' ? '_' : c;
  return name;
}

// What the QC gate saw: each pair's figure, and the pairs past a gate, named.
struct Gate {
  std::vector<double> values;
  std::vector<std::pair<std::string, double>> over, over_metamerism;
  std::size_t with_metamerism = 0;
  double worst_metamerism = 0;
  std::string worst_metamerism_id, worst_metamerism_light;
};

// The difference record of one pair, and what the gate makes of it.
Record difference_record(app::Tool& tool, const Options& o, const LabEntry& r, const LabEntry& s,
                         Gate& gate) {
  const White white = parse_white(o.white_name);
  const Lab a = adapt_lab(r.lab, r.white, white);
  const Lab b = adapt_lab(s.lab, s.white, white);
  const Comparison c = compare(a, b);
  // A pair joined by dilution is named as the supplier names the batch's sample.
  const std::string name = o.ink.empty() ? r.id : s.id;
  Record record(RecordKind::Difference);
  record.set("id", name)
      .set("reference", a)
      .set("sample", b)
      .set("white", o.white_name)
      .set("de00", c.de2000.de00)
      .set("dL", c.de2000.dl)
      .set("dC", c.de2000.dc)
      .set("dH", c.de2000.dh)
      .set("de76", c.de76)
      .set("de94", c.de94)
      .set("decmc", c.decmc);
  if (!o.ink.empty()) record.set("reference_id", r.id).set("dilution", dilution_key(s));
  for (const auto* side : {&r, &s}) {
    if (side->replicates > 1) {
      const std::string prefix = side == &r ? "reference_" : "sample_";
      record.set(prefix + "replicates", side->replicates)
          .set(prefix + "spread_de00", side->replicate_spread_de00);
    }
  }
  const PairMetamerism mi = pair_metamerism(r.spectrum, r.observer, s.spectrum, s.observer);
  for (std::size_t k = 0; k < mi.index.size(); ++k) {
    record.set("mi_" + field_name(metamerism_test_illuminants()[k]), mi.index[k]);
  }
  if (!mi.index.empty()) {
    record.set("mi_max", mi.max);
    ++gate.with_metamerism;
    if (mi.max >= gate.worst_metamerism) {
      gate.worst_metamerism = mi.max;
      gate.worst_metamerism_id = name;
      gate.worst_metamerism_light = std::string(illuminant_name(mi.worst));
    }
    if (o.max_metamerism && mi.max > *o.max_metamerism) gate.over_metamerism.emplace_back(name, mi.max);
  } else if (o.max_metamerism) {
    tool.error("pair '" + name + "': " + mi.why_not + ": no metamerism index for --max-metamerism",
               s.where);
  }
  gate.values.push_back(c.value(parse_metric(o.metric_name)));
  if (o.max && gate.values.back() > *o.max) gate.over.emplace_back(name, gate.values.back());
  return record;
}

// "name (1.23), name (0.98) and 3 more", worst first: which samples QC measures again.
std::string worst_first(std::vector<std::pair<std::string, double>> pairs) {
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  constexpr std::size_t kNamed = 10;
  std::string named;
  for (std::size_t k = 0; k < std::min(kNamed, pairs.size()); ++k) {
    named += fmt::format("{}{} ({:.2f})", k ? ", " : "", pairs[k].first, pairs[k].second);
  }
  if (pairs.size() > kNamed) named += fmt::format(" and {} more", pairs.size() - kNamed);
  return printable(named);
}

void print_summary(app::Tool& tool, const Options& o, const Gate& gate) {
  const DifferenceSummary s = summarize(gate.values);
  if (s.count == 0) {
    fmt::print(stderr, "{}: no pairs to compare\n", tool.name());
  } else {
    fmt::print(stderr, "{}: {} pairs, {} mean {:.2f}, max {:.2f}, 95th percentile {:.2f}\n",
               tool.name(), s.count, o.metric_name, s.mean, s.max, s.p95);
  }
  if (!gate.over.empty()) {
    fmt::print(stderr, "{}: {} of {} pairs over {} {}: {}\n", tool.name(), gate.over.size(),
               s.count, o.metric_name, *o.max, worst_first(gate.over));
    tool.fail();
  }
  if (gate.with_metamerism > 0) {
    fmt::print(stderr,
               "{}: metamerism index (ISO 18314-4, D50 to A, F11, LED-B3) of {} pairs: max "
               "{:.2f} ('{}' under {})\n",
               tool.name(), gate.with_metamerism, gate.worst_metamerism,
               printable(gate.worst_metamerism_id), gate.worst_metamerism_light);
  }
  if (!gate.over_metamerism.empty()) {
    fmt::print(stderr, "{}: {} of {} pairs over metamerism index {}: {}\n", tool.name(),
               gate.over_metamerism.size(), gate.with_metamerism, *o.max_metamerism,
               worst_first(gate.over_metamerism));
    tool.fail();
  }
}

}  // namespace

int main(int argc, char** argv) {
  app::Tool tool("smp-diff",
                 "Colour differences (CIEDE2000 and others) between two record streams");
  Options o;
  auto& cli = tool.cli();
  cli.add_option("REFERENCE", o.reference_path,
                 "Reference measurements (the standard): records, CSV or CGATS; - for stdin");
  cli.add_option("SAMPLE", o.sample_path, "Sample measurements compared with the reference");
  cli.add_option("--metric", o.metric_name,
                 "Metric for the summary and --max: de00, de76, de94, decmc")
      ->check(CLI::IsMember({"de00", "de76", "de94", "decmc"}))
      ->capture_default_str();
  cli.add_option("--max", o.max, "Exit 1 when any pair's metric is over X")
      ->check(CLI::NonNegativeNumber)
      ->option_text("X");
  cli.add_option("--max-metamerism", o.max_metamerism,
                 "Exit 1 when any pair's metamerism index (ISO 18314-4, D50 to A, F11 or "
                 "LED-B3) is over X, or a pair has no spectra")
      ->check(CLI::NonNegativeNumber)
      ->option_text("X");
  cli.add_option("--join", o.join,
                 "Pair by the samples' names (CGATS SAMPLE_NAME, records' id), ids (SAMPLE_ID) "
                 "or order")
      ->check(CLI::IsMember({"name", "id", "order"}))
      ->capture_default_str();
  cli.add_option("--ink", o.ink,
                 "Compare one file (SAMPLE) with this catalogue ink's ladder, pairing each row's "
                 "ink and diluent parts with the ladder step")
      ->option_text("ID");
  tool.add_catalog_option(o.catalogs);
  tool.add_catalog_limit_options(o.limits);
  cli.add_option("--replicate-spread", o.replicate_spread,
                 "Replicates of a sample are averaged; warn when two differ by more (dE00)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cli.add_option("--white", o.white_name, "White of the output Lab: D50 or D65 (inputs are adapted)")
      ->check(CLI::IsMember({"D50", "D65"}))
      ->capture_default_str();
  tool.add_format_option();

  return tool.run(argc, argv, [&] {
    // With --ink there is one file, the batch: the reference is the catalogue's ladder.
    if (!o.ink.empty() && !o.sample_path.empty()) {
      throw app::UsageError("--ink compares one file with the ink's ladder: give only the batch");
    }
    if (!o.ink.empty()) std::swap(o.reference_path, o.sample_path);
    if (o.sample_path.empty() || (o.ink.empty() && o.reference_path.empty())) {
      throw app::UsageError("give REFERENCE and SAMPLE, or --ink ID and the batch");
    }
    if (o.reference_path == "-" && o.sample_path == "-") {
      throw app::UsageError("only one of REFERENCE and SAMPLE can be standard input");
    }
    const CgatsNaming naming = o.join == "id" ? CgatsNaming::Id : CgatsNaming::Name;
    const std::vector<LabEntry> reference =
        averaged(tool, o.ink.empty() ? read_measurements(tool, o.reference_path, naming) : ladder_of(o),
                 o.replicate_spread);
    const std::vector<LabEntry> sample =
        averaged(tool, read_measurements(tool, o.sample_path, naming), o.replicate_spread);
    if (reference.empty() || sample.empty()) {
      throw InputError(std::string("no measurements in the ") + (reference.empty() ? "reference" : "sample"),
                       Location{reference.empty() ? o.reference_path : o.sample_path});
    }
    const JoinBy by = !o.ink.empty() ? JoinBy::Parts : o.join == "order" ? JoinBy::Order : JoinBy::Id;
    const Pairing pairing = pair_records(reference, sample, by);
    for (const auto& problem : pairing.problems) tool.error(problem);
    RecordWriter writer(std::cout, tool.format());
    Gate gate;
    for (const auto& [i, j] : pairing.pairs) {
      writer.write(difference_record(tool, o, reference[i], sample[j], gate));
    }
    writer.finish();
    print_summary(tool, o, gate);
  });
}
