// The report's content: the pipe's records read by their kind and gathered per client, as the
// records say; nothing recomputed (report.hpp).
#include "report.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <istream>
#include <map>
#include <sstream>

namespace smpshade::report {
namespace {

// One Lab line as the library's reader reads it, at its own line.
bool read_measured(const std::string& line, const Location& where, LabEntry& entry) {
  std::istringstream one(line);
  LabRecordReader reader(one, where.file);
  try {
    if (!reader.next(entry)) return false;
  } catch (const InputError& e) {
    throw InputError(e.message(), Location{where.file, where.line, e.where().column});
  }
  entry.where = where;
  return true;
}

Outcome read_outcome_line(const std::string& line, const Location& where) {
  std::istringstream one(line);
  OutcomeReader reader(one, where.file);
  Outcome outcome;
  try {
    reader.next(outcome);
  } catch (const InputError& e) {
    throw InputError(e.message(), Location{where.file, where.line, e.where().column});
  }
  outcome.where = where;
  return outcome;
}

std::string text_of(const Record& r, std::string_view key) {
  const FieldValue* v = r.find(key);
  if (const auto* s = v ? std::get_if<std::string>(v) : nullptr) return *s;
  return "";
}

std::string stem_of(const std::string& path) {
  std::string stem = path.substr(path.find_last_of('/') + 1);
  const auto dot = stem.find_last_of('.');
  if (dot != std::string::npos && dot > 0) stem.erase(dot);
  return stem;
}

// Whose a record is: its client; else its photo's stem; else the one unnamed client.
std::string owner(const std::string& client, const std::string& source) {
  if (!client.empty()) return client;
  if (!source.empty() && source != "-") return stem_of(source);
  return "";
}

ClientShown& client_named(std::vector<ClientShown>& clients, const std::string& name) {
  for (ClientShown& c : clients) {
    if (c.client == name) return c;
  }
  clients.push_back(ClientShown{});
  clients.back().client = name;
  return clients.back();
}

TargetShown& target_named(ClientShown& client, const std::string& id) {
  for (TargetShown& t : client.targets) {
    if (t.id == id) return t;
  }
  client.targets.push_back(TargetShown{});
  client.targets.back().id = id;
  return client.targets.back();
}

// The --photo for a client: one whose stem is the client's last path component (photos of a
// client folder are named after it), else the only one given.
std::string photo_for(const ClientShown& client, const std::vector<std::string>& photos) {
  const std::string last = client.client.substr(client.client.find_last_of('/') + 1);
  for (const std::string& p : photos) {
    if (stem_of(p) == last) return p;
  }
  if (photos.size() == 1) return photos.front();
  return client.photo;
}

// `path` made absolute and with its links resolved (realpath), or "" when it does not exist.
std::string resolved(const std::string& path) {
  char buffer[PATH_MAX];
  if (!::realpath(path.c_str(), buffer)) return "";
  return buffer;
}

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

bool inside(const std::string& path, const std::string& root) {
  if (root.empty()) return false;
  if (root == "/") return true;
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         path[root.size()] == '/';
}

}  // namespace

void read_report_records(std::istream& in, const std::string& name, ReportInput& into,
                         const std::function<void(const InputError&)>& on_error) {
  into.record_files.push_back(name);
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const Location where{name, number};
    try {
      if (line.size() > LabRecordReader::kMaxLineBytes) {
        throw InputError("line is longer than 1 MiB", where);
      }
      switch (record_kind(line, where)) {
        case RecordKind::Measurement:
        case RecordKind::LadderStep:
        case RecordKind::Patch: {
          Measured measured;
          if (!read_measured(line, where, measured.entry)) break;
          if (!measured.entry.id_given) measured.entry.id = std::to_string(number);
          if (auto fields = parse_record_line(line, where)) measured.fields = std::move(*fields);
          into.measured.push_back(std::move(measured));
          break;
        }
        case RecordKind::Match: {
          MatchEntry match;
          parse_match_record(line, where, match);
          into.matches.push_back(std::move(match));
          break;
        }
        case RecordKind::Plan:
          into.plans.push_back(parse_plan_record(line, where));
          break;
        case RecordKind::Outcome:
          into.outcomes.push_back(read_outcome_line(line, where));
          break;
        case RecordKind::Error: {
          const std::optional<Record> r = parse_record_line(line, where);
          if (!r) break;
          into.lost.push_back({text_of(*r, "id"), text_of(*r, "client"), text_of(*r, "source"),
                               text_of(*r, "stage"), text_of(*r, "message"), where});
          break;
        }
        default:
          break;  // predictions, fits, differences ...: not on a consultation page
      }
    } catch (const InputError& e) {
      on_error(e);
    }
  }
}

