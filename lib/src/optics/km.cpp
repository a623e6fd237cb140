#include "smpshade/km.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/cie_tables.hpp"
#include "core/linalg.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

double ks_from_reflectance(double r) { return (1.0 - r) * (1.0 - r) / (2.0 * r); }

double reflectance_from_ks(double ks) { return 1.0 + ks - std::sqrt(ks * ks + 2.0 * ks); }

double saunderson_forward(double r_inf, const Saunderson& s) {
  return s.k1 + (1.0 - s.k1) * (1.0 - s.k2) * r_inf / (1.0 - s.k2 * r_inf);
}

double saunderson_inverse(double r_measured, const Saunderson& s) {
  // Solving R = k1 + (1−k1)(1−k2)R∞/(1−k2 R∞) for R∞.
  const double above_surface = r_measured - s.k1;
  const double r_inf = above_surface / ((1.0 - s.k1) * (1.0 - s.k2) + s.k2 * above_surface);
  return std::clamp(r_inf, kMinInternalReflectance, 1.0 - 1e-9);
}

Bands bands_from_spectrum(const Spectrum& spectrum) {
  Bands bands{};
  for (int i = 0; i < kBands; ++i) bands[i] = spectrum.at(kGridStartNm + kGridStepNm * i);
  return bands;
}

Spectrum spectrum_from_bands(const Bands& bands) {
  return Spectrum{kGridStartNm, kGridStepNm, std::vector<double>(bands.begin(), bands.end())};
}

// ---------------------------------------------------------------------------------------------

GridColorimetry::GridColorimetry(White illuminant, Observer observer) {
  const auto& cmf =
      observer == Observer::Cie1931_2deg ? detail::cie1931_2deg_cmf() : detail::cie1964_10deg_cmf();
  const auto& power =
      illuminant == White::D50 ? detail::illuminant_d50() : detail::illuminant_d65();
  double norm = 0;
  for (int i = 0; i < kBands; ++i) {
    const double nm = kGridStartNm + kGridStepNm * i;
    const double s = power.at(nm, 0);
    for (int k = 0; k < 3; ++k) weights_[k][i] = s * cmf.at(nm, k);
    norm += s * cmf.at(nm, 1);
  }
  for (auto& row : weights_) {
    for (double& w : row) w /= norm;
  }
  Bands ones;
  ones.fill(1.0);
  white_ = xyz(ones);
}

Xyz GridColorimetry::xyz(const Bands& r) const {
  double x = 0, y = 0, z = 0;
  for (int i = 0; i < kBands; ++i) {
    x += weights_[0][i] * r[i];
    y += weights_[1][i] * r[i];
    z += weights_[2][i] * r[i];
  }
  return {x, y, z};
}

Lab GridColorimetry::lab(const Bands& r) const { return lab_from_xyz(xyz(r), white_); }

using detail::solve_linear;  // core/linalg.hpp

Bands GridColorimetry::reflectance_from_lab(const Lab& lab) const {
  // Burns (2020), LHTSS: minimise Σ (z_{i+1} − z_i)² over z with R = (tanh z + 1)/2 and
  // T·R = XYZ, by Newton's method on the Lagrangian; unknowns z (31) and λ (3).
  constexpr std::size_t n = kBands;
  constexpr std::size_t m = n + 3;
  const Xyz target = xyz_from_lab(lab, white_);
  const double goal[3] = {target.x, target.y, target.z};
  std::array<double, n> z{};
  std::array<double, 3> lambda{};
  double best_norm = HUGE_VAL;
  Bands best{};
  for (int iteration = 0; iteration < 100; ++iteration) {
    std::array<double, n> r{}, d1{}, d2{}, t_lambda{};
    for (std::size_t i = 0; i < n; ++i) {
      const double t = std::tanh(z[i]);
      const double sech2 = 1.0 - t * t;
      r[i] = (t + 1.0) / 2.0;
      d1[i] = sech2 / 2.0;
      d2[i] = -sech2 * t;
      t_lambda[i] =
          weights_[0][i] * lambda[0] + weights_[1][i] * lambda[1] + weights_[2][i] * lambda[2];
    }
    // F = [D z + d1 ∘ Tᵀλ ; T R − xyz], D = 2·(first-difference)ᵀ(first-difference).
    std::array<double, m> f{};
    for (std::size_t i = 0; i < n; ++i) {
      const double left = i > 0 ? z[i] - z[i - 1] : 0.0;
      const double right = i + 1 < n ? z[i] - z[i + 1] : 0.0;
      f[i] = 2.0 * (left + right) + d1[i] * t_lambda[i];
    }
    for (std::size_t k = 0; k < 3; ++k) {
      double sum = 0;
      for (std::size_t i = 0; i < n; ++i) sum += weights_[k][i] * r[i];
      f[n + k] = sum - goal[k];
    }
    double norm = 0;
    for (std::size_t k = 0; k < 3; ++k) norm = std::max(norm, std::fabs(f[n + k]));
    double gradient = 0;
    for (std::size_t i = 0; i < n; ++i) gradient = std::max(gradient, std::fabs(f[i]));
    if (norm < best_norm) {
      best_norm = norm;
      for (std::size_t i = 0; i < n; ++i) best[i] = r[i];
    }
    if (norm < 1e-10 && gradient < 1e-8) return best;

    std::array<std::array<double, m>, m> jacobian{};
    for (std::size_t i = 0; i < n; ++i) {
      jacobian[i][i] = (i > 0 ? 2.0 : 0.0) + (i + 1 < n ? 2.0 : 0.0) + d2[i] * t_lambda[i];
      if (i > 0) jacobian[i][i - 1] = -2.0;
      if (i + 1 < n) jacobian[i][i + 1] = -2.0;
      for (std::size_t k = 0; k < 3; ++k) {
        jacobian[i][n + k] = d1[i] * weights_[k][i];
        jacobian[n + k][i] = weights_[k][i] * d1[i];
      }
    }
    std::array<double, m> step{};
    for (std::size_t i = 0; i < m; ++i) step[i] = -f[i];
    if (!solve_linear(jacobian, step)) break;
    // Newton steps on tanh can overshoot far from the solution: limit each band's step.
    double largest = 0;
    for (std::size_t i = 0; i < n; ++i) largest = std::max(largest, std::fabs(step[i]));
    const double scale = largest > 2.0 ? 2.0 / largest : 1.0;
    for (std::size_t i = 0; i < n; ++i) z[i] += scale * step[i];
    for (std::size_t k = 0; k < 3; ++k) lambda[k] += scale * step[n + k];
  }
  // Within 1e-6 in XYZ is far below 0.01 ΔE; anything worse means no reflectance fits.
  if (best_norm < 1e-6) return best;
  throw InputError("no reflectance spectrum has the colour L*a*b* " + std::to_string(lab.l) + " " +
                   std::to_string(lab.a) + " " + std::to_string(lab.b) +
                   " (outside the object-colour solid)");
}

