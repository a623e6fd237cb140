// Fuzzes the outcome record reader (smp-heal fit and predict): no crash, no hang, and every
// accepted outcome within the documented ranges.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "smpshade/heal.hpp"

namespace {
bool in_range(const smpshade::Lab& lab) {
  return lab.l >= 0 && lab.l <= 100 && std::fabs(lab.a) <= 200 && std::fabs(lab.b) <= 200;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  smpshade::OutcomeReader reader(in, "fuzz");
  for (int guard = 0; guard < 100000; ++guard) {
    smpshade::Outcome outcome;
    try {
      if (!reader.next(outcome)) break;
    } catch (const smpshade::Error&) {
      continue;  // a bad line: reported by smp-heal, then reading goes on
    }
    if (!in_range(outcome.skin) || (outcome.healed && !in_range(*outcome.healed)) ||
        outcome.recipe.empty()) {
      std::abort();  // the reader let an impossible outcome through
    }
    (void)smpshade::outcome_record(outcome);
  }
  return 0;
}
