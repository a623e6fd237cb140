// Decoding photos: pixels against OpenCV's imread (the reference decoder, EXIF orientation
// included), embedded ICC profiles, 16-bit data, and every kind of broken file.
#include "smpshade/image.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <opencv2/imgcodecs.hpp>

#include "smpshade/error.hpp"
#include "test_images.hpp"

namespace smpshade {
namespace {

using test::Pixels;
using test::WriteOptions;

std::string temp(const std::string& name) { return testing::TempDir() + "/image_test_" + name; }

// A picture with structure in both directions, so that any flip or transposition shows.
Pixels gradient(int width, int height, int bits) {
  Pixels p(width, height, bits);
  const int top = p.top() - 1;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      std::uint16_t* v = p.at(x, y);
      v[0] = std::uint16_t(top * x / (width - 1));
      v[1] = std::uint16_t(top * y / (height - 1));
      v[2] = std::uint16_t(((x / 8 + y / 8) % 2) ? top / 3 : 2 * top / 3);
    }
  }
  return p;
}

// Every pixel of `image` against OpenCV's decoding of the same file (BGR order, EXIF applied).
void expect_same_as_opencv(const std::string& path, const Image& image) {
  const cv::Mat reference = cv::imread(path, cv::IMREAD_COLOR | cv::IMREAD_ANYDEPTH);
  ASSERT_FALSE(reference.empty()) << path;
  ASSERT_EQ(reference.cols, image.width());
  ASSERT_EQ(reference.rows, image.height());
  int differences = 0;
  for (int y = 0; y < image.height() && differences < 5; ++y) {
    for (int x = 0; x < image.width() && differences < 5; ++x) {
      const auto p = image.pixel(x, y);
      int bgr[3];
      if (reference.depth() == CV_16U) {
        const auto v = reference.at<cv::Vec3w>(y, x);
        bgr[0] = v[0], bgr[1] = v[1], bgr[2] = v[2];
      } else {
        const auto v = reference.at<cv::Vec3b>(y, x);
        bgr[0] = v[0], bgr[1] = v[1], bgr[2] = v[2];
      }
      if (p[0] != bgr[2] || p[1] != bgr[1] || p[2] != bgr[0]) {
        ADD_FAILURE() << path << " pixel (" << x << ", " << y << "): " << p[0] << " " << p[1] << " "
                      << p[2] << ", OpenCV " << bgr[2] << " " << bgr[1] << " " << bgr[0];
        ++differences;
      }
    }
  }
}

TEST(Image, SniffsFormatsByMagicBytes) {
  EXPECT_EQ(sniff_image_format("\xff\xd8\xff\xe0", 4), ImageFormat::Jpeg);
  EXPECT_EQ(sniff_image_format("\x89PNG\r\n\x1a\n", 8), ImageFormat::Png);
  EXPECT_EQ(sniff_image_format("II*\0", 4), ImageFormat::Tiff);
  EXPECT_EQ(sniff_image_format("MM\0*", 4), ImageFormat::Tiff);
  EXPECT_FALSE(sniff_image_format("GIF89a", 6));
  EXPECT_FALSE(sniff_image_format("\xff\xd8", 2));  // too short to tell
}

TEST(Image, JpegPngAndTiffDecodeLikeOpenCV) {
  const Pixels eight = gradient(97, 61, 8);
  const Pixels sixteen = gradient(97, 61, 16);
  struct Case {
    std::string name;
    const Pixels* pixels;
    WriteOptions options;
  };
  WriteOptions tiled, planar, interlaced, q444;
  tiled.tiled = tiled.compress = true;
  planar.planar = true;
  interlaced.interlace = true;
  q444.subsample = false;
  q444.quality = 100;
  const std::vector<Case> cases = {
      {"a.jpg", &eight, {}},   {"b.jpg", &eight, q444},         {"c.png", &eight, {}},
      {"d.png", &sixteen, {}}, {"e.png", &sixteen, interlaced}, {"f.tif", &eight, {}},
      {"g.tif", &sixteen, {}}, {"h.tif", &sixteen, tiled},      {"i.tif", &eight, planar}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = temp(c.name);
    test::write_image(path, *c.pixels, c.options);
    const Image image = read_image(path);
    EXPECT_EQ(image.info().bits, c.name.find(".jpg") != std::string::npos ? 8 : c.pixels->bits);
    expect_same_as_opencv(path, image);
    if (c.name.find(".jpg") == std::string::npos) {  // lossless: the very samples written
      EXPECT_EQ(image.pixel(96, 60)[0], c.pixels->at(96, 60)[0]);
      EXPECT_EQ(image.pixel(13, 47)[1], c.pixels->at(13, 47)[1]);
    }
  }
}

