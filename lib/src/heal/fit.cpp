// Fitting the layered skin model's free parameters to a clinic's healed outcomes, and refining
// them for one client (smp-heal fit, smp-heal predict --outcome, smp-match --outcome).
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <set>

#include "core/linalg.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/heal.hpp"

namespace smpshade {

namespace {

// Parameters are fitted as logarithms (all are positive and act multiplicatively), within
// physical bounds.
constexpr double kMinRetention = 0.002, kMaxRetention = 1.0;
constexpr double kMinDepthMm = 0.001, kMaxDepthMm = 2.0;
constexpr double kMinFilter = 0.05, kMaxFilter = 10.0;
// A weak prior toward the physical defaults (SD in ln units), so that parameters the outcomes
// do not determine stay where the physics put them instead of drifting to a bound.
constexpr double kPriorSd = 1.5;
constexpr double kTrendPriorSd = 0.5;
// Held-out ΔE00 by leave-one-out up to this many outcomes, 5-fold beyond.
constexpr std::size_t kLeaveOneOutMax = 60;
constexpr std::size_t kFolds = 5;
// The skin-tone trend is kept when it lowers the held-out mean ΔE00 by at least this much.
constexpr double kTrendGain = 0.05;
// Outcomes measured sooner than this have not settled (the healed colour is still changing).
constexpr double kSettledWeeks = 4.0;
// Per-outcome spread assumed for client refinement when the model was not fitted.
constexpr double kDefaultOutcomeSpread = 1.5;
// Clients with two or more outcomes needed to estimate how much clients differ, the spreads
// tried, and how many outcomes that estimate uses at most.
constexpr std::size_t kMinClientsForSpread = 5;
constexpr double kSpreadGrid[] = {0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5};
constexpr std::size_t kSpreadOutcomes = 300;

struct Prepared {
  const Outcome* outcome;
  double ita;
};

struct Layout {
  bool trend = false;
  double reference_ita = 30.0;
  std::size_t size() const { return trend ? 5 : 3; }
};

HealingParameters parameters_from(const std::vector<double>& theta, const Layout& layout,
                                  double ita) {
  const double steps = (ita - layout.reference_ita) / 10.0;
  HealingParameters p;
  p.retention = std::clamp(std::exp(theta[0] + (layout.trend ? theta[3] * steps : 0.0)),
                           kMinRetention, kMaxRetention);
  p.depth_mm = std::clamp(std::exp(theta[1]), kMinDepthMm, kMaxDepthMm);
  p.filter = std::clamp(std::exp(theta[2] + (layout.trend ? theta[4] * steps : 0.0)), kMinFilter,
                        kMaxFilter);
  return p;
}

std::vector<double> theta_from(const HealingParameters& p, const Layout& layout) {
  std::vector<double> theta{std::log(p.retention), std::log(std::max(p.depth_mm, kMinDepthMm)),
                            std::log(p.filter)};
  if (layout.trend) theta.insert(theta.end(), {0.0, 0.0});
  return theta;
}

// Solves the small system a x = b (b becomes x) with the library's one solver; false if it is
// singular.
bool solve_small(const std::vector<std::vector<double>>& a, std::vector<double>& b) {
  const std::size_t n = b.size();
  std::vector<double> flat;
  flat.reserve(n * n);
  for (const auto& row : a) {
    flat.insert(flat.end(), row.begin(), row.begin() + static_cast<std::ptrdiff_t>(n));
  }
  return detail::solve_linear_in_place(flat.data(), b.data(), n);
}

using Residuals = std::function<std::vector<double>(const std::vector<double>&)>;

struct LeastSquares {
  std::vector<double> theta;
  std::vector<std::vector<double>> jtj;  // at the solution
  double cost = 0;
};

// Levenberg–Marquardt with a forward-difference Jacobian.
LeastSquares levenberg_marquardt(std::vector<double> theta, const Residuals& residuals,
                                 int max_iterations) {
  const std::size_t p = theta.size();
  auto cost_of = [](const std::vector<double>& r) {
    return std::inner_product(r.begin(), r.end(), r.begin(), 0.0);
  };
  std::vector<double> r = residuals(theta);
  double cost = cost_of(r);
  double mu = 1e-2;
  std::vector<std::vector<double>> jtj(p, std::vector<double>(p, 0.0));
  for (int iteration = 0; iteration <= max_iterations; ++iteration) {
    std::vector<std::vector<double>> jac(p);
    for (std::size_t j = 0; j < p; ++j) {
      std::vector<double> shifted = theta;
      shifted[j] += 1e-4;
      const std::vector<double> rs = residuals(shifted);
      jac[j].resize(r.size());
      for (std::size_t i = 0; i < r.size(); ++i) jac[j][i] = (rs[i] - r[i]) / 1e-4;
    }
    std::vector<double> jtr(p, 0.0);
    for (std::size_t a = 0; a < p; ++a) {
      jtr[a] = std::inner_product(jac[a].begin(), jac[a].end(), r.begin(), 0.0);
      for (std::size_t b = 0; b < p; ++b) {
        jtj[a][b] = std::inner_product(jac[a].begin(), jac[a].end(), jac[b].begin(), 0.0);
      }
    }
    if (iteration == max_iterations) break;
    bool improved = false;
    for (int attempt = 0; attempt < 10 && !improved; ++attempt) {
      auto system = jtj;
      for (std::size_t a = 0; a < p; ++a) system[a][a] += mu * (jtj[a][a] + 1e-9);
      std::vector<double> step(p);
      for (std::size_t a = 0; a < p; ++a) step[a] = -jtr[a];
      if (!solve_small(system, step)) {
        mu *= 10;
        continue;
      }
      std::vector<double> trial = theta;
      for (std::size_t a = 0; a < p; ++a) trial[a] += std::clamp(step[a], -2.0, 2.0);
      const std::vector<double> rt = residuals(trial);
      const double c = cost_of(rt);
      if (c < cost) {
        const double gain = cost - c;
        theta = trial;
        r = rt;
        cost = c;
        mu = std::max(mu / 3.0, 1e-9);
        improved = true;
        if (gain < 1e-6 * (cost + 1e-12)) iteration = max_iterations - 1;
      } else {
        mu *= 4.0;
      }
    }
    if (!improved) break;
  }
  return {theta, jtj, cost};
}

class Fitter {
 public:
  Fitter(const std::vector<Prepared>& outcomes, const Matcher& matcher)
      : outcomes_(outcomes), matcher_(matcher) {}

