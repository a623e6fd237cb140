#include "test_images.hpp"

#include <png.h>
#include <tiffio.h>
#include <libheif/heif.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <stdexcept>

// jpeglib.h needs size_t and FILE first.
#include <jpeglib.h>

#include "smpshade/cms.hpp"

namespace smpshade::test {

namespace {

void put16(std::vector<unsigned char>& out, unsigned v) {
  out.push_back(static_cast<unsigned char>(v & 0xff));
  out.push_back(static_cast<unsigned char>(v >> 8));
}
void put32(std::vector<unsigned char>& out, unsigned v) {
  put16(out, v & 0xffff);
  put16(out, v >> 16);
}

// A little-endian TIFF structure with IFD0 holding Orientation, Make and Model (the EXIF block
// of a JPEG APP1 or a PNG eXIf chunk).
std::vector<unsigned char> exif_block(const WriteOptions& o) {
  struct Entry {
    unsigned tag, type, count;
    std::string text;
    unsigned value;
  };
  std::vector<Entry> entries;
  if (!o.make.empty()) entries.push_back({0x010f, 2, unsigned(o.make.size() + 1), o.make, 0});
  if (!o.model.empty()) entries.push_back({0x0110, 2, unsigned(o.model.size() + 1), o.model, 0});
  if (o.orientation) entries.push_back({0x0112, 3, 1, "", unsigned(o.orientation)});
  std::vector<unsigned char> out = {'I', 'I', 42, 0};
  put32(out, 8);
  put16(out, unsigned(entries.size()));
  unsigned data_at = 8 + 2 + 12 * unsigned(entries.size()) + 4;
  std::vector<unsigned char> data;
  for (const Entry& e : entries) {
    put16(out, e.tag);
    put16(out, e.type);
    put32(out, e.count);
    if (e.type == 3) {
      put16(out, e.value);
      put16(out, 0);
    } else if (e.count <= 4) {
      for (unsigned i = 0; i < 4; ++i) out.push_back(i < e.text.size() ? e.text[i] : 0);
    } else {
      put32(out, data_at + unsigned(data.size()));
      data.insert(data.end(), e.text.begin(), e.text.end());
      data.push_back(0);
    }
  }
  put32(out, 0);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

}  // namespace

void write_jpeg(const std::string& path, const Pixels& p, const WriteOptions& o) {
  if (p.bits != 8) throw std::runtime_error("JPEG is 8-bit");
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) throw std::runtime_error("cannot write " + path);
  jpeg_compress_struct c{};
  jpeg_error_mgr errors{};
  c.err = jpeg_std_error(&errors);
  jpeg_create_compress(&c);
  jpeg_stdio_dest(&c, file);
  c.image_width = JDIMENSION(p.width);
  c.image_height = JDIMENSION(p.height);
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, o.quality, TRUE);
  if (!o.subsample) c.comp_info[0].h_samp_factor = c.comp_info[0].v_samp_factor = 1;
  if (o.subsample && o.horizontal_only) c.comp_info[0].v_samp_factor = 1;
  jpeg_start_compress(&c, TRUE);
  if (o.orientation || !o.make.empty() || !o.model.empty()) {
    std::vector<unsigned char> app1 = {'E', 'x', 'i', 'f', 0, 0};
    const auto block = exif_block(o);
    app1.insert(app1.end(), block.begin(), block.end());
    jpeg_write_marker(&c, JPEG_APP0 + 1, app1.data(), unsigned(app1.size()));
  }
  if (!o.icc.empty()) jpeg_write_icc_profile(&c, o.icc.data(), unsigned(o.icc.size()));
  std::vector<unsigned char> row(std::size_t(p.width) * 3);
  while (c.next_scanline < c.image_height) {
    const std::uint16_t* in = p.at(0, int(c.next_scanline));
    for (std::size_t i = 0; i < row.size(); ++i) row[i] = static_cast<unsigned char>(in[i]);
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&c, rows, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  std::fclose(file);
}

void write_png(const std::string& path, const Pixels& p, const WriteOptions& o) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) throw std::runtime_error("cannot write " + path);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) throw std::runtime_error("libpng failed writing " + path);
  png_init_io(png, file);
  png_set_IHDR(png, info, png_uint_32(p.width), png_uint_32(p.height), p.bits, PNG_COLOR_TYPE_RGB,
               o.interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (!o.icc.empty()) {
    png_set_iCCP(png, info, "icc", PNG_COMPRESSION_TYPE_BASE, o.icc.data(),
                 png_uint_32(o.icc.size()));
  } else if (o.srgb_chunk) {
    png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
  }
  if (o.orientation || !o.make.empty()) {
    auto block = exif_block(o);
    png_set_eXIf_1(png, info, png_uint_32(block.size()), block.data());
  }
  png_write_info(png, info);
  if (p.bits == 16) png_set_swap(png);
  const int passes = png_set_interlace_handling(png);
  std::vector<unsigned char> row(std::size_t(p.width) * 3 * (p.bits / 8));
  for (int pass = 0; pass < passes; ++pass) {
    for (int y = 0; y < p.height; ++y) {
      const std::uint16_t* in = p.at(0, y);
      if (p.bits == 16) {
        std::memcpy(row.data(), in, row.size());
      } else {
        for (std::size_t i = 0; i < row.size(); ++i) row[i] = static_cast<unsigned char>(in[i]);
      }
      png_write_row(png, row.data());
    }
  }
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  std::fclose(file);
}

