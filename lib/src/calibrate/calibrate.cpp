// A ColorChecker photo to a camera profile: sample the patches, fit, check, write.
//
// Sampling: the corners give a homography from the chart's 6 × 4 grid of patch cells to the
// photo. Each patch is read over the central `sample_share` of its cell (40 % per side: the
// patches fill about 85 % of their cells, so corners off by a tenth of a cell still read the
// patch alone), through the photo's own tone curves to linear light. A patch is left out of
// the fit when more than 1 % of its pixels are clipped, or when the means of its four quarters
// differ by more than 10 % (glare, a shadow, or corners that miss it).
#include "smpshade/calibrate.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <future>
#include <mutex>
#include <numeric>

#include "calibrate/internal.hpp"
#include "chart/chart_detect.hpp"
#include "core/fixed.hpp"
#include "core/parse.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

using detail::Rgb;

namespace {

constexpr double kMaxClippedShare = 0.01;
constexpr double kMaxQuarterSpread = 0.10;
constexpr double kMinChartShare = 0.05;
// Uneven light: the brightest corner of the patch area has this much more light than the
// darkest, as fitted by a matrix with tone curves and gradient (curves, so that a tone curve
// unlike the profile's is not taken for light). On the seven real photos of tests/data/real it
// is 0.02, 0.22, 0.27, 0.50, 0.25 (JTvD phones 1–5), 0.21 (Passport), 0.14 (Galaxy S2);
// jtvd_color_checker_1.jpg with its light painted to fall to half across the chart reads 1.02.
// On jtvd_4 fitting the gradient predicts held-out patches better (3.37 → 3.04 ΔE00), on the
// others by 0.1 or less. From the centre to a corner 0.35 is ±16 % of light, ±3.3 L* at L* 50:
// more than the fit's own held-out error. (The statistic it replaces, the spread of the
// neutrals' signal over their reference Y, read 44–277 % on the same photos: it measured the
// phones' tone curves, not the light.)
constexpr double kMaxLightFalloff = 0.35;
// A grey read with one channel this many times another (linear, through the encoding's
// curves): the light or white balance is far off. Phones' auto white balance leaves up to 1.37
// on the real photos of tests/data/real (Galaxy S2; JTvD phones 1.02–1.34, Passport 1.04);
// daylight white balance under tungsten light is about 2, and jtvd_color_checker_1.jpg with
// its channels scaled 1 : 0.75 : 0.5 reads 1.64.
constexpr double kStrongCast = 1.5;
// After fitting, a mean ΔE00 above this means the corners do not hold a ColorChecker.
constexpr double kNotAChart = 10.0;

using detail::fixed;

// A plane homography: grid (u, v) → photo (x, y).
struct Homography {
  double h[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};

  ImagePoint map(double u, double v) const {
    const double w = h[6] * u + h[7] * v + h[8];
    return {(h[0] * u + h[1] * v + h[2]) / w, (h[3] * u + h[4] * v + h[5]) / w};
  }

  // From four (u, v) → (x, y) pairs; false when three of the points are collinear.
  static bool from_points(const std::array<ImagePoint, 4>& from,
                          const std::array<ImagePoint, 4>& to, Homography& out) {
    std::vector<double> a(64, 0.0), b(8, 0.0), x;
    for (std::size_t i = 0; i < 4; ++i) {
      const double u = from[i].x, v = from[i].y, px = to[i].x, py = to[i].y;
      double* r1 = &a[(2 * i) * 8];
      double* r2 = &a[(2 * i + 1) * 8];
      r1[0] = u, r1[1] = v, r1[2] = 1, r1[6] = -u * px, r1[7] = -v * px;
      r2[3] = u, r2[4] = v, r2[5] = 1, r2[6] = -u * py, r2[7] = -v * py;
      b[2 * i] = px;
      b[2 * i + 1] = py;
    }
    if (!detail::solve_linear(a, b, x)) return false;
    std::copy(x.begin(), x.end(), out.h);
    out.h[8] = 1;
    return true;
  }

