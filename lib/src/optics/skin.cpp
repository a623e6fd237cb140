#include "smpshade/skin.hpp"

#include <algorithm>
#include <cmath>

#include "core/linalg.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

namespace {

constexpr double kCmPerMm = 0.1;
// Melanin volume fractions searched: Jacques (1998) gives 1.3–6.3 % for light, 11–16 % for
// moderately and 18–43 % for darkly pigmented adult epidermis.
constexpr double kMaxMelanin = 0.6;
constexpr double kMaxDermisReflectance = 0.98;

double band_nm(int i) { return kGridStartNm + kGridStepNm * i; }

// Kubelka–Munk coefficients from transport ones (van Gemert and Star 1987, "Relations between
// the Kubelka–Munk and the transport equation models for anisotropic scattering", Lasers Life
// Sci. 1:287): K = 2 μa, S = 3/4 μs' for diffuse light in a strongly scattering medium.
double km_scattering(double reduced_scattering) { return 0.75 * reduced_scattering; }

}  // namespace

LayerOptics kubelka_layer(double k, double s, double thickness) {
  if (!(s > 0) || !(thickness > 0)) {
    const double t = std::exp(-k * thickness);  // no scattering: Beer–Lambert, both ways
    return {0.0, 0.0, t};
  }
  const double sx = s * thickness;
  if (k <= 1e-9 * s) return {sx / (1.0 + sx), sx / (1.0 + sx), 1.0 / (1.0 + sx)};  // K = 0
  const double a = 1.0 + k / s;
  const double b = std::sqrt(a * a - 1.0);
  const double e = std::exp(-2.0 * b * s * thickness);  // e^(−2bSX) ∈ (0, 1]
  // sinh = (1 − e)/2 e^(bSX), cosh = (1 + e)/2 e^(bSX); the common factor cancels.
  const double denominator = a * (1.0 - e) + b * (1.0 + e);
  const double r = (1.0 - e) / denominator;
  const double t = 2.0 * b * std::sqrt(e) / denominator;
  return {r, r, t};
}

LayerOptics stack_layers(const LayerOptics& upper, const LayerOptics& lower) {
  const double bounce = 1.0 / (1.0 - upper.r_bottom * lower.r_top);
  LayerOptics out;
  out.r_top = upper.r_top + upper.t * upper.t * lower.r_top * bounce;
  out.r_bottom = lower.r_bottom + lower.t * lower.t * upper.r_bottom * bounce;
  out.t = upper.t * lower.t * bounce;
  return out;
}

double reflectance_on_ground(const LayerOptics& upper, double ground) {
  return upper.r_top + upper.t * upper.t * ground / (1.0 - upper.r_bottom * ground);
}

double melanin_absorption(double nm) { return 519.0 * std::pow(nm / 500.0, -3.5); }

double skin_baseline_absorption(double nm) {
  return 0.244 + 85.3 * std::exp(-(nm - 154.0) / 66.2);
}

namespace {

// The layers of one skin for one melanin fraction and papillary depth, band by band: the
// epidermis (melanin + baseline absorption), the dermis whose reflectance makes the uninked
// stack give back `skin`, and the epidermis + papillary dermis stacked above the ink.
struct SkinLayers {
  Bands dermis_r{}, dermis_ks{}, scattering{};
  std::array<LayerOptics, kBands> top{};
  double lowest_above = 1;  // min over bands of (skin's internal R − epidermis R)
  double highest_dermis = 0;
};

Bands skin_scattering(const SkinConstants& constants) {
  Bands s{};
  for (int i = 0; i < kBands; ++i) {
    s[i] = km_scattering(constants.scattering_a * std::pow(band_nm(i) / 500.0, -constants.scattering_b));
  }
  return s;
}

SkinLayers skin_layers(const Bands& skin, double melanin, double depth_mm,
                       const SkinConstants& constants, const Bands& scattering) {
  SkinLayers out;
  out.scattering = scattering;
  const double epidermis_cm = constants.epidermis_mm * kCmPerMm;
  const double depth_cm = depth_mm * kCmPerMm;
  for (int i = 0; i < kBands; ++i) {
    const double nm = band_nm(i);
    const double mu_a =
        melanin * melanin_absorption(nm) + (1.0 - melanin) * skin_baseline_absorption(nm);
    const LayerOptics epidermis = kubelka_layer(2.0 * mu_a, scattering[i], epidermis_cm);
    // R = Re + Te² Rd / (1 − Re Rd) solved for Rd.
    const double internal = saunderson_inverse(skin[i], constants.surface);
    const double above = internal - epidermis.r_top;
    out.lowest_above = std::min(out.lowest_above, above);
    const double dermis =
        above > 0 ? above / (epidermis.t * epidermis.t + epidermis.r_bottom * above) : 0.0;
    out.highest_dermis = std::max(out.highest_dermis, dermis);
    out.dermis_r[i] = std::clamp(dermis, kMinInternalReflectance, kMaxDermisReflectance);
    out.dermis_ks[i] = ks_from_reflectance(out.dermis_r[i]);
    const LayerOptics papillary =
        kubelka_layer(out.dermis_ks[i] * scattering[i], scattering[i], depth_cm);
    out.top[i] = depth_cm > 0 ? stack_layers(epidermis, papillary) : epidermis;
  }
  return out;
}

bool reproduces_skin(const SkinLayers& layers) {
  return layers.lowest_above > 0 && layers.highest_dermis < kMaxDermisReflectance;
}

}  // namespace

