#pragma once
/// @file skin.hpp
/// How a healed SMP dot looks: ink in the upper dermis seen through the client's epidermis.
/// Kubelka's two-constant layer optics stacked as surface (Saunderson) / epidermis (melanin) /
/// dermis above the ink / ink layer / dermis beneath, on the working grid of km.hpp. The client's
/// own skin colour fixes the melanin and the dermis, so that the uninked model reproduces it.
/// Equations and constants with their sources: smp-match(1), smpshade-healing(5).

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "smpshade/catalog.hpp"
#include "smpshade/colour.hpp"
#include "smpshade/export.hpp"
#include "smpshade/km.hpp"

namespace smpshade {

/// Reflectance and transmittance of a layer or a stack of layers, for diffuse light. A single
/// homogeneous layer reflects the same from both sides; a stack need not.
struct LayerOptics {
  double r_top = 0;     ///< reflectance for light arriving from above
  double r_bottom = 0;  ///< reflectance for light arriving from below
  double t = 1;         ///< transmittance (the same both ways)
};

/// Kubelka's layer of absorption K and scattering S (per cm) and `thickness` cm (Kubelka 1948,
/// "New contributions to the optics of intensely light-scattering materials", JOSA 38:448):
/// a = 1 + K/S, b = sqrt(a² − 1), R = sinh(bSX) / (a sinh(bSX) + b cosh(bSX)),
/// T = b / (a sinh(bSX) + b cosh(bSX)). Written with exp(−bSX) so that thick layers stay finite.
SMPSHADE_API LayerOptics kubelka_layer(double k, double s, double thickness);

/// Layer `upper` over layer `lower` (Kubelka 1954, "New contributions ... Part II", JOSA 44:330):
/// R = R1 + T1² R2 / (1 − R1' R2), T = T1 T2 / (1 − R1' R2), R1' being the upper layer's
/// reflectance from below.
SMPSHADE_API LayerOptics stack_layers(const LayerOptics& upper, const LayerOptics& lower);

/// Reflectance of `upper` lying on an opaque ground of reflectance `ground`.
SMPSHADE_API double reflectance_on_ground(const LayerOptics& upper, double ground);

/// What a clinic's outcomes show that the layered physics cannot make (smp-heal fit learns it
/// only when it predicts held-out outcomes better): the healed dot's Lab moves by W φ, where
/// φ = d ⊗ m, d = Lab_model − Lab_skin (the model dot's contrast with the skin: a recipe without
/// ink still heals to the skin) and m the modifiers, each of which lets the correction vary with
/// what varies between outcomes: 1; the skin's ITA / 50°; |d| / 20; the skin's (a* − 10) / 10
/// and (b* − 15) / 10; and, per ink of `inks`, its share of the recipe's inks. It is applied to
/// the dot's reflectance as a smooth scaling of R (a level, a tilt and a bow over the
/// visible) that gives that Lab, so that the dots' overall look on the scalp (Yule–Nielsen)
/// follows the dot (corrected_reflectance).
struct HealedCorrection {
  static constexpr std::size_t kFixedModifiers = 5;
  std::vector<std::string> inks;
  /// W, row-major: rows ΔL*, Δa*, Δb*; columns (modifier, d component), modifier-major. Empty
  /// when there is no correction.
  std::vector<double> weights;

  bool active() const { return !weights.empty(); }
  std::size_t columns() const { return 3 * (kFixedModifiers + inks.size()); }
  /// φ for a model dot `model` in skin `skin` whose inks have `ink_shares` (parallel to `inks`;
  /// null for none of them).
  SMPSHADE_API std::vector<double> features(const Lab& model, const Lab& skin,
                                            const double* ink_shares) const;
  /// The corrected Lab: model + W φ.
  SMPSHADE_API Lab apply(const Lab& model, const Lab& skin, const double* ink_shares) const;
};

/// The free parameters of the healed-dot model, each a physical quantity that a clinic's healed
/// outcomes can fit (smp-heal). The defaults give what SMP practice reports: a healed dot
/// lighter than the ink in the cup, cooler (carbon black in the dermis reads bluish), and with
/// less contrast on darker skin.
struct HealingParameters {
  /// Strength of the healed ink layer relative to the cup's ink on card: the share of the cup's
  /// ink concentration that stays, the rest lost to the needle's run-off, the wound's weeping
  /// and the first weeks' clearing. Not bounded by 1: macrophages pack the ink that stays more
  /// densely than the cup's film on card holds it, so a clinic whose dots heal dark fits more.
  double retention = 0.3;
  /// Depth of the ink layer's top below the epidermis, in mm of dermis.
  double depth_mm = 0.05;
  /// Strength of the epidermal melanin filter, relative to what the client's skin colour
  /// implies (1: as implied).
  double filter = 1.0;
  /// Strength in skin of particular inks relative to what their card says, as (ink id, factor):
  /// iron oxides scatter and are cleared unlike carbon black, so a clinic's outcomes may show one
  /// ink healing lighter or darker than its ladder predicts. An ink not named has 1.
  std::vector<std::pair<std::string, double>> ink_strength;
  /// A clinic's learned correction on top of the physics (none by default).
  HealedCorrection correction;

