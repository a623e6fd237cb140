// Format sniffing, the pixel limit, EXIF facts, orientation, and the public whole-image API.
#include "smpshade/image.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>

#include "core/large_buffer.hpp"
#include "core/parse.hpp"
#include "formats/image/decoder.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

std::string_view image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::Jpeg:
      return "JPEG";
    case ImageFormat::Png:
      return "PNG";
    case ImageFormat::Tiff:
      return "TIFF";
    case ImageFormat::Heif:
      return "HEIF";
  }
  return "?";
}

namespace {

bool starts_with(const unsigned char* data, std::size_t size, const char* magic, std::size_t n) {
  return size >= n && std::memcmp(data, magic, n) == 0;
}

// An ISO base media file's brand (four characters), unprintable bytes as '?'.
std::string printable_brand(const unsigned char* brand) {
  std::string text;
  for (int i = 0; i < 4; ++i) text += brand[i] >= 0x20 && brand[i] < 0x7f ? char(brand[i]) : '?';
  return text;
}

// HEIF's brands (ISO/IEC 23008-12 Annex B; AVIF: AV1 Image File Format §7): an image file,
// where 'mp41' and the like are videos.
bool heif_brand(const unsigned char* brand) {
  static const char* const kBrands[] = {"heic", "heix", "heim", "heis", "hevc", "hevx",
                                        "mif1", "msf1", "avif", "avis"};
  return std::any_of(std::begin(kBrands), std::end(kBrands),
                     [&](const char* b) { return std::memcmp(brand, b, 4) == 0; });
}

// What a file that is not one of ours probably is, so that the message can say so.
std::string what_it_looks_like(const unsigned char* data, std::size_t size) {
  if (starts_with(data, size, "GIF8", 4)) return "a GIF image";
  if (starts_with(data, size, "BM", 2)) return "a BMP image";
  if (size >= 12 && starts_with(data, size, "RIFF", 4) && std::memcmp(data + 8, "WEBP", 4) == 0) {
    return "a WebP image";
  }
  if (size >= 12 && std::memcmp(data + 4, "ftyp", 4) == 0) {
    return "an ISO media file of brand '" + printable_brand(data + 8) + "' (a video?)";
  }
  if (starts_with(data, size, "%PDF", 4)) return "a PDF document";
  const std::size_t n = std::min<std::size_t>(size, 64);
  const bool text = std::all_of(data, data + n, [](unsigned char c) {
    return c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f);
  });
  if (text) return "text";
  std::string hex;
  for (std::size_t i = 0; i < std::min<std::size_t>(size, 4); ++i) {
    char byte[4];
    std::snprintf(byte, sizeof byte, "%s%02x", i ? " " : "", data[i]);
    hex += byte;
  }
  return "unknown data starting " + hex;
}

}  // namespace

std::optional<ImageFormat> sniff_image_format(const void* bytes, std::size_t size) {
  const auto* data = static_cast<const unsigned char*>(bytes);
  if (starts_with(data, size, "\xff\xd8\xff", 3)) return ImageFormat::Jpeg;
  if (starts_with(data, size, "\x89PNG\r\n\x1a\n", 8)) return ImageFormat::Png;
  // Classic TIFF (42) and BigTIFF (43), either byte order.
  if (starts_with(data, size, "II*\0", 4) || starts_with(data, size, "MM\0*", 4) ||
      starts_with(data, size, "II+\0", 4) || starts_with(data, size, "MM\0+", 4)) {
    return ImageFormat::Tiff;
  }
  if (size >= 12 && std::memcmp(data + 4, "ftyp", 4) == 0 && heif_brand(data + 8)) {
    return ImageFormat::Heif;
  }
  return std::nullopt;
}

