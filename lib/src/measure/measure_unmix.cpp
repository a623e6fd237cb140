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
// A DCT block's mean residual (the skin's own variation) goes to its scalp share when the block
// is at least this much scalp; a block of (almost) all hair keeps none.
constexpr float kMinScalpShare = 0.25f;
// A mixture of hair and scalp is no lighter than the scalp: a chroma sample whose block's mean
// luma lies more than this many of the scalp core's (per-pixel) luma spreads above the scalp's
// is light added on top (shine, the light's colour, toward neutral chroma), not a mixture, and
// stays out of the fit. A block's mean spreads no more than one pixel, so 3 (one-sided, normal)
// drops under 0.2 % of plain scalp. Left in, shine's blocks read "all scalp, chroma near
// neutral" and flatten the fitted line: on the samples they pulled the hair 1-1.4 codes toward
// the skin (brown-black Cb 125.1 against 126.3 painted; 126.2 without them).
constexpr float kShineSpreads = 3.0f;

inline bool clipped_pixel(const unsigned char* p) {
  return p[0] == 255 || p[1] == 255 || p[2] == 255;
}

// The block's mean skin share and mean bend (per chroma channel): its luma pixels (those inside
// the image) through ChromaUnmixing's tables.
struct BlockMix {
  float share = 0.0f, bend[2] = {0.0f, 0.0f};
};
BlockMix block_mix(const ChromaUnmixing& u, const JpegPlanes& planes, int bx, int by) {
  const int x0 = bx * planes.block_w, y0 = by * planes.block_h;
  const int x1 = std::min(planes.width, x0 + planes.block_w);
  const int y1 = std::min(planes.height, y0 + planes.block_h);
  BlockMix m;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const std::uint8_t code = planes.luma(x, y);
      m.share += u.share[code];
      m.bend[0] += u.bend[0][code], m.bend[1] += u.bend[1][code];
    }
  }
  const float n = static_cast<float>((x1 - x0) * (y1 - y0));
  m.share /= n, m.bend[0] /= n, m.bend[1] /= n;
  return m;
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

// The mean luma of a chroma sample's block of luma pixels (all inside the image).
float block_mean_luma(const JpegPlanes& planes, int bx, int by) {
  const int x0 = bx * planes.block_w, y0 = by * planes.block_h;
  int sum = 0;
  for (int y = y0; y < y0 + planes.block_h; ++y) {
    for (int x = x0; x < x0 + planes.block_w; ++x) sum += planes.luma(x, y);
  }
  return static_cast<float>(sum) / static_cast<float>(planes.block_w * planes.block_h);
}

// The cores' mean luma and the scalp core's luma spread, from the region's sample grid classified
// by the split.
bool core_luma(const JpegPlanes& planes, const RegionPixels& pixels, int stride,
               const SplitRule& split, const PixelColour& colour, const unsigned char* rows,
               std::size_t row_stride, ChromaUnmixing& u) {
  double sum[2] = {0, 0}, scalp_squares = 0;
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
        const double luma = planes.luma(x, y);
        sum[k] += luma;
        if (k == 1) scalp_squares += luma * luma;
        ++n[k];
      }
    }
  }
  if (n[0] == 0 || n[1] == 0) return false;
  u.y_hair = static_cast<float>(sum[0] / static_cast<double>(n[0]));
  u.y_scalp = static_cast<float>(sum[1] / static_cast<double>(n[1]));
  u.sd_scalp =
      static_cast<float>(std::sqrt(std::max(0.0, scalp_squares / static_cast<double>(n[1]) -
                                                     static_cast<double>(u.y_scalp) * u.y_scalp)));
  return u.y_scalp - u.y_hair >= kMinLumaGap;
}

// The normal equations of C − 128 − bend = C_hair' (1 − m) + C_scalp' m, both chroma channels.
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

// Which chroma samples lie in the region: their luma pixels all in its spans, none clipped.
std::vector<std::uint8_t> usable_samples(const JpegPlanes& planes, const RegionPixels& pixels,
                                         const unsigned char* rows, std::size_t row_stride) {
  std::vector<std::uint8_t> usable(static_cast<std::size_t>(planes.chroma_width) *
                                   static_cast<std::size_t>(planes.chroma_height));
  for (int by = 0; by < planes.chroma_height; ++by) {
    for (int bx = 0; bx < planes.chroma_width; ++bx) {
      usable[static_cast<std::size_t>(by) * static_cast<std::size_t>(planes.chroma_width) +
             static_cast<std::size_t>(bx)] = block_usable(planes, pixels, bx, by, rows, row_stride);
    }
  }
  return usable;
}

