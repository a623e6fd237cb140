#include "smpshade/cms.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "smpshade/error.hpp"
#include "test_images.hpp"

namespace smpshade {
namespace {

TEST(Cms, SrgbToLabAgreesWithTransicc) {
  const std::vector<std::array<int, 3>> rgb = {
      {0, 0, 0},    {255, 255, 255}, {128, 128, 128}, {255, 0, 0},   {0, 255, 0},
      {0, 0, 255},  {128, 51, 204},  {224, 172, 150}, {141, 85, 36}, {60, 40, 30},
      {25, 20, 18}, {198, 134, 66},  {1, 2, 3},       {250, 5, 128}, {37, 99, 170}};
  const auto expected = test::transicc_lab("*sRGB", rgb, 8);
  ASSERT_EQ(expected.size(), rgb.size()) << "transicc (liblcms2-utils) did not answer";

  std::vector<unsigned char> pixels;
  for (const auto& p : rgb) pixels.insert(pixels.end(), p.begin(), p.end());
  std::vector<Lab> lab(rgb.size());
  RgbToLab(Profile::srgb(), SampleType::U8).convert(pixels.data(), lab.data(), rgb.size());
  for (std::size_t i = 0; i < rgb.size(); ++i) {
    // transicc prints 4 decimals.
    EXPECT_NEAR(lab[i].l, expected[i].l, 0.01) << i;
    EXPECT_NEAR(lab[i].a, expected[i].a, 0.01) << i;
    EXPECT_NEAR(lab[i].b, expected[i].b, 0.01) << i;
  }
}

TEST(Cms, SixteenBitAndFloatAgreeWithEightBit) {
  const unsigned char rgb8[3] = {224, 172, 150};
  const std::uint16_t rgb16[3] = {224 * 257, 172 * 257, 150 * 257};
  const float rgbf[3] = {224 / 255.0f, 172 / 255.0f, 150 / 255.0f};
  const Profile srgb = Profile::srgb();
  Lab a, b, c;
  RgbToLab(srgb, SampleType::U8).convert(rgb8, &a, 1);
  RgbToLab(srgb, SampleType::U16).convert(rgb16, &b, 1);
  RgbToLab(srgb, SampleType::F32).convert(rgbf, &c, 1);
  EXPECT_NEAR(a.l, b.l, 1e-3);
  EXPECT_NEAR(a.a, c.a, 1e-3);
  EXPECT_NEAR(a.b, c.b, 1e-3);
}

TEST(Cms, LabToRgbRoundTripsAndShowsOutOfGamut) {
  const Profile srgb = Profile::srgb();
  const LabToRgb to_rgb(srgb);
  const LabToRgb::Rgb grey = to_rgb.convert({53.585, 0, 0});  // sRGB 0.5 grey (L* 53.585)
  EXPECT_NEAR(grey.r, 0.5, 2e-3);
  EXPECT_NEAR(grey.g, 0.5, 2e-3);
  EXPECT_NEAR(grey.b, 0.5, 2e-3);
  const LabToRgb::Rgb cyan = to_rgb.convert({90, -80, -20});  // outside sRGB
  EXPECT_LT(std::min({cyan.r, cyan.g, cyan.b}), 0.0);
}

TEST(Cms, ProfileFromReferenceFileHasDescription) {
  const std::string path = "/usr/share/color/argyll/ref/sRGB.icm";
  if (!std::ifstream(path)) GTEST_FAIL() << path << " missing: install the 'argyll' package";
  const Profile p = Profile::from_file(path);
  EXPECT_TRUE(p.is_rgb());
  EXPECT_NE(p.description(), "");
}

TEST(Cms, BrokenProfilesThrowNamingTheirOrigin) {
  const std::string garbage = "this is not an ICC profile at all, just some bytes";
  try {
    Profile::from_memory(garbage.data(), garbage.size(), "photo.jpg (embedded)");
    FAIL() << "garbage accepted as a profile";
  } catch (const ColourManagementError& e) {
    EXPECT_EQ(e.where().file, "photo.jpg (embedded)");
  }
  EXPECT_THROW(Profile::from_file("/nonexistent/profile.icc"), ColourManagementError);
}

}  // namespace
}  // namespace smpshade
