#pragma once
/// @file heal.hpp
/// Learning how ink heals from a clinic's own outcomes (smp-heal): outcome records, the healing
/// model file (smpshade-healing(5)), fitting the layered skin model's free parameters to the
/// outcomes, and refining them for one client from that client's own earlier sessions.

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "smpshade/colour.hpp"
#include "smpshade/error.hpp"
#include "smpshade/export.hpp"
#include "smpshade/match.hpp"
#include "smpshade/recipe.hpp"
#include "smpshade/records.hpp"
#include "smpshade/skin.hpp"

namespace smpshade {

/// The healing timeline every tool and page uses (smp-heal(1), TIMELINE): a tattooed dot's colour
/// settles over about four weeks as the epidermis renews and the dermis clears what it does not
/// keep, so a healed session is photographed at kHealedAfterWeeks or later; a photo sooner shows
/// a colour still changing (smp-heal fit warns of it). The next session follows once that photo
/// is taken and learned from.
inline constexpr int kHealedAfterWeeks = 4;

/// A healed result, or a case to predict: a recipe put into a client's skin, and (for an
/// outcome) the colour its dots healed to. smpshade-records(5), "Outcome records".
struct Outcome {
  std::string id;
  std::string client;  ///< who: outcomes of one client refine that client's prediction
  Lab skin;            ///< the client's scalp (D50)
  std::vector<RecipePart> recipe;
  std::optional<Lab> healed;   ///< the healed dots' colour (D50); absent in a case to predict
  std::optional<double> weeks;  ///< weeks after the session the healed colour was measured
  std::string part;             ///< what of the client it is ("hair"); "" when not known
  std::optional<int> session;   ///< the session the recipe was tattooed in
  Location where;
};

/// Reads outcome records, and the records of a recipe in a skin that are cases to predict
/// (prediction, match and plan records), from JSON Lines, dispatching on `kind`; a record of
/// another kind is an InputError. Like LabRecordReader: a bad line throws InputError at name:line and is
/// consumed, so the caller can report it and go on.
class SMPSHADE_API OutcomeReader {
 public:
  OutcomeReader(std::istream& in, std::string name);
  bool next(Outcome& outcome);

 private:
  std::istream& in_;
  std::string name_;
  std::size_t line_number_ = 0;
};

/// The outcome record of `outcome` (D50): kind outcome, or prediction for a predicted case.
SMPSHADE_API Record outcome_record(const Outcome& outcome,
                                   RecordKind kind = RecordKind::Outcome);

/// How strongly the parameters depend on skin tone: log-linear in ITA (degrees), around
/// `reference_ita`. Fitted only where the outcomes span enough skin tones (smp-heal fit).
struct SkinToneTrend {
  bool fitted = false;
  double reference_ita = 30.0;
  double log_retention_per_10deg = 0;  ///< d ln(retention) per +10° ITA
  double log_filter_per_10deg = 0;     ///< d ln(filter) per +10° ITA
};

/// Standard errors of the fitted parameters (from the fit's curvature), in their own units; 0
/// when not fitted. Spreads, not parameter values: no parameter's range applies to them.
struct ParameterErrors {
  double retention = 0;
  double depth_mm = 0;
  double filter = 0;
};

/// A healing model: the physical defaults, or a clinic's fitted file (smpshade-healing(5)).
struct HealingModel {
  HealingParameters parameters;  ///< at the trend's reference ITA, with any learned correction
  ParameterErrors standard_error;
  SkinToneTrend trend;
  /// Prior spread of one client's ln(retention) around the clinic's: how far one client's own
  /// outcomes may pull the prediction (smp-heal predict --outcome).
  double client_spread = 0.35;
  /// ΔE00 an outcome is off once its client's own retention is known (measurement noise and
  /// what the model misses): how much one outcome of a client's counts. Fitted with the spread.
  std::optional<double> outcome_de00;
  int outcomes = 0;
  int clients = 0;
  double residual_mean_de00 = 0;
  double held_out_mean_de00 = 0;
  /// The held-out mean ΔE00 of the physics alone, when a learned correction was kept on top of it
  /// (what the correction gained).
  std::optional<double> held_out_physics_mean_de00;
  /// ΔE00 radius holding 90 % of held-out outcomes: the uncertainty quoted with predictions.
  std::optional<double> held_out_p90_de00;
  std::string held_out_method;  ///< "leave-one-out" or "5-fold"
  std::string catalog;          ///< the catalogue ids it was fitted with (informative)
  std::string source = "defaults";  ///< the file it was read from, or "defaults"

