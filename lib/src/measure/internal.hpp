#pragma once
// The parts of smp-measure's engine: regions in stored coordinates, the per-profile colour
// tables, and the statistics. measure.cpp puts them together.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "formats/image/decoder.hpp"
#include "smpshade/cms.hpp"
#include "smpshade/colour.hpp"
#include "smpshade/measure.hpp"

namespace smpshade::detail {

// ---------------------------------------------------------------------------------------------
// Regions

/// Columns [x0, x1) of one stored row.
struct Span {
  int x0 = 0, x1 = 0;
};

/// A region's pixels in stored coordinates, as spans per row (rows in CSR form).
struct RegionPixels {
  std::vector<std::uint32_t> row_start;  // stored_height + 1 offsets into spans
  std::vector<Span> spans;
  std::uint64_t count = 0;
  const Span* begin(int y) const { return spans.data() + row_start[static_cast<std::size_t>(y)]; }
  const Span* end(int y) const { return spans.data() + row_start[static_cast<std::size_t>(y) + 1]; }
};

/// A mask as loaded from its PNG: displayed size, one byte per pixel (non-zero = inside).
struct Mask {
  int width = 0, height = 0;
  std::vector<unsigned char> inside;
};

/// A rectangle's or polygon's outline in displayed pixels on an image of `info`'s size; empty for
/// the whole image and masks.
std::vector<ImagePoint> region_outline(const RegionSpec& region, const ImageInfo& info);

/// Loads a mask PNG (any channel non-zero = inside). Throws naming the file.
Mask load_mask(const std::string& path);

/// The pixels of `region` on an image with this header; `mask` for RegionSpec::Kind::Mask.
/// `hole` (displayed coordinates; may reach outside the image) is left out of the whole-image
/// region: the chart's card with --chart. Throws InputError (at `source`) when the region
/// leaves the image or holds no pixel.
RegionPixels region_pixels(const RegionSpec& region, const ImageHeader& header, const Mask* mask,
                           const std::string& source, const std::vector<ImagePoint>& hole = {});

// ---------------------------------------------------------------------------------------------
// Colour

/// Lab's f(t) (CIE 15:2004 eq. 8.3, exact rational constants) through a table of 8192
/// intervals over [0, 1.25], linearly interpolated (error below 2e-6 in f, 2e-4 in L*);
/// exact outside that range.
class LabF {
 public:
  static constexpr int kIntervals = 8192;
  static constexpr float kTop = 1.25f;
  LabF();
  float operator()(float t) const {
    if (t >= 0.0f && t < kTop) {
      const float x = t * (kIntervals / kTop);
      const int i = static_cast<int>(x);
      const float frac = x - static_cast<float>(i);
      return table_[static_cast<std::size_t>(i)] +
             frac * (table_[static_cast<std::size_t>(i) + 1] - table_[static_cast<std::size_t>(i)]);
    }
    return exact(t);
  }
  static float exact(float t);

