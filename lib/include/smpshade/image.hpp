#pragma once
/// @file image.hpp
/// Photos as smp-measure reads them: JPEG, PNG, TIFF and HEIF (HEIC, AVIF), 8 and 16 bits per
/// sample, with their embedded ICC profile (or HEIF's nclx colour box) and orientation. Decoded
/// by libjpeg-turbo, libpng, libtiff and libheif behind the library's wall; none of their types
/// cross this header.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smpshade/export.hpp"

namespace smpshade {

/// The image file formats smpshade reads.
enum class ImageFormat { Jpeg, Png, Tiff, Heif };

/// "JPEG", "PNG", "TIFF" or "HEIF".
SMPSHADE_API std::string_view image_format_name(ImageFormat format);

/// The format announced by a file's first bytes (its magic number), whatever its name says;
/// nothing when they are not those of a JPEG, PNG, TIFF or HEIF file.
SMPSHADE_API std::optional<ImageFormat> sniff_image_format(const void* data, std::size_t size);

/// Photos with more pixels than this (100 megapixels) are refused before decoding.
inline constexpr std::uint64_t kDefaultMaxPixels = 100'000'000;

/// What a photo's header says, known before any pixel is decoded.
struct ImageInfo {
  ImageFormat format = ImageFormat::Jpeg;
  int width = 0;        ///< displayed width: the EXIF/TIFF orientation applied
  int height = 0;       ///< displayed height
  int bits = 8;         ///< bits per decoded sample: 8 or 16
  int orientation = 1;  ///< EXIF/TIFF orientation tag, 1..8 (1: displayed as stored)
  std::vector<unsigned char> icc_profile;  ///< the embedded ICC profile; empty when none
  bool srgb_chunk = false;      ///< a PNG sRGB chunk (and no iCCP): the file declares sRGB
  std::string camera;           ///< EXIF/TIFF Make and Model, "" when the file does not say
  std::string chroma_sampling;  ///< JPEG: "4:4:4", "4:2:2", "4:2:0", ...; "" for PNG and TIFF
};

/// A point of a photo, in displayed pixel coordinates: the image spans [0, width] × [0, height]
/// and pixel (i, j) covers [i, i + 1) × [j, j + 1).
struct ImagePoint {
  double x = 0, y = 0;
};

/// A decoded photo: interleaved R, G, B samples (8 or 16 bits), in displayed orientation.
class SMPSHADE_API Image {
 public:
  Image() = default;
  /// An image of `info`'s size and depth from its rows of interleaved samples, top to bottom.
  Image(ImageInfo info, std::vector<unsigned char> pixels);

  /// What the header said (the size is the displayed size).
  const ImageInfo& info() const { return info_; }
  /// Displayed width and height in pixels.
  int width() const { return info_.width; }
  int height() const { return info_.height; }
  /// Row `y`: 3 × width samples, unsigned char for 8-bit images, std::uint16_t for 16-bit.
  const void* row(int y) const;
  /// The R, G, B samples of pixel (x, y): 0..255 or 0..65535.
  std::array<std::uint16_t, 3> pixel(int x, int y) const;

 private:
  ImageInfo info_;
  std::vector<unsigned char> pixels_;
};

/// Reads a photo's header from memory (no pixel is decoded). Throws InputError naming `name`
/// when the bytes are not a readable JPEG, PNG or TIFF file.
SMPSHADE_API ImageInfo read_image_info(const void* data, std::size_t size, const std::string& name);

/// Decodes a whole photo from memory into displayed orientation. Refuses, before decoding,
/// photos of more than `max_pixels`; throws InputError naming `name` for anything wrong with
/// the file (not an image, truncated, corrupt data, unsupported kind).
SMPSHADE_API Image decode_image(const void* data, std::size_t size, const std::string& name,
                                std::uint64_t max_pixels = kDefaultMaxPixels);

/// Reads and decodes a photo file; "-" is standard input.
SMPSHADE_API Image read_image(const std::string& path,
                              std::uint64_t max_pixels = kDefaultMaxPixels);

/// Every byte of a file, or of standard input for "-". Throws IoError naming the path.
SMPSHADE_API std::vector<unsigned char> read_file_bytes(const std::string& path);

}  // namespace smpshade
