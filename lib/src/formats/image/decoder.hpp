#pragma once
// Row-by-row decoding of JPEG, PNG, TIFF and HEIF behind the library's wall. Each format's decoder is
// the format's own library (libjpeg-turbo, libpng, libtiff); their error paths (longjmp for
// libjpeg and libpng, handlers for libtiff) end in InputError naming the file, never in exit().
//
// Rows come in *stored* order; ImageHeader::orientation says how they are displayed. Callers
// that need displayed coordinates map them (see stored_from_displayed below) rather than
// rotating the pixels, which would cost a copy of the whole image.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/large_buffer.hpp"
#include "smpshade/image.hpp"

namespace smpshade::detail {

/// The stored (undisplayed) geometry and everything else the header says.
struct ImageHeader {
  ImageInfo info;        // info.width/height are the displayed size
  int stored_width = 0;  // as the pixels come from the decoder
  int stored_height = 0;
};

/// Decodes one photo in memory, row by row. The bytes must outlive the decoder.
class ImageDecoder {
 public:
  virtual ~ImageDecoder() = default;
  const ImageHeader& header() const { return header_; }
  int bits() const { return header_.info.bits; }
  /// Bytes of one decoded stored row: 3 samples per pixel, 1 or 2 bytes each.
  std::size_t row_bytes() const {
    return static_cast<std::size_t>(header_.stored_width) * 3 * (bits() == 16 ? 2 : 1);
  }
  /// Decodes the next `count` stored rows into `out` (rows `stride` bytes apart): interleaved
  /// RGB, unsigned char or native-endian std::uint16_t. Throws InputError on corrupt or
  /// truncated data.
  virtual void read_rows(unsigned char* out, std::size_t stride, int count) = 0;

 protected:
  ImageHeader header_;
};

/// Opens `data` as the format its magic bytes announce, reads its header (size, bit depth,
/// ICC profile, orientation, camera) and refuses it, before any pixel is decoded, when it has
/// more than `max_pixels`. Throws InputError naming `name`.
std::unique_ptr<ImageDecoder> open_image(const unsigned char* data, std::size_t size,
                                         const std::string& name, std::uint64_t max_pixels);

/// The rows of a photo already decoded whole (decode_image()), served again in its stored order
/// and with its header, so that what is measured from it is what decoding would have given.
/// `image` must outlive the decoder.
std::unique_ptr<ImageDecoder> open_decoded(const Image& image);

// The per-format constructors open_image() dispatches to.
std::unique_ptr<ImageDecoder> open_jpeg(const unsigned char* data, std::size_t size,
                                        const std::string& name, std::uint64_t max_pixels);
std::unique_ptr<ImageDecoder> open_png(const unsigned char* data, std::size_t size,
                                       const std::string& name, std::uint64_t max_pixels);
std::unique_ptr<ImageDecoder> open_tiff(const unsigned char* data, std::size_t size,
                                        const std::string& name, std::uint64_t max_pixels);
std::unique_ptr<ImageDecoder> open_heif(const unsigned char* data, std::size_t size,
                                        const std::string& name, std::uint64_t max_pixels);

/// The planes of a YCbCr JPEG as stored: luma at full resolution, chroma at its own lower
/// resolution, before libjpeg-turbo upsamples and converts them (raw_data_out). Chroma sample
/// (i, j) is the encoder's average over the luma pixels [i·block_w, (i+1)·block_w) ×
/// [j·block_h, (j+1)·block_h), as JPEG encoders downsample (ITU-T T.81 A.1.1; libjpeg's
/// h2v2_downsample), give or take the quantisation.
struct JpegPlanes {
  int width = 0, height = 0;     // luma: the stored image size
  int block_w = 1, block_h = 1;  // luma pixels per chroma sample: 2, 2 for 4:2:0; 2, 1 for 4:2:2
  int chroma_width = 0, chroma_height = 0;
  std::vector<std::uint8_t> y, cb, cr;  // row-major, width or chroma_width samples a row
  // The chroma as the file holds it: per 8 × 8 block of chroma samples (blocks_w across,
  // row-major) its 64 dequantised DCT coefficients in natural order (vertical frequency × 8 +
  // horizontal), and each component's quantisation steps. Quantisation, coarse at high
  // frequencies, is most of what the stored chroma differs from the encoder's averages by.
  int blocks_w = 0, blocks_h = 0;
  std::vector<std::int32_t> cb_coefficients, cr_coefficients;
  std::array<std::uint16_t, 64> cb_steps{}, cr_steps{};
  std::uint8_t luma(int x, int yy) const {
    return y[static_cast<std::size_t>(yy) * static_cast<std::size_t>(width) +
             static_cast<std::size_t>(x)];
  }
  std::size_t chroma_index(int x, int yy) const {
    return static_cast<std::size_t>(yy / block_h) * static_cast<std::size_t>(chroma_width) +
           static_cast<std::size_t>(x / block_w);
  }
};

/// The stored planes of a JPEG whose chroma is subsampled (4:2:0, 4:2:2, 4:4:0, 4:1:1): three
/// YCbCr components, both chroma components sampled alike. Empty (width 0) for any other JPEG.
/// Throws InputError naming `name` as open_jpeg() does.
JpegPlanes read_jpeg_planes(const unsigned char* data, std::size_t size, const std::string& name,
                            std::uint64_t max_pixels);

/// Throws InputError when width × height is over `max_pixels` (or either is not positive).
void check_pixel_limit(std::uint64_t width, std::uint64_t height, std::uint64_t max_pixels,
                       const std::string& name);

/// Throws InputError ("truncated") when a file of `file_bytes` cannot hold what its header
/// claims: `needed_bytes` is the least coded data the claimed pixels take in that format (for
/// deflate, the filtered rows over 1032, deflate's largest ratio). Checked before any buffer
/// for the image is allocated, so that a tiny file claiming a huge image costs nothing.
void check_data_covers_claim(std::uint64_t needed_bytes, std::size_t file_bytes,
                             const std::string& what, const std::string& name);

/// Orientation and camera from an EXIF block (a TIFF structure: "II*\0" or "MM\0*" first).
struct ExifFacts {
  int orientation = 1;
  std::string camera;
};
/// Reads what it can from `data`; a malformed block yields the defaults, never an error
/// (EXIF is advisory, and cameras write odd ones).
ExifFacts parse_exif(const unsigned char* data, std::size_t size);

/// "Make Model" without repeating a make that the model already starts with.
std::string camera_name(std::string make, std::string model);

/// Fills the displayed size from the stored size and orientation.
void set_displayed_size(ImageHeader& header);

/// Where displayed point (x, y) lies in the stored image, for continuous coordinates (the
/// image spans [0, width] × [0, height], pixel i covers [i, i + 1)).
ImagePoint stored_from_displayed(const ImagePoint& displayed, int orientation, int stored_width,
                                 int stored_height);
/// The displayed pixel that stored pixel (x, y) becomes.
void displayed_pixel(int x, int y, int orientation, int stored_width, int stored_height, int& dx,
                     int& dy);

/// read_file_bytes() into memory for a photo's size (core/large_buffer.hpp): the measuring
/// path's copy, whose page faults are a visible part of measuring a large JPEG.
LargeBytes read_file_large(const std::string& path);

}  // namespace smpshade::detail
