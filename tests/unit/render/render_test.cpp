// smp-render's drawing: the sheet's layout, a swatch's pixels through LittleCMS to sRGB, and
// the marking of colours sRGB cannot show.
#include "render.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "smpshade/cms.hpp"

namespace smpshade::render {
namespace {

TargetView target(const std::string& id, const Lab& lab) {
  TargetView t;
  t.id = id;
  t.target = lab;
  return t;
}

const Swatch& find_swatch(const Picture& p, const std::string& id, const std::string& kind) {
  const auto it = std::find_if(p.swatches.begin(), p.swatches.end(),
                               [&](const Swatch& s) { return s.id == id && s.kind == kind; });
  if (it == p.swatches.end()) throw std::runtime_error("no " + kind + " swatch for " + id);
  return *it;
}

std::array<int, 3> pixel(const Picture& p, int x, int y) {
  const std::size_t at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(p.width) +
                          static_cast<std::size_t>(x)) *
                         3;
  return {p.rgb[at], p.rgb[at + 1], p.rgb[at + 2]};
}

bool inside(const Rect& r, const Picture& p) {
  return r.x >= 0 && r.y >= 0 && r.w > 0 && r.h > 0 && r.x + r.w <= p.width &&
         r.y + r.h <= p.height;
}

bool overlap(const Rect& a, const Rect& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

TEST(Render, SheetGrowsWithTargetsAndSwatchesFitApart) {
  const Picture one = render_targets({target("a", {40, 10, 10})}, {});
  const Picture two = render_targets({target("a", {40, 10, 10}), target("b", {60, 5, 15})}, {});
  EXPECT_EQ(one.width, two.width);
  EXPECT_GT(two.height, one.height);
  ASSERT_EQ(two.rgb.size(),
            static_cast<std::size_t>(two.width) * static_cast<std::size_t>(two.height) * 3);
  ASSERT_GE(two.swatches.size(), 2u);
  for (std::size_t i = 0; i < two.swatches.size(); ++i) {
    EXPECT_TRUE(inside(two.swatches[i].rect, two)) << two.swatches[i].id;
    for (std::size_t j = i + 1; j < two.swatches.size(); ++j) {
      EXPECT_FALSE(overlap(two.swatches[i].rect, two.swatches[j].rect))
          << two.swatches[i].id << " " << two.swatches[i].kind << " and " << two.swatches[j].id
          << " " << two.swatches[j].kind;
    }
  }
}

TEST(Render, SwatchPixelIsTheLabInSrgbThroughLittleCms) {
  const Lab lab{52.0, 18.0, 22.0};  // a warm mid-tone, well inside sRGB
  const Picture p = render_targets({target("skin", lab)}, {});
  const Swatch& s = find_swatch(p, "skin", "hair");
  EXPECT_FALSE(s.out_of_gamut);
  const LabToRgb to_srgb(Profile::srgb());
  const LabToRgb::Rgb expected = to_srgb.convert(lab);
  const auto got = pixel(p, s.rect.x + s.rect.w / 2, s.rect.y + s.rect.h / 2);
  EXPECT_NEAR(got[0], expected.r * 255, 0.5 + 1e-9);
  EXPECT_NEAR(got[1], expected.g * 255, 0.5 + 1e-9);
  EXPECT_NEAR(got[2], expected.b * 255, 0.5 + 1e-9);
}

TEST(Render, OutOfGamutIsMarkedWithAHatchedCorner) {
  const Lab outside{50, 90, -110};  // far beyond sRGB's blue-magenta corner
  const Picture p = render_targets({target("vivid", outside), target("grey", {50, 0, 0})}, {});
  const Swatch& vivid = find_swatch(p, "vivid", "hair");
  const Swatch& grey = find_swatch(p, "grey", "hair");
  EXPECT_TRUE(vivid.out_of_gamut);
  EXPECT_FALSE(grey.out_of_gamut);
  // The hatching: black and white pixels in the top-right corner of the marked swatch only.
  auto corner_has_black_and_white = [&](const Rect& r) {
    bool black = false, white = false;
    const int n = std::min(r.w, r.h) / 4;
    for (int dy = 0; dy < n; ++dy) {
      for (int dx = 0; dx < n; ++dx) {
        const auto c = pixel(p, r.x + r.w - n + dx, r.y + dy);
        black = black || (c[0] == 0 && c[1] == 0 && c[2] == 0);
        white = white || (c[0] == 255 && c[1] == 255 && c[2] == 255);
      }
    }
    return black && white;
  };
  EXPECT_TRUE(corner_has_black_and_white(vivid.rect));
  EXPECT_FALSE(corner_has_black_and_white(grey.rect));
}

TEST(Render, ReadsLabTextAndSkipsBadLines) {
  std::istringstream in("a 40 10 10\nb 40 x 10\nc 60 5 15\n");
  int errors = 0;
  const auto targets = read_targets(in, "in.txt", [&](const InputError&) { ++errors; });
  EXPECT_EQ(errors, 1);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].id, "a");
  EXPECT_DOUBLE_EQ(targets[1].target.l, 60);
}

TEST(Render, SwatchRecordCarriesTheLayout) {
  Swatch s{"x", "hair", 0, {40, 1, 2}, {10, 20, 30, 40}, true, std::nullopt};
  const Record r = swatch_record(s);
  ASSERT_NE(r.find("w"), nullptr);
  EXPECT_EQ(std::get<std::int64_t>(*r.find("w")), 30);
  EXPECT_EQ(std::get<bool>(*r.find("out_of_gamut")), true);
}

}  // namespace
}  // namespace smpshade::render
