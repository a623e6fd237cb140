// Outcome records (smpshade-records(5)): read from JSON Lines, written as records.
#include <istream>

#include "formats/records/internal.hpp"
#include "smpshade/heal.hpp"

namespace smpshade {

OutcomeReader::OutcomeReader(std::istream& in, std::string name)
    : in_(in), name_(std::move(name)) {}

namespace {

void read_outcome(std::string_view text, const Location& where, Outcome& o) {
  const detail::Json json = detail::parse_record_object(text, where);
  const White white = detail::white_field(json, where);
  o.id = detail::text_field(json, "id", where);
  if (o.id.empty()) o.id = std::to_string(where.line);
  // Whose it is: the record says; an id is never sliced to find out.
  o.client = detail::text_field(json, "client", where);
  o.part = detail::text_field(json, "part", where);
  if (auto session = detail::number_field(json, "session", where, 1, 1000, false)) {
    o.session = static_cast<int>(*session);
  }
  o.skin = adapt_lab(*detail::lab_field(json, "skin", where, true), white, White::D50);
  o.recipe = detail::recipe_field(json, "recipe", where);
  if (auto healed = detail::lab_field(json, "healed", where, false)) {
    o.healed = adapt_lab(*healed, white, White::D50);
  }
  o.weeks = detail::number_field(json, "weeks", where, 0, 1000, false);
}

}  // namespace

bool OutcomeReader::next(Outcome& outcome) {
  std::string line;
  bool too_long = false;
  while (detail::read_bounded_line(in_, line, LabRecordReader::kMaxLineBytes, too_long)) {
    ++line_number_;
    const Location where{name_, line_number_};
    if (too_long) throw InputError("line is longer than 1 MiB", where);
    if (line_number_ == 1) detail::skip_byte_order_mark(line);
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    // Cases are records of a recipe in a skin: outcomes and predictions, and the match and plan
    // records they come from; other kinds are not.
    const RecordKind kind = record_kind(line, where);
    if (kind != RecordKind::Outcome && kind != RecordKind::Prediction &&
        kind != RecordKind::Match && kind != RecordKind::Plan) {
      throw InputError(std::string("a ") + kind_name(kind) +
                           " record is not an outcome: no recipe tattooed in a skin",
                       where);
    }
    outcome = Outcome{};
    outcome.where = where;
    read_outcome(line, where, outcome);
    return true;
  }
  if (in_.bad()) throw IoError("read error", Location{name_});
  return false;
}

Record outcome_record(const Outcome& o, RecordKind kind) {
  std::vector<Record> parts;
  for (const RecipePart& part : o.recipe) {
    Record p;
    p.set("id", part.id);
    if (!part.name.empty()) p.set("name", part.name);
    p.set("kind", part.is_diluent ? "diluent" : "pigment").set("parts", part.parts);
    parts.push_back(std::move(p));
  }
  Record r(kind);
  set_identity(r, {o.id, o.client, o.part, o.session, {}});
  r.set("skin", o.skin).set("recipe", std::move(parts));
  if (o.healed) r.set("healed", *o.healed);
  if (o.weeks) r.set("weeks", *o.weeks);
  r.set("white", "D50");
  return r;
}

Record fit_record(const OutcomeFit& f) {
  Record r(RecordKind::Fit);
  r.set("id", f.id);
  if (!f.client.empty()) r.set("client", f.client);
  r.set("ita", f.ita)
      .set("healed", f.healed)
      .set("predicted", f.predicted)
      .set("de00", f.de00)
      .set("held_out", f.held_out_predicted)
      .set("held_out_de00", f.held_out_de00)
      .set("default_de00", f.default_de00)
      .set("white", "D50");
  return r;
}

}  // namespace smpshade
