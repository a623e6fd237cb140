// HEIF photos (iPhone HEIC): written with libheif's own HEVC encoder (x265) at test time and
// read back through smpshade's decoder, which loads libheif on demand. The references: the
// source pixels (within HEVC's loss), the same pixels as a lossless-ish JPEG with the same EXIF
// orientation decoded by the JPEG path (itself checked against OpenCV), the ICC bytes written,
// and Argyll's Display P3 profile for an nclx box that names P3.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "smpshade/cms.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/error.hpp"
#include "smpshade/image.hpp"
#include "test_images.hpp"

namespace smpshade {
namespace {

using test::Pixels;
using test::WriteOptions;

std::string temp(const std::string& name) { return testing::TempDir() + "/heif_test_" + name; }

// Flat 8 × 8 blocks of colour with a gradient across: any turn or flip shows, and HEVC keeps
// flat blocks close to their values.
Pixels blocks(int width, int height, int bits) {
  Pixels p(width, height, bits);
  const int top = p.top();
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      std::uint16_t* v = p.at(x, y);
      const int bx = x / 8, by = y / 8;
      v[0] = std::uint16_t(top * (bx * 8 + 4) / (width + 8));
      v[1] = std::uint16_t(top * (by * 8 + 4) / (height + 8));
      v[2] = std::uint16_t((bx + by) % 2 ? top / 4 : 3 * top / 4);
    }
  }
  return p;
}

// Mean and largest absolute difference per sample, on the 0..255 scale.
struct Difference {
  double mean = 0, largest = 0;
};
Difference difference(const Image& image, const Pixels& expected) {
  Difference d;
  const double scale = expected.bits == 16 ? 255.0 / 65535.0 : 1.0;
  for (int y = 0; y < expected.height; ++y) {
    for (int x = 0; x < expected.width; ++x) {
      const auto got = image.pixel(x, y);
      for (int c = 0; c < 3; ++c) {
        const double e = std::fabs(double(got[c]) - double(expected.at(x, y)[c])) * scale;
        d.mean += e;
        d.largest = std::max(d.largest, e);
      }
    }
  }
  d.mean /= 3.0 * expected.width * expected.height;
  return d;
}

TEST(Heif, PixelsComeBackWithinHevcLoss) {
  const Pixels pixels = blocks(64, 48, 8);
  for (bool subsample : {false, true}) {
    SCOPED_TRACE(subsample ? "4:2:0" : "4:4:4");
    WriteOptions options;
    options.quality = 95;
    options.subsample = subsample;
    const std::string path = temp(subsample ? "420.heic" : "444.heic");
    test::write_heif(path, pixels, options);
    const Image image = read_image(path);
    EXPECT_EQ(image.info().format, ImageFormat::Heif);
    EXPECT_EQ(image.info().bits, 8);
    EXPECT_EQ(image.info().chroma_sampling, subsample ? "4:2:0" : "4:4:4");
    ASSERT_EQ(image.width(), 64);
    ASSERT_EQ(image.height(), 48);
    const Difference d = difference(image, pixels);
    EXPECT_LT(d.mean, subsample ? 3.0 : 1.5);
    EXPECT_LT(d.largest, subsample ? 40.0 : 12.0);  // block edges of opposite chroma
  }
}

TEST(Heif, TenBitPhotosAreReadAsSixteenBit) {
  const Pixels pixels = blocks(32, 32, 16);
  WriteOptions options;
  options.subsample = false;
  const std::string path = temp("10bit.heic");
  test::write_heif(path, pixels, options);
  const Image image = read_image(path);
  EXPECT_EQ(image.info().bits, 16);
  EXPECT_LT(difference(image, pixels).mean, 1.5);
}

TEST(Heif, OrientationIsAppliedAsForAJpegWithTheSameExifOrientation) {
  const Pixels pixels = blocks(40, 24, 8);
  for (int orientation = 1; orientation <= 8; ++orientation) {
    SCOPED_TRACE(orientation);
    WriteOptions options;
    options.orientation = orientation;
    options.quality = 100;
    options.subsample = false;
    const std::string heif = temp("orient" + std::to_string(orientation) + ".heic");
    const std::string jpeg = temp("orient" + std::to_string(orientation) + ".jpg");
    test::write_heif(heif, pixels, options);
    test::write_jpeg(jpeg, pixels, options);
    const Image from_heif = read_image(heif);
    const Image from_jpeg = read_image(jpeg);
    EXPECT_EQ(from_heif.info().orientation, 1);  // libheif applied it
    ASSERT_EQ(from_heif.width(), from_jpeg.width());
    ASSERT_EQ(from_heif.height(), from_jpeg.height());
    double sum = 0;
    for (int y = 0; y < from_jpeg.height(); ++y) {
      for (int x = 0; x < from_jpeg.width(); ++x) {
        for (int c = 0; c < 3; ++c) {
          sum += std::abs(int(from_heif.pixel(x, y)[c]) - int(from_jpeg.pixel(x, y)[c]));
        }
      }
    }
    EXPECT_LT(sum / (3.0 * 40 * 24), 2.0);
  }
}

