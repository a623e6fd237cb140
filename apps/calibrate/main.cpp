// smp-calibrate: a photo of a ColorChecker Classic 24 to an ICC camera profile, with a report
// of how well the profile reproduces each patch.
#include <fmt/core.h>

#include <iostream>
#include <optional>

#include "app.hpp"
#include "smpshade/calibrate.hpp"
#include "smpshade/files.hpp"
#include "smpshade/image.hpp"

using namespace smpshade;

int main(int argc, char** argv) {
  app::Tool tool("smp-calibrate",
                 "A ColorChecker photo to an ICC camera profile, fitted to minimise CIEDE2000");
  std::string input = "-", output, reference_text = "colorchecker-2014", model_text, corners_text;
  std::string description;
  std::uint64_t max_pixels = kDefaultMaxPixels;
  auto& cli = tool.cli();
  cli.add_option("PHOTO", input, "Photo of the chart: JPEG, PNG, TIFF or HEIF/HEIC (default: stdin)");
  cli.add_option("-o,--output", output, "Write the ICC profile here (whole or not at all)")
      ->option_text("OUT.icc");
  cli.add_option("--reference", reference_text,
                 "Chart values: colorchecker-2014 (charts made after November 2014), "
                 "colorchecker-2005, or a CGATS file of the chart's own measurements")
      ->capture_default_str()
      ->option_text("NAME|FILE");
  cli.add_option("--model", model_text,
                 "matrix (3x3, matrix/TRC profile) or rootpoly (root-polynomial, LUT profile); "
                 "default: the one with the lower leave-one-out error")
      ->check(CLI::IsMember({"matrix", "rootpoly"}));
  cli.add_option("--corners", corners_text,
                 "The patch area's corners, clockwise from dark skin's: x1,y1,x2,y2,x3,y3,x4,y4 "
                 "(default: found by OpenCV's mcc detector)")
      ->option_text("X1,Y1,...");
  cli.add_option("--description", description, "The profile's description tag");
  cli.add_option("--max-pixels", max_pixels,
                 "Refuse photos with more pixels than this, before decoding")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  tool.add_format_option();

  return tool.run(argc, argv, [&] {
    CalibrateOptions options;
    tool.read_arguments([&] {
      if (!model_text.empty()) options.model = parse_camera_model(model_text);
      if (!corners_text.empty()) options.corners = parse_chart_corners(corners_text);
      options.reference = chart_reference(reference_text);
    });
    options.description = description;

    // The output is opened first, so that a folder that cannot be written fails before the
    // work; it is put in place only once the profile is made, before the report that names it.
    std::optional<OutputFile> profile;
    if (!output.empty()) profile.emplace(output);
    const Image photo = read_image(input, max_pixels);
    const Calibration calibration = calibrate(photo, input, options, chart_locator());
    if (profile) profile->commit(calibration.icc.data(), calibration.icc.size());
    for (const std::string& w : calibration.warnings) tool.warning(w, Location{input});

    const Record report = calibration_record(calibration, output);
    if (tool.format() == Format::Jsonl) {
      RecordWriter(std::cout, Format::Jsonl).write(report);
      return;
    }
    {
      RecordWriter patches(std::cout, tool.format());
      for (const Record& p : calibration_patch_records(calibration)) {
        patches.write(tool.format() == Format::Table ? calibration_patch_table_row(p) : p);
      }
    }
    if (tool.format() == Format::Table) {
      std::string models;
      for (const auto& [label, mean] : calibration.held_out_by_model) {
        models += fmt::format("{}{} {:.2f}", models.empty() ? "" : ", ", label, mean);
      }
      fmt::print(
          "\nmodel {}: mean ΔE00 {:.2f}, max {:.2f}, held out {:.2f} (leave-one-out: {}); "
          "chart {:.1f}% of the frame\n",
          camera_model_label(calibration.model), calibration.mean_delta_e,
          calibration.max_delta_e, calibration.held_out_mean, models,
          100 * calibration.chart_share);
      fmt::print("profile: {}\n", output.empty() ? "not written (no -o)" : printable(output));
    }
  });
}
