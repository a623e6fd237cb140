// Camera models fitted to a chart: camera RGB → XYZ D50, minimising CIEDE2000.
//
// The start is a weighted linear least-squares fit in XYZ, each patch weighted by
// Y^(-4/3) so that a dark patch's error counts about as much in lightness as a light one's
// (L* grows as Y^(1/3): dL* ∝ dY / Y^(2/3)). Levenberg–Marquardt then minimises the sum of the
// squared ΔE00 themselves, the quantity the report gives, with a forward-difference Jacobian.
// Each patch is one residual, its ΔE00. (Three a patch, its Lab difference scaled to its
// ΔE00, converge further on the same sum, and predict held-out patches worse: 3.42 against
// 3.05 for the root-polynomial on jtvd_color_checker_1.jpg. LM stopping where a millionth of
// the cost is gained, from the least-squares start, is the regularisation that works here.)
//
// Beside the matrix or polynomial a model may fit (all on the same ΔE00):
// - tone curves, per channel over the encoding's: v' = (max(v − o, 0) / (1 − o))^γ. Phone
//   JPEGs are contrast-boosted and their black is not the profile's; a gamma and a black offset
//   per channel are what 24 patches (six of them neutral, from 3 % to 90 % reflectance)
//   support. Weak priors (γ = 1, o = 0) keep a curve put where the patches do not pin it.
// - an illumination gradient: patch i saw light g(u, v) = 1 + gx (u − 3)/6 + gy (v − 2)/4 at
//   its cell (u, v) on the chart, its XYZ divided by g before the comparison. A plane is what
//   a chart lit from one side shows; more would start to fit the colours.
#include <algorithm>
#include <cmath>

#include "calibrate/internal.hpp"
#include "smpshade/difference.hpp"

