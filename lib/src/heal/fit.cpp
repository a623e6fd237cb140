// Fitting the layered skin model's free parameters to a clinic's healed outcomes, a learned
// correction on top where the physics runs out (smp-heal fit), and choosing one client's
// parameters from the clinic's model and their own outcomes (every tool, HealingChooser).
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <set>

#include "core/fixed.hpp"
#include "core/linalg.hpp"
#include "core/parallel.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/heal.hpp"

namespace smpshade {

namespace {

using detail::fixed;

// Parameters are fitted as logarithms (all are positive and act multiplicatively), within
// bounds wide enough that no clinic's outcomes should reach them: retention is a strength
// relative to the cup on card and is not capped at 1 (skin_hpp's HealingParameters).
constexpr double kMinRetention = 0.002, kMaxRetention = 50.0;
constexpr double kMinDepthMm = 0.001, kMaxDepthMm = 2.0;
constexpr double kMinFilter = 0.02, kMaxFilter = 10.0;
constexpr double kMinInk = 0.05, kMaxInk = 20.0;
// A parameter within this (in ln units) of a bound is said to sit there.
constexpr double kAtBound = 0.02;
// A weak prior toward the physical defaults (SD in ln units), so that parameters the outcomes
// do not determine stay where the physics put them instead of drifting to a bound.
constexpr double kPriorSd = 1.5;
constexpr double kTrendPriorSd = 0.5;
// An ink's own strength is fitted when this many outcomes hold it, drawn toward 1 (the card's
// word) with this SD in ln units.
constexpr std::size_t kInkMinOutcomes = 5;
constexpr double kInkPriorSd = 0.5;
// Held-out ΔE00 by leave-one-out up to this many outcomes, k-fold beyond.
constexpr std::size_t kLeaveOneOutMax = 60;
constexpr std::size_t kFolds = 5;
// The skin-tone trend is kept when it lowers the held-out mean ΔE00 by at least this much.
constexpr double kTrendGain = 0.05;
// The correction's ridge strengths tried, as shares of the mean diagonal of DᵀD.
constexpr double kRidgeShares[] = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0};
// Per-outcome spread assumed for client refinement when the model was not fitted.
constexpr double kDefaultOutcomeSpread = 1.5;
// Clients with two or more outcomes needed to estimate how much clients differ, the spreads
// tried, and how many outcomes that estimate uses at most.
constexpr std::size_t kMinClientsForSpread = 5;
constexpr double kSpreadGrid[] = {0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5};
constexpr std::size_t kSpreadOutcomes = 300;
// Outcomes from which the residuals of one fit are computed on several threads.
constexpr std::size_t kParallelOutcomes = 256;

// One outcome, resolved once: its skin's optics and its recipe's K/S (Matcher::HealedCase).
struct Prepared {
  const Outcome* outcome;
  double ita;
  Matcher::HealedCase resolved;
};

// What is fitted: the three parameters, the skin-tone trend (two more) and the strength of each
// ink in `inks` (one more each), in this order in θ, all as logarithms.
struct Layout {
  bool trend = false;
  double reference_ita = 30.0;
  std::vector<std::string> inks;
  std::size_t first_ink() const { return trend ? 5 : 3; }
  std::size_t size() const { return first_ink() + inks.size(); }
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
  for (std::size_t j = 0; j < layout.inks.size(); ++j) {
    p.ink_strength.emplace_back(
        layout.inks[j], std::clamp(std::exp(theta[layout.first_ink() + j]), kMinInk, kMaxInk));
  }
  return p;
}

// θ at the physical defaults: the prior every fit is drawn toward.
std::vector<double> default_theta(const Layout& layout) {
  const HealingParameters p;
  std::vector<double> theta{std::log(p.retention), std::log(p.depth_mm), std::log(p.filter)};
  theta.resize(layout.size(), 0.0);
  return theta;
}

double prior_sd(const Layout& layout, std::size_t j) {
  return j < 3 ? kPriorSd : j < layout.first_ink() ? kTrendPriorSd : kInkPriorSd;
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
// The Jacobian's columns at θ, given the residuals there.
using Jacobian = std::function<std::vector<std::vector<double>>(const std::vector<double>&,
                                                                const std::vector<double>&)>;

struct LeastSquares {
  std::vector<double> theta;
  std::vector<std::vector<double>> jtj;  // at the solution
  double cost = 0;
};

// Levenberg–Marquardt (Marquardt 1963), its Jacobian from `jacobian`.
LeastSquares levenberg_marquardt(std::vector<double> theta, const Residuals& residuals,
                                 const Jacobian& jacobian, int max_iterations) {
  const std::size_t p = theta.size();
  auto cost_of = [](const std::vector<double>& r) {
    return std::inner_product(r.begin(), r.end(), r.begin(), 0.0);
  };
  std::vector<double> r = residuals(theta);
  double cost = cost_of(r);
  double mu = 1e-2;
  std::vector<std::vector<double>> jtj(p, std::vector<double>(p, 0.0));
  for (int iteration = 0; iteration <= max_iterations; ++iteration) {
    const std::vector<std::vector<double>> jac = jacobian(theta, r);
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

// The ridge regression of a correction (HealedCorrection): what the physics leaves, e = healed −
// model, regressed on the features φ, row by row of Lab: (ΦᵀΦ + λI) w_r = Φᵀe_r, λ a share of
// ΦᵀΦ's mean diagonal.
struct CorrectionSums {
  std::size_t k = 0;
  std::vector<double> ftf;  // k × k
  std::vector<double> fte;  // 3 × k
  explicit CorrectionSums(std::size_t columns = 0)
      : k(columns), ftf(columns * columns, 0.0), fte(3 * columns, 0.0) {}
  void add(const std::vector<double>& phi, const Lab& model, const Lab& healed) {
    const double e[3] = {healed.l - model.l, healed.a - model.a, healed.b - model.b};
    for (std::size_t a = 0; a < k; ++a) {
      for (std::size_t b = 0; b < k; ++b) ftf[a * k + b] += phi[a] * phi[b];
      for (std::size_t r = 0; r < 3; ++r) fte[r * k + a] += e[r] * phi[a];
    }
  }
  std::vector<double> solve(double share) const {
    double trace = 0;
    for (std::size_t a = 0; a < k; ++a) trace += ftf[a * k + a];
    const double lambda = share * trace / static_cast<double>(k) + 1e-12;
    std::vector<double> weights(3 * k);
    for (std::size_t r = 0; r < 3; ++r) {
      std::vector<double> a = ftf;
      for (std::size_t i = 0; i < k; ++i) a[i * k + i] += lambda;
      std::vector<double> b(fte.begin() + static_cast<std::ptrdiff_t>(r * k),
                            fte.begin() + static_cast<std::ptrdiff_t>((r + 1) * k));
      if (!detail::solve_linear_in_place(a.data(), b.data(), k)) return {};
      std::copy(b.begin(), b.end(), weights.begin() + static_cast<std::ptrdiff_t>(r * k));
    }
    return weights;
  }
};

// Held-out predictions of every outcome with the physics refitted without it (leave-one-out, or
// k-fold for many outcomes), and, per fold, the refitted physics' predictions of the fold's
// training outcomes: what a correction is fitted on inside the fold.
struct HeldOut {
  std::string method;
  std::vector<std::size_t> fold;     // per outcome: its fold
  std::vector<Lab> physics;          // per outcome: held-out physics prediction
  std::vector<CorrectionSums> sums;  // per fold: the correction's sums over its training part
};

class Fitter {
 public:
  Fitter(const std::vector<Prepared>& outcomes, const Matcher& matcher, int threads)
      : outcomes_(outcomes), matcher_(matcher), threads_(threads) {}

  Lab predict(const Prepared& o, const std::vector<double>& theta, const Layout& layout) const {
    return matcher_.predict(o.resolved, parameters_from(theta, layout, o.ita));
  }
  const Lab& skin(std::size_t i) const { return outcomes_[i].resolved.skin->lab; }

  // The correction's shape for `layout` (its inks, no weights yet), and outcome i's features.
  HealedCorrection correction_shape(const Layout& layout) const {
    HealedCorrection c;
    c.inks = layout.inks;
    return c;
  }
  std::vector<double> ink_shares(std::size_t i, const HealedCorrection& c) const {
    std::vector<double> shares(c.inks.size(), 0.0);
    for (const auto& ink : outcomes_[i].resolved.inks) {
      const auto at = std::find(c.inks.begin(), c.inks.end(), ink.id);
      if (at != c.inks.end()) shares[static_cast<std::size_t>(at - c.inks.begin())] += ink.share;
    }
    return shares;
  }
  std::vector<double> features(std::size_t i, const Lab& model, const HealedCorrection& c) const {
    const std::vector<double> shares = ink_shares(i, c);
    return c.features(model, skin(i), shares.data());
  }
  const Lab& healed(std::size_t i) const { return *outcomes_[i].outcome->healed; }

  // Fits on the outcomes `use` lists. An ink's strength moves only the outcomes that hold it, so
  // its Jacobian column is computed on those alone.
  LeastSquares fit(const Layout& layout, const std::vector<double>& start,
                   const std::vector<std::size_t>& use, int iterations) const {
    const std::vector<double> prior = default_theta(layout);
    const int threads = use.size() >= kParallelOutcomes ? threads_ : 1;
    const std::size_t terms = 3 * use.size();
    // The outcome terms of the residuals for the outcomes `which` (positions in `use`).
    auto outcome_terms = [&](const std::vector<double>& theta, const std::vector<std::size_t>& which,
                             std::vector<double>& r) {
      detail::parallel_for(which.size(), threads, [&](std::size_t w) {
        const std::size_t k = which[w];
        const De2000 d = ciede2000_breakdown(healed(use[k]), predict(outcomes_[use[k]], theta, layout));
        r[3 * k] = d.dl, r[3 * k + 1] = d.dc, r[3 * k + 2] = d.dh;
      });
    };
    std::vector<std::size_t> everyone(use.size());
    std::iota(everyone.begin(), everyone.end(), std::size_t{0});
    std::vector<std::vector<std::size_t>> holding(layout.inks.size());
    for (std::size_t k = 0; k < use.size(); ++k) {
      for (const auto& ink : outcomes_[use[k]].resolved.inks) {
        const auto at = std::find(layout.inks.begin(), layout.inks.end(), ink.id);
        if (at != layout.inks.end()) holding[static_cast<std::size_t>(at - layout.inks.begin())].push_back(k);
      }
    }
    auto residuals = [&](const std::vector<double>& theta) {
      std::vector<double> r(terms + theta.size());
      outcome_terms(theta, everyone, r);
      for (std::size_t j = 0; j < theta.size(); ++j) {
        r[terms + j] = (theta[j] - prior[j]) / prior_sd(layout, j);
      }
      return r;
    };
    auto jacobian = [&](const std::vector<double>& theta, const std::vector<double>& r) {
      constexpr double kStep = 1e-4;
      std::vector<std::vector<double>> jac(theta.size(), std::vector<double>(r.size(), 0.0));
      for (std::size_t j = 0; j < theta.size(); ++j) {
        std::vector<double> shifted = theta;
        shifted[j] += kStep;
        const bool ink = j >= layout.first_ink();
        const std::vector<std::size_t>& which = ink ? holding[j - layout.first_ink()] : everyone;
        std::vector<double> rs = r;
        outcome_terms(shifted, which, rs);
        for (std::size_t k : which) {
          for (std::size_t t = 3 * k; t < 3 * k + 3; ++t) jac[j][t] = (rs[t] - r[t]) / kStep;
        }
        jac[j][terms + j] = 1.0 / prior_sd(layout, j);
      }
      return jac;
    };
    return levenberg_marquardt(start, residuals, jacobian, iterations);
  }

  std::vector<std::size_t> all() const {
    std::vector<std::size_t> every(outcomes_.size());
    std::iota(every.begin(), every.end(), std::size_t{0});
    return every;
  }

  HeldOut held_out(const Layout& layout, const std::vector<double>& full) const {
    const std::size_t n = outcomes_.size();
    HeldOut out;
    const bool loo = n <= kLeaveOneOutMax;
    out.method = loo ? "leave-one-out" : std::to_string(kFolds) + "-fold";
    const std::size_t folds = loo ? n : kFolds;
    out.fold.resize(n);
    for (std::size_t i = 0; i < n; ++i) out.fold[i] = loo ? i : i % kFolds;
    out.physics.resize(n);
    const HealedCorrection shape = correction_shape(layout);
    out.sums.assign(folds, CorrectionSums(shape.columns()));
    // Folds are independent: many small fits on the threads (leave-one-out), or few large ones
    // whose residuals are computed on the threads.
    const int fold_threads = loo ? threads_ : 1;
    detail::parallel_for(folds, fold_threads, [&](std::size_t g) {
      std::vector<std::size_t> training;
      for (std::size_t i = 0; i < n; ++i) {
        if (out.fold[i] != g) training.push_back(i);
      }
      const LeastSquares without = fit(layout, full, training, 12);
      for (std::size_t i = 0; i < n; ++i) {
        const Lab model = predict(outcomes_[i], without.theta, layout);
        if (out.fold[i] == g) {
          out.physics[i] = model;
        } else {
          out.sums[g].add(features(i, model, shape), model, healed(i));
        }
      }
    });
    return out;
  }

  double mean_de00(const std::vector<Lab>& predicted) const {
    double sum = 0;
    for (std::size_t i = 0; i < outcomes_.size(); ++i) sum += ciede2000(healed(i), predicted[i]);
    return sum / static_cast<double>(outcomes_.size());
  }

  // The held-out predictions with a correction fitted inside each fold at ridge `share`.
  std::vector<Lab> corrected_held_out(const HeldOut& held, const Layout& layout,
                                      double share) const {
    std::vector<HealedCorrection> per_fold;
    for (const CorrectionSums& sums : held.sums) {
      per_fold.push_back(correction_shape(layout));
      per_fold.back().weights = sums.solve(share);
    }
    std::vector<Lab> out(outcomes_.size());
    for (std::size_t i = 0; i < outcomes_.size(); ++i) {
      const HealedCorrection& c = per_fold[held.fold[i]];
      const std::vector<double> shares = ink_shares(i, c);
      out[i] = c.apply(held.physics[i], skin(i), shares.data());
    }
    return out;
  }

  int threads() const { return threads_; }

 private:
  const std::vector<Prepared>& outcomes_;
  const Matcher& matcher_;
  int threads_;
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

// One of a client's outcomes, resolved: what the client refinement predicts again and again.
struct OwnOutcome {
  const Matcher::HealedCase* resolved;
  Lab skin, healed;
};

// Σ ΔE00² of `own` with each one's clinic parameters and retention × e^m.
double client_misfit(const HealingModel& model, const std::vector<OwnOutcome>& own,
                     const Matcher& matcher, double m) {
  double sum = 0;
  for (const OwnOutcome& o : own) {
    HealingParameters p = model.parameters_for(o.skin);
    p.retention = std::clamp(p.retention * std::exp(m), kMinRetention, kMaxRetention);
    const double de = ciede2000(o.healed, matcher.predict(*o.resolved, p));
    sum += de * de;
  }
  return sum;
}

// ln(this client's retention / the clinic's) by maximum a posteriori:
// J(m) = Σ ΔE00(m)² / σ² + m² / s², σ the model's outcome_de00 (else its held-out mean ΔE00;
// kDefaultOutcomeSpread for the defaults), s its client_spread.
double client_log_retention(const HealingModel& model, const std::vector<OwnOutcome>& own,
                            const Matcher& matcher) {
  const double sigma = model.outcome_de00 ? *model.outcome_de00
                       : model.outcomes > 0 ? std::max(0.3, model.held_out_mean_de00)
                                            : kDefaultOutcomeSpread;
  const double s2 = model.client_spread * model.client_spread;
  return golden_minimum(
      [&](double x) {
        return client_misfit(model, own, matcher, x) / (sigma * sigma) + x * x / s2;
      },
      -5 * model.client_spread, 5 * model.client_spread);
}

// The outcomes that can be predicted, resolved once each (on the threads: a skin's optics is
// the costly part), and the ones left out, each with its reason.
std::vector<Prepared> prepare(const std::vector<Outcome>& all, const Matcher& matcher,
                              int threads, std::vector<InputError>& skipped) {
  std::vector<std::optional<Prepared>> resolved(all.size());
  std::vector<std::optional<InputError>> errors(all.size());
  detail::parallel_for(all.size(), threads, [&](std::size_t i) {
    const Outcome& o = all[i];
    if (!o.healed) {
      errors[i].emplace("outcome '" + o.id + "' has no 'healed' colour", o.where);
      return;
    }
    try {
      resolved[i] = Prepared{&o, ita_degrees(o.skin), matcher.healed_case(o.recipe, o.skin)};
    } catch (const InputError& e) {
      errors[i].emplace("outcome '" + o.id + "': " + e.message(), o.where);
    }
  });
  std::vector<Prepared> out;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (errors[i]) skipped.push_back(*errors[i]);
    if (resolved[i]) out.push_back(std::move(*resolved[i]));
  }
  return out;
}

// The inks held by at least kInkMinOutcomes outcomes, when there are two or more such: each
// gets a strength of its own (one ink alone would only repeat the retention).
std::vector<std::string> inks_to_fit(const std::vector<Prepared>& outcomes) {
  std::map<std::string, std::size_t> holding;
  for (const Prepared& p : outcomes) {
    for (const auto& ink : p.resolved.inks) ++holding[ink.id];
  }
  std::vector<std::string> inks;
  for (const auto& [ink, count] : holding) {
    if (count >= kInkMinOutcomes) inks.push_back(ink);
  }
  if (inks.size() < 2) inks.clear();
  return inks;
}

// The parameters sitting at a bound, in words: what the outcomes asked for and what it means.
void note_bounds(const HealingModel& model, bool corrected, std::vector<std::string>& notes) {
  struct Bound {
    const char* name;
    double value, low, high;
    const char* low_means;
    const char* high_means;
  };
  const HealingParameters& p = model.parameters;
  const Bound bounds[] = {
      {"retention", p.retention, kMinRetention, kMaxRetention,
       "almost no ink stays: the outcomes heal nearly to the skin",
       "the outcomes heal darker than any ink strength makes them"},
      {"depth", p.depth_mm, kMinDepthMm, kMaxDepthMm, "the ink sits right under the epidermis",
       "the ink sits deeper than the model's dermis"},
      {"filter", p.filter, kMinFilter, kMaxFilter,
       "the dots show less of the skin's melanin than any epidermis would give",
       "the dots show more of the skin's melanin than the skin's colour implies"},
  };
  for (const Bound& b : bounds) {
    const bool low = std::log(b.value) - std::log(b.low) < kAtBound;
    const bool high = std::log(b.high) - std::log(b.value) < kAtBound;
    if (!low && !high) continue;
    notes.push_back(std::string(b.name) + " sits at its " + (low ? "lower" : "upper") +
                    " bound (" + fixed(low ? b.low : b.high, 3) + "): " +
                    (low ? b.low_means : b.high_means) + "; " +
                    (corrected ? "the learned correction carries what the physics cannot"
                               : "predictions far from these outcomes may be biased"));
  }
}

// The correction in words: how it changes the typical dot's contrast and hue (its weights for
// the modifier 1).
std::string describe_correction(const HealedCorrection& c) {
  const auto& w = c.weights;
  const std::size_t k = c.columns();
  char text[320];
  std::snprintf(text, sizeof text,
                "on the whole, a dot's contrast with the skin in L* x%.2f; for each L* of "
                "contrast a* %+.2f, b* %+.2f (and more with skin tone, the dot's size and the inks)",
                1.0 + w[0], -w[k], -w[2 * k]);
  return text;
}

}  // namespace

HealingFit fit_healing_model(const std::vector<Outcome>& all, const Matcher& matcher,
                             int threads) {
  HealingFit result;
  // Outcomes that cannot be predicted (an ink the catalogues lack, no healed colour) are
  // diagnosed and left out.
  const std::vector<Prepared> outcomes = prepare(all, matcher, threads, result.skipped);
  if (outcomes.empty()) throw ArgumentError("no outcome to fit");

  const Fitter fitter(outcomes, matcher, threads);
  const std::size_t n = outcomes.size();
  const std::vector<std::size_t> every = fitter.all();
  Layout layout;
  layout.inks = inks_to_fit(outcomes);
  LeastSquares best = fitter.fit(layout, default_theta(layout), every, 40);
  HeldOut held = fitter.held_out(layout, best.theta);
  double held_mean = fitter.mean_de00(held.physics);

  // Skin-tone dependence, where the outcomes span enough skin tones and it predicts better.
  double low_ita = HUGE_VAL, high_ita = -HUGE_VAL, mean_ita = 0;
  for (const Prepared& p : outcomes) {
    low_ita = std::min(low_ita, p.ita);
    high_ita = std::max(high_ita, p.ita);
    mean_ita += p.ita / static_cast<double>(n);
  }
  if (static_cast<int>(n) >= kTrendMinOutcomes && high_ita - low_ita >= kTrendItaSpan) {
    Layout trended{true, std::round(mean_ita), layout.inks};
    std::vector<double> start = best.theta;
    start.insert(start.begin() + 3, {0.0, 0.0});
    const LeastSquares with_trend = fitter.fit(trended, start, every, 40);
    HeldOut trend_held = fitter.held_out(trended, with_trend.theta);
    const double trend_mean = fitter.mean_de00(trend_held.physics);
    if (trend_mean < held_mean - kTrendGain) {
      result.notes.push_back("skin tone: the parameters follow ITA (the physics holds out " +
                             fixed(trend_mean, 2) + " with the trend, " + fixed(held_mean, 2) +
                             " without)");
      layout = trended;
      best = with_trend;
      held = std::move(trend_held);
      held_mean = trend_mean;
    }
  }
  std::vector<Lab> held_predictions = held.physics;

  HealingModel& model = result.model;
  model.parameters = parameters_from(best.theta, layout, layout.reference_ita);
  model.trend.fitted = layout.trend;
  model.trend.reference_ita = layout.reference_ita;
  if (layout.trend) {
    model.trend.log_retention_per_10deg = best.theta[3];
    model.trend.log_filter_per_10deg = best.theta[4];
  }
  for (const auto& [ink, factor] : model.parameters.ink_strength) {
    if (std::fabs(std::log(factor)) >= 0.1) {
      char text[200];
      std::snprintf(text, sizeof text, "%s heals at %.2fx the strength its card gives", ink.c_str(),
                    factor);
      result.notes.push_back(text);
    }
  }

  // Where the physics runs out: a correction on top, its ridge strength chosen by held-out ΔE00
  // (each fold's correction fitted on that fold's own refitted physics), kept when it gains.
  if (static_cast<int>(n) >= kCorrectionMinOutcomes) {
    double best_share = 0, best_mean = HUGE_VAL;
    std::vector<Lab> best_held;
    for (double share : kRidgeShares) {
      std::vector<Lab> trial = fitter.corrected_held_out(held, layout, share);
      const double mean = fitter.mean_de00(trial);
      if (mean < best_mean) best_mean = mean, best_share = share, best_held = std::move(trial);
    }
    if (best_mean < held_mean - kCorrectionGain) {
      HealedCorrection correction = fitter.correction_shape(layout);
      CorrectionSums sums(correction.columns());
      for (std::size_t i = 0; i < n; ++i) {
        const Lab physics = fitter.predict(outcomes[i], best.theta, layout);
        sums.add(fitter.features(i, physics, correction), physics, fitter.healed(i));
      }
      correction.weights = sums.solve(best_share);
      model.parameters.correction = std::move(correction);
      model.held_out_physics_mean_de00 = held_mean;
      result.notes.push_back(
          "the physics alone predicts held-out outcomes to " + fixed(held_mean, 2) +
          " dE00; a correction learned on top brings that to " + fixed(best_mean, 2) + ": " +
          describe_correction(model.parameters.correction));
      held_predictions = std::move(best_held);
      held_mean = best_mean;
    }
  }
  note_bounds(model, model.parameters.correction.active(), result.notes);

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

  // The fitted model's prediction of every outcome (with the correction, as the tools predict).
  std::vector<Lab> fitted(n);
  detail::parallel_for(n, threads, [&](std::size_t i) {
    fitted[i] = matcher.predict(outcomes[i].resolved, model.parameters_for(outcomes[i].outcome->skin));
  });

  // How much clients differ, chosen by what it is for: predicting a client's outcome from their
  // other outcomes. σ (outcome_de00) is the ΔE00 left once each client with two or more outcomes
  // has their own retention; the prior spread is the one of kSpreadGrid whose leave-one-out
  // predictions within clients are best (on at most kSpreadOutcomes outcomes, for speed).
  std::map<std::string, std::vector<OwnOutcome>> by_client;
  for (const Prepared& prepared : outcomes) {
    by_client[prepared.outcome->client].push_back(
        {&prepared.resolved, prepared.outcome->skin, *prepared.outcome->healed});
  }
  std::vector<const std::vector<OwnOutcome>*> groups;
  std::size_t own_count = 0;
  for (const auto& [client, own] : by_client) {
    if (own.size() < 2 || own_count >= kSpreadOutcomes) continue;
    own_count += own.size();
    groups.push_back(&own);
  }
  if (groups.size() >= kMinClientsForSpread) {
    std::vector<double> own_squares(groups.size());
    detail::parallel_for(groups.size(), threads, [&](std::size_t g) {
      auto misfit = [&](double x) { return client_misfit(model, *groups[g], matcher, x); };
      own_squares[g] = misfit(golden_minimum(misfit, -3.0, 3.0, 25));
    });
    model.outcome_de00 = std::max(
        0.2, std::sqrt(std::accumulate(own_squares.begin(), own_squares.end(), 0.0) /
                       static_cast<double>(own_count)));
    std::vector<double> errors(std::size(kSpreadGrid), 0.0);
    detail::parallel_for(std::size(kSpreadGrid), threads, [&](std::size_t s) {
      HealingModel trial = model;
      trial.client_spread = kSpreadGrid[s];
      for (const auto* own : groups) {
        for (std::size_t k = 0; k < own->size(); ++k) {
          std::vector<OwnOutcome> others;
          for (std::size_t j = 0; j < own->size(); ++j) {
            if (j != k) others.push_back((*own)[j]);
          }
          const OwnOutcome& left_out = (*own)[k];
          HealingParameters own_p = trial.parameters_for(left_out.skin);
          own_p.retention = std::clamp(
              own_p.retention * std::exp(client_log_retention(trial, others, matcher)),
              kMinRetention, kMaxRetention);
          errors[s] += ciede2000(left_out.healed, matcher.predict(*left_out.resolved, own_p));
        }
      }
    });
    model.client_spread =
        kSpreadGrid[std::min_element(errors.begin(), errors.end()) - errors.begin()];
  }

  std::set<std::string> clients;
  std::vector<double> residuals, held_out;
  std::set<ItaCategory> covered;
  std::vector<double> default_de00(n);
  detail::parallel_for(n, threads, [&](std::size_t i) {
    default_de00[i] = ciede2000(fitter.healed(i), matcher.predict(outcomes[i].resolved, HealingParameters{}));
  });
  // The fit must predict outcomes it has not seen better than the physics' defaults, which no
  // outcome tuned: when it does not, the model file keeps the defaults, and says so.
  const double defaults_mean =
      std::accumulate(default_de00.begin(), default_de00.end(), 0.0) / static_cast<double>(n);
  if (held_mean >= defaults_mean) {
    result.warnings.push_back(
        "the fit predicts outcomes it has not seen no better than the unfitted defaults (held out " +
        fixed(held_mean, 2) + " against " + fixed(defaults_mean, 2) +
        " dE00): the model keeps the defaults");
    const HealingModel fitted_model = model;
    model = HealingModel{};
    model.client_spread = fitted_model.client_spread;
    model.outcome_de00 = fitted_model.outcome_de00;
    model.held_out_physics_mean_de00.reset();
    for (std::size_t i = 0; i < n; ++i) {
      fitted[i] = matcher.predict(outcomes[i].resolved, HealingParameters{});
      held_predictions[i] = fitted[i];
    }
    held_mean = defaults_mean;
    layout = Layout{};
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Outcome& o = *outcomes[i].outcome;
    OutcomeFit f;
    f.id = o.id;
    f.client = o.client;
    f.healed = *o.healed;
    f.ita = outcomes[i].ita;
    f.predicted = fitted[i];
    f.held_out_predicted = held_predictions[i];
    f.de00 = ciede2000(f.healed, f.predicted);
    f.held_out_de00 = ciede2000(f.healed, held_predictions[i]);
    f.default_de00 = default_de00[i];
    residuals.push_back(f.de00);
    held_out.push_back(f.held_out_de00);
    clients.insert(o.client);
    covered.insert(ita_category(f.ita));
    if (o.weeks && *o.weeks < kHealedAfterWeeks) {
      result.warnings.push_back("outcome '" + o.id + "' was photographed " + fixed(*o.weeks, 1) +
                                " weeks after the session: a healed colour settles over about " +
                                std::to_string(kHealedAfterWeeks) +
                                " weeks, so it may still change; photograph healed sessions at " +
                                std::to_string(kHealedAfterWeeks) + " weeks or later");
    }
    result.outcomes.push_back(std::move(f));
  }
  model.outcomes = static_cast<int>(n);
  model.clients = static_cast<int>(clients.size());
  model.residual_mean_de00 = std::accumulate(residuals.begin(), residuals.end(), 0.0) / n;
  model.held_out_mean_de00 = held_mean;
  model.held_out_p90_de00 = percentile(held_out, 0.9);
  model.held_out_method = held.method;
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
  std::vector<Matcher::HealedCase> resolved;
  std::vector<OwnOutcome> own;
  resolved.reserve(outcomes.size());
  for (const Outcome& o : outcomes) {
    if (!o.healed) continue;
    resolved.push_back(matcher.healed_case(o.recipe, o.skin));
    own.push_back({&resolved.back(), o.skin, *o.healed});
  }
  if (own.empty()) return clinic;
  HealingParameters refined = clinic;
  refined.retention = std::clamp(clinic.retention * std::exp(client_log_retention(model, own, matcher)),
                                 kMinRetention, kMaxRetention);
  return refined;
}

HealingChooser::HealingChooser(HealingModel model, std::vector<Outcome> outcomes,
                               HealingOverrides overrides, const Matcher& matcher)
    : model_(std::move(model)),
      outcomes_(std::move(outcomes)),
      overrides_(overrides),
      matcher_(matcher) {
  for (std::size_t i = 0; i < outcomes_.size(); ++i) by_client_[outcomes_[i].client].push_back(i);
}

ClientHealing HealingChooser::choose(const std::string& client, const Lab& skin) const {
  ClientHealing out;
  const std::vector<std::size_t>* own = nullptr;
  if (auto it = by_client_.find(client); it != by_client_.end()) {
    own = &it->second;
    out.client = client;
  } else if (client.empty() && by_client_.size() == 1) {
    own = &by_client_.begin()->second;
    out.client = by_client_.begin()->first;
  }
  std::vector<Outcome> mine;
  if (own) {
    for (std::size_t i : *own) mine.push_back(outcomes_[i]);
  }
  out.parameters = client_parameters(model_, skin, mine, matcher_);
  out.own_outcomes = mine.size();
  out.describe = model_.describe();
  if (!mine.empty()) {
    out.describe += ", refined by " + std::to_string(mine.size()) + " own outcome" +
                    (mine.size() == 1 ? "" : "s") + " of " + out.client;
  }
  if (overrides_.retention) {
    out.parameters.retention = *overrides_.retention;
    out.describe += ", retention set";
  }
  return out;
}

}  // namespace smpshade
