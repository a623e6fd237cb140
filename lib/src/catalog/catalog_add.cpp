// One new ink added to a supplier's catalogue file (`smp-catalog import --into`): the ladder is
// read against the catalogue's own measurement, and the pigment's YAML appended to the file's
// text, so that its comments, order and layout stay as the supplier wrote them.
#include <algorithm>
#include <cctype>

#include "catalog/internal.hpp"
#include "core/read_text.hpp"
#include "smpshade/catalog_io.hpp"

namespace smpshade {

namespace {

struct Line {
  std::size_t begin = 0;  // offset in the text
  std::string_view text;
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back({at, text.substr(at, end - at)});
    at = end + 1;
  }
  return lines;
}

bool blank_or_comment(std::string_view line) {
  const auto first = line.find_first_not_of(" \t\r");
  return first == std::string_view::npos || line[first] == '#';
}

// A top-level mapping key's line: it starts in column 1 with neither '#', '-', ' ' nor a YAML
// marker ("---", "...").
bool top_level_key(std::string_view line) {
  if (line.empty() || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == '-' ||
      line[0] == '\r') {
    return false;
  }
  return line.rfind("...", 0) != 0;
}

// Where the pigment's text can go: after the last line of the file when `pigments:` is its last
// top-level key holding a block list (or there is no `pigments` yet); with the indent of that
// list's items. Returns the reason when the text cannot be appended to.
struct AppendPlan {
  bool possible = false;
  bool needs_key = false;  // no `pigments:` yet
  std::string indent = "  ";
  std::string why_not;
};

AppendPlan plan_append(std::string_view text) {
  AppendPlan plan;
  const auto lines = split_lines(text);
  std::optional<std::size_t> last_key, pigments_key;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i].text;
    if (line.rfind("---", 0) == 0 && i > 0) {
      plan.why_not = "the file has a document marker ('---') after its start";
      return plan;
    }
    if (line.rfind("...", 0) == 0) {
      plan.why_not = "the file has a document end marker ('...')";
      return plan;
    }
    if (!top_level_key(line)) continue;
    last_key = i;
    if (line.rfind("pigments:", 0) == 0) pigments_key = i;
  }
  if (!pigments_key) {
    plan.possible = true;
    plan.needs_key = true;
    return plan;
  }
  if (*pigments_key != *last_key) {
    plan.why_not = "'pigments' is not the file's last top-level key";
    return plan;
  }
  const std::string_view rest = lines[*pigments_key].text.substr(9);
  if (!blank_or_comment(rest)) {
    plan.why_not = "'pigments' is written in flow style ([...]) on one line";
    return plan;
  }
  for (std::size_t i = *pigments_key + 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i].text;
    if (blank_or_comment(line)) continue;
    const auto first = line.find_first_not_of(' ');
    if (first == std::string_view::npos || line[first] != '-') {
      plan.why_not = "the 'pigments' list starts with something other than '- '";
      return plan;
    }
    plan.indent = std::string(first, ' ');
    plan.possible = true;
    return plan;
  }
  plan.why_not = "'pigments' has no items to line the new one up with";
  return plan;
}

// The merged text must be a catalogue lint calls clean of errors, holding the new pigment.
void check_addition(const std::string& yaml, const std::string& catalog_path,
                    const CgatsImportOptions& options, const Catalog& before, const Pigment& added) {
  detail::DiagnosticSink sink;
  const Catalog after = detail::check_catalog_text(yaml, catalog_path, sink, {"", options.limits});
  for (const Diagnostic& d : sink.diagnostics()) {
    if (d.severity == Severity::Error) {
      throw InputError("adding '" + added.id + "' would leave the catalogue with an error: " +
                           d.where.str() + ": " + d.message + " [" + d.rule + "]; nothing written",
                       Location{catalog_path});
    }
  }
  const bool found = std::any_of(after.pigments.begin(), after.pigments.end(),
                                 [&](const Pigment& p) { return p.id == added.id; });
  if (!found || after.pigments.size() != before.pigments.size() + 1) {
    throw InputError("the catalogue with '" + added.id + "' appended does not read back as one "
                     "more pigment; nothing written",
                     Location{catalog_path});
  }
}

}  // namespace

CatalogAddition add_cgats_to_catalog(const std::string& cgats_path, const std::string& catalog_path,
                                     CgatsImportOptions options) {
  const std::string text = detail::read_at_most(catalog_path, options.limits.max_file_bytes);
  if (text.size() > options.limits.max_file_bytes) {
    throw InputError("the catalogue is larger than the file size limit", Location{catalog_path});
  }
  const Catalog target = load_catalog_text(text, catalog_path, options.limits);
  if (!options.supplier.empty() && options.supplier != target.supplier) {
    throw ArgumentError("'" + options.supplier + "' is not the catalogue's supplier ('" +
                            target.supplier + "'); leave it out with --into",
                        "supplier");
  }
  const auto existing = std::find_if(target.pigments.begin(), target.pigments.end(),
                                     [&](const Pigment& p) { return p.id == options.id; });
  if (existing != target.pigments.end()) {
    throw InputError("already has a pigment '" + options.id + "' (line " +
                         std::to_string(existing->where.line) +
                         "): give the new ink another id, or edit that one",
                     Location{catalog_path});
  }
  options.into = &target;
  const Catalog imported = import_cgats(cgats_path, options);
  const Pigment& pigment = imported.pigments.front();

  CatalogAddition addition;
  const AppendPlan plan = plan_append(text);
  if (plan.possible) {
    addition.yaml = text;
    if (!addition.yaml.empty() && addition.yaml.back() != '\n') addition.yaml += '\n';
    if (plan.needs_key) addition.yaml += "pigments:\n";
    addition.yaml += pigment_to_yaml(pigment, plan.indent);
  } else {
    Catalog merged = target;
    merged.pigments.push_back(pigment);
    addition.yaml = catalog_to_yaml(merged);
    addition.reformatted = true;
    addition.why_reformatted = plan.why_not;
  }
  check_addition(addition.yaml, catalog_path, options, target, pigment);
  return addition;
}

}  // namespace smpshade
