// Chroma unmixing: the hair's and the scalp's Cb and Cr from a 4:2:0 (or 4:2:2) JPEG's stored
// chroma planes, by least squares over the blocks of the region (see ChromaUnmixing).
#include <cmath>

#include "measure/internal.hpp"

namespace smpshade::detail {

namespace {

// A fit needs this many blocks holding both hair and scalp (mean mix between these bounds)...
constexpr std::uint64_t kMinMixedBlocks = 20;
constexpr float kMixedLow = 0.1f, kMixedHigh = 0.9f;
// ...and cores whose luma differs by this many codes: closer, the mix is noise.
constexpr float kMinLumaGap = 8.0f;
// A block's residual (the skin's own variation, and what quantisation left) goes to its scalp
// share when the block is at least this much scalp; a block of (almost) all hair keeps none.
constexpr float kMinScalpShare = 0.25f;

inline bool clipped_pixel(const unsigned char* p) {
  return p[0] == 255 || p[1] == 255 || p[2] == 255;
}

// The block's mean mix: its luma pixels (those inside the image) through ChromaUnmixing::mix.
float block_mix(const ChromaUnmixing& u, const JpegPlanes& planes, int bx, int by) {
  const int x0 = bx * planes.block_w, y0 = by * planes.block_h;
  const int x1 = std::min(planes.width, x0 + planes.block_w);
  const int y1 = std::min(planes.height, y0 + planes.block_h);
  float sum = 0.0f;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) sum += u.mix(planes.luma(x, y));
  }
  return sum / static_cast<float>((x1 - x0) * (y1 - y0));
}

// Whether the block's luma pixels all lie in the region's spans and none is clipped.
bool block_usable(const JpegPlanes& planes, const RegionPixels& pixels, int bx, int by,
                  const unsigned char* rows, std::size_t row_stride) {
  const int x0 = bx * planes.block_w, y0 = by * planes.block_h;
  const int x1 = x0 + planes.block_w, y1 = y0 + planes.block_h;
  if (x1 > planes.width || y1 > planes.height) return false;
  for (int y = y0; y < y1; ++y) {
    bool inside = false;
    for (const Span* s = pixels.begin(y); s != pixels.end(y); ++s) {
      if (s->x0 <= x0 && x1 <= s->x1) inside = true;
    }
    if (!inside) return false;
    const unsigned char* row = rows + row_stride * static_cast<std::size_t>(y);
    for (int x = x0; x < x1; ++x) {
      if (clipped_pixel(row + 3 * x)) return false;
    }
  }
  return true;
}

// The cores' mean luma, from the region's sample grid classified by the split.
bool core_luma(const JpegPlanes& planes, const RegionPixels& pixels, int stride,
               const SplitRule& split, const PixelColour& colour, const unsigned char* rows,
               std::size_t row_stride, ChromaUnmixing& u) {
  double sum[2] = {0, 0};
  std::uint64_t n[2] = {0, 0};
  Vec4 t[1];
  for (int y = 0; y < planes.height; y += stride) {
    const unsigned char* row = rows + row_stride * static_cast<std::size_t>(y);
    for (const Span* s = pixels.begin(y); s != pixels.end(y); ++s) {
      for (int x = (s->x0 + stride - 1) / stride * stride; x < s->x1; x += stride) {
        if (clipped_pixel(row + 3 * x)) continue;
        colour.convert(row + 3 * x, 1, 1, t);
        const float tv[3] = {t[0][0], t[0][1], t[0][2]};
        bool in_hair = false;
        const PixelClass cls = split.classify(tv, lightness_bins()(tv[1]),
                                              whiteness_bin(tv[0], tv[1], tv[2]), in_hair);
        if (cls != PixelClass::Hair && cls != PixelClass::Scalp) continue;
        const int k = cls == PixelClass::Hair ? 0 : 1;
        sum[k] += planes.luma(x, y);
        ++n[k];
      }
    }
  }
  if (n[0] == 0 || n[1] == 0) return false;
  u.y_hair = static_cast<float>(sum[0] / static_cast<double>(n[0]));
  u.y_scalp = static_cast<float>(sum[1] / static_cast<double>(n[1]));
  return u.y_scalp - u.y_hair >= kMinLumaGap;
}

