#pragma once
/// @file difference.hpp
/// Colour-difference formulas. In each, `reference` is the standard (target) and `sample` the
/// colour judged against it; where a formula is asymmetric (ΔE94, CMC) the weights come from the
/// reference, as CIE 116 and BS 6923 define them.

#include "smpshade/colour.hpp"
#include "smpshade/export.hpp"

namespace smpshade {

/// CIEDE2000 parametric factors (CIE 142-2001); 1, 1, 1 is the reference condition.
struct De2000Weights {
  double kl = 1, kc = 1, kh = 1;
};

/// CIEDE2000 and its three weighted components, signed as sample − reference:
/// dl = ΔL′/(kL·SL), dc = ΔC′/(kC·SC), dh = ΔH′/(kH·SH), so that
/// de00² = dl² + dc² + dh² + RT·dc·dh.
struct De2000 {
  double de00 = 0, dl = 0, dc = 0, dh = 0;
};

/// CIEDE2000 with its breakdown, implemented after Sharma, Wu and Dalal (2005).
SMPSHADE_API De2000 ciede2000_breakdown(const Lab& reference, const Lab& sample,
                                        De2000Weights weights = {});
/// CIEDE2000 colour difference (CIE 142-2001; Sharma, Wu and Dalal 2005).
SMPSHADE_API double ciede2000(const Lab& reference, const Lab& sample, De2000Weights weights = {});
/// A ΔE00 in words, on the scale of Mokrzycki and Tatol, "Colour difference ΔE: a survey",
/// Machine Graphics & Vision 20(4), 383-411, 2011 (the common ΔE interpretation table): under 1
/// "not perceptible", 1-2 "perceptible on close look", 2-3.5 "perceptible at a glance", 3.5-5
/// "clear difference", 5 and over "different colours".
SMPSHADE_API const char* de00_in_words(double de00);
/// Below this ΔE00 two colours look the same to the eye (the scale's "not perceptible").
inline constexpr double kJustNoticeableDe00 = 1.0;
/// CIE 1976 ΔE*ab, the Euclidean distance in CIELAB.
SMPSHADE_API double delta_e76(const Lab& reference, const Lab& sample);
/// CIE 1994 ΔE*94 (CIE 116-1995), graphic-arts weights kL = 1, K1 = 0.045, K2 = 0.015.
SMPSHADE_API double delta_e94(const Lab& reference, const Lab& sample);
/// CMC l:c (BS 6923:1988); 2:1 is the acceptability setting used for QC.
SMPSHADE_API double delta_e_cmc(const Lab& reference, const Lab& sample, double l = 2.0,
                                double c = 1.0);

}  // namespace smpshade

#include <string_view>
#include <vector>

namespace smpshade {

/// The colour-difference metrics a tool can rank or gate on.
enum class Metric { De00, De76, De94, Cmc };
/// Parses "de00", "de76", "de94" or "decmc"; throws ArgumentError otherwise.
SMPSHADE_API Metric parse_metric(std::string_view name);
/// The record field name of a metric ("de00", ...).
SMPSHADE_API std::string_view metric_name(Metric metric);

/// Every difference between a reference and a sample, as smp-diff reports them.
struct Comparison {
  De2000 de2000;     ///< ΔE00 with its weighted ΔL, ΔC, ΔH components (kL = kC = kH = 1)
  double de76 = 0;   ///< ΔE*ab
  double de94 = 0;   ///< ΔE*94, graphic arts
  double decmc = 0;  ///< CMC 2:1
  /// The value of one metric.
  SMPSHADE_API double value(Metric metric) const;
};
SMPSHADE_API Comparison compare(const Lab& reference, const Lab& sample);

/// Count, mean, maximum and 95th percentile of a set of differences.
struct DifferenceSummary {
  std::size_t count = 0;
  double mean = 0;
  double max = 0;
  double p95 = 0;  ///< linear interpolation between order statistics (Hyndman and Fan type 7)
};
SMPSHADE_API DifferenceSummary summarize(std::vector<double> differences);

}  // namespace smpshade
