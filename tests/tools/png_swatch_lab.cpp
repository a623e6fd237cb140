// png_swatch_lab: for smp-render's CLI tests, reads a PNG back and prints, for each flat swatch
// of a --layout file, "KEY L a b" of the swatch's centre pixel converted sRGB -> Lab D50 by
// LittleCMS (KEY is id:kind:rank). With --expected, the Lab the layout says it shows instead;
// with --size, the PNG's "WIDTH HEIGHT"; with --worst, of every pixel 3 pixels inside the swatch's
// edge (borders and anti-aliased edges left out), the one farthest from the Lab it is labelled
// with (smp-report's browser test). Out-of-gamut and simulated-scalp swatches are skipped.
#include <png.h>

#include <array>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "smpshade/cms.hpp"
#include "smpshade/difference.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: png_swatch_lab [--expected|--size] PNG [LAYOUT]\n";
    return 2;
  }
  std::string mode = argv[1];
  int first = 1;
  if (mode == "--expected" || mode == "--size" || mode == "--worst") first = 2;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, argv[first])) {
    std::cerr << "png_swatch_lab: " << argv[first] << ": " << image.message << "\n";
    return 1;
  }
  image.format = PNG_FORMAT_RGB;
  std::vector<unsigned char> rgb(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, rgb.data(), 0, nullptr)) {
    std::cerr << "png_swatch_lab: " << argv[first] << ": " << image.message << "\n";
    return 1;
  }
  if (mode == "--size") {
    std::cout << image.width << " " << image.height << "\n";
    return 0;
  }
  if (argc <= first + 1) return 2;
  const smpshade::Profile srgb = smpshade::Profile::srgb();
  const smpshade::RgbToLab to_lab(srgb, smpshade::SampleType::U8);
  std::ifstream layout(argv[first + 1]);
  std::string line;
  while (std::getline(layout, line)) {
    const auto s = nlohmann::json::parse(line);
    if (s["out_of_gamut"].get<bool>() || s["swatch"] == "scalp") continue;
    const std::string key = s["id"].get<std::string>() + ":" + s["swatch"].get<std::string>() + ":" +
                            std::to_string(s["rank"].get<int>());
    smpshade::Lab lab{s["lab"][0].get<double>(), s["lab"][1].get<double>(),
                      s["lab"][2].get<double>()};
    if (mode == "--worst") {
      const smpshade::Lab expected = lab;
      double worst = -1;
      const int x0 = s["x"].get<int>() + 3, y0 = s["y"].get<int>() + 3;
      const int x1 = s["x"].get<int>() + s["w"].get<int>() - 3;
      const int y1 = s["y"].get<int>() + s["h"].get<int>() - 3;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          if (x < 0 || y < 0 || x >= static_cast<int>(image.width) ||
              y >= static_cast<int>(image.height)) {
            std::cerr << "png_swatch_lab: " << key << " reaches outside the picture\n";
            return 1;
          }
          smpshade::Lab at;
          to_lab.convert(
              rgb.data() +
                  (static_cast<std::size_t>(y) * image.width + static_cast<std::size_t>(x)) * 3,
              &at, 1);
          const double d = smpshade::ciede2000(expected, at);
          if (d > worst) worst = d, lab = at;
        }
      }
      if (worst < 0) {
        std::cerr << "png_swatch_lab: " << key << " is too small to check\n";
        return 1;
      }
    } else if (mode != "--expected") {
      const int x = s["x"].get<int>() + s["w"].get<int>() / 2;
      const int y = s["y"].get<int>() + s["h"].get<int>() / 2;
      const std::size_t at =
          (static_cast<std::size_t>(y) * image.width + static_cast<std::size_t>(x)) * 3;
      to_lab.convert(rgb.data() + at, &lab, 1);
    }
    std::cout << key << " " << lab.l << " " << lab.a << " " << lab.b << "\n";
  }
  return 0;
}
