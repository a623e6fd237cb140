#pragma once
/// @file calibrate.hpp
/// Camera profiles from a photo of an X-Rite ColorChecker Classic 24 (SPEC 2.4): the patches
/// sampled in the photo's linearised RGB, a camera RGB → XYZ (D50) model fitted to minimise
/// CIEDE2000 against the chart's reference values, and the ICC profile that carries it.
///
/// Finding the chart in a photo is OpenCV's work (its mcc module): the library loads it on demand
/// from a plugin, libsmpshade-chart.so, installed beside it (chart_locator()), so that neither
/// the library nor any tool links OpenCV, and only a process that looks for a chart loads it.
/// Here a chart is its four corners; a caller may also give them, or its own ChartLocator.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smpshade/colour.hpp"
#include "smpshade/export.hpp"
#include "smpshade/image.hpp"
#include "smpshade/measure.hpp"
#include "smpshade/records.hpp"

namespace smpshade {

/// The chart's layout: 6 columns × 4 rows, patches numbered 1..24 row by row from dark skin
/// (top left when the chart is upright) to black.
inline constexpr int kChartColumns = 6;
inline constexpr int kChartRows = 4;
inline constexpr int kChartPatches = kChartColumns * kChartRows;

/// One patch's reference colour: CIELAB, D50, 2° observer.
struct ChartPatch {
  std::string name;
  Lab lab;
};

/// What the chart's patches should measure.
struct ChartReference {
  std::string name;                 ///< "colorchecker-2014", "colorchecker-2005" or a file
  std::string source;               ///< whose values they are
  std::vector<ChartPatch> patches;  ///< 24, in patch order
};

/// The built-in reference values: "colorchecker-2014" (X-Rite, charts made after November
/// 2014) or "colorchecker-2005" (before). Throws ArgumentError for any other name.
SMPSHADE_API ChartReference builtin_chart_reference(std::string_view name);

/// `--reference`: a built-in name (builtin_chart_reference()), else a CGATS file
/// (chart_reference_from_cgats()).
SMPSHADE_API ChartReference chart_reference(const std::string& name_or_file);

/// A chart's own measured values from a CGATS.17 file (24 rows; LAB_L/LAB_A/LAB_B or
/// XYZ_X/XYZ_Y/XYZ_Z fields, D50). Throws InputError naming the file when it is not one.
SMPSHADE_API ChartReference chart_reference_from_cgats(const std::string& path);

/// Where the chart's patches lie: the four outer corners of the 6 × 4 patch area, clockwise
/// from the outer corner of the dark-skin patch (then bluish green's, black's and white's).
using ChartCorners = std::array<ImagePoint, 4>;

/// Parses `x1,y1,x2,y2,x3,y3,x4,y4` (smp-calibrate's --corners). Throws ArgumentError about the
/// field "corners" saying what is wrong.
SMPSHADE_API ChartCorners parse_chart_corners(std::string_view text);

/// Finds charts in a photo: the corners of each candidate, most likely first; none when there
/// is none. calibrate() takes the first whose patches fit the reference.
using ChartLocator = std::function<std::vector<ChartCorners>(const Image&)>;

/// OpenCV's mcc ColorChecker detector, from the plugin libsmpshade-chart.so installed beside
/// libsmpshade and loaded the first time the locator is called (so that OpenCV is loaded only by
/// processes that look for a chart). Calling it throws Error when the plugin cannot be loaded.
SMPSHADE_API ChartLocator chart_locator();

/// The camera models (`--model`): a 3 × 3 matrix on linearised RGB, or Finlayson's
/// root-polynomial of degree 2 (R, G, B, √RG, √GB, √RB), which keeps a matrix's independence
/// of exposure but bends around the colours a matrix cannot reach.
enum class CameraModelKind { Matrix, RootPolynomial };

/// "matrix" or "rootpoly".
SMPSHADE_API std::string_view camera_model_name(CameraModelKind kind);
/// Parses "matrix" or "rootpoly"; throws ArgumentError otherwise.
SMPSHADE_API CameraModelKind parse_camera_model(std::string_view name);

/// A fitted camera model: camera RGB, linearised by the photo's encoding (0..1 of the code
/// range), → XYZ (D50, Y of the perfect white 1). Phone JPEGs are not linear after their own
/// profile's curves, and light is rarely even over a chart, so a model may also carry tone
/// curves of its own (written into the profile) and the illumination gradient it saw across the
/// chart (fitted with it so as not to bend the colour fit, and not written: light elsewhere in
/// a photo is unknown).
struct CameraModel {
  CameraModelKind kind = CameraModelKind::Matrix;
  /// Three rows (X, Y, Z) of as many coefficients as the model has terms (3 or 6).
  std::vector<double> coefficients;
  /// Tone curves fitted over the encoding's: channel c's value v becomes
  /// (max(v − offset[c], 0) / (1 − offset[c]))^gamma[c] before the matrix or polynomial.
  bool tone_curves = false;
  std::array<double, 3> gamma{1, 1, 1};
  std::array<double, 3> offset{0, 0, 0};
  /// The light on the chart relative to its centre: patch cell (u, v) (u 0..6 across from
  /// dark skin's side, v 0..4 down) saw 1 + gradient[0]·(u − 3)/6 + gradient[1]·(v − 2)/4.
  bool illumination_gradient = false;
  std::array<double, 2> gradient{0, 0};

