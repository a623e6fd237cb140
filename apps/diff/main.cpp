// smp-diff: colour differences between two streams of Lab records, joined by id.
#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "app.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/records.hpp"
#include "smpshade/metamerism.hpp"

using namespace smpshade;

namespace {

// Records, or the samples of a CGATS.17 measurement file (Lab or XYZ fields), told apart by the
// file's first bytes; a CGATS file that does not read is one failed input (exit 1).
std::vector<LabEntry> read_records(app::Tool& tool, const std::string& path) {
  // Only a regular file is looked at first: a pipe read twice would lose what was looked at.
  std::error_code ignored;
  if (path != "-" && std::filesystem::is_regular_file(path, ignored)) {
    std::ifstream in(path, std::ios::binary);
    std::string head(64 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (looks_like_cgats(head)) {
      try {
        return read_cgats_lab_records(path);
      } catch (const InputError& e) {
        tool.error(e);
        return {};
      }
    }
  }
  return app::read_lab_records(tool, path);
}


// A pair's metamerism indices, one per test illuminant, or why there are none.
struct MetamerismRow {
  std::vector<double> index;
  double max = 0;
  Illuminant worst = Illuminant::A;
  std::string why_not;
};

MetamerismRow metamerism_row(const LabEntry& reference, const LabEntry& sample) {
  MetamerismRow row;
  if (!reference.spectrum || !sample.spectrum) {
    row.why_not = "no spectrum in the " + std::string(reference.spectrum ? "sample" : "reference") +
                  " (smp-catalog export --spectra writes them)";
    return row;
  }
  if (reference.observer != sample.observer) {
    row.why_not = "the reference and sample are for different observers";
    return row;
  }
  try {
    for (Illuminant test : metamerism_test_illuminants()) {
      row.index.push_back(metamerism_index(*reference.spectrum, *sample.spectrum, test,
                                           Illuminant::D50, reference.observer));
      if (row.index.back() >= row.max) row.max = row.index.back(), row.worst = test;
    }
  } catch (const ArgumentError& e) {
    row.index.clear();
    row.why_not = e.message();
  }
  return row;
}

// "A", "F11", "LED_B3": the illuminant as part of a field name.
std::string field_name(Illuminant illuminant) {
  std::string name(illuminant_name(illuminant));
  for (char& c : name) c = c == '-' ? '_' : c;
  return name;
}

struct MetamerismSummary {
  std::size_t count = 0, over = 0;
  double max = 0;
  std::string id, light;
};

}  // namespace

int main(int argc, char** argv) {
  app::Tool tool("smp-diff",
                 "Colour differences (CIEDE2000 and others) between two record streams");
  std::string reference_path, sample_path, metric_name = "de00", white_name = "D50";
  std::optional<double> max;
  auto& cli = tool.cli();
  cli.add_option("REFERENCE", reference_path, "Reference records (the standard); - for stdin")
      ->required();
  cli.add_option("SAMPLE", sample_path, "Sample records compared with the reference; - for stdin")
      ->required();
  cli.add_option("--metric", metric_name,
                 "Metric for the summary and --max: de00, de76, de94, decmc")
      ->check(CLI::IsMember({"de00", "de76", "de94", "decmc"}))
      ->capture_default_str();
  cli.add_option("--max", max, "Exit 1 when any pair's metric is over X")
      ->check(CLI::NonNegativeNumber)
      ->option_text("X");
  std::optional<double> max_metamerism;
  cli.add_option("--max-metamerism", max_metamerism,
                 "Exit 1 when any pair's metamerism index (ISO 18314-4, D50 to A, F11 or "
                 "LED-B3) is over X, or a pair has no spectra")
      ->check(CLI::NonNegativeNumber)
      ->option_text("X");
  cli.add_option("--white", white_name, "White of the output Lab: D50 or D65 (inputs are adapted)")
      ->check(CLI::IsMember({"D50", "D65"}))
      ->capture_default_str();
  tool.add_format_option();

  return tool.run(argc, argv, [&] {
    if (reference_path == "-" && sample_path == "-") {
      throw app::UsageError("only one of REFERENCE and SAMPLE can be standard input");
    }
    const Metric metric = parse_metric(metric_name);
    const White white = parse_white(white_name);
    const auto reference = read_records(tool, reference_path);
    const auto sample = read_records(tool, sample_path);
    const Pairing pairing = pair_records(reference, sample);
    for (const auto& problem : pairing.problems) tool.error(problem);

    RecordWriter writer(std::cout, tool.format());
    MetamerismSummary metamerism;
    std::vector<double> values;
    std::vector<std::pair<std::string, double>> over;  // the pairs past --max
    for (const auto& [i, j] : pairing.pairs) {
      const Lab a = adapt_lab(reference[i].lab, reference[i].white, white);
      const Lab b = adapt_lab(sample[j].lab, sample[j].white, white);
      const Comparison c = compare(a, b);
      Record record(RecordKind::Difference);
      record.set("id", reference[i].id)
          .set("reference", a)
          .set("sample", b)
          .set("white", std::string(white_name))
          .set("de00", c.de2000.de00)
          .set("dL", c.de2000.dl)
          .set("dC", c.de2000.dc)
          .set("dH", c.de2000.dh)
          .set("de76", c.de76)
          .set("de94", c.de94)
          .set("decmc", c.decmc);
      const MetamerismRow mi = metamerism_row(reference[i], sample[j]);
      for (std::size_t k = 0; k < mi.index.size(); ++k) {
        record.set("mi_" + field_name(metamerism_test_illuminants()[k]), mi.index[k]);
      }
      if (!mi.index.empty()) {
        record.set("mi_max", mi.max);
        ++metamerism.count;
        if (mi.max >= metamerism.max) {
          metamerism.max = mi.max;
          metamerism.id = reference[i].id;
          metamerism.light = std::string(illuminant_name(mi.worst));
        }
        if (max_metamerism && mi.max > *max_metamerism) ++metamerism.over;
      } else if (max_metamerism) {
        tool.error("pair '" + reference[i].id + "': " + mi.why_not +
                       ": no metamerism index for --max-metamerism",
                   sample[j].where);
      }
      writer.write(record);
      values.push_back(c.value(metric));
      if (max && values.back() > *max) over.emplace_back(reference[i].id, values.back());
    }
    writer.finish();

    const DifferenceSummary s = summarize(values);
    const auto name = metric_name;
    if (s.count == 0) {
      fmt::print(stderr, "{}: no pairs to compare\n", tool.name());
    } else {
      fmt::print(stderr, "{}: {} pairs, {} mean {:.2f}, max {:.2f}, 95th percentile {:.2f}\n",
                 tool.name(), s.count, name, s.mean, s.max, s.p95);
    }
    if (max && !over.empty()) {
      // Named, worst first, so that QC knows which samples to measure again.
      std::stable_sort(over.begin(), over.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      constexpr std::size_t kNamed = 10;
      std::string named;
      for (std::size_t k = 0; k < std::min(kNamed, over.size()); ++k) {
        named += fmt::format("{}{} ({:.2f})", k ? ", " : "", over[k].first, over[k].second);
      }
      if (over.size() > kNamed) named += fmt::format(" and {} more", over.size() - kNamed);
      fmt::print(stderr, "{}: {} of {} pairs over {} {}: {}\n", tool.name(), over.size(), s.count,
                 name, *max, printable(named));
      tool.fail();
    }
    if (metamerism.count > 0) {
      fmt::print(stderr,
                 "{}: metamerism index (ISO 18314-4, D50 to A, F11, LED-B3) of {} pairs: max "
                 "{:.2f} ('{}' under {})\n",
                 tool.name(), metamerism.count, metamerism.max, printable(metamerism.id),
                 metamerism.light);
    }
    if (max_metamerism && metamerism.over > 0) {
      fmt::print(stderr, "{}: {} of {} pairs over metamerism index {}\n", tool.name(),
                 metamerism.over, metamerism.count, *max_metamerism);
      tool.fail();
    }
  });
}
