// The next session's plan for a client whose earlier session healed (smp-match --outcome): the
// refined match, and what the earlier session was predicted to heal to and did.
#include <algorithm>

#include "smpshade/difference.hpp"
#include "smpshade/heal.hpp"

namespace smpshade {

SessionPlan plan_next_session(const Matcher& matcher, const MatchResult& refined,
                              const std::vector<Outcome>& own, const HealingModel& model) {
  if (refined.recipes.empty()) throw ArgumentError("no recipe to plan a session from");
  const Recipe& best = refined.recipes.front();
  SessionPlan plan;
  plan.recipe = best.parts;
  plan.ratio = best.ratio;
  plan.predicted = best.predicted;
  plan.healed = refined.healed;
  plan.density = best.density ? best.density : best.coverage;
  plan.illustrative = best.illustrative;
  plan.basis = "rank 1 matched with this client's own healed outcomes";
  // The latest outcome with a healed colour: by session when they say, else the last given.
  const Outcome* last = nullptr;
  for (const Outcome& o : own) {
    if (!o.healed) continue;
    if (!last || o.session.value_or(0) >= last->session.value_or(0)) last = &o;
  }
  plan.session = last && last->session ? *last->session + 1 : 2;
  if (last && refined.skin) {
    SessionPlan::Previous previous;
    previous.id = last->id;
    previous.recipe = last->recipe;
    const HealingParameters clinic = model.parameters_for(last->skin);
    previous.predicted = matcher.predict(last->recipe, last->skin, clinic);
    previous.healed = *last->healed;
    previous.de00 = ciede2000(previous.predicted, previous.healed);
    previous.retention_before = model.parameters_for(*refined.skin).retention;
    previous.retention_after = refined.healing.retention;
    plan.previous = std::move(previous);
  }
  return plan;
}

}  // namespace smpshade
