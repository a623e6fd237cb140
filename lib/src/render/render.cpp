// Drawing the consultation sheet and the ladder strip: flat swatches converted Lab -> sRGB by
// LittleCMS, stipple for simulated scalp, text by FreeType, PNG by libpng.
#include "render.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>

#include "core/fixed.hpp"
#include "smpshade/cms.hpp"

#ifndef SMPSHADE_DEFAULT_FONT
#define SMPSHADE_DEFAULT_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#endif

namespace smpshade::render {
namespace {

struct Rgb8 {
  std::uint8_t r = 0, g = 0, b = 0;
};

const Rgb8 kInk{20, 20, 20};
const Rgb8 kGrey{110, 110, 110};
const Rgb8 kRule{200, 200, 200};

// The layout (documented in smp-render(1)): every size in pixels.
constexpr int kWidth = 1200;
constexpr int kMargin = 24;
constexpr int kTitleHeight = 48;
constexpr int kHeaderHeight = 36;   // a target's id line
constexpr int kSwatch = 150;        // hair and skin swatches
constexpr int kSwatchBlock = 320;   // horizontal step from hair to skin
constexpr int kLabelHeight = 72;    // three lines under a swatch
constexpr int kRecipeSwatch = 96;   // predicted, simulated scalp, hair beside it
constexpr int kRecipeHeight = 112;  // a recipe's row
constexpr int kRecipeTextX = 340;
constexpr int kSectionGap = 24;
constexpr int kLadderStep = 130;
constexpr int kLadderSwatch = 120;
constexpr int kDotRadius = 3;  // simulated stubble dots

// sRGB's transfer function (IEC 61966-2-1), for mixing dot edges in linear light.
double to_linear(double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); }
double from_linear(double v) {
  return v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
}
std::uint8_t code_value(double v) {
  return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
}

class Font {
 public:
  explicit Font(const std::string& path) {
    if (FT_Init_FreeType(&library_) != 0) throw Error("cannot start FreeType");
    if (FT_New_Face(library_, path.c_str(), 0, &face_) != 0) {
      FT_Done_FreeType(library_);
      throw IoError("cannot load the font (a TrueType/OpenType file is needed; --font FILE)",
                    Location{path});
    }
  }
  Font(const Font&) = delete;
  Font& operator=(const Font&) = delete;
  ~Font() {
    FT_Done_Face(face_);
    FT_Done_FreeType(library_);
  }
  FT_Face face(int pixels) const {
    FT_Set_Pixel_Sizes(face_, 0, static_cast<FT_UInt>(pixels));
    return face_;
  }