  Homography inverse() const {
    const double* m = h;
    Homography inv;
    double* r = inv.h;
    r[0] = m[4] * m[8] - m[5] * m[7];
    r[1] = m[2] * m[7] - m[1] * m[8];
    r[2] = m[1] * m[5] - m[2] * m[4];
    r[3] = m[5] * m[6] - m[3] * m[8];
    r[4] = m[0] * m[8] - m[2] * m[6];
    r[5] = m[2] * m[3] - m[0] * m[5];
    r[6] = m[3] * m[7] - m[4] * m[6];
    r[7] = m[1] * m[6] - m[0] * m[7];
    r[8] = m[0] * m[4] - m[1] * m[3];
    return inv;
  }
};

Homography grid_to_photo(const ChartCorners& corners, const std::string& source) {
  const std::array<ImagePoint, 4> grid{
      {{0, 0}, {kChartColumns, 0}, {kChartColumns, kChartRows}, {0, kChartRows}}};
  Homography h;
  if (!Homography::from_points(grid, corners, h)) {
    throw InputError("the chart's corners do not make a quadrilateral", Location{source});
  }
  return h;
}

// What one patch's pixels hold.
struct PatchSample {
  Rgb mean{};
  std::uint64_t pixels = 0, clipped = 0;
  double quarter_spread = 0;  // (max − min) / mean of the four quarters' R+G+B
  std::vector<std::uint16_t> codes;  // the unclipped pixels, RGB interleaved
};

std::vector<PatchSample> sample_patches(const Image& image, const detail::Linearisation& lin,
                                        const ChartCorners& corners, double share,
                                        const std::string& source) {
  const Homography to_photo = grid_to_photo(corners, source);
  const Homography to_grid = to_photo.inverse();
  const int top = image.info().bits == 16 ? 65535 : 255;
  std::vector<PatchSample> samples(kChartPatches);
  for (int row = 0; row < kChartRows; ++row) {
    for (int col = 0; col < kChartColumns; ++col) {
      const double uc = col + 0.5, vc = row + 0.5, half = share / 2;
      // The sampled square's bounding box in the photo.
      double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
      for (const auto& [du, dv] :
           {std::pair{-half, -half}, {half, -half}, {half, half}, {-half, half}}) {
        const ImagePoint p = to_photo.map(uc + du, vc + dv);
        x0 = std::min(x0, p.x), y0 = std::min(y0, p.y);
        x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
      }
      const int ix0 = std::max(0, static_cast<int>(std::floor(x0)));
      const int iy0 = std::max(0, static_cast<int>(std::floor(y0)));
      const int ix1 = std::min(image.width(), static_cast<int>(std::ceil(x1)));
      const int iy1 = std::min(image.height(), static_cast<int>(std::ceil(y1)));
      PatchSample& s = samples[static_cast<std::size_t>(row * kChartColumns + col)];
      std::array<Rgb, 4> quarter{};
      std::array<std::uint64_t, 4> quarter_pixels{};
      for (int y = iy0; y < iy1; ++y) {
        for (int x = ix0; x < ix1; ++x) {
          const ImagePoint g = to_grid.map(x + 0.5, y + 0.5);
          const double du = g.x - uc, dv = g.y - vc;
          if (std::fabs(du) > half || std::fabs(dv) > half) continue;
          const auto codes = image.pixel(x, y);
          ++s.pixels;
          if (codes[0] == top || codes[1] == top || codes[2] == top) {
            ++s.clipped;
            continue;
          }
          const std::size_t q = (du < 0 ? 0 : 1) + (dv < 0 ? 0 : 2);
          s.codes.insert(s.codes.end(), {codes[0], codes[1], codes[2]});
          for (int c = 0; c < 3; ++c) {
            quarter[q][static_cast<std::size_t>(c)] +=
                lin.linear(c, codes[static_cast<std::size_t>(c)]);
          }
          ++quarter_pixels[q];
        }
      }
      const std::uint64_t used = s.pixels - s.clipped;
      if (used == 0) continue;
      double lo = 1e300, hi = -1e300;
      for (std::size_t q = 0; q < 4; ++q) {
        for (std::size_t c = 0; c < 3; ++c) s.mean[c] += quarter[q][c];
        if (quarter_pixels[q] > 0) {
          const double level = (quarter[q][0] + quarter[q][1] + quarter[q][2]) /
                               static_cast<double>(quarter_pixels[q]);
          lo = std::min(lo, level), hi = std::max(hi, level);
        }
      }
      for (double& m : s.mean) m /= static_cast<double>(used);
      const double level = s.mean[0] + s.mean[1] + s.mean[2];
      s.quarter_spread = (hi - lo) / std::max(level, 0.005);
    }
  }
  return samples;
}

double quad_area(const ChartCorners& c) {
  double a = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const ImagePoint& p = c[i];
    const ImagePoint& q = c[(i + 1) % 4];
    a += p.x * q.y - q.x * p.y;
  }
  return std::fabs(a) / 2;
}

// The eight ways four corners can be read: each corner first, clockwise or (a mirrored photo,
// e.g. a front camera's) anticlockwise.
std::array<ChartCorners, 8> orientations(const ChartCorners& c) {
  std::array<ChartCorners, 8> all;
  for (std::size_t k = 0; k < 4; ++k) {
    for (std::size_t i = 0; i < 4; ++i) {
      all[k][i] = c[(i + k) % 4];
      all[4 + k][i] = c[(k + 4 - i) % 4];
    }
  }
  return all;
}

