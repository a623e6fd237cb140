// The statistics of smp-measure: exact sums, exact order statistics of large samples, the
// specular-highlight rule, and the hair/scalp split.
#include <algorithm>
#include <cmath>
#include <limits>

#include "measure/internal.hpp"
#include "smpshade/difference.hpp"

namespace smpshade::detail {

Lab XyzSum::mean_lab(const Xyz& white) const {
  if (n == 0) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan, nan};
  }
  const double scale = 1.0 / (4294967296.0 * static_cast<double>(n));
  const Xyz mean{static_cast<double>(x) * scale * white.x, static_cast<double>(y) * scale * white.y,
                 static_cast<double>(z) * scale * white.z};
  return lab_from_xyz(mean, white);
}

void ExclusionGrid::totals(const HighlightRule& rule, XyzSum& kept, XyzSum& excluded) const {
  for (int lb = 0; lb < kLBins; ++lb) {
    for (int wb = 0; wb < kWBins; ++wb) {
      const FixedT& cell = cells_[static_cast<std::size_t>(lb * kWBins + wb)];
      if (cell.zn[1] == 0) continue;
      (rule.excludes(lb, wb) ? excluded : kept).add(cell);
    }
  }
}

namespace {

// Exact order statistics (0-based ranks) in linear time: a histogram over the value range
// finds each rank's bin, then one pass gathers those bins' values to select among.
std::vector<float> order_statistics(const std::vector<float>& values,
                                    const std::vector<std::size_t>& ranks) {
  std::vector<float> out(ranks.size(), std::numeric_limits<float>::quiet_NaN());
  if (values.empty()) return out;
  const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
  const float lo = *lo_it, hi = *hi_it;
  if (!(hi > lo)) {
    std::fill(out.begin(), out.end(), lo);
    return out;
  }
  const std::size_t bins = std::clamp<std::size_t>(values.size() / 4, 16, 1 << 16);
  const float scale = static_cast<float>(bins) / (hi - lo);
  auto bin_of = [&](float v) {
    const auto b = static_cast<std::size_t>((v - lo) * scale);
    return b >= bins ? bins - 1 : b;
  };
  std::vector<std::uint32_t> histogram(bins, 0);
  for (float v : values) ++histogram[bin_of(v)];
  // Each rank's bin, and how many values lie below it.
  std::vector<std::size_t> rank_bin(ranks.size()), below(ranks.size());
  std::vector<int> slot_of_bin(bins, -1);
  std::vector<std::vector<float>> gathered;
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    std::size_t count = 0, bin = 0;
    while (count + histogram[bin] <= ranks[r]) count += histogram[bin++];
    rank_bin[r] = bin;
    below[r] = count;
    if (slot_of_bin[bin] < 0) {
      slot_of_bin[bin] = static_cast<int>(gathered.size());
      gathered.emplace_back();
      gathered.back().reserve(histogram[bin]);
    }
  }
  for (float v : values) {
    const int slot = slot_of_bin[bin_of(v)];
    if (slot >= 0) gathered[static_cast<std::size_t>(slot)].push_back(v);
  }
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    std::vector<float>& in_bin = gathered[static_cast<std::size_t>(slot_of_bin[rank_bin[r]])];
    const auto nth = in_bin.begin() + static_cast<std::ptrdiff_t>(ranks[r] - below[r]);
    std::nth_element(in_bin.begin(), nth, in_bin.end());
    out[r] = *nth;
  }
  return out;
}

}  // namespace

std::vector<double> quantiles(const std::vector<float>& values, const std::vector<double>& qs) {
  std::vector<double> out(qs.size(), std::numeric_limits<double>::quiet_NaN());
  if (values.empty()) return out;
  std::vector<std::size_t> ranks;
  for (double q : qs) {
    const auto k = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1));
    ranks.push_back(k);
    ranks.push_back(std::min(k + 1, values.size() - 1));
  }
  const std::vector<float> stats = order_statistics(values, ranks);
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const double position = qs[i] * static_cast<double>(values.size() - 1);
    const double fraction = position - std::floor(position);
    out[i] = stats[2 * i] + fraction * (static_cast<double>(stats[2 * i + 1]) - stats[2 * i]);
  }
  return out;
}

