// PNG through libpng: header, ICC profile (iCCP, png_get_iCCP), sRGB chunk, EXIF (eXIf), and
// rows as 8- or 16-bit RGB.
//
// libpng's error function must not return; ours longjmps back into guarded(), a frame with
// nothing to destroy, and the C++ caller throws. No exception crosses libpng's C frames.
#include <png.h>

#include <csetjmp>
#include <cstring>
#include <vector>

#include "formats/image/decoder.hpp"
#include "smpshade/error.hpp"

namespace smpshade::detail {

namespace {

struct PngState {
  std::jmp_buf jump;
  std::string error;
  std::string icc_problem;  // libpng drops a bad iCCP chunk with a warning; we refuse the file
  const unsigned char* data = nullptr;
  std::size_t size = 0;
  std::size_t offset = 0;
};

PngState& state_of(png_structp png) { return *static_cast<PngState*>(png_get_error_ptr(png)); }

[[noreturn]] void fail(png_structp png, png_const_charp message) {
  PngState& state = state_of(png);
  state.error = message ? message : "unknown libpng error";
  std::longjmp(state.jump, 1);
}

void on_warning(png_structp png, png_const_charp message) {
  const std::string text = message ? message : "";
  if (text.rfind("iCCP", 0) == 0) state_of(png).icc_problem = text;
}

void read_bytes(png_structp png, png_bytep out, png_size_t n) {
  auto& state = *static_cast<PngState*>(png_get_io_ptr(png));
  if (n > state.size - state.offset) png_error(png, "unexpected end of file (truncated PNG)");
  std::memcpy(out, state.data + state.offset, n);
  state.offset += n;
}

template <typename Call>
bool guarded(PngState& state, Call call) {
  if (setjmp(state.jump) != 0) return false;
  call();
  return true;
}

// libpng's structures, destroyed by their own destructor so that a constructor that throws half
// way still frees them.
struct PngHandles {
  png_structp png = nullptr;
  png_infop info = nullptr;
  PngHandles() = default;
  PngHandles(const PngHandles&) = delete;
  PngHandles& operator=(const PngHandles&) = delete;
  ~PngHandles() {
    if (png) png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
  }
};

class PngDecoder final : public ImageDecoder {
 public:
  PngDecoder(const unsigned char* data, std::size_t size, const std::string& name,
             std::uint64_t max_pixels)
      : name_(name), png_(handles_.png), info_(handles_.info) {
    state_.data = data;
    state_.size = size;
    png_ = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state_, fail, on_warning);
    if (!png_) throw InputError("cannot start libpng", Location{name_});
    if (!guarded(state_, [&] { info_ = png_create_info_struct(png_); }) || !info_) {
      throw_error("cannot start libpng: ");
    }
    png_set_read_fn(png_, &state_, read_bytes);
    // Our own limit (max_pixels) is the one that applies, with its own message.
    png_set_user_limits(png_, 0x7fffffff, 0x7fffffff);

    png_uint_32 width = 0, height = 0;
    int depth = 0, colour = 0, interlace = 0;
    if (!guarded(state_, [&] {
          png_read_info(png_, info_);
          png_get_IHDR(png_, info_, &width, &height, &depth, &colour, &interlace, nullptr, nullptr);
        })) {
      throw_error("not a readable PNG: ");
    }
    check_pixel_limit(width, height, max_pixels, name_);
    // Every row is a filter byte and its samples, deflated at most 1032:1.
    const int channels = colour == PNG_COLOR_TYPE_PALETTE ? 1 : png_get_channels(png_, info_);
    const std::uint64_t row_bits = std::uint64_t{width} * static_cast<std::uint64_t>(channels) *
                                   static_cast<std::uint64_t>(depth);
    check_data_covers_claim((std::uint64_t{height} * (1 + (row_bits + 7) / 8)) / 1032, size,
                            "PNG", name_);
    if (!state_.icc_problem.empty()) {
      throw InputError("the embedded ICC profile is broken: " + state_.icc_problem,
                       Location{name_});
    }