SkinOptics skin_optics_from_lab(const Lab& skin, const GridColorimetry& colorimetry,
                                const SkinConstants& constants) {
  return skin_optics_from_reflectance(colorimetry.reflectance_from_lab(skin), colorimetry,
                                      constants);
}

SkinOptics skin_optics_from_reflectance(const Bands& reflectance,
                                        const GridColorimetry& colorimetry,
                                        const SkinConstants& constants) {
  SkinOptics out;
  out.reflectance = reflectance;
  out.lab = colorimetry.lab(reflectance);
  const Bands scattering = skin_scattering(constants);
  // L* of the dermis found under `melanin`, as it would look through a melanin-free epidermis.
  auto dermis_lightness = [&](double melanin) {
    const SkinLayers layers = skin_layers(out.reflectance, melanin, 0.0, constants, scattering);
    Bands seen{};
    for (int i = 0; i < kBands; ++i) {
      const LayerOptics clear = kubelka_layer(2.0 * skin_baseline_absorption(band_nm(i)),
                                              scattering[i], constants.epidermis_mm * kCmPerMm);
      seen[i] = saunderson_forward(reflectance_on_ground(clear, layers.dermis_r[i]),
                                   constants.surface);
    }
    return colorimetry.lab(seen).l;
  };
  // The melanin fractions (1 % steps) for which a dermis reproduces the skin: one interval.
  constexpr int kSteps = 60;
  int first = -1, last = -1;
  for (int k = 0; k <= kSteps; ++k) {
    const double melanin = kMaxMelanin * k / kSteps;
    if (reproduces_skin(skin_layers(out.reflectance, melanin, 0.0, constants, scattering))) {
      if (first < 0) first = k;
      last = k;
    } else if (first >= 0) {
      break;
    }
  }
  if (first < 0) {
    // No melanin reproduces it exactly (a colour no skin has): the least clamped one.
    out.exact = false;
    double best = HUGE_VAL;
    for (int k = 0; k <= kSteps; ++k) {
      const double melanin = kMaxMelanin * k / kSteps;
      const SkinLayers layers = skin_layers(out.reflectance, melanin, 0.0, constants, scattering);
      const double miss = std::max(0.0, -layers.lowest_above) +
                          std::max(0.0, layers.highest_dermis - kMaxDermisReflectance);
      if (miss < best) best = miss, out.melanin = melanin;
    }
    out.melanin_min = out.melanin_max = out.melanin;
    return out;
  }
  out.melanin_min = kMaxMelanin * first / kSteps;
  out.melanin_max = kMaxMelanin * last / kSteps;
  // More melanin, lighter dermis behind it: bisection for dermis_lightness within the range.
  if (dermis_lightness(out.melanin_min) >= constants.dermis_lightness) {
    out.melanin = out.melanin_min;
  } else if (dermis_lightness(out.melanin_max) <= constants.dermis_lightness) {
    out.melanin = out.melanin_max;
  } else {
    double low = out.melanin_min, high = out.melanin_max;
    for (int step = 0; step < 30; ++step) {
      const double mid = 0.5 * (low + high);
      (dermis_lightness(mid) < constants.dermis_lightness ? low : high) = mid;
    }
    out.melanin = 0.5 * (low + high);
  }
  return out;
}

