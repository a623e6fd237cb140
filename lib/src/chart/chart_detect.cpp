// OpenCV's mcc detector (cv::mcc::CCheckerDetector, without its optional neural network):
// adaptive thresholds, square contours, and a fit of the 24-patch grid to them.
//
// The detector works on 8-bit BGR and its time grows with the pixels it searches, so photos
// are searched at most kSearchSide pixels across (a 12-megapixel photo at about a quarter of
// its area) and the corners scaled back; a patch is still tens of pixels across, and sampling
// reads only the central 40 % of each, so the scaled corners' error of a pixel or two is
// harmless.
#include "chart_detect.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/mcc.hpp>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace {

constexpr int kSearchSide = 2000;
// The detector scales a photo up until its shorter side is 1000 pixels (its minImageSize), so a
// 3000 × 2 strip would become 1.5 million × 1000 and exhaust memory (found by a test). No chart
// fits in a photo narrower than this or longer than this many times its width; they are
// refused before the detector sees them.
constexpr int kMinSide = 48;
constexpr int kMaxAspect = 8;
// Candidates asked of the detector: a grid of squares in the scene (tiles, a shirt's checks)
// can score above the chart, and the colours decide.
constexpr int kCandidates = 3;

using Corners = std::array<SmpshadeChartPoint, 4>;

const void* image_row(const SmpshadeChartImage& image, int y) {
  return static_cast<const unsigned char*>(image.pixels) +
         image.row_bytes * static_cast<std::size_t>(y);
}

std::vector<Corners> find_colorchecker(const SmpshadeChartImage& image) {
  const int w = image.width, h = image.height;
  if (std::min(w, h) < kMinSide || std::max(w, h) > kMaxAspect * std::min(w, h)) return {};
  cv::Mat bgr(h, w, CV_8UC3);
  const bool wide = image.bits == 16;
  for (int y = 0; y < h; ++y) {
    auto* out = bgr.ptr<unsigned char>(y);
    if (wide) {
      const auto* in = static_cast<const std::uint16_t*>(image_row(image, y));
      for (int x = 0; x < w; ++x, in += 3, out += 3) {
        out[0] = static_cast<unsigned char>(in[2] >> 8);
        out[1] = static_cast<unsigned char>(in[1] >> 8);
        out[2] = static_cast<unsigned char>(in[0] >> 8);
      }
    } else {
      const auto* in = static_cast<const unsigned char*>(image_row(image, y));
      for (int x = 0; x < w; ++x, in += 3, out += 3) {
        out[0] = in[2];
        out[1] = in[1];
        out[2] = in[0];
      }
    }
  }
  const double scale = std::min(1.0, static_cast<double>(kSearchSide) / std::max(w, h));
  cv::Mat search = bgr;
  if (scale < 1.0) cv::resize(bgr, search, cv::Size(), scale, scale, cv::INTER_AREA);

  std::vector<cv::Ptr<cv::mcc::CChecker>> checkers;
  try {
    cv::Ptr<cv::mcc::CCheckerDetector> detector = cv::mcc::CCheckerDetector::create();
    if (!detector->process(search, cv::mcc::MCC24, kCandidates)) return {};
    checkers = detector->getListColorChecker();
  } catch (const cv::Exception& e) {
    throw std::runtime_error(std::string("OpenCV's chart detector failed: ") + e.what());
  }
  // The detector's cost: lower is a better fit of the grid.
  std::stable_sort(checkers.begin(), checkers.end(),
                   [](const auto& a, const auto& b) { return a->getCost() < b->getCost(); });
  std::vector<Corners> found;
  for (const auto& checker : checkers) {
    const std::vector<cv::Point2f> box = checker->getBox();
    if (box.size() != 4) continue;
    Corners corners;
    for (std::size_t i = 0; i < 4; ++i) {
      corners[i] = {std::clamp(box[i].x / scale, 0.0, static_cast<double>(w)),
                    std::clamp(box[i].y / scale, 0.0, static_cast<double>(h))};
    }
    found.push_back(corners);
  }
  return found;
}

int find_charts(const SmpshadeChartImage* image, SmpshadeChartCorners* found, int32_t capacity,
                int32_t* count, char* error, size_t error_size) {
  try {
    const std::vector<Corners> charts = find_colorchecker(*image);
    *count = static_cast<int32_t>(std::min<std::size_t>(charts.size(), std::max(capacity, 0)));
    for (int32_t i = 0; i < *count; ++i) {
      for (std::size_t k = 0; k < 4; ++k)
        found[i].corner[k] = charts[static_cast<std::size_t>(i)][k];
    }
    return 1;
  } catch (const std::exception& e) {
    if (error_size > 0) {
      std::strncpy(error, e.what(), error_size - 1);
      error[error_size - 1] = '\0';
    }
    *count = 0;
    return 0;
  }
}

constexpr SmpshadeChartPlugin kPlugin{SMPSHADE_CHART_PLUGIN_MAGIC, SMPSHADE_CHART_PLUGIN_VERSION,
                                      &find_charts};

}  // namespace

extern "C" __attribute__((visibility("default"))) const SmpshadeChartPlugin* smpshade_chart_plugin(
    void) {
  return &kPlugin;
}
static_assert(std::is_same_v<decltype(&smpshade_chart_plugin), SmpshadeChartPluginEntry>,
              "the plugin's entry point and its type in chart_detect.hpp differ");
