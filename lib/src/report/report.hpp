#pragma once
/// @file report.hpp
/// smp-report's consultation report (smp-report(1)): the pipe's records (Lab, match and outcome
/// records) and the photos they came from, gathered per client, and written as one
/// self-contained HTML page: inline CSS, images as data URIs, no script, nothing fetched.
/// Built as the static library smpshade_report above match/, heal/ and render/ (its colours go
/// Lab → sRGB through render's SrgbCoder, its scalp patches are render's), linked only by
/// smp-report.

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "smpshade/heal.hpp"
#include "smpshade/match.hpp"
#include "smpshade/records.hpp"

namespace smpshade::report {

/// A Lab record as smp-measure wrote it: what every tool reads, and every field it carries.
struct Measured {
  LabEntry entry;
  Record fields;
  bool is_skin = false;  ///< a scalp record (smp-match's pairing)
};

/// What the pipe gave: records of each kind in input order.
struct ReportInput {
  std::vector<Measured> measured;
  std::vector<MatchEntry> matches;
  std::vector<Outcome> outcomes;
};

/// Reads every record of `in` (JSON Lines, or `L a b` text lines as Lab records): a JSON object
/// with `healed`, `skin` and `recipe` and no `target` is an outcome record, one with `recipe` or
/// `predicted` a match record, else a Lab record. A bad line goes to `on_error` and is skipped.
void read_report_records(std::istream& in, const std::string& name, ReportInput& into,
                         const std::function<void(const InputError&)>& on_error);

/// How the report is made.
struct ReportOptions {
  std::string title = "SMP consultation";
  std::vector<std::string> photos;  ///< --photo: by client (file stem), or the one for all
  int photo_width = 640;            ///< the photo is downscaled to at most this width
  double coverage = 0.25;           ///< simulated scalp of a recipe matched dot for dot
  MatchOptions match;               ///< for targets without match records, and session 2
  HealingModel model;               ///< the healing model predictions use (and its uncertainty)
};

/// Session 1, lighter and sparser than the match (smp-report(1), THE SESSION PLAN): the same
/// inks with a third more diluent (ink at 3/4 of session 2's share of the cup), at 70 % of the
/// planned density.
inline constexpr double kSessionOneStrength = 0.75;
inline constexpr double kSessionOneDensity = 0.7;

/// One proposed recipe as shown.
struct RecipeShown {
  MatchEntry entry;                   ///< from the match record, parts named
  std::optional<double> uncertainty;  ///< the fitted model's 90 % held-out ΔE00
};

/// A healed session-1 outcome of this client, and the session-2 recipe it corrects.
struct Correction {
  Outcome outcome;
  Lab planned;          ///< what the clinic's model predicted for it
  double planned_de00;  ///< planned against healed
  double retention_before = 0, retention_after = 0;
  std::optional<Recipe> corrected;  ///< rank 1 with the client's refined parameters
  std::string target_id;
};

/// One hair target, its recipes and session plan.
struct TargetShown {
  std::string id;
  Lab target;
  std::optional<Lab> skin;
  const Measured* measured = nullptr;  ///< its Lab record, when the input had it
  std::vector<RecipeShown> recipes;
  std::vector<RecipePart> session_one;  ///< empty without recipes
  Lab session_one_predicted;
  std::optional<double> session_one_density;
  std::optional<Correction> correction;
};

/// Everything about one client: a photo, its measurements, its targets.
struct ClientShown {
  std::string client;  ///< the ids' part before the first '/'
  std::string photo;   ///< the photo file, "" when unknown
  std::vector<const Measured*> measured;
  std::vector<TargetShown> targets;
};

/// Groups the input per client, names recipe parts from the matcher's catalogue, matches Lab
/// targets that came without match records, plans session 1 and, with outcome records of a
/// client, compares them with what was planned and corrects session 2. `warn` hears of what
/// was left out (an outcome naming an unknown ink).
std::vector<ClientShown> gather_clients(ReportInput& input, const Matcher& matcher,
                                        const ReportOptions& options,
                                        const std::function<void(const std::string&)>& warn);

/// The page. Photos are read from disk (a photo that cannot be read is said so on the page
/// and to `warn`, and the report goes on). Every text from the input is HTML-escaped.
std::string consultation_html(const std::vector<ClientShown>& clients, const ReportOptions& options,
                              const std::function<void(const std::string&)>& warn);

/// `text` safe inside HTML text and attribute values: & < > " ' escaped.
std::string html_escape(const std::string& text);

/// Bytes as base64 (RFC 4648), for data URIs.
std::string base64(const std::vector<unsigned char>& bytes);

}  // namespace smpshade::report