namespace {

const GridColorimetry& d50_colorimetry() {
  static const GridColorimetry colorimetry(White::D50);
  return colorimetry;
}

// The smooth shapes a correction scales R by: a level, a tilt and a bow over 400–700 nm.
double correction_shape(int k, int band) {
  const double x = (band_nm(band) - 550.0) / 150.0;
  return k == 0 ? 1.0 : k == 1 ? x : x * x - 1.0 / 3.0;
}

// The reflectance R (1 + Σ β_k shape_k) whose Lab is `goal`. XYZ is linear in R, so β solves
// one 3 × 3 system for the goal's XYZ exactly (no iteration); only a reflectance the change
// would push out of 0..1 is held at the bounds.
Bands reflectance_with_lab(const Bands& r, const Lab& goal) {
  const GridColorimetry& colorimetry = d50_colorimetry();
  const auto& w = colorimetry.weights();
  const Xyz now = colorimetry.xyz(r);
  const Xyz want = xyz_from_lab(goal, colorimetry.white());
  double system[9] = {};  // [X, Y, Z][β_k]: XYZ of R shape_k
  for (int i = 0; i < kBands; ++i) {
    for (int k = 0; k < 3; ++k) {
      const double v = r[i] * correction_shape(k, i);
      for (int c = 0; c < 3; ++c) system[c * 3 + k] += w[c][i] * v;
    }
  }
  double beta[3] = {want.x - now.x, want.y - now.y, want.z - now.z};
  if (!detail::solve_linear_in_place(system, beta, 3)) return r;
  Bands out{};
  for (int i = 0; i < kBands; ++i) {
    const double scale =
        1.0 + beta[0] + beta[1] * correction_shape(1, i) + beta[2] * correction_shape(2, i);
    out[i] = std::clamp(r[i] * scale, kMinInternalReflectance, 0.9999);
  }
  return out;
}

}  // namespace

SkinModel::SkinModel(const SkinOptics& skin, const HealingParameters& parameters,
                     const SkinConstants& constants)
    : retention_(parameters.retention), constants_(constants), skin_(skin.reflectance) {
  if (!(parameters.retention > 0) || !(parameters.depth_mm >= 0) || !(parameters.filter >= 0) ||
      !std::isfinite(parameters.retention) || !std::isfinite(parameters.depth_mm) ||
      !std::isfinite(parameters.filter)) {
    throw ArgumentError("healing parameters out of range: retention > 0, depth >= 0, filter >= 0");
  }
  melanin_ = std::clamp(skin.melanin * parameters.filter, skin.melanin_min, skin.melanin_max);
  SkinLayers layers =
      skin_layers(skin_, melanin_, parameters.depth_mm, constants_, skin_scattering(constants_));
  dermis_r_ = layers.dermis_r;
  dermis_ks_ = layers.dermis_ks;
  scattering_ = layers.scattering;
  top_ = layers.top;

}

Bands SkinModel::healed_reflectance(const Bands& cup_ks) const {
  const double ink_cm = constants_.ink_layer_mm * kCmPerMm;
  Bands out{};
  for (int i = 0; i < kBands; ++i) {
    const double ks = dermis_ks_[i] + retention_ * cup_ks[i];
    const LayerOptics ink = kubelka_layer(ks * scattering_[i], scattering_[i], ink_cm);
    const double below_top = reflectance_on_ground(ink, dermis_r_[i]);
    out[i] = saunderson_forward(reflectance_on_ground(top_[i], below_top), constants_.surface);
  }
  return out;
}

Bands SkinModel::uninked_reflectance() const { return healed_reflectance(Bands{}); }

std::vector<double> HealedCorrection::features(const Lab& model, const Lab& skin,
                                               const double* ink_shares) const {
  const double d[3] = {model.l - skin.l, model.a - skin.a, model.b - skin.b};
  const double size = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  std::vector<double> modifiers{1.0, ita_degrees(skin) / 50.0, size / 20.0, (skin.a - 10.0) / 10.0,
                                (skin.b - 15.0) / 10.0};
  for (std::size_t j = 0; j < inks.size(); ++j) modifiers.push_back(ink_shares ? ink_shares[j] : 0.0);
  std::vector<double> phi;
  phi.reserve(3 * modifiers.size());
  for (double m : modifiers) phi.insert(phi.end(), {m * d[0], m * d[1], m * d[2]});
  return phi;
}

Lab HealedCorrection::apply(const Lab& model, const Lab& skin, const double* ink_shares) const {
  if (!active()) return model;
  const std::vector<double> phi = features(model, skin, ink_shares);
  double delta[3] = {0, 0, 0};
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t k = 0; k < phi.size(); ++k) delta[r] += weights[r * phi.size() + k] * phi[k];
  }
  return {model.l + delta[0], model.a + delta[1], model.b + delta[2]};
}

Bands corrected_reflectance(const Bands& layered, const Lab& skin,
                            const HealedCorrection& correction, const double* ink_shares) {
  if (!correction.active()) return layered;
  const Lab model = d50_colorimetry().lab(layered);
  return reflectance_with_lab(layered, correction.apply(model, skin, ink_shares));
}

}  // namespace smpshade
