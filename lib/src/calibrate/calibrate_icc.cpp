// The LittleCMS side of calibration: the photo's tone curves, and the camera profile written.
//
// The profile is ICC v2.4, input class, media white D50: the version every colour-managed
// program reads. A matrix model is written as colorant and TRC tags with PCS XYZ (the
// encoding's own curves, then the fitted matrix: exactly the model). A model with tone curves
// of its own has TRCs that tabulate the encoding's curve followed by them (4096 entries). A root-polynomial model,
// which no matrix holds, is written as an AToB0 LUT with PCS Lab: input curves take each code
// to the L* scale of its linear value (the encoding's curve, then CIE's lightness function),
// and a 33-node grid over that scale holds the model's Lab. Along the neutral axis the grid's
// input and output are then both lightness and interpolation is exact; off it, the grid is as
// fine in the shadows, where hair lies, as in the highlights. (A grid from encoded RGB to XYZ
// was 0.3 ΔE00 off at L* 6 and 0.2 at L* 16: XYZ grows as a steep power of any perceptual
// input.)
#include <lcms2.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "calibrate/internal.hpp"
#include "formats/icc/lcms.hpp"
#include "smpshade/error.hpp"

namespace smpshade::detail {

struct Linearisation::Curves {
  std::array<cmsToneCurve*, 3> curve{};
  Curves() = default;
  Curves(const Curves&) = delete;
  Curves& operator=(const Curves&) = delete;
  ~Curves() {
    for (cmsToneCurve* c : curve) {
      if (c) cmsFreeToneCurve(c);
    }
  }
};

namespace {

struct PipelineDeleter {
  void operator()(cmsPipeline* pipeline) const { cmsPipelineFree(pipeline); }
};

// CIE lightness of a relative luminance, on 0..1, and back (CIE 15:2004, exact constants).
constexpr double kEpsilon = 216.0 / 24389.0, kKappa = 24389.0 / 27.0;
double lightness(double y) {
  y = std::max(y, 0.0);
  return (y > kEpsilon ? 116 * std::cbrt(y) - 16 : kKappa * y) / 100;
}
double luminance(double l) {
  l *= 100;
  return l > kKappa * kEpsilon ? std::pow((l + 16) / 116, 3) : l / kKappa;
}

// The CLUT's nodes: lightness scale → linear → model → Lab, in ICC v2's 16-bit Lab encoding
// (what a v2 lut16 holds), clamped to what it can hold.
cmsInt32Number sample_model(const cmsUInt16Number in[], cmsUInt16Number out[], void* cargo) {
  const auto& model = *static_cast<const CameraModel*>(cargo);
  Rgb rgb;
  for (std::size_t k = 0; k < 3; ++k) rgb[k] = luminance(in[k] / 65535.0);
  const Lab lab = lab_from_xyz(model.apply(rgb), kD50);
  const cmsCIELab clamped{std::clamp(lab.l, 0.0, 100.0), std::clamp(lab.a, -128.0, 127.0),
                          std::clamp(lab.b, -128.0, 127.0)};
  cmsFloat2LabEncodedV2(out, &clamped);
  return TRUE;
}

constexpr int kLutNodes = 33;
constexpr int kInputCurvePoints = 4096;

// The linear value the model sees for code `code` (0..1) of channel k: the encoding's curve,
// then the model's own.
double model_linear(const CameraModel& model, const cmsToneCurve* encoding, std::size_t k,
                    double code) {
  const double v = cmsEvalToneCurveFloat(encoding, static_cast<cmsFloat32Number>(code));
  if (!model.tone_curves) return v;
  Rgb rgb{v, v, v};
  return model.tone(rgb)[k];
}

// The TRC of channel k for a matrix/TRC profile: the encoding's own curve when the model has
// none of its own (kept as it is, parametric or not), else both tabulated.
ToneCurveHandle trc_of(const CameraModel& model, const cmsToneCurve* encoding, std::size_t k) {
  if (!model.tone_curves) return ToneCurveHandle(cmsDupToneCurve(encoding));
  std::vector<cmsFloat32Number> values(kInputCurvePoints);
  for (int i = 0; i < kInputCurvePoints; ++i) {
    values[static_cast<std::size_t>(i)] = static_cast<cmsFloat32Number>(
        model_linear(model, encoding, k, static_cast<double>(i) / (kInputCurvePoints - 1)));
  }
  return ToneCurveHandle(cmsBuildTabulatedToneCurveFloat(nullptr, kInputCurvePoints, values.data()));
}

}  // namespace

Linearisation::~Linearisation() = default;
Linearisation::Linearisation(Linearisation&&) noexcept = default;
Linearisation& Linearisation::operator=(Linearisation&&) noexcept = default;

Linearisation Linearisation::of_image(const ImageInfo& info, const std::string& source) {
  Linearisation lin;
  lin.curves_ = std::make_unique<Curves>();
  // The curves of the photo's embedded profile when it is matrix/TRC, else those of LittleCMS's
  // built-in sRGB.
  std::optional<Profile> profile;
  if (!info.icc_profile.empty()) {
    profile.emplace(Profile::from_memory(info.icc_profile.data(), info.icc_profile.size(),
                                         source + " (embedded ICC profile)"));
    if (!profile->is_rgb()) {
      throw InputError("the embedded ICC profile is not an RGB profile", Location{source});
    }
    const std::string name = profile->description();
    if (cmsIsMatrixShaper(profile->impl().handle.get())) {
      lin.description_ = "embedded: " + (name.empty() ? "(no description)" : name);
    } else {
      lin.warning_ = "the embedded profile '" + name +
                     "' is LUT-based and its tone curves cannot be separated: the photo is "
                     "linearised as sRGB";
      profile.reset();
    }
  }
  if (!profile) {
    lin.description_ = info.icc_profile.empty() ? "sRGB (no embedded profile)" : "sRGB";
    profile.emplace(Profile::srgb());
  }
  const cmsTagSignature tags[3] = {cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag};
  for (std::size_t k = 0; k < 3; ++k) {
    const auto* curve =
        static_cast<const cmsToneCurve*>(cmsReadTag(profile->impl().handle.get(), tags[k]));
    lin.curves_->curve[k] = curve ? cmsDupToneCurve(curve) : nullptr;
    if (!lin.curves_->curve[k]) throw ColourManagementError("cannot read a TRC of " + source);
  }
  const int top = info.bits == 16 ? 65535 : 255;
  for (std::size_t k = 0; k < 3; ++k) {
    lin.table_[k].resize(static_cast<std::size_t>(top) + 1);
    for (int code = 0; code <= top; ++code) {
      lin.table_[k][static_cast<std::size_t>(code)] = cmsEvalToneCurveFloat(
          lin.curves_->curve[k], static_cast<cmsFloat32Number>(static_cast<double>(code) / top));
    }
  }
  return lin;
}

std::vector<unsigned char> camera_profile(const CameraModel& model,
                                          const Linearisation& linearisation,
                                          const std::string& description) {
  begin_lcms_call();
  ProfileHandle handle(
      check_lcms(cmsCreateProfilePlaceholder(nullptr), "cannot create the camera profile"));
  cmsHPROFILE profile = handle.get();
  cmsSetProfileVersion(profile, 2.4);
  cmsSetDeviceClass(profile, cmsSigInputClass);
  cmsSetColorSpace(profile, cmsSigRgbData);
  cmsSetPCS(profile, model.kind == CameraModelKind::Matrix ? cmsSigXYZData : cmsSigLabData);
  cmsSetHeaderRenderingIntent(profile, INTENT_RELATIVE_COLORIMETRIC);
  write_text_tag(profile, cmsSigProfileDescriptionTag, description);
  write_text_tag(profile, cmsSigCopyrightTag, "No copyright: made by smpshade's smp-calibrate");
  bool ok = cmsWriteTag(profile, cmsSigMediaWhitePointTag, cmsD50_XYZ());
  const Linearisation::Curves& curves = linearisation.curves();

  if (model.kind == CameraModelKind::Matrix) {
    const cmsTagSignature colorants[3] = {cmsSigRedColorantTag, cmsSigGreenColorantTag,
                                          cmsSigBlueColorantTag};
    const cmsTagSignature trcs[3] = {cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag};
    for (std::size_t k = 0; k < 3; ++k) {
      // Column k of the matrix: the XYZ of a unit of channel k.
      const cmsCIEXYZ xyz{model.coefficients[k], model.coefficients[3 + k],
                          model.coefficients[6 + k]};
      const ToneCurveHandle trc = trc_of(model, curves.curve[k], k);
      ok = ok && trc && cmsWriteTag(profile, colorants[k], &xyz);
      ok = ok && cmsWriteTag(profile, trcs[k], trc.get());
    }
  } else {
    std::unique_ptr<cmsPipeline, PipelineDeleter> lut(cmsPipelineAlloc(nullptr, 3, 3));
    if (!lut) throw ColourManagementError("cannot allocate the camera profile's LUT");
    // The pipeline owns each stage once inserted; a stage that fails before is freed here.
    auto append = [&](cmsStage* stage, bool filled) {
      if (!stage || !filled || !cmsPipelineInsertStage(lut.get(), cmsAT_END, stage)) {
        if (stage) cmsStageFree(stage);
        throw ColourManagementError("cannot build the camera profile's LUT: " + last_lcms_error());
      }
    };
    // Tone curves as a stage: `shape` of each channel's code, tabulated (v2 has no formulas).
    auto curves_stage = [&](auto shape) {
      std::array<cmsToneCurve*, 3> tables{};
      std::vector<cmsFloat32Number> values(kInputCurvePoints);
      for (std::size_t k = 0; k < 3; ++k) {
        for (int i = 0; i < kInputCurvePoints; ++i) {
          values[static_cast<std::size_t>(i)] = static_cast<cmsFloat32Number>(
              shape(k, static_cast<double>(i) / (kInputCurvePoints - 1)));
        }
        tables[k] = cmsBuildTabulatedToneCurveFloat(nullptr, kInputCurvePoints, values.data());
      }
      cmsStage* stage = tables[0] && tables[1] && tables[2]
                            ? cmsStageAllocToneCurves(nullptr, 3, tables.data())
                            : nullptr;
      for (cmsToneCurve* c : tables) {
        if (c) cmsFreeToneCurve(c);
      }
      return stage;
    };
    append(curves_stage([&](std::size_t k, double code) {
             return lightness(model_linear(model, curves.curve[k], k, code));
           }),
           true);
    cmsStage* clut = cmsStageAllocCLut16bit(nullptr, kLutNodes, 3, 3, nullptr);
    append(clut, clut && cmsStageSampleCLut16bit(clut, sample_model,
                                                 const_cast<CameraModel*>(&model), 0));
    append(curves_stage([](std::size_t, double v) { return v; }), true);
    ok = ok && cmsWriteTag(profile, cmsSigAToB0Tag, lut.get());
  }
  if (!ok) {
    throw ColourManagementError("cannot write the camera profile's tags: " + last_lcms_error());
  }
  return save_profile(profile, "the camera profile");
}

struct WrittenProfile::Impl {
  Profile profile;
  RgbToLab to_lab;
  int bits;
};

WrittenProfile::WrittenProfile(const std::vector<unsigned char>& icc, int bits) {
  Profile profile = Profile::from_memory(icc.data(), icc.size(), "the camera profile written");
  RgbToLab to_lab(profile, bits == 16 ? SampleType::U16 : SampleType::U8);
  impl_ = std::make_unique<Impl>(Impl{std::move(profile), std::move(to_lab), bits});
}

WrittenProfile::~WrittenProfile() = default;

Xyz WrittenProfile::mean_xyz(const std::vector<std::uint16_t>& codes) const {
  const std::size_t count = codes.size() / 3;
  std::vector<Lab> lab(count);
  if (impl_->bits == 16) {
    impl_->to_lab.convert(codes.data(), lab.data(), count);
  } else {
    std::vector<std::uint8_t> bytes(codes.size());
    for (std::size_t i = 0; i < codes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(codes[i]);
    impl_->to_lab.convert(bytes.data(), lab.data(), count);
  }
  Xyz sum{0, 0, 0};
  for (const Lab& l : lab) {
    const Xyz xyz = xyz_from_lab(l, kD50);
    sum.x += xyz.x, sum.y += xyz.y, sum.z += xyz.z;
  }
  const double n = static_cast<double>(std::max<std::size_t>(count, 1));
  return {sum.x / n, sum.y / n, sum.z / n};
}

}  // namespace smpshade::detail