struct UsablePatches : detail::FitPatches {
  std::vector<std::size_t> index;
};

// The centre of patch i's cell on the chart: u 0..6 across, v 0..4 down.
std::array<double, 2> patch_cell(std::size_t i) {
  return {static_cast<double>(i % kChartColumns) + 0.5,
          static_cast<double>(i / kChartColumns) + 0.5};
}

UsablePatches usable(const std::vector<PatchSample>& samples, const ChartReference& reference) {
  UsablePatches u;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const PatchSample& s = samples[i];
    if (s.pixels == 0 || s.pixels == s.clipped) continue;
    if (static_cast<double>(s.clipped) > kMaxClippedShare * static_cast<double>(s.pixels)) continue;
    if (s.quarter_spread > kMaxQuarterSpread) continue;
    u.index.push_back(i);
    u.rgb.push_back(s.mean);
    u.reference.push_back(reference.patches[i].lab);
    u.cell.push_back(patch_cell(i));
  }
  return u;
}

// How well a quick matrix explains an orientation's patches (mean ΔE00; huge when it cannot).
// How well a reading of the chart's patches fits the reference: the mean ΔE00 left after the
// best 3×3 matrix, on the photo's linearised values raised to one common power. The power is
// what makes the judgement hold when the linearisation is wrong: an industrial camera with a
// linear output read as sRGB (its greys come out as L^2.2: a power of 1/2.2 undoes it), or a
// phone's steeper tone curve. It is common to the three channels, so a grid of other colours
// (tiles, a Digital SG's other patches) gains little from it, while any white balance is the
// matrix's to absorb. Measured on the seven real photos re-encoded as a linear camera without
// white balance: 3 of 21 were refused at a mean of 10.7-11.1 with the power fixed at 1.
double orientation_error(const UsablePatches& u) {
  if (static_cast<int>(u.index.size()) < detail::minimum_patches(CameraModelKind::Matrix)) {
    return 1e300;
  }
  static constexpr double kPowers[] = {1.0, 0.45, 0.6, 0.8, 1.25, 1.6};
  double best = 1e300;
  std::vector<detail::Rgb> rgb(u.rgb.size());
  for (const double power : kPowers) {
    for (std::size_t i = 0; i < u.rgb.size(); ++i) {
      for (std::size_t c = 0; c < 3; ++c) rgb[i][c] = std::pow(std::max(0.0, u.rgb[i][c]), power);
    }
    const CameraModel model =
        detail::least_squares_model(CameraModelKind::Matrix, rgb, u.reference);
    double sum = 0;
    for (std::size_t i = 0; i < rgb.size(); ++i) {
      sum += ciede2000(u.reference[i], detail::model_lab(model, rgb[i]));
    }
    best = std::min(best, sum / static_cast<double>(rgb.size()));
  }
  return best;
}

std::string patch_list(const std::vector<const PatchCalibration*>& patches) {
  std::string text;
  for (const PatchCalibration* p : patches) {
    if (!text.empty()) text += ", ";
    text += std::to_string(p->number) + " (" + p->name + ")";
  }
  return text;
}

}  // namespace

ChartCorners parse_chart_corners(std::string_view text) {
  std::vector<double> values;
  for (std::string_view token : detail::split_list(text)) {
    const auto v = detail::parse_number(detail::trim(token));
    if (!v) throw ArgumentError("corners: '" + std::string(token) + "' is not a number", "corners");
    values.push_back(*v);
  }
  if (values.size() != 8) {
    throw ArgumentError(
        "corners takes 8 numbers x1,y1,...,x4,y4, not " + std::to_string(values.size()), "corners");
  }
  ChartCorners corners;
  for (std::size_t i = 0; i < 4; ++i) corners[i] = {values[2 * i], values[2 * i + 1]};
  if (quad_area(corners) < 1) {
    throw ArgumentError("corners: the four corners enclose no area", "corners");
  }
  return corners;
}

