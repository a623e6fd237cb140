// JPEG through libjpeg-turbo: header, ICC profile (APP2, jpeg_read_icc_profile), EXIF (APP1),
// and scanlines as RGB.
//
// libjpeg reports fatal errors through error_exit, which must not return. Ours longjmps back
// into guarded(), a frame with nothing to destroy, which returns false; the C++ caller then
// throws. No exception ever crosses libjpeg's C frames.
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// jpeglib.h needs size_t and FILE declared before it.
#include <jerror.h>
#include <jpeglib.h>

#include "formats/image/decoder.hpp"
#include "smpshade/error.hpp"

namespace smpshade::detail {

namespace {

struct JpegErrors {
  jpeg_error_mgr manager;  // first: libjpeg hands us a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

JpegErrors& errors_of(j_common_ptr cinfo) { return *reinterpret_cast<JpegErrors*>(cinfo->err); }

[[noreturn]] void fail(j_common_ptr cinfo) {
  JpegErrors& errors = errors_of(cinfo);
  (*cinfo->err->format_message)(cinfo, errors.message);
  std::longjmp(errors.jump, 1);
}

// Warnings (level -1) about corrupt data are fatal: libjpeg would otherwise "recover" by
// painting the rest of a truncated photo grey, and the grey would be measured.
void on_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  switch (cinfo->err->msg_code) {
    case JWRN_ADOBE_XFORM:  // odd but harmless headers cameras write
    case JWRN_JFIF_MAJOR:
    case JWRN_EXTRANEOUS_DATA:  // padding before a marker: the data itself is intact
      return;
    default:
      fail(cinfo);
  }
}

template <typename Call>
bool guarded(JpegErrors& errors, Call call) {
  if (setjmp(errors.jump) != 0) return false;
  call();
  return true;
}

// libjpeg's state, destroyed by its own destructor so that a constructor that throws half way
// still frees it.
struct JpegState {
  jpeg_decompress_struct cinfo{};
  JpegErrors errors{};
  bool created = false;
  JpegState() = default;
  JpegState(const JpegState&) = delete;
  JpegState& operator=(const JpegState&) = delete;
  ~JpegState() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

class JpegDecoder final : public ImageDecoder {
 public:
  JpegDecoder(const unsigned char* data, std::size_t size, const std::string& name,
              std::uint64_t max_pixels)
      : name_(name), cinfo_(state_.cinfo), errors_(state_.errors) {
    cinfo_.err = jpeg_std_error(&errors_.manager);
    errors_.manager.error_exit = fail;
    errors_.manager.emit_message = on_message;
    errors_.message[0] = '\0';
    if (!guarded(errors_, [&] { jpeg_create_decompress(&cinfo_); })) throw_error("");
    state_.created = true;

    const bool header_read = guarded(errors_, [&] {
      jpeg_mem_src(&cinfo_, data, static_cast<unsigned long>(size));
      jpeg_save_markers(&cinfo_, JPEG_APP0 + 1, 0xffff);  // EXIF
      jpeg_save_markers(&cinfo_, JPEG_APP0 + 2, 0xffff);  // ICC_PROFILE chunks
      jpeg_read_header(&cinfo_, TRUE);
    });
    if (!header_read) throw_error("not a readable JPEG: ");
    check_pixel_limit(cinfo_.image_width, cinfo_.image_height, max_pixels, name_);
    // Huffman coding spends at least one bit on each 8 x 8 block of the first component (its
    // DC code). A progressive JPEG's coefficients are allocated whole before the first scan is
    // read, so a header claiming more blocks than the file has bits is refused here.
    // (Arithmetic coding can spend less; those files are left to libjpeg's own checks.)
    if (!cinfo_.arith_code) {
      const std::uint64_t blocks = std::uint64_t{cinfo_.comp_info[0].width_in_blocks} *
                                   cinfo_.comp_info[0].height_in_blocks;
      check_data_covers_claim(blocks / 8, size, "JPEG", name_);
    }

    ImageInfo& info = header_.info;
    info.format = ImageFormat::Jpeg;
    info.bits = 8;
    JOCTET* icc = nullptr;
    unsigned int icc_size = 0;
    if (!guarded(errors_, [&] { jpeg_read_icc_profile(&cinfo_, &icc, &icc_size); })) {
      throw_error("the embedded ICC profile (APP2 markers) is broken: ");
    }
    if (icc) {
      info.icc_profile.assign(icc, icc + icc_size);
      std::free(icc);
    }
    for (jpeg_saved_marker_ptr m = cinfo_.marker_list; m; m = m->next) {
      if (m->marker == JPEG_APP0 + 1 && m->data_length > 6 &&
          std::memcmp(m->data, "Exif\0\0", 6) == 0) {
        const ExifFacts exif = parse_exif(m->data + 6, m->data_length - 6);
        info.orientation = exif.orientation;
        info.camera = exif.camera;
        break;
      }
    }
    if (cinfo_.jpeg_color_space == JCS_CMYK || cinfo_.jpeg_color_space == JCS_YCCK) {
      throw InputError("a CMYK JPEG: only RGB, YCbCr and greyscale JPEGs are measured",
                       Location{name_});
    }
    if (cinfo_.num_components == 3) {
      // Chroma at 1/h horizontally and 1/v vertically of luma: 2,2 is 4:2:0.
      const int h = cinfo_.comp_info[0].h_samp_factor / cinfo_.comp_info[1].h_samp_factor;
      const int v = cinfo_.comp_info[0].v_samp_factor / cinfo_.comp_info[1].v_samp_factor;
      info.chroma_sampling = h == 1 && v == 1   ? "4:4:4"
                             : h == 2 && v == 1 ? "4:2:2"
                             : h == 2 && v == 2 ? "4:2:0"
                             : h == 1 && v == 2 ? "4:4:0"
                             : h == 4 && v == 1 ? "4:1:1"
                                                : std::to_string(h) + "x" + std::to_string(v);
    }
    // libjpeg-turbo converts greyscale and YCbCr to RGB itself.
    cinfo_.out_color_space = JCS_RGB;
    if (!guarded(errors_, [&] { jpeg_start_decompress(&cinfo_); })) {
      throw_error("corrupt JPEG: ");
    }
    header_.stored_width = static_cast<int>(cinfo_.output_width);
    header_.stored_height = static_cast<int>(cinfo_.output_height);
    set_displayed_size(header_);
  }

