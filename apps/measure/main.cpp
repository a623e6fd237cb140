// smp-measure: photos to CIELAB per region, colour-managed, highlights excluded, hair and scalp
// split on demand.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <optional>

#include "app.hpp"
#include "smpshade/calibrate.hpp"
#include "smpshade/measure.hpp"

using namespace smpshade;

namespace {

// A one-line bar on standard error, redrawn in place; cleared before any other message.
class ProgressBar {
 public:
  explicit ProgressBar(bool shown) : shown_(shown) {}
  void draw(std::size_t done, std::size_t total) {
    if (!shown_) return;
    const std::size_t width = 30, filled = total ? width * done / total : width;
    fmt::print(stderr, "\r[{}{}] {}/{} photos", std::string(filled, '#'),
               std::string(width - filled, '.'), done, total);
    std::fflush(stderr);
    drawn_ = true;
  }
  void clear() {
    if (drawn_) fmt::print(stderr, "\r\033[K");
    drawn_ = false;
  }

 private:
  bool shown_;
  bool drawn_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  app::Tool tool("smp-measure", "Photos to CIELAB per region: colour-managed, highlights excluded");
  std::vector<std::string> inputs, region_texts;
  std::string white_text = "D50";
  MeasureOptions options;
  bool keep_highlights = false, chart = false, no_chart_search = false;
  std::string chart_reference = "colorchecker-2014";
  int jobs = 0;
  auto& cli = tool.cli();
  cli.add_option("FILE", inputs, "Photos: JPEG, PNG, TIFF or HEIF/HEIC, 8 or 16 bit (default: stdin)");
  cli.add_option("--region", region_texts,
                 "Region to measure (repeatable): NAME=x,y,w,h (pixels or %), "
                 "NAME=poly:x1,y1,x2,y2,..., NAME=mask:FILE.png; default the whole image")
      ->allow_extra_args(false)
      ->option_text("NAME=SPEC");
  cli.add_flag("--split", options.split, "Split each region into hair (darker) and scalp");
  cli.add_flag("--no-chart-search", no_chart_search,
               "With --split on the whole image: do not look for a ColorChecker to leave out "
               "(saves 0.2-0.7 s a photo; a chart in frame is then measured as hair and scalp)");
  cli.add_option(
         "--profile", options.profile_path,
         "ICC profile of the photos (e.g. from smp-calibrate); default: embedded, else sRGB")
      ->option_text("FILE.icc");
  cli.add_flag("--chart", chart,
               "Calibrate each photo from the ColorChecker in it (as smp-calibrate) and measure "
               "with that profile; the chart is left out of the whole-image region");
  cli.add_option("--chart-reference", chart_reference,
                 "With --chart: colorchecker-2014, colorchecker-2005, or a CGATS file of the "
                 "chart's own values")
      ->capture_default_str()
      ->option_text("NAME|FILE");
  std::string corners_text;
  cli.add_option("--corners", corners_text,
                 "With --chart: the chart's patch area, clockwise from dark skin's: "
                 "x1,y1,x2,y2,x3,y3,x4,y4 (default: found by OpenCV's mcc detector)")
      ->option_text("X1,Y1,...");
  cli.add_option("--white", white_text, "White of the Lab written: D50 or D65")
      ->check(CLI::IsMember({"D50", "D65"}))
      ->capture_default_str();
  cli.add_option("-j,--jobs", jobs, "Threads (default: one per core)")
      ->check(CLI::Range(0, 1024))
      ->option_text("N");
  cli.add_option("--max-pixels", options.max_pixels,
                 "Refuse photos with more pixels than this, before decoding")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  cli.add_flag("--keep-highlights", keep_highlights, "Do not exclude specular highlights");
  std::string client;
  std::optional<int> session;
  cli.add_option("--client", client,
                 "The client of the photos (default: each photo's path below the folder common "
                 "to all, without its extension)")
      ->option_text("ID");
  cli.add_option("--session", session, "The session the photos belong to (1, 2, ...)")
      ->check(CLI::Range(1, 1000))
      ->option_text("N");
  tool.add_format_option();

  return tool.run(argc, argv, [&] {
    if (inputs.empty()) inputs.push_back("-");
    if (std::count(inputs.begin(), inputs.end(), "-") > 1) {
      throw app::UsageError("standard input can be read only once");
    }
    if (chart && !options.profile_path.empty()) {
      throw app::UsageError(
          "--chart fits a profile to each photo: it cannot be used with --profile");
    }
    if (!chart && cli.count("--chart-reference") > 0) {
      throw app::UsageError("--chart-reference is for --chart");
    }
    if (!chart && !corners_text.empty()) {
      throw app::UsageError("--corners places the chart for --chart: give both");
    }
    std::optional<Measurer> measurer;
    tool.read_arguments([&] {
      for (const auto& text : region_texts) options.regions.push_back(parse_region(text));
      options.white = parse_white(white_text);
      options.exclude_highlights = !keep_highlights;
      if (chart) {
        CalibrateOptions calibration;
        calibration.reference = smpshade::chart_reference(chart_reference);
        if (!corners_text.empty()) calibration.corners = parse_chart_corners(corners_text);
        options.photo_profile = chart_profile_provider(std::move(calibration));
      } else if (options.split && options.regions.empty() && !no_chart_search) {
        options.find_chart = chart_card_finder();
      }
      measurer.emplace(std::move(options));
    });

    // Whose each photo is: --client for all (several photos of one client keep their file
    // names apart), else the photos' paths below their common folder.
    std::vector<std::string> clients = clients_of_photos(inputs);
    if (!client.empty()) {
      for (std::string& c : clients) c = inputs.size() == 1 ? client : client + "/" + c;
    }
    MeasurementWriter writer(std::cout, tool.format());
    ProgressBar bar(inputs.size() > 1 && isatty(STDERR_FILENO));
    measure_batch(
        *measurer, inputs, jobs,
        [&](std::size_t index, const PhotoMeasurement* m, const Error* error) {
          bar.clear();
          if (error) {
            tool.error(*error);
            // The photo stays in the stream as an error record, so that the tools after this
            // one, and a script counting, learn it was lost (JSON Lines only).
            if (tool.format() == Format::Jsonl) {
              RecordWriter(std::cout, Format::Jsonl)
                  .write(error_record(inputs[index], clients[index], "measure", *error));
              std::cout.flush();
            }
            return;
          }
          for (const auto& warning : m->warnings) tool.warning(warning, Location{m->source});
          for (const RegionMeasurement& r : m->records) {
            for (std::size_t w = m->warnings.size(); w < r.warnings.size(); ++w) {
              tool.warning(r.region + ": " + r.warnings[w], Location{m->source});
            }
          }
          writer.write(*m, PhotoIdentity{clients[index], session});
          std::cout.flush();  // a pipe sees each photo as soon as it is done
        },
        [&](std::size_t done, std::size_t total) { bar.draw(done, total); });
    bar.clear();
    writer.finish();
  });
}
