#include "smpshade/difference.hpp"

#include <cmath>

namespace smpshade {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double deg(double rad) { return rad * 180.0 / kPi; }
constexpr double rad(double deg) { return deg * kPi / 180.0; }

}  // namespace

// Equations numbered as in Sharma, Wu and Dalal (2005), Color Res. Appl. 30(1):21-30.
De2000 ciede2000_breakdown(const Lab& reference, const Lab& sample, De2000Weights weights) {
  const double c1 = std::hypot(reference.a, reference.b);  // (2)
  const double c2 = std::hypot(sample.a, sample.b);
  const double c_mean = (c1 + c2) / 2.0;  // (3)
  const double c_mean7 = std::pow(c_mean, 7.0);
  const double g = 0.5 * (1.0 - std::sqrt(c_mean7 / (c_mean7 + std::pow(25.0, 7.0))));  // (4)
  const double a1p = (1.0 + g) * reference.a;                                           // (5)
  const double a2p = (1.0 + g) * sample.a;
  const double c1p = std::hypot(a1p, reference.b);  // (6)
  const double c2p = std::hypot(a2p, sample.b);
  // (7): hue is 0 when a′ = b′ = 0.
  auto hue = [](double b, double ap) {
    if (b == 0 && ap == 0) return 0.0;
    double h = deg(std::atan2(b, ap));
    return h < 0 ? h + 360.0 : h;
  };
  const double h1p = hue(reference.b, a1p);
  const double h2p = hue(sample.b, a2p);

  const double d_lp = sample.l - reference.l;  // (8)
  const double d_cp = c2p - c1p;               // (9)
  double d_hp = 0;                             // (10)
  if (c1p * c2p != 0) {
    d_hp = h2p - h1p;
    if (d_hp > 180)
      d_hp -= 360;
    else if (d_hp < -180)
      d_hp += 360;
  }
  const double d_big_hp = 2.0 * std::sqrt(c1p * c2p) * std::sin(rad(d_hp / 2.0));  // (11)

  const double l_mean = (reference.l + sample.l) / 2.0;  // (12)
  const double cp_mean = (c1p + c2p) / 2.0;              // (13)
  double hp_mean = h1p + h2p;                            // (14)
  if (c1p * c2p != 0) {
    if (std::fabs(h1p - h2p) <= 180)
      hp_mean /= 2.0;
    else if (h1p + h2p < 360)
      hp_mean = (h1p + h2p + 360.0) / 2.0;
    else
      hp_mean = (h1p + h2p - 360.0) / 2.0;
  }
  const double t = 1.0 - 0.17 * std::cos(rad(hp_mean - 30.0)) +
                   0.24 * std::cos(rad(2.0 * hp_mean)) + 0.32 * std::cos(rad(3.0 * hp_mean + 6.0)) -
                   0.20 * std::cos(rad(4.0 * hp_mean - 63.0));                       // (15)
  const double d_theta = 30.0 * std::exp(-std::pow((hp_mean - 275.0) / 25.0, 2.0));  // (16)
  const double cp_mean7 = std::pow(cp_mean, 7.0);
  const double r_c = 2.0 * std::sqrt(cp_mean7 / (cp_mean7 + std::pow(25.0, 7.0)));  // (17)
  const double l50 = (l_mean - 50.0) * (l_mean - 50.0);
  const double s_l = 1.0 + 0.015 * l50 / std::sqrt(20.0 + l50);  // (18)
  const double s_c = 1.0 + 0.045 * cp_mean;                      // (19)
  const double s_h = 1.0 + 0.015 * cp_mean * t;                  // (20)
  const double r_t = -std::sin(rad(2.0 * d_theta)) * r_c;        // (21)

  De2000 out;
  out.dl = d_lp / (weights.kl * s_l);
  out.dc = d_cp / (weights.kc * s_c);
  out.dh = d_big_hp / (weights.kh * s_h);
  out.de00 = std::sqrt(out.dl * out.dl + out.dc * out.dc + out.dh * out.dh +
                       r_t * out.dc * out.dh);  // (22)
  return out;
}

double ciede2000(const Lab& reference, const Lab& sample, De2000Weights weights) {
  return ciede2000_breakdown(reference, sample, weights).de00;
}

const char* de00_in_words(double de00) {
  if (de00 < 1.0) return "not perceptible";
  if (de00 < 2.0) return "perceptible on close look";
  if (de00 < 3.5) return "perceptible at a glance";
  if (de00 < 5.0) return "clear difference";
  return "different colours";
}

double delta_e76(const Lab& reference, const Lab& sample) {
  const double dl = sample.l - reference.l;
  const double da = sample.a - reference.a;
  const double db = sample.b - reference.b;
  return std::sqrt(dl * dl + da * da + db * db);
}

