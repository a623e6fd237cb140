#pragma once
/// @file report.hpp
/// smp-report's consultation report (smp-report(1)): the pipe's records (measurement, match,
/// plan, outcome and error records) and the photos they came from, gathered per client, and
/// written as one self-contained HTML page: inline CSS, images as data URIs, no script, nothing
/// fetched. The report reads and never recomputes: what it shows, a tool upstream wrote (smp-match
/// its recipes and the session plan, smp-heal the outcomes), so the same records give the same
/// page, and no catalogue or healing model is needed. Built as the static library
/// smpshade_report above render/ (its colours go Lab → sRGB through render's SrgbCoder, its scalp
/// patches are render's), linked only by smp-report.

#include <cstdint>
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

/// An input a batch could not use (an error record), as the page lists it.
struct Lost {
  std::string id, client, source, stage, message;
  Location where;
};

/// What the pipe gave: records of each kind in input order.
struct ReportInput {
  std::vector<Measured> measured;
  std::vector<MatchEntry> matches;
  std::vector<PlanEntry> plans;
  std::vector<Outcome> outcomes;
  std::vector<Lost> lost;
  std::vector<std::string> record_files;  ///< the files the records came from ("-": stdin)
};

/// Reads every record of `in`, dispatching on its kind (smpshade-records(5)): measurements (and
/// `L a b` text lines), match, plan, outcome and error records; other kinds are not shown. A bad
/// line goes to `on_error` and is skipped: one odd record never costs the rest.
void read_report_records(std::istream& in, const std::string& name, ReportInput& into,
                         const std::function<void(const InputError&)>& on_error);

/// How the report is made.
struct ReportOptions {
  std::string title = "SMP consultation";
  std::vector<std::string> photos;  ///< --photo: by client (file stem), or the one for all
  /// Folders photos may be read from besides those of the record files and of --photo
  /// (--photo-root): a record's `source` outside all of them is not opened.
  std::vector<std::string> photo_roots;
  std::uint64_t max_photo_bytes = 64u << 20;  ///< a photo file larger is not read
  int photo_width = 640;            ///< the photo is downscaled to at most this width
  double coverage = 0.25;           ///< simulated scalp of a recipe matched dot for dot
};

/// One hair target: its recipes (match records) and its session plans (plan records).
struct TargetShown {
  std::string id;
  Lab target;
  std::optional<Lab> skin;
  const Measured* measured = nullptr;  ///< its measurement, when the input had it
  std::vector<MatchEntry> recipes;
  std::vector<PlanEntry> plans;  ///< by session
};

/// Everything about one client: a photo, its measurements, its targets, its outcomes.
struct ClientShown {
  std::string client;  ///< the records' `client`
  std::string photo;   ///< the photo file, "" when unknown
  std::string photo_record;  ///< the record that named the photo (for messages)
  std::vector<const Measured*> measured;
  std::vector<TargetShown> targets;
  std::vector<const Outcome*> outcomes;
  std::vector<const Lost*> lost;
};

/// Groups the input per client (the records' `client`; a record that names none is its photo's,
/// else of one unnamed client), pairs skin with hair (as smp-match does) and joins each target's
/// match and plan records. Nothing is computed that the records do not say.
/// Marks each measurement that is skin (Measured::is_skin).
std::vector<ClientShown> gather_clients(ReportInput& input, const ReportOptions& options);

/// The page. Photos are read from disk only when they are allowed (report_photo.cpp): a photo
/// refused or unreadable is said so on the page and to `warn`, and the report goes on. Every text
/// from the input is HTML-escaped.
std::string consultation_html(const std::vector<ClientShown>& clients, const ReportInput& input,
                              const ReportOptions& options,
                              const std::function<void(const std::string&)>& warn);

/// Why the photo at `path`, named by `record`, may not be read (smp-report(1), SECURITY): not a
/// regular file, larger than the limit, or outside the allowed folders; "" when it may.
std::string photo_refusal(const std::string& path, const ReportInput& input,
                          const ReportOptions& options);

/// `text` safe inside HTML text and attribute values: & < > " ' escaped.
std::string html_escape(const std::string& text);

/// Bytes as base64 (RFC 4648), for data URIs.
std::string base64(const std::vector<unsigned char>& bytes);

}  // namespace smpshade::report
