// Pixel codes to XYZ and CIELAB, fast. LittleCMS (through cms.hpp) evaluates the profile; for
// the matrix/TRC profiles of cameras and phones XYZ is a sum of one curve per channel, so
// three table look-ups per pixel give exactly what LittleCMS would.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "measure/internal.hpp"
#include "smpshade/error.hpp"

namespace smpshade::detail {

float LabF::exact(float t) {
  constexpr double kEpsilon = 216.0 / 24389.0;
  constexpr double kKappa = 24389.0 / 27.0;
  const double v = t;
  return static_cast<float>(v > kEpsilon ? std::cbrt(v) : (kKappa * v + 16.0) / 116.0);
}

LabF::LabF() {
  for (std::size_t i = 0; i < table_.size(); ++i) {
    table_[i] = exact(static_cast<float>(static_cast<double>(i) * kTop / kIntervals));
  }
}

const LabF& lab_f_table() {
  static const LabF table;
  return table;
}

LightnessBins::LightnessBins() : table_(kSteps) {
  const LabF& f = lab_f_table();
  for (int i = 0; i < kSteps; ++i) {
    // The bin of the step's lower edge: monotone in Y, as the bins of L* are.
    const float l = 116.0f * f(static_cast<float>(i) * (kTop / kSteps)) - 16.0f;
    const int bin = static_cast<int>(l * kLBinsPerL);
    table_[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(std::clamp(bin, 0, kLBins - 1));
  }
}

float LightnessBins::gate(int bin) const {
  const auto first = std::lower_bound(table_.begin(), table_.end(), bin);
  if (first == table_.begin()) return -HUGE_VALF;  // everything, even a negative Y
  return static_cast<float>(first - table_.begin());
}

const LightnessBins& lightness_bins() {
  static const LightnessBins bins;
  return bins;
}

namespace {

// The linear map Bradford applies between two whites, as a row-major 3×3 matrix.
std::array<double, 9> bradford_matrix(const Xyz& from, const Xyz& to) {
  std::array<double, 9> m{};
  const Xyz basis[3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  for (int column = 0; column < 3; ++column) {
    const Xyz v = bradford_adapt(basis[column], from, to);
    m[static_cast<std::size_t>(column)] = v.x;
    m[static_cast<std::size_t>(3 + column)] = v.y;
    m[static_cast<std::size_t>(6 + column)] = v.z;
  }
  return m;
}

// A deterministic spread of test codes for the separability check.
std::uint32_t next_code(std::uint32_t& state, std::uint32_t top) {
  state = state * 1664525u + 1013904223u;
  return (state >> 8) % (top + 1);
}

}  // namespace

PixelColour::PixelColour(const Profile& profile, int bits, White white)
    : bits_(bits), codes_(bits == 16 ? 65536 : 256), white_(white_point(white)) {
  adapt_ = bradford_matrix(kD50, white_);
  fallback_ = std::make_unique<RgbToLab>(profile, bits == 16 ? SampleType::U16 : SampleType::U8);

  // One channel at a time, the others at 0, through LittleCMS's float pipeline.
  const RgbToLab ramp(profile, SampleType::F32);
  const float top = static_cast<float>(codes_ - 1);
  std::vector<float> rgb(codes_ * 3 + 3, 0.0f);
  std::vector<Lab> lab(codes_ + 1);
  tables_.assign(codes_ * 3, Vec4{0, 0, 0, 0});
  fixed_tables_.assign(codes_ * 3, FixedT{});
  std::array<double, 3> black{};
  {
    const float zero[3] = {0, 0, 0};
    Lab black_lab;
    ramp.convert(zero, &black_lab, 1);
    const Xyz xyz = xyz_from_lab(black_lab, kD50);
    black = {xyz.x, xyz.y, xyz.z};
  }
  for (int channel = 0; channel < 3; ++channel) {
    std::fill(rgb.begin(), rgb.end(), 0.0f);
    for (std::size_t v = 0; v < codes_; ++v)
      rgb[v * 3 + static_cast<std::size_t>(channel)] = static_cast<float>(v) / top;
    ramp.convert(rgb.data(), lab.data(), codes_);
    Vec4* table = tables_.data() + static_cast<std::size_t>(channel) * codes_;
    FixedT* fixed = fixed_tables_.data() + static_cast<std::size_t>(channel) * codes_;
    for (std::size_t v = 0; v < codes_; ++v) {
      const Xyz xyz = xyz_from_lab(lab[v], kD50);
      // The channel's own contribution; the black point once, in channel R.
      double d[3] = {xyz.x - black[0], xyz.y - black[1], xyz.z - black[2]};
      if (channel == 0) {
        for (int k = 0; k < 3; ++k) d[k] += black[static_cast<std::size_t>(k)];
      }
      const double w[3] = {white_.x, white_.y, white_.z};
      double t[3];
      for (int k = 0; k < 3; ++k) {
        const double adapted = adapt_[static_cast<std::size_t>(3 * k)] * d[0] +
                               adapt_[static_cast<std::size_t>(3 * k + 1)] * d[1] +
                               adapt_[static_cast<std::size_t>(3 * k + 2)] * d[2];
        t[k] = adapted / w[k];
        table[v][k] = static_cast<float>(t[k]);
      }
      fixed[v].xy = Vec2i{to_fixed(t[0]), to_fixed(t[1])};
      fixed[v].zn = Vec2i{to_fixed(t[2]), channel == 0 ? 1 : 0};
      table[v][3] = channel == 0 ? 1.0f : 0.0f;
      if (v == codes_ - 1) table[v][3] += kClipped;
    }
  }

  // Separable when the table sums reproduce LittleCMS on mixed colours (LUT profiles do not).
  constexpr int kChecks = 256;
  std::vector<float> mixed(kChecks * 3);
  std::vector<std::uint32_t> codes(kChecks * 3);
  std::uint32_t state = 12345;
  const auto top_code = static_cast<std::uint32_t>(codes_ - 1);
  for (int i = 0; i < kChecks * 3; ++i) {
    // The first few are the white, a grey and the corners most likely to show a cross term.
    const std::uint32_t fixed[] = {
        top_code, top_code, top_code, top_code / 2, top_code / 2, top_code / 2, top_code,
        top_code, 0,        0,        top_code,     top_code};
    codes[static_cast<std::size_t>(i)] = i < 12 ? fixed[i] : next_code(state, top_code);
    mixed[static_cast<std::size_t>(i)] =
        static_cast<float>(codes[static_cast<std::size_t>(i)]) / top;
  }
  std::vector<Lab> reference(kChecks);
  ramp.convert(mixed.data(), reference.data(), kChecks);
  double worst = 0;
  for (int i = 0; i < kChecks; ++i) {
    const Xyz xyz = xyz_from_lab(reference[static_cast<std::size_t>(i)], kD50);
    const double d[3] = {xyz.x, xyz.y, xyz.z};
    const double w[3] = {white_.x, white_.y, white_.z};
    for (int k = 0; k < 3; ++k) {
      const double expected = (adapt_[static_cast<std::size_t>(3 * k)] * d[0] +
                               adapt_[static_cast<std::size_t>(3 * k + 1)] * d[1] +
                               adapt_[static_cast<std::size_t>(3 * k + 2)] * d[2]) /
                              w[k];
      double sum = 0;
      for (int c = 0; c < 3; ++c) {
        sum += table(c)[codes[static_cast<std::size_t>(3 * i + c)]][k];
      }
      worst = std::max(worst, std::fabs(sum - expected));
    }
  }
  // 2e-5 of the white is 0.002 L* at L* 50 and 0.02 near black: well inside LittleCMS's own
  // float precision margin against transicc.
  separable_ = worst < 2e-5;
  if (!separable_) {
    tables_.clear();
    fixed_tables_.clear();
  }
}

PixelColour::~PixelColour() = default;

void PixelColour::convert(const void* rgb, int count, int step, Vec4* t, FixedT* fixed) const {
  if (count <= 0) return;
  if (separable_) {
    const Vec4* tr = table(0);
    const Vec4* tg = table(1);
    const Vec4* tb = table(2);
    const FixedT* fr = fixed_tables_.data();
    const FixedT* fg = fr + codes_;
    const FixedT* fb = fg + codes_;
    auto sum = [&](auto* px) {
      if (fixed) {
        for (int i = 0; i < count; ++i, px += 3 * step) {
          t[i] = tr[px[0]] + tg[px[1]] + tb[px[2]];
          fixed[i].xy = fr[px[0]].xy + fg[px[1]].xy + fb[px[2]].xy;
          fixed[i].zn = fr[px[0]].zn + fg[px[1]].zn + fb[px[2]].zn;
        }
      } else {
        for (int i = 0; i < count; ++i, px += 3 * step) t[i] = tr[px[0]] + tg[px[1]] + tb[px[2]];
      }
    };
    if (bits_ == 16) {
      sum(static_cast<const std::uint16_t*>(rgb));
    } else {
      sum(static_cast<const unsigned char*>(rgb));
    }
    return;
  }
  // Every pixel through LittleCMS: gather the stepped pixels, convert, re-express as t.
  thread_local std::vector<unsigned char> gathered;
  thread_local std::vector<Lab> lab;
  const std::size_t pixel_bytes = bits_ == 16 ? 6 : 3;
  const auto* bytes = static_cast<const unsigned char*>(rgb);
  const void* source = rgb;
  if (step != 1) {
    gathered.resize(pixel_bytes * static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      std::copy_n(
          bytes + pixel_bytes * static_cast<std::size_t>(i) * static_cast<std::size_t>(step),
          pixel_bytes, gathered.data() + pixel_bytes * static_cast<std::size_t>(i));
    }
    source = gathered.data();
  }
  lab.resize(static_cast<std::size_t>(count));
  fallback_->convert(source, lab.data(), static_cast<std::size_t>(count));
  const double w[3] = {white_.x, white_.y, white_.z};
  const auto* source_bytes = static_cast<const unsigned char*>(source);
  for (int i = 0; i < count; ++i) {
    const Xyz xyz = xyz_from_lab(lab[static_cast<std::size_t>(i)], kD50);
    const double d[3] = {xyz.x, xyz.y, xyz.z};
    bool top = false;
    for (int c = 0; c < 3; ++c) {
      const std::size_t at = static_cast<std::size_t>(i) * pixel_bytes;
      if (bits_ == 16) {
        std::uint16_t sample = 0;
        std::memcpy(&sample, source_bytes + at + 2 * static_cast<std::size_t>(c), 2);
        top = top || sample == 65535;
      } else {
        top = top || source_bytes[at + static_cast<std::size_t>(c)] == 255;
      }
    }
    Vec4 v{0, 0, 0, top ? 1 + kClipped : 1};
    double exact[3];
    for (int k = 0; k < 3; ++k) {
      exact[k] = (adapt_[static_cast<std::size_t>(3 * k)] * d[0] +
                  adapt_[static_cast<std::size_t>(3 * k + 1)] * d[1] +
                  adapt_[static_cast<std::size_t>(3 * k + 2)] * d[2]) /
                 w[k];
      v[k] = static_cast<float>(exact[k]);
    }
    t[i] = v;
    if (fixed) {
      fixed[i].xy = Vec2i{to_fixed(exact[0]), to_fixed(exact[1])};
      fixed[i].zn = Vec2i{to_fixed(exact[2]), 1};
    }
  }
}

}  // namespace smpshade::detail