namespace {
// ΔH*ab² from ΔE*ab² − ΔL*² − ΔC*², clamped at 0 against rounding.
double delta_h_squared(const Lab& reference, const Lab& sample, double d_c) {
  const double da = sample.a - reference.a;
  const double db = sample.b - reference.b;
  const double dh2 = da * da + db * db - d_c * d_c;
  return dh2 > 0 ? dh2 : 0.0;
}
}  // namespace

double delta_e94(const Lab& reference, const Lab& sample) {
  // CIE 116-1995 with the graphic-arts constants; the weights use the reference's chroma.
  const double c1 = std::hypot(reference.a, reference.b);
  const double c2 = std::hypot(sample.a, sample.b);
  const double d_l = sample.l - reference.l;
  const double d_c = c2 - c1;
  const double dh2 = delta_h_squared(reference, sample, d_c);
  const double s_c = 1.0 + 0.045 * c1;
  const double s_h = 1.0 + 0.015 * c1;
  return std::sqrt(d_l * d_l + (d_c / s_c) * (d_c / s_c) + dh2 / (s_h * s_h));
}

double delta_e_cmc(const Lab& reference, const Lab& sample, double l, double c) {
  // Clarke, McDonald and Rigg (1984); BS 6923:1988.
  const double c1 = std::hypot(reference.a, reference.b);
  const double c2 = std::hypot(sample.a, sample.b);
  double h1 = deg(std::atan2(reference.b, reference.a));
  if (h1 < 0) h1 += 360.0;
  const double d_l = sample.l - reference.l;
  const double d_c = c2 - c1;
  const double dh2 = delta_h_squared(reference, sample, d_c);
  const double s_l =
      reference.l < 16.0 ? 0.511 : 0.040975 * reference.l / (1.0 + 0.01765 * reference.l);
  const double s_c = 0.0638 * c1 / (1.0 + 0.0131 * c1) + 0.638;
  const double c1_4 = c1 * c1 * c1 * c1;
  const double f = std::sqrt(c1_4 / (c1_4 + 1900.0));
  const double t = (h1 >= 164.0 && h1 <= 345.0) ? 0.56 + std::fabs(0.2 * std::cos(rad(h1 + 168.0)))
                                                : 0.36 + std::fabs(0.4 * std::cos(rad(h1 + 35.0)));
  const double s_h = s_c * (f * t + 1.0 - f);
  const double tl = d_l / (l * s_l);
  const double tc = d_c / (c * s_c);
  return std::sqrt(tl * tl + tc * tc + dh2 / (s_h * s_h));
}

}  // namespace smpshade

#include <algorithm>
#include <numeric>
#include <string>

#include "smpshade/error.hpp"

namespace smpshade {

Metric parse_metric(std::string_view name) {
  if (name == "de00") return Metric::De00;
  if (name == "de76") return Metric::De76;
  if (name == "de94") return Metric::De94;
  if (name == "decmc") return Metric::Cmc;
  throw ArgumentError("unknown metric '" + std::string(name) +
                      "' (expected de00, de76, de94 or decmc)");
}

std::string_view metric_name(Metric metric) {
  switch (metric) {
    case Metric::De00:
      return "de00";
    case Metric::De76:
      return "de76";
    case Metric::De94:
      return "de94";
    case Metric::Cmc:
      return "decmc";
  }
  return "de00";
}

double Comparison::value(Metric metric) const {
  switch (metric) {
    case Metric::De00:
      return de2000.de00;
    case Metric::De76:
      return de76;
    case Metric::De94:
      return de94;
    case Metric::Cmc:
      return decmc;
  }
  return de2000.de00;
}

Comparison compare(const Lab& reference, const Lab& sample) {
  Comparison c;
  c.de2000 = ciede2000_breakdown(reference, sample);
  c.de76 = delta_e76(reference, sample);
  c.de94 = delta_e94(reference, sample);
  c.decmc = delta_e_cmc(reference, sample, 2.0, 1.0);
  return c;
}

DifferenceSummary summarize(std::vector<double> differences) {
  DifferenceSummary s;
  s.count = differences.size();
  if (differences.empty()) return s;
  std::sort(differences.begin(), differences.end());
  s.mean = std::accumulate(differences.begin(), differences.end(), 0.0) /
           static_cast<double>(differences.size());
  s.max = differences.back();
  const double position = 0.95 * static_cast<double>(differences.size() - 1);
  const auto lower = static_cast<std::size_t>(position);
  const std::size_t upper = std::min(lower + 1, differences.size() - 1);
  s.p95 = differences[lower] +
          (position - static_cast<double>(lower)) * (differences[upper] - differences[lower]);
  return s;
}

}  // namespace smpshade
