#pragma once
// What calibrate.cpp, calibrate_fit.cpp and calibrate_icc.cpp share.

#include <array>
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

/// Camera RGB → XYZ D50, fitted to minimise the sum of squared CIEDE2000 over `rgb` against
/// `reference` (Lab D50) by Levenberg–Marquardt, from `start` when given (e.g. the fit to
/// all patches, for leave-one-out), else from least_squares_model().
CameraModel fit_camera_model(CameraModelKind kind, const std::vector<Rgb>& rgb,
                             const std::vector<Lab>& reference, const CameraModel* start = nullptr);

/// The weighted linear least-squares fit in XYZ: quick, and the start of the ΔE00 fit.
CameraModel least_squares_model(CameraModelKind kind, const std::vector<Rgb>& rgb,
                                const std::vector<Lab>& reference);

/// A model fitted to every patch, and the ΔE00 of each patch predicted by the model fitted to
/// all the others (leave-one-out).
struct HeldOutFit {
  CameraModel model;
  std::vector<double> held_out;
};
HeldOutFit fit_with_held_out(CameraModelKind kind, const std::vector<Rgb>& rgb,
                             const std::vector<Lab>& reference);

/// The fewest patches a model is fitted from: twice its coefficients per output, so that
/// leave-one-out still has more equations than unknowns.
int minimum_patches(CameraModelKind kind);

/// The Lab (D50) a model gives for linear camera RGB.
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
/// input class, RGB → PCS XYZ, written by LittleCMS.
std::vector<unsigned char> camera_profile(const CameraModel& model,
                                          const Linearisation& linearisation,
                                          const std::string& description);

}  // namespace smpshade::detail