void write_tiff(const std::string& path, const Pixels& p, const WriteOptions& o) {
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  if (!tif) throw std::runtime_error("cannot write " + path);
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, std::uint32_t(p.width));
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, std::uint32_t(p.height));
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, std::uint16_t(p.bits));
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, std::uint16_t(3));
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, o.planar ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, o.compress ? COMPRESSION_ADOBE_DEFLATE : COMPRESSION_NONE);
  if (o.orientation) TIFFSetField(tif, TIFFTAG_ORIENTATION, std::uint16_t(o.orientation));
  if (!o.make.empty()) TIFFSetField(tif, TIFFTAG_MAKE, o.make.c_str());
  if (!o.model.empty()) TIFFSetField(tif, TIFFTAG_MODEL, o.model.c_str());
  if (!o.icc.empty())
    TIFFSetField(tif, TIFFTAG_ICCPROFILE, std::uint32_t(o.icc.size()), o.icc.data());
  const std::size_t bytes = p.bits / 8;
  const int planes = o.planar ? 3 : 1;
  const int per_pixel = o.planar ? 1 : 3;
  // One plane (or all samples) of a rectangle, as the file stores it.
  auto pack = [&](int x0, int y0, int w, int h, int plane, std::vector<unsigned char>& out) {
    out.assign(std::size_t(w) * h * per_pixel * bytes, 0);
    for (int y = 0; y < h && y0 + y < p.height; ++y) {
      for (int x = 0; x < w && x0 + x < p.width; ++x) {
        for (int c = 0; c < per_pixel; ++c) {
          const std::uint16_t v = p.at(x0 + x, y0 + y)[o.planar ? plane : c];
          unsigned char* at = out.data() + ((std::size_t(y) * w + x) * per_pixel + c) * bytes;
          if (bytes == 2) {
            std::memcpy(at, &v, 2);
          } else {
            *at = static_cast<unsigned char>(v);
          }
        }
      }
    }
  };
  std::vector<unsigned char> buffer;
  if (o.tiled) {
    TIFFSetField(tif, TIFFTAG_TILEWIDTH, std::uint32_t(64));
    TIFFSetField(tif, TIFFTAG_TILELENGTH, std::uint32_t(64));
    for (int plane = 0; plane < planes; ++plane) {
      for (int y = 0; y < p.height; y += 64) {
        for (int x = 0; x < p.width; x += 64) {
          pack(x, y, 64, 64, plane, buffer);
          TIFFWriteTile(tif, buffer.data(), std::uint32_t(x), std::uint32_t(y), 0,
                        std::uint16_t(plane));
        }
      }
    }
  } else {
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, std::uint32_t(8));
    for (int plane = 0; plane < planes; ++plane) {
      for (int y = 0; y < p.height; ++y) {
        pack(0, y, p.width, 1, plane, buffer);
        TIFFWriteScanline(tif, buffer.data(), std::uint32_t(y), std::uint16_t(plane));
      }
    }
  }
  TIFFClose(tif);
}