 private:
  FT_Library library_ = nullptr;
  FT_Face face_ = nullptr;
};

// Code points of UTF-8 text; a malformed byte becomes '?'.
std::vector<char32_t> code_points(const std::string& text) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= text.size()) {
      out.push_back(U'?');
      ++i;
      continue;
    }
    char32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]) & 0x3F);
    }
    out.push_back(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

class Canvas {
 public:
  // `font` may be null for a canvas that has no text (a scalp patch).
  Canvas(int width, int height, const Font* font) : font_(font) {
    picture_.width = width;
    picture_.height = height;
    picture_.rgb.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3,
                        255);
  }

  Picture take() { return std::move(picture_); }
  void add(Swatch s) { picture_.swatches.push_back(std::move(s)); }

  void set(int x, int y, Rgb8 c) {
    if (x < 0 || y < 0 || x >= picture_.width || y >= picture_.height) return;
    std::uint8_t* p = pixel(x, y);
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
  }
  void blend(int x, int y, Rgb8 c, double alpha) {
    if (x < 0 || y < 0 || x >= picture_.width || y >= picture_.height) return;
    std::uint8_t* p = pixel(x, y);
    const std::uint8_t in[3] = {c.r, c.g, c.b};
    for (int k = 0; k < 3; ++k) {
      const double under = to_linear(p[k] / 255.0), over = to_linear(in[k] / 255.0);
      p[k] = code_value(from_linear(under + (over - under) * alpha));
    }
  }
  void fill(const Rect& r, Rgb8 c) {
    for (int y = r.y; y < r.y + r.h; ++y)
      for (int x = r.x; x < r.x + r.w; ++x) set(x, y, c);
  }
  void frame(const Rect& r, Rgb8 c) {
    for (int x = r.x - 1; x <= r.x + r.w; ++x) set(x, r.y - 1, c), set(x, r.y + r.h, c);
    for (int y = r.y - 1; y <= r.y + r.h; ++y) set(r.x - 1, y, c), set(r.x + r.w, y, c);
  }

  // Lab (D50) -> sRGB through LittleCMS (SrgbCoder).
  Rgb8 colour(const Lab& lab, bool* out_of_gamut = nullptr) const {
    const auto c = coder_.code(lab, out_of_gamut);
    return {c[0], c[1], c[2]};
  }

  // A flat swatch, framed; out-of-gamut ones get a hatched top-right corner.
  Swatch swatch(std::string id, std::string kind, int rank, const Lab& lab, const Rect& r) {
    Swatch s{std::move(id), std::move(kind), rank, lab, r, false, std::nullopt};
    fill(r, colour(lab, &s.out_of_gamut));
    frame(r, kRule);
    if (s.out_of_gamut) hatch_corner(r);
    picture_.swatches.push_back(s);
    return s;
  }

  void hatch_corner(const Rect& r) {
    const int n = std::min(r.w, r.h) / 4;
    for (int dy = 0; dy < n; ++dy) {
      for (int dx = n - dy; dx < n; ++dx) {
        const int x = r.x + r.w - n + dx, y = r.y + dy;
        set(x, y, ((x + y) / 3) % 2 == 0 ? Rgb8{0, 0, 0} : Rgb8{255, 255, 255});
      }
    }
  }

  // Skin with stubble dots of `dot` covering a share `coverage` of the area: random discs
  // (seeded, so pictures are reproducible), anti-aliased by 4 × 4 supersampling, mixed in linear
  // light, added until the covered share reaches `coverage`.
  void stipple(const Rect& r, Rgb8 skin, Rgb8 dot, double coverage) {
    fill(r, skin);
    std::vector<double> alpha(static_cast<std::size_t>(r.w) * static_cast<std::size_t>(r.h), 0.0);
    std::mt19937 random(42);
    std::uniform_real_distribution<double> ux(0, r.w), uy(0, r.h);
    double covered = 0;
    const double target = coverage * r.w * r.h;
    for (int guard = 0; covered < target && guard < 100000; ++guard) {
      const double cx = ux(random), cy = uy(random);
      for (int y = std::max(0, static_cast<int>(cy) - kDotRadius - 1);
           y <= std::min(r.h - 1, static_cast<int>(cy) + kDotRadius + 1); ++y) {
        for (int x = std::max(0, static_cast<int>(cx) - kDotRadius - 1);
             x <= std::min(r.w - 1, static_cast<int>(cx) + kDotRadius + 1); ++x) {
          int inside = 0;
          for (int sy = 0; sy < 4; ++sy)
            for (int sx = 0; sx < 4; ++sx) {
              const double px = x + (sx + 0.5) / 4 - cx, py = y + (sy + 0.5) / 4 - cy;
              inside += px * px + py * py <= kDotRadius * kDotRadius;
            }
          double& a = alpha[static_cast<std::size_t>(y) * static_cast<std::size_t>(r.w) +
                            static_cast<std::size_t>(x)];
          const double next = std::max(a, inside / 16.0);
          covered += next - a;
          a = next;
        }
      }
    }
    for (int y = 0; y < r.h; ++y)
      for (int x = 0; x < r.w; ++x) {
        const double a = alpha[static_cast<std::size_t>(y) * static_cast<std::size_t>(r.w) +
                               static_cast<std::size_t>(x)];
        if (a > 0) blend(r.x + x, r.y + y, dot, a);
      }
    frame(r, kRule);
  }

  // Text with its baseline at y; returns the x after it. A text longer than
  // kMaxLabelCharacters is cut with "...", and no glyph is rendered past the picture's right
  // edge, so a label of a megabyte costs what a line of the picture does.
  int text(int x, int y, const std::string& s, int size, Rgb8 c) {
    if (!font_) return x;
    FT_Face face = font_->face(size);
    std::vector<char32_t> points = code_points(s.substr(0, kMaxLabelCharacters * 4));
    if (points.size() > kMaxLabelCharacters) {
      points.resize(kMaxLabelCharacters - 3);
      points.insert(points.end(), 3, U'.');
    }
    if (y + size < 0 || y - 2 * size > picture_.height) return x;
    for (char32_t cp : points) {
      if (x >= picture_.width) break;
      if (FT_Load_Char(face, cp, FT_LOAD_RENDER) != 0) continue;
      const FT_GlyphSlot g = face->glyph;
      const FT_Bitmap& bm = g->bitmap;
      for (unsigned row = 0; row < bm.rows; ++row) {
        for (unsigned col = 0; col < bm.width; ++col) {
          const unsigned char v =
              bm.buffer[static_cast<std::ptrdiff_t>(row) * bm.pitch + static_cast<int>(col)];
          if (v != 0) {
            blend(x + g->bitmap_left + static_cast<int>(col),
                  y - g->bitmap_top + static_cast<int>(row), c, v / 255.0);
          }
        }
      }
      x += static_cast<int>(g->advance.x >> 6);
    }
    return x;
  }

 private:
  std::uint8_t* pixel(int x, int y) {
    return picture_.rgb.data() +
           (static_cast<std::size_t>(y) * static_cast<std::size_t>(picture_.width) +
            static_cast<std::size_t>(x)) *
               3;
  }
  Picture picture_;
  const Font* font_;
  SrgbCoder coder_;
};

