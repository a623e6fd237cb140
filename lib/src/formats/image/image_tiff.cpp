// TIFF through libtiff (loaded on the first TIFF photo): header, ICC profile (tag 34675, TIFFTAG_ICCPROFILE), orientation,
// Make/Model, and rows as 8- or 16-bit RGB. libtiff returns error codes rather than jumping,
// and its messages reach us through per-file handlers (TIFFOpenOptions, libtiff 4.5), so
// concurrent files never mix their messages and nothing is printed behind our back.
#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <vector>

#include "formats/image/decoder.hpp"
#include "formats/image/loaded_library.hpp"
#include "smpshade/error.hpp"

namespace smpshade::detail {

namespace {

// The libtiff functions we call, from the library loaded on the first TIFF photo
// (loaded_library.hpp: linking libtiff mapped seven libraries into every tool's start).
struct TiffApi {
  decltype(&TIFFClientOpenExt) ClientOpenExt = nullptr;
  decltype(&TIFFClose) Close = nullptr;
  decltype(&TIFFComputeStrip) ComputeStrip = nullptr;
  decltype(&TIFFGetFieldDefaulted) GetFieldDefaulted = nullptr;
  decltype(&TIFFGetField) GetField = nullptr;
  decltype(&TIFFIsTiled) IsTiled = nullptr;
  decltype(&TIFFOpenOptionsAlloc) OpenOptionsAlloc = nullptr;
  decltype(&TIFFOpenOptionsFree) OpenOptionsFree = nullptr;
  decltype(&TIFFOpenOptionsSetErrorHandlerExtR) OpenOptionsSetErrorHandlerExtR = nullptr;
  decltype(&TIFFOpenOptionsSetMaxSingleMemAlloc) OpenOptionsSetMaxSingleMemAlloc = nullptr;
  decltype(&TIFFOpenOptionsSetWarningHandlerExtR) OpenOptionsSetWarningHandlerExtR = nullptr;
  decltype(&TIFFReadEncodedStrip) ReadEncodedStrip = nullptr;
  decltype(&TIFFReadScanline) ReadScanline = nullptr;
  decltype(&TIFFReadTile) ReadTile = nullptr;
  decltype(&TIFFScanlineSize) ScanlineSize = nullptr;
  decltype(&TIFFSetField) SetField = nullptr;
  decltype(&TIFFTileSize) TileSize = nullptr;
  std::string problem;  // why libtiff cannot be used; empty when it can
};

const TiffApi& tiff() {
  static const TiffApi api = [] {
    TiffApi loaded;
    static LoadedLibrary library("libtiff.so.6", "libtiff6");
    library.bind(loaded.ClientOpenExt, "TIFFClientOpenExt");
    library.bind(loaded.Close, "TIFFClose");
    library.bind(loaded.ComputeStrip, "TIFFComputeStrip");
    library.bind(loaded.GetFieldDefaulted, "TIFFGetFieldDefaulted");
    library.bind(loaded.GetField, "TIFFGetField");
    library.bind(loaded.IsTiled, "TIFFIsTiled");
    library.bind(loaded.OpenOptionsAlloc, "TIFFOpenOptionsAlloc");
    library.bind(loaded.OpenOptionsFree, "TIFFOpenOptionsFree");
    library.bind(loaded.OpenOptionsSetErrorHandlerExtR, "TIFFOpenOptionsSetErrorHandlerExtR");
    library.bind(loaded.OpenOptionsSetMaxSingleMemAlloc, "TIFFOpenOptionsSetMaxSingleMemAlloc");
    library.bind(loaded.OpenOptionsSetWarningHandlerExtR, "TIFFOpenOptionsSetWarningHandlerExtR");
    library.bind(loaded.ReadEncodedStrip, "TIFFReadEncodedStrip");
    library.bind(loaded.ReadScanline, "TIFFReadScanline");
    library.bind(loaded.ReadTile, "TIFFReadTile");
    library.bind(loaded.ScanlineSize, "TIFFScanlineSize");
    library.bind(loaded.SetField, "TIFFSetField");
    library.bind(loaded.TileSize, "TIFFTileSize");
    loaded.problem = library.problem();
    return loaded;
  }();
  return api;
}

struct TiffSource {
  const unsigned char* data = nullptr;
  std::size_t size = 0;
  std::size_t offset = 0;
  std::string error;
  std::string icc_problem;  // libtiff drops an ICC tag it cannot read with a warning; we refuse
};

TiffSource& source_of(thandle_t handle) { return *static_cast<TiffSource*>(handle); }

tmsize_t read_bytes(thandle_t handle, void* out, tmsize_t n) {
  TiffSource& s = source_of(handle);
  if (n <= 0 || s.offset >= s.size) return 0;
  const std::size_t count = std::min(static_cast<std::size_t>(n), s.size - s.offset);
  std::memcpy(out, s.data + s.offset, count);
  s.offset += count;
  return static_cast<tmsize_t>(count);
}
tmsize_t write_bytes(thandle_t, void*, tmsize_t) { return 0; }
toff_t seek(thandle_t handle, toff_t offset, int whence) {
  TiffSource& s = source_of(handle);
  const toff_t base = whence == SEEK_CUR ? s.offset : whence == SEEK_END ? s.size : 0;
  s.offset = static_cast<std::size_t>(base + offset);
  return s.offset;
}
int close_source(thandle_t) { return 0; }
toff_t source_size(thandle_t handle) { return source_of(handle).size; }
// Mapping lets libtiff read strips in place instead of copying them.
int map_source(thandle_t handle, void** base, toff_t* size) {
  TiffSource& s = source_of(handle);
  *base = const_cast<unsigned char*>(s.data);
  *size = s.size;
  return 1;
}
void unmap_source(thandle_t, void*, toff_t) {}

int on_error(TIFF*, void* user, const char* module, const char* format, va_list args) {
  char text[512];
  std::vsnprintf(text, sizeof text, format, args);
  auto& source = *static_cast<TiffSource*>(user);
  if (source.error.empty())
    source.error = (module && *module ? std::string(module) + ": " : "") + text;
  return 1;  // handled: libtiff's global handler (stderr) is not called
}
int on_warning(TIFF*, void* user, const char* module, const char* format, va_list args) {
  char text[512];
  std::vsnprintf(text, sizeof text, format, args);
  auto& source = *static_cast<TiffSource*>(user);
  const std::string message = (module && *module ? std::string(module) + ": " : "") + text;
  if (source.icc_problem.empty() && (message.find("ICC") != std::string::npos ||
                                     message.find("34675") != std::string::npos)) {
    source.icc_problem = message;
  }
  return 1;
}

// The open TIFF, closed by its own destructor so that a constructor that throws half way still
// closes it.
struct TiffHandle {
  TIFF* tif = nullptr;
  TiffHandle() = default;
  TiffHandle(const TiffHandle&) = delete;
  TiffHandle& operator=(const TiffHandle&) = delete;
  ~TiffHandle() {
    if (tif) tiff().Close(tif);
  }
};

class TiffDecoder final : public ImageDecoder {
 public:
  TiffDecoder(const unsigned char* data, std::size_t size, const std::string& name,
              std::uint64_t max_pixels)
      : name_(name), tif_(handle_.tif) {
    if (!tiff().problem.empty()) {
      throw InputError("cannot read TIFF photos here: " + tiff().problem, Location{name_});
    }
    source_.data = data;
    source_.size = size;
    TIFFOpenOptions* options = tiff().OpenOptionsAlloc();
    if (!options) throw InputError("cannot start libtiff", Location{name_});
    tiff().OpenOptionsSetErrorHandlerExtR(options, on_error, &source_);
    tiff().OpenOptionsSetWarningHandlerExtR(options, on_warning, &source_);
    // A forged strip size must not make libtiff allocate gigabytes.
    tiff().OpenOptionsSetMaxSingleMemAlloc(options, tmsize_t{1} << 30);
    tif_ = tiff().ClientOpenExt(name_.c_str(), "r", &source_, read_bytes, write_bytes, seek,
                             close_source, source_size, map_source, unmap_source, options);
    tiff().OpenOptionsFree(options);
    if (!tif_) throw_error("not a readable TIFF: ");

    std::uint32_t width = 0, height = 0;
    tiff().GetField(tif_, TIFFTAG_IMAGEWIDTH, &width);
    tiff().GetField(tif_, TIFFTAG_IMAGELENGTH, &height);
    check_pixel_limit(width, height, max_pixels, name_);

    std::uint16_t bits = 1, format = SAMPLEFORMAT_UINT, orientation = ORIENTATION_TOPLEFT;
    std::uint16_t photometric = 0, compression = COMPRESSION_NONE;
    tiff().GetFieldDefaulted(tif_, TIFFTAG_BITSPERSAMPLE, &bits);
    tiff().GetFieldDefaulted(tif_, TIFFTAG_SAMPLESPERPIXEL, &samples_);
    tiff().GetFieldDefaulted(tif_, TIFFTAG_SAMPLEFORMAT, &format);
    tiff().GetFieldDefaulted(tif_, TIFFTAG_PLANARCONFIG, &planar_);
    tiff().GetFieldDefaulted(tif_, TIFFTAG_ORIENTATION, &orientation);
    tiff().GetFieldDefaulted(tif_, TIFFTAG_COMPRESSION, &compression);
    if (!tiff().GetField(tif_, TIFFTAG_PHOTOMETRIC, &photometric)) {
      throw InputError("TIFF without a PhotometricInterpretation tag", Location{name_});
    }
    if (bits != 8 && bits != 16) {
      throw InputError(std::to_string(bits) + "-bit TIFF: only 8 and 16 bits per sample are read",
                       Location{name_});
    }
    if (format != SAMPLEFORMAT_UINT) {
      throw InputError(
          "TIFF with signed or floating-point samples: only unsigned integers are read",
          Location{name_});
    }
    if (photometric == PHOTOMETRIC_YCBCR && compression == COMPRESSION_JPEG) {
      tiff().SetField(tif_, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);  // libtiff converts
      photometric = PHOTOMETRIC_RGB;
    }
    if (photometric == PHOTOMETRIC_RGB && samples_ >= 3) {
      grey_ = false;
    } else if (photometric == PHOTOMETRIC_MINISBLACK && samples_ >= 1) {
      grey_ = true;
    } else {
      throw InputError("TIFF photometric interpretation " + std::to_string(photometric) + " with " +
                           std::to_string(samples_) +
                           " samples per pixel: only RGB and greyscale (min-is-black) are read",
                       Location{name_});
    }

    ImageInfo& info = header_.info;
    info.format = ImageFormat::Tiff;
    info.bits = bits;
    info.orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
    std::uint32_t icc_size = 0;
    void* icc = nullptr;
    if (tiff().GetField(tif_, TIFFTAG_ICCPROFILE, &icc_size, &icc) && icc && icc_size > 0) {
      const auto* bytes = static_cast<const unsigned char*>(icc);
      info.icc_profile.assign(bytes, bytes + icc_size);
    } else if (!source_.icc_problem.empty()) {
      // One rule for every format (smpshade(7)): a broken embedded profile refuses the photo,
      // as a PNG's iCCP and a JPEG's APP2 markers do, rather than measuring it as sRGB.
      throw InputError("the embedded ICC profile is broken: " + source_.icc_problem,
                       Location{name_});
    }
    char* make = nullptr;
    char* model = nullptr;
    tiff().GetField(tif_, TIFFTAG_MAKE, &make);
    tiff().GetField(tif_, TIFFTAG_MODEL, &model);
    info.camera = camera_name(make ? make : "", model ? model : "");
    header_.stored_width = static_cast<int>(width);
    header_.stored_height = static_cast<int>(height);
    set_displayed_size(header_);
  }

