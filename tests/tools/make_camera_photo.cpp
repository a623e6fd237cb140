// make_camera_photo: photos from a test camera whose errors are known, for smp-calibrate's and
// smp-measure --chart's accuracy tests (issue 6).
//
// The scene is defined colorimetrically: a ColorChecker Classic 24 at its 2014 reference Lab
// (the chart) and sixteen skin, hair and grey tones (the held-out scene), on a mid-grey wall.
// The camera sees it as a phone does and then lies about it:
//   linear sRGB (Bradford D50 → D65, IEC 61966-2-1 matrix, unclipped)
//   → cross-talk (each channel picks up its neighbours: colours desaturate)
//   → white-balance error (per-channel gains) and exposure, times an optional fall-off of light
//   → sRGB encoding, sensor noise (sd 3 codes), 8 bits, JPEG 4:2:0 at quality 92, no ICC
//     profile.
// Measured as sRGB (what a photo without a profile is taken to be) the scene is off by the
// cross-talk and the white balance; a profile fitted to the chart undoes both.
//
//   make_camera_photo OUT.jpg [--chart yes|no] [--scene yes|no] [--exposure E] [--falloff F]
//                     [--chart-scale S] [--rotate DEG] [--width W] [--height H] [--noise SD]
//                     [--quality Q] [--cast R,G,B] [--seed N]
//
// Prints the truth: "chart x1,y1,x2,y2,x3,y3,x4,y4" (the patch area's corners, clockwise from
// dark skin's), then "patch NAME L a b x,y,w,h" for each scene patch (the inner 60 % of the
// painted square, the region to measure).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "smpshade/calibrate.hpp"
#include "smpshade/colour.hpp"
#include "test_images.hpp"

using namespace smpshade;