namespace {

// Candidates asked of the plugin: more than its detector ever gives.
constexpr int kMaxCandidates = 16;

// The plugin's table, loaded once per process from the folder libsmpshade itself was loaded
// from (dladdr), where the build and `cmake --install` both put it, and refused unless its
// magic number and interface version are this library's (chart_detect.hpp).
const SmpshadeChartPlugin& load_chart_plugin() {
  static std::once_flag once;
  static const SmpshadeChartPlugin* plugin = nullptr;
  static std::string failure;
  std::call_once(once, [] {
    Dl_info self{};
    std::string folder;
    if (dladdr(reinterpret_cast<void*>(&load_chart_plugin), &self) && self.dli_fname) {
      folder = std::filesystem::path(self.dli_fname).parent_path().string();
    }
    const std::string path = (folder.empty() ? "" : folder + "/") + "libsmpshade-chart.so";
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);  // kept for the process
    if (!library) {
      const char* why = dlerror();
      failure = "the chart detector cannot be loaded (" + std::string(why ? why : path) +
                "): libsmpshade-chart.so belongs beside libsmpshade; --corners works without it";
      return;
    }
    const auto entry =
        reinterpret_cast<SmpshadeChartPluginEntry>(dlsym(library, SMPSHADE_CHART_ENTRY));
    const SmpshadeChartPlugin* table = entry ? entry() : nullptr;
    if (!table || table->magic != SMPSHADE_CHART_PLUGIN_MAGIC) {
      failure = "the chart detector " + path + " is not an smpshade chart plugin (no " +
                SMPSHADE_CHART_ENTRY + " table with its magic number)";
    } else if (table->version != SMPSHADE_CHART_PLUGIN_VERSION || !table->find_charts) {
      failure = "the chart detector " + path + " has interface version " +
                std::to_string(table->version) + ", this libsmpshade needs " +
                std::to_string(SMPSHADE_CHART_PLUGIN_VERSION) +
                ": install the libsmpshade-chart.so built with it";
    } else {
      plugin = table;
    }
  });
  if (!plugin) throw Error(failure);
  return *plugin;
}

}  // namespace

ChartLocator chart_locator() {
  return [](const Image& image) {
    const SmpshadeChartPlugin& plugin = load_chart_plugin();
    const SmpshadeChartImage photo{
        image.width(), image.height(), image.info().bits,
        static_cast<std::size_t>(image.width()) * 3 * (image.info().bits == 16 ? 2 : 1),
        image.height() > 0 ? image.row(0) : nullptr};
    SmpshadeChartCorners found[kMaxCandidates];
    std::int32_t count = 0;
    char error[512] = "";
    if (!plugin.find_charts(&photo, found, kMaxCandidates, &count, error, sizeof error)) {
      throw Error(error[0] ? error : "the chart detector failed");
    }
    std::vector<ChartCorners> candidates;
    for (std::int32_t i = 0; i < count; ++i) {
      ChartCorners corners;
      for (std::size_t k = 0; k < 4; ++k) corners[k] = {found[i].corner[k].x, found[i].corner[k].y};
      candidates.push_back(corners);
    }
    return candidates;
  };
}

std::string_view camera_model_name(CameraModelKind kind) {
  return kind == CameraModelKind::Matrix ? "matrix" : "rootpoly";
}

CameraModelKind parse_camera_model(std::string_view name) {
  if (name == "matrix") return CameraModelKind::Matrix;
  if (name == "rootpoly") return CameraModelKind::RootPolynomial;
  throw ArgumentError("unknown model '" + std::string(name) + "': matrix or rootpoly");
}

std::vector<ImagePoint> Calibration::card_outline() const {
  return chart_card_outline(corners, source);
}

std::vector<ImagePoint> chart_card_outline(const ChartCorners& corners, const std::string& source) {
  // The card's frame is about half a patch wide around the patches; 0.6 keeps a margin.
  const Homography h = grid_to_photo(corners, source);
  constexpr double m = 0.6;
  return {h.map(-m, -m), h.map(kChartColumns + m, -m), h.map(kChartColumns + m, kChartRows + m),
          h.map(-m, kChartRows + m)};
}

