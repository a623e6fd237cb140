#pragma once
/// @file km.hpp
/// Single-constant Kubelka–Munk optics with Saunderson's surface correction (SPEC 2.6), on a
/// fixed 400–700 nm, 10 nm grid; Burns' LHTSS reflectance recovery for colours known only as Lab;
/// and each pigment's unit K/S spectrum fitted from its dilution ladder.

#include <array>
#include <string>
#include <vector>

#include "smpshade/catalog.hpp"
#include "smpshade/colour.hpp"
#include "smpshade/export.hpp"
#include "smpshade/spectrum.hpp"

namespace smpshade {

/// The working grid: 31 bands, 400–700 nm at 10 nm (CIE 15's recommended minimum for reflectance).
inline constexpr int kBands = 31;
inline constexpr double kGridStartNm = 400.0;
inline constexpr double kGridStepNm = 10.0;
/// Values on the working grid.
using Bands = std::array<double, kBands>;

/// Kubelka–Munk K/S of an opaque layer with reflectance R∞: (1 − R)² / 2R (Kubelka and Munk 1931).
SMPSHADE_API double ks_from_reflectance(double r_infinity);
/// R∞ of an opaque layer with K/S: 1 + K/S − sqrt((K/S)² + 2 K/S).
SMPSHADE_API double reflectance_from_ks(double ks);
/// Measured reflectance from the internal reflectance R∞ (Saunderson 1942):
/// k1 + (1 − k1)(1 − k2) R∞ / (1 − k2 R∞).
SMPSHADE_API double saunderson_forward(double r_infinity, const Saunderson& s);
/// R∞ from a measured reflectance, the inverse of saunderson_forward. A measurement at or below
/// the surface reflection k1 has no physical R∞; it is held at kMinInternalReflectance.
SMPSHADE_API double saunderson_inverse(double r_measured, const Saunderson& s);
/// The darkest internal reflectance used (K/S ≈ 5000): keeps K/S finite for black inks.
inline constexpr double kMinInternalReflectance = 1e-4;

/// A spectrum resampled onto the working grid (linear interpolation, ends held).
SMPSHADE_API Bands bands_from_spectrum(const Spectrum& spectrum);
SMPSHADE_API Spectrum spectrum_from_bands(const Bands& bands);

/// Colorimetry on the working grid for one illuminant and observer: reflectance → XYZ → Lab,
/// and back by reflectance recovery. Lab is relative to the perfect reflector on the same grid,
/// exactly as lab_from_reflectance() computes it for a 400–700/10 nm spectrum.
class SMPSHADE_API GridColorimetry {
 public:
  explicit GridColorimetry(White illuminant, Observer observer = Observer::Cie1931_2deg);

  Xyz xyz(const Bands& reflectance) const;
  Lab lab(const Bands& reflectance) const;
  const Xyz& white() const { return white_; }
  /// The colour-matching weights x̄, ȳ, z̄ × illuminant on the grid (white has Y = 1).
  const std::array<Bands, 3>& weights() const { return weights_; }

  /// A smooth reflectance with this Lab, 0 < R < 1: Burns' Least Hyperbolic Tangent Slope
  /// Squared method (Burns 2020, "Generating reflectance curves from sRGB triplets", Color Res.
  /// Appl. 45(1)), solved by Newton's method on its Lagrangian. Throws InputError (without a
  /// location) when no reflectance has this colour (outside the object-colour solid).
  Bands reflectance_from_lab(const Lab& lab) const;

 private:
  std::array<Bands, 3> weights_;  // x̄ȳz̄ × illuminant, normalised so the white has Y = 1
  Xyz white_;
};

/// The physics of one catalogue: its surface correction and the K/S of its substrate.
struct Optics {
  Saunderson saunderson;
  Bands substrate_ks{};  ///< K/S of the substrate (card or skin) after inverting Saunderson
};

/// Optics for a substrate of measured reflectance `substrate`.
SMPSHADE_API Optics optics_for_substrate(const Bands& substrate, const Saunderson& saunderson);

/// One pigment's share of a mixture.
struct PigmentShare {
  const Bands* unit_ks;  ///< the pigment's unit K/S spectrum
  double concentration;  ///< its share of all parts (ink and diluent), after any deposit factor
};

/// Reflectance of a mixture on the substrate: (K/S)_mix = (K/S)_substrate + Σ c_i (k/s)_i, then
/// R∞ and Saunderson (SPEC 2.6).
SMPSHADE_API Bands mixture_reflectance(const Optics& optics, const PigmentShare* shares,
                                       std::size_t count);

/// Overall reflectance of skin with a share `coverage` of its area in dots (Yule and Nielsen
/// 1951): R = ((1 − A) R_skin^(1/n) + A R_dot^(1/n))^n.
SMPSHADE_API Bands yule_nielsen_reflectance(const Bands& skin, const Bands& dot, double coverage,
                                            double n = 2.0);

/// A pigment ready for prediction: its unit K/S spectrum fitted from its ladder.
struct PigmentModel {
  std::string id;
  std::string name;
  std::string diluent_id;  ///< the catalogue's first diluent
  std::string diluent_name;
  /// From a catalogue marked `illustrative: true`: example values, not measurements. Recipes of
  /// such inks say so wherever they are shown.
  bool illustrative = false;
  Bands unit_ks{};           ///< (k/s)(λ) per unit concentration
  double fit_mean_de00 = 0;  ///< how well the fit re-predicts its own ladder
  double fit_max_de00 = 0;
};

/// Fits a pigment's unit K/S per wavelength by least squares over its ladder, on the catalogue's
/// substrate (SPEC 2.6). Residuals are weighted by 1/(K/S)², i.e. relative K/S error, so the
/// dilute steps SMP uses weigh as much as full-strength ink. Steps and substrates given only as
/// Lab are recovered with LHTSS under the catalogue's illuminant and observer.
/// Throws InputError at the pigment when its ladder cannot give a fit.
SMPSHADE_API PigmentModel fit_pigment(const Pigment& pigment, const Catalog& catalog);

/// The catalogue's substrate reflectance on the grid (its spectrum, else recovered from its Lab).
SMPSHADE_API Bands substrate_reflectance(const Catalog& catalog);

}  // namespace smpshade
