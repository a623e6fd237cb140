// The kinds of record (smpshade-records(5), KINDS): their names, and the kind of a line, read
// from its `kind` field alone.
#include <array>
#include <utility>

#include "formats/records/internal.hpp"
#include "smpshade/records.hpp"

namespace smpshade {

namespace {

constexpr std::array<std::pair<RecordKind, const char*>, 14> kKinds{{
    {RecordKind::Measurement, "measurement"},
    {RecordKind::LadderStep, "ladder-step"},
    {RecordKind::Patch, "patch"},
    {RecordKind::Match, "match"},
    {RecordKind::Plan, "plan"},
    {RecordKind::Outcome, "outcome"},
    {RecordKind::Prediction, "prediction"},
    {RecordKind::Fit, "fit"},
    {RecordKind::Difference, "difference"},
    {RecordKind::Calibration, "calibration"},
    {RecordKind::Pigment, "pigment"},
    {RecordKind::Diagnostic, "diagnostic"},
    {RecordKind::Swatch, "swatch"},
    {RecordKind::Error, "error"},
}};

}  // namespace

const char* kind_name(RecordKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "measurement";
}

std::optional<RecordKind> kind_from_name(std::string_view name) {
  for (const auto& [k, known] : kKinds) {
    if (name == known) return k;
  }
  return std::nullopt;
}

bool carries_lab(RecordKind kind) {
  return kind == RecordKind::Measurement || kind == RecordKind::LadderStep ||
         kind == RecordKind::Patch;
}

RecordKind record_kind(std::string_view line, const Location& where) {
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos || line[first] != '{') return RecordKind::Measurement;
  const detail::Json json = detail::parse_record_object(line, where);
  const auto kind = json.find("kind");
  if (kind == json.end() || kind->is_null()) return RecordKind::Measurement;
  if (!kind->is_string()) throw InputError("'kind' must be a string", where);
  const std::string name = kind->get<std::string>();
  if (auto known = kind_from_name(name)) return *known;
  std::string names;
  for (const auto& [k, n] : kKinds) names += std::string(names.empty() ? "" : ", ") + n;
  throw InputError("unknown kind '" + printable(name) + "' (this version reads " + names + ")",
                   where);
}

RecordIdentity identity_of(const LabEntry& entry) {
  return {entry.id, entry.client, entry.part, entry.session,
          entry.source == "-" ? std::string() : entry.source};
}

void set_identity(Record& record, const RecordIdentity& identity) {
  record.set("id", identity.id);
  if (!identity.client.empty()) record.set("client", identity.client);
  if (!identity.part.empty()) record.set("part", identity.part);
  if (identity.session) record.set("session", *identity.session);
  if (!identity.source.empty()) record.set("source", identity.source);
}

Record error_record(const std::string& source, const std::string& client, const std::string& stage,
                    const Error& error) {
  Record r(RecordKind::Error);
  r.set("id", client.empty() ? source : client);
  if (!client.empty()) r.set("client", client);
  r.set("source", source).set("stage", stage).set("message", error.message());
  if (!error.where().file.empty()) r.set("where", error.where().str());
  return r;
}

}  // namespace smpshade
