// smp-heal speed (issue 24: fit 1,000 outcomes within 5 s and 10,000 within a minute, each with
// its own skin as a clinic's outcomes are; a client's refinement linear in the outcomes): a
// synthetic clinic (tests/tools/synthetic_clinic.hpp) over the bundled catalogue, one outcome per
// client. Prints the fits' times, and the time per predicted case against an anchor measured in
// the same run: one on-card prediction of the same recipe (single-layer Kubelka–Munk).
// Usage: heal_bench [OUTCOMES... ] (default: 1000 10000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "smpshade/catalog.hpp"
#include "smpshade/heal.hpp"
#include "synthetic_clinic.hpp"

using namespace smpshade;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// `count` outcomes, one per client: every outcome has a skin of its own.
std::vector<Outcome> clinic_outcomes(const Matcher& matcher, int count, unsigned seed) {
  test::SyntheticClinic clinic(matcher.pigments(), seed);
  std::vector<Outcome> outcomes;
  for (int i = 0; i < count; ++i) {
    const test::ClinicClient client = clinic.client("c" + std::to_string(i));
    outcomes.push_back(clinic.outcome(client, clinic.recipe(), client.id + "/session1"));
  }
  return outcomes;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1000, 10000};
  const Matcher matcher(load_catalogs({SMPSHADE_SOURCE_DIR "/pigments"}), MatchOptions{});
  std::printf("smp-heal bench: outcomes of the bundled catalogue's inks, one skin each\n");
  for (int count : sizes) {
    const std::vector<Outcome> outcomes = clinic_outcomes(matcher, count, 7);
    auto start = Clock::now();
    const HealingFit fit = fit_healing_model(outcomes, matcher);
    const double fit_s = seconds_since(start);
    std::printf("  fit %6d outcomes (%s held out): %6.2f s (budget %s); held-out mean dE00 %.2f%s\n",
                count, fit.model.held_out_method.c_str(), fit_s,
                count <= 1000 ? "5 s" : "60 s", fit.model.held_out_mean_de00,
                fit.model.parameters.correction.active() ? ", with a learned correction" : "");

    // A client's refinement by their own outcomes: as many cases as outcomes, each a client of
    // its own, through the one rule the tools use. Linear: the time per case stays the same.
    const HealingChooser chooser(fit.model, outcomes, {}, matcher);
    start = Clock::now();
    double sink = 0;
    for (const Outcome& o : outcomes) {
      const ClientHealing h = chooser.choose(o.client, o.skin);
      sink += matcher.predict(o.recipe, o.skin, h.parameters).l;
    }
    const double refined_ms = 1000 * seconds_since(start) / count;

    const int cases = 20000;
    start = Clock::now();
    for (int i = 0; i < cases; ++i) {
      sink += matcher.predict(outcomes[static_cast<std::size_t>(i) % outcomes.size()].recipe,
                              std::nullopt).l;
    }
    const double anchor_ms = 1000 * seconds_since(start) / cases;
    start = Clock::now();
    for (int i = 0; i < cases; ++i) {
      const Outcome& o = outcomes[static_cast<std::size_t>(i) % outcomes.size()];
      sink += matcher.predict(o.recipe, o.skin, fit.model.parameters_for(o.skin)).l;
    }
    const double healed_ms = 1000 * seconds_since(start) / cases;
    std::printf("    anchor (the same recipe on card):    %.4f ms/case\n", anchor_ms);
    std::printf("    predict healed with the fit:         %.4f ms/case (%.1fx the anchor)\n",
                healed_ms, healed_ms / anchor_ms);
    std::printf("    predict refined by own outcomes:     %.4f ms/case (%.1fx the anchor)\n",
                refined_ms, refined_ms / anchor_ms);
    if (sink < 0) std::puts("");
  }
  return 0;
}
