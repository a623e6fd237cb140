#pragma once
/// @file metamerism.hpp
/// The metamerism index of a pair of reflectance spectra for a change of illuminant
/// (ISO 18314-4:2024), with the standard's spectral correction: batch QC that sees what Lab
/// under one light cannot.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smpshade/export.hpp"
#include "smpshade/spectrum.hpp"

namespace smpshade {

/// The CIE illuminants a metamerism index is reported for (tables in data/, CIE 015:2018).
enum class Illuminant {
  D50,    ///< the reference: the catalogue's and ICC's white
  D65,    ///< daylight
  A,      ///< incandescent (2856 K)
  F11,    ///< narrow-band tri-phosphor fluorescent (TL84-like), CIE FL11
  LedB3,  ///< white LED, phosphor-converted blue, 4103 K (CIE LED-B3)
};

/// "D50", "D65", "A", "F11" or "LED-B3".
SMPSHADE_API std::string_view illuminant_name(Illuminant illuminant);

/// The test illuminants smp-diff reports an index for: A, F11 and LED-B3.
SMPSHADE_API const std::vector<Illuminant>& metamerism_test_illuminants();

/// CIELAB of a reflectance spectrum under `illuminant`, relative to that illuminant's own white
/// (the perfect reflector sampled the same way), at the spectrum's wavelengths (CIE 15:2004
/// eq. 7.1) within the illuminant's table.
SMPSHADE_API Lab lab_under(const Spectrum& reflectance, Illuminant illuminant,
                           Observer observer = Observer::Cie1931_2deg);

/// ISO 18314-4:2024 metamerism index M_t (CIEDE2000) of `sample` against `standard` for a change
/// from `reference` to `test`. The spectral correction first makes the pair match under the
/// reference: with W the n × 3 matrix of the reference's tristimulus weights S_r(λ)·x̄ȳz̄(λ),
///   R_corr = R_sample + W (WᵀW)⁻¹ Wᵀ (R_standard − R_sample)
/// (an additive correction in the spectral domain: it adds to the sample only what lies in the
/// weights' column space, so XYZ_r(R_corr) = XYZ_r(R_standard)); M_t is then ΔE00 between the
/// standard and R_corr under the test illuminant. Both spectra are read at the standard's
/// wavelengths (the sample interpolated linearly); they must cover 400–700 nm. Throws
/// ArgumentError otherwise.
SMPSHADE_API double metamerism_index(const Spectrum& standard, const Spectrum& sample,
                                     Illuminant test, Illuminant reference = Illuminant::D50,
                                     Observer observer = Observer::Cie1931_2deg);

/// The metamerism indices of a pair for smp-diff: one per metamerism_test_illuminants(), the
/// largest and its illuminant; or, when there are none, why (no spectrum on a side, different
/// observers, spectra that do not cover 400–700 nm).
struct PairMetamerism {
  std::vector<double> index;
  double max = 0;
  Illuminant worst = Illuminant::A;
  std::string why_not;
};
SMPSHADE_API PairMetamerism pair_metamerism(const std::optional<Spectrum>& reference,
                                            Observer reference_observer,
                                            const std::optional<Spectrum>& sample,
                                            Observer sample_observer);

}  // namespace smpshade