  /// The factor of ink `id` (1 when not named).
  double strength_of(std::string_view id) const {
    for (const auto& [ink, factor] : ink_strength) {
      if (ink == id) return factor;
    }
    return 1.0;
  }
};

/// The fixed physical constants of the skin model.
struct SkinConstants {
  /// Epidermis thickness over the scalp, mm (interfollicular scalp epidermis, ~60 µm).
  double epidermis_mm = 0.06;
  /// Thickness of the healed ink layer, mm.
  double ink_layer_mm = 0.1;
  /// Reduced scattering of skin μs'(λ) = a (λ / 500 nm)^−b, cm⁻¹ (Jacques 2013, "Optical
  /// properties of biological tissues: a review", Phys. Med. Biol. 58:R37, table 2, skin).
  double scattering_a = 46.0;
  double scattering_b = 1.421;
  /// L* of the dermis as it would look through an epidermis without melanin: what the skin
  /// colour's melanin is measured against.
  double dermis_lightness = 74.0;
  /// Surface reflection of skin (Saunderson): k1 the Fresnel reflectance of the stratum corneum
  /// at normal incidence, ((n − 1)/(n + 1))² = 0.028 for n = 1.4; k2 as for a paint binder.
  Saunderson surface{0.028, 0.6};
};

/// Melanin's absorption coefficient at `nm`, per unit volume fraction, cm⁻¹:
/// 519 (λ / 500 nm)^−3.5 (Jacques 2013, eq. for μa.mel).
SMPSHADE_API double melanin_absorption(double nm);
/// Absorption of melanin-free epidermis and dermis at `nm`, cm⁻¹: 0.244 + 85.3 exp(−(λ − 154)
/// / 66.2) (Jacques 1998, "Skin optics", Oregon Medical Laser Center News, the baseline).
SMPSHADE_API double skin_baseline_absorption(double nm);

/// What a skin colour implies for the layers beneath it, independent of the healing
/// parameters: computed once per client (skin_optics_from_lab), used by every SkinModel.
struct SkinOptics {
  Lab lab;
  Bands reflectance{};  ///< recovered from `lab` (LHTSS)
  /// Epidermal melanin volume fraction that puts the dermis beneath at dermis_lightness.
  double melanin = 0;
  /// The melanin range over which a dermis exists that gives back this skin exactly: below it
  /// the epidermis alone reflects more than the skin does, above it the dermis would have to
  /// reflect more than all the light it gets.
  double melanin_min = 0, melanin_max = 0;
  bool exact = true;  ///< false when no melanin reproduces the skin exactly (clamped)
};

/// The skin optics of a skin colour. The melanin is searched on 0–60 % (Jacques 1998: 1.3–6.3 %
/// light, 11–16 % moderately, 18–43 % darkly pigmented adult epidermis). Throws InputError
/// when `skin` is not a reflectance colour.
SMPSHADE_API SkinOptics skin_optics_from_lab(const Lab& skin, const GridColorimetry& colorimetry,
                                             const SkinConstants& constants = {});

/// The same from a measured skin reflectance (a spectrophotometer's, or a test's).
SMPSHADE_API SkinOptics skin_optics_from_reflectance(const Bands& reflectance,
                                                     const GridColorimetry& colorimetry,
                                                     const SkinConstants& constants = {});

/// `layered` (a healed dot's reflectance by the layered physics) changed smoothly so that its Lab
/// is `correction` applied (HealedCorrection): the shapes' amounts solve one linear system in XYZ.
/// Unchanged when the correction is not active.
SMPSHADE_API Bands corrected_reflectance(const Bands& layered, const Lab& skin,
                                         const HealedCorrection& correction,
                                         const double* ink_shares);

/// One client's skin with one set of healing parameters, ready to predict healed dots: the
/// epidermis holds the implied melanin times `filter` (kept within the range that reproduces
/// the skin), and the dermis's reflectance is solved band by band so that the uninked stack
/// gives back the skin's reflectance exactly.
class SMPSHADE_API SkinModel {
 public:
  /// Throws ArgumentError for parameters out of range.
  SkinModel(const SkinOptics& skin, const HealingParameters& parameters = {},
            const SkinConstants& constants = {});

  /// Reflectance of the skin with a healed ink layer whose ink, in the cup, has K/S
  /// `cup_ks` (Σ c_i (k/s)_i over the recipe's inks, c_i each ink's share of all parts), by the
  /// layered physics (the parameters' correction is applied by corrected_reflectance).
  Bands healed_reflectance(const Bands& cup_ks) const;
  /// The skin without ink (equal to the skin's reflectance when `exact`).
  Bands uninked_reflectance() const;

  const Bands& skin_reflectance() const { return skin_; }
  const Bands& dermis_reflectance() const { return dermis_r_; }
  /// Epidermal melanin volume fraction in use.
  double melanin() const { return melanin_; }

 private:
  double retention_ = 0;  // the only parameter the ink layer needs after construction
  SkinConstants constants_;
  Bands skin_{};      // measured (Saunderson-included) skin reflectance
  Bands dermis_r_{};  // internal reflectance of the semi-infinite dermis
  Bands dermis_ks_{}, scattering_{};
  std::array<LayerOptics, kBands> top_{};  // epidermis + dermis above the ink
  double melanin_ = 0;
};

}  // namespace smpshade