// Two decimals unless said: what a swatch label shows.
std::string fixed(double v, int decimals = 2) { return detail::fixed(v, decimals); }

std::string lab_text(const Lab& lab) {
  return "L* " + fixed(lab.l) + "  a* " + fixed(lab.a) + "  b* " + fixed(lab.b);
}

std::string ita_text(const Lab& lab) {
  const double ita = ita_degrees(lab);
  return "ITA " + fixed(ita, 1) + "\u00B0, " + std::string(ita_category_name(ita_category(ita)));
}

std::string parts_in_words(const RecipeView& recipe) {
  Recipe r;
  r.parts = recipe.parts;
  return recipe_in_words(r);
}

// The labels under a hair or skin swatch; the skin's tone category (ITA) under skin only, as
// ITA describes skin, not hair.
void swatch_labels(Canvas& canvas, const Swatch& s, const std::string& title, bool skin) {
  const int x = s.rect.x, y = s.rect.y + s.rect.h;
  canvas.text(x, y + 20, title + (s.out_of_gamut ? "  (out of gamut)" : ""), 15, kInk);
  canvas.text(x, y + 40, lab_text(s.lab), 15, kInk);
  if (skin) canvas.text(x, y + 60, ita_text(s.lab), 15, kGrey);
}

// The measurement's warnings shown under a target's header: at most this many lines.
constexpr std::size_t kMaxWarningLines = 4;
constexpr int kWarningLine = 20;

int warning_lines(const TargetView& t) {
  return static_cast<int>(std::min(t.warnings.size(), kMaxWarningLines));
}

int section_height(const TargetView& t) {
  return kHeaderHeight + warning_lines(t) * kWarningLine + kSwatch + kLabelHeight +
         static_cast<int>(t.recipes.size()) * kRecipeHeight + kSectionGap;
}

std::string font_path(const RenderOptions& options) {
  return options.font.empty() ? default_font() : options.font;
}

}  // namespace

