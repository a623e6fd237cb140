#pragma once
/// @file render.hpp
/// smp-render's pictures (SPEC 2.8): swatches of measured and predicted colours, simulated
/// scalp, and a pigment's dilution ladder, drawn into an 8-bit sRGB image and written as PNG.
/// Built as the static library smpshade_render (FreeType and libpng inside), linked only by
/// smp-render so that the other tools do not load a font engine.

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "smpshade/catalog.hpp"
#include "smpshade/cms.hpp"
#include "smpshade/colour.hpp"
#include "smpshade/error.hpp"
#include "smpshade/match.hpp"
#include "smpshade/records.hpp"

namespace smpshade::render {

/// One proposed recipe as a match record gives it (SPEC 2.6).
struct RecipeView {
  int rank = 0;
  std::vector<RecipePart> parts;  ///< names filled from the catalogue when it is known
  std::string ratio;
  Lab predicted;  ///< D50
  double de00 = 0;
  bool healed = false;
  bool reachable = true;
  std::optional<double> density;  ///< planned share of scalp in dots (matched overall)
  std::optional<double> overall_de00;  ///< the overall look against the region's (density plans)
  std::optional<double> rank_de00;     ///< the figure that ranked the recipes
  bool illustrative = false;           ///< its inks are example values, not measurements
  std::optional<double> coverage;  ///< share of scalp in dots the record predicted (--coverage)
};

/// Everything drawn for one target: its colour, its skin, its recipes (none for Lab records).
struct TargetView {
  std::string id;
  Lab target;               ///< D50
  std::optional<Lab> skin;  ///< D50
  std::vector<RecipeView> recipes;
  std::vector<std::string> warnings;  ///< the measurement's, as the records carry them
  Location where;  ///< the first record of it
};

/// Reads Lab records and match records (told apart per line: a JSON object with "recipe" or
/// "predicted" is a match record) from `in`. Match records are grouped by id in order of first
/// appearance; Lab records are paired with their scalp records as smp-match pairs them. A bad
/// line is passed to `on_error` and skipped.
std::vector<TargetView> read_targets(std::istream& in, const std::string& name,
                                     const std::function<void(const InputError&)>& on_error);

/// Fills each recipe part's name from the catalogues (left as the id when not found).
void name_parts(std::vector<TargetView>& targets, const std::vector<Catalog>& catalogs);

/// A rectangle in pixels; (x, y) is its top-left corner.
struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
};

/// One flat-coloured swatch drawn in the picture, for --layout and the tests that read pixels.
struct Swatch {
  std::string id;    ///< the target's id, or the ladder step's ratio
  std::string kind;  ///< "hair", "skin", "predicted", "scalp" (simulated, not flat), "ladder"
  int rank = 0;      ///< the recipe's rank for "predicted"/"scalp", else 0
  Lab lab;           ///< the colour it shows (for "scalp": the healed dot colour)
  Rect rect;
  bool out_of_gamut = false;  ///< outside sRGB: clipped, and marked with a hatched corner
  std::optional<double> coverage;  ///< "scalp": the share of its area in dots
};

/// The --layout record of a swatch: id, kind, rank, lab, x, y, w, h, out_of_gamut, and for a
/// simulated scalp its coverage.
Record swatch_record(const Swatch& swatch);

/// How pictures are drawn.
struct RenderOptions {
  /// Share of the simulated scalp's area in dots: the record's own (its density, else the
  /// coverage smp-match predicted) unless `coverage_given`, else this.
  double coverage = 0.25;
  bool coverage_given = false;
  std::string font;        ///< a TrueType/OpenType file; empty: the compiled-in default
};

/// An 8-bit sRGB picture, rows top to bottom, and the swatches drawn in it.
struct Picture {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  ///< width × height × 3
  std::vector<Swatch> swatches;
};

/// What one picture holds (smp-render(1), LIMITS), so that its size, and the time and memory
/// it takes, grow only with what is drawn: at most 60,000 rows, about 200 MB of pixels.
inline constexpr std::size_t kMaxTargets = 40;         ///< targets (sections) in one sheet
inline constexpr std::size_t kMaxRecipes = 10;         ///< recipes drawn for one target
inline constexpr std::size_t kMaxLadderSteps = 30;     ///< steps in a ladder strip
inline constexpr std::size_t kMaxLabelCharacters = 100;  ///< a text longer is cut, with "..."

/// Throws InputError (at the first record of the target that is past a limit) when `targets`
/// do not fit one picture: more than kMaxTargets, or a target with more than kMaxRecipes.
void check_picture_limits(const std::vector<TargetView>& targets);

/// The consultation sheet: a section per target (see smp-render(1) for the layout). Checks
/// check_picture_limits() first.
Picture render_targets(const std::vector<TargetView>& targets, const RenderOptions& options);

/// A ladder predicted healed in one skin (smp-render --ladder ID --skin L,a,b): the skin, and
/// each step's healed colour (D50), in ladder order.
struct HealedLadder {
  Lab skin;
  std::vector<Lab> steps;
};
/// A pigment's dilution ladder as a strip of swatches with their ratios, as measured on the
/// catalogue's card, or as `healed` predicts them in a skin (the skin last instead of the card);
/// InputError when it has more than kMaxLadderSteps steps.
Picture render_ladder(const Pigment& pigment, const Catalog& catalog, const RenderOptions& options,
                      const std::optional<HealedLadder>& healed = std::nullopt);

/// Lab (D50) to 8-bit sRGB through LittleCMS: the one code path for every colour smp-render
/// draws and smp-report puts on its page. A colour outside sRGB (a channel off by more than half
/// a code) is clipped, and said to be out of gamut.
class SrgbCoder {
 public:
  SrgbCoder();
  std::array<std::uint8_t, 3> code(const Lab& lab, bool* out_of_gamut = nullptr) const;

 private:
  Profile srgb_;
  LabToRgb to_rgb_;
};

/// A patch of simulated scalp, as render_targets() draws it: `skin` with seeded random dots of
/// `dot` covering a share `coverage` of it, edges mixed in linear light, framed.
Picture render_scalp_patch(const Lab& skin, const Lab& dot, double coverage, int width, int height);

/// `picture` encoded as PNG (8-bit RGB). Throws IoError naming `name` when libpng fails.
std::vector<unsigned char> encode_png(const Picture& picture, const std::string& name);


/// The font used when RenderOptions::font is empty (DejaVu Sans from fonts-dejavu-core).
std::string default_font();

}  // namespace smpshade::render