namespace {
constexpr double kQs[3] = {0.1, 0.5, 0.9};
}  // namespace

OrderStatistics::OrderStatistics(const SampleHistograms& kept) : n_(kept.n) {
  if (n_ == 0) return;
  // Per channel: the six ranks (k and k + 1 of each quantile), the bin each falls in, and how
  // many values lie below that bin.
  const std::vector<std::uint32_t>* hist[3] = {&kept.l, &kept.a, &kept.b};
  for (int c = 0; c < 3; ++c) {
    for (int q = 0; q < 3; ++q) {
      const auto k = static_cast<std::uint64_t>(kQs[q] * static_cast<double>(n_ - 1));
      targets_[c][2 * q].rank = k;
      targets_[c][2 * q + 1].rank = std::min(k + 1, n_ - 1);
    }
    std::uint64_t below = 0;
    int bin = 0;
    for (Target& t : targets_[c]) {  // ranks ascend
      while (below + (*hist[c])[static_cast<std::size_t>(bin)] <= t.rank) {
        below += (*hist[c])[static_cast<std::size_t>(bin++)];
      }
      t.bin = bin;
      t.below = below;
    }
    // Sums for the standard deviation are shifted by the median bin, so the squares do not
    // cancel.
    shift_[c] = c == 0 ? targets_[0][2].bin / 100.0 - 1.0 : targets_[c][2].bin / 100.0 - 150.0;
  }
}

SampleStats OrderStatistics::result() {
  SampleStats stats;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  stats.p10 = stats.median = stats.p90 = stats.sd = {nan, nan, nan};
  if (n_ == 0) return stats;
  double* out[3][3] = {{&stats.p10.l, &stats.median.l, &stats.p90.l},
                       {&stats.p10.a, &stats.median.a, &stats.p90.a},
                       {&stats.p10.b, &stats.median.b, &stats.p90.b}};
  double* sd[3] = {&stats.sd.l, &stats.sd.a, &stats.sd.b};
  for (int c = 0; c < 3; ++c) {
    double value[6];
    for (int t = 0; t < 6; ++t) {
      int owner = 0;
      while (targets_[c][owner].bin != targets_[c][t].bin) ++owner;
      std::vector<float>& in_bin = gathered_[c][owner];
      const auto nth =
          in_bin.begin() + static_cast<std::ptrdiff_t>(targets_[c][t].rank - targets_[c][t].below);
      std::nth_element(in_bin.begin(), nth, in_bin.end());
      value[t] = *nth;
    }
    for (int q = 0; q < 3; ++q) {
      const double position = kQs[q] * static_cast<double>(n_ - 1);
      const double fraction = position - std::floor(position);
      *out[c][q] = value[2 * q] + fraction * (value[2 * q + 1] - value[2 * q]);
    }
    const double mean = sum_[c] / static_cast<double>(n_);
    *sd[c] = std::sqrt(std::max(0.0, squares_[c] / static_cast<double>(n_) - mean * mean));
  }
  return stats;
}

// The constants of the highlight rule (smp-measure(1), EXCLUSIONS).
namespace {
constexpr std::size_t kMinPopulation = 50;  // fewer pixels: too few to call any an outlier
constexpr double kSigmas = 3.5;             // robust standard deviations above the median
constexpr double kMadToSigma = 1.4826;      // MAD of a normal distribution → σ
constexpr double kMinLift = 6.0;            // never closer than 6 L* to the median
constexpr double kWhiteSigmas = 2.0;        // robust standard deviations whiter than the median
}  // namespace