namespace {

void check_options(const CalibrateOptions& options) {
  if (options.reference.patches.size() != static_cast<std::size_t>(kChartPatches)) {
    throw ArgumentError("the chart reference '" + options.reference.name + "' has " +
                        std::to_string(options.reference.patches.size()) + " patches, not 24");
  }
  if (!(options.sample_share > 0.05 && options.sample_share < 0.9)) {
    throw ArgumentError("the sampled share of a patch must be between 0.05 and 0.9");
  }
}

// The candidates: the corners given, else what the locator sees; each inside the photo.
std::vector<ChartCorners> chart_candidates(const Image& image, const std::string& source,
                                           const CalibrateOptions& options,
                                           const ChartLocator& locate, Calibration& result) {
  std::vector<ChartCorners> candidates;
  if (options.corners) {
    candidates.push_back(*options.corners);
  } else if (locate) {
    candidates = locate(image);
    result.chart_found = !candidates.empty();
  }
  if (candidates.empty()) {
    throw InputError(
        "no ColorChecker found in the photo (give its corners with --corners if it is there)",
        Location{source});
  }
  for (const ChartCorners& corners : candidates) {
    for (const ImagePoint& p : corners) {
      if (p.x < 0 || p.y < 0 || p.x > image.width() || p.y > image.height()) {
        throw InputError("the chart's corner (" + fixed(p.x, 1) + ", " + fixed(p.y, 1) +
                             ") is outside the " + std::to_string(image.width()) + " x " +
                             std::to_string(image.height()) + " photo",
                         Location{source});
      }
    }
  }
  return candidates;
}

// Which candidate is the chart, and which of its corners is dark skin's: the reading whose
// patches a matrix explains best. Sets result.corners; returns that reading's samples.
std::vector<PatchSample> read_chart(const Image& image, const detail::Linearisation& lin,
                                    const std::vector<ChartCorners>& candidates,
                                    const std::string& source, const CalibrateOptions& options,
                                    Calibration& result) {
  double best_error = 1e300;
  std::size_t best_orientation = 0, best_candidate = 0;
  std::vector<double> candidate_error;  // each candidate's best reading
  std::vector<PatchSample> samples;
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    const auto readings = orientations(candidates[c]);
    candidate_error.push_back(1e300);
    for (std::size_t k = 0; k < readings.size(); ++k) {
      auto s = sample_patches(image, lin, readings[k], options.sample_share, source);
      const double error = orientation_error(usable(s, options.reference));
      candidate_error.back() = std::min(candidate_error.back(), error);
      if (error < best_error) {
        best_error = error, best_orientation = k, best_candidate = c, samples = std::move(s);
        result.corners = readings[k];
      }
    }
    if (best_error <= kNotAChart) break;
  }
  // Each candidate refused, with how far its colours are from the chart's.
  auto refused = [&](std::size_t end) {
    std::string text;
    for (std::size_t c = 0; c < end; ++c) {
      text += (text.empty() ? "" : ", ") + std::string("candidate ") + std::to_string(c + 1) +
              (candidate_error[c] > 1e299 ? " has too few readable patches"
                                          : " is " + fixed(candidate_error[c], 1) + " ΔE00 off");
    }
    return text;
  };
  if (best_error > kNotAChart) {
    std::string why;
    if (best_error > 1e299 && candidates.size() == 1) {
      why = "too few of the chart's patches are readable (clipped, or not uniform)";
    } else if (options.corners) {
      why = "what lies at the corners given does not look like a ColorChecker (mean ΔE00 " +
            fixed(best_error, 1) + " from its reference after fitting)";
    } else {
      why = "no ColorChecker found in the photo: OpenCV's mcc detector offered " +
            std::to_string(candidates.size()) + " grid" + (candidates.size() > 1 ? "s" : "") +
            " of squares, and none has a ColorChecker's colours (mean ΔE00 from the reference "
            "after fitting a matrix, over " + fixed(kNotAChart, 0) + " is not a chart: " +
            refused(candidates.size()) + "); give --corners if a chart is there";
    }
    throw InputError(why, Location{source});
  }
  static const char* const kCorner[] = {"first", "second", "third", "fourth"};
  result.detection =
      (options.corners ? std::string("corners given")
                       : "found by OpenCV's mcc detector (candidate " +
                             std::to_string(best_candidate + 1) + " of " +
                             std::to_string(candidates.size()) + ")") +
      "; dark skin at the " + kCorner[best_orientation % 4] + " corner" +
      (best_orientation >= 4 ? ", mirrored" : "") + "; colours " + fixed(best_error, 2) +
      " ΔE00 from the reference after a matrix";
  if (best_candidate > 0) result.detection += "; refused: " + refused(best_candidate);
  if (best_orientation != 0 && options.corners) {
    result.warnings.push_back(
        "the corners given do not start at the dark-skin patch and go clockwise; the chart was "
        "read as its patches fit best");
  }
  return samples;
}

// The candidate models, simplest first: each kind on the encoding's curves, with its own tone
// curves, and with curves and a gradient, as the options allow. A gradient without curves is
// a candidate only when asked for: a curve unlike the profile's is what a gradient would
// otherwise take up, and on the real photos it never predicted held-out patches better
// (fitting it costs as much as any other candidate).
std::vector<detail::ModelSpec> candidate_specs(const CalibrateOptions& options) {
  std::vector<detail::ModelSpec> specs;
  for (const CameraModelKind kind : {CameraModelKind::Matrix, CameraModelKind::RootPolynomial}) {
    if (options.model && *options.model != kind) continue;
    for (const auto& [curves, gradient] : {std::pair{false, false}, std::pair{true, false},
                                           std::pair{false, true}, std::pair{true, true}}) {
      if (options.tone_curves ? *options.tone_curves != curves : false) continue;
      if (options.gradient ? *options.gradient != gradient : false) continue;
      if (gradient && !curves && !(options.gradient && options.tone_curves)) continue;
      specs.push_back({kind, curves, gradient});
    }
  }
  return specs;
}