// HEIF through libheif's HEVC encoder (x265): 8-bit pixels as 4:2:0 (as phones save them) or
// 4:4:4, 16-bit ones as 10-bit; the ICC profile or nclx box, an irot/imir orientation and an
// EXIF block with the camera.
void write_heif(const std::string& path, const Pixels& pixels, const WriteOptions& o) {
  auto ok = [&](heif_error e, const char* what) {
    if (e.code != heif_error_Ok) {
      throw std::runtime_error(std::string("write_heif: ") + what + ": " + e.message);
    }
  };
  heif_context* context = heif_context_alloc();
  heif_encoder* encoder = nullptr;
  ok(heif_context_get_encoder_for_format(context, heif_compression_HEVC, &encoder), "encoder");
  heif_encoder_set_lossy_quality(encoder, o.quality);
  if (!o.subsample) heif_encoder_set_parameter_string(encoder, "chroma", "444");
  heif_image* image = nullptr;
  const bool wide = pixels.bits == 16;
  ok(heif_image_create(pixels.width, pixels.height, heif_colorspace_RGB,
                       wide ? heif_chroma_interleaved_RRGGBB_LE : heif_chroma_interleaved_RGB,
                       &image),
     "image");
  ok(heif_image_add_plane(image, heif_channel_interleaved, pixels.width, pixels.height,
                          wide ? 10 : 8),
     "plane");
  int stride = 0;
  std::uint8_t* plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
  for (int y = 0; y < pixels.height; ++y) {
    for (int x = 0; x < pixels.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        const unsigned v = pixels.at(x, y)[c];
        if (wide) {
          const unsigned ten = (v * 1023u + 32767u) / 65535u;
          plane[y * stride + (x * 3 + c) * 2] = static_cast<std::uint8_t>(ten & 0xff);
          plane[y * stride + (x * 3 + c) * 2 + 1] = static_cast<std::uint8_t>(ten >> 8);
        } else {
          plane[y * stride + x * 3 + c] = static_cast<std::uint8_t>(v);
        }
      }
    }
  }
  if (!o.icc.empty()) {
    ok(heif_image_set_raw_color_profile(image, "prof", o.icc.data(), o.icc.size()), "icc");
  }
  heif_color_profile_nclx* nclx = nullptr;
  if (o.icc.empty() && o.nclx_primaries) {
    nclx = heif_nclx_color_profile_alloc();
    heif_nclx_color_profile_set_color_primaries(nclx, std::uint16_t(o.nclx_primaries));
    heif_nclx_color_profile_set_transfer_characteristics(nclx, std::uint16_t(o.nclx_transfer));
    heif_nclx_color_profile_set_matrix_coefficients(nclx, 6);
    nclx->full_range_flag = 1;
    ok(heif_image_set_nclx_color_profile(image, nclx), "nclx");
  }
  heif_encoding_options* options = heif_encoding_options_alloc();
  // libheif leaves the nclx box out by default (macOS once misread it); phones write it.
  if (nclx) {
    options->macOS_compatibility_workaround_no_nclx_profile = 0;
    options->output_nclx_profile = nclx;
  }
  // libheif writes irot/imir boxes for an EXIF-numbered orientation (heif_orientation).
  options->image_orientation = static_cast<heif_orientation>(o.orientation ? o.orientation : 1);
  heif_image_handle* handle = nullptr;
  ok(heif_context_encode_image(context, image, encoder, options, &handle), "encode");
  if (!o.make.empty() || !o.model.empty()) {
    WriteOptions camera_only;
    camera_only.make = o.make;
    camera_only.model = o.model;
    const std::vector<unsigned char> exif = exif_block(camera_only);
    // HEIF's Exif item starts with the offset of the TIFF header (ISO/IEC 23008-12 A.2.1).
    std::vector<unsigned char> item = {0, 0, 0, 0};
    item.insert(item.end(), exif.begin(), exif.end());
    ok(heif_context_add_exif_metadata(context, handle, item.data(), int(item.size())), "exif");
  }
  heif_image_handle_release(handle);
  heif_encoding_options_free(options);
  if (nclx) heif_nclx_color_profile_free(nclx);
  heif_image_release(image);
  heif_encoder_release(encoder);
  ok(heif_context_write_to_file(context, path.c_str()), "write");
  heif_context_free(context);
}