TEST(Image, ExifOrientationIsAppliedAsOpenCVDoes) {
  const Pixels pixels = gradient(40, 24, 8);
  for (int orientation = 1; orientation <= 8; ++orientation) {
    SCOPED_TRACE(orientation);
    WriteOptions options;
    options.orientation = orientation;
    options.quality = 100;
    options.subsample = false;
    const std::string path = temp("orient" + std::to_string(orientation) + ".jpg");
    test::write_jpeg(path, pixels, options);
    const Image image = read_image(path);
    EXPECT_EQ(image.info().orientation, orientation);
    EXPECT_EQ(image.width(), orientation >= 5 ? 24 : 40);
    expect_same_as_opencv(path, image);
  }
}

TEST(Image, TiffOrientationTurnsThePicture) {
  const Pixels pixels = gradient(30, 20, 16);
  WriteOptions options;
  options.orientation = 6;  // stored rows are displayed as columns, rotated clockwise
  const std::string path = temp("orient6.tif");
  test::write_tiff(path, pixels, options);
  const Image image = read_image(path);
  ASSERT_EQ(image.width(), 20);
  ASSERT_EQ(image.height(), 30);
  // Orientation 6: displayed (x, y) is stored (y, H - 1 - x).
  for (int y = 0; y < 30; y += 7) {
    for (int x = 0; x < 20; x += 3) {
      EXPECT_EQ(image.pixel(x, y)[0], pixels.at(y, 19 - x)[0]);
      EXPECT_EQ(image.pixel(x, y)[1], pixels.at(y, 19 - x)[1]);
    }
  }
}

TEST(Image, EmbeddedProfilesAndCameraAreRead) {
  const std::vector<unsigned char> p3 = test::read_bytes(test::reference_profile("DisplayP3.icm"));
  // A profile over 64 KB spans several APP2 markers; the bytes need not be a valid profile here.
  std::vector<unsigned char> big(150000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<unsigned char>(i * 7 + i / 251);
  const Pixels pixels = gradient(16, 16, 8);
  for (const char* name : {"p.jpg", "p.png", "p.tif"}) {
    SCOPED_TRACE(name);
    WriteOptions options;
    options.icc = p3;
    options.make = "Canon";
    options.model = "Canon EOS R5";
    const std::string path = temp(name);
    test::write_image(path, pixels, options);
    const auto bytes = test::read_bytes(path);
    const ImageInfo info = read_image_info(bytes.data(), bytes.size(), path);
    EXPECT_EQ(info.icc_profile, p3);
    if (std::string(name) != "p.png") {
      EXPECT_EQ(info.camera, "Canon EOS R5");
    }
  }
  WriteOptions options;
  options.icc = big;
  const std::string path = temp("big-icc.jpg");
  test::write_jpeg(path, pixels, options);
  const auto bytes = test::read_bytes(path);
  EXPECT_EQ(read_image_info(bytes.data(), bytes.size(), path).icc_profile, big);
}

TEST(Image, MislabelledFilesAreReadByTheirBytes) {
  const std::string path = temp("really-a-png.jpg");
  test::write_png(path, gradient(8, 8, 8));
  const Image image = read_image(path);
  EXPECT_EQ(image.info().format, ImageFormat::Png);
  EXPECT_EQ(image.pixel(7, 7)[0], 254);
}

// The message of the InputError that decoding `path` throws.
std::string decode_error(const std::string& path, std::uint64_t max_pixels = kDefaultMaxPixels) {
  try {
    read_image(path, max_pixels);
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, path);
    return e.message();
  }
  ADD_FAILURE() << path << " decoded without an error";
  return {};
}

