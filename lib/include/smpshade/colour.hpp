#pragma once
/// @file colour.hpp
/// Colour value types (XYZ, CIELAB, LCh), reference whites, Bradford adaptation, ITA.

#include <string>
#include <string_view>

#include "smpshade/export.hpp"

namespace smpshade {

/// CIE XYZ tristimulus values, scaled so that the perfect reflecting diffuser has Y = 1.
struct Xyz {
  double x = 0, y = 0, z = 0;
};

/// CIELAB (CIE 15:2004), relative to a reference white named alongside it.
struct Lab {
  double l = 0, a = 0, b = 0;
  friend bool operator==(const Lab& p, const Lab& q) {
    return p.l == q.l && p.a == q.a && p.b == q.b;
  }
};

/// CIE LCh(ab): lightness, chroma, hue angle in degrees [0, 360).
struct LCh {
  double l = 0, c = 0, h = 0;
};

/// The reference whites records may be relative to.
enum class White { D50, D65 };

/// ICC PCS white, D50 (ICC.1:2010 7.2.16): X 0.9642, Y 1, Z 0.8249.
inline constexpr Xyz kD50{0.9642, 1.0, 0.8249};
/// D65 white, 2° observer (CIE 15:2004 table T.3): X 0.95047, Y 1, Z 1.08883.
inline constexpr Xyz kD65{0.95047, 1.0, 1.08883};

/// The XYZ of a named white.
SMPSHADE_API Xyz white_point(White white);
/// "D50" or "D65".
SMPSHADE_API std::string_view white_name(White white);
/// Parses "D50"/"D65" (case-insensitive); throws ArgumentError otherwise.
SMPSHADE_API White parse_white(std::string_view name);

/// XYZ to CIELAB relative to white `w` (CIE 15:2004 eq. 8.3, with the exact 216/24389 cut-off).
SMPSHADE_API Lab lab_from_xyz(const Xyz& xyz, const Xyz& w);
/// CIELAB back to XYZ relative to white `w`.
SMPSHADE_API Xyz xyz_from_lab(const Lab& lab, const Xyz& w);
SMPSHADE_API LCh lch_from_lab(const Lab& lab);
SMPSHADE_API Lab lab_from_lch(const LCh& lch);

/// Bradford chromatic adaptation of `xyz` seen under white `from` to white `to`
/// (Lam 1985; the linearised form used by ICC.1 Annex E).
SMPSHADE_API Xyz bradford_adapt(const Xyz& xyz, const Xyz& from, const Xyz& to);
/// A Lab colour relative to white `from` re-expressed relative to `to` (through XYZ + Bradford).
SMPSHADE_API Lab adapt_lab(const Lab& lab, White from, White to);

/// Individual Typology Angle in degrees, atan2(L* − 50, b*) (Chardon et al. 1991), the
/// dermatological measure of constitutive skin colour.
SMPSHADE_API double ita_degrees(const Lab& lab);

/// Skin-tone categories of the ITA scale (Del Bino et al. 2006).
enum class ItaCategory { VeryLight, Light, Intermediate, Tan, Brown, Dark };
/// very light > 55°, light > 41°, intermediate > 28°, tan > 10°, brown > −30°, dark ≤ −30°.
SMPSHADE_API ItaCategory ita_category(double ita_deg);
/// "very light", "light", "intermediate", "tan", "brown", "dark".
SMPSHADE_API std::string_view ita_category_name(ItaCategory category);

}  // namespace smpshade
