#include "core/linalg.hpp"

namespace smpshade::detail {

bool solve_linear(std::vector<double> a, std::vector<double> b, std::vector<double>& x) {
  if (a.size() != b.size() * b.size()) return false;
  if (!solve_linear_in_place(a.data(), b.data(), b.size())) return false;
  x = std::move(b);
  return true;
}

}  // namespace smpshade::detail