// Of those, the ones the fit may use: mean luma no lighter than `lit` (see kShineSpreads).
std::vector<std::uint8_t> without_shine(const JpegPlanes& planes, std::vector<std::uint8_t> usable,
                                        float lit) {
  for (int by = 0; by < planes.chroma_height; ++by) {
    for (int bx = 0; bx < planes.chroma_width; ++bx) {
      std::uint8_t& u =
          usable[static_cast<std::size_t>(by) * static_cast<std::size_t>(planes.chroma_width) +
                 static_cast<std::size_t>(bx)];
      u = u && block_mean_luma(planes, bx, by) <= lit;
    }
  }
  return usable;
}

// The fit in the sample domain (every stored chroma sample alike), used when the file's
// coefficients are not at hand; it also counts the blocks that mix hair and scalp.
NormalEquations fit_in_sample_domain(ChromaUnmixing& u, const JpegPlanes& planes,
                                     const std::vector<std::uint8_t>& usable) {
  NormalEquations eq;
  u.blocks = u.mixed_blocks = 0;
  for (int by = 0; by < planes.chroma_height; ++by) {
    for (int bx = 0; bx < planes.chroma_width; ++bx) {
      const std::size_t i =
          static_cast<std::size_t>(by) * static_cast<std::size_t>(planes.chroma_width) +
          static_cast<std::size_t>(bx);
      if (!usable[i]) continue;
      const BlockMix m = block_mix(u, planes, bx, by);
      const double c[2] = {planes.cb[i] - 128.0 - m.bend[0], planes.cr[i] - 128.0 - m.bend[1]};
      eq.add(1.0 - m.share, m.share, c, 1.0);
      ++u.blocks;
      u.mixed_blocks += m.share > kMixedLow && m.share < kMixedHigh;
    }
  }
  return eq;
}

// The fit in the file's own terms: each 8 × 8 block of chroma samples as the DCT coefficients
// the file stores, each weighted by 1 / step² (quantisation's error is about step / √12). In
// the sample domain the coarse steps of the high frequencies flatten the chroma of small hairs
// toward the skin's and the fit follows; here they count for what they hold.
bool fit_in_dct_domain(const ChromaUnmixing& u, const JpegPlanes& planes,
                       const std::vector<std::uint8_t>& usable, NormalEquations& eq) {
  if (planes.blocks_w == 0) return false;
  static const DctBasis basis;
  for (int by = 0; by < planes.blocks_h; ++by) {
    for (int bx = 0; bx < planes.blocks_w; ++bx) {
      if (8 * (bx + 1) > planes.chroma_width || 8 * (by + 1) > planes.chroma_height) continue;
      double mix[8][8], bend[2][8][8];
      bool all_usable = true;
      for (int y = 0; y < 8 && all_usable; ++y) {
        for (int x = 0; x < 8 && all_usable; ++x) {
          all_usable = usable[static_cast<std::size_t>(8 * by + y) *
                                  static_cast<std::size_t>(planes.chroma_width) +
                              static_cast<std::size_t>(8 * bx + x)] != 0;
          if (!all_usable) break;
          const BlockMix m = block_mix(u, planes, 8 * bx + x, 8 * by + y);
          mix[y][x] = m.share, bend[0][y][x] = m.bend[0], bend[1][y][x] = m.bend[1];
        }
      }
      if (!all_usable) continue;
      double m[8][8], b[2][8][8];
      basis.forward(mix, m);
      basis.forward(bend[0], b[0]);
      basis.forward(bend[1], b[1]);
      const std::size_t at =
          (static_cast<std::size_t>(by) * static_cast<std::size_t>(planes.blocks_w) +
           static_cast<std::size_t>(bx)) *
          64;
      for (int k = 0; k < 64; ++k) {
        const int v = k / 8, h = k % 8;
        const double mk = m[v][h], ak = (k == 0 ? 8.0 : 0.0) - mk;
        const double c[2] = {planes.cb_coefficients[at + static_cast<std::size_t>(k)] - b[0][v][h],
                             planes.cr_coefficients[at + static_cast<std::size_t>(k)] - b[1][v][h]};
        // One weight for both channels: the larger step of the two.
        const double step = std::max(planes.cb_steps[static_cast<std::size_t>(k)],
                                     planes.cr_steps[static_cast<std::size_t>(k)]);
        eq.add(ak, mk, c, 1.0 / (step * step));
      }
    }
  }
  return eq.aa > 0;
}

