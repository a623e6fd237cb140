#pragma once
// Test photos written at test time with the image libraries' own writers: JPEG (with APP2 ICC
// profile and APP1 EXIF), PNG (iCCP, sRGB, eXIf) and TIFF (tag 34675, orientation, strips or
// tiles), 8 or 16 bits; and the synthetic scenes the measurement tests paint.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "smpshade/colour.hpp"

namespace smpshade::test {

/// An RGB image in memory: interleaved samples, 0..255 (bits 8) or 0..65535 (bits 16).
struct Pixels {
  int width = 0, height = 0, bits = 8;
  std::vector<std::uint16_t> samples;
  Pixels() = default;
  Pixels(int w, int h, int b) : width(w), height(h), bits(b), samples(std::size_t(w) * h * 3, 0) {}
  std::uint16_t* at(int x, int y) { return samples.data() + (std::size_t(y) * width + x) * 3; }
  const std::uint16_t* at(int x, int y) const {
    return samples.data() + (std::size_t(y) * width + x) * 3;
  }
  int top() const { return bits == 16 ? 65535 : 255; }
};

/// What goes into a file besides the pixels.
struct WriteOptions {
  std::vector<unsigned char> icc;  ///< embedded ICC profile (none when empty)
  int orientation = 0;             ///< EXIF/TIFF orientation (0: no tag)
  std::string make, model;         ///< EXIF/TIFF camera
  int quality = 95;                ///< JPEG
  bool subsample = true;           ///< JPEG 4:2:0 (else 4:4:4)
  bool horizontal_only = false;    ///< with subsample: JPEG 4:2:2 (chroma halved across only)
  bool srgb_chunk = false;         ///< PNG sRGB chunk
  bool tiled = false;              ///< TIFF tiles of 64 × 64
  bool planar = false;             ///< TIFF separate planes
  bool compress = false;           ///< TIFF deflate
  bool interlace = false;          ///< PNG Adam7
  int nclx_primaries = 0;          ///< HEIF nclx box instead of ICC: H.273 primaries (0: none)
  int nclx_transfer = 13;          ///< and transfer characteristics (13: sRGB)
};

void write_jpeg(const std::string& path, const Pixels& pixels, const WriteOptions& options = {});
void write_png(const std::string& path, const Pixels& pixels, const WriteOptions& options = {});
void write_tiff(const std::string& path, const Pixels& pixels, const WriteOptions& options = {});
/// HEIF (HEVC): orientation as irot/imir boxes, quality as x265's, subsample 4:2:0 or 4:4:4.
void write_heif(const std::string& path, const Pixels& pixels, const WriteOptions& options = {});
/// By extension: .jpg/.jpeg, .png, .tif/.tiff, .heic/.heif.
void write_image(const std::string& path, const Pixels& pixels, const WriteOptions& options = {});

/// A PNG whose IHDR claims `width` × `height` but that holds almost no data.
void write_png_claiming(const std::string& path, std::uint32_t width, std::uint32_t height);
/// A PNG with an iCCP chunk whose compressed profile is garbage.
void write_png_with_bad_iccp(const std::string& path);

std::vector<unsigned char> read_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes);

/// The Argyll reference profile `name` (e.g. "DisplayP3.icm"); throws when argyll is missing.
std::string reference_profile(const std::string& name);

/// LittleCMS's transicc on RGB values of `bits` (0..255 or 0..65535) through `profile`
/// (a file, or "*sRGB"): Lab D50, relative colorimetric, as transicc prints it.
std::vector<Lab> transicc_lab(const std::string& profile,
                              const std::vector<std::array<int, 3>>& rgb, int bits);

/// The Lab (D50) of the mean colour in linear light of `pixels` (all of them, or those inside
/// [x0, x1) × [y0, y1)), each pixel converted by transicc: the reference for smp-measure's `lab`.
Lab transicc_mean_lab(const std::string& profile, const Pixels& pixels, int x0 = 0, int y0 = 0,
                      int x1 = -1, int y1 = -1);

/// sRGB's transfer function (IEC 61966-2-1): encoded 0..1 to linear, and linear (clipped to
/// 0..1) to encoded.
double decode_srgb(double encoded);
double encode_srgb(double linear);

/// The test camera of issue 6's accuracy tests (make_camera_photo, calibrate_test): the linear
/// RGB it records for a D50 Lab. Linear sRGB (unclipped), then cross-talk between channels, a
/// white-balance error of 1.12, 1, 0.86, `cast` gains and `exposure`: a matrix times XYZ, which a
/// matrix camera profile can undo.
std::array<double, 3> test_camera_rgb(const Lab& lab, double exposure = 0.85,
                                      const std::array<double, 3>& cast = {1, 1, 1});

/// sRGB codes of a Lab D50 colour (rounded, clipped to the code range).
std::array<int, 3> srgb_codes(const Lab& lab, int bits = 8);
/// The Lab D50 of sRGB codes (LittleCMS's built-in sRGB, through the library).
Lab srgb_lab(const std::array<int, 3>& codes, int bits = 8);

/// A shaved scalp: skin with stubble dots of hair colour and a little shine, in sRGB. Pixel
/// mixing at dot edges and shine is done in linear light. `shine` is the peak share of white
/// added at each highlight's centre; highlight centres and radii are returned in `shine_spots`
/// as (x, y, r) when given.
struct ScalpScene {
  int width = 1200, height = 900;
  std::array<int, 3> skin{196, 150, 128};
  std::array<int, 3> hair{52, 40, 34};
  double dot_radius = 3.5;
  double coverage = 0.2;  ///< share of the area in dots
  double noise = 2.0;     ///< sd of the per-pixel noise in code values
  int shine_spots = 6;
  double shine = 0.6;
  unsigned seed = 7;
};
Pixels paint_scalp(const ScalpScene& scene,
                   std::vector<std::array<double, 3>>* shine_spots = nullptr);

/// A patch of `codes` with noise, and soft highlights toward white painted in; `strength`
/// receives, per pixel, the share of white added (0 outside the highlights).
Pixels paint_highlights(int width, int height, const std::array<int, 3>& codes, double noise,
                        int spots, double peak, unsigned seed, std::vector<double>* strength);

}  // namespace smpshade::test