  /// The parameters for a client of skin colour `skin` (the trend applied).
  SMPSHADE_API HealingParameters parameters_for(const Lab& skin) const;
  /// "defaults (not fitted)" or "clinic.yaml (31 outcomes)", for records and reports.
  SMPSHADE_API std::string describe() const;
};

/// Reads a healing model file (YAML, smpshade-healing(5)); throws InputError at file:line:col.
SMPSHADE_API HealingModel read_healing_model(const std::string& path);
/// Writes `model` as YAML.
SMPSHADE_API void write_healing_model(std::ostream& out, const HealingModel& model);

/// How one outcome fares under a fitted model.
struct OutcomeFit {
  std::string id, client;
  Lab healed, predicted, held_out_predicted;
  double de00 = 0;           ///< fitted model against the healed colour
  double held_out_de00 = 0;  ///< the model fitted without this outcome (or its fold)
  double default_de00 = 0;   ///< the unfitted physical defaults
  double ita = 0;            ///< the skin's ITA
};

/// The fit record (kind fit) of one outcome: its healed colour, the fitted prediction and ΔE00,
/// the held-out prediction and ΔE00, and the unfitted defaults' ΔE00.
SMPSHADE_API Record fit_record(const OutcomeFit& fit);

/// The result of smp-heal fit.
struct HealingFit {
  HealingModel model;
  std::vector<OutcomeFit> outcomes;
  /// What the fit did beyond the three parameters, in words: the skin-tone trend, a learned
  /// correction and why, a parameter at its bound and what that means.
  std::vector<std::string> notes;
  std::vector<std::string> warnings;  ///< too few outcomes, skin tones not covered, ...
  std::vector<InputError> skipped;    ///< outcomes left out, each at its line
};

/// Fits the healing parameters (ln retention, ln depth, ln filter; and the skin-tone trend when
/// the outcomes span at least kTrendItaSpan degrees of ITA with kTrendMinOutcomes outcomes and
/// it predicts held-out outcomes better) by Levenberg–Marquardt on the outcomes' CIEDE2000
/// (dL, dC, dH) terms, with a weak prior toward the physical defaults; then, from
/// kCorrectionMinOutcomes outcomes on, a HealedCorrection on top (ridge regression of what the
/// physics leaves, its strength chosen by held-out ΔE00), kept only when it predicts held-out
/// outcomes better by kCorrectionGain. Held-out ΔE00: leave-one-out up to 60 outcomes, 5-fold
/// beyond, each fold refitting everything. Outcomes that name an ink the catalogues lack, or have
/// no healed colour, are skipped (HealingFit::skipped); ArgumentError when none is left.
/// `threads`: 0 for every core.
SMPSHADE_API HealingFit fit_healing_model(const std::vector<Outcome>& outcomes,
                                          const Matcher& matcher, int threads = 0);
inline constexpr double kTrendItaSpan = 30.0;
inline constexpr int kTrendMinOutcomes = 20;
inline constexpr int kCorrectionMinOutcomes = 30;
inline constexpr double kCorrectionGain = 0.05;

/// What the user set by hand over the model (smp-match --retention): each applied once, last.
struct HealingOverrides {
  std::optional<double> retention;
};

/// The healing parameters chosen for one client, and how they were chosen.
struct ClientHealing {
  HealingParameters parameters;
  std::size_t own_outcomes = 0;  ///< the client's own outcomes that refined them
  std::string client;            ///< whose outcomes were used ("" when none)
  /// "clinic.yaml (31 outcomes), refined by 2 own outcomes of c9, retention set": for records.
  std::string describe;
};

/// The one rule every tool uses (smp-match, smp-heal predict, smp-report) to choose a client's
/// healing parameters: the clinic model's for their skin; refined by that client's own outcomes
/// only, those whose `client` is the client's (a case that names no client takes the outcomes
/// when they are all one client's, else none); then the overrides, each once. The outcomes are
/// indexed by client once, so that many cases cost what their own outcomes cost.
class SMPSHADE_API HealingChooser {
 public:
  HealingChooser(HealingModel model, std::vector<Outcome> outcomes, HealingOverrides overrides,
                 const Matcher& matcher);
  ClientHealing choose(const std::string& client, const Lab& skin) const;
  const HealingModel& model() const { return model_; }

 private:
  HealingModel model_;
  std::vector<Outcome> outcomes_;
  std::map<std::string, std::vector<std::size_t>> by_client_;
  HealingOverrides overrides_;
  const Matcher& matcher_;
};

/// The parameters for one client: the clinic model's for their skin, with ln(retention) pulled
/// toward what the client's own `outcomes` (healed earlier sessions) show, by maximum a
/// posteriori: Σ ΔE00² / σ² + (ln m)² / client_spread², σ the model's outcome_de00 (else its
/// held-out mean ΔE00; 1.5 for the defaults). With no outcome, the clinic's parameters.
SMPSHADE_API HealingParameters client_parameters(const HealingModel& model, const Lab& skin,
                                                 const std::vector<Outcome>& outcomes,
                                                 const Matcher& matcher);

/// The next session's plan for a client whose earlier session healed: the refined match's rank 1
/// (`refined`, matched with the client's own parameters) at full strength and its density, with
/// the latest of the client's `own` outcomes: what the clinic's model predicted it to heal to
/// (unrefined) and what it did, and the retention before and after the refinement. Its session
/// is the latest outcome's plus one (2 when the outcomes do not say).
SMPSHADE_API SessionPlan plan_next_session(const Matcher& matcher, const MatchResult& refined,
                                           const std::vector<Outcome>& own,
                                           const HealingModel& model);

}  // namespace smpshade
