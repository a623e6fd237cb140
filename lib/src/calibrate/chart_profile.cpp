// smp-measure --chart: calibration as a PhotoProfileProvider (measure.hpp), so that measuring
// knows nothing of charts and calibrating nothing of regions.
//
// The profile handed over is the ICC profile calibrate() writes, loaded back by LittleCMS, not
// the fitted model itself: its matrix is quantised to s15Fixed16 and its LUT to 16 bits as the
// file smp-calibrate writes is, so that --chart measures exactly what `smp-calibrate -o` and
// `--profile` would (loading it costs well under a millisecond).
#include <utility>

#include "smpshade/calibrate.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

PhotoProfileProvider chart_profile_provider(CalibrateOptions options) {
  const ChartLocator locate = options.corners ? ChartLocator{} : chart_locator();
  return [options = std::move(options), locate](const Image& photo, const std::string& source) {
    Calibration chart;
    try {
      chart = calibrate(photo, source, options, locate);
    } catch (const InputError& e) {
      // Measuring, there is always a way on without the chart.
      throw InputError(e.message() +
                           "; or measure uncalibrated: leave out --chart (the photo's embedded "
                           "profile, else sRGB, is used)",
                       e.where());
    }
    PhotoProfile result{
        Profile::from_memory(chart.icc.data(), chart.icc.size(), source + " (chart profile)"),
        "chart: " + camera_model_label(chart.model) +
            " fitted to the ColorChecker in the photo",
        chart.card_outline(),
        {},
        {},
        calibration_record(chart, "")};
    for (const std::string& w : chart.warnings) result.warnings.push_back("chart: " + w);
    result.record_fields.set("calibration_de00", chart.mean_delta_e);
    return result;
  };
}

ChartFinder chart_card_finder() {
  return [locate = chart_locator()](const Image& photo, const std::string& source) {
    const std::vector<ChartCorners> candidates = locate(photo);
    return candidates.empty() ? std::vector<ImagePoint>{}
                              : chart_card_outline(candidates.front(), source);
  };
}

}  // namespace smpshade