 private:
  std::array<float, kIntervals + 2> table_{};
};
const LabF& lab_f_table();

/// One pixel's CIELAB, single precision.
struct PixelLab {
  float l = 0, a = 0, b = 0;
};

inline PixelLab lab_from_t(const LabF& f, float tx, float ty, float tz) {
  const float fx = f(tx), fy = f(ty), fz = f(tz);
  return {116.0f * fy - 16.0f, 500.0f * (fx - fy), 200.0f * (fy - fz)};
}

/// Four floats in one SIMD register where the target has one (GCC/Clang vector extension;
/// plain code elsewhere): a pixel's (X/Xn, Y/Yn, Z/Zn, 1), for deciding.
typedef float Vec4 __attribute__((vector_size(16)));
typedef std::int64_t Vec2i __attribute__((vector_size(16)));

/// The same pixel in fixed point, units of 2^-32, and a count of 1, for summing: integer sums
/// are exact and associative, so means do not depend on the order of the pixels, on the number
/// of threads, or on which pass added them.
struct FixedT {
  Vec2i xy{0, 0};
  Vec2i zn{0, 0};
  FixedT& operator+=(const FixedT& o) {
    xy += o.xy;
    zn += o.zn;
    return *this;
  }
};
inline std::int64_t to_fixed(double t) { return std::llround(t * 4294967296.0); }

/// Pixel codes to "t" = XYZ / white of the output white (Bradford-adapted from the D50 PCS),
/// for one profile and bit depth. When the profile is separable (matrix/TRC profiles: XYZ is
/// a sum of one function per channel, checked numerically against LittleCMS) t is the sum of
/// three table entries; otherwise every pixel goes through LittleCMS.
class PixelColour {
 public:
  PixelColour(const Profile& profile, int bits, White white);
  ~PixelColour();
  bool separable() const { return separable_; }
  int bits() const { return bits_; }
  /// Separable only: (tx, ty, tz, 0) per code value of channel c (R, G, B). Channel R also
  /// carries the black point and a 1 in the last lane, so R[r] + G[g] + B[b] = (t, 1).
  const Vec4* table(int channel) const {
    return tables_.data() + static_cast<std::size_t>(channel) * codes_;
  }
  /// Separable only: the same in fixed point, with the count of 1 in channel R.
  const FixedT* fixed_table(int channel) const {
    return fixed_tables_.data() + static_cast<std::size_t>(channel) * codes_;
  }
  std::size_t codes() const { return codes_; }
  /// (t, 1) of `count` pixels (interleaved RGB of this bit depth, `step` pixels apart), and
  /// the same in fixed point when `fixed` is given. A clipped pixel (a channel at the top code
  /// value) has kClipped added to the last float lane.
  void convert(const void* rgb, int count, int step, Vec4* t, FixedT* fixed = nullptr) const;
  static constexpr float kClipped = 4096.0f;

 private:
  int bits_;
  std::size_t codes_;
  bool separable_ = false;
  std::vector<Vec4> tables_;
  std::vector<FixedT> fixed_tables_;
  std::array<double, 9> adapt_{};  // D50 → output white, Bradford
  Xyz white_;
  std::unique_ptr<RgbToLab> fallback_;
};

// ---------------------------------------------------------------------------------------------
// The exclusion grid

/// Highlights are decided on a grid of lightness (0.5 L* bins, from Y/Yn) by whiteness
/// (0.02 bins of min(t)/max(t): 1 for a neutral, lower for a saturated colour). Both come from
/// a pixel's XYZ without the cube roots of Lab, which keeps the full-resolution pass cheap, and
/// the grid (10,251 cells of 16 bytes) stays in cache.
inline constexpr int kLBins = 201;  // L* 0..100 by 0.5
inline constexpr int kWBins = 51;   // whiteness 0..1 by 0.02
inline constexpr float kLBinsPerL = 2.0f;

/// The L* bin of Y/Yn: a table of 16384 steps over [0, 1.25) (a step is below 0.01 L* above
/// L* 8, where highlights are).
class LightnessBins {
 public:
  static constexpr int kSteps = 16384;
  static constexpr float kTop = 1.25f;
  LightnessBins();
  int operator()(float ty) const {
    float x = ty * (kSteps / kTop);
    x = x < 0.0f ? 0.0f : x > kSteps - 1.0f ? kSteps - 1.0f : x;
    return table_[static_cast<std::size_t>(x)];
  }
  /// A bound on ty × (kSteps / kTop) that every pixel of `bin` or above reaches (what passes
  /// may be lower; it is a gate, not the bin).
  float gate(int bin) const;