  void read_rows(unsigned char* out, std::size_t stride, int count) override {
    const bool read = guarded(errors_, [&] {
      while (count > 0) {
        JSAMPROW rows[16];
        const int n = count < 16 ? count : 16;
        for (int i = 0; i < n; ++i) rows[i] = out + stride * static_cast<std::size_t>(i);
        const auto got =
            static_cast<int>(jpeg_read_scanlines(&cinfo_, rows, static_cast<JDIMENSION>(n)));
        if (got == 0) {  // cannot happen with a memory source, which pads with an EOI
          cinfo_.err->msg_code = JERR_INPUT_EOF;
          fail(reinterpret_cast<j_common_ptr>(&cinfo_));
        }
        out += stride * static_cast<std::size_t>(got);
        count -= got;
      }
    });
    if (!read) throw_error("corrupt or truncated JPEG data: ");
  }

 private:
  [[noreturn]] void throw_error(const std::string& prefix) {
    throw InputError(prefix + errors_.message, Location{name_});
  }

  std::string name_;
  JpegState state_;
  jpeg_decompress_struct& cinfo_;
  JpegErrors& errors_;
};

}  // namespace

std::unique_ptr<ImageDecoder> open_jpeg(const unsigned char* data, std::size_t size,
                                        const std::string& name, std::uint64_t max_pixels) {
  return std::make_unique<JpegDecoder>(data, size, name, max_pixels);
}

}  // namespace smpshade::detail
