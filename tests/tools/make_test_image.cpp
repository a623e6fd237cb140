// make_test_image: the photos smp-measure's CLI tests measure, painted at test time.
//
//   make_test_image patches OUT [--bits 8|16] [--profile ICC] [--orientation N] [--make M]
//       A row of flat patches of skin, hair, grey and saturated colours; prints one line per
//       patch, "NAME X Y W H R G B": the inner square to measure (displayed coordinates) and
//       its codes as decoded (JPEG changes them slightly).
//   make_test_image scalp OUT [--radius R] [--skin R,G,B] [--hair R,G,B] [--quality Q] [--seed N]
//                                   A shaved scalp (sRGB; a JPEG is 4:2:0): prints "hair L a b"
//                                   and "scalp L a b", the painted colours (D50).
//   make_test_image highlights OUT  Skin with painted shine: prints "skin L a b".
//   make_test_image mask OUT W H X Y MW MH
//                                   A W × H mask PNG, non-zero in the rectangle X, Y, MW, MH.
//   make_test_image claim OUT W H   A PNG whose header claims W × H pixels, with no data.
//   make_test_image bad-iccp OUT    A PNG whose iCCP chunk is garbage.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "smpshade/image.hpp"
#include "test_images.hpp"

using namespace smpshade;
using namespace smpshade::test;

namespace {

int usage() {
  std::fprintf(stderr, "usage: make_test_image patches|scalp|highlights|claim|bad-iccp OUT ...\n");
  return 2;
}

int patches(const std::string& out, int argc, char** argv) {
  int bits = 8, orientation = 0;
  WriteOptions options;
  for (int i = 0; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--bits")
      bits = std::atoi(value.c_str());
    else if (key == "--profile")
      options.icc = read_bytes(value);
    else if (key == "--orientation")
      orientation = std::atoi(value.c_str());
    else if (key == "--make")
      options.make = value;
    else
      return usage();
  }
  const std::vector<std::array<int, 3>> codes = {{224, 172, 150}, {196, 150, 128}, {141, 85, 36},
                                                 {60, 40, 30},    {25, 20, 18},    {128, 128, 128},
                                                 {230, 30, 40},   {40, 60, 220}};
  constexpr int kPatch = 48, kGap = 8, kInset = 8;
  Pixels p(int(codes.size()) * (kPatch + kGap) + kGap, kPatch + 2 * kGap, bits);
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      std::uint16_t* v = p.at(x, y);
      v[0] = v[1] = v[2] = std::uint16_t(p.top() / 2);
      const int i = (x - kGap) / (kPatch + kGap);
      const bool inside =
          x >= kGap && (x - kGap) % (kPatch + kGap) < kPatch && y >= kGap && y < kGap + kPatch;
      if (!inside) continue;
      for (int c = 0; c < 3; ++c) {
        const int code = codes[std::size_t(i)][std::size_t(c)];
        v[c] = std::uint16_t(bits == 16 ? code * 257 + 41 * c + 17 : code);
      }
    }
  }
  // Orientation: the file stores the picture turned so that, displayed, it is the one above.
  Pixels stored = p;
  options.orientation = orientation;
  if (orientation == 6) {
    stored = Pixels(p.height, p.width, bits);
    for (int y = 0; y < stored.height; ++y) {
      for (int x = 0; x < stored.width; ++x) {
        const std::uint16_t* from = p.at(stored.height - 1 - y, x);
        std::copy(from, from + 3, stored.at(x, y));
      }
    }
  } else if (orientation != 0 && orientation != 1) {
    std::fprintf(stderr, "make_test_image: only orientation 1 and 6 are painted\n");
    return 2;
  }
  options.quality = 100;
  options.subsample = false;  // flat 8 × 8 blocks then decode to one value each
  write_image(out, stored, options);
  const Image decoded = read_image(out);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const int x = kGap + int(i) * (kPatch + kGap) + kInset, y = kGap + kInset;
    const auto v = decoded.pixel(x + kPatch / 2 - kInset, y + kPatch / 2 - kInset);
    std::printf("p%zu %d %d %d %d %d %d %d\n", i, x, y, kPatch - 2 * kInset, kPatch - 2 * kInset,
                v[0], v[1], v[2]);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  const std::string kind = argv[1], out = argv[2];
  try {
    if (kind == "patches") return patches(out, argc - 3, argv + 3);
    if (kind == "scalp") {
      // scalp OUT [--radius R] [--skin R,G,B] [--hair R,G,B] [--quality Q] [--seed N]
      ScalpScene scene;
      WriteOptions write;
      auto codes = [](const std::string& text) {
        std::array<int, 3> c{};
        if (std::sscanf(text.c_str(), "%d,%d,%d", &c[0], &c[1], &c[2]) != 3)
          throw std::runtime_error("bad R,G,B: " + text);
        return c;
      };
      for (int i = 3; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        if (key == "--radius")
          scene.dot_radius = std::stod(value);
        else if (key == "--skin")
          scene.skin = codes(value);
        else if (key == "--hair")
          scene.hair = codes(value);
        else if (key == "--quality")
          write.quality = std::stoi(value);
        else if (key == "--seed")
          scene.seed = static_cast<unsigned>(std::stoul(value));
        else
          return usage();
      }
      write_image(out, paint_scalp(scene), write);
      const Lab hair = srgb_lab(scene.hair), skin = srgb_lab(scene.skin);
      std::printf("hair %.4f %.4f %.4f\nscalp %.4f %.4f %.4f\n", hair.l, hair.a, hair.b, skin.l,
                  skin.a, skin.b);
      return 0;
    }
    if (kind == "highlights") {
      const std::array<int, 3> skin{196, 150, 128};
      write_image(out, paint_highlights(480, 360, skin, 1.5, 10, 0.7, 3, nullptr));
      const Lab lab = srgb_lab(skin);
      std::printf("skin %.4f %.4f %.4f\n", lab.l, lab.a, lab.b);
      return 0;
    }
    if (kind == "mask" && argc == 9) {
      const int w = std::atoi(argv[3]), h = std::atoi(argv[4]);
      const int x0 = std::atoi(argv[5]), y0 = std::atoi(argv[6]);
      const int x1 = x0 + std::atoi(argv[7]), y1 = y0 + std::atoi(argv[8]);
      Pixels mask(w, h, 8);
      for (int y = y0; y < y1 && y < h; ++y) {
        for (int x = x0; x < x1 && x < w; ++x) mask.at(x, y)[0] = 255;
      }
      write_png(out, mask);
      return 0;
    }
    if (kind == "claim" && argc == 5) {
      write_png_claiming(out, std::uint32_t(std::atol(argv[3])), std::uint32_t(std::atol(argv[4])));
      return 0;
    }
    if (kind == "bad-iccp") {
      write_png_with_bad_iccp(out);
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_test_image: %s\n", e.what());
    return 1;
  }
  return usage();
}