 private:
  std::vector<std::uint8_t> table_;
};
const LightnessBins& lightness_bins();

inline int whiteness_bin(float tx, float ty, float tz) {
  const float high = std::max(tx, std::max(ty, tz));
  const float low = std::min(tx, std::min(ty, tz));
  if (!(high > 0.0f)) return kWBins - 1;  // black: no hue to lose
  const float w = low > 0.0f ? low / high : 0.0f;
  return static_cast<int>(w * (kWBins - 1));
}

/// A sampled pixel: its Lab for the statistics, its t and grid cell for the decisions.
struct SamplePixel {
  PixelLab lab;
  float t[3] = {0, 0, 0};
  std::uint8_t l_bin = 0;
  std::uint8_t w_bin = 0;
};

/// A region's sample: some 300,000 pixels of a large photo, in memory for a photo's size.
using SampleGrid = std::vector<SamplePixel, HugePageAllocator<SamplePixel>>;

/// The specular-highlight rule of a population: a pixel is a highlight when it is at least
/// `min_l_bin` light and `min_w_bin` white: lighter and less saturated than the population, as
/// the dichromatic reflection model says a specular reflection (the light's own colour, white
/// after relative colorimetry) added to a body colour is.
struct HighlightRule {
  bool active = false;
  int min_l_bin = kLBins;
  int min_w_bin = kWBins;
  bool excludes(int l_bin, int w_bin) const {
    return active && l_bin >= min_l_bin && w_bin >= min_w_bin;
  }
  bool excludes(const SamplePixel& p) const { return excludes(p.l_bin, p.w_bin); }
};

/// Histograms of a sample in 0.01 bins (L* −1..101, a* and b* −150..150; values beyond land
/// in the end bins) and of its whiteness bins: the order statistics without sorting.
struct SampleHistograms {
  static constexpr int kLCount = 10200, kAbCount = 30000;
  std::vector<std::uint32_t> l, a, b;
  std::array<std::uint64_t, kWBins> w{};
  std::uint64_t n = 0;
  SampleHistograms() : l(kLCount, 0), a(kAbCount, 0), b(kAbCount, 0) {}
  static int l_index(float v) { return index((v + 1.0f) * 100.0f, kLCount); }
  static int ab_index(float v) { return index((v + 150.0f) * 100.0f, kAbCount); }
  void add(const SamplePixel& p) {
    ++l[static_cast<std::size_t>(l_index(p.lab.l))];
    ++a[static_cast<std::size_t>(ab_index(p.lab.a))];
    ++b[static_cast<std::size_t>(ab_index(p.lab.b))];
    ++w[p.w_bin];
    ++n;
  }
  void remove(const SamplePixel& p) {
    --l[static_cast<std::size_t>(l_index(p.lab.l))];
    --a[static_cast<std::size_t>(ab_index(p.lab.a))];
    --b[static_cast<std::size_t>(ab_index(p.lab.b))];
    --w[p.w_bin];
    --n;
  }

 private:
  static int index(float x, int count) {
    return x < 0.0f ? 0 : x >= static_cast<float>(count) ? count - 1 : static_cast<int>(x);
  }
};

/// The rule from a population's (unclipped) sample: L* above the median by more than
/// max(6, 3.5 × 1.4826 × MAD of L*), and whiteness above the median whiteness. Inactive for
/// fewer than 50 pixels.
HighlightRule highlight_rule(const SampleHistograms& histograms);

/// Exact sums of t over a set of pixels.
struct XyzSum {
  std::uint64_t n = 0;
  std::int64_t x = 0, y = 0, z = 0;
  void add(const FixedT& f) {
    x += f.xy[0];
    y += f.xy[1];
    z += f.zn[0];
    n += static_cast<std::uint64_t>(f.zn[1]);
  }
  void add(const XyzSum& o) {
    n += o.n;
    x += o.x;
    y += o.y;
    z += o.z;
  }
  /// Lab of the mean relative to `white`; NaN when empty.
  Lab mean_lab(const Xyz& white) const;
};

/// A region's pixels on the (lightness, whiteness) grid: per cell the exact sums, so that the
/// highlight rule, decided when the image is done, still gives exact counts and means.
class ExclusionGrid {
 public:
  ExclusionGrid() : cells_(static_cast<std::size_t>(kLBins * kWBins)) {}
  void add(int l_bin, int w_bin, const FixedT& t) {
    cells_[static_cast<std::size_t>(l_bin * kWBins + w_bin)] += t;
  }
  /// The sums of the cells the rule excludes and of the others.
  void totals(const HighlightRule& rule, XyzSum& kept, XyzSum& excluded) const;