    ImageInfo& info = header_.info;
    info.format = ImageFormat::Png;
    png_charp icc_name = nullptr;
    png_bytep icc = nullptr;
    png_uint_32 icc_size = 0;
    int compression = 0;
    if (png_get_iCCP(png_, info_, &icc_name, &compression, &icc, &icc_size) && icc) {
      info.icc_profile.assign(icc, icc + icc_size);
    } else {
      info.srgb_chunk = png_get_valid(png_, info_, PNG_INFO_sRGB) != 0;
    }
    png_uint_32 exif_size = 0;
    png_bytep exif = nullptr;
    if (png_get_eXIf_1(png_, info_, &exif_size, &exif) && exif) {
      const ExifFacts facts = parse_exif(exif, exif_size);
      info.orientation = facts.orientation;
      info.camera = facts.camera;
    }

    // Everything to RGB, 8 or 16 bits, native byte order, no alpha.
    info.bits = depth == 16 ? 16 : 8;
    const bool set_up = guarded(state_, [&] {
      if (colour == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png_);
      if (colour == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png_);
      if (colour & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png_);
      if (!(colour & PNG_COLOR_MASK_COLOR)) png_set_gray_to_rgb(png_);
      if (depth == 16) {
        const std::uint16_t probe = 1;
        unsigned char first = 0;
        std::memcpy(&first, &probe, 1);
        if (first == 1) png_set_swap(png_);  // PNG is big-endian; this host is not
      }
      passes_ = png_set_interlace_handling(png_);
      png_read_update_info(png_, info_);
    });
    if (!set_up) throw_error("corrupt PNG: ");
    header_.stored_width = static_cast<int>(width);
    header_.stored_height = static_cast<int>(height);
    set_displayed_size(header_);
    if (png_get_rowbytes(png_, info_) != row_bytes()) {
      throw InputError("unexpected PNG row layout", Location{name_});
    }
  }

  void read_rows(unsigned char* out, std::size_t stride, int count) override {
    if (passes_ > 1) {
      // Adam7 delivers each row over seven passes, so the whole image is decoded at once.
      if (whole_.empty()) read_whole_image();
      for (int i = 0; i < count; ++i, ++next_row_) {
        std::memcpy(out + stride * static_cast<std::size_t>(i),
                    whole_.data() + row_bytes() * static_cast<std::size_t>(next_row_), row_bytes());
      }
      return;
    }
    const bool read = guarded(state_, [&] {
      for (int i = 0; i < count; ++i) {
        png_read_row(png_, out + stride * static_cast<std::size_t>(i), nullptr);
      }
    });
    if (!read) throw_error("corrupt or truncated PNG data: ");
  }

 private:
  void read_whole_image() {
    whole_.resize(row_bytes() * static_cast<std::size_t>(header_.stored_height));
    std::vector<png_bytep> rows(static_cast<std::size_t>(header_.stored_height));
    for (std::size_t y = 0; y < rows.size(); ++y) rows[y] = whole_.data() + row_bytes() * y;
    if (!guarded(state_, [&] { png_read_image(png_, rows.data()); })) {
      throw_error("corrupt or truncated PNG data: ");
    }
  }

  [[noreturn]] void throw_error(const std::string& prefix) {
    throw InputError(prefix + state_.error, Location{name_});
  }

  std::string name_;
  PngState state_;
  PngHandles handles_;
  png_structp& png_;
  png_infop& info_;
  int passes_ = 1;
  std::vector<unsigned char> whole_;
  int next_row_ = 0;
};

}  // namespace

std::unique_ptr<ImageDecoder> open_png(const unsigned char* data, std::size_t size,
                                       const std::string& name, std::uint64_t max_pixels) {
  return std::make_unique<PngDecoder>(data, size, name, max_pixels);
}

}  // namespace smpshade::detail
