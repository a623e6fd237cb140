#pragma once
// A synthetic SMP clinic for testing smp-heal without circularity: healed outcomes made by a
// truth model that differs in structure from the engine's layered skin model.
//
// The truth: skin built from physiology (epidermal melanin AND dermal blood, whose haemoglobin
// absorption the engine does not model at all; approximated here by Gaussian bands at 420, 542
// and 577 nm, which is enough to make the skin's spectrum differ from any the engine recovers),
// thicker epidermis (0.08 mm), other scattering (a = 40 cm⁻¹, b = 1.25), a two-constant ink
// layer (the ink adds absorption c·ρ·K_unit and scattering c·ρ·S_unit of its own, where the
// engine keeps the dermis's scattering), a surface k1 of 0.035, a per-client retention drawn
// around the clinic's (log-normal, 25 %), and measurement noise on every Lab (σ = 0.4 per axis).
// The engine sees only Lab values, as a clinic would.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "smpshade/heal.hpp"
#include "smpshade/km.hpp"
#include "smpshade/skin.hpp"

namespace smpshade::test {

struct ClinicTruth {
  double retention = 0.12;        // the clinic's typical share of ink that stays
  double client_spread = 0.45;    // SD of ln(retention) between clients
  double depth_mm = 0.12;
  double epidermis_mm = 0.08;
  double ink_layer_mm = 0.15;
  double scattering_a = 40.0, scattering_b = 1.25;
  double ink_scattering = 8.0;    // cm⁻¹ per unit concentration: carbon black scatters little
  double ink_absorption_scale = 28.0;  // K_unit = unit K/S × this (cm⁻¹)
  Saunderson surface{0.035, 0.6};
  double noise = 0.4;             // Lab measurement noise, per axis
};

struct ClinicClient {
  std::string id;
  double melanin = 0, blood = 0;
  double retention = 0;  // this client's true retention
  Bands skin{};          // true skin reflectance
  Lab skin_lab;          // as measured (noisy)
};

class SyntheticClinic {
 public:
  SyntheticClinic(const std::vector<PigmentModel>& inks, unsigned seed, ClinicTruth truth = {})
      : inks_(inks), rng_(seed), truth_(truth), colorimetry_(White::D50) {}

  const ClinicTruth& truth() const { return truth_; }

  // A client of a random skin tone: melanin 1–40 % (light to dark), blood 0.5–3 %.
  ClinicClient client(const std::string& id) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> z(0.0, 1.0);
    ClinicClient c;
    c.id = id;
    c.melanin = 0.01 + 0.35 * std::pow(u(rng_), 1.5);
    c.blood = 0.005 + 0.025 * u(rng_);
    c.retention = std::min(1.0, truth_.retention * std::exp(truth_.client_spread * z(rng_)));
    c.skin = reflectance(c, Bands{});
    c.skin_lab = noisy(colorimetry_.lab(c.skin));
    return c;
  }

  // A client of a given melanin fraction (skin tone sweep).
  ClinicClient client_with_melanin(const std::string& id, double melanin) {
    ClinicClient c = client(id);
    c.melanin = melanin;
    c.skin = reflectance(c, Bands{});
    c.skin_lab = noisy(colorimetry_.lab(c.skin));
    return c;
  }

  // A random single-ink or two-ink recipe of the bundled catalogue's kind.
  std::vector<RecipePart> recipe() {
    std::uniform_int_distribution<std::size_t> ink(0, inks_.size() - 1);
    std::uniform_int_distribution<int> parts(1, 4), water(0, 10);
    std::vector<RecipePart> r;
    const std::size_t first = ink(rng_);
    r.push_back({inks_[first].id, "", false, parts(rng_)});
    if (std::uniform_real_distribution<double>(0, 1)(rng_) < 0.3) {
      std::size_t second = ink(rng_);
      if (second != first) r.push_back({inks_[second].id, "", false, 1});
    }
    const int w = water(rng_);
    if (w > 0) r.push_back({inks_[first].diluent_id, "", true, w});
    return r;
  }