namespace smpshade {

namespace {

int term_count(CameraModelKind kind) { return kind == CameraModelKind::Matrix ? 3 : 6; }

// The model's terms of one colour. Root-polynomial terms (Finlayson, Mackiewicz & Hurlbert
// 2015) are all of degree one: scaling the exposure scales every term, as it scales XYZ.
void terms_of(CameraModelKind kind, const detail::Rgb& rgb, double* out) {
  const double r = std::max(rgb[0], 0.0), g = std::max(rgb[1], 0.0), b = std::max(rgb[2], 0.0);
  out[0] = rgb[0];
  out[1] = rgb[1];
  out[2] = rgb[2];
  if (kind == CameraModelKind::RootPolynomial) {
    out[3] = std::sqrt(r * g);
    out[4] = std::sqrt(g * b);
    out[5] = std::sqrt(r * b);
  }
}

// Weights of the priors, in ΔE00 per unit: ln γ of 0.1 costs 0.2, an offset of 0.01 costs 0.2,
// a gradient of 10 % across the chart 0.05; each far below what a real curve or gradient
// saves, enough to hold a parameter the patches say nothing about.
constexpr double kGammaPrior = 2.0, kOffsetPrior = 20.0, kGradientPrior = 0.5;
// Bounds that keep a fit physical while LM explores.
constexpr double kMaxOffset = 0.2, kMaxLogGamma = 1.0, kMaxGradient = 1.5;

}  // namespace

Xyz CameraModel::apply(const std::array<double, 3>& rgb) const {
  const int n = term_count(kind);
  double t[6];
  terms_of(kind, rgb, t);
  double xyz[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    for (int j = 0; j < n; ++j) {
      xyz[k] += coefficients[static_cast<std::size_t>(k * n + j)] * t[j];
    }
  }
  return {xyz[0], xyz[1], xyz[2]};
}

std::array<double, 3> CameraModel::tone(const std::array<double, 3>& rgb) const {
  if (!tone_curves) return rgb;
  std::array<double, 3> out{};
  for (std::size_t c = 0; c < 3; ++c) {
    const double v = std::max(rgb[c] - offset[c], 0.0) / (1 - offset[c]);
    out[c] = std::pow(v, gamma[c]);
  }
  return out;
}

double CameraModel::light_gain(double u, double v) const {
  if (!illumination_gradient) return 1;
  return std::max(1 + gradient[0] * (u - 3) / 6 + gradient[1] * (v - 2) / 4, 0.05);
}

double CameraModel::light_falloff() const {
  double lo = 1e300, hi = 0;
  for (const double u : {0.0, 6.0}) {
    for (const double v : {0.0, 4.0}) {
      lo = std::min(lo, light_gain(u, v)), hi = std::max(hi, light_gain(u, v));
    }
  }
  return hi / lo - 1;
}

std::string camera_model_label(const CameraModel& model) {
  std::string label(camera_model_name(model.kind));
  if (model.tone_curves) label += "+curves";
  if (model.illumination_gradient) label += "+gradient";
  return label;
}

namespace detail {

int minimum_patches(CameraModelKind kind) { return 2 * term_count(kind) + 2; }

Lab model_lab(const CameraModel& model, const Rgb& rgb) {
  return lab_from_xyz(model.apply(rgb), kD50);
}

Xyz model_xyz(const CameraModel& model, const Rgb& rgb, const std::array<double, 2>& cell) {
  const Xyz xyz = model.apply(model.tone(rgb));
  const double gain = model.light_gain(cell[0], cell[1]);
  return {xyz.x / gain, xyz.y / gain, xyz.z / gain};
}

namespace {

// Weighted least squares in XYZ: the start of the ΔE00 fit.
std::vector<double> xyz_least_squares(CameraModelKind kind, const std::vector<Rgb>& rgb,
                                      const std::vector<Lab>& reference) {
  const int n = term_count(kind);
  const auto un = static_cast<std::size_t>(n);
  std::vector<double> coefficients(3 * un, 0.0);
  std::vector<double> ata(un * un, 0.0);
  std::vector<std::vector<double>> atb(3, std::vector<double>(un, 0.0));
  for (std::size_t i = 0; i < rgb.size(); ++i) {
    double t[6];
    terms_of(kind, rgb[i], t);
    const Xyz xyz = xyz_from_lab(reference[i], kD50);
    const double w = std::pow(std::max(xyz.y, 0.01), -4.0 / 3.0);
    const double target[3] = {xyz.x, xyz.y, xyz.z};
    for (std::size_t j = 0; j < un; ++j) {
      for (std::size_t k = 0; k < un; ++k) ata[j * un + k] += w * t[j] * t[k];
      for (std::size_t c = 0; c < 3; ++c) atb[c][j] += w * t[j] * target[c];
    }
  }
  // A touch of ridge keeps a degenerate chart (e.g. every patch one hue) solvable.
  double trace = 0;
  for (std::size_t j = 0; j < un; ++j) trace += ata[j * un + j];
  for (std::size_t j = 0; j < un; ++j) ata[j * un + j] += 1e-9 * trace / n;
  for (std::size_t c = 0; c < 3; ++c) {
    std::vector<double> x;
    if (!solve_linear(ata, atb[c], x)) x.assign(un, 0.0);
    std::copy(x.begin(), x.end(), coefficients.begin() + static_cast<std::ptrdiff_t>(c * un));
  }
  return coefficients;
}

// The unknowns of a model as one vector: coefficients, then ln γ and offsets (tone curves),
// then the gradient.
std::vector<double> pack(const ModelSpec& spec, const CameraModel& model) {
  std::vector<double> p = model.coefficients;
  if (spec.tone_curves) {
    for (const double g : model.gamma) p.push_back(std::log(g));
    for (const double o : model.offset) p.push_back(o);
  }
  if (spec.gradient) p.insert(p.end(), model.gradient.begin(), model.gradient.end());
  return p;
}

void unpack(const ModelSpec& spec, const std::vector<double>& p, CameraModel& model) {
  const std::size_t n = 3 * static_cast<std::size_t>(term_count(spec.kind));
  model.kind = spec.kind;
  model.coefficients.assign(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n));
  std::size_t at = n;
  model.tone_curves = spec.tone_curves;
  if (spec.tone_curves) {
    for (std::size_t c = 0; c < 3; ++c) {
      model.gamma[c] = std::exp(std::clamp(p[at + c], -kMaxLogGamma, kMaxLogGamma));
      model.offset[c] = std::clamp(p[at + 3 + c], -kMaxOffset, kMaxOffset);
    }
    at += 6;
  }
  model.illumination_gradient = spec.gradient;
  if (spec.gradient) {
    model.gradient = {std::clamp(p[at], -kMaxGradient, kMaxGradient),
                      std::clamp(p[at + 1], -kMaxGradient, kMaxGradient)};
  }
}

// Residuals: each patch's ΔE00, then the priors.
double residuals(const ModelSpec& spec, const CameraModel& model, const FitPatches& patches,
                 std::vector<double>& r) {
  r.clear();
  double cost = 0;
  for (std::size_t i = 0; i < patches.rgb.size(); ++i) {
    const Lab lab = lab_from_xyz(model_xyz(model, patches.rgb[i], patches.cell[i]), kD50);
    double e00 = ciede2000(patches.reference[i], lab);
    if (!std::isfinite(e00)) e00 = 1e3;
    r.push_back(e00);
    cost += e00 * e00;
  }
  const std::size_t patch_residuals = r.size();
  if (spec.tone_curves) {
    for (std::size_t c = 0; c < 3; ++c) r.push_back(kGammaPrior * std::log(model.gamma[c]));
    for (std::size_t c = 0; c < 3; ++c) r.push_back(kOffsetPrior * model.offset[c]);
  }
  if (spec.gradient) {
    r.push_back(kGradientPrior * model.gradient[0]);
    r.push_back(kGradientPrior * model.gradient[1]);
  }
  for (std::size_t i = patch_residuals; i < r.size(); ++i) cost += r[i] * r[i];
  return cost;
}

}  // namespace

CameraModel least_squares_model(CameraModelKind kind, const std::vector<Rgb>& rgb,
                                const std::vector<Lab>& reference) {
  CameraModel model;
  model.kind = kind;
  model.coefficients = xyz_least_squares(kind, rgb, reference);
  return model;
}

CameraModel fit_camera_model(const ModelSpec& spec, const FitPatches& patches,
                             const CameraModel* start) {
  CameraModel model;
  if (start && start->kind == spec.kind && start->tone_curves == spec.tone_curves &&
      start->illumination_gradient == spec.gradient) {
    model = *start;
  } else if (spec.kind == CameraModelKind::RootPolynomial && (spec.tone_curves || spec.gradient)) {
    // In stages: the curves and gradient a matrix finds, then the polynomial's least squares
    // on the values they give. From γ = 1 the polynomial's cross terms take up part of a
    // curve and the fit stops there (a painted gamma of 1.3 was found as 1.25, 0.6 ΔE00 off).
    const CameraModel matrix =
        fit_camera_model({CameraModelKind::Matrix, spec.tone_curves, spec.gradient}, patches);
    std::vector<Rgb> linear(patches.rgb.size());
    for (std::size_t i = 0; i < linear.size(); ++i) {
      const double gain = matrix.light_gain(patches.cell[i][0], patches.cell[i][1]);
      linear[i] = matrix.tone(patches.rgb[i]);
      for (double& v : linear[i]) v /= gain;
    }
    model = matrix;
    model.kind = spec.kind;
    model.coefficients = xyz_least_squares(spec.kind, linear, patches.reference);
  } else {
    model = least_squares_model(spec.kind, patches.rgb, patches.reference);
  }
  model.tone_curves = spec.tone_curves;
  model.illumination_gradient = spec.gradient;
  std::vector<double> p = pack(spec, model);
  const std::size_t n = p.size();

  std::vector<double> r, r_step;
  double cost = residuals(spec, model, patches, r);
  const std::size_t m = r.size();
  double lambda = 1e-3;
  std::vector<double> jacobian(m * n), jtj(n * n), jtr(n), delta, trial_p;
  CameraModel trial = model;
  for (int iteration = 0; iteration < 200 && cost > 0; ++iteration) {
    for (std::size_t j = 0; j < n; ++j) {
      trial_p = p;
      const double h = 1e-7 * std::max(1.0, std::fabs(p[j]));
      trial_p[j] += h;
      unpack(spec, trial_p, trial);
      residuals(spec, trial, patches, r_step);
      for (std::size_t i = 0; i < m; ++i) jacobian[i * n + j] = (r_step[i] - r[i]) / h;
    }
    std::fill(jtj.begin(), jtj.end(), 0.0);
    std::fill(jtr.begin(), jtr.end(), 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const double jij = jacobian[i * n + j];
        if (jij == 0) continue;
        jtr[j] += jij * r[i];
        for (std::size_t k = 0; k < n; ++k) jtj[j * n + k] += jij * jacobian[i * n + k];
      }
    }
    bool improved = false;
    double new_cost = cost;
    while (lambda < 1e12) {
      std::vector<double> a = jtj, b(n);
      for (std::size_t j = 0; j < n; ++j) {
        a[j * n + j] += lambda * std::max(jtj[j * n + j], 1e-12);
        b[j] = -jtr[j];
      }
      if (solve_linear(a, b, delta)) {
        trial_p = p;
        for (std::size_t j = 0; j < n; ++j) trial_p[j] += delta[j];
        unpack(spec, trial_p, trial);
        new_cost = residuals(spec, trial, patches, r_step);
        if (new_cost < cost) {
          improved = true;
          break;
        }
      }
      lambda *= 4;
    }
    if (!improved) break;
    const double gain = cost - new_cost;
    p = pack(spec, trial);  // the clamped values
    model = trial;
    r = r_step;
    cost = new_cost;
    lambda = std::max(lambda / 3, 1e-12);
    if (gain < 1e-6 * cost) break;  // a millionth of the cost: far below any ΔE00 reported
  }
  return model;
}

HeldOutFit fit_with_held_out(const ModelSpec& spec, const FitPatches& patches) {
  HeldOutFit fit;
  fit.model = fit_camera_model(spec, patches);
  fit.held_out.resize(patches.rgb.size());
  // Each leave-one-out fit starts from the fit to every patch, a patch away from its answer.
  const CameraModel& all = fit.model;
  FitPatches rest;
  for (std::size_t out = 0; out < patches.rgb.size(); ++out) {
    rest = FitPatches{};
    for (std::size_t i = 0; i < patches.rgb.size(); ++i) {
      if (i == out) continue;
      rest.rgb.push_back(patches.rgb[i]);
      rest.reference.push_back(patches.reference[i]);
      rest.cell.push_back(patches.cell[i]);
    }
    CameraModel model = fit_camera_model(spec, rest, &all);
    fit.held_out[out] = ciede2000(
        patches.reference[out],
        lab_from_xyz(model_xyz(model, patches.rgb[out], patches.cell[out]), kD50));
    fit.without.push_back(std::move(model));
  }
  return fit;
}

}  // namespace detail
}  // namespace smpshade