  /// XYZ of linear camera RGB (after tone()), at the chart's centre light.
  SMPSHADE_API Xyz apply(const std::array<double, 3>& rgb) const;
  /// The fitted tone curves on the encoding's linear values (identity without tone_curves).
  SMPSHADE_API std::array<double, 3> tone(const std::array<double, 3>& rgb) const;
  /// The light gain at chart cell coordinates (u, v) (1 without illumination_gradient).
  SMPSHADE_API double light_gain(double u, double v) const;
  /// How much more light the brightest corner of the patch area saw than the darkest, as a
  /// fraction (0.25: 25 % more).
  SMPSHADE_API double light_falloff() const;
};

/// The model's name in reports: "matrix" or "rootpoly", then "+curves" when it fits its own
/// tone curves and "+gradient" when it fits the light across the chart.
SMPSHADE_API std::string camera_model_label(const CameraModel& model);

/// How a photo is calibrated.
struct CalibrateOptions {
  ChartReference reference = builtin_chart_reference("colorchecker-2014");
  std::optional<CameraModelKind> model;  ///< none: the one that does better on held-out patches
  /// Fit tone curves over the encoding's (true), keep the encoding's (false); none: whichever
  /// does better on held-out patches.
  std::optional<bool> tone_curves;
  /// Fit an illumination gradient across the chart; none: as held-out patches say.
  std::optional<bool> gradient;
  std::optional<ChartCorners> corners;   ///< none: found by the ChartLocator
  std::string description;               ///< the profile's description; "" for a default
  /// Inner share of each patch's cell that is sampled, per side (0.4: the central 40 %), so
  /// that a corner off by a tenth of a patch still samples the patch alone.
  double sample_share = 0.4;
};

/// One patch of a calibration.
struct PatchCalibration {
  int number = 0;  ///< 1..24
  std::string name;
  Lab reference;                   ///< the reference value
  Lab measured;  ///< the photo's patch through the profile written, at its place's light
  double delta_e = 0;              ///< CIEDE2000 of the two
  std::optional<double> held_out;  ///< ΔE00 when the model is fitted without this patch
  std::array<double, 3> rgb{};     ///< mean camera RGB of the sampled pixels, linearised by the
                                   ///< photo's encoding
  std::uint64_t pixels = 0;        ///< pixels sampled
  double clipped = 0;              ///< share of them with a channel at the top code
  bool used = true;                ///< in the fit
  std::string rejected;            ///< why it is not, when it is not
};

/// What a calibration found and fitted.
struct Calibration {
  std::string source;         ///< the photo
  std::string reference;      ///< ChartReference::name
  std::string linearisation;  ///< how the photo's encoding was undone ("embedded: ...", "sRGB")
  CameraModel model;          ///< the model written to the profile
  std::vector<PatchCalibration> patches;
  double mean_delta_e = 0, max_delta_e = 0;  ///< over the patches used
  /// Leave-one-out mean ΔE00 of the chosen model as written: each patch measured through the
  /// profile (quantised as in the file) of the fit to the other patches, in linear light as
  /// smp-measure averages, at the light the gradient gives its place on the chart.
  double held_out_mean = 0;
  /// Leave-one-out mean ΔE00 of each candidate model (camera_model_label()) that could be
  /// fitted, before quantisation: how the model was chosen.
  std::vector<std::pair<std::string, double>> held_out_by_model;
  /// How much more light one corner of the chart saw than another (CameraModel::light_falloff()
  /// of a fit with tone curves and gradient): the "uneven light" statistic.
  double light_falloff = 0;
  /// The neutral patches' linear R:G:B, largest 1: the "colour cast" statistic.
  std::array<double, 3> grey_balance{1, 1, 1};
  ChartCorners corners{};    ///< where the patches were sampled
  bool chart_found = false;  ///< corners from the ChartLocator (else given)
  /// How the chart was found: "corners given" or the detector's candidate, which corner is dark
  /// skin's, how well its colours fit, and the candidates refused before it and why.
  std::string detection;
  double chart_share = 0;    ///< share of the frame the chart's patch area covers
  std::vector<std::string> warnings;
  std::vector<unsigned char> icc;  ///< the ICC profile (matrix/TRC or LUT-based)

