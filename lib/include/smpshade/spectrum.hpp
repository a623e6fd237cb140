#pragma once
/// @file spectrum.hpp
/// Reflectance spectra and spectral colorimetry (CIE 15:2004 §7): spectrum → XYZ → CIELAB.

#include <vector>

#include "smpshade/colour.hpp"
#include "smpshade/export.hpp"

namespace smpshade {

/// CIE standard colorimetric observers.
enum class Observer {
  Cie1931_2deg,   ///< CIE 1931 2° (ICC's and the default)
  Cie1964_10deg,  ///< CIE 1964 10°
};

/// Parses 2 or 10 (degrees); throws ArgumentError otherwise.
SMPSHADE_API Observer observer_from_degrees(int degrees);
SMPSHADE_API int observer_degrees(Observer observer);

/// A spectrum sampled evenly: values[i] at start_nm + i·step_nm. Reflectances are fractions 0..1.
struct Spectrum {
  double start_nm = 400;
  double step_nm = 10;
  std::vector<double> values;

  double end_nm() const { return start_nm + step_nm * (values.empty() ? 0 : values.size() - 1); }
  /// Linear interpolation at `nm`; outside the sampled range the end value is held.
  SMPSHADE_API double at(double nm) const;
};

/// XYZ of a reflectance spectrum under a CIE illuminant (D50 or D65) and observer, normalised so
/// that the perfect reflecting diffuser sampled the same way has Y = 1. Sums at the spectrum's
/// own wavelengths (CIE 15:2004 eq. 7.1), interpolating the 1 nm / 5 nm CIE tables linearly;
/// wavelengths outside 360–830 nm are ignored. Throws ArgumentError for an empty or
/// irregular spectrum.
SMPSHADE_API Xyz xyz_from_reflectance(const Spectrum& reflectance, White illuminant,
                                      Observer observer = Observer::Cie1931_2deg);

/// The white the XYZ above is relative to: the perfect reflector over the same wavelengths.
SMPSHADE_API Xyz illuminant_white(const Spectrum& sampling, White illuminant,
                                  Observer observer = Observer::Cie1931_2deg);

/// CIELAB of a reflectance spectrum, relative to the illuminant's white for that observer
/// (for D50/2° this is the ICC D50 white to within 2e-4 in Z).
SMPSHADE_API Lab lab_from_reflectance(const Spectrum& reflectance, White illuminant,
                                      Observer observer = Observer::Cie1931_2deg);

}  // namespace smpshade
