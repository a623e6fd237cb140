// Regions: parsing `--region` specifications, and rasterising them into stored-orientation
// spans. A pixel is inside when its centre is (even-odd rule), so `poly:` and `x,y,w,h` agree
// exactly on the same rectangle.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "core/parse.hpp"
#include "measure/internal.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

namespace {

RegionValue parse_value(std::string_view token, std::string_view region) {
  RegionValue v;
  std::string_view number = detail::trim(token);
  if (!number.empty() && number.back() == '%') {
    v.percent = true;
    number.remove_suffix(1);
  }
  if (detail::parse_number(number, v.value) != detail::NumberStatus::Ok) {
    throw ArgumentError("region " + std::string(region) + ": '" + std::string(token) +
                            "' is not a number (pixels, or a percentage like 40%)",
                        "region");
  }
  return v;
}

std::vector<RegionValue> parse_values(std::string_view list, std::string_view region) {
  std::vector<RegionValue> values;
  for (std::string_view token : detail::split_list(list)) {
    values.push_back(parse_value(token, region));
  }
  return values;
}

}  // namespace

RegionSpec parse_region(std::string_view text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos) {
    throw ArgumentError("region '" + std::string(text) +
                            "': expected NAME=x,y,w,h, NAME=poly:x1,y1,... or NAME=mask:FILE.png",
                        "region");
  }
  RegionSpec spec;
  spec.name = std::string(text.substr(0, equals));
  const std::string_view body = text.substr(equals + 1);
  const bool name_ok =
      !spec.name.empty() && std::all_of(spec.name.begin(), spec.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
      });
  if (!name_ok) {
    throw ArgumentError(
        "region '" + std::string(text) + "': the name must be letters, digits, '_', '-' or '.'",
        "region");
  }
  const std::string& name = spec.name;
  if (body.rfind("mask:", 0) == 0) {
    spec.kind = RegionSpec::Kind::Mask;
    spec.mask_path = std::string(body.substr(5));
    if (spec.mask_path.empty())
      throw ArgumentError("region " + name + ": mask: needs a file", "region");
    return spec;
  }
  if (body.rfind("poly:", 0) == 0) {
    spec.kind = RegionSpec::Kind::Polygon;
    spec.values = parse_values(body.substr(5), name);
    if (spec.values.size() < 6 || spec.values.size() % 2 != 0) {
      throw ArgumentError(
          "region " + name + ": poly: needs at least three x,y points (an even count of numbers)",
          "region");
    }
    return spec;
  }
  spec.kind = RegionSpec::Kind::Rect;
  spec.values = parse_values(body, name);
  if (spec.values.size() != 4) {
    throw ArgumentError("region " + name + ": expected four numbers x,y,w,h, got " +
                            std::to_string(spec.values.size()),
                        "region");
  }
  if (spec.values[2].value <= 0 || spec.values[3].value <= 0) {
    throw ArgumentError("region " + name + ": the width and height must be positive", "region");
  }
  return spec;
}

namespace detail {

Mask load_mask(const std::string& path) {
  const Image image = read_image(path);
  Mask mask;
  mask.width = image.width();
  mask.height = image.height();
  mask.inside.resize(static_cast<std::size_t>(mask.width) * static_cast<std::size_t>(mask.height));
  for (int y = 0; y < mask.height; ++y) {
    for (int x = 0; x < mask.width; ++x) {
      const auto p = image.pixel(x, y);
      mask.inside[static_cast<std::size_t>(y) * static_cast<std::size_t>(mask.width) +
                  static_cast<std::size_t>(x)] = (p[0] | p[1] | p[2]) != 0;
    }
  }
  return mask;
}

namespace {

std::string number_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// Even-odd scanline fill at pixel centres, in stored coordinates, of one or more closed rings
// (a ring inside another is a hole).
RegionPixels rasterise(const std::vector<std::vector<ImagePoint>>& rings, int width, int height) {
  RegionPixels pixels;
  pixels.row_start.reserve(static_cast<std::size_t>(height) + 1);
  std::vector<double> crossings;
  for (int y = 0; y < height; ++y) {
    pixels.row_start.push_back(static_cast<std::uint32_t>(pixels.spans.size()));
    const double yc = y + 0.5;
    crossings.clear();
    for (const std::vector<ImagePoint>& polygon : rings) {
      for (std::size_t i = 0; i < polygon.size(); ++i) {
        const ImagePoint& p = polygon[i];
        const ImagePoint& q = polygon[(i + 1) % polygon.size()];
        if ((p.y <= yc) != (q.y <= yc))
          crossings.push_back(p.x + (yc - p.y) * (q.x - p.x) / (q.y - p.y));
      }
    }
    std::sort(crossings.begin(), crossings.end());
    for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) {
      // Pixel i is inside when crossings[k] <= i + 0.5 < crossings[k + 1].
      const double first = std::ceil(crossings[k] - 0.5);
      const double last = std::ceil(crossings[k + 1] - 0.5);
      const int x0 = static_cast<int>(std::max(first, 0.0));
      const int x1 = static_cast<int>(std::min(last, static_cast<double>(width)));
      if (x1 > x0) {
        pixels.spans.push_back({x0, x1});
        pixels.count += static_cast<std::uint64_t>(x1 - x0);
      }
    }
  }
  pixels.row_start.push_back(static_cast<std::uint32_t>(pixels.spans.size()));
  return pixels;
}

RegionPixels mask_pixels(const Mask& mask, const ImageHeader& header) {
  const int w = header.stored_width, h = header.stored_height;
  const int orientation = header.info.orientation;
  RegionPixels pixels;
  pixels.row_start.reserve(static_cast<std::size_t>(h) + 1);
  for (int y = 0; y < h; ++y) {
    pixels.row_start.push_back(static_cast<std::uint32_t>(pixels.spans.size()));
    int run_start = -1;
    for (int x = 0; x <= w; ++x) {
      bool inside = false;
      if (x < w) {
        int dx = 0, dy = 0;
        displayed_pixel(x, y, orientation, w, h, dx, dy);
        inside = mask.inside[static_cast<std::size_t>(dy) * static_cast<std::size_t>(mask.width) +
                             static_cast<std::size_t>(dx)] != 0;
      }
      if (inside && run_start < 0) run_start = x;
      if (!inside && run_start >= 0) {
        pixels.spans.push_back({run_start, x});
        pixels.count += static_cast<std::uint64_t>(x - run_start);
        run_start = -1;
      }
    }
  }
  pixels.row_start.push_back(static_cast<std::uint32_t>(pixels.spans.size()));
  return pixels;
}

}  // namespace