void write_image(const std::string& path, const Pixels& pixels, const WriteOptions& options) {
  const std::string ext = path.substr(path.find_last_of('.') + 1);
  if (ext == "heic" || ext == "heif") return write_heif(path, pixels, options);
  if (ext == "jpg" || ext == "jpeg") return write_jpeg(path, pixels, options);
  if (ext == "png") return write_png(path, pixels, options);
  if (ext == "tif" || ext == "tiff") return write_tiff(path, pixels, options);
  throw std::runtime_error("unknown image extension: " + path);
}

namespace {
std::uint32_t crc32(const unsigned char* data, std::size_t n, std::uint32_t crc = 0xffffffffu) {
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
  }
  return crc;
}
void put_be32(std::vector<unsigned char>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<unsigned char>(v >> shift));
}
void put_chunk(std::vector<unsigned char>& out, const char* type,
               const std::vector<unsigned char>& data) {
  put_be32(out, std::uint32_t(data.size()));
  std::vector<unsigned char> body(type, type + 4);
  body.insert(body.end(), data.begin(), data.end());
  out.insert(out.end(), body.begin(), body.end());
  put_be32(out, crc32(body.data(), body.size()) ^ 0xffffffffu);
}
std::vector<unsigned char> png_start(std::uint32_t width, std::uint32_t height) {
  std::vector<unsigned char> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<unsigned char> ihdr;
  put_be32(ihdr, width);
  put_be32(ihdr, height);
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8-bit RGB, deflate, no filter, no interlace
  put_chunk(out, "IHDR", ihdr);
  return out;
}
}  // namespace

void write_png_claiming(const std::string& path, std::uint32_t width, std::uint32_t height) {
  std::vector<unsigned char> out = png_start(width, height);
  // A few bytes of (valid) zlib data: far too few for the claimed size.
  put_chunk(out, "IDAT", {0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01});
  put_chunk(out, "IEND", {});
  write_bytes(path, out);
}

void write_png_with_bad_iccp(const std::string& path) {
  // A valid 2 x 2 PNG (written by libpng), then an iCCP chunk of garbage spliced in after IHDR.
  const std::string good = path + ".tmp.png";
  Pixels p(2, 2, 8);
  write_png(good, p);
  std::vector<unsigned char> bytes = read_bytes(good);
  std::remove(good.c_str());
  std::vector<unsigned char> iccp = {'i', 'c', 'c', 0, 0};  // name, compression method 0
  for (int i = 0; i < 40; ++i) iccp.push_back(static_cast<unsigned char>(i * 37 + 11));
  std::vector<unsigned char> chunk;
  put_chunk(chunk, "iCCP", iccp);
  const std::size_t after_ihdr = 8 + 8 + 13 + 4;
  bytes.insert(bytes.begin() + std::ptrdiff_t(after_ihdr), chunk.begin(), chunk.end());
  write_bytes(path, bytes);
}

std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string reference_profile(const std::string& name) {
  const std::string path = "/usr/share/color/argyll/ref/" + name;
  if (!std::ifstream(path))
    throw std::runtime_error(path + " missing: install the 'argyll' package");
  return path;
}

std::vector<Lab> transicc_lab(const std::string& profile,
                              const std::vector<std::array<int, 3>>& rgb, int bits) {
  char name[] = "/tmp/smpshade-transicc-XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  {
    FILE* out = fdopen(fd, "w");
    // transicc reads RGB as 0..255 floating-point numbers; 16-bit codes are scaled exactly.
    for (const auto& p : rgb) {
      const double scale = bits == 16 ? 255.0 / 65535.0 : 1.0;
      std::fprintf(out, "%.9f %.9f %.9f\n", p[0] * scale, p[1] * scale, p[2] * scale);
    }
    std::fclose(out);
  }
  const std::string command =
      "transicc -t1 -i '" + profile + "' -o '*Lab' -n < " + name + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run transicc");
  std::vector<Lab> out;
  Lab lab;
  while (std::fscanf(pipe, "%lf %lf %lf", &lab.l, &lab.a, &lab.b) == 3) out.push_back(lab);
  pclose(pipe);
  std::remove(name);
  if (out.size() != rgb.size())
    throw std::runtime_error("transicc (liblcms2-utils) did not answer");
  return out;
}