  /// The chart's whole card (patch area and a margin of 0.6 patch) as a polygon, for
  /// excluding it from a measurement.
  SMPSHADE_API std::vector<ImagePoint> card_outline() const;
};

/// Calibrates from a photo of the chart (decoded, with its embedded ICC profile if any).
/// `source` names it in messages. Throws InputError naming the source when no chart is found
/// (no corners given and no candidate of `locate` has patches that fit the reference), when
/// the corners given hold no ColorChecker, or when too few patches are usable.
SMPSHADE_API Calibration calibrate(const Image& image, const std::string& source,
                                   const CalibrateOptions& options,
                                   const ChartLocator& locate = {});

/// The report record of a calibration (smp-calibrate(1)): source, reference, model, the
/// profile written (`profile_path`), mean/max/held-out ΔE00, each model's held-out mean, the
/// chart's corners and share of the frame, the patches (nested), warnings.
SMPSHADE_API Record calibration_record(const Calibration& calibration,
                                       const std::string& profile_path);

/// One record per patch: patch, name, reference, lab, de00, held_out_de00, rgb, pixels,
/// clipped, used, rejected.
SMPSHADE_API std::vector<Record> calibration_patch_records(const Calibration& calibration);

/// What a terminal table shows of a patch record: patch, name, reference, lab, de00,
/// held_out_de00, and a note (why it was left out of the fit).
SMPSHADE_API Record calibration_patch_table_row(const Record& patch);

/// smp-measure --chart: each photo calibrated from the ColorChecker in it as calibrate() does
/// (with `options`; the chart found by chart_locator() unless options.corners gives it),
/// measured with the profile fitted to it, the chart's card left out of the whole image
/// (Calibration::card_outline()). Its records carry calibration_de00; its report is
/// calibration_record(). A photo without a chart is an InputError naming it.
SMPSHADE_API PhotoProfileProvider chart_profile_provider(CalibrateOptions options);

/// The card (patch area and a margin of 0.6 patch) of a chart with these patch-area corners.
SMPSHADE_API std::vector<ImagePoint> chart_card_outline(const ChartCorners& corners,
                                                        const std::string& source);

/// smp-measure --split on the whole photo without --chart: the card of the ColorChecker
/// chart_locator() sees first in the photo, to be left out of hair and scalp; none without one.
SMPSHADE_API ChartFinder chart_card_finder();

}  // namespace smpshade
