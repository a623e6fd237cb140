#include "smpshade/spectrum.hpp"

#include <cmath>
#include <string>

#include "core/cie_tables.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

Observer observer_from_degrees(int degrees) {
  if (degrees == 2) return Observer::Cie1931_2deg;
  if (degrees == 10) return Observer::Cie1964_10deg;
  throw ArgumentError("unknown observer " + std::to_string(degrees) + "° (expected 2 or 10)");
}

int observer_degrees(Observer observer) { return observer == Observer::Cie1931_2deg ? 2 : 10; }

double Spectrum::at(double nm) const {
  if (values.empty()) return 0.0;
  const double position = (nm - start_nm) / step_nm;
  if (position <= 0) return values.front();
  if (position >= static_cast<double>(values.size() - 1)) return values.back();
  const auto lower = static_cast<std::size_t>(position);
  const double t = position - static_cast<double>(lower);
  return (1.0 - t) * values[lower] + t * values[lower + 1];
}

namespace {

const detail::TabulatedSpectra& cmf_table(Observer observer) {
  return observer == Observer::Cie1931_2deg ? detail::cie1931_2deg_cmf()
                                            : detail::cie1964_10deg_cmf();
}

const detail::TabulatedSpectra& illuminant_table(White illuminant) {
  return illuminant == White::D50 ? detail::illuminant_d50() : detail::illuminant_d65();
}

void check_sampling(const Spectrum& s) {
  if (s.values.empty()) throw ArgumentError("empty spectrum");
  if (!(s.step_nm > 0) || !std::isfinite(s.start_nm) || !std::isfinite(s.step_nm)) {
    throw ArgumentError("spectrum step must be a positive number of nm");
  }
}

// Σ R(λ) S(λ) x̄ȳz̄(λ) and Σ S(λ) ȳ(λ) over the spectrum's own wavelengths (CIE 15:2004 eq. 7.1).
// `reflectance` null means the perfect reflecting diffuser.
struct Sums {
  double x = 0, y = 0, z = 0, norm = 0;
};
Sums spectral_sums(const Spectrum& sampling, const Spectrum* reflectance, White illuminant,
                   Observer observer) {
  check_sampling(sampling);
  const auto& cmf = cmf_table(observer);
  const auto& power = illuminant_table(illuminant);
  Sums sums;
  for (std::size_t i = 0; i < sampling.values.size(); ++i) {
    const double nm = sampling.start_nm + sampling.step_nm * static_cast<double>(i);
    if (nm < 360.0 || nm > 830.0) continue;
    const double s = power.at(nm, 0);
    const double r = reflectance ? reflectance->values[i] : 1.0;
    sums.x += r * s * cmf.at(nm, 0);
    sums.y += r * s * cmf.at(nm, 1);
    sums.z += r * s * cmf.at(nm, 2);
    sums.norm += s * cmf.at(nm, 1);
  }
  if (!(sums.norm > 0)) throw ArgumentError("spectrum does not overlap 360-830 nm");
  return sums;
}

}  // namespace

Xyz xyz_from_reflectance(const Spectrum& reflectance, White illuminant, Observer observer) {
  for (double v : reflectance.values) {
    if (!std::isfinite(v)) throw ArgumentError("spectrum holds a value that is not a number");
  }
  const Sums s = spectral_sums(reflectance, &reflectance, illuminant, observer);
  return {s.x / s.norm, s.y / s.norm, s.z / s.norm};
}

Xyz illuminant_white(const Spectrum& sampling, White illuminant, Observer observer) {
  const Sums s = spectral_sums(sampling, nullptr, illuminant, observer);
  return {s.x / s.norm, s.y / s.norm, s.z / s.norm};
}

Lab lab_from_reflectance(const Spectrum& reflectance, White illuminant, Observer observer) {
  return lab_from_xyz(xyz_from_reflectance(reflectance, illuminant, observer),
                      illuminant_white(reflectance, illuminant, observer));
}

}  // namespace smpshade
