#pragma once
// What calibrate.cpp, calibrate_fit.cpp and calibrate_icc.cpp share.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/linalg.hpp"
#include "smpshade/calibrate.hpp"
#include "smpshade/image.hpp"

namespace smpshade::detail {

// ---------------------------------------------------------------------------------------------
// Fitting (calibrate_fit.cpp): no LittleCMS, no images.

using Rgb = std::array<double, 3>;

/// What a candidate model fits besides its matrix or polynomial.
struct ModelSpec {
  CameraModelKind kind = CameraModelKind::Matrix;
  bool tone_curves = false;
  bool gradient = false;
};

/// The patches a model is fitted to: mean camera RGB linearised by the encoding, reference Lab
/// (D50), and the centre of each patch's cell on the chart (u 0..6, v 0..4).
struct FitPatches {
  std::vector<Rgb> rgb;
  std::vector<Lab> reference;
  std::vector<std::array<double, 2>> cell;
};

/// Camera RGB → XYZ D50, fitted to minimise the sum of squared CIEDE2000 over the patches by
/// Levenberg–Marquardt, from `start` when given (e.g. the fit to all patches, for
/// leave-one-out), else from least_squares_model().
CameraModel fit_camera_model(const ModelSpec& spec, const FitPatches& patches,
                             const CameraModel* start = nullptr);

/// The weighted linear least-squares fit in XYZ: quick, and the start of the ΔE00 fit.
CameraModel least_squares_model(CameraModelKind kind, const std::vector<Rgb>& rgb,
                                const std::vector<Lab>& reference);

/// A model fitted to every patch, the models fitted to all patches but one (leave-one-out), and
/// the ΔE00 each of those predicts for the patch it was not fitted to.
struct HeldOutFit {
  CameraModel model;
  std::vector<CameraModel> without;
  std::vector<double> held_out;
};
HeldOutFit fit_with_held_out(const ModelSpec& spec, const FitPatches& patches);

/// The fewest patches a model is fitted from: twice its coefficients per output, so that
/// leave-one-out still has more equations than unknowns.
int minimum_patches(CameraModelKind kind);

/// The XYZ (D50) a model gives for camera RGB linearised by the encoding, at chart cell `cell`.
Xyz model_xyz(const CameraModel& model, const Rgb& rgb, const std::array<double, 2>& cell);
/// The Lab (D50) a model gives for linear camera RGB (no tone curves, no gradient).
Lab model_lab(const CameraModel& model, const Rgb& rgb);

// ---------------------------------------------------------------------------------------------
// The photo's encoding and the profile (calibrate_icc.cpp): the LittleCMS side.

/// The tone curves of an RGB encoding: the embedded profile's TRCs when it is a matrix/TRC
/// profile, else sRGB's. Decoding tables for 8- and 16-bit codes; the curves themselves go
/// into the profile written, so that it undoes the same encoding.
class Linearisation {
 public:
  /// From a photo's embedded profile bytes (empty: sRGB). `what` says which, for the record.
  static Linearisation of_image(const ImageInfo& info, const std::string& source);
  ~Linearisation();
  Linearisation(Linearisation&&) noexcept;
  Linearisation& operator=(Linearisation&&) noexcept;

  /// Linear value of channel `c` for code `code` of a `bits`-bit image.
  double linear(int c, int code) const { return table_[static_cast<std::size_t>(c)][code]; }
  const std::string& description() const { return description_; }
  /// A note when the embedded profile's curves could not be used (e.g. a LUT profile).
  const std::string& warning() const { return warning_; }

  struct Curves;
  const Curves& curves() const { return *curves_; }

 private:
  Linearisation() = default;
  std::array<std::vector<double>, 3> table_;
  std::string description_, warning_;
  std::unique_ptr<Curves> curves_;
};

/// The ICC profile of a fitted model: matrix/TRC (Matrix) or AToB0 LUT (RootPolynomial),
/// input class, RGB → PCS XYZ, written by LittleCMS. Its curves are the encoding's, followed
/// by the model's own tone curves when it has them; the gradient is not written.
std::vector<unsigned char> camera_profile(const CameraModel& model,
                                          const Linearisation& linearisation,
                                          const std::string& description);

/// A written profile read back, to measure pixels through it as smp-measure does.
class WrittenProfile {
 public:
  WrittenProfile(const std::vector<unsigned char>& icc, int bits);
  ~WrittenProfile();
  /// Mean XYZ (D50) of interleaved RGB codes (`bits` of the image), each pixel through the
  /// profile to Lab, averaged in linear light.
  Xyz mean_xyz(const std::vector<std::uint16_t>& codes) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smpshade::detail
