#pragma once
// Synthetic pigments with known unit K/S spectra, and catalogues whose ladders are made through
// the same optics (SPEC 2.6): the ground truth the KM fit and the search are tested against.

#include <cmath>

#include "smpshade/catalog.hpp"
#include "smpshade/km.hpp"

namespace smpshade::test {

inline double nm_of(int band) { return kGridStartNm + kGridStepNm * band; }

/// Carbon-black-like: strong, nearly flat, a little stronger at short wavelengths.
inline Bands black_ks() {
  Bands ks{};
  for (int i = 0; i < kBands; ++i) ks[i] = 40.0 + 8.0 * (700.0 - nm_of(i)) / 300.0;
  return ks;
}
/// Red-iron-oxide-like: absorbs below ~580 nm, little above.
inline Bands red_ks() {
  Bands ks{};
  for (int i = 0; i < kBands; ++i) ks[i] = 0.4 + 14.0 / (1.0 + std::exp((nm_of(i) - 575.0) / 18.0));
  return ks;
}
/// Yellow-iron-oxide-like: absorbs below ~500 nm.
inline Bands yellow_ks() {
  Bands ks{};
  for (int i = 0; i < kBands; ++i) ks[i] = 0.2 + 9.0 / (1.0 + std::exp((nm_of(i) - 495.0) / 15.0));
  return ks;
}
/// A white card: high, slightly warm.
inline Bands card_reflectance() {
  Bands r{};
  for (int i = 0; i < kBands; ++i) r[i] = 0.80 + 0.06 * (nm_of(i) - 400.0) / 300.0;
  return r;
}

/// The measured reflectance of `c` of a pigment with unit K/S `ks` on the card.
inline Bands true_reflectance(const std::vector<std::pair<const Bands*, double>>& mix,
                              const Bands& substrate = card_reflectance()) {
  const Optics optics = optics_for_substrate(substrate, Saunderson{});
  std::vector<PigmentShare> shares;
  for (const auto& [ks, c] : mix) shares.push_back({ks, c});
  return mixture_reflectance(optics, shares.data(), shares.size());
}

/// A catalogue of the three synthetic inks with 6-step ladders (1:0 .. 1:20). `spectral`: steps
/// carry spectra; otherwise only Lab (D50, 2°), as a supplier with a colorimeter would give.
inline Catalog synthetic_catalog(bool spectral) {
  const GridColorimetry colorimetry(White::D50);
  Catalog catalog;
  catalog.file = "synthetic.yaml";
  catalog.supplier = "Test";
  catalog.measurement.substrate.name = "white card";
  catalog.measurement.substrate.colour.spectrum = spectrum_from_bands(card_reflectance());
  catalog.diluents.push_back({"distilled-water", "distilled water", {}});
  const std::pair<const char*, Bands> inks[] = {
      {"black", black_ks()}, {"red", red_ks()}, {"yellow", yellow_ks()}};
  static Bands stored[3];
  int index = 0;
  for (const auto& [id, ks] : inks) {
    stored[index] = ks;
    Pigment p;
    p.id = id;
    p.name = id;
    for (int diluent : {0, 1, 3, 6, 10, 20}) {
      LadderStep step;
      step.ink_parts = 1;
      step.diluent_parts = diluent;
      const Bands r = true_reflectance({{&stored[index], step.concentration()}});
      if (spectral) {
        step.colour.spectrum = spectrum_from_bands(r);
      } else {
        step.colour.lab = colorimetry.lab(r);
      }
      p.ladder.push_back(step);
    }
    catalog.pigments.push_back(p);
    ++index;
  }
  return catalog;
}

}  // namespace smpshade::test