// JFIF's YCbCr → RGB (ITU-T T.871 eq. 7), then sRGB's curve (IEC 61966-2-1) to linear light,
// and back: the camera's encoding, which phone JPEGs share with sRGB (Display P3 has its curve).
std::array<double, 3> linear_rgb_of(double y, double cb, double cr) {
  const double rgb[3] = {y + 1.402 * (cr - 128), y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128),
                         y + 1.772 * (cb - 128)};
  std::array<double, 3> linear{};
  for (std::size_t k = 0; k < 3; ++k) {
    const double e = std::clamp(rgb[k] / 255.0, 0.0, 1.0);
    linear[k] = e <= 0.04045 ? e / 12.92 : std::pow((e + 0.055) / 1.055, 2.4);
  }
  return linear;
}
std::array<double, 3> ycc_of_linear(const std::array<double, 3>& linear) {
  double e[3];
  for (std::size_t k = 0; k < 3; ++k) {
    const double l = linear[k];
    e[k] = 255.0 * (l <= 0.0031308 ? 12.92 * l : 1.055 * std::pow(l, 1 / 2.4) - 0.055);
  }
  return {0.299 * e[0] + 0.587 * e[1] + 0.114 * e[2],
          128 - 0.168736 * e[0] - 0.331264 * e[1] + 0.5 * e[2],
          128 + 0.5 * e[0] - 0.418688 * e[1] - 0.081312 * e[2]};
}

// The tables of the mixing curve through the current hair and scalp colours: a pixel that is
// a share s skin by area is (1 − s) hair + s skin in linear light, encoded; per luma code, the s
// whose encoded luma that is, and how far the encoded chroma there lies off the straight line
// between the two ends. Black hair on any skin, or hair that is a darker shade of the skin,
// mixes along a straight line; other pairs bow (grey hair on pink skin by about a chroma code).
void fit_mixing_curve(ChromaUnmixing& u) {
  const std::array<double, 3> hair = linear_rgb_of(u.y_hair, u.hair[0], u.hair[1]);
  const std::array<double, 3> scalp = linear_rgb_of(u.y_scalp, u.scalp[0], u.scalp[1]);
  auto mixed = [&](double s) {
    std::array<double, 3> linear{};
    for (std::size_t k = 0; k < 3; ++k) linear[k] = (1 - s) * hair[k] + s * scalp[k];
    return ycc_of_linear(linear);
  };
  const std::array<double, 3> ends[2] = {mixed(0), mixed(1)};
  if (!(ends[1][0] - ends[0][0] >= kMinLumaGap / 2)) return;  // keep the straight line
  for (int code = 0; code < 256; ++code) {
    double low = 0, high = 1;
    if (code <= ends[0][0]) high = 0;
    if (code >= ends[1][0]) low = 1;
    for (int i = 0; i < 30 && high - low > 1e-6; ++i) {  // luma rises with the skin's share
      const double mid = 0.5 * (low + high);
      (mixed(mid)[0] < code ? low : high) = mid;
    }
    const double s = 0.5 * (low + high);
    const std::array<double, 3> c = mixed(s);
    const auto at = static_cast<std::size_t>(code);
    u.share[at] = static_cast<float>(s);
    for (std::size_t k = 0; k < 2; ++k) {
      u.bend[k][at] =
          static_cast<float>(c[k + 1] - ((1 - s) * ends[0][k + 1] + s * ends[1][k + 1]));
    }
  }
}

// Each DCT block's mean skin share and mean residual, for unmix_row. A sample's own residual is
// mostly quantisation's: the coarse high frequencies smear a dot's chroma over the skin around
// it (DC, the block's mean, is kept to a fine step). Given sample by sample to the scalp share
// of the mostly-scalp samples, while the mostly-hair samples (where the smear is the other way)
// keep none, it pulled the scalp toward the hair's chroma by 0.3-0.6 ΔE00 on the samples
// (dark-black 1.03, with the block's mean 0.51). The block's mean keeps the skin's variation
// from 16 pixels up (8 × 8 chroma samples at 4:2:0) and drops the smear, which sums to about
// nothing over a block.
void fit_dct_block_residuals(ChromaUnmixing& u, const JpegPlanes& planes,
                             const std::vector<std::uint8_t>& unclipped) {
  if (planes.blocks_w == 0) return;
  u.dct_block_residual.assign(
      static_cast<std::size_t>(planes.blocks_w) * static_cast<std::size_t>(planes.blocks_h),
      {-1.0f, 0.0f, 0.0f});
  for (int dy = 0; dy < planes.blocks_h; ++dy) {
    for (int dx = 0; dx < planes.blocks_w; ++dx) {
      double share = 0, residual[2] = {0, 0};
      int n = 0;
      for (int by = 8 * dy; by < std::min(8 * dy + 8, planes.chroma_height); ++by) {
        for (int bx = 8 * dx; bx < std::min(8 * dx + 8, planes.chroma_width); ++bx) {
          const std::size_t i =
              static_cast<std::size_t>(by) * static_cast<std::size_t>(planes.chroma_width) +
              static_cast<std::size_t>(bx);
          if (!unclipped[i]) continue;
          const BlockMix m = block_mix(u, planes, bx, by);
          const double stored[2] = {static_cast<double>(planes.cb[i]),
                                    static_cast<double>(planes.cr[i])};
          for (int k = 0; k < 2; ++k) {
            residual[k] +=
                stored[k] - ((1.0 - m.share) * u.hair[k] + m.share * u.scalp[k] + m.bend[k]);
          }
          share += m.share;
          ++n;
        }
      }
      if (n == 0) continue;
      u.dct_block_residual[static_cast<std::size_t>(dy) *
                               static_cast<std::size_t>(planes.blocks_w) +
                           static_cast<std::size_t>(dx)] = {static_cast<float>(share / n),
                                                            static_cast<float>(residual[0] / n),
                                                            static_cast<float>(residual[1] / n)};
    }
  }
}

}  // namespace