  Lab predict(const Prepared& o, const std::vector<double>& theta, const Layout& layout) const {
    return matcher_.predict(o.outcome->recipe, o.outcome->skin,
                            parameters_from(theta, layout, o.ita));
  }

  // Fits on the outcomes whose index `use` accepts.
  LeastSquares fit(const Layout& layout, const std::vector<double>& start,
                   const std::function<bool(std::size_t)>& use, int iterations) const {
    const std::vector<double> prior = theta_from(HealingParameters{}, layout);
    auto residuals = [&](const std::vector<double>& theta) {
      std::vector<double> r;
      for (std::size_t i = 0; i < outcomes_.size(); ++i) {
        if (!use(i)) continue;
        const De2000 d = ciede2000_breakdown(*outcomes_[i].outcome->healed,
                                             predict(outcomes_[i], theta, layout));
        r.insert(r.end(), {d.dl, d.dc, d.dh});
      }
      for (std::size_t j = 0; j < theta.size(); ++j) {
        r.push_back((theta[j] - prior[j]) / (j < 3 ? kPriorSd : kTrendPriorSd));
      }
      return r;
    };
    return levenberg_marquardt(start, residuals, iterations);
  }

  // Held-out ΔE00 of every outcome: leave-one-out, or k-fold for many outcomes.
  std::vector<Lab> held_out(const Layout& layout, const std::vector<double>& full,
                            std::string& method) const {
    const std::size_t n = outcomes_.size();
    std::vector<Lab> predicted(n);
    const bool loo = n <= kLeaveOneOutMax;
    method = loo ? "leave-one-out" : std::to_string(kFolds) + "-fold";
    const std::size_t groups = loo ? n : kFolds;
    for (std::size_t g = 0; g < groups; ++g) {
      auto in_group = [&](std::size_t i) { return (loo ? i : i % kFolds) == g; };
      const LeastSquares without =
          fit(layout, full, [&](std::size_t i) { return !in_group(i); }, 12);
      for (std::size_t i = 0; i < n; ++i) {
        if (in_group(i)) predicted[i] = predict(outcomes_[i], without.theta, layout);
      }
    }
    return predicted;
  }