std::vector<ImagePoint> region_outline(const RegionSpec& region, const ImageInfo& info) {
  auto value = [&](std::size_t i, double extent) {
    const RegionValue& v = region.values[i];
    return v.percent ? v.value / 100.0 * extent : v.value;
  };
  const double width = info.width, height = info.height;
  std::vector<ImagePoint> outline;
  if (region.kind == RegionSpec::Kind::Rect && region.values.size() == 4) {
    const double x = value(0, width), y = value(1, height);
    const double w = value(2, width), h = value(3, height);
    outline = {{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}};
  } else if (region.kind == RegionSpec::Kind::Polygon) {
    for (std::size_t i = 0; i + 1 < region.values.size(); i += 2) {
      outline.push_back({value(i, width), value(i + 1, height)});
    }
  }
  return outline;
}

// Beside the chart (--chart), at least this share of the photo must be left to measure.
constexpr double kMinBesideChart = 0.02;

RegionPixels region_pixels(const RegionSpec& region, const ImageHeader& header, const Mask* mask,
                           const std::string& source, const std::vector<ImagePoint>& hole) {
  const double width = header.info.width, height = header.info.height;
  const std::string size_text =
      std::to_string(header.info.width) + " x " + std::to_string(header.info.height);
  auto fail = [&](const std::string& what) {
    throw InputError("region '" + region.name + "': " + what, Location{source});
  };
  auto value = [&](std::size_t i, double extent) {
    const RegionValue& v = region.values[i];
    return v.percent ? v.value / 100.0 * extent : v.value;
  };
  constexpr double kSlack = 1e-9;  // percentages that add up to 100 must stay inside

  std::vector<ImagePoint> polygon;
  switch (region.kind) {
    case RegionSpec::Kind::Whole:
      polygon = {{0, 0}, {width, 0}, {width, height}, {0, height}};
      break;
    case RegionSpec::Kind::Rect: {
      const double x = value(0, width), y = value(1, height);
      const double w = value(2, width), h = value(3, height);
      if (x < -kSlack || y < -kSlack || x + w > width * (1 + kSlack) ||
          y + h > height * (1 + kSlack)) {
        fail("x,y,w,h = " + number_text(x) + "," + number_text(y) + "," + number_text(w) + "," +
             number_text(h) + " pixels reaches outside the " + size_text + " image");
      }
      polygon = {{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}};
      break;
    }
    case RegionSpec::Kind::Polygon:
      for (std::size_t i = 0; i + 1 < region.values.size(); i += 2) {
        const ImagePoint p{value(i, width), value(i + 1, height)};
        if (p.x < -kSlack || p.y < -kSlack || p.x > width * (1 + kSlack) ||
            p.y > height * (1 + kSlack)) {
          fail("point " + std::to_string(i / 2 + 1) + " (" + number_text(p.x) + ", " +
               number_text(p.y) + ") is outside the " + size_text + " image");
        }
        polygon.push_back(p);
      }
      break;
    case RegionSpec::Kind::Mask: {
      if (!mask) fail("mask not loaded");
      if (mask->width != header.info.width || mask->height != header.info.height) {
        fail("the mask " + region.mask_path + " is " + std::to_string(mask->width) + " x " +
             std::to_string(mask->height) + ", the image " + size_text);
      }
      RegionPixels pixels = mask_pixels(*mask, header);
      if (pixels.count == 0) fail("the mask " + region.mask_path + " has no non-zero pixel");
      return pixels;
    }
  }
  std::vector<std::vector<ImagePoint>> rings{polygon};
  if (region.kind == RegionSpec::Kind::Whole && !hole.empty()) rings.push_back(hole);
  for (std::vector<ImagePoint>& ring : rings) {
    for (ImagePoint& p : ring) {
      p = stored_from_displayed(p, header.info.orientation, header.stored_width,
                                header.stored_height);
    }
  }
  RegionPixels pixels = rasterise(rings, header.stored_width, header.stored_height);
  if (rings.size() > 1) {
    // The whole image less the chart's card (--chart, no region named): a card that leaves
    // under 2% of the photo leaves only its margin, nothing the user photographed to measure.
    const double total = width * height;
    if (static_cast<double>(pixels.count) < kMinBesideChart * total) {
      char share[32];
      std::snprintf(share, sizeof share, "%.1f%%",
                    100.0 * (1.0 - static_cast<double>(pixels.count) / total));
      throw InputError(std::string("the chart fills the photo (its card covers ") + share +
                           " of it): nothing beside the chart is left to measure; name what to "
                           "measure with --region",
                       Location{source});
    }
  }
  if (pixels.count == 0) fail("holds no pixel (no pixel centre lies inside it)");
  return pixels;
}

}  // namespace detail
}  // namespace smpshade