TEST(Heif, IccProfileAndCameraAreRead) {
  const std::vector<unsigned char> p3 = test::read_bytes(test::reference_profile("DisplayP3.icm"));
  WriteOptions options;
  options.icc = p3;
  options.make = "Apple";
  options.model = "iPhone 13";
  const std::string path = temp("camera.heic");
  test::write_heif(path, blocks(16, 16, 8), options);
  const auto bytes = test::read_bytes(path);
  const ImageInfo info = read_image_info(bytes.data(), bytes.size(), path);
  EXPECT_EQ(info.format, ImageFormat::Heif);
  EXPECT_EQ(info.icc_profile, p3);
  EXPECT_EQ(info.camera, "Apple iPhone 13");
}

// An nclx box naming Display P3's primaries (H.273 code 12) and sRGB's transfer (13) becomes a
// profile that converts as Argyll's Display P3 profile does.
TEST(Heif, NclxBoxBecomesAnEquivalentProfile) {
  WriteOptions options;
  options.nclx_primaries = 12;
  options.nclx_transfer = 13;
  const std::string path = temp("nclx.heic");
  test::write_heif(path, blocks(16, 16, 8), options);
  const auto bytes = test::read_bytes(path);
  const ImageInfo info = read_image_info(bytes.data(), bytes.size(), path);
  ASSERT_FALSE(info.icc_profile.empty());
  const Profile from_nclx =
      Profile::from_memory(info.icc_profile.data(), info.icc_profile.size(), "nclx");
  EXPECT_EQ(from_nclx.description().rfind("nclx: primaries 12", 0), 0u) << from_nclx.description();
  const Profile argyll = Profile::from_file(test::reference_profile("DisplayP3.icm"));
  const RgbToLab a(from_nclx, SampleType::U8), b(argyll, SampleType::U8);
  const unsigned char rgb[] = {200, 30, 30, 30, 200, 30, 30, 30, 200, 128, 128, 128, 240, 180, 150};
  Lab la[5], lb[5];
  a.convert(rgb, la, 5);
  b.convert(rgb, lb, 5);
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    EXPECT_LT(ciede2000(la[i], lb[i]), 0.5);
  }
}

TEST(Heif, HdrTransferIsRefusedWithAReason) {
  WriteOptions options;
  options.nclx_primaries = 9;
  options.nclx_transfer = 16;  // PQ
  const std::string path = temp("pq.heic");
  test::write_heif(path, blocks(16, 16, 8), options);
  try {
    read_image(path);
    FAIL() << "a PQ HEIF was read";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("HDR HEIF (PQ"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(Heif, BrokenAndOversizedFilesAreRefusedByName) {
  const std::string path = temp("whole.heic");
  test::write_heif(path, blocks(64, 64, 8));
  auto bytes = test::read_bytes(path);
  // Over the pixel limit: refused before decoding.
  try {
    decode_image(bytes.data(), bytes.size(), "big.heic", 1000);
    FAIL() << "over the limit";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("over the limit"), std::string::npos) << e.what();
  }
  // Cut short: an InputError naming the file, at whatever stage libheif notices.
  for (std::size_t keep : {bytes.size() / 2, bytes.size() - 40, std::size_t{40}}) {
    SCOPED_TRACE(keep);
    try {
      decode_image(bytes.data(), keep, "cut.heic");
      FAIL() << "a truncated HEIF was decoded";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("cut.heic"), std::string::npos) << e.what();
    }
  }
  // An ISO media file that is not an image is named as such.
  std::vector<unsigned char> video = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'p', '4', '2',
                                      0, 0, 0, 0,  'i', 's', 'o', 'm', 'm', 'p', '4', '2'};
  try {
    decode_image(video.data(), video.size(), "clip.mp4");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("brand 'mp42'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace smpshade
