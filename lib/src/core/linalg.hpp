#pragma once
// Linear algebra the models need, written once: a dense solver for the small systems of the
// camera fit (8 and 9 unknowns) and of the reflectance recovery (34 unknowns).

#include <array>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace smpshade::detail {

/// Solves the n × n system a · x = b in place by Gaussian elimination with partial pivoting
/// (Golub & Van Loan, Matrix Computations, 4th ed., algorithm 3.4.1): `a` is row-major and is
/// overwritten, `b` becomes x. False when the matrix is singular (a pivot of magnitude 1e-300
/// or less, or not a number) or x is not finite. Inline, so that a caller with a fixed n gets
/// a loop unrolled for it.
inline bool solve_linear_in_place(double* a, double* b, std::size_t n) {
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t row = col + 1; row < n; ++row) {
      if (std::fabs(a[row * n + col]) > std::fabs(a[pivot * n + col])) pivot = row;
    }
    if (!(std::fabs(a[pivot * n + col]) > 1e-300)) return false;
    if (pivot != col) {
      // Columns left of `col` are no longer read: only the rest of each row moves.
      for (std::size_t k = col; k < n; ++k) std::swap(a[col * n + k], a[pivot * n + k]);
      std::swap(b[col], b[pivot]);
    }
    for (std::size_t row = col + 1; row < n; ++row) {
      const double f = a[row * n + col] / a[col * n + col];
      if (f == 0) continue;
      for (std::size_t k = col; k < n; ++k) a[row * n + k] -= f * a[col * n + k];
      b[row] -= f * b[col];
    }
  }
  bool finite = true;
  for (std::size_t i = n; i-- > 0;) {
    double s = b[i];
    for (std::size_t k = i + 1; k < n; ++k) s -= a[i * n + k] * b[k];
    b[i] = s / a[i * n + i];
    finite = finite && std::isfinite(b[i]);
  }
  return finite;
}

/// The same on a copy: x = a⁻¹ b for `a` n × n row-major, n = b.size().
bool solve_linear(std::vector<double> a, std::vector<double> b, std::vector<double>& x);

/// The same on a fixed-size system held as rows, in place (`b` becomes x).
template <std::size_t N>
bool solve_linear(std::array<std::array<double, N>, N>& a, std::array<double, N>& b) {
  static_assert(sizeof(a) == N * N * sizeof(double), "rows must be contiguous");
  return solve_linear_in_place(a[0].data(), b.data(), N);
}

}  // namespace smpshade::detail