  void read_rows(unsigned char* out, std::size_t stride, int count) override {
    const bool streamable = !tiff().IsTiled(tif_) && planar_ == PLANARCONFIG_CONTIG;
    if (!streamable) {
      for (int i = 0; i < count; ++i, ++next_row_) {
        if (next_row_ >= band_y_ + band_rows_) read_band(next_row_);
        std::memcpy(out + stride * static_cast<std::size_t>(i),
                    band_.data() + row_bytes() * static_cast<std::size_t>(next_row_ - band_y_),
                    row_bytes());
      }
      return;
    }
    scanline_.resize(static_cast<std::size_t>(tiff().ScanlineSize(tif_)));
    for (int i = 0; i < count; ++i, ++next_row_) {
      if (tiff().ReadScanline(tif_, scanline_.data(), static_cast<std::uint32_t>(next_row_), 0) < 0) {
        throw_error("corrupt or truncated TIFF data: ");
      }
      unsigned char* row = out + stride * static_cast<std::size_t>(i);
      if (bits() == 16) {
        to_rgb(reinterpret_cast<const std::uint16_t*>(scanline_.data()),
               reinterpret_cast<std::uint16_t*>(row));
      } else {
        to_rgb(scanline_.data(), row);
      }
    }
  }

 private:
  // Interleaved samples (samples_ per pixel) to RGB: the first three, or grey three times.
  template <typename Sample>
  void to_rgb(const Sample* in, Sample* out) const {
    const int width = header_.stored_width;
    for (int x = 0; x < width; ++x, in += samples_, out += 3) {
      out[0] = in[0];
      out[1] = grey_ ? in[0] : in[1];
      out[2] = grey_ ? in[0] : in[2];
    }
  }