Lab transicc_mean_lab(const std::string& profile, const Pixels& pixels, int x0, int y0, int x1,
                      int y1) {
  if (x1 < 0) x1 = pixels.width;
  if (y1 < 0) y1 = pixels.height;
  // Each distinct value through transicc once, then the mean of XYZ over the pixels.
  std::map<std::array<int, 3>, std::size_t> counts;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const std::uint16_t* v = pixels.at(x, y);
      ++counts[{v[0], v[1], v[2]}];
    }
  }
  std::vector<std::array<int, 3>> values;
  for (const auto& entry : counts) values.push_back(entry.first);
  const std::vector<Lab> labs = transicc_lab(profile, values, pixels.bits);
  double sum[3] = {0, 0, 0}, n = 0;
  std::size_t i = 0;
  for (const auto& entry : counts) {
    const Xyz xyz = xyz_from_lab(labs[i++], kD50);
    const double c = double(entry.second);
    sum[0] += c * xyz.x, sum[1] += c * xyz.y, sum[2] += c * xyz.z, n += c;
  }
  return lab_from_xyz({sum[0] / n, sum[1] / n, sum[2] / n}, kD50);
}

std::array<int, 3> srgb_codes(const Lab& lab, int bits) {
  static const Profile srgb = Profile::srgb();
  const LabToRgb to_rgb(srgb);
  const LabToRgb::Rgb rgb = to_rgb.convert(lab);
  const double top = bits == 16 ? 65535 : 255;
  auto code = [&](double v) { return int(std::lround(std::clamp(v, 0.0, 1.0) * top)); };
  return {code(rgb.r), code(rgb.g), code(rgb.b)};
}

Lab srgb_lab(const std::array<int, 3>& codes, int bits) {
  static const Profile srgb = Profile::srgb();
  const RgbToLab to_lab(srgb, bits == 16 ? SampleType::U16 : SampleType::U8);
  Lab lab;
  if (bits == 16) {
    const std::uint16_t v[3] = {std::uint16_t(codes[0]), std::uint16_t(codes[1]),
                                std::uint16_t(codes[2])};
    to_lab.convert(v, &lab, 1);
  } else {
    const unsigned char v[3] = {static_cast<unsigned char>(codes[0]),
                                static_cast<unsigned char>(codes[1]),
                                static_cast<unsigned char>(codes[2])};
    to_lab.convert(v, &lab, 1);
  }
  return lab;
}

double decode_srgb(double encoded) {
  return encoded <= 0.04045 ? encoded / 12.92 : std::pow((encoded + 0.055) / 1.055, 2.4);
}

double encode_srgb(double linear) {
  linear = std::clamp(linear, 0.0, 1.0);
  return linear <= 0.0031308 ? linear * 12.92 : 1.055 * std::pow(linear, 1 / 2.4) - 0.055;
}

std::array<double, 3> test_camera_rgb(const Lab& lab, double exposure,
                                      const std::array<double, 3>& cast) {
  // Linear sRGB: Bradford to D65, then IEC 61966-2-1's matrix, worked out here rather than
  // through an ICC transform, which would clip the cyan patch's negative red.
  const Xyz xyz = bradford_adapt(xyz_from_lab(lab, kD50), kD50, kD65);
  const double srgb[3] = {3.2406 * xyz.x - 1.5372 * xyz.y - 0.4986 * xyz.z,
                          -0.9689 * xyz.x + 1.8758 * xyz.y + 0.0415 * xyz.z,
                          0.0557 * xyz.x - 0.2040 * xyz.y + 1.0570 * xyz.z};
  // The camera's lies: each channel picks up its neighbours, and a white-balance error.
  constexpr double kCrossTalk[3][3] = {{0.74, 0.20, 0.06}, {0.08, 0.84, 0.08}, {0.03, 0.17, 0.80}};
  constexpr double kWhiteBalance[3] = {1.12, 1.0, 0.86};
  std::array<double, 3> rgb{};
  for (std::size_t k = 0; k < 3; ++k) {
    for (std::size_t j = 0; j < 3; ++j) rgb[k] += kCrossTalk[k][j] * srgb[j];
    rgb[k] *= kWhiteBalance[k] * cast[k] * exposure;
  }
  return rgb;
}