// The normal equations of C − 128 = C_hair' (1 − m) + C_scalp' m, both chroma channels.
struct NormalEquations {
  double aa = 0, am = 0, mm = 0, ac[2] = {0, 0}, mc[2] = {0, 0};
  void add(double a, double m, const double* c, double weight) {
    aa += weight * a * a, am += weight * a * m, mm += weight * m * m;
    for (int k = 0; k < 2; ++k) ac[k] += weight * a * c[k], mc[k] += weight * m * c[k];
  }
};

// JPEG's forward DCT (ITU-T T.81 A.3.3): F(v, u) = C(v)/2 C(u)/2 ΣΣ f(y, x) cos((2y+1)vπ/16)
// cos((2x+1)uπ/16), as the table's rows.
struct DctBasis {
  double c[8][8];
  DctBasis() {
    for (int u = 0; u < 8; ++u) {
      for (int x = 0; x < 8; ++x) {
        c[u][x] = (u == 0 ? std::sqrt(0.5) : 1.0) / 2 * std::cos((2 * x + 1) * u * M_PI / 16);
      }
    }
  }
  void forward(const double in[8][8], double out[8][8]) const {
    double rows[8][8];
    for (int y = 0; y < 8; ++y) {
      for (int u = 0; u < 8; ++u) {
        double sum = 0;
        for (int x = 0; x < 8; ++x) sum += c[u][x] * in[y][x];
        rows[y][u] = sum;
      }
    }
    for (int v = 0; v < 8; ++v) {
      for (int u = 0; u < 8; ++u) {
        double sum = 0;
        for (int y = 0; y < 8; ++y) sum += c[v][y] * rows[y][u];
        out[v][u] = sum;
      }
    }
  }
};

// The fit in the file's own terms: each 8 × 8 block of chroma samples as the DCT coefficients
// the file stores, each weighted by 1 / step² (quantisation's error is about step / √12). In
// the sample domain the coarse steps of the high frequencies flatten the chroma of small hairs
// toward the skin's and the fit follows; here they count for what they hold.
bool fit_in_dct_domain(const ChromaUnmixing& u, const JpegPlanes& planes,
                       const RegionPixels& pixels, const unsigned char* rows,
                       std::size_t row_stride, NormalEquations& eq) {
  if (planes.blocks_w == 0) return false;
  static const DctBasis basis;
  for (int by = 0; by < planes.blocks_h; ++by) {
    for (int bx = 0; bx < planes.blocks_w; ++bx) {
      if (8 * (bx + 1) > planes.chroma_width || 8 * (by + 1) > planes.chroma_height) continue;
      double mix[8][8];
      bool usable = true;
      for (int y = 0; y < 8 && usable; ++y) {
        for (int x = 0; x < 8 && usable; ++x) {
          usable = block_usable(planes, pixels, 8 * bx + x, 8 * by + y, rows, row_stride);
          if (usable) mix[y][x] = block_mix(u, planes, 8 * bx + x, 8 * by + y);
        }
      }
      if (!usable) continue;
      double m[8][8];
      basis.forward(mix, m);
      const std::size_t at =
          (static_cast<std::size_t>(by) * static_cast<std::size_t>(planes.blocks_w) +
           static_cast<std::size_t>(bx)) *
          64;
      for (int k = 0; k < 64; ++k) {
        const double mk = m[k / 8][k % 8], ak = (k == 0 ? 8.0 : 0.0) - mk;
        const double c[2] = {
            static_cast<double>(planes.cb_coefficients[at + static_cast<std::size_t>(k)]),
            static_cast<double>(planes.cr_coefficients[at + static_cast<std::size_t>(k)])};
        // One weight for both channels: the larger step of the two.
        const double step = std::max(planes.cb_steps[static_cast<std::size_t>(k)],
                                     planes.cr_steps[static_cast<std::size_t>(k)]);
        eq.add(ak, mk, c, 1.0 / (step * step));
      }
    }
  }
  return eq.aa > 0;
}

}  // namespace

