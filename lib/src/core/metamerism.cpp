// ISO 18314-4:2024 metamerism index for a change of illuminant, with its spectral correction.
#include "smpshade/metamerism.hpp"

#include <array>
#include <cmath>

#include "core/cie_tables.hpp"
#include "core/linalg.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

namespace {

const detail::TabulatedSpectra& power_table(Illuminant illuminant) {
  switch (illuminant) {
    case Illuminant::D50:
      return detail::illuminant_d50();
    case Illuminant::D65:
      return detail::illuminant_d65();
    case Illuminant::A:
      return detail::illuminant_a();
    case Illuminant::F11:
      return detail::illuminant_fl11();
    case Illuminant::LedB3:
      break;
  }
  return detail::illuminant_led_b3();
}

const detail::TabulatedSpectra& cmf_table(Observer observer) {
  return observer == Observer::Cie1931_2deg ? detail::cie1931_2deg_cmf()
                                            : detail::cie1964_10deg_cmf();
}

// The wavelengths a pair is compared at: the standard's, within the CMF tables (360–830 nm).
std::vector<double> wavelengths(const Spectrum& s) {
  if (s.values.empty() || !(s.step_nm > 0) || !std::isfinite(s.start_nm)) {
    throw ArgumentError("a metamerism index needs an evenly sampled spectrum");
  }
  std::vector<double> nm;
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    const double w = s.start_nm + s.step_nm * static_cast<double>(i);
    if (w >= 360.0 && w <= 830.0) nm.push_back(w);
  }
  return nm;
}

void check_covers(const Spectrum& s, const char* which) {
  if (s.values.empty() || s.start_nm > 400.0 || s.end_nm() < 700.0) {
    throw ArgumentError(std::string("the ") + which +
                        "'s spectrum does not cover 400–700 nm: no metamerism index");
  }
  for (double v : s.values) {
    if (!std::isfinite(v)) throw ArgumentError(std::string("the ") + which + "'s spectrum holds a value that is not a number");
  }
}

// Tristimulus weights S(λ)·x̄ȳz̄(λ) at `nm`.
std::vector<std::array<double, 3>> weights(const std::vector<double>& nm, Illuminant illuminant,
                                           Observer observer) {
  const auto& power = power_table(illuminant);
  const auto& cmf = cmf_table(observer);
  std::vector<std::array<double, 3>> w;
  for (double l : nm) {
    const double s = power.at(l, 0);
    w.push_back({s * cmf.at(l, 0), s * cmf.at(l, 1), s * cmf.at(l, 2)});
  }
  return w;
}

// Lab of `r` (values at `nm`) under the weights' illuminant, relative to its white.
Lab lab_from_weights(const std::vector<double>& r, const std::vector<std::array<double, 3>>& w) {
  Xyz xyz, white;
  for (std::size_t i = 0; i < w.size(); ++i) {
    xyz.x += r[i] * w[i][0], xyz.y += r[i] * w[i][1], xyz.z += r[i] * w[i][2];
    white.x += w[i][0], white.y += w[i][1], white.z += w[i][2];
  }
  if (!(white.y > 0)) throw ArgumentError("the spectrum does not overlap the illuminant's table");
  return lab_from_xyz({xyz.x / white.y, xyz.y / white.y, xyz.z / white.y},
                      {white.x / white.y, 1.0, white.z / white.y});
}

}  // namespace

std::string_view illuminant_name(Illuminant illuminant) {
  switch (illuminant) {
    case Illuminant::D50:
      return "D50";
    case Illuminant::D65:
      return "D65";
    case Illuminant::A:
      return "A";
    case Illuminant::F11:
      return "F11";
    case Illuminant::LedB3:
      break;
  }
  return "LED-B3";
}

const std::vector<Illuminant>& metamerism_test_illuminants() {
  static const std::vector<Illuminant> kTests = {Illuminant::A, Illuminant::F11,
                                                 Illuminant::LedB3};
  return kTests;
}

Lab lab_under(const Spectrum& reflectance, Illuminant illuminant, Observer observer) {
  const std::vector<double> nm = wavelengths(reflectance);
  std::vector<double> r;
  for (double l : nm) r.push_back(reflectance.at(l));
  return lab_from_weights(r, weights(nm, illuminant, observer));
}

double metamerism_index(const Spectrum& standard, const Spectrum& sample, Illuminant test,
                        Illuminant reference, Observer observer) {
  check_covers(standard, "standard");
  check_covers(sample, "sample");
  const std::vector<double> nm = wavelengths(standard);
  std::vector<double> r_std, r_spl;
  for (double l : nm) {
    r_std.push_back(standard.at(l));
    r_spl.push_back(sample.at(l));
  }
  // R_corr = R_spl + W u, where (WᵀW) u = Wᵀ (R_std − R_spl): the projection of the difference
  // onto the reference weights' column space (ISO 18314-4:2024, spectral correction).
  const auto w = weights(nm, reference, observer);
  std::array<std::array<double, 3>, 3> wtw{};
  std::array<double, 3> u{};
  for (std::size_t i = 0; i < nm.size(); ++i) {
    const double d = r_std[i] - r_spl[i];
    for (std::size_t a = 0; a < 3; ++a) {
      u[a] += w[i][a] * d;
      for (std::size_t b = 0; b < 3; ++b) wtw[a][b] += w[i][a] * w[i][b];
    }
  }
  if (!detail::solve_linear(wtw, u)) {
    throw ArgumentError("the reference illuminant's weights are degenerate over these wavelengths");
  }
  std::vector<double> r_corr(nm.size());
  for (std::size_t i = 0; i < nm.size(); ++i) {
    r_corr[i] = r_spl[i] + w[i][0] * u[0] + w[i][1] * u[1] + w[i][2] * u[2];
  }
  const auto w_test = weights(nm, test, observer);
  return ciede2000(lab_from_weights(r_std, w_test), lab_from_weights(r_corr, w_test));
}

PairMetamerism pair_metamerism(const std::optional<Spectrum>& reference,
                               Observer reference_observer,
                               const std::optional<Spectrum>& sample, Observer sample_observer) {
  PairMetamerism row;
  if (!reference || !sample) {
    row.why_not = "no spectrum in the " + std::string(reference ? "sample" : "reference") +
                  " (a spectral CGATS file, or smp-catalog export --spectra)";
    return row;
  }
  if (reference_observer != sample_observer) {
    row.why_not = "the reference and sample are for different observers";
    return row;
  }
  try {
    for (Illuminant test : metamerism_test_illuminants()) {
      row.index.push_back(
          metamerism_index(*reference, *sample, test, Illuminant::D50, reference_observer));
      if (row.index.back() >= row.max) row.max = row.index.back(), row.worst = test;
    }
  } catch (const ArgumentError& e) {
    row.index.clear();
    row.why_not = e.message();
  }
  return row;
}

}  // namespace smpshade