namespace {

// sRGB codes, for mixing in linear light.
double to_linear(double code, double top) { return decode_srgb(code / top); }
double to_code(double linear, double top) { return encode_srgb(linear) * top; }

}  // namespace

Pixels paint_scalp(const ScalpScene& s, std::vector<std::array<double, 3>>* shine_spots) {
  Pixels p(s.width, s.height, 8);
  std::mt19937 rng(s.seed);
  std::uniform_real_distribution<double> ux(0, s.width), uy(0, s.height), unit(0, 1);
  std::normal_distribution<double> noise(0, s.noise);
  // Coverage of each pixel by hair dots (0..1), from discs at random centres.
  std::vector<float> hair(std::size_t(s.width) * s.height, 0.0f);
  const double dot_area = 3.14159265358979 * s.dot_radius * s.dot_radius;
  const int dots = int(s.coverage * s.width * s.height / dot_area * 1.15);  // overlaps lose some
  for (int d = 0; d < dots; ++d) {
    const double cx = ux(rng), cy = uy(rng);
    const int r = int(std::ceil(s.dot_radius)) + 1;
    for (int y = std::max(0, int(cy) - r); y <= std::min(s.height - 1, int(cy) + r); ++y) {
      for (int x = std::max(0, int(cx) - r); x <= std::min(s.width - 1, int(cx) + r); ++x) {
        const double dist = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
        const double cover = std::clamp(s.dot_radius + 0.5 - dist, 0.0, 1.0);
        float& h = hair[std::size_t(y) * s.width + x];
        h = std::max(h, float(cover));
      }
    }
  }
  std::vector<std::array<double, 3>> spots;
  for (int k = 0; k < s.shine_spots; ++k) spots.push_back({ux(rng), uy(rng), 8 + 10 * unit(rng)});
  if (shine_spots) *shine_spots = spots;
  for (int y = 0; y < s.height; ++y) {
    for (int x = 0; x < s.width; ++x) {
      const double h = hair[std::size_t(y) * s.width + x];
      double white = 0;
      for (const auto& spot : spots) {
        const double d2 =
            (x + 0.5 - spot[0]) * (x + 0.5 - spot[0]) + (y + 0.5 - spot[1]) * (y + 0.5 - spot[1]);
        white = std::max(white, s.shine * std::exp(-d2 / (2 * spot[2] * spot[2] / 4)));
      }
      for (int c = 0; c < 3; ++c) {
        const double linear = (1 - h) * to_linear(s.skin[c], 255) + h * to_linear(s.hair[c], 255);
        const double lit = (1 - white) * linear + white;
        const double code = to_code(lit, 255) + noise(rng);
        p.at(x, y)[c] = std::uint16_t(std::clamp(std::lround(code), 0L, 254L));
      }
    }
  }
  return p;
}

Pixels paint_highlights(int width, int height, const std::array<int, 3>& codes, double noise_sd,
                        int spots, double peak, unsigned seed, std::vector<double>* strength) {
  Pixels p(width, height, 8);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> ux(0, width), uy(0, height), unit(0, 1);
  std::normal_distribution<double> noise(0, noise_sd);
  std::vector<std::array<double, 3>> centres;
  for (int k = 0; k < spots; ++k) centres.push_back({ux(rng), uy(rng), 6 + 8 * unit(rng)});
  if (strength) strength->assign(std::size_t(width) * height, 0.0);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      double white = 0;
      for (const auto& c : centres) {
        const double d2 = (x + 0.5 - c[0]) * (x + 0.5 - c[0]) + (y + 0.5 - c[1]) * (y + 0.5 - c[1]);
        white = std::max(white, peak * std::exp(-d2 / (2 * c[2] * c[2])));
      }
      if (white < 0.01) white = 0;
      if (strength) (*strength)[std::size_t(y) * width + x] = white;
      for (int c = 0; c < 3; ++c) {
        const double lit = (1 - white) * to_linear(codes[c], 255) + white;
        p.at(x, y)[c] =
            std::uint16_t(std::clamp(std::lround(to_code(lit, 255) + noise(rng)), 0L, 254L));
      }
    }
  }
  return p;
}

}  // namespace smpshade::test