std::string default_font() { return SMPSHADE_DEFAULT_FONT; }

SrgbCoder::SrgbCoder() : srgb_(Profile::srgb()), to_rgb_(srgb_) {}

std::array<std::uint8_t, 3> SrgbCoder::code(const Lab& lab, bool* out_of_gamut) const {
  const LabToRgb::Rgb rgb = to_rgb_.convert(lab);
  constexpr double kSlack = 0.5 / 255.0;
  const bool out = rgb.r < -kSlack || rgb.g < -kSlack || rgb.b < -kSlack || rgb.r > 1 + kSlack ||
                   rgb.g > 1 + kSlack || rgb.b > 1 + kSlack;
  if (out_of_gamut) *out_of_gamut = out;
  return {code_value(rgb.r), code_value(rgb.g), code_value(rgb.b)};
}

Picture render_scalp_patch(const Lab& skin, const Lab& dot, double coverage, int width,
                           int height) {
  Canvas canvas(width + 2, height + 2, nullptr);  // room for the frame
  canvas.stipple({1, 1, width, height}, canvas.colour(skin), canvas.colour(dot), coverage);
  return canvas.take();
}

// The tallest sheet the limits allow fits an int many times over.
static_assert(2 * kMargin + kTitleHeight +
                      static_cast<long long>(kMaxTargets) *
                          (kHeaderHeight + kSwatch + kLabelHeight + kSectionGap +
                           static_cast<long long>(kMaxRecipes) * kRecipeHeight) <
                  60000,
              "the limits keep a sheet under 60,000 rows");
static_assert(2 * kMargin + (static_cast<long long>(kMaxLadderSteps) + 1) * kLadderStep < 60000,
              "the limits keep a ladder strip under 60,000 columns");

void check_picture_limits(const std::vector<TargetView>& targets) {
  if (targets.size() > kMaxTargets) {
    throw InputError(std::to_string(targets.size()) + " targets: a picture holds at most " +
                         std::to_string(kMaxTargets) +
                         " (split the records and draw them in several pictures)",
                     targets[kMaxTargets].where);
  }
  for (const TargetView& t : targets) {
    if (t.recipes.size() > kMaxRecipes) {
      throw InputError("target '" + t.id.substr(0, 60) + "' has " +
                           std::to_string(t.recipes.size()) + " recipes: a picture shows at most " +
                           std::to_string(kMaxRecipes) + " a target (smp-match --top)",
                       t.where);
    }
  }
}