namespace detail {

void check_pixel_limit(std::uint64_t width, std::uint64_t height, std::uint64_t max_pixels,
                       const std::string& name) {
  if (width == 0 || height == 0) {
    throw InputError("the header gives an empty image (" + std::to_string(width) + " x " +
                         std::to_string(height) + " pixels)",
                     Location{name});
  }
  // width and height come from 32-bit header fields, so the product cannot overflow 64 bits.
  const std::uint64_t pixels = width * height;
  if (pixels > max_pixels) {
    char text[200];
    std::snprintf(text, sizeof text,
                  "the header claims %llu x %llu pixels (%.1f megapixels), over the limit of "
                  "%.1f megapixels: refused before decoding",
                  static_cast<unsigned long long>(width), static_cast<unsigned long long>(height),
                  static_cast<double>(pixels) / 1e6, static_cast<double>(max_pixels) / 1e6);
    throw InputError(text, Location{name});
  }
}

void check_data_covers_claim(std::uint64_t needed_bytes, std::size_t file_bytes,
                             const std::string& what, const std::string& name) {
  if (needed_bytes <= file_bytes) return;
  throw InputError("truncated " + what + ": the pixels its header claims take at least " +
                       std::to_string(needed_bytes) + " bytes of coded data, and the file has " +
                       std::to_string(file_bytes),
                   Location{name});
}

std::unique_ptr<ImageDecoder> open_image(const unsigned char* data, std::size_t size,
                                         const std::string& name, std::uint64_t max_pixels) {
  if (size == 0) throw InputError("empty file (0 bytes): not an image", Location{name});
  const auto format = sniff_image_format(data, size);
  if (!format) {
    throw InputError("not a JPEG, PNG, TIFF or HEIF file: " + what_it_looks_like(data, size),
                     Location{name});
  }
  switch (*format) {
    case ImageFormat::Jpeg:
      return open_jpeg(data, size, name, max_pixels);
    case ImageFormat::Png:
      return open_png(data, size, name, max_pixels);
    case ImageFormat::Tiff:
      return open_tiff(data, size, name, max_pixels);
    case ImageFormat::Heif:
      return open_heif(data, size, name, max_pixels);
  }
  throw InputError("unknown image format", Location{name});
}

namespace {

// A bounds-checked reader of a TIFF structure in either byte order.
class TiffBytes {
 public:
  TiffBytes(const unsigned char* data, std::size_t size) : data_(data), size_(size) {
    little_ = size >= 2 && data[0] == 'I';
  }
  bool has(std::size_t offset, std::size_t n) const {
    return offset <= size_ && n <= size_ - offset;
  }
  std::uint32_t u16(std::size_t o) const {
    return little_ ? data_[o] | data_[o + 1] << 8 : data_[o] << 8 | data_[o + 1];
  }
  std::uint32_t u32(std::size_t o) const {
    return little_ ? u16(o) | u16(o + 2) << 16 : u16(o) << 16 | u16(o + 2);
  }
  std::string ascii(std::size_t offset, std::size_t n) const {
    std::string text(reinterpret_cast<const char*>(data_ + offset), n);
    text.erase(std::find(text.begin(), text.end(), '\0'), text.end());
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
  }

 private:
  const unsigned char* data_;
  std::size_t size_;
  bool little_ = true;
};

}  // namespace

ExifFacts parse_exif(const unsigned char* data, std::size_t size) {
  ExifFacts facts;
  const TiffBytes tiff(data, size);
  if (!tiff.has(0, 8)) return facts;
  if (!(std::memcmp(data, "II", 2) == 0 || std::memcmp(data, "MM", 2) == 0)) return facts;
  if (tiff.u16(2) != 42) return facts;
  const std::size_t ifd = tiff.u32(4);
  if (!tiff.has(ifd, 2)) return facts;
  const std::size_t entries = std::min<std::uint32_t>(tiff.u16(ifd), 1000);
  std::string make, model;
  for (std::size_t i = 0; i < entries; ++i) {
    const std::size_t entry = ifd + 2 + 12 * i;
    if (!tiff.has(entry, 12)) break;
    const std::uint32_t tag = tiff.u16(entry);
    const std::uint32_t type = tiff.u16(entry + 2);
    const std::uint32_t count = tiff.u32(entry + 4);
    if (tag == 0x0112 && type == 3 && count >= 1) {  // Orientation, SHORT
      const std::uint32_t value = tiff.u16(entry + 8);
      if (value >= 1 && value <= 8) facts.orientation = static_cast<int>(value);
    } else if ((tag == 0x010f || tag == 0x0110) && type == 2 && count > 0) {  // Make, Model
      const std::size_t at = count <= 4 ? entry + 8 : tiff.u32(entry + 8);
      if (count <= 256 && tiff.has(at, count))
        (tag == 0x010f ? make : model) = tiff.ascii(at, count);
    }
  }
  facts.camera = camera_name(make, model);
  return facts;
}

std::string camera_name(std::string make, std::string model) {
  make = std::string(trim(make));
  model = std::string(trim(model));
  if (make.empty()) return model;
  if (model.empty()) return make;
  // "Canon" + "Canon EOS R5" reads better as "Canon EOS R5".
  const std::string first_word = make.substr(0, make.find(' '));
  const bool repeats =
      model.size() >= first_word.size() &&
      std::equal(first_word.begin(), first_word.end(), model.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      });
  return repeats ? model : make + " " + model;
}