ChromaUnmixing fit_chroma_unmixing(const JpegPlanes& planes, const RegionPixels& pixels, int stride,
                                   const SplitRule& split, const PixelColour& colour,
                                   const unsigned char* rows, std::size_t row_stride) {
  ChromaUnmixing u;
  if (planes.width == 0 || !split.distinct) return u;
  if (!core_luma(planes, pixels, stride, split, colour, rows, row_stride, u)) return u;
  // First along the straight line in (Y, Cb, Cr) between the cores, then along the mixing
  // curve through what that found, twice (the curve moves the ends by a fraction of a code).
  for (std::size_t code = 0; code < 256; ++code) {
    u.share[code] = u.straight_share(static_cast<float>(code));
  }
  const std::vector<std::uint8_t> in_region = usable_samples(planes, pixels, rows, row_stride);
  const std::vector<std::uint8_t> usable =
      without_shine(planes, in_region, u.y_scalp + kShineSpreads * u.sd_scalp);
  for (int round = 0; round < 3; ++round) {
    const NormalEquations samples = fit_in_sample_domain(u, planes, usable);
    if (u.mixed_blocks < kMinMixedBlocks) return ChromaUnmixing{};
    NormalEquations coefficients;
    const NormalEquations& eq =
        fit_in_dct_domain(u, planes, usable, coefficients) ? coefficients : samples;
    const double det = eq.aa * eq.mm - eq.am * eq.am;
    if (!(det > 1e-9 * eq.aa * eq.mm)) return ChromaUnmixing{};
    for (int k = 0; k < 2; ++k) {
      u.hair[k] = static_cast<float>(128.0 + (eq.mm * eq.ac[k] - eq.am * eq.mc[k]) / det);
      u.scalp[k] = static_cast<float>(128.0 + (eq.aa * eq.mc[k] - eq.am * eq.ac[k]) / det);
    }
    if (round < 2) fit_mixing_curve(u);
  }
  fit_dct_block_residuals(u, planes, in_region);
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
      if (!u.dct_block_residual.empty()) {
        const std::array<float, 3>& d =
            u.dct_block_residual[static_cast<std::size_t>(by / 8) *
                                     static_cast<std::size_t>(planes.blocks_w) +
                                 static_cast<std::size_t>(bx / 8)];
        block_m = d[0], residual[0] = d[1], residual[1] = d[2];
      } else {
        const BlockMix m = block_mix(u, planes, bx, by);
        block_m = m.share;
        const std::size_t i = planes.chroma_index(x, y);
        const float stored[2] = {static_cast<float>(planes.cb[i]),
                                 static_cast<float>(planes.cr[i])};
        for (int k = 0; k < 2; ++k) {
          residual[k] =
              stored[k] - ((1.0f - block_m) * u.hair[k] + block_m * u.scalp[k] + m.bend[k]);
        }
      }
    }
    const std::uint8_t code = planes.luma(x, y);
    const float luma = code;
    const float w = u.share[code];
    const float share = block_m >= kMinScalpShare ? w / block_m : 0.0f;
    const float cb =
        (1.0f - w) * u.hair[0] + w * u.scalp[0] + u.bend[0][code] + share * residual[0] - 128.0f;
    const float cr =
        (1.0f - w) * u.hair[1] + w * u.scalp[1] + u.bend[1][code] + share * residual[1] - 128.0f;
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
