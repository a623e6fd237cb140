// A JPEG's stored Y, Cb and Cr planes through libjpeg-turbo's raw_data_out: what smp-measure's
// chroma unmixing reads (the chroma as the encoder averaged it, before upsampling blurs it).
//
// Errors take the same path as image_jpeg.cpp's decoder: error_exit longjmps back into a frame
// with nothing to destroy, and the C++ caller throws.
#include <algorithm>
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <cstring>

// jpeglib.h needs size_t and FILE declared before it.
#include <jerror.h>
#include <jpeglib.h>

#include "formats/image/decoder.hpp"
#include "smpshade/error.hpp"

namespace smpshade::detail {

namespace {

struct PlaneErrors {
  jpeg_error_mgr manager;  // first: libjpeg hands us a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void plane_fail(j_common_ptr cinfo) {
  auto& errors = *reinterpret_cast<PlaneErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors.message);
  std::longjmp(errors.jump, 1);
}

// As the row decoder: corrupt-data warnings are fatal, harmless header oddities are not.
void plane_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;
  switch (cinfo->err->msg_code) {
    case JWRN_ADOBE_XFORM:
    case JWRN_JFIF_MAJOR:
    case JWRN_EXTRANEOUS_DATA:
      return;
    default:
      plane_fail(cinfo);
  }
}

struct PlaneState {
  jpeg_decompress_struct cinfo{};
  PlaneErrors errors{};
  bool created = false;
  PlaneState() = default;
  PlaneState(const PlaneState&) = delete;
  PlaneState& operator=(const PlaneState&) = delete;
  ~PlaneState() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

template <typename Call>
bool plane_guarded(PlaneErrors& errors, Call call) {
  if (setjmp(errors.jump) != 0) return false;
  call();
  return true;
}

// Each component's samples, padded to whole iMCU rows as libjpeg writes them.
struct PaddedPlane {
  std::vector<JSAMPLE> samples;
  std::vector<JSAMPROW> rows;
  std::size_t width = 0;
};

// The chroma components' dequantised DCT coefficients and steps (jpeg_read_coefficients).
void read_chroma_coefficients(const unsigned char* data, std::size_t size, const std::string& name,
                              JpegPlanes& planes) {
  PlaneState state;
  jpeg_decompress_struct& cinfo = state.cinfo;
  cinfo.err = jpeg_std_error(&state.errors.manager);
  state.errors.manager.error_exit = plane_fail;
  state.errors.manager.emit_message = plane_message;
  state.errors.message[0] = '\0';
  if (!plane_guarded(state.errors, [&] { jpeg_create_decompress(&cinfo); })) {
    throw InputError(state.errors.message, Location{name});
  }
  state.created = true;
  std::array<std::vector<std::int32_t>*, 2> out{&planes.cb_coefficients, &planes.cr_coefficients};
  std::array<std::array<std::uint16_t, 64>*, 2> steps{&planes.cb_steps, &planes.cr_steps};
  bool shapes_agree = true;
  const bool read = plane_guarded(state.errors, [&] {
    jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
    jpeg_read_header(&cinfo, TRUE);
    jvirt_barray_ptr* arrays = jpeg_read_coefficients(&cinfo);
    planes.blocks_w = static_cast<int>(cinfo.comp_info[1].width_in_blocks);
    planes.blocks_h = static_cast<int>(cinfo.comp_info[1].height_in_blocks);
    for (int c = 0; c < 2; ++c) {
      jpeg_component_info& comp = cinfo.comp_info[c + 1];
      if (static_cast<int>(comp.width_in_blocks) != planes.blocks_w ||
          static_cast<int>(comp.height_in_blocks) != planes.blocks_h || !comp.quant_table) {
        shapes_agree = false;
        return;
      }
      for (int k = 0; k < 64; ++k)
        (*steps[static_cast<std::size_t>(c)])[static_cast<std::size_t>(k)] =
            comp.quant_table->quantval[k];
      std::vector<std::int32_t>& to = *out[static_cast<std::size_t>(c)];
      to.resize(static_cast<std::size_t>(planes.blocks_w) *
                static_cast<std::size_t>(planes.blocks_h) * 64);
      for (JDIMENSION row = 0; row < comp.height_in_blocks; ++row) {
        JBLOCKARRAY blocks = (*cinfo.mem->access_virt_barray)(
            reinterpret_cast<j_common_ptr>(&cinfo), arrays[c + 1], row, 1, FALSE);
        for (JDIMENSION col = 0; col < comp.width_in_blocks; ++col) {
          std::int32_t* block =
              to.data() + (static_cast<std::size_t>(row) * comp.width_in_blocks + col) * 64;
          for (int k = 0; k < 64; ++k) block[k] = blocks[0][col][k] * comp.quant_table->quantval[k];
        }
      }
    }
  });
  if (!read)
    throw InputError("corrupt JPEG data: " + std::string(state.errors.message), Location{name});
  if (!shapes_agree) {
    planes.blocks_w = planes.blocks_h = 0;
    planes.cb_coefficients.clear(), planes.cr_coefficients.clear();
  }
}

}  // namespace

