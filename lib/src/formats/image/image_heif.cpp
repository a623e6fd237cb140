// HEIF (HEIC from iPhones and Android phones, AVIF) through libheif: header, colour profile (an
// ICC profile, or an nclx box made into one), EXIF camera, and the image as RGB.
//
// libheif is loaded when the first HEIF file is opened, not linked (loaded_library.hpp): it
// brings its codecs (libde265, x265, aom, dav1d), and loading them costs every tool start some
// 10 ms on our machines, which JPEG users would pay for nothing. A system without libheif1
// refuses HEIF files with a message naming the package.
//
// Geometry: libheif applies the file's own transformations (irot, imir, clap) while decoding,
// as the HEIF standard says a reader must; an EXIF orientation inside a HEIF file describes the
// same turn again and is ignored (ISO/IEC 23008-12 §6.5.10; libheif's documentation). Rows
// therefore come in displayed order, orientation 1.
#include <libheif/heif.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "formats/icc/lcms.hpp"
#include "formats/image/decoder.hpp"
#include "formats/image/loaded_library.hpp"
#include "smpshade/error.hpp"

namespace smpshade::detail {

namespace {

// The libheif functions we call, from the shared library loaded once.
struct HeifApi {
  decltype(&heif_context_alloc) context_alloc = nullptr;
  decltype(&heif_context_free) context_free = nullptr;
  decltype(&heif_context_read_from_memory_without_copy) read_from_memory = nullptr;
  decltype(&heif_context_set_maximum_image_size_limit) set_maximum_image_size = nullptr;
  decltype(&heif_context_get_primary_image_handle) primary_image = nullptr;
  decltype(&heif_image_handle_release) handle_release = nullptr;
  decltype(&heif_image_handle_get_width) handle_width = nullptr;
  decltype(&heif_image_handle_get_height) handle_height = nullptr;
  decltype(&heif_image_handle_get_luma_bits_per_pixel) luma_bits = nullptr;
  decltype(&heif_image_handle_get_color_profile_type) profile_type = nullptr;
  decltype(&heif_image_handle_get_raw_color_profile_size) raw_profile_size = nullptr;
  decltype(&heif_image_handle_get_raw_color_profile) raw_profile = nullptr;
  decltype(&heif_image_handle_get_nclx_color_profile) nclx_profile = nullptr;
  decltype(&heif_nclx_color_profile_free) nclx_free = nullptr;
  decltype(&heif_image_handle_get_list_of_metadata_block_IDs) metadata_ids = nullptr;
  decltype(&heif_image_handle_get_metadata_size) metadata_size = nullptr;
  decltype(&heif_image_handle_get_metadata) metadata = nullptr;
  decltype(&heif_decoding_options_alloc) options_alloc = nullptr;
  decltype(&heif_decoding_options_free) options_free = nullptr;
  decltype(&heif_decode_image) decode = nullptr;
  decltype(&heif_image_release) image_release = nullptr;
  decltype(&heif_image_get_plane_readonly) plane = nullptr;
  decltype(&heif_image_get_width) image_width = nullptr;
  decltype(&heif_image_get_height) image_height = nullptr;
  decltype(&heif_image_get_bits_per_pixel_range) bits_range = nullptr;
  std::string problem;  // why libheif could not be loaded; empty when it was
};

const HeifApi& heif_api() {
  static const HeifApi api = [] {
    HeifApi loaded;
    static LoadedLibrary library("libheif.so.1", "libheif1");
    library.bind(loaded.context_alloc, "heif_context_alloc");
    library.bind(loaded.context_free, "heif_context_free");
    library.bind(loaded.read_from_memory, "heif_context_read_from_memory_without_copy");
    library.bind(loaded.set_maximum_image_size, "heif_context_set_maximum_image_size_limit");
    library.bind(loaded.primary_image, "heif_context_get_primary_image_handle");
    library.bind(loaded.handle_release, "heif_image_handle_release");
    library.bind(loaded.handle_width, "heif_image_handle_get_width");
    library.bind(loaded.handle_height, "heif_image_handle_get_height");
    library.bind(loaded.luma_bits, "heif_image_handle_get_luma_bits_per_pixel");
    library.bind(loaded.profile_type, "heif_image_handle_get_color_profile_type");
    library.bind(loaded.raw_profile_size, "heif_image_handle_get_raw_color_profile_size");
    library.bind(loaded.raw_profile, "heif_image_handle_get_raw_color_profile");
    library.bind(loaded.nclx_profile, "heif_image_handle_get_nclx_color_profile");
    library.bind(loaded.nclx_free, "heif_nclx_color_profile_free");
    library.bind(loaded.metadata_ids, "heif_image_handle_get_list_of_metadata_block_IDs");
    library.bind(loaded.metadata_size, "heif_image_handle_get_metadata_size");
    library.bind(loaded.metadata, "heif_image_handle_get_metadata");
    library.bind(loaded.options_alloc, "heif_decoding_options_alloc");
    library.bind(loaded.options_free, "heif_decoding_options_free");
    library.bind(loaded.decode, "heif_decode_image");
    library.bind(loaded.image_release, "heif_image_release");
    library.bind(loaded.plane, "heif_image_get_plane_readonly");
    library.bind(loaded.image_width, "heif_image_get_width");
    library.bind(loaded.image_height, "heif_image_get_height");
    library.bind(loaded.bits_range, "heif_image_get_bits_per_pixel_range");
    loaded.problem = library.problem();
    // Registers libheif's codecs; optional before 1.13, and reference counted, so never undone.
    if (auto init = library.optional<decltype(&heif_init)>("heif_init")) init(nullptr);
    return loaded;
  }();
  return api;
}

// The hvcC box's chroma_format_idc (ISO/IEC 14496-15 §8.3.3.1: byte 16 of its payload, low two
// bits): how the HEVC stream stores colour. libheif 1.15 does not say, and it decides whether
// a thin hair's colour is read at half resolution. Empty when no hvcC box is found (AVIF).
std::string hevc_chroma_sampling(const unsigned char* data, std::size_t size) {
  for (std::size_t i = 4; i + 4 + 17 <= size; ++i) {
    if (std::memcmp(data + i, "hvcC", 4) != 0) continue;
    const std::uint32_t box = (std::uint32_t{data[i - 4]} << 24) |
                              (std::uint32_t{data[i - 3]} << 16) |
                              (std::uint32_t{data[i - 2]} << 8) | data[i - 1];
    if (box < 8 + 17 || i - 4 + box > size) continue;
    switch (data[i + 4 + 16] & 3) {
      case 0:
        return "4:0:0";
      case 1:
        return "4:2:0";
      case 2:
        return "4:2:2";
      default:
        return "4:4:4";
    }
  }
  return {};
}

// An ICC profile for an nclx box (ITU-T H.273 code points): its primaries and white from
// libheif's decoded chromaticities, its transfer characteristic as a LittleCMS parametric curve.
std::vector<unsigned char> profile_from_nclx(const heif_color_profile_nclx& nclx,
                                             const std::string& name) {
  const int transfer = nclx.transfer_characteristics;
  std::string transfer_name;
  ToneCurveHandle curve;
  begin_lcms_call();
  switch (transfer) {
    case 1:  // BT.709
    case 6:  // BT.601
    case 14:
    case 15: {  // BT.2020: the same curve
      // The inverse of the BT.709 camera curve: V = 1.099 L^0.45 − 0.099 above 0.018, 4.5 L
      // below. LittleCMS type 4: Y = (aX + b)^g for X ≥ d, cX otherwise.
      const double p[5] = {1 / 0.45, 1 / 1.099, 0.099 / 1.099, 1 / 4.5, 0.081};
      curve.reset(cmsBuildParametricToneCurve(nullptr, 4, p));
      transfer_name = "BT.709 transfer";
      break;
    }
    case 2:   // unspecified: what phones mean by it
    case 13: {  // IEC 61966-2-1 (sRGB)
      const double p[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
      curve.reset(cmsBuildParametricToneCurve(nullptr, 4, p));
      transfer_name = transfer == 2 ? "unspecified transfer, sRGB assumed" : "sRGB transfer";
      break;
    }
    case 4:
    case 5:
      curve.reset(cmsBuildGamma(nullptr, transfer == 4 ? 2.2 : 2.8));
      transfer_name = transfer == 4 ? "gamma 2.2" : "gamma 2.8";
      break;
    case 8:
      curve.reset(cmsBuildGamma(nullptr, 1.0));
      transfer_name = "linear";
      break;
    case 16:
    case 18:
      throw InputError(std::string("an HDR HEIF (") +
                           (transfer == 16 ? "PQ, SMPTE ST 2084" : "HLG, ARIB STD-B67") +
                           " transfer): smpshade measures standard-range photos; take it in "
                           "the camera's standard (SDR) mode or export it as JPEG",
                       Location{name});
    default:
      throw InputError("the nclx colour box gives transfer characteristic " +
                           std::to_string(transfer) + ", which smpshade does not know",
                       Location{name});
  }
  if (!curve) throw InputError("cannot build the nclx transfer curve", Location{name});
  // Primaries 2 ("unspecified") and chromaticities that are not a triangle inside the diagram
  // get BT.709's, which is what an unspecified phone photo is (libheif writes 2 by default).
  auto valid = [](float x, float y) { return x > 0 && y > 0 && x + y <= 1; };
  const bool stated = nclx.color_primaries != heif_color_primaries_unspecified &&
                      valid(nclx.color_primary_red_x, nclx.color_primary_red_y) &&
                      valid(nclx.color_primary_green_x, nclx.color_primary_green_y) &&
                      valid(nclx.color_primary_blue_x, nclx.color_primary_blue_y) &&
                      valid(nclx.color_primary_white_x, nclx.color_primary_white_y);
  const cmsCIExyY white = stated ? cmsCIExyY{nclx.color_primary_white_x,
                                             nclx.color_primary_white_y, 1.0}
                                 : cmsCIExyY{0.3127, 0.3290, 1.0};
  const cmsCIExyYTRIPLE primaries =
      stated ? cmsCIExyYTRIPLE{{nclx.color_primary_red_x, nclx.color_primary_red_y, 1.0},
                               {nclx.color_primary_green_x, nclx.color_primary_green_y, 1.0},
                               {nclx.color_primary_blue_x, nclx.color_primary_blue_y, 1.0}}
             : cmsCIExyYTRIPLE{{0.64, 0.33, 1.0}, {0.30, 0.60, 1.0}, {0.15, 0.06, 1.0}};
  cmsToneCurve* curves[3] = {curve.get(), curve.get(), curve.get()};
  ProfileHandle profile(cmsCreateRGBProfile(&white, &primaries, curves));
  if (!profile) {
    throw InputError("the nclx colour box's primaries do not make an RGB profile: " +
                         last_lcms_error(),
                     Location{name});
  }
  char description[200];
  if (stated) {
    std::snprintf(description, sizeof description,
                  "nclx: primaries %d (red %.3f,%.3f green %.3f,%.3f blue %.3f,%.3f), %s",
                  static_cast<int>(nclx.color_primaries), nclx.color_primary_red_x,
                  nclx.color_primary_red_y, nclx.color_primary_green_x,
                  nclx.color_primary_green_y, nclx.color_primary_blue_x,
                  nclx.color_primary_blue_y, transfer_name.c_str());
  } else {
    std::snprintf(description, sizeof description,
                  "nclx: primaries unspecified, BT.709 (sRGB) assumed, %s", transfer_name.c_str());
  }
  write_text_tag(profile.get(), cmsSigProfileDescriptionTag, description);
  return save_profile(profile.get(), "profile for the nclx colour box");
}

// One libheif object, released by its own function.
template <typename T, typename Release>
struct Held {
  T* p = nullptr;
  Release release = nullptr;
  Held(T* pointer, Release r) : p(pointer), release(r) {}
  Held(const Held&) = delete;
  Held& operator=(const Held&) = delete;
  ~Held() {
    if (p) release(p);
  }
};

class HeifDecoder final : public ImageDecoder {
 public:
  HeifDecoder(const unsigned char* data, std::size_t size, const std::string& name,
              std::uint64_t max_pixels)
      : api_(heif_api()),
        name_(name),
        context_(nullptr, api_.context_free),
        handle_(nullptr, [](heif_image_handle* h) { heif_api().handle_release(h); }) {
    if (!api_.problem.empty()) {
      throw InputError("cannot read HEIF photos here: " + api_.problem, Location{name_});
    }
    context_.p = api_.context_alloc();
    if (!context_.p) throw InputError("cannot start libheif", Location{name_});
    // libheif's own limit on either side (its default is 32768): ours (max_pixels) is the one
    // that applies to the whole image, with its own message.
    api_.set_maximum_image_size(context_.p, 1 << 16);
    check(api_.read_from_memory(context_.p, data, size, nullptr), "not a readable HEIF file");
    heif_image_handle* handle = nullptr;
    check(api_.primary_image(context_.p, &handle), "no primary image in the HEIF file");
    handle_.p = handle;
    const int width = api_.handle_width(handle), height = api_.handle_height(handle);
    if (width <= 0 || height <= 0) {
      throw InputError("the HEIF file gives an empty primary image", Location{name_});
    }
    check_pixel_limit(static_cast<std::uint64_t>(width), static_cast<std::uint64_t>(height),
                      max_pixels, name_);

    ImageInfo& info = header_.info;
    info.format = ImageFormat::Heif;
    const int luma_bits = api_.luma_bits(handle);
    info.bits = luma_bits > 8 ? 16 : 8;
    read_colour_profile(handle);
    read_camera(handle);
    info.chroma_sampling = hevc_chroma_sampling(data, size);
    info.orientation = 1;  // applied by libheif: see the top of this file
    header_.stored_width = width;
    header_.stored_height = height;
    set_displayed_size(header_);
  }

  void read_rows(unsigned char* out, std::size_t stride, int count) override {
    if (!image_) decode();
    if (next_row_ + count > header_.stored_height) {
      throw InputError("read past the last row of the HEIF image", Location{name_});
    }
    const int width = header_.stored_width;
    for (int r = 0; r < count; ++r, ++next_row_, out += stride) {
      const std::uint8_t* row = plane_ + plane_stride_ * static_cast<std::size_t>(next_row_);
      if (bits() == 8) {
        std::memcpy(out, row, row_bytes());
        continue;
      }
      // Little-endian samples of `range_bits` bits, stretched to 16 (0..1023 → 0..65535).
      auto* to = reinterpret_cast<std::uint16_t*>(out);
      const double scale = 65535.0 / static_cast<double>((1u << range_bits_) - 1);
      for (int i = 0; i < 3 * width; ++i) {
        const unsigned v = row[2 * i] | (static_cast<unsigned>(row[2 * i + 1]) << 8);
        to[i] = static_cast<std::uint16_t>(std::min<long>(65535, std::lround(v * scale)));
      }
    }
  }

  ~HeifDecoder() override {
    if (image_) api_.image_release(image_);
  }

 private:
  void check(heif_error error, const std::string& what) const {
    if (error.code == heif_error_Ok) return;
    std::string message = error.message ? error.message : "";
    if (error.code == heif_error_Unsupported_filetype || error.code == heif_error_Invalid_input) {
      throw InputError(what + ": " + message, Location{name_});
    }
    throw InputError(what + " (libheif: " + message + ")", Location{name_});
  }

  void read_colour_profile(const heif_image_handle* handle) {
    const heif_color_profile_type type = api_.profile_type(handle);
    if (type == heif_color_profile_type_prof || type == heif_color_profile_type_rICC) {
      const std::size_t size = api_.raw_profile_size(handle);
      if (size == 0) throw InputError("the HEIF file's ICC profile is empty", Location{name_});
      header_.info.icc_profile.resize(size);
      check(api_.raw_profile(handle, header_.info.icc_profile.data()),
            "the HEIF file's ICC profile cannot be read");
    } else if (type == heif_color_profile_type_nclx) {
      heif_color_profile_nclx* nclx = nullptr;
      check(api_.nclx_profile(handle, &nclx), "the HEIF file's nclx colour box cannot be read");
      Held<heif_color_profile_nclx, decltype(api_.nclx_free)> held(nclx, api_.nclx_free);
      header_.info.icc_profile = profile_from_nclx(*nclx, name_);
    }
  }

  // Make and model from the EXIF block, which starts with the offset of its TIFF header
  // (ISO/IEC 23008-12 Annex A.2.1). Advisory: a broken block leaves the camera unknown.
  void read_camera(const heif_image_handle* handle) {
    heif_item_id id = 0;
    if (api_.metadata_ids(handle, "Exif", &id, 1) != 1) return;
    const std::size_t size = api_.metadata_size(handle, id);
    if (size < 4 || size > (std::size_t{1} << 24)) return;
    std::vector<unsigned char> exif(size);
    if (api_.metadata(handle, id, exif.data()).code != heif_error_Ok) return;
    const std::uint32_t offset = (std::uint32_t{exif[0]} << 24) | (std::uint32_t{exif[1]} << 16) |
                                 (std::uint32_t{exif[2]} << 8) | exif[3];
    if (offset > size - 4) return;
    header_.info.camera = parse_exif(exif.data() + 4 + offset, size - 4 - offset).camera;
  }

  void decode() {
    heif_decoding_options* options = api_.options_alloc();
    if (!options) throw InputError("cannot start libheif's decoder", Location{name_});
    Held<heif_decoding_options, decltype(api_.options_free)> held(options, api_.options_free);
    options->ignore_transformations = 0;
    const heif_chroma chroma =
        bits() == 8 ? heif_chroma_interleaved_RGB : heif_chroma_interleaved_RRGGBB_LE;
    heif_image* image = nullptr;
    check(api_.decode(handle_.p, &image, heif_colorspace_RGB, chroma, options),
          "corrupt HEIF image data");
    image_ = image;
    int stride = 0;
    plane_ = api_.plane(image_, heif_channel_interleaved, &stride);
    if (!plane_ || stride <= 0 || api_.image_width(image_, heif_channel_interleaved) !=
                                      header_.stored_width ||
        api_.image_height(image_, heif_channel_interleaved) != header_.stored_height) {
      throw InputError("libheif decoded an image of another size than its header gives",
                       Location{name_});
    }
    plane_stride_ = static_cast<std::size_t>(stride);
    if (plane_stride_ < row_bytes()) {
      throw InputError("unexpected HEIF row layout", Location{name_});
    }
    range_bits_ = bits() == 8 ? 8 : api_.bits_range(image_, heif_channel_interleaved);
    if (range_bits_ < 9 || range_bits_ > 16) range_bits_ = bits() == 8 ? 8 : 16;
  }

  const HeifApi& api_;
  std::string name_;
  Held<heif_context, decltype(&heif_context_free)> context_;
  Held<heif_image_handle, void (*)(heif_image_handle*)> handle_;
  heif_image* image_ = nullptr;
  const std::uint8_t* plane_ = nullptr;
  std::size_t plane_stride_ = 0;
  int range_bits_ = 8;
  int next_row_ = 0;
};

}  // namespace

std::unique_ptr<ImageDecoder> open_heif(const unsigned char* data, std::size_t size,
                                        const std::string& name, std::uint64_t max_pixels) {
  return std::make_unique<HeifDecoder>(data, size, name, max_pixels);
}

}  // namespace smpshade::detail