HighlightRule highlight_rule(const SampleHistograms& h) {
  HighlightRule rule;
  if (h.n < kMinPopulation) return rule;
  // The median of L* and the median of |L* − median|, both to the 0.01 of the bins.
  auto median_bin = [](const std::vector<std::uint32_t>& counts, std::uint64_t n) {
    std::uint64_t below = 0;
    std::size_t bin = 0;
    while (below + counts[bin] <= n / 2) below += counts[bin++];
    return bin;
  };
  const std::size_t median = median_bin(h.l, h.n);
  std::vector<std::uint32_t> deviations(h.l.size(), 0);
  for (std::size_t bin = 0; bin < h.l.size(); ++bin) {
    deviations[bin > median ? bin - median : median - bin] += h.l[bin];
  }
  const double median_l = (static_cast<double>(median) + 0.5) / 100.0 - 1.0;
  const double mad = static_cast<double>(median_bin(deviations, h.n)) / 100.0;
  // The median whiteness bin and the median distance from it, in bins.
  std::vector<std::uint32_t> w(h.w.begin(), h.w.end());
  const std::size_t median_w = median_bin(w, h.n);
  std::vector<std::uint32_t> w_deviations(w.size(), 0);
  for (std::size_t bin = 0; bin < w.size(); ++bin) {
    w_deviations[bin > median_w ? bin - median_w : median_w - bin] += w[bin];
  }
  const double mad_w = static_cast<double>(median_bin(w_deviations, h.n));
  const double threshold = median_l + std::max(kMinLift, kSigmas * kMadToSigma * mad);
  rule.active = true;
  rule.min_l_bin = static_cast<int>(std::min(std::ceil(threshold * kLBinsPerL), double{kLBins}));
  // Whiter than the median by two robust standard deviations (and at least one bin), so that
  // noise alone rarely makes a light pixel "white".
  rule.min_w_bin = static_cast<int>(median_w) +
                   std::max(1, static_cast<int>(std::ceil(kWhiteSigmas * kMadToSigma * mad_w)));
  return rule;
}

namespace {

PixelLab mean_lab_of(const std::vector<const SamplePixel*>& points) {
  double s[3] = {0, 0, 0};
  for (const SamplePixel* p : points) s[0] += p->lab.l, s[1] += p->lab.a, s[2] += p->lab.b;
  const double n = static_cast<double>(std::max<std::size_t>(points.size(), 1));
  return {static_cast<float>(s[0] / n), static_cast<float>(s[1] / n), static_cast<float>(s[2] / n)};
}

void mean_t_of(const std::vector<const SamplePixel*>& points, float* t) {
  double s[3] = {0, 0, 0};
  for (const SamplePixel* p : points) s[0] += p->t[0], s[1] += p->t[1], s[2] += p->t[2];
  const double n = static_cast<double>(std::max<std::size_t>(points.size(), 1));
  for (int k = 0; k < 3; ++k) t[k] = static_cast<float>(s[k] / n);
}

// The spread of a cluster's pure pixels in beta, from the side of its centre that no mixture
// reaches (below the hair, above the scalp): 1.4826 × the median distance there.
float clean_side_sigma(std::vector<float>& distances) {
  if (distances.empty()) return 0.0f;
  return static_cast<float>(1.4826 * quantiles(distances, {0.5})[0]);
}

constexpr float kCoreSigmas = 3.5f;  // a cluster's core: within 3.5 of its own σ in beta
constexpr float kMinCore = 0.005f;   // and never narrower than half a percent of mixing
// The hair's core reaches 1.5 of its σ to the light side. What trails there is lighter than the
// hair: dot edges that are partly skin, and in a JPEG the cores of small dots whose luma the
// quantisation of the high frequencies lifted. On the sample photos (quality 75, dots of radius
// 2.5) 13–37% of a 3.5σ core had less than full hair cover, and the hair read 2–7 L* light. A
// normal population cut at 1.5σ keeps 93% of its pixels, and its mean moves by 0.14σ.
constexpr float kHairCoreSigmas = 1.5f;

}  // namespace

