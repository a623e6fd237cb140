#include "smpshade/colour.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <string>

#include "smpshade/error.hpp"

namespace smpshade {

namespace {

constexpr double kPi = 3.14159265358979323846;
// CIE 15:2004 §8.2.1, in the exact rational form (CIE 15:2004 note 4; Lindbloom).
constexpr double kEpsilon = 216.0 / 24389.0;
constexpr double kKappa = 24389.0 / 27.0;

double lab_f(double t) { return t > kEpsilon ? std::cbrt(t) : (kKappa * t + 16.0) / 116.0; }
double lab_f_inverse(double f) {
  const double cube = f * f * f;
  return cube > kEpsilon ? cube : (116.0 * f - 16.0) / kKappa;
}

using Matrix3 = std::array<std::array<double, 3>, 3>;

// Bradford cone-response matrix (Lam 1985, as in ICC.1:2010 Annex E).
constexpr Matrix3 kBradford{
    {{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}}};

std::array<double, 3> multiply(const Matrix3& m, const std::array<double, 3>& v) {
  return {m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
          m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
          m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2]};
}

Matrix3 inverse(const Matrix3& m) {
  const double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                     m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                     m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  Matrix3 r{};
  r[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
  r[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
  r[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
  r[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
  r[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
  r[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
  r[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
  r[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
  r[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
  return r;
}

}  // namespace

Xyz white_point(White white) { return white == White::D50 ? kD50 : kD65; }

std::string_view white_name(White white) { return white == White::D50 ? "D50" : "D65"; }

White parse_white(std::string_view name) {
  std::string upper(name);
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (upper == "D50") return White::D50;
  if (upper == "D65") return White::D65;
  throw ArgumentError("unknown white '" + std::string(name) + "' (expected D50 or D65)");
}

Lab lab_from_xyz(const Xyz& xyz, const Xyz& w) {
  const double fx = lab_f(xyz.x / w.x);
  const double fy = lab_f(xyz.y / w.y);
  const double fz = lab_f(xyz.z / w.z);
  return {116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)};
}

Xyz xyz_from_lab(const Lab& lab, const Xyz& w) {
  const double fy = (lab.l + 16.0) / 116.0;
  const double fx = fy + lab.a / 500.0;
  const double fz = fy - lab.b / 200.0;
  return {w.x * lab_f_inverse(fx), w.y * lab_f_inverse(fy), w.z * lab_f_inverse(fz)};
}

LCh lch_from_lab(const Lab& lab) {
  double h = std::atan2(lab.b, lab.a) * 180.0 / kPi;
  if (h < 0) h += 360.0;
  return {lab.l, std::hypot(lab.a, lab.b), h};
}

Lab lab_from_lch(const LCh& lch) {
  const double h = lch.h * kPi / 180.0;
  return {lch.l, lch.c * std::cos(h), lch.c * std::sin(h)};
}

Xyz bradford_adapt(const Xyz& xyz, const Xyz& from, const Xyz& to) {
  static const Matrix3 kBradfordInverse = inverse(kBradford);
  const auto source_cone = multiply(kBradford, {from.x, from.y, from.z});
  const auto target_cone = multiply(kBradford, {to.x, to.y, to.z});
  auto cone = multiply(kBradford, {xyz.x, xyz.y, xyz.z});
  for (int i = 0; i < 3; ++i) cone[i] *= target_cone[i] / source_cone[i];
  const auto out = multiply(kBradfordInverse, cone);
  return {out[0], out[1], out[2]};
}

Lab adapt_lab(const Lab& lab, White from, White to) {
  if (from == to) return lab;
  const Xyz source = white_point(from);
  const Xyz target = white_point(to);
  return lab_from_xyz(bradford_adapt(xyz_from_lab(lab, source), source, target), target);
}

double ita_degrees(const Lab& lab) { return std::atan2(lab.l - 50.0, lab.b) * 180.0 / kPi; }

ItaCategory ita_category(double ita_deg) {
  if (ita_deg > 55) return ItaCategory::VeryLight;
  if (ita_deg > 41) return ItaCategory::Light;
  if (ita_deg > 28) return ItaCategory::Intermediate;
  if (ita_deg > 10) return ItaCategory::Tan;
  if (ita_deg > -30) return ItaCategory::Brown;
  return ItaCategory::Dark;
}

std::string_view ita_category_name(ItaCategory category) {
  switch (category) {
    case ItaCategory::VeryLight:
      return "very light";
    case ItaCategory::Light:
      return "light";
    case ItaCategory::Intermediate:
      return "intermediate";
    case ItaCategory::Tan:
      return "tan";
    case ItaCategory::Brown:
      return "brown";
    case ItaCategory::Dark:
      return "dark";
  }
  return "dark";
}

}  // namespace smpshade