 private:
  std::vector<FixedT> cells_;
};

// ---------------------------------------------------------------------------------------------
// The split

/// Two clusters, hair (darker) and scalp, found in Lab, and the cores that are measured. A
/// pixel's place between them is judged in linear light, where a pixel partly covered by a
/// hair is a linear mixture: beta = 0 is the hair's colour, 1 the scalp's. Only pixels within
/// each cluster's own spread of beta are its core; the mixtures between are left out, as are
/// each cluster's highlights.
struct SplitRule {
  PixelLab hair, scalp;                                 // Lab centres of the cores
  float hair_t[3] = {0, 0, 0}, scalp_t[3] = {1, 1, 1};  // the same in t
  float hair_limit = 0.0f, scalp_limit = 1.0f;          // cores: beta <= hair_limit, >= scalp_limit
  HighlightRule hair_highlights, scalp_highlights;
  bool distinct = true;
  float beta(const float* t) const {
    float dot = 0, norm = 0;
    for (int k = 0; k < 3; ++k) {
      const float d = scalp_t[k] - hair_t[k];
      dot += (t[k] - hair_t[k]) * d;
      norm += d * d;
    }
    return norm > 0 ? dot / norm : 0.0f;
  }
  /// PixelClass::Hair, Scalp, Mixed or Highlight; `in_hair` says which cluster the pixel
  /// (highlight or not) is nearer in linear light.
  PixelClass classify(const float* t, int l_bin, int w_bin, bool& in_hair) const {
    const float b = beta(t);
    in_hair = b < 0.5f;
    if ((in_hair ? hair_highlights : scalp_highlights).excludes(l_bin, w_bin)) {
      return PixelClass::Highlight;
    }
    if (b <= hair_limit) return PixelClass::Hair;
    if (b >= scalp_limit) return PixelClass::Scalp;
    return PixelClass::Mixed;
  }
  PixelClass classify(const SamplePixel& p, bool& in_hair) const {
    return classify(p.t, p.l_bin, p.w_bin, in_hair);
  }
};

/// 2-means in Lab from lightness-quantile seeds, then the cores and each cluster's highlight
/// rule, refined together; deterministic.
SplitRule split_rule(const SampleGrid& sample, bool exclude_highlights);

// ---------------------------------------------------------------------------------------------
// Chroma unmixing (--split on a JPEG whose chroma is subsampled)

/// A JPEG encoder stores one Cb and one Cr per block of luma pixels (2 × 2 for 4:2:0): their
/// average. Where a block holds hair and scalp, the stored chroma is a mixture whose shares the
/// full-resolution luma tells. A pixel a share s skin by area is (1 − s) hair + s skin in linear
/// light, then encoded (sRGB's curve, JFIF's YCbCr): its luma gives s, and its chroma is
/// (1 − s) C_hair + s C_scalp plus the curve's bend off that straight line (zero for black hair,
/// or hair that is a darker shade of the skin). A block's chroma is the mean over its pixels, and
/// over every block of the region that is linear least squares for C_hair and C_scalp (per
/// channel), fitted first along the straight line and then twice along the curve through what
/// the previous fit found. Blocks lighter than any mixture (shine) stay out of the fit.
struct ChromaUnmixing {
  bool active = false;
  float y_hair = 0.0f, y_scalp = 255.0f;  // luma codes of the split's two cores
  float sd_scalp = 0.0f;                  // the scalp core's luma spread (codes)
  float hair[2] = {128.0f, 128.0f};       // fitted (Cb, Cr) codes
  float scalp[2] = {128.0f, 128.0f};
  std::uint64_t blocks = 0, mixed_blocks = 0;  // blocks in the fit, and those holding both
  /// Per 8 × 8 block of chroma samples (the file's DCT blocks, JpegPlanes::blocks_w across),
  /// over its samples in the region and unclipped: the mean skin share and the mean residual
  /// (stored minus fitted Cb, Cr); share −1 where it has none. Empty when the file's
  /// coefficients are not at hand, and then each sample's own residual is used.
  std::vector<std::array<float, 3>> dct_block_residual;
  /// Per luma code: the pixel's share of skin by area (its mix), and how far the chroma of that
  /// mix lies off the straight line between the hair's and the scalp's (Cb, Cr).
  std::array<float, 256> share{};
  std::array<float, 256> bend[2]{};
  float straight_share(float y) const {
    const float w = (y - y_hair) / (y_scalp - y_hair);
    return w < 0.0f ? 0.0f : w > 1.0f ? 1.0f : w;
  }
};

/// Fits the unmixing of a region from the JPEG's stored planes; `rows` are the decoded (8-bit,
/// stored order) rows, `row_stride` bytes apart, classified by `split` through `colour` for the
/// cores' luma. Inactive when too few blocks mix hair and scalp to tell their chroma apart.
ChromaUnmixing fit_chroma_unmixing(const JpegPlanes& planes, const RegionPixels& pixels, int stride,
                                   const SplitRule& split, const PixelColour& colour,
                                   const unsigned char* rows, std::size_t row_stride);

/// Stored row `y` of the region with each pixel's chroma unmixed: its own luma, the fitted
/// chroma of its mix, and its DCT block's mean residual (stored minus fitted) given to its scalp
/// share, where that block is mostly scalp (the skin's own variation). Pixels [x0, x1) of
/// `decoded` to `out` (interleaved 8-bit RGB, JFIF's YCbCr → RGB); clipped pixels are copied as
/// they are.
void unmix_row(const ChromaUnmixing& unmixing, const JpegPlanes& planes,
               const unsigned char* decoded, unsigned char* out, int y, int x0, int x1);

/// Per channel p10, median, p90 (linear interpolation between exact order statistics) and
/// population standard deviation of a sample.
struct SampleStats {
  Lab p10, median, p90, sd;
};

/// The order statistics of the sample pixels a histogram describes, in one pass: the histogram
/// says which 0.01 bin each wanted rank falls in, add() keeps only those bins' values, and
/// result() selects among them.
class OrderStatistics {
 public:
  /// `kept`: the histograms of exactly the pixels that will be add()ed.
  explicit OrderStatistics(const SampleHistograms& kept);
  void add(const SamplePixel& p) {
    const float v[3] = {p.lab.l, p.lab.a, p.lab.b};
    const int bin[3] = {SampleHistograms::l_index(v[0]), SampleHistograms::ab_index(v[1]),
                        SampleHistograms::ab_index(v[2])};
    for (int c = 0; c < 3; ++c) {
      const double d = v[c] - shift_[c];
      sum_[c] += d;
      squares_[c] += d * d;
      for (int t = 0; t < 6; ++t) {
        if (targets_[c][t].bin != bin[c]) continue;
        gathered_[c][t].push_back(v[c]);
        break;  // the first target of a bin gathers for the others of that bin
      }
    }
  }
  SampleStats result();

 private:
  struct Target {
    std::uint64_t rank = 0, below = 0;
    int bin = 0;
  };
  std::uint64_t n_;
  Target targets_[3][6];
  std::vector<float> gathered_[3][6];
  double shift_[3] = {0, 0, 0}, sum_[3] = {0, 0, 0}, squares_[3] = {0, 0, 0};
};

/// The statistics of the sample pixels `keep` accepts; `histograms` are those pixels'.
template <typename Keep>
SampleStats sample_stats(const SampleGrid& sample, const SampleHistograms& histograms, Keep keep) {
  OrderStatistics statistics(histograms);
  for (const SamplePixel& p : sample) {
    if (keep(p)) statistics.add(p);
  }
  return statistics.result();
}

/// Several quantiles of `values` at once, linear interpolation between order statistics.
std::vector<double> quantiles(const std::vector<float>& values, const std::vector<double>& qs);

}  // namespace smpshade::detail
