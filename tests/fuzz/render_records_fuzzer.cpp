// Fuzzes what smp-render reads: Lab and match records told apart line by line, match records
// grouped by target, Lab records paired with their scalp (render::read_targets), then the
// picture's limits. No crash, no hang, every target's colours in range.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "render.hpp"

namespace {
bool in_range(const smpshade::Lab& lab) {
  return lab.l >= 0 && lab.l <= 100 && std::fabs(lab.a) <= 250 && std::fabs(lab.b) <= 250;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  const auto targets =
      smpshade::render::read_targets(in, "fuzz", [](const smpshade::InputError&) {});
  for (const auto& t : targets) {
    if (!in_range(t.target) || (t.skin && !in_range(*t.skin))) std::abort();
    for (const auto& r : t.recipes) {
      if (!in_range(r.predicted) || r.parts.empty()) std::abort();
    }
  }
  try {
    smpshade::render::check_picture_limits(targets);
  } catch (const smpshade::InputError&) {
  }
  return 0;
}
