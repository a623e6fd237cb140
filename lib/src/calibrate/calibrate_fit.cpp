// Camera models fitted to a chart: camera RGB (linear) → XYZ D50, minimising CIEDE2000.
//
// The start is a weighted linear least-squares fit in XYZ, each patch weighted by
// Y^(-4/3) so that a dark patch's error counts about as much in lightness as a light one's
// (L* grows as Y^(1/3): dL* ∝ dY / Y^(2/3)). Levenberg–Marquardt then minimises the sum of the
// squared ΔE00 themselves, the quantity the report gives, with a forward-difference Jacobian:
// 24 patches and at most 18 coefficients make that a few thousand ΔE00 a fit.
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

namespace detail {

int minimum_patches(CameraModelKind kind) { return 2 * term_count(kind) + 2; }

Lab model_lab(const CameraModel& model, const Rgb& rgb) {
  return lab_from_xyz(model.apply(rgb), kD50);
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

double residuals(const CameraModel& model, const std::vector<Rgb>& rgb,
                 const std::vector<Lab>& reference, std::vector<double>& r) {
  r.resize(rgb.size());
  double cost = 0;
  for (std::size_t i = 0; i < rgb.size(); ++i) {
    r[i] = ciede2000(reference[i], model_lab(model, rgb[i]));
    if (!std::isfinite(r[i])) r[i] = 1e3;
    cost += r[i] * r[i];
  }
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

CameraModel fit_camera_model(CameraModelKind kind, const std::vector<Rgb>& rgb,
                             const std::vector<Lab>& reference, const CameraModel* start) {
  CameraModel model =
      start && start->kind == kind ? *start : least_squares_model(kind, rgb, reference);
  const std::size_t n = model.coefficients.size(), m = rgb.size();

  std::vector<double> r, r_step;
  double cost = residuals(model, rgb, reference, r);
  double lambda = 1e-3;
  std::vector<double> jacobian(m * n), jtj(n * n), jtr(n), delta;
  CameraModel trial = model;
  for (int iteration = 0; iteration < 200 && cost > 0; ++iteration) {
    for (std::size_t j = 0; j < n; ++j) {
      trial.coefficients = model.coefficients;
      const double h = 1e-7 * std::max(1.0, std::fabs(model.coefficients[j]));
      trial.coefficients[j] += h;
      residuals(trial, rgb, reference, r_step);
      for (std::size_t i = 0; i < m; ++i) jacobian[i * n + j] = (r_step[i] - r[i]) / h;
    }
    std::fill(jtj.begin(), jtj.end(), 0.0);
    std::fill(jtr.begin(), jtr.end(), 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        jtr[j] += jacobian[i * n + j] * r[i];
        for (std::size_t k = 0; k < n; ++k) {
          jtj[j * n + k] += jacobian[i * n + j] * jacobian[i * n + k];
        }
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
        trial.coefficients = model.coefficients;
        for (std::size_t j = 0; j < n; ++j) trial.coefficients[j] += delta[j];
        new_cost = residuals(trial, rgb, reference, r_step);
        if (new_cost < cost) {
          improved = true;
          break;
        }
      }
      lambda *= 4;
    }
    if (!improved) break;
    const double gain = cost - new_cost;
    model.coefficients = trial.coefficients;
    r = r_step;
    cost = new_cost;
    lambda = std::max(lambda / 3, 1e-12);
    if (gain < 1e-6 * cost) break;  // a millionth of the cost: far below any ΔE00 reported
  }
  return model;
}

HeldOutFit fit_with_held_out(CameraModelKind kind, const std::vector<Rgb>& rgb,
                             const std::vector<Lab>& reference) {
  HeldOutFit fit;
  fit.model = fit_camera_model(kind, rgb, reference);
  fit.held_out.resize(rgb.size());
  // Each leave-one-out fit starts from the fit to every patch, a patch away from its answer.
  const CameraModel& all = fit.model;
  std::vector<Rgb> fit_rgb;
  std::vector<Lab> fit_reference;
  for (std::size_t out = 0; out < rgb.size(); ++out) {
    fit_rgb.clear();
    fit_reference.clear();
    for (std::size_t i = 0; i < rgb.size(); ++i) {
      if (i == out) continue;
      fit_rgb.push_back(rgb[i]);
      fit_reference.push_back(reference[i]);
    }
    const CameraModel model = fit_camera_model(kind, fit_rgb, fit_reference, &all);
    fit.held_out[out] = ciede2000(reference[out], model_lab(model, rgb[out]));
  }
  return fit;
}

}  // namespace detail
}  // namespace smpshade