double mean_of(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0) /
         static_cast<double>(std::max<std::size_t>(values.size(), 1));
}

// The model: as asked, else the candidate that predicts held-out patches better. Sets the
// result's held-out means (before quantisation), model, and light falloff.
detail::HeldOutFit choose_model(const UsablePatches& fit_set, const CalibrateOptions& options,
                                const std::string& source, Calibration& result) {
  std::optional<detail::HeldOutFit> chosen;
  double best = 0;
  bool falloff_known = false;
  std::vector<detail::ModelSpec> specs;
  for (const detail::ModelSpec& spec : candidate_specs(options)) {
    if (static_cast<int>(fit_set.rgb.size()) < detail::minimum_patches(spec.kind)) {
      if (options.model) {
        throw InputError("only " + std::to_string(fit_set.rgb.size()) +
                             " patches are usable; the " +
                             std::string(camera_model_name(spec.kind)) + " model needs " +
                             std::to_string(detail::minimum_patches(spec.kind)),
                         Location{source});
      }
      continue;
    }
    specs.push_back(spec);
  }
  // Each candidate is fitted with its leave-one-out fits (up to 24 more) on a thread of its
  // own: nearly all of a calibration's time, and the fits share nothing. Chosen in order.
  std::vector<std::future<detail::HeldOutFit>> fits;
  for (const detail::ModelSpec& spec : specs) {
    fits.push_back(std::async(
        std::launch::async, [&fit_set, spec] { return detail::fit_with_held_out(spec, fit_set); }));
  }
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const detail::ModelSpec& spec = specs[i];
    detail::HeldOutFit fit = fits[i].get();
    const double mean = mean_of(fit.held_out);
    result.held_out_by_model.emplace_back(camera_model_label(fit.model), mean);
    if (spec.kind == CameraModelKind::Matrix && spec.tone_curves && spec.gradient) {
      result.light_falloff = fit.model.light_falloff();
      falloff_known = true;
    }
    if (!chosen || mean < best) {
      best = mean;
      chosen = std::move(fit);
    }
  }
  if (!chosen) {
    throw InputError("only " + std::to_string(fit_set.rgb.size()) +
                         " patches are usable; a profile needs at least " +
                         std::to_string(detail::minimum_patches(CameraModelKind::Matrix)),
                     Location{source});
  }
  // The gradient is measured by a matrix with curves and gradient even when the options leave
  // that model out: curves take up what is the tone curve's, so what is left is the light's.
  if (!falloff_known &&
      static_cast<int>(fit_set.rgb.size()) >= detail::minimum_patches(CameraModelKind::Matrix)) {
    result.light_falloff =
        detail::fit_camera_model({CameraModelKind::Matrix, true, true}, fit_set).light_falloff();
  }
  result.model = chosen->model;
  return std::move(*chosen);
}

// The held-out ΔE00 of the model as written: each patch measured through the profile of the
// fit without it, as smp-measure would measure it (pixel by pixel, averaged in linear light),
// at the light the gradient of that fit gives its place.
void held_out_as_written(detail::HeldOutFit& fit, const UsablePatches& fit_set,
                         const std::vector<PatchSample>& samples,
                         const detail::Linearisation& lin, int bits) {
  for (std::size_t k = 0; k < fit.without.size(); ++k) {
    const CameraModel& model = fit.without[k];
    const detail::WrittenProfile profile(detail::camera_profile(model, lin, "held out"), bits);
    const Xyz xyz = profile.mean_xyz(samples[fit_set.index[k]].codes);
    const double gain = model.light_gain(fit_set.cell[k][0], fit_set.cell[k][1]);
    fit.held_out[k] =
        ciede2000(fit_set.reference[k], lab_from_xyz({xyz.x / gain, xyz.y / gain, xyz.z / gain}, kD50));
  }
}

