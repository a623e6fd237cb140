// smp-heal speed (issue: fit 1,000 outcomes in seconds, predict well under 1 ms a case): a
// synthetic clinic (tests/tools/synthetic_clinic.hpp) of 1,000 outcomes over the bundled
// catalogue. Prints the fit's time, and the time per predicted case against an anchor measured in
// the same run: one on-card prediction of the same recipe (single-layer Kubelka–Munk).
// Usage: heal_bench [OUTCOMES [CASES]]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "smpshade/catalog.hpp"
#include "smpshade/heal.hpp"
#include "synthetic_clinic.hpp"

using namespace smpshade;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int cases = argc > 2 ? std::atoi(argv[2]) : 20000;
  const Matcher matcher(load_catalogs({SMPSHADE_SOURCE_DIR "/pigments"}), MatchOptions{});
  test::SyntheticClinic clinic(matcher.pigments(), 7);
  std::vector<Outcome> outcomes;
  for (int i = 0; outcomes.size() < static_cast<std::size_t>(count); ++i) {
    const test::ClinicClient client = clinic.client("c" + std::to_string(i));
    for (int s = 0; s < 4 && outcomes.size() < static_cast<std::size_t>(count); ++s) {
      outcomes.push_back(clinic.outcome(client, clinic.recipe(), client.id + "/" + std::to_string(s)));
    }
  }
  std::printf("smp-heal bench: %d outcomes of the bundled catalogue's inks\n", count);
  auto start = Clock::now();
  const HealingFit fit = fit_healing_model(outcomes, matcher);
  const double fit_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("  fit (%s held out): %.2f s; held-out mean ΔE00 %.2f\n",
              fit.model.held_out_method.c_str(), fit_s, fit.model.held_out_mean_de00);

  double sink = 0;
  start = Clock::now();
  for (int i = 0; i < cases; ++i) {
    const Outcome& o = outcomes[static_cast<std::size_t>(i) % outcomes.size()];
    sink += matcher.predict(o.recipe, std::nullopt).l;
  }
  const double anchor_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count() / cases;
  start = Clock::now();
  for (int i = 0; i < cases; ++i) {
    const Outcome& o = outcomes[static_cast<std::size_t>(i) % outcomes.size()];
    sink += matcher.predict(o.recipe, o.skin, fit.model.parameters_for(o.skin)).l;
  }
  const double healed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count() / cases;
  std::printf("  anchor (the same recipe on card):  %.4f ms/case\n", anchor_ms);
  std::printf("  predict healed in skin:            %.4f ms/case  (%.1fx the anchor; aim: well under 1 ms)\n",
              healed_ms, healed_ms / anchor_ms);
  if (sink < 0) std::puts("");
  return 0;
}