// ---------------------------------------------------------------------------------------------

Optics optics_for_substrate(const Bands& substrate, const Saunderson& saunderson) {
  Optics optics{saunderson, {}};
  for (int i = 0; i < kBands; ++i) {
    optics.substrate_ks[i] = ks_from_reflectance(saunderson_inverse(substrate[i], saunderson));
  }
  return optics;
}

Bands mixture_reflectance(const Optics& optics, const PigmentShare* shares, std::size_t count) {
  Bands r{};
  for (int i = 0; i < kBands; ++i) {
    double ks = optics.substrate_ks[i];
    for (std::size_t p = 0; p < count; ++p) ks += shares[p].concentration * (*shares[p].unit_ks)[i];
    r[i] = saunderson_forward(reflectance_from_ks(ks), optics.saunderson);
  }
  return r;
}

Bands yule_nielsen_reflectance(const Bands& skin, const Bands& dot, double coverage, double n) {
  Bands r{};
  for (int i = 0; i < kBands; ++i) {
    const double mixed =
        (1.0 - coverage) * std::pow(skin[i], 1.0 / n) + coverage * std::pow(dot[i], 1.0 / n);
    r[i] = std::pow(mixed, n);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------

namespace {

Bands measured_bands(const MeasuredColour& colour, const GridColorimetry& colorimetry,
                     const std::string& what) {
  if (colour.spectrum) return bands_from_spectrum(*colour.spectrum);
  if (colour.lab) {
    try {
      return colorimetry.reflectance_from_lab(*colour.lab);
    } catch (const InputError& e) {
      throw InputError(what + ": " + e.message(), colour.where);
    }
  }
  throw InputError(what + " has neither lab nor spectrum", colour.where);
}

}  // namespace

Bands substrate_reflectance(const Catalog& catalog) {
  const GridColorimetry colorimetry(catalog.measurement.illuminant, catalog.measurement.observer);
  return measured_bands(catalog.measurement.substrate.colour, colorimetry, "substrate");
}

PigmentModel fit_pigment(const Pigment& pigment, const Catalog& catalog) {
  const Measurement& m = catalog.measurement;
  const GridColorimetry colorimetry(m.illuminant, m.observer);
  const Optics optics = optics_for_substrate(substrate_reflectance(catalog), m.saunderson);

  PigmentModel model;
  model.id = pigment.id;
  model.name = pigment.name;
  model.illustrative = catalog.illustrative;
  if (!catalog.diluents.empty()) {
    model.diluent_id = catalog.diluents.front().id;
    model.diluent_name = catalog.diluents.front().name;
  }

  struct Step {
    double c;
    Bands ks;
    Bands measured;
  };
  std::vector<Step> steps;
  for (const LadderStep& s : pigment.ladder) {
    if (!(s.ink_parts > 0) || !(s.diluent_parts >= 0)) continue;
    Step step{s.concentration(), {}, measured_bands(s.colour, colorimetry, "ladder step")};
    for (int i = 0; i < kBands; ++i) {
      step.ks[i] = ks_from_reflectance(saunderson_inverse(step.measured[i], m.saunderson));
    }
    steps.push_back(step);
  }
  if (steps.empty()) {
    throw InputError("pigment '" + pigment.id + "' has no usable ladder step", pigment.where);
  }

  // Per wavelength: minimise Σ w (KS_step − KS_substrate − c·k)², w = 1/KS_step²,
  // so k = Σ w c ΔKS / Σ w c². Negative K/S has no meaning and is held at 0.
  for (int i = 0; i < kBands; ++i) {
    double numerator = 0, denominator = 0;
    for (const Step& s : steps) {
      const double w = 1.0 / (s.ks[i] * s.ks[i]);
      numerator += w * s.c * (s.ks[i] - optics.substrate_ks[i]);
      denominator += w * s.c * s.c;
    }
    model.unit_ks[i] = std::max(0.0, numerator / denominator);
  }

  double sum = 0;
  for (const Step& s : steps) {
    const PigmentShare share{&model.unit_ks, s.c};
    const double de = ciede2000(colorimetry.lab(s.measured),
                                colorimetry.lab(mixture_reflectance(optics, &share, 1)));
    sum += de;
    model.fit_max_de00 = std::max(model.fit_max_de00, de);
  }
  model.fit_mean_de00 = sum / static_cast<double>(steps.size());
  return model;
}

}  // namespace smpshade