ChromaUnmixing fit_chroma_unmixing(const JpegPlanes& planes, const RegionPixels& pixels, int stride,
                                   const SplitRule& split, const PixelColour& colour,
                                   const unsigned char* rows, std::size_t row_stride) {
  ChromaUnmixing u;
  if (planes.width == 0 || !split.distinct) return u;
  if (!core_luma(planes, pixels, stride, split, colour, rows, row_stride, u)) return u;
  // Which blocks mix hair and scalp, and the fit in the sample domain (C = (1 − m) C_hair +
  // m C_scalp, every block alike), used when the file's coefficients are not at hand.
  NormalEquations samples;
  for (int by = 0; by < planes.chroma_height; ++by) {
    for (int bx = 0; bx < planes.chroma_width; ++bx) {
      if (!block_usable(planes, pixels, bx, by, rows, row_stride)) continue;
      const double m = block_mix(u, planes, bx, by), a = 1.0 - m;
      const std::size_t i =
          static_cast<std::size_t>(by) * static_cast<std::size_t>(planes.chroma_width) +
          static_cast<std::size_t>(bx);
      const double c[2] = {planes.cb[i] - 128.0, planes.cr[i] - 128.0};
      samples.add(a, m, c, 1.0);
      ++u.blocks;
      u.mixed_blocks += m > kMixedLow && m < kMixedHigh;
    }
  }
  if (u.mixed_blocks < kMinMixedBlocks) return u;
  NormalEquations coefficients;
  const NormalEquations& eq =
      fit_in_dct_domain(u, planes, pixels, rows, row_stride, coefficients) ? coefficients : samples;
  const double det = eq.aa * eq.mm - eq.am * eq.am;
  if (!(det > 1e-9 * eq.aa * eq.mm)) return u;
  for (int k = 0; k < 2; ++k) {
    u.hair[k] = static_cast<float>(128.0 + (eq.mm * eq.ac[k] - eq.am * eq.mc[k]) / det);
    u.scalp[k] = static_cast<float>(128.0 + (eq.aa * eq.mc[k] - eq.am * eq.ac[k]) / det);
  }
  u.active = true;
  return u;
}

void unmix_row(const ChromaUnmixing& u, const JpegPlanes& planes, const unsigned char* decoded,
               unsigned char* out, int y, int x0, int x1) {
  const int by = y / planes.block_h;
  int cached_block = -1;
  float block_m = 0.0f, residual[2] = {0, 0};
  for (int x = x0; x < x1; ++x) {
    const unsigned char* in = decoded + 3 * x;
    unsigned char* o = out + 3 * x;
    if (clipped_pixel(in)) {
      o[0] = in[0], o[1] = in[1], o[2] = in[2];
      continue;
    }
    const int bx = x / planes.block_w;
    if (bx != cached_block) {
      cached_block = bx;
      block_m = block_mix(u, planes, bx, by);
      const std::size_t i = planes.chroma_index(x, y);
      const float stored[2] = {static_cast<float>(planes.cb[i]), static_cast<float>(planes.cr[i])};
      for (int k = 0; k < 2; ++k) {
        residual[k] = stored[k] - ((1.0f - block_m) * u.hair[k] + block_m * u.scalp[k]);
      }
    }
    const float luma = planes.luma(x, y);
    const float w = u.mix(luma);
    const float share = block_m >= kMinScalpShare ? w / block_m : 0.0f;
    const float cb = (1.0f - w) * u.hair[0] + w * u.scalp[0] + share * residual[0] - 128.0f;
    const float cr = (1.0f - w) * u.hair[1] + w * u.scalp[1] + share * residual[1] - 128.0f;
    // JFIF's YCbCr → RGB (ITU-T T.871 eq. 7), rounded through a fixed dither (the R2 sequence
    // of x and y) so that rounding adds no bias to a mean; never up to the clipped code.
    const float rgb[3] = {luma + 1.402f * cr, luma - 0.344136f * cb - 0.714136f * cr,
                          luma + 1.772f * cb};
    const float phase = 0.7548777f * static_cast<float>(x) + 0.5698403f * static_cast<float>(y);
    const float dither = phase - std::floor(phase);
    for (int k = 0; k < 3; ++k) {
      const float v = std::floor(rgb[k] + dither);
      o[k] = static_cast<unsigned char>(v < 0.0f ? 0.0f : v > 254.0f ? 254.0f : v);
    }
  }
}

}  // namespace smpshade::detail
