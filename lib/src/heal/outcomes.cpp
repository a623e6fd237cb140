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
  o.client = detail::text_field(json, "client", where);
  if (o.client.empty()) o.client = o.id.substr(0, o.id.find('/'));
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
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    outcome = Outcome{};
    outcome.where = where;
    read_outcome(line, where, outcome);
    return true;
  }
  if (in_.bad()) throw IoError("read error", Location{name_});
  return false;
}

Record outcome_record(const Outcome& o) {
  std::vector<Record> parts;
  for (const RecipePart& part : o.recipe) {
    Record p;
    p.set("id", part.id).set("kind", part.is_diluent ? "diluent" : "pigment").set("parts", part.parts);
    parts.push_back(std::move(p));
  }
  Record r;
  r.set("id", o.id).set("client", o.client).set("skin", o.skin).set("recipe", std::move(parts));
  if (o.healed) r.set("healed", *o.healed);
  if (o.weeks) r.set("weeks", *o.weeks);
  r.set("white", "D50");
  return r;
}

}  // namespace smpshade
