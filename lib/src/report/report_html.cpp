// The report as one HTML page: inline CSS (a print stylesheet for A4 and Letter), the photo and
// the scalp patches as PNG data URIs, region outlines as inline SVG, flat swatches as boxes
// whose sRGB comes from render's SrgbCoder (LittleCMS). No script, nothing fetched; every text
// from the input goes through html_escape().
#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/fixed.hpp"
#include "render.hpp"
#include "report.hpp"
#include "smpshade/heal.hpp"
#include "smpshade/image.hpp"
#include "smpshade/recipe.hpp"
#include "smpshade/version.hpp"

namespace smpshade::report {
namespace {

using detail::fixed;

constexpr int kPatch = 96;  // simulated scalp patch, CSS pixels
// A photo of more pixels is not decoded for the page (a phone photo has 12 to 48 million).
constexpr std::uint64_t kMaxPhotoPixels = 200'000'000;

const char* const kStyle = R"css(
:root { color-scheme: light; }
* { box-sizing: content-box; }
body { margin: 0; background: #fff; color: #161616;
       font: 14px/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 16px 24px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 24px 0 6px; border-top: 2px solid #ccc; padding-top: 12px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p.note, .muted { color: #555; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #ddd; }
th { font-weight: 600; font-size: 12px; color: #444; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.sw { display: inline-block; width: 64px; height: 64px; border: 1px solid #bbb;
      vertical-align: middle; }
.sw.big { width: 96px; height: 96px; }
.oog { font-size: 12px; color: #a01e1e; }
.pair { display: inline-flex; gap: 0; vertical-align: middle; }
.pair img { display: block; width: 98px; height: 98px; }
figure { margin: 8px 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #ccc; }
svg .region { fill: none; stroke: #ffd400; stroke-width: 0.4%; }
svg .chart { fill: none; stroke: #00c8ff; stroke-width: 0.4%; stroke-dasharray: 2% 1%; }
svg text { fill: #ffd400; stroke: #000; stroke-width: 0.08%; font-weight: 700; }
svg text.chart { fill: #00c8ff; }
.warn { color: #8a4b00; }
.plan { background: #f6f6f2; padding: 8px 12px; border-left: 4px solid #b8b8a0; }
.illustrative { color: #a01e1e; border: 2px solid #a01e1e; padding: 6px 10px; }
footer { margin-top: 24px; font-size: 12px; color: #666; }
@page { margin: 12mm; }
@media print {
  main { max-width: none; padding: 0; }
  body { font-size: 10pt; }
  section.client + section.client { break-before: page; }
  table, .plan, figure, .target { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

std::string lab_text(const Lab& lab) {
  return "L* " + fixed(lab.l, 1) + " a* " + fixed(lab.a, 1) + " b* " + fixed(lab.b, 1);
}

std::string data_uri(const render::Picture& picture, const std::string& name) {
  return "data:image/png;base64," + base64(render::encode_png(picture, name));
}

// Numbers of a record field, as read back (outline, chart).
std::vector<double> numbers(const Record& r, std::string_view key) {
  const FieldValue* v = r.find(key);
  if (!v) return {};
  if (const auto* list = std::get_if<std::vector<double>>(v)) return *list;
  return {};
}

std::optional<double> number(const Record& r, std::string_view key) {
  const FieldValue* v = r.find(key);
  if (!v) return std::nullopt;
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  return std::nullopt;
}

std::string text(const Record& r, std::string_view key) {
  const FieldValue* v = r.find(key);
  if (const auto* s = v ? std::get_if<std::string>(v) : nullptr) return *s;
  return "";
}

std::vector<std::string> texts(const Record& r, std::string_view key) {
  const FieldValue* v = r.find(key);
  if (const auto* s = v ? std::get_if<std::vector<std::string>>(v) : nullptr) return *s;
  return {};
}

class Page {
 public:
  Page(const ReportInput& input, const ReportOptions& options,
       const std::function<void(const std::string&)>& warn)
      : input_(input), options_(options), warn_(warn) {}

  std::string str() const { return out_.str(); }
  void head(std::size_t clients);
  void client(const ClientShown& client);
  void foot();

 private:
  std::string swatch(const Lab& lab, const std::string& kind, bool big = false);
  void photo(const ClientShown& client);
  void measurements(const ClientShown& client);
  void target(const TargetShown& t);
  void recipe_row(const TargetShown& t, const MatchEntry& e);
  void session_plan(const TargetShown& t, const PlanEntry& plan);
  void outcomes(const ClientShown& client);
  void lost(const ClientShown& client);
  std::string in_the_cup(const std::vector<RecipePart>& parts, const std::optional<double>& cup,
                         const std::optional<double>& drop);

  const ReportInput& input_;
  const ReportOptions& options_;
  const std::function<void(const std::string&)>& warn_;
  render::SrgbCoder coder_;
  std::ostringstream out_;
  int swatches_ = 0;
};

// A flat swatch: its id and data-lab let a test find it in a screenshot and check its pixels.
std::string Page::swatch(const Lab& lab, const std::string& kind, bool big) {
  bool out_of_gamut = false;
  const auto c = coder_.code(lab, &out_of_gamut);
  char colour[8];
  std::snprintf(colour, sizeof colour, "#%02x%02x%02x", c[0], c[1], c[2]);
  std::string html = "<span class=\"sw" + std::string(big ? " big" : "") + "\" id=\"sw" +
                     std::to_string(++swatches_) + "\" data-kind=\"" + kind + "\" data-lab=\"" +
                     fixed(lab.l, 4) + " " + fixed(lab.a, 4) + " " + fixed(lab.b, 4) + "\"" +
                     (out_of_gamut ? " data-oog=\"1\"" : "") + " style=\"background:" + colour +
                     "\" title=\"" + lab_text(lab) + "\"></span>";
  if (out_of_gamut) html += " <span class=\"oog\">out of gamut (clipped)</span>";
  return html;
}

void Page::head(std::size_t clients) {
  out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       << "<title>" << html_escape(options_.title) << "</title>\n<style>" << kStyle
       << "</style>\n</head>\n<body>\n<main>\n<h1>" << html_escape(options_.title) << "</h1>\n"
       << "<p class=\"note\">" << clients << (clients == 1 ? " client" : " clients") << ".";
  // What the recipes say of how they were predicted (smp-match wrote it in every record).
  const auto healed = std::find_if(input_.matches.begin(), input_.matches.end(),
                                   [](const MatchEntry& m) { return m.healed; });
  if (healed != input_.matches.end()) {
    out_ << " Healing model: " << html_escape(healed->model);
    if (healed->uncertainty_de00) {
      out_ << "; 9 in 10 of the clinic's outcomes it had not seen healed within "
           << fixed(*healed->uncertainty_de00, 2) << " \u0394E00 of its prediction";
    } else {
      out_ << " (the physics' defaults, not yet checked against this clinic's healed results)";
    }
    out_ << ".";
  }
  out_ << "</p>\n";
  if (std::any_of(input_.matches.begin(), input_.matches.end(),
                  [](const MatchEntry& m) { return m.illustrative; })) {
    out_ << "<p class=\"illustrative\"><b>Illustrative inks: do not mix from these.</b> The "
         << "catalogue's values are examples, not measurements of real inks.</p>\n";
  }
}

void Page::photo(const ClientShown& client) {
  if (client.photo.empty()) {
    out_ << "<p class=\"muted\">No photo: the records do not name one (give --photo).</p>\n";
    return;
  }
  // Only a photo it was meant to embed (report.hpp, photo_refusal); refused or unreadable, the
  // page says so and goes on.
  const std::string named_by =
      client.photo_record.empty() ? std::string("--photo") : "the record at " + client.photo_record;
  const std::string refusal = photo_refusal(client.photo, input_, options_);
  Image image;
  std::string why = refusal;
  if (why.empty()) {
    try {
      image = read_image(client.photo, kMaxPhotoPixels);
    } catch (const Error& e) {
      why = e.message();
    }
  }
  if (!why.empty()) {
    warn_("photo '" + printable(client.photo) + "' named by " + printable(named_by) +
          " is not shown: " + why);
    out_ << "<p class=\"warn\">The photo " << html_escape(client.photo) << " (named by "
         << html_escape(named_by) << ") is not shown: " << html_escape(why) << "</p>\n";
    return;
  }
  // Box-filtered down by a whole factor to at most photo_width: the code values as stored (a
  // browser shows an untagged photo the same way); outlines stay in the photo's own pixels.
  const int factor = std::max(1, (image.width() + options_.photo_width - 1) / options_.photo_width);
  render::Picture small;
  small.width = std::max(1, image.width() / factor);
  small.height = std::max(1, image.height() / factor);
  small.rgb.resize(static_cast<std::size_t>(small.width) * small.height * 3);
  for (int y = 0; y < small.height; ++y) {
    for (int x = 0; x < small.width; ++x) {
      unsigned sum[3] = {0, 0, 0};
      for (int dy = 0; dy < factor; ++dy) {
        for (int dx = 0; dx < factor; ++dx) {
          const auto p = image.pixel(x * factor + dx, y * factor + dy);
          for (int k = 0; k < 3; ++k) sum[k] += image.info().bits == 16 ? p[k] >> 8 : p[k];
        }
      }
      for (int k = 0; k < 3; ++k) {
        small.rgb[(static_cast<std::size_t>(y) * small.width + x) * 3 + k] =
            static_cast<std::uint8_t>(sum[k] / static_cast<unsigned>(factor * factor));
      }
    }
  }
  const int w = image.width(), h = image.height();
  out_ << "<figure><svg viewBox=\"0 0 " << w << " " << h << "\" width=\"" << small.width
       << "\" height=\"" << small.height << "\" role=\"img\" aria-label=\"the photo, "
       << "measured regions outlined\"><image href=\"" << data_uri(small, client.photo)
       << "\" x=\"0\" y=\"0\" width=\"" << w << "\" height=\"" << h << "\"/>";
  const double font = std::max(w, h) / 36.0;
  auto polygon = [&](const std::vector<double>& xy, const char* cls, const std::string& label) {
    if (xy.size() < 6) return;
    out_ << "<polygon class=\"" << cls << "\" points=\"";
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2) {
      out_ << (i ? " " : "") << fixed(xy[i], 1) << "," << fixed(xy[i + 1], 1);
    }
    out_ << "\"/><text class=\"" << cls << "\" x=\"" << fixed(xy[0] + font / 3, 1) << "\" y=\""
         << fixed(xy[1] + font * 1.1, 1) << "\" font-size=\"" << fixed(font, 1) << "\">"
         << html_escape(label) << "</text>";
  };
  std::vector<std::string> drawn;
  for (const Measured* m : client.measured) {
    const std::vector<double> outline = numbers(m->fields, "outline");
    std::string region = m->entry.region.empty() ? m->entry.id : m->entry.region;
    region =
        region.substr(0, region.find_last_of('/') == std::string::npos ? region.size()
                                                                       : region.find_last_of('/'));
    if (!outline.empty() && std::find(drawn.begin(), drawn.end(), region) == drawn.end()) {
      polygon(outline, "region", region);
      drawn.push_back(region);
    }
  }
  if (!client.measured.empty())
    polygon(numbers(client.measured.front()->fields, "chart"), "chart", "chart");
  out_ << "</svg><figcaption class=\"muted\">" << html_escape(client.photo) << " (" << w
       << " \u00d7 " << h << " pixels); measured regions outlined in yellow"
       << (numbers(client.measured.empty() ? Record{} : client.measured.front()->fields, "chart")
                   .empty()
               ? ""
               : ", the ColorChecker that calibrated it in blue")
       << ".</figcaption></figure>\n";
}

void Page::measurements(const ClientShown& client) {
  if (client.measured.empty()) return;
  out_ << "<h3>What was measured</h3>\n<table><tr><th>colour</th><th>record</th><th>Lab (D50)</th>"
       << "<th>skin tone (ITA)</th><th>pixels</th><th>notes</th></tr>\n";
  for (const Measured* m : client.measured) {
    const Lab lab = adapt_lab(m->entry.lab, m->entry.white, White::D50);
    out_ << "<tr><td>" << swatch(lab, m->is_skin ? "skin" : "hair") << "</td><td>"
         << html_escape(m->entry.id) << "<br><span class=\"muted\">"
         << (m->is_skin ? "scalp (skin)" : "hair (target)") << "</span></td><td class=\"num\">"
         << lab_text(lab) << "</td><td>";
    if (m->is_skin) {
      const double ita = ita_degrees(lab);
      out_ << fixed(ita, 1) << "\u00b0, " << ita_category_name(ita_category(ita));
    }
    out_ << "</td><td class=\"num\">";
    if (const auto pixels = number(m->fields, "pixels")) out_ << fixed(*pixels, 0);
    if (const auto coverage = number(m->fields, "coverage")) {
      out_ << "<br><span class=\"muted\">" << fixed(*coverage * 100, 0) << " % of region</span>";
    }
    out_ << "</td><td>";
    const std::string profile = text(m->fields, "profile");
    if (!profile.empty()) out_ << "colour profile: " << html_escape(profile) << "<br>";
    if (const auto cal = number(m->fields, "calibration_de00")) {
      out_ << "calibrated on the chart: mean \u0394E00 " << fixed(*cal, 2) << "<br>";
    }
    for (const std::string& w : texts(m->fields, "warnings")) {
      out_ << "<span class=\"warn\">" << html_escape(w) << "</span><br>";
    }
    out_ << "</td></tr>\n";
  }
  out_ << "</table>\n";
}

std::string Page::in_the_cup(const std::vector<RecipePart>& parts,
                             const std::optional<double>& cup, const std::optional<double>& drop) {
  return html_escape(dispensed_in_words(parts, cup.value_or(kDefaultCupMl),
                                        drop.value_or(kDefaultDropMl)));
}

void Page::recipe_row(const TargetShown& t, const MatchEntry& e) {
  const Lab predicted = adapt_lab(e.predicted, e.white, White::D50);
  out_ << "<tr><td class=\"num\">" << e.rank << "</td><td>" << swatch(predicted, "predicted")
       << "</td><td>" << html_escape(recipe_parts_in_words(e.recipe))
       << "<br><span class=\"muted\">ratio " << html_escape(e.ratio)
       << "; in the cup: " << in_the_cup(e.recipe, e.cup_ml, e.drop_ml) << "</span></td>"
       << "<td class=\"num\">" << fixed(e.de00, 2);
  if (e.uncertainty_de00) out_ << " \u00b1 " << fixed(*e.uncertainty_de00, 2);
  if (e.overall_de00) {
    out_ << "<br><span class=\"muted\">overall " << fixed(*e.overall_de00, 2);
    if (e.rank_de00) out_ << "; ranked by " << fixed(*e.rank_de00, 2);
    out_ << "</span>";
  }
  out_ << "</td><td class=\"num\">" << (e.density ? fixed(*e.density * 100, 0) + " %" : "")
       << "</td><td class=\"num\">"
       << (e.robustness_de00 ? fixed(*e.robustness_de00, 2) : std::string("")) << "</td><td>";
  if (t.skin && e.healed) {
    const double coverage = e.density ? *e.density : e.coverage ? *e.coverage : options_.coverage;
    out_ << "<span class=\"pair\"><img alt=\"simulated scalp\" src=\""
         << data_uri(render::render_scalp_patch(*t.skin, predicted, coverage, kPatch, kPatch),
                     "scalp patch")
         << "\">" << swatch(t.target, "hair-beside", false) << "</span>";
  }
  out_ << "</td></tr>\n";
}

void Page::session_plan(const TargetShown& t, const PlanEntry& plan) {
  const std::optional<double> cup = t.recipes.empty() ? std::nullopt : t.recipes.front().cup_ml;
  const std::optional<double> drop = t.recipes.empty() ? std::nullopt : t.recipes.front().drop_ml;
  const Lab predicted = adapt_lab(plan.predicted, plan.white, White::D50);
  out_ << "<div class=\"plan\">";
  if (plan.previous) {
    const SessionPlan::Previous& p = *plan.previous;
    out_ << "<b>Session " << plan.session - 1 << " healed.</b> " << html_escape(p.id) << ": "
         << html_escape(recipe_parts_in_words(p.recipe)) << " was predicted to heal to "
         << swatch(p.predicted, "planned") << " " << lab_text(p.predicted) << " and healed to "
         << swatch(p.healed, "healed") << " " << lab_text(p.healed) << ": \u0394E00 "
         << fixed(p.de00, 2) << " between plan and result. For this client the share of ink "
         << "that stays goes from " << fixed(p.retention_before, 3) << " to "
         << fixed(p.retention_after, 3) << ".<br><b>Session " << plan.session
         << ", corrected:</b> ";
  } else {
    out_ << "<b>Session plan.</b><br>Session " << plan.session
         << (plan.session == 1 ? ", lighter and sparser: " : ": ");
  }
  out_ << html_escape(recipe_parts_in_words(plan.recipe)) << " (in the cup: "
       << in_the_cup(plan.recipe, cup, drop) << ")";
  if (plan.density) out_ << ", dots over " << fixed(*plan.density * 100, 0) << " % of the scalp";
  out_ << "; predicted " << (plan.healed ? "healed " : "on card ") << swatch(predicted, "session")
       << " " << lab_text(predicted) << ".";
  if (!plan.previous && plan.session == 1 && !t.recipes.empty()) {
    const MatchEntry& best = t.recipes.front();
    out_ << "<br>Session 2, once session 1 has healed (photograph it at " << kHealedAfterWeeks
         << " weeks or later, when the healed colour has settled): the match, "
         << html_escape(recipe_parts_in_words(best.recipe));
    if (best.density) out_ << ", dots over " << fixed(*best.density * 100, 0) << " % of the scalp";
    out_ << ", adjusted to how session 1 healed (smp-heal outcome, then smp-match --outcome).";
  }
  if (plan.illustrative) out_ << "<br><b>Illustrative inks: do not mix from these.</b>";
  out_ << "</div>\n";
}

void Page::outcomes(const ClientShown& client) {
  if (client.outcomes.empty()) return;
  out_ << "<h3>Healed outcomes on record</h3>\n<table><tr><th>outcome</th><th>session</th>"
       << "<th>recipe tattooed</th><th>healed</th></tr>\n";
  for (const Outcome* o : client.outcomes) {
    out_ << "<tr><td>" << html_escape(o->id) << "</td><td class=\"num\">"
         << (o->session ? std::to_string(*o->session) : std::string()) << "</td><td>"
         << html_escape(recipe_parts_in_words(o->recipe)) << "</td><td>";
    if (o->healed) out_ << swatch(*o->healed, "outcome") << " " << lab_text(*o->healed);
    out_ << "</td></tr>\n";
  }
  out_ << "</table>\n";
}

void Page::lost(const ClientShown& client) {
  if (client.lost.empty()) return;
  out_ << "<h3>Inputs that could not be used</h3>\n<ul>\n";
  for (const Lost* l : client.lost) {
    out_ << "<li class=\"warn\">" << html_escape(l->source.empty() ? l->id : l->source) << ": "
         << html_escape(l->stage) << " failed: " << html_escape(l->message) << "</li>\n";
  }
  out_ << "</ul>\n";
}

void Page::target(const TargetShown& t) {
  out_ << "<div class=\"target\"><h3>" << html_escape(t.id) << "</h3>\n<p>Hair "
       << swatch(t.target, "target", true) << " " << lab_text(t.target);
  if (t.skin)
    out_ << " &nbsp; in skin " << swatch(*t.skin, "skin", true) << " " << lab_text(*t.skin);
  out_ << "</p>\n";
  if (!t.recipes.empty()) {
    const MatchEntry& first = t.recipes.front();
    out_ << "<p class=\"note\">"
         << (first.healed ? "Predicted healed in this skin" : "Predicted on card (no skin given)")
         << (first.matches == "overall"
                 ? "; the hair is darker than any healed dot, so the dots are planned by density "
                   "(the share of scalp in dots at which the treated scalp reads like the hair "
                   "over the scalp), ranked by the overall look"
                 : "; each dot matched to the hair")
         << (first.reachable ? "" : "; <b>not reachable</b> with these inks: the closest shown")
         << ". Robustness: how far the healed colour moves (\u0394E00) if one ink is off by one "
         << "drop, or one part if more.</p>\n";
    if (first.illustrative) {
      out_ << "<p class=\"illustrative\"><b>Illustrative inks: do not mix from these.</b></p>\n";
    }
    out_ << "<table><tr><th>#</th><th>" << (first.healed ? "healed dot" : "dot on card")
         << "</th><th>recipe</th><th>\u0394E00</th>"
         << "<th>density</th><th>robustness</th><th>simulated scalp | hair</th></tr>\n";
    for (const MatchEntry& r : t.recipes) recipe_row(t, r);
    out_ << "</table>\n";
  }
  for (const PlanEntry& plan : t.plans) session_plan(t, plan);
  out_ << "</div>\n";
}

void Page::client(const ClientShown& client) {
  out_ << "<section class=\"client\"><h2>" << html_escape(client.client.empty() ? "(unnamed)" : client.client)
       << "</h2>\n";
  photo(client);
  lost(client);
  measurements(client);
  for (const TargetShown& t : client.targets) target(t);
  outcomes(client);
  out_ << "</section>\n";
}

void Page::foot() {
  out_ << "<footer>Made by smp-report, smpshade " << kVersion
       << ". Colours are CIELAB (D50) shown in sRGB through LittleCMS; a colour outside sRGB is "
       << "clipped and marked. A screen or printer shows them only as well as it is calibrated."
       << "</footer>\n</main>\n</body>\n</html>\n";
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string base64(const std::vector<unsigned char>& bytes) {
  static const char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const unsigned n = static_cast<unsigned>(bytes[i]) << 16 |
                       (i + 1 < bytes.size() ? static_cast<unsigned>(bytes[i + 1]) << 8 : 0u) |
                       (i + 2 < bytes.size() ? bytes[i + 2] : 0u);
    out += kDigits[(n >> 18) & 63];
    out += kDigits[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kDigits[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kDigits[n & 63] : '=';
  }
  return out;
}

std::string consultation_html(const std::vector<ClientShown>& clients, const ReportInput& input,
                              const ReportOptions& options,
                              const std::function<void(const std::string&)>& warn) {
  Page page(input, options, warn);
  page.head(clients.size());
  for (const ClientShown& client : clients) page.client(client);
  page.foot();
  return page.str();
}

}  // namespace smpshade::report