  // The outcome of `recipe` in `client`'s skin, as the clinic would measure it.
  Outcome outcome(const ClinicClient& c, const std::vector<RecipePart>& recipe,
                  const std::string& id) {
    Outcome o;
    o.id = id;
    o.client = c.id;
    o.skin = c.skin_lab;
    o.recipe = recipe;
    o.healed = noisy(colorimetry_.lab(reflectance(c, cup_absorption(recipe))));
    o.weeks = 8;
    return o;
  }

  // The true healed colour, without noise.
  Lab true_healed(const ClinicClient& c, const std::vector<RecipePart>& recipe) const {
    return colorimetry_.lab(reflectance(c, cup_absorption(recipe)));
  }

 private:
  Bands cup_absorption(const std::vector<RecipePart>& recipe) const {
    const std::vector<double> c = ink_concentrations(recipe);
    Bands ks{};
    std::size_t j = 0;
    for (const RecipePart& part : recipe) {
      if (part.is_diluent) continue;
      const auto it = std::find_if(inks_.begin(), inks_.end(),
                                   [&](const PigmentModel& p) { return p.id == part.id; });
      for (int i = 0; i < kBands; ++i) ks[i] += c[j] * it->unit_ks[i];
      ++j;
    }
    return ks;
  }

  static double haemoglobin(double nm) {  // cm⁻¹ at 100 % blood, a rough three-band shape
    auto band = [&](double centre, double width, double height) {
      return height * std::exp(-0.5 * std::pow((nm - centre) / width, 2));
    };
    return band(420, 18, 2800) + band(542, 12, 280) + band(577, 11, 300) + 4.0;
  }

  // Reflectance of the true stack with ink whose cup K/S is `cup_ks` (zero: bare skin).
  Bands reflectance(const ClinicClient& c, const Bands& cup_ks) const {
    Bands out{};
    double total_ink = 0;
    for (double v : cup_ks) total_ink += v;
    for (int i = 0; i < kBands; ++i) {
      const double nm = kGridStartNm + kGridStepNm * i;
      const double s = 0.75 * truth_.scattering_a * std::pow(nm / 500.0, -truth_.scattering_b);
      const double epi_k = 2 * (c.melanin * melanin_absorption(nm) +
                                (1 - c.melanin) * skin_baseline_absorption(nm));
      const double derm_k = 2 * (c.blood * haemoglobin(nm) + skin_baseline_absorption(nm));
      const LayerOptics epidermis = kubelka_layer(epi_k, s, truth_.epidermis_mm * 0.1);
      const LayerOptics above = kubelka_layer(derm_k, s, truth_.depth_mm * 0.1);
      const double share = c.retention;
      const double ink_k = derm_k + share * cup_ks[i] * truth_.ink_absorption_scale;
      const double ink_s = s + (total_ink > 0 ? share * truth_.ink_scattering : 0.0);
      const LayerOptics ink = kubelka_layer(ink_k, ink_s, truth_.ink_layer_mm * 0.1);
      const double a = 1 + derm_k / s;
      const double dermis_inf = a - std::sqrt(a * a - 1);
      const LayerOptics top = stack_layers(stack_layers(epidermis, above), ink);
      out[i] = saunderson_forward(reflectance_on_ground(top, dermis_inf), truth_.surface);
    }
    return out;
  }

  Lab noisy(const Lab& lab) {
    std::normal_distribution<double> n(0.0, truth_.noise);
    return {std::clamp(lab.l + n(rng_), 0.5, 99.5), lab.a + n(rng_), lab.b + n(rng_)};
  }

  std::vector<PigmentModel> inks_;
  std::mt19937 rng_;
  ClinicTruth truth_;
  GridColorimetry colorimetry_;
};

}  // namespace smpshade::test
