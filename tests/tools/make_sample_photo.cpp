// make_sample_photo: paints a consultation photo for data/samples (scripts/make-samples): a
// shaved scalp of a stated skin colour with stubble dots of a stated hair colour and a little
// shine, a ColorChecker Classic 24 held in the lower right of the frame (its 2014 reference
// Lab), seen by a simulated phone camera: a white-balance error (per-channel gains in linear
// light), exposure, sensor noise, sRGB encoding, JPEG 4:2:0.
//
//   make_sample_photo OUT.jpg SKIN_L,a,b HAIR_L,a,b WB_R,G,B SEED [CHART.csv]
//
// Prints what was painted ("skin L a b", "hair L a b", "scalp-area x y w h", "chart x y w h").
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "smpshade/cms.hpp"
#include "test_images.hpp"

using namespace smpshade;

namespace {

constexpr int kWidth = 800, kHeight = 600;
// The chart: 6 × 4 patches of 34 px with 6 px black gaps, in the lower right.
constexpr int kPatch = 34, kGap = 6, kChartX = 540, kChartY = 420;
constexpr int kChartW = 6 * (kPatch + kGap) + kGap, kChartH = 4 * (kPatch + kGap) + kGap;

Lab parse_lab(const std::string& text) {
  Lab lab;
  char c1 = 0, c2 = 0;
  std::istringstream in(text);
  if (!(in >> lab.l >> c1 >> lab.a >> c2 >> lab.b)) throw std::runtime_error("bad L,a,b: " + text);
  return lab;
}

using Linear = std::array<double, 3>;

Linear linear_of(const LabToRgb& to_rgb, const Lab& lab) {
  const LabToRgb::Rgb rgb = to_rgb.convert(lab);
  return {test::decode_srgb(std::clamp(rgb.r, 0.0, 1.0)),
          test::decode_srgb(std::clamp(rgb.g, 0.0, 1.0)),
          test::decode_srgb(std::clamp(rgb.b, 0.0, 1.0))};
}

std::vector<Lab> chart_labs(const std::string& csv) {
  std::ifstream in(csv);
  std::vector<Lab> labs;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("patch", 0) == 0) continue;
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string s; std::getline(fields, s, ',');) f.push_back(s);
    if (f.size() >= 5) labs.push_back({std::stod(f[2]), std::stod(f[3]), std::stod(f[4])});
  }
  if (labs.size() != 24) throw std::runtime_error(csv + ": expected 24 patches");
  return labs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: make_sample_photo OUT.jpg SKIN_L,a,b HAIR_L,a,b WB_R,G,B SEED "
                 "[CHART.csv]\n";
    return 2;
  }
  try {
    const Lab skin = parse_lab(argv[2]), hair = parse_lab(argv[3]);
    const Lab wb_lab = parse_lab(argv[4]);  // three numbers, read as R,G,B gains
    const std::array<double, 3> gains{wb_lab.l, wb_lab.a, wb_lab.b};
    const unsigned seed = static_cast<unsigned>(std::stoul(argv[5]));
    const std::string csv = argc > 6 ? argv[6] : "data/colorchecker24_2014.csv";
    const Profile srgb = Profile::srgb();
    const LabToRgb to_rgb(srgb);
    const Linear skin_rgb = linear_of(to_rgb, skin), hair_rgb = linear_of(to_rgb, hair);
    std::vector<Linear> chart;
    for (const Lab& lab : chart_labs(csv)) chart.push_back(linear_of(to_rgb, lab));

    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> ux(0, kWidth), uy(0, kHeight), unit(0, 1);
    std::normal_distribution<double> noise(0, 1.2);
    // Stubble: discs of radius ~2.5 px over a fifth of the area, edges mixed in linear light.
    std::vector<float> cover(static_cast<std::size_t>(kWidth) * kHeight, 0.0f);
    const double radius = 2.5;
    const int dots =
        static_cast<int>(0.2 * kWidth * kHeight / (3.14159265 * radius * radius) * 1.15);
    for (int d = 0; d < dots; ++d) {
      const double cx = ux(rng), cy = uy(rng);
      for (int y = std::max(0, static_cast<int>(cy) - 4);
           y <= std::min(kHeight - 1, static_cast<int>(cy) + 4); ++y)
        for (int x = std::max(0, static_cast<int>(cx) - 4);
             x <= std::min(kWidth - 1, static_cast<int>(cx) + 4); ++x) {
          const double c =
              std::clamp(radius + 0.5 - std::hypot(x + 0.5 - cx, y + 0.5 - cy), 0.0, 1.0);
          float& h = cover[static_cast<std::size_t>(y) * kWidth + static_cast<std::size_t>(x)];
          h = std::max(h, static_cast<float>(c));
        }
    }
    // Mild shine: a few soft spots toward white (the light's colour), peak 40 %.
    std::vector<std::array<double, 3>> shine;
    for (int k = 0; k < 5; ++k)
      shine.push_back({ux(rng) * 0.6, uy(rng) * 0.6, 10 + 12 * unit(rng)});

    test::Pixels p(kWidth, kHeight, 8);
    for (int y = 0; y < kHeight; ++y) {
      for (int x = 0; x < kWidth; ++x) {
        Linear c;
        const int cx = x - kChartX, cy = y - kChartY;
        if (cx >= 0 && cy >= 0 && cx < kChartW && cy < kChartH) {
          const int col = (cx - kGap) / (kPatch + kGap), row = (cy - kGap) / (kPatch + kGap);
          const bool in_patch = cx >= kGap && cy >= kGap &&
                                (cx - kGap) % (kPatch + kGap) < kPatch &&
                                (cy - kGap) % (kPatch + kGap) < kPatch;
          c = in_patch ? chart[static_cast<std::size_t>(row * 6 + col)] : Linear{0.01, 0.01, 0.01};
        } else {
          const double h =
              cover[static_cast<std::size_t>(y) * kWidth + static_cast<std::size_t>(x)];
          double white = 0;
          for (const auto& s : shine) {
            const double d2 = (x - s[0]) * (x - s[0]) + (y - s[1]) * (y - s[1]);
            white = std::max(white, 0.4 * std::exp(-d2 / (2 * s[2] * s[2])));
          }
          for (int k = 0; k < 3; ++k) {
            const double mix = (1 - h) * skin_rgb[static_cast<std::size_t>(k)] +
                               h * hair_rgb[static_cast<std::size_t>(k)];
            c[static_cast<std::size_t>(k)] = (1 - white) * mix + white;
          }
        }
        for (int k = 0; k < 3; ++k) {
          const double v = test::encode_srgb(c[static_cast<std::size_t>(k)] *
                                             gains[static_cast<std::size_t>(k)]) *
                               255 +
                           noise(rng);
          p.at(x, y)[k] = static_cast<std::uint16_t>(std::clamp(std::lround(v), 0L, 255L));
        }
      }
    }
    test::WriteOptions options;
    options.quality = 75;
    options.make = "smpshade";
    options.model = "simulated phone";
    test::write_jpeg(argv[1], p, options);
    std::printf("skin %.2f %.2f %.2f\nhair %.2f %.2f %.2f\n", skin.l, skin.a, skin.b, hair.l,
                hair.a, hair.b);
    std::printf("scalp-area 0 0 %d %d\nchart %d %d %d %d\n", kChartX, kHeight, kChartX, kChartY,
                kChartW, kChartH);
  } catch (const std::exception& e) {
    std::cerr << "make_sample_photo: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
