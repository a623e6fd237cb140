#include "core/linalg.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace smpshade::detail {
namespace {

TEST(Linalg, SolvesASystemThatNeedsPivoting) {
  // A zero on the first pivot: without row exchanges the elimination divides by zero.
  const std::vector<double> a{0, 2, 1,  //
                              1, 1, 1,  //
                              2, 1, 3};
  const std::vector<double> x_true{1, -2, 3};
  std::vector<double> b(3, 0.0);
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t k = 0; k < 3; ++k) b[i] += a[i * 3 + k] * x_true[k];
  }
  std::vector<double> x;
  ASSERT_TRUE(solve_linear(a, b, x));
  ASSERT_EQ(x.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(x[i], x_true[i], 1e-12);
}

TEST(Linalg, HilbertMatrixOfOrderSix) {
  // Ill-conditioned (condition number about 1.5e7): the answer to about 1e-8.
  constexpr std::size_t n = 6;
  std::array<std::array<double, n>, n> a{};
  std::array<double, n> b{};
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < n; ++k) {
      a[i][k] = 1.0 / static_cast<double>(i + k + 1);
      b[i] += a[i][k];  // x = all ones
    }
  }
  ASSERT_TRUE(solve_linear(a, b));
  for (double v : b) EXPECT_NEAR(v, 1.0, 1e-7);
}

TEST(Linalg, SingularAndNonFiniteAreRefused) {
  std::vector<double> x;
  EXPECT_FALSE(solve_linear({1, 2, 2, 4}, {1, 2}, x));
  EXPECT_FALSE(solve_linear({1, 0, 0, NAN}, {1, 1}, x));
  EXPECT_FALSE(solve_linear({1, 0, 0, 1}, {1, INFINITY}, x));
  EXPECT_FALSE(solve_linear({1, 0, 0}, {1, 1}, x)) << "a of the wrong size";
}

}  // namespace
}  // namespace smpshade::detail