// The report, patch by patch, and the warnings about patches left out.
void report_patches(const std::vector<PatchSample>& samples, const UsablePatches& fit_set,
                    const detail::HeldOutFit& chosen, const ChartReference& reference,
                    const detail::WrittenProfile& written, Calibration& result) {
  std::vector<const PatchCalibration*> clipped, uneven;
  result.patches.resize(kChartPatches);
  double sum = 0;
  for (std::size_t i = 0; i < result.patches.size(); ++i) {
    PatchCalibration& p = result.patches[i];
    const PatchSample& s = samples[i];
    p.number = static_cast<int>(i) + 1;
    p.name = reference.patches[i].name;
    p.reference = reference.patches[i].lab;
    p.rgb = s.mean;
    p.pixels = s.pixels;
    p.clipped = s.pixels ? static_cast<double>(s.clipped) / static_cast<double>(s.pixels) : 0;
    const auto at = std::find(fit_set.index.begin(), fit_set.index.end(), i);
    p.used = at != fit_set.index.end();
    if (s.pixels == 0) {
      p.rejected = "no pixel sampled";
    } else if (p.clipped > kMaxClippedShare) {
      p.rejected = "clipped (" + fixed(100 * p.clipped, 1) + "% of its pixels)";
      clipped.push_back(&p);
    } else if (s.quarter_spread > kMaxQuarterSpread) {
      p.rejected = "not uniform (its quarters differ by " + fixed(100 * s.quarter_spread, 0) + "%)";
      uneven.push_back(&p);
    }
    if (s.pixels > s.clipped) {
      const Xyz xyz = written.mean_xyz(s.codes);
      const std::array<double, 2> cell = patch_cell(i);
      const double gain = result.model.light_gain(cell[0], cell[1]);
      p.measured = lab_from_xyz({xyz.x / gain, xyz.y / gain, xyz.z / gain}, kD50);
      p.delta_e = ciede2000(p.reference, p.measured);
    }
    if (p.used) {
      p.held_out = chosen.held_out[static_cast<std::size_t>(at - fit_set.index.begin())];
      sum += p.delta_e;
      result.max_delta_e = std::max(result.max_delta_e, p.delta_e);
    }
  }
  result.mean_delta_e = sum / static_cast<double>(fit_set.index.size());
  result.held_out_mean = mean_of(chosen.held_out);
  if (!clipped.empty()) {
    result.warnings.push_back("clipped patches left out of the fit: " + patch_list(clipped) +
                              "; expose less");
  }
  if (!uneven.empty()) {
    result.warnings.push_back("patches not uniform, left out of the fit: " + patch_list(uneven) +
                              " (glare, a shadow, or corners that miss them)");
  }
}

// Warnings about how the chart was shot: too small, unevenly lit, under a strong cast. The
// neutrals (patches 19–24): one exposure gives one ratio of signal to reference Y, and one
// white balance gives one channel balance.
void check_shot(Calibration& result) {
  if (result.chart_share < kMinChartShare) {
    result.warnings.push_back("the chart covers " + fixed(100 * result.chart_share, 1) +
                              "% of the frame (under 5%): its patches are read from few pixels; "
                              "bring it closer");
  }
  double lo = 1e300;
  Rgb grey{};
  int neutrals = 0;
  for (std::size_t i = 18; i < 24; ++i) {
    const PatchCalibration& p = result.patches[i];
    if (!p.used) continue;
    const double y = xyz_from_lab(p.reference, kD50).y;
    lo = std::min(lo, (p.rgb[0] + p.rgb[1] + p.rgb[2]) / y);
    for (std::size_t c = 0; c < 3; ++c) grey[c] += p.rgb[c] / y;
    ++neutrals;
  }
  if (neutrals >= 3 && !(lo > 0)) {
    result.warnings.push_back("a grey patch reads no light: the chart is in shadow or clipped "
                              "to black");
  } else if (result.light_falloff > kMaxLightFalloff) {
    result.warnings.push_back(
        "uneven light: one corner of the chart has " + fixed(100 * result.light_falloff, 0) +
        "% more light than another (fitted over the patches); measurements elsewhere in the "
        "photo see light the chart did not");
  }
  if (neutrals >= 1) {
    const double g_max = std::max({grey[0], grey[1], grey[2]});
    const double g_min = std::min({grey[0], grey[1], grey[2]});
    if (g_max > 0) {
      for (std::size_t c = 0; c < 3; ++c) result.grey_balance[c] = grey[c] / g_max;
    }
    if (g_min <= 0 || g_max / g_min > kStrongCast) {
      result.warnings.push_back(
          "strong colour cast: the grey patches read R:G:B = " + fixed(grey[0] / g_max, 2) + ":" +
          fixed(grey[1] / g_max, 2) + ":" + fixed(grey[2] / g_max, 2) +
          "; the profile corrects it for this light only");
    }
  }
}

std::string profile_description(const Calibration& result, const CalibrateOptions& options) {
  if (!options.description.empty()) return options.description;
  const std::string stem = std::filesystem::path(result.source).filename().string();
  return "smpshade camera profile: " + stem + ", " +
         camera_model_label(result.model) + ", mean dE00 " +
         fixed(result.mean_delta_e, 2);
}

}  // namespace