JpegPlanes read_jpeg_planes(const unsigned char* data, std::size_t size, const std::string& name,
                            std::uint64_t max_pixels) {
  PlaneState state;
  jpeg_decompress_struct& cinfo = state.cinfo;
  cinfo.err = jpeg_std_error(&state.errors.manager);
  state.errors.manager.error_exit = plane_fail;
  state.errors.manager.emit_message = plane_message;
  state.errors.message[0] = '\0';
  auto throw_error = [&](const std::string& prefix) {
    throw InputError(prefix + state.errors.message, Location{name});
  };
  if (!plane_guarded(state.errors, [&] { jpeg_create_decompress(&cinfo); })) throw_error("");
  state.created = true;
  if (!plane_guarded(state.errors, [&] {
        jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
        jpeg_read_header(&cinfo, TRUE);
      })) {
    throw_error("not a readable JPEG: ");
  }
  check_pixel_limit(cinfo.image_width, cinfo.image_height, max_pixels, name);
  JpegPlanes planes;
  if (cinfo.num_components != 3 || cinfo.jpeg_color_space != JCS_YCbCr) return planes;
  const jpeg_component_info* comp = cinfo.comp_info;
  const int max_h = cinfo.max_h_samp_factor, max_v = cinfo.max_v_samp_factor;
  if (comp[0].h_samp_factor != max_h || comp[0].v_samp_factor != max_v ||
      comp[1].h_samp_factor != comp[2].h_samp_factor ||
      comp[1].v_samp_factor != comp[2].v_samp_factor || max_h % comp[1].h_samp_factor != 0 ||
      max_v % comp[1].v_samp_factor != 0) {
    return planes;
  }
  const int block_w = max_h / comp[1].h_samp_factor, block_h = max_v / comp[1].v_samp_factor;
  if (block_w == 1 && block_h == 1) return planes;  // 4:4:4: nothing was averaged

  cinfo.raw_data_out = TRUE;
  if (!plane_guarded(state.errors, [&] { jpeg_start_decompress(&cinfo); })) {
    throw_error("corrupt JPEG: ");
  }
  const JDIMENSION imcu_rows = cinfo.total_iMCU_rows;
  PaddedPlane padded[3];
  for (int c = 0; c < 3; ++c) {
    const std::size_t rows = static_cast<std::size_t>(imcu_rows) *
                             static_cast<std::size_t>(comp[c].v_samp_factor) * DCTSIZE;
    padded[c].width = static_cast<std::size_t>(comp[c].width_in_blocks) * DCTSIZE;
    padded[c].samples.assign(padded[c].width * rows, 0);
    padded[c].rows.resize(rows);
    for (std::size_t r = 0; r < rows; ++r)
      padded[c].rows[r] = padded[c].samples.data() + r * padded[c].width;
  }
  const bool read = plane_guarded(state.errors, [&] {
    for (JDIMENSION imcu = 0; imcu < imcu_rows && cinfo.output_scanline < cinfo.output_height;
         ++imcu) {
      JSAMPARRAY arrays[3];
      for (int c = 0; c < 3; ++c) {
        arrays[c] = padded[c].rows.data() + static_cast<std::size_t>(imcu) *
                                                static_cast<std::size_t>(comp[c].v_samp_factor) *
                                                DCTSIZE;
      }
      if (jpeg_read_raw_data(&cinfo, arrays, static_cast<JDIMENSION>(max_v * DCTSIZE)) == 0) {
        cinfo.err->msg_code = JERR_INPUT_EOF;  // cannot happen with a memory source
        plane_fail(reinterpret_cast<j_common_ptr>(&cinfo));
      }
    }
  });
  if (!read) throw_error("corrupt or truncated JPEG data: ");

  planes.width = static_cast<int>(cinfo.image_width);
  planes.height = static_cast<int>(cinfo.image_height);
  planes.block_w = block_w;
  planes.block_h = block_h;
  planes.chroma_width = static_cast<int>(comp[1].downsampled_width);
  planes.chroma_height = static_cast<int>(comp[1].downsampled_height);
  auto crop = [](const PaddedPlane& from, int width, int height, std::vector<std::uint8_t>& to) {
    const auto w = static_cast<std::size_t>(width);
    to.resize(w * static_cast<std::size_t>(height));
    for (std::size_t r = 0; r < static_cast<std::size_t>(height); ++r) {
      std::memcpy(to.data() + r * w, from.samples.data() + r * from.width, w);
    }
  };
  crop(padded[0], planes.width, planes.height, planes.y);
  crop(padded[1], planes.chroma_width, planes.chroma_height, planes.cb);
  crop(padded[2], planes.chroma_width, planes.chroma_height, planes.cr);
  read_chroma_coefficients(data, size, name, planes);
  return planes;
}

}  // namespace smpshade::detail