std::vector<ClientShown> gather_clients(ReportInput& input, const ReportOptions& options) {
  std::vector<LabEntry> entries;
  for (const Measured& m : input.measured) entries.push_back(m.entry);
  const SkinPairing pairing = pair_skin(entries, White::D50);
  std::vector<ClientShown> clients;
  for (std::size_t i = 0; i < input.measured.size(); ++i) {
    Measured& m = input.measured[i];
    m.is_skin = pairing.is_skin[i];
    ClientShown& client = client_named(clients, owner(m.entry.client, m.entry.source));
    client.measured.push_back(&m);
    if (client.photo.empty() && !m.entry.source.empty() && m.entry.source != "-") {
      client.photo = m.entry.source;
      client.photo_record = m.entry.where.str() + " ('" + m.entry.id + "')";
    }
    if (pairing.is_skin[i]) continue;
    TargetShown& t = target_named(client, m.entry.id);
    t.target = adapt_lab(m.entry.lab, m.entry.white, White::D50);
    t.skin = pairing.skin[i];
    t.measured = &m;
  }
  for (const MatchEntry& e : input.matches) {
    ClientShown& client = client_named(clients, owner(e.client, e.source));
    if (client.photo.empty() && !e.source.empty()) {
      client.photo = e.source;
      client.photo_record = e.where.str() + " ('" + e.id + "')";
    }
    TargetShown& t = target_named(client, e.id);
    if (t.recipes.empty()) {
      t.target = adapt_lab(e.target, e.white, White::D50);
      if (e.skin) t.skin = adapt_lab(*e.skin, e.white, White::D50);
    }
    t.recipes.push_back(e);
  }
  for (const PlanEntry& p : input.plans) {
    TargetShown& t = target_named(client_named(clients, owner(p.who.client, p.who.source)), p.who.id);
    if (t.recipes.empty() && !t.measured) {
      t.target = adapt_lab(p.target, p.white, White::D50);
      if (p.skin) t.skin = adapt_lab(*p.skin, p.white, White::D50);
    }
    t.plans.push_back(p);
  }
  for (const Outcome& o : input.outcomes) client_named(clients, o.client).outcomes.push_back(&o);
  for (const Lost& l : input.lost) client_named(clients, owner(l.client, l.source)).lost.push_back(&l);
  for (ClientShown& client : clients) {
    client.photo = photo_for(client, options.photos);
    for (TargetShown& t : client.targets) {
      std::stable_sort(t.recipes.begin(), t.recipes.end(),
                       [](const MatchEntry& a, const MatchEntry& b) { return a.rank < b.rank; });
      std::stable_sort(t.plans.begin(), t.plans.end(),
                       [](const PlanEntry& a, const PlanEntry& b) { return a.session < b.session; });
    }
  }
  return clients;
}

std::string photo_refusal(const std::string& path, const ReportInput& input,
                          const ReportOptions& options) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "no such file";
  if (!S_ISREG(info.st_mode)) return "not a regular file (a device, pipe or folder is never read)";
  if (static_cast<std::uint64_t>(info.st_size) > options.max_photo_bytes) {
    return "larger than the photo limit (--max-photo-bytes " +
           std::to_string(options.max_photo_bytes) + ")";
  }
  // The folders a photo may come from: the record files' (the working folder for standard
  // input, where a pipe's relative sources point), the --photo files' and --photo-root's.
  std::vector<std::string> roots;
  for (const std::string& file : input.record_files) {
    roots.push_back(resolved(file == "-" ? "." : folder_of(file)));
  }
  for (const std::string& photo : options.photos) roots.push_back(resolved(folder_of(photo)));
  for (const std::string& root : options.photo_roots) roots.push_back(resolved(root));
  const std::string real = resolved(path);
  if (std::none_of(roots.begin(), roots.end(),
                   [&](const std::string& root) { return inside(real, root); })) {
    return "outside the folders photos are read from (the record files' folders, --photo's "
           "and --photo-root's)";
  }
  return "";
}

}  // namespace smpshade::report