TEST(Image, BrokenFilesAreRefusedWithTheirReason) {
  const Pixels pixels = gradient(64, 48, 8);
  test::write_bytes(temp("empty.jpg"), {});
  EXPECT_EQ(decode_error(temp("empty.jpg")), "empty file (0 bytes): not an image");

  test::write_bytes(temp("text.png"), {'h', 'e', 'l', 'l', 'o', '\n'});
  EXPECT_EQ(decode_error(temp("text.png")), "not a JPEG, PNG, TIFF or HEIF file: text");
  test::write_bytes(temp("anim.jpg"), {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0});
  EXPECT_EQ(decode_error(temp("anim.jpg")), "not a JPEG, PNG, TIFF or HEIF file: a GIF image");

  for (const char* name : {"cut.jpg", "cut.png"}) {
    SCOPED_TRACE(name);
    const std::string whole = temp(std::string("whole-") + name);
    test::write_image(whole, pixels);
    auto bytes = test::read_bytes(whole);
    bytes.resize(bytes.size() / 2);
    test::write_bytes(temp(name), bytes);
    EXPECT_NE(decode_error(temp(name)).find("truncated"), std::string::npos)
        << decode_error(temp(name));
  }
  // Cut inside the header: no size known at all.
  auto bytes = test::read_bytes(temp("whole-cut.jpg"));
  bytes.resize(40);
  test::write_bytes(temp("header.jpg"), bytes);
  EXPECT_NE(decode_error(temp("header.jpg")).find("not a readable JPEG"), std::string::npos);

  // Corrupt entropy-coded data in the middle of a JPEG.
  bytes = test::read_bytes(temp("whole-cut.jpg"));
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] = 0xff;
  test::write_bytes(temp("garbled.jpg"), bytes);
  EXPECT_NE(decode_error(temp("garbled.jpg")).find("corrupt"), std::string::npos);

  // A TIFF keeps its directory at the end: cut, it has none; garbled, its deflate data fails.
  WriteOptions deflate;
  deflate.compress = true;
  test::write_tiff(temp("whole.tif"), pixels, deflate);
  bytes = test::read_bytes(temp("whole.tif"));
  std::vector<unsigned char> cut(bytes.begin(), bytes.begin() + std::ptrdiff_t(bytes.size() / 2));
  test::write_bytes(temp("cut.tif"), cut);
  EXPECT_NE(decode_error(temp("cut.tif")).find("not a readable TIFF"), std::string::npos);
  for (std::size_t i = 200; i < 400 && i < bytes.size(); ++i)
    bytes[i] = static_cast<unsigned char>(i);
  test::write_bytes(temp("garbled.tif"), bytes);
  EXPECT_NE(decode_error(temp("garbled.tif")).find("corrupt or truncated TIFF data"),
            std::string::npos)
      << decode_error(temp("garbled.tif"));

  test::write_png_with_bad_iccp(temp("bad-iccp.png"));
  EXPECT_NE(decode_error(temp("bad-iccp.png")).find("embedded ICC profile is broken"),
            std::string::npos);
}

TEST(Image, HugeClaimedSizesAreRefusedBeforeDecoding) {
  test::write_png_claiming(temp("huge.png"), 100000, 100000);
  const auto start = std::chrono::steady_clock::now();
  const std::string message = decode_error(temp("huge.png"));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(message,
            "the header claims 100000 x 100000 pixels (10000.0 megapixels), over the limit of "
            "100.0 megapixels: refused before decoding");
  EXPECT_LT(seconds, 0.5);  // nothing was allocated or inflated
  // The limit is the caller's: a small photo over a small limit is refused too.
  test::write_jpeg(temp("small.jpg"), gradient(64, 48, 8));
  EXPECT_NE(decode_error(temp("small.jpg"), 1000).find("over the limit of 0.0 megapixels"),
            std::string::npos);
  // Under its claimed size, a PNG with too little data is truncated, and says so.
  test::write_png_claiming(temp("short.png"), 300, 200);
  EXPECT_NE(decode_error(temp("short.png")).find("PNG"), std::string::npos);
}

TEST(Image, MissingFilesAreIoErrors) {
  EXPECT_THROW(read_image(temp("no-such-file.jpg")), IoError);
  EXPECT_THROW(read_image(testing::TempDir()), IoError);  // a directory
}

}  // namespace
}  // namespace smpshade