void set_displayed_size(ImageHeader& header) {
  const bool transposed = header.info.orientation >= 5;
  header.info.width = transposed ? header.stored_height : header.stored_width;
  header.info.height = transposed ? header.stored_width : header.stored_height;
}

// The eight EXIF orientations as OpenCV applies them (ApplyExifOrientation): 2 mirrors
// horizontally, 3 rotates 180°, 4 mirrors vertically, 5 transposes, 6 rotates 90° clockwise,
// 7 transverses, 8 rotates 90° anticlockwise.
ImagePoint stored_from_displayed(const ImagePoint& d, int orientation, int w, int h) {
  switch (orientation) {
    case 2:
      return {w - d.x, d.y};
    case 3:
      return {w - d.x, h - d.y};
    case 4:
      return {d.x, h - d.y};
    case 5:
      return {d.y, d.x};
    case 6:
      return {d.y, h - d.x};
    case 7:
      return {w - d.y, h - d.x};
    case 8:
      return {w - d.y, d.x};
    default:
      return d;
  }
}

void displayed_pixel(int x, int y, int orientation, int w, int h, int& dx, int& dy) {
  switch (orientation) {
    case 2:
      dx = w - 1 - x, dy = y;
      return;
    case 3:
      dx = w - 1 - x, dy = h - 1 - y;
      return;
    case 4:
      dx = x, dy = h - 1 - y;
      return;
    case 5:
      dx = y, dy = x;
      return;
    case 6:
      dx = h - 1 - y, dy = x;
      return;
    case 7:
      dx = h - 1 - y, dy = w - 1 - x;
      return;
    case 8:
      dx = y, dy = w - 1 - x;
      return;
    default:
      dx = x, dy = y;
      return;
  }
}

}  // namespace detail

Image::Image(ImageInfo info, std::vector<unsigned char> pixels)
    : info_(std::move(info)), pixels_(std::move(pixels)) {}

const void* Image::row(int y) const {
  const std::size_t row_bytes = static_cast<std::size_t>(info_.width) * 3 * (info_.bits / 8);
  return pixels_.data() + row_bytes * static_cast<std::size_t>(y);
}

std::array<std::uint16_t, 3> Image::pixel(int x, int y) const {
  const std::size_t i = static_cast<std::size_t>(x) * 3;
  if (info_.bits == 16) {
    const auto* p = static_cast<const std::uint16_t*>(row(y)) + i;
    return {p[0], p[1], p[2]};
  }
  const auto* p = static_cast<const unsigned char*>(row(y)) + i;
  return {p[0], p[1], p[2]};
}

ImageInfo read_image_info(const void* data, std::size_t size, const std::string& name) {
  // Opening reads the header only; the limit is not the question here.
  return detail::open_image(static_cast<const unsigned char*>(data), size, name, UINT64_MAX)
      ->header()
      .info;
}

namespace detail {
namespace {

class DecodedImage : public ImageDecoder {
 public:
  explicit DecodedImage(const Image& image) : image_(image) {
    header_.info = image.info();
    const bool turned = image.info().orientation >= 5;  // a quarter turn: the sides swap
    header_.stored_width = turned ? image.height() : image.width();
    header_.stored_height = turned ? image.width() : image.height();
  }

  void read_rows(unsigned char* out, std::size_t stride, int count) override {
    const std::size_t pixel_bytes = image_.info().bits == 16 ? 6 : 3;
    const int orientation = header_.info.orientation;
    for (int r = 0; r < count; ++r, ++next_row_, out += stride) {
      if (orientation == 1) {
        std::memcpy(out, image_.row(next_row_), row_bytes());
        continue;
      }
      for (int x = 0; x < header_.stored_width; ++x) {
        int dx = 0, dy = 0;
        displayed_pixel(x, next_row_, orientation, header_.stored_width, header_.stored_height, dx,
                        dy);
        std::memcpy(out + pixel_bytes * static_cast<std::size_t>(x),
                    static_cast<const unsigned char*>(image_.row(dy)) +
                        pixel_bytes * static_cast<std::size_t>(dx),
                    pixel_bytes);
      }
    }
  }