  // Tiled and separate-plane TIFFs are decoded a band at a time: one row of tiles, or one strip
  // of each plane, into stored RGB rows. Memory follows what is decoded: a file claiming a huge
  // image fails on its first band, never after allocating the whole image.
  void read_band(int first_row) {
    const std::size_t width = static_cast<std::size_t>(header_.stored_width);
    const std::size_t height = static_cast<std::size_t>(header_.stored_height);
    const std::size_t sample_bytes = bits() == 16 ? 2 : 1;
    const int planes = planar_ == PLANARCONFIG_SEPARATE ? (grey_ ? 1 : 3) : 1;
    const int per_pixel = planar_ == PLANARCONFIG_SEPARATE ? 1 : samples_;
    const bool tiled = tiff().IsTiled(tif_);
    std::uint32_t tile_w = 0, tile_h = 0, strip_rows = 0;
    if (tiled) {
      tiff().GetField(tif_, TIFFTAG_TILEWIDTH, &tile_w);
      tiff().GetField(tif_, TIFFTAG_TILELENGTH, &tile_h);
      if (tile_w == 0 || tile_h == 0) throw InputError("TIFF tiles of size 0", Location{name_});
      // A tile may overhang the image, by less than a tile; one far larger is a forged header.
      if (tile_w > 2 * width + 256 || tile_h > 2 * height + 256) {
        throw InputError("TIFF tiles of " + std::to_string(tile_w) + " x " +
                             std::to_string(tile_h) + " pixels for an image of " +
                             std::to_string(width) + " x " + std::to_string(height),
                         Location{name_});
      }
    } else {
      tiff().GetFieldDefaulted(tif_, TIFFTAG_ROWSPERSTRIP, &strip_rows);
      if (strip_rows == 0) throw InputError("TIFF strips of 0 rows", Location{name_});
    }
    const std::size_t step = tiled ? tile_h : strip_rows;
    const std::size_t y0 = static_cast<std::size_t>(first_row) / step * step;
    const std::size_t rows = std::min(step, height - y0);
    band_y_ = static_cast<int>(y0);
    band_rows_ = static_cast<int>(rows);
    band_.assign(row_bytes() * rows, 0);
    // Puts `n` pixels of plane `plane` (or all samples, contiguous) at (x, y) of the band.
    auto place = [&](const unsigned char* in, std::size_t x, std::size_t y, std::size_t n,
                     int plane) {
      for (std::size_t i = 0; i < n; ++i) {
        unsigned char* px = band_.data() + row_bytes() * y + (x + i) * 3 * sample_bytes;
        const unsigned char* src = in + i * static_cast<std::size_t>(per_pixel) * sample_bytes;
        for (int c = 0; c < 3; ++c) {
          if (planar_ == PLANARCONFIG_SEPARATE && c != plane && !grey_) continue;
          const int from = planar_ == PLANARCONFIG_SEPARATE ? 0 : (grey_ ? 0 : c);
          std::memcpy(px + static_cast<std::size_t>(c) * sample_bytes,
                      src + static_cast<std::size_t>(from) * sample_bytes, sample_bytes);
        }
      }
    };
    if (tiled) {
      tile_.resize(static_cast<std::size_t>(tiff().TileSize(tif_)));
      const std::size_t tile_row =
          static_cast<std::size_t>(tile_w) * static_cast<std::size_t>(per_pixel) * sample_bytes;
      for (int plane = 0; plane < planes; ++plane) {
        for (std::size_t tx = 0; tx < width; tx += tile_w) {
          if (tiff().ReadTile(tif_, tile_.data(), static_cast<std::uint32_t>(tx),
                           static_cast<std::uint32_t>(y0), 0,
                           static_cast<std::uint16_t>(plane)) < 0) {
            throw_error("corrupt or truncated TIFF data: ");
          }
          const std::size_t n = std::min<std::size_t>(tile_w, width - tx);
          for (std::size_t r = 0; r < rows; ++r) place(tile_.data() + tile_row * r, tx, r, n, plane);
        }
      }
    } else {
      const std::size_t line = static_cast<std::size_t>(tiff().ScanlineSize(tif_));
      tile_.resize(line * rows);
      for (int plane = 0; plane < planes; ++plane) {
        const std::uint32_t strip =
            tiff().ComputeStrip(tif_, static_cast<std::uint32_t>(y0), static_cast<std::uint16_t>(plane));
        if (tiff().ReadEncodedStrip(tif_, strip, tile_.data(), static_cast<tmsize_t>(line * rows)) <
            static_cast<tmsize_t>(line * rows)) {
          throw_error("corrupt or truncated TIFF data: ");
        }
        for (std::size_t r = 0; r < rows; ++r) place(tile_.data() + line * r, 0, r, width, plane);
      }
    }
  }

  [[noreturn]] void throw_error(const std::string& prefix) {
    throw InputError(prefix + (source_.error.empty() ? "unreadable data" : source_.error),
                     Location{name_});
  }

  std::string name_;
  TiffSource source_;
  TiffHandle handle_;
  TIFF*& tif_;
  std::uint16_t samples_ = 1;
  std::uint16_t planar_ = PLANARCONFIG_CONTIG;
  bool grey_ = false;
  std::vector<unsigned char> scanline_;
  std::vector<unsigned char> tile_;  // one tile, or one strip of one plane
  std::vector<unsigned char> band_;  // stored RGB rows band_y_ .. band_y_ + band_rows_ - 1
  int band_y_ = 0;
  int band_rows_ = 0;
  int next_row_ = 0;
};

}  // namespace

std::unique_ptr<ImageDecoder> open_tiff(const unsigned char* data, std::size_t size,
                                        const std::string& name, std::uint64_t max_pixels) {
  return std::make_unique<TiffDecoder>(data, size, name, max_pixels);
}

}  // namespace smpshade::detail