  double mean_de00(const std::vector<Lab>& predicted) const {
    double sum = 0;
    for (std::size_t i = 0; i < outcomes_.size(); ++i) {
      sum += ciede2000(*outcomes_[i].outcome->healed, predicted[i]);
    }
    return sum / static_cast<double>(outcomes_.size());
  }

 private:
  const std::vector<Prepared>& outcomes_;
  const Matcher& matcher_;
};

double percentile(std::vector<double> values, double share) {
  std::sort(values.begin(), values.end());
  const double position = share * static_cast<double>(values.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (values[above] - values[below]) * (position - static_cast<double>(below));
}

const char* category_name(ItaCategory c) {
  switch (c) {
    case ItaCategory::VeryLight: return "very light";
    case ItaCategory::Light: return "light";
    case ItaCategory::Intermediate: return "intermediate";
    case ItaCategory::Tan: return "tan";
    case ItaCategory::Brown: return "brown";
    case ItaCategory::Dark: return "dark";
  }
  return "";
}

// Golden-section minimum of `f` on [low, high].
template <typename F>
double golden_minimum(F f, double low, double high, int steps = 40) {
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  double x1 = high - ratio * (high - low), x2 = low + ratio * (high - low);
  double f1 = f(x1), f2 = f(x2);
  for (int step = 0; step < steps; ++step) {
    if (f1 < f2) {
      high = x2, x2 = x1, f2 = f1;
      x1 = high - ratio * (high - low), f1 = f(x1);
    } else {
      low = x1, x1 = x2, f1 = f2;
      x2 = low + ratio * (high - low), f2 = f(x2);
    }
  }
  return 0.5 * (low + high);
}

// Σ ΔE00² of `outcomes` with each one's clinic parameters and retention × e^m.
double client_misfit(const HealingModel& model, const std::vector<const Outcome*>& outcomes,
                     const Matcher& matcher, double m) {
  double sum = 0;
  for (const Outcome* o : outcomes) {
    HealingParameters p = model.parameters_for(o->skin);
    p.retention = std::clamp(p.retention * std::exp(m), kMinRetention, kMaxRetention);
    const double de = ciede2000(*o->healed, matcher.predict(o->recipe, o->skin, p));
    sum += de * de;
  }
  return sum;
}

}  // namespace

HealingFit fit_healing_model(const std::vector<Outcome>& all, const Matcher& matcher) {
  HealingFit result;
  // Outcomes that cannot be predicted (an ink the catalogues lack, no healed colour) are
  // diagnosed and left out.
  std::vector<Prepared> outcomes;
  for (const Outcome& o : all) {
    if (!o.healed) {
      result.skipped.emplace_back("outcome '" + o.id + "' has no 'healed' colour", o.where);
      continue;
    }
    try {
      matcher.predict(o.recipe, o.skin);
    } catch (const InputError& e) {
      result.skipped.emplace_back("outcome '" + o.id + "': " + e.message(), o.where);
      continue;
    }
    outcomes.push_back({&o, ita_degrees(o.skin)});
  }
  if (outcomes.empty()) throw ArgumentError("no outcome to fit");

  const Fitter fitter(outcomes, matcher);
  const std::size_t n = outcomes.size();
  Layout layout;
  LeastSquares best = fitter.fit(layout, theta_from(HealingParameters{}, layout),
                                 [](std::size_t) { return true; }, 40);
  std::string method;
  std::vector<Lab> held = fitter.held_out(layout, best.theta, method);
  double held_mean = fitter.mean_de00(held);

  // Skin-tone dependence, where the outcomes span enough skin tones and it predicts better.
  double low_ita = HUGE_VAL, high_ita = -HUGE_VAL, mean_ita = 0;
  for (const Prepared& p : outcomes) {
    low_ita = std::min(low_ita, p.ita);
    high_ita = std::max(high_ita, p.ita);
    mean_ita += p.ita / static_cast<double>(n);
  }
  if (static_cast<int>(n) >= kTrendMinOutcomes && high_ita - low_ita >= kTrendItaSpan) {
    Layout trended{true, std::round(mean_ita)};
    std::vector<double> start = best.theta;
    start.insert(start.end(), {0.0, 0.0});
    const LeastSquares with_trend =
        fitter.fit(trended, start, [](std::size_t) { return true; }, 40);
    std::string trend_method;
    const std::vector<Lab> trend_held = fitter.held_out(trended, with_trend.theta, trend_method);
    const double trend_mean = fitter.mean_de00(trend_held);
    if (trend_mean < held_mean - kTrendGain) {
      layout = trended;
      best = with_trend;
      held = trend_held;
      held_mean = trend_mean;
      method = trend_method;
    }
  }

  HealingModel& model = result.model;
  model.parameters = parameters_from(best.theta, layout, layout.reference_ita);
  model.trend.fitted = layout.trend;
  model.trend.reference_ita = layout.reference_ita;
  if (layout.trend) {
    model.trend.log_retention_per_10deg = best.theta[3];
    model.trend.log_filter_per_10deg = best.theta[4];
  }
  // Standard errors from the curvature: cov(θ) = s² (JᵀJ)⁻¹, s² the residual variance per
  // term; a parameter's SE is its value times its ln's SE.
  const std::size_t p = best.theta.size();
  const double dof = std::max(1.0, 3.0 * static_cast<double>(n) - static_cast<double>(p));
  const double s2 = best.cost / dof;
  double se_ln[3] = {0, 0, 0};
  for (std::size_t j = 0; j < 3; ++j) {
    std::vector<double> unit(p, 0.0);
    unit[j] = 1.0;
    if (solve_small(best.jtj, unit)) se_ln[j] = std::sqrt(std::max(0.0, unit[j] * s2));
  }
  model.standard_error = {model.parameters.retention * se_ln[0],
                          model.parameters.depth_mm * se_ln[1], model.parameters.filter * se_ln[2]};

  // How much clients differ, chosen by what it is for: predicting a client's outcome from their
  // other outcomes. σ (outcome_de00) is the ΔE00 left once each client with two or more outcomes
  // has their own retention; the prior spread is the one of kSpreadGrid whose leave-one-out
  // predictions within clients are best (on at most kSpreadOutcomes outcomes, for speed).
  std::map<std::string, std::vector<const Outcome*>> by_client;
  for (const Prepared& prepared : outcomes) {
    by_client[prepared.outcome->client].push_back(prepared.outcome);
  }
  double own_squares = 0;
  std::size_t own_count = 0;
  std::vector<std::vector<const Outcome*>> groups;
  for (const auto& [client, own] : by_client) {
    if (own.size() < 2 || own_count >= kSpreadOutcomes) continue;
    auto misfit = [&, &own = own](double x) { return client_misfit(model, own, matcher, x); };
    own_squares += misfit(golden_minimum(misfit, -3.0, 3.0, 25));
    own_count += own.size();
    groups.push_back(own);
  }
  if (groups.size() >= kMinClientsForSpread) {
    model.outcome_de00 = std::max(0.2, std::sqrt(own_squares / static_cast<double>(own_count)));
    double lowest = HUGE_VAL;
    for (double spread : kSpreadGrid) {
      HealingModel trial = model;
      trial.client_spread = spread;
      double error = 0;
      for (const auto& own : groups) {
        for (std::size_t k = 0; k < own.size(); ++k) {
          std::vector<Outcome> others;
          for (std::size_t j = 0; j < own.size(); ++j) {
            if (j != k) others.push_back(*own[j]);
          }
          const Outcome& left_out = *own[k];
          const HealingParameters own_p = client_parameters(trial, left_out.skin, others, matcher);
          error += ciede2000(*left_out.healed,
                             matcher.predict(left_out.recipe, left_out.skin, own_p));
        }
      }
      if (error < lowest) lowest = error, model.client_spread = spread;
    }
  }

  std::set<std::string> clients;
  std::vector<double> residuals, held_out;
  std::set<ItaCategory> covered;
  for (std::size_t i = 0; i < n; ++i) {
    const Outcome& o = *outcomes[i].outcome;
    OutcomeFit f;
    f.id = o.id;
    f.client = o.client;
    f.healed = *o.healed;
    f.ita = outcomes[i].ita;
    f.predicted = fitter.predict(outcomes[i], best.theta, layout);
    f.held_out_predicted = held[i];
    f.de00 = ciede2000(f.healed, f.predicted);
    f.held_out_de00 = ciede2000(f.healed, held[i]);
    f.default_de00 = ciede2000(f.healed, matcher.predict(o.recipe, o.skin, HealingParameters{}));
    residuals.push_back(f.de00);
    held_out.push_back(f.held_out_de00);
    clients.insert(o.client);
    covered.insert(ita_category(f.ita));
    if (o.weeks && *o.weeks < kSettledWeeks) {
      result.warnings.push_back("outcome '" + o.id + "' was measured " +
                                std::to_string(static_cast<int>(*o.weeks)) +
                                " weeks after the session: a healed colour settles over about 4");
    }
    result.outcomes.push_back(std::move(f));
  }
  model.outcomes = static_cast<int>(n);
  model.clients = static_cast<int>(clients.size());
  model.residual_mean_de00 = std::accumulate(residuals.begin(), residuals.end(), 0.0) / n;
  model.held_out_mean_de00 = held_mean;
  model.held_out_p90_de00 = percentile(held_out, 0.9);
  model.held_out_method = method;
  model.source = "fitted";

  if (n < 10) {
    result.warnings.push_back("only " + std::to_string(n) +
                              " outcomes: the fit is rough; 20 or more, across the clinic's skin "
                              "tones, make it one to rely on");
  }
  std::string missing;
  for (ItaCategory c : {ItaCategory::VeryLight, ItaCategory::Light, ItaCategory::Intermediate,
                        ItaCategory::Tan, ItaCategory::Brown, ItaCategory::Dark}) {
    if (!covered.count(c)) missing += std::string(missing.empty() ? "" : ", ") + category_name(c);
  }
  if (!missing.empty()) {
    result.warnings.push_back("no outcome on " + missing +
                              " skin (ITA): predictions there rest on the physics and the trend "
                              "alone");
  }
  return result;
}

HealingParameters client_parameters(const HealingModel& model, const Lab& skin,
                                    const std::vector<Outcome>& outcomes, const Matcher& matcher) {
  const HealingParameters clinic = model.parameters_for(skin);
  std::vector<const Outcome*> own;
  for (const Outcome& o : outcomes) {
    if (o.healed) own.push_back(&o);
  }
  if (own.empty()) return clinic;
  const double spread = model.outcome_de00 ? *model.outcome_de00
                       : model.outcomes > 0    ? std::max(0.3, model.held_out_mean_de00)
                                               : kDefaultOutcomeSpread;
  // J(m) = Σ ΔE00(m)² / σ² + m² / s², m = ln(this client's retention / the clinic's), for each
  // outcome with the clinic's parameters for that outcome's skin.
  const double s2 = model.client_spread * model.client_spread;
  const double m = golden_minimum(
      [&](double x) { return client_misfit(model, own, matcher, x) / (spread * spread) + x * x / s2; },
      -5 * model.client_spread, 5 * model.client_spread);
  HealingParameters refined = clinic;
  refined.retention = std::clamp(clinic.retention * std::exp(m), kMinRetention, kMaxRetention);
  return refined;
}

}  // namespace smpshade