namespace {

using Linear = std::array<double, 3>;

struct ScenePatch {
  const char* name;
  Lab lab;
};

// Skin from very light to dark (ITA categories), hair from blond to black, and greys.
const ScenePatch kScene[16] = {
    {"skin-very-light", {78, 6, 14}},
    {"skin-light", {70, 10, 17}},
    {"skin-intermediate", {62, 13, 21}},
    {"skin-tan", {54, 14, 23}},
    {"skin-brown", {44, 14, 20}},
    {"skin-dark", {33, 11, 14}},
    {"hair-blond", {60, 6, 24}},
    {"hair-light-brown", {42, 8, 16}},
    {"hair-brown", {30, 6, 9}},
    {"hair-dark-brown", {22, 4, 5}},
    {"hair-black", {16, 1, 1}},
    {"hair-grey", {58, 0, 3}},
    {"grey-80", {80, 0, 0}},
    {"grey-50", {50, 0, 0}},
    {"grey-30", {30, 0, 0}},
    {"scalp-shaved", {58, 9, 14}},
};

struct Options {
  std::string out;
  bool chart = true, scene = true;
  double exposure = 0.85, falloff = 0, chart_scale = 1, rotate = 0;
  int width = 1600, height = 1200, quality = 92;
  std::array<double, 3> cast{1, 1, 1};  // a coloured light on top of the white-balance error
  double noise = 3.0;  // sensor noise, sd in codes: it dithers JPEG's rounding, as a phone's does
  unsigned seed = 1;
};

Options parse(int argc, char** argv) {
  if (argc < 2) throw std::runtime_error("usage: make_camera_photo OUT.jpg [options]");
  Options o;
  o.out = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--chart")
      o.chart = value == "yes";
    else if (key == "--scene")
      o.scene = value == "yes";
    else if (key == "--exposure")
      o.exposure = std::stod(value);
    else if (key == "--falloff")
      o.falloff = std::stod(value);
    else if (key == "--chart-scale")
      o.chart_scale = std::stod(value);
    else if (key == "--rotate")
      o.rotate = std::stod(value);
    else if (key == "--width")
      o.width = std::stoi(value);
    else if (key == "--height")
      o.height = std::stoi(value);
    else if (key == "--noise")
      o.noise = std::stod(value);
    else if (key == "--cast") {
      if (std::sscanf(value.c_str(), "%lf,%lf,%lf", &o.cast[0], &o.cast[1], &o.cast[2]) != 3)
        throw std::runtime_error("--cast takes R,G,B gains");
    } else if (key == "--quality")
      o.quality = std::stoi(value);
    else if (key == "--seed")
      o.seed = static_cast<unsigned>(std::stoul(value));
    else
      throw std::runtime_error("unknown option " + key);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    // What the camera records of each thing in the scene, at unit exposure (the light, which
    // may fall off across the frame, multiplies it pixel by pixel).
    auto camera = [&](const Lab& lab) { return test::test_camera_rgb(lab, 1.0, o.cast); };
    const ChartReference reference = builtin_chart_reference("colorchecker-2014");
    std::vector<Linear> chart, scene;
    for (const ChartPatch& p : reference.patches) chart.push_back(camera(p.lab));
    for (const ScenePatch& p : kScene) scene.push_back(camera(p.lab));
    const Linear wall = camera({50, 0, 0});
    const Linear card = camera({22, 0, 0});  // the chart's black frame and gaps

    // The chart: patches of 60 px in cells of 70, 10 px gaps, a 20 px frame, at the right.
    const double pitch = 70 * o.chart_scale, patch = 60 * o.chart_scale;
    const double gap = (pitch - patch) / 2, frame = 20 * o.chart_scale;
    const double chart_w = 6 * pitch, chart_h = 4 * pitch;
    const double cx = o.width - chart_w / 2 - 80 * o.chart_scale - frame;
    const double cy = o.height - chart_h / 2 - 80 * o.chart_scale - frame;
    const double angle = o.rotate * 3.14159265358979 / 180;
    const double ca = std::cos(angle), sa = std::sin(angle);
    // Chart coordinates (origin at the patch area's top-left corner) → photo, and back.
    auto to_photo = [&](double u, double v) {
      const double du = u - chart_w / 2, dv = v - chart_h / 2;
      return ImagePoint{cx + ca * du - sa * dv, cy + sa * du + ca * dv};
    };
    auto to_chart = [&](double x, double y) {
      const double dx = x - cx, dy = y - cy;
      return ImagePoint{ca * dx + sa * dy + chart_w / 2, -sa * dx + ca * dy + chart_h / 2};
    };
    // The scene: 4 × 4 squares of 150 px in cells of 180, at the left.
    const int square = 150, cell = 180, scene_x = 60, scene_y = 60;

    std::mt19937 rng(o.seed);
    std::normal_distribution<double> noise(0, o.noise);
    test::Pixels pixels(o.width, o.height, 8);
    for (int y = 0; y < o.height; ++y) {
      for (int x = 0; x < o.width; ++x) {
        Linear c = wall;
        if (o.scene) {
          const int col = (x - scene_x) / cell, row = (y - scene_y) / cell;
          if (x >= scene_x && y >= scene_y && col < 4 && row < 4 && (x - scene_x) % cell < square &&
              (y - scene_y) % cell < square) {
            c = scene[static_cast<std::size_t>(row * 4 + col)];
          }
        }
        if (o.chart) {
          const ImagePoint p = to_chart(x + 0.5, y + 0.5);
          if (p.x >= -frame && p.y >= -frame && p.x < chart_w + frame && p.y < chart_h + frame) {
            c = card;
            const int col = static_cast<int>(std::floor(p.x / pitch));
            const int row = static_cast<int>(std::floor(p.y / pitch));
            const double in_x = p.x - col * pitch, in_y = p.y - row * pitch;
            if (col >= 0 && col < 6 && row >= 0 && row < 4 && in_x >= gap && in_x < gap + patch &&
                in_y >= gap && in_y < gap + patch) {
              c = chart[static_cast<std::size_t>(row * 6 + col)];
            }
          }
        }
        // Light falls off from left to right by `falloff` across the frame.
        const double light = o.exposure * (1 - o.falloff * (x + 0.5) / o.width);
        for (int k = 0; k < 3; ++k) {
          const double code =
              test::encode_srgb(c[static_cast<std::size_t>(k)] * light) * 255 + noise(rng);
          pixels.at(x, y)[k] = static_cast<std::uint16_t>(std::clamp(std::lround(code), 0L, 255L));
        }
      }
    }
    test::WriteOptions write;
    write.quality = o.quality;
    write.make = "smpshade";
    write.model = "test camera";
    test::write_image(o.out, pixels, write);

    if (o.chart) {
      std::printf("chart ");
      const ImagePoint corners[4] = {to_photo(0, 0), to_photo(chart_w, 0),
                                     to_photo(chart_w, chart_h), to_photo(0, chart_h)};
      for (int i = 0; i < 4; ++i) {
        std::printf("%s%.2f,%.2f", i ? "," : "", corners[i].x, corners[i].y);
      }
      std::printf("\n");
    }
    if (o.scene) {
      for (int i = 0; i < 16; ++i) {
        const int x = scene_x + (i % 4) * cell + square / 5,
                  y = scene_y + (i / 4) * cell + square / 5;
        const ScenePatch& p = kScene[i];
        std::printf("patch %s %.2f %.2f %.2f %d,%d,%d,%d\n", p.name, p.lab.l, p.lab.a, p.lab.b, x,
                    y, square * 3 / 5, square * 3 / 5);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "make_camera_photo: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