 private:
  const Image& image_;
  int next_row_ = 0;
};

}  // namespace

std::unique_ptr<ImageDecoder> open_decoded(const Image& image) {
  return std::make_unique<DecodedImage>(image);
}

}  // namespace detail

Image decode_image(const void* data, std::size_t size, const std::string& name,
                   std::uint64_t max_pixels) {
  auto decoder =
      detail::open_image(static_cast<const unsigned char*>(data), size, name, max_pixels);
  const detail::ImageHeader& header = decoder->header();
  const std::size_t row_bytes = decoder->row_bytes();
  const std::size_t pixel_bytes = row_bytes / static_cast<std::size_t>(header.stored_width);
  std::vector<unsigned char> stored(row_bytes * static_cast<std::size_t>(header.stored_height));
  decoder->read_rows(stored.data(), row_bytes, header.stored_height);
  if (header.info.orientation == 1) return Image(header.info, std::move(stored));

  std::vector<unsigned char> displayed(stored.size());
  const std::size_t displayed_row = pixel_bytes * static_cast<std::size_t>(header.info.width);
  for (int y = 0; y < header.stored_height; ++y) {
    for (int x = 0; x < header.stored_width; ++x) {
      int dx = 0, dy = 0;
      detail::displayed_pixel(x, y, header.info.orientation, header.stored_width,
                              header.stored_height, dx, dy);
      std::memcpy(displayed.data() + displayed_row * static_cast<std::size_t>(dy) +
                      pixel_bytes * static_cast<std::size_t>(dx),
                  stored.data() + row_bytes * static_cast<std::size_t>(y) +
                      pixel_bytes * static_cast<std::size_t>(x),
                  pixel_bytes);
    }
  }
  return Image(header.info, std::move(displayed));
}

Image read_image(const std::string& path, std::uint64_t max_pixels) {
  const std::vector<unsigned char> bytes = read_file_bytes(path);
  return decode_image(bytes.data(), bytes.size(), path, max_pixels);
}

namespace detail {

// A whole file or standard input. A regular file is read straight into a buffer of its size
// (no copy, no zero fill); anything else, or a file that grows while read, in chunks.
template <typename Bytes>
Bytes read_whole_file(const std::string& path) {
  // 2 GiB is far beyond any photo under the pixel limit (100 MP of 16-bit RGB is 600 MB).
  constexpr std::size_t kMaxBytes = std::size_t{2} << 30;
  const bool standard_input = path == "-";
  const int fd = standard_input ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(std::string("cannot open: ") + std::strerror(errno), Location{path});
  struct Closer {
    int fd;
    bool owned;
    ~Closer() {
      if (owned) ::close(fd);
    }
  } closer{fd, !standard_input};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    throw IoError(std::string("cannot read: ") + std::strerror(errno), Location{path});
  }
  if (S_ISDIR(st.st_mode)) throw IoError("is a directory, not a file", Location{path});
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > kMaxBytes) {
    throw IoError("file is over 2 GiB: refused", Location{path});
  }
  Bytes bytes;
  std::size_t used = 0;
  // Room for the whole of a regular file and one byte more, which tells its end without a
  // second read into a chunk.
  std::size_t room = S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) + 1 : 1 << 16;
  for (;;) {
    if (used == bytes.size()) {
      if (used >= kMaxBytes) throw IoError("input is over 2 GiB: refused", Location{path});
      bytes.resize(std::min(kMaxBytes + 1, std::max(room, 2 * used)));
      room = 0;
    }
    const ssize_t n = ::read(fd, bytes.data() + used, bytes.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(std::string("cannot read: ") + std::strerror(errno), Location{path});
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > kMaxBytes) throw IoError("input is over 2 GiB: refused", Location{path});
  bytes.resize(used);
  return bytes;
}

LargeBytes read_file_large(const std::string& path) { return read_whole_file<LargeBytes>(path); }

}  // namespace detail

std::vector<unsigned char> read_file_bytes(const std::string& path) {
  return detail::read_whole_file<std::vector<unsigned char>>(path);
}

}  // namespace smpshade