Picture render_targets(const std::vector<TargetView>& targets, const RenderOptions& options) {
  check_picture_limits(targets);
  int height = kMargin + kTitleHeight;
  for (const TargetView& t : targets) height += section_height(t);
  height += kMargin;
  const Font font(font_path(options));
  Canvas canvas(kWidth, height, &font);
  canvas.text(kMargin, kMargin + 26,
              "smpshade consultation: " + std::to_string(targets.size()) +
                  (targets.size() == 1 ? " target" : " targets"),
              24, kInk);
  int y = kMargin + kTitleHeight;
  for (const TargetView& t : targets) {
    canvas.fill({kMargin, y, kWidth - 2 * kMargin, 1}, kRule);
    const bool healed = !t.recipes.empty() && t.recipes.front().healed;
    canvas.text(kMargin, y + 26,
                t.id + (t.recipes.empty() ? ""
                        : healed          ? "   (recipes predicted healed in this skin)"
                                          : "   (recipes predicted on card)"),
                18, kInk);
    for (int w = 0; w < warning_lines(t); ++w) {
      const bool last = w + 1 == warning_lines(t) && t.warnings.size() > kMaxWarningLines;
      canvas.text(kMargin, y + kHeaderHeight + w * kWarningLine + 14,
                  last ? "measurement warning: ... and " +
                             std::to_string(t.warnings.size() - kMaxWarningLines + 1) + " more"
                       : "measurement warning: " + t.warnings[static_cast<std::size_t>(w)],
                  14, Rgb8{170, 30, 30});
    }
    const int sy = y + kHeaderHeight + warning_lines(t) * kWarningLine;
    const Swatch hair = canvas.swatch(t.id, "hair", 0, t.target, {kMargin, sy, kSwatch, kSwatch});
    swatch_labels(canvas, hair, "hair (target)", false);
    if (t.skin) {
      const Swatch skin =
          canvas.swatch(t.id, "skin", 0, *t.skin, {kMargin + kSwatchBlock, sy, kSwatch, kSwatch});
      swatch_labels(canvas, skin, "skin", true);
    } else {
      canvas.text(kMargin + kSwatchBlock, sy + 20, "no skin record", 15, kGrey);
    }
    int ry = sy + kSwatch + kLabelHeight;
    for (const RecipeView& r : t.recipes) {
      const Swatch dot = canvas.swatch(t.id, "predicted", r.rank, r.predicted,
                                       {kMargin, ry, kRecipeSwatch, kRecipeSwatch});
      // Simulated scalp, and the hair swatch touching it for the contrast it leaves.
      const Rect scalp{kMargin + kRecipeSwatch + 10, ry, kRecipeSwatch, kRecipeSwatch};
      const Rect hair_beside{scalp.x + kRecipeSwatch, ry, kRecipeSwatch, kRecipeSwatch};
      // The share of scalp in dots: what the record planned or predicted, unless asked for.
      const double coverage = options.coverage_given ? options.coverage
                              : r.density            ? *r.density
                              : r.coverage           ? *r.coverage
                                                     : options.coverage;
      const int coverage_percent = static_cast<int>(std::lround(coverage * 100));
      if (t.skin) {
        canvas.stipple(scalp, canvas.colour(*t.skin), canvas.colour(r.predicted), coverage);
        canvas.add(Swatch{t.id, "scalp", r.rank, r.predicted, scalp, dot.out_of_gamut, coverage});
        canvas.swatch(t.id, "hair-beside", r.rank, t.target, hair_beside);
      }
      const int tx = kRecipeTextX;
      canvas.text(tx, ry + 20, "#" + std::to_string(r.rank) + "  " + parts_in_words(r), 16, kInk);
      // The dot's ΔE00, and for a density plan the overall look's and the figure that ranked.
      std::string difference = "\u0394E00 " + fixed(r.de00) + " (" + de00_in_words(r.de00) + ")";
      if (r.overall_de00) {
        difference = "\u0394E00 dot " + fixed(r.de00) + ", overall " + fixed(*r.overall_de00) +
                     (r.rank_de00 ? ", ranked by " + fixed(*r.rank_de00) : std::string());
      }
      canvas.text(tx, ry + 42,
                  "ratio " + (r.parts.empty() ? r.ratio : ratio_in_words(r.parts)) +
                      "    predicted " + lab_text(r.predicted) + "    " + difference,
                  15, kInk);
      std::string note = r.healed ? "healed dot" : "dot on card";
      if (t.skin)
        note += "; scalp with " + std::to_string(coverage_percent) + "% in dots, beside the hair";
      if (!r.reachable) note += "; NOT reachable with these inks";
      if (r.illustrative) note += "; illustrative inks: do not mix from these";
      if (dot.out_of_gamut) note += "; out of gamut (hatched corner)";
      canvas.text(tx, ry + 64, note, 14,
                  r.reachable && !r.illustrative ? kGrey : Rgb8{170, 30, 30});
      ry += kRecipeHeight;
    }
    y += section_height(t);
  }
  return canvas.take();
}