SplitRule split_rule(const SampleGrid& full_sample, bool exclude_highlights) {
  SplitRule rule;
  if (full_sample.empty()) {
    rule.distinct = false;
    return rule;
  }
  // Clustering needs far fewer points than the statistics: at most 200,000, evenly taken.
  constexpr std::size_t kMaxPoints = 200000;
  const std::size_t stride = full_sample.size() / kMaxPoints + 1;
  std::vector<const SamplePixel*> points;
  for (std::size_t i = 0; i < full_sample.size(); i += stride) points.push_back(&full_sample[i]);

  // 1. 2-means in Lab, seeded from the lightness distribution: the darkest tenth, and the
  //    50th to 90th percentile.
  std::vector<float> lightness(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) lightness[i] = points[i]->lab.l;
  const std::vector<double> q = quantiles(lightness, {0.1, 0.5, 0.9});
  std::vector<const SamplePixel*> members[2];
  for (const SamplePixel* p : points) {
    if (p->lab.l <= q[0]) members[0].push_back(p);
    if (p->lab.l >= q[1] && p->lab.l <= q[2]) members[1].push_back(p);
  }
  PixelLab centre[2] = {mean_lab_of(members[0]), mean_lab_of(members[1])};
  for (int iteration = 0; iteration < 50; ++iteration) {
    members[0].clear();
    members[1].clear();
    for (const SamplePixel* p : points) {
      float d[2];
      for (int k = 0; k < 2; ++k) {
        const float dl = p->lab.l - centre[k].l, da = p->lab.a - centre[k].a,
                    db = p->lab.b - centre[k].b;
        d[k] = dl * dl + da * da + db * db;
      }
      members[d[0] <= d[1] ? 0 : 1].push_back(p);
    }
    if (members[0].empty() || members[1].empty()) break;
    const PixelLab next[2] = {mean_lab_of(members[0]), mean_lab_of(members[1])};
    float moved = 0;
    for (int k = 0; k < 2; ++k) {
      moved += std::fabs(next[k].l - centre[k].l) + std::fabs(next[k].a - centre[k].a) +
               std::fabs(next[k].b - centre[k].b);
      centre[k] = next[k];
    }
    if (moved < 1e-4f) break;
  }
  if (centre[0].l > centre[1].l) {
    std::swap(centre[0], centre[1]);
    std::swap(members[0], members[1]);
  }
  rule.hair = centre[0];
  rule.scalp = centre[1];
  mean_t_of(members[0], rule.hair_t);
  mean_t_of(members[1], rule.scalp_t);
  rule.hair_limit = 0.5f;
  rule.scalp_limit = 0.5f;

  // 2. The cores, in linear light: each cluster's centre moves to the mean of its core, and
  //    the core is whatever lies within the cluster's own spread of beta; highlights of each
  //    core are found and left out. A few rounds settle all three.
  for (int round = 0; round < 6; ++round) {
    std::vector<float> below_hair, above_scalp;
    std::vector<const SamplePixel*> core[2];
    for (const SamplePixel* p : points) {
      bool in_hair = false;
      if (rule.classify(*p, in_hair) == PixelClass::Highlight) continue;
      const float b = rule.beta(p->t);
      if (in_hair && b < 0) below_hair.push_back(-b);
      if (!in_hair && b > 1) above_scalp.push_back(b - 1);
    }
    rule.hair_limit =
        std::min(0.45f, std::max(kMinCore, kHairCoreSigmas * clean_side_sigma(below_hair)));
    rule.scalp_limit =
        std::max(0.55f, 1.0f - std::max(kMinCore, kCoreSigmas * clean_side_sigma(above_scalp)));
    // The hair's centre is the mean of a window symmetric about it (a mean shift): it settles
    // on the mode of the pure hair, where a mean over everything below the limit would be
    // pulled lighter by what trails on the light side, and its spread with it.
    for (const SamplePixel* p : points) {
      bool in_hair = false;
      const PixelClass cls = rule.classify(*p, in_hair);
      if (cls == PixelClass::Hair && rule.beta(p->t) >= -rule.hair_limit) core[0].push_back(p);
      if (cls == PixelClass::Scalp) core[1].push_back(p);
    }
    if (core[0].empty() || core[1].empty()) break;
    mean_t_of(core[0], rule.hair_t);
    mean_t_of(core[1], rule.scalp_t);
    rule.hair = mean_lab_of(core[0]);
    rule.scalp = mean_lab_of(core[1]);
    if (exclude_highlights) {
      SampleHistograms histograms[2];
      for (int k = 0; k < 2; ++k) {
        for (const SamplePixel* p : core[k]) histograms[k].add(*p);
      }
      rule.hair_highlights = highlight_rule(histograms[0]);
      rule.scalp_highlights = highlight_rule(histograms[1]);
    }
  }
  // Below 5 ΔE00 apart the two clusters are one population cut in two.
  rule.distinct = ciede2000({rule.hair.l, rule.hair.a, rule.hair.b},
                            {rule.scalp.l, rule.scalp.a, rule.scalp.b}) >= 5.0;
  return rule;
}

}  // namespace smpshade::detail