Calibration calibrate(const Image& image, const std::string& source,
                      const CalibrateOptions& options, const ChartLocator& locate) {
  check_options(options);
  Calibration result;
  result.source = source;
  result.reference = options.reference.name;
  const detail::Linearisation lin = detail::Linearisation::of_image(image.info(), source);
  result.linearisation = lin.description();
  if (!lin.warning().empty()) result.warnings.push_back(lin.warning());

  const std::vector<ChartCorners> candidates =
      chart_candidates(image, source, options, locate, result);
  const std::vector<PatchSample> samples =
      read_chart(image, lin, candidates, source, options, result);
  result.chart_share = quad_area(result.corners) / (double(image.width()) * image.height());
  const UsablePatches fit_set = usable(samples, options.reference);
  detail::HeldOutFit chosen = choose_model(fit_set, options, source, result);
  held_out_as_written(chosen, fit_set, samples, lin, image.info().bits);
  {
    const detail::WrittenProfile written(detail::camera_profile(result.model, lin, ""),
                                         image.info().bits);
    report_patches(samples, fit_set, chosen, options.reference, written, result);
  }
  check_shot(result);
  result.icc = detail::camera_profile(result.model, lin, profile_description(result, options));
  return result;
}

Record calibration_record(const Calibration& c, const std::string& profile_path) {
  Record r(RecordKind::Calibration);
  std::filesystem::path stem = std::filesystem::path(c.source).filename();
  stem.replace_extension();
  r.set("id", (c.source == "-" ? std::string("-") : stem.string()) + "/chart");
  r.set("source", c.source);
  r.set("reference", c.reference);
  r.set("model", camera_model_label(c.model));
  if (!profile_path.empty()) r.set("profile", profile_path);
  r.set("linearisation", c.linearisation);
  r.set("patches_used",
        static_cast<std::int64_t>(std::count_if(c.patches.begin(), c.patches.end(),
                                                [](const PatchCalibration& p) { return p.used; })));
  r.set("mean_de00", c.mean_delta_e);
  r.set("max_de00", c.max_delta_e);
  r.set("held_out_de00", c.held_out_mean);
  for (const auto& [label, mean] : c.held_out_by_model) {
    std::string key = "held_out_" + label;
    std::replace(key.begin(), key.end(), '+', '_');
    r.set(key, mean);
  }
  if (c.model.tone_curves) {
    r.set("tone_gamma", std::vector<double>(c.model.gamma.begin(), c.model.gamma.end()));
    r.set("tone_offset", std::vector<double>(c.model.offset.begin(), c.model.offset.end()));
  }
  if (c.model.illumination_gradient) {
    r.set("gradient", std::vector<double>(c.model.gradient.begin(), c.model.gradient.end()));
  }
  r.set("light_falloff", c.light_falloff);
  r.set("grey_balance",
        std::vector<double>(c.grey_balance.begin(), c.grey_balance.end()));
  std::vector<double> corners;
  for (const ImagePoint& p : c.corners) corners.insert(corners.end(), {p.x, p.y});
  r.set("corners", corners);
  r.set("chart_found", c.chart_found);
  r.set("detection", c.detection);
  r.set("chart_share", c.chart_share);
  r.set("patches", calibration_patch_records(c));
  r.set("warnings", c.warnings);
  return r;
}

Record calibration_patch_table_row(const Record& patch) {
  Record row;
  for (const char* key : {"patch", "name", "reference", "lab", "de00", "held_out_de00"}) {
    if (const FieldValue* value = patch.find(key)) row.set(key, *value);
  }
  const FieldValue* rejected = patch.find("rejected");
  row.set("note", rejected ? *rejected : FieldValue(std::string()));
  return row;
}

std::vector<Record> calibration_patch_records(const Calibration& c) {
  std::vector<Record> records;
  for (const PatchCalibration& p : c.patches) {
    Record r(RecordKind::Patch);
    r.set("patch", p.number);
    r.set("name", p.name);
    r.set("reference", p.reference);
    r.set("lab", p.measured);
    r.set("de00", p.delta_e);
    r.set("held_out_de00", p.held_out ? FieldValue(*p.held_out) : FieldValue());
    r.set("rgb", std::vector<double>{p.rgb[0], p.rgb[1], p.rgb[2]});
    r.set("pixels", static_cast<std::int64_t>(p.pixels));
    r.set("clipped", p.clipped);
    r.set("used", p.used);
    r.set("rejected", p.rejected);
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace smpshade