Picture render_ladder(const Pigment& pigment, const Catalog& catalog, const RenderOptions& options,
                      const std::optional<HealedLadder>& healed) {
  if (healed && healed->steps.size() != pigment.ladder.size()) {
    throw ArgumentError("a healed ladder needs one colour per step");
  }
  if (pigment.ladder.size() > kMaxLadderSteps) {
    throw InputError("pigment '" + pigment.id + "' has " + std::to_string(pigment.ladder.size()) +
                         " ladder steps: a strip shows at most " + std::to_string(kMaxLadderSteps),
                     pigment.where);
  }
  const int n = static_cast<int>(pigment.ladder.size()) + 1;  // the substrate first
  const int width = std::max(kWidth, 2 * kMargin + n * kLadderStep);
  const int height =
      kMargin + kTitleHeight + kHeaderHeight + kLadderSwatch + kLabelHeight + kMargin;
  const Font font(font_path(options));
  Canvas canvas(width, height, &font);
  std::string ci;
  for (const std::string& c : pigment.ci) ci += (ci.empty() ? "" : ", ") + c;
  canvas.text(kMargin, kMargin + 26,
              pigment.name + " (" + pigment.id + ")" + (ci.empty() ? "" : "  " + ci), 24, kInk);
  const std::string where =
      healed ? "predicted healed in skin " + lab_text(healed->skin) + ", " + ita_text(healed->skin)
      : catalog.measurement.substrate.name.empty() ? std::string("on the substrate")
                                                   : "on " + catalog.measurement.substrate.name;
  canvas.text(kMargin, kMargin + kTitleHeight + 22,
              "dilution ladder, ink:diluent, " + where +
                  (catalog.illustrative ? "  (illustrative values)" : ""),
              16, kGrey);
  const int y = kMargin + kTitleHeight + kHeaderHeight;
  const White white = catalog.measurement.illuminant;
  int x = kMargin;
  auto step = [&](const std::string& id, const Lab& lab, const std::string& caption) {
    const Swatch s = canvas.swatch(id, "ladder", 0, adapt_lab(lab, white, White::D50),
                                   {x, y, kLadderSwatch, kLadderSwatch});
    canvas.text(x, y + kLadderSwatch + 20, caption + (s.out_of_gamut ? " (out of gamut)" : ""), 15,
                kInk);
    canvas.text(x, y + kLadderSwatch + 40, "L* " + fixed(s.lab.l, 1), 14, kGrey);
    canvas.text(x, y + kLadderSwatch + 58, "a* " + fixed(s.lab.a, 1) + " b* " + fixed(s.lab.b, 1),
                14, kGrey);
    x += kLadderStep;
  };
  for (std::size_t i = 0; i < pigment.ladder.size(); ++i) {
    const LadderStep& s = pigment.ladder[i];
    const std::string ratio = parts_ratio(s.ink_parts, s.diluent_parts);
    const std::string caption = s.diluent_parts == 0 ? "undiluted" : ratio;
    if (healed) {
      // Already D50: adapt_lab below must leave it as it is.
      step(ratio, adapt_lab(healed->steps[i], White::D50, white), caption);
    } else {
      step(ratio, measured_lab(s.colour, catalog.measurement), caption);
    }
  }
  if (healed) {
    step("skin", adapt_lab(healed->skin, White::D50, white), "skin");
  } else {
    step("substrate", measured_lab(catalog.measurement.substrate.colour, catalog.measurement),
         "substrate");
  }
  return canvas.take();
}

std::vector<unsigned char> encode_png(const Picture& picture, const std::string& name) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(picture.width);
  image.height = static_cast<png_uint_32>(picture.height);
  image.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  bool ok = png_image_write_to_memory(&image, nullptr, &size, 0, picture.rgb.data(), 0, nullptr);
  std::vector<unsigned char> bytes(ok ? size : 0);
  ok = ok &&
       png_image_write_to_memory(&image, bytes.data(), &size, 0, picture.rgb.data(), 0, nullptr);
  const std::string why = ok ? "" : image.message;
  png_image_free(&image);
  if (!ok) throw IoError("cannot encode the PNG: " + why, Location{name});
  bytes.resize(size);
  return bytes;
}


}  // namespace smpshade::render
