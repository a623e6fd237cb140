#include "smpshade/catalog.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>

#include "catalog/internal.hpp"
#include "smpshade/catalog_lint.hpp"

namespace smpshade {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Loading

Catalog load_catalog(const std::string& path, const CatalogLimits& limits) {
  detail::DiagnosticSink sink;
  Catalog catalog = detail::check_catalog_file(path, sink, {"", limits});
  sink.throw_first_error();
  return catalog;
}

Catalog load_catalog_text(std::string_view text, const std::string& name,
                          const CatalogLimits& limits) {
  detail::DiagnosticSink sink;
  Catalog catalog = detail::check_catalog_text(text, name, sink, {"", limits});
  sink.throw_first_error();
  return catalog;
}

std::vector<std::string> catalog_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      const std::string extension = entry.path().extension().string();
      if ((extension == ".yaml" || extension == ".yml") && !entry.is_directory(ec)) {
        found.push_back(entry.path().string());
      }
    }
    if (ec) throw IoError("cannot read the folder: " + ec.message(), Location{path});
    if (found.empty())
      throw IoError("no *.yaml or *.yml catalogue files in this folder", Location{path});
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::vector<Catalog> load_catalogs(const std::vector<std::string>& paths,
                                   const CatalogLimits& limits) {
  std::vector<Catalog> catalogs;
  for (const std::string& file : catalog_files(paths)) {
    catalogs.push_back(load_catalog(file, limits));
  }
  check_unique_ids(catalogs);
  return catalogs;
}

void check_unique_ids(const std::vector<Catalog>& catalogs) {
  std::map<std::string_view, const Pigment*> seen;
  for (const Catalog& catalog : catalogs) {
    for (const Pigment& pigment : catalog.pigments) {
      const auto [it, inserted] = seen.emplace(pigment.id, &pigment);
      if (!inserted) {
        throw InputError("pigment id '" + pigment.id + "' is already used by the pigment at " +
                             it->second->where.str(),
                         pigment.where);
      }
    }
  }
}

const Pigment* find_pigment(const std::vector<Catalog>& catalogs, std::string_view id,
                            const Catalog** catalog) {
  for (const Catalog& c : catalogs) {
    for (const Pigment& p : c.pigments) {
      if (p.id == id) {
        if (catalog) *catalog = &c;
        return &p;
      }
    }
  }
  return nullptr;
}

Lab measured_lab(const MeasuredColour& colour, const Measurement& measurement) {
  if (colour.lab) return *colour.lab;
  if (colour.spectrum) {
    return lab_from_reflectance(*colour.spectrum, measurement.illuminant, measurement.observer);
  }
  throw InputError("no lab and no spectrum", colour.where);
}

std::string parts_ratio(double ink_parts, double diluent_parts) {
  auto part = [](double v) {
    char text[32];
    if (v == std::round(v) && std::fabs(v) < 1e9) {
      std::snprintf(text, sizeof text, "%.0f", v);
    } else {
      std::snprintf(text, sizeof text, "%.3f", v);
      std::string s = text;
      while (s.back() == '0') s.pop_back();
      return s;
    }
    return std::string(text);
  };
  return part(ink_parts) + ":" + part(diluent_parts);
}

// ---------------------------------------------------------------------------------------------
// Where catalogues are found

namespace {

std::vector<std::string> split_colons(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(':', start), text.size());
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// share/smpshade/pigments of the installation this library (or the running program) is part
// of: bin/../share, lib/../share and lib/<multiarch>/../../share.
std::optional<std::string> installed_pigments() {
  std::vector<fs::path> bases;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&installed_pigments), &info) != 0 && info.dli_fname) {
    bases.push_back(fs::path(info.dli_fname).parent_path());
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) bases.push_back(exe.parent_path());
  for (const fs::path& base : bases) {
    for (const fs::path& up : {base / "..", base / ".." / ".."}) {
      const fs::path candidate = up / "share" / "smpshade" / "pigments";
      if (fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> catalog_search_path(const std::vector<std::string>& explicit_paths) {
  if (!explicit_paths.empty()) return explicit_paths;
  if (const char* env = std::getenv("SMPSHADE_CATALOG")) {
    auto paths = split_colons(env);
    if (!paths.empty()) return paths;
  }
  if (auto installed = installed_pigments()) return {*installed};
  std::error_code ec;
  if (fs::is_directory("pigments", ec)) return {"pigments"};
  return {};
}

// ---------------------------------------------------------------------------------------------
// Lint

std::string_view severity_name(Severity severity) {
  return severity == Severity::Error ? "error" : "warning";
}

std::string Diagnostic::str() const {
  const std::string place = where.str();
  return (place.empty() ? "" : place + ": ") + std::string(severity_name(severity)) + ": " +
         message + " [" + rule + "]";
}

std::size_t LintResult::errors() const {
  return static_cast<std::size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(),
                    [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

std::size_t LintResult::warnings() const { return diagnostics.size() - errors(); }

namespace {

struct CheckedFile {
  Catalog catalog;
  detail::DiagnosticSink sink;
};

LintResult collect(std::deque<CheckedFile>& files) {
  std::vector<Catalog> catalogs;
  std::vector<detail::DiagnosticSink*> sinks;
  for (CheckedFile& f : files) {
    catalogs.push_back(f.catalog);
    sinks.push_back(&f.sink);
  }
  detail::check_duplicate_ids(catalogs, sinks);
  LintResult result;
  for (CheckedFile& f : files) {
    f.sink.sort_by_position();
    auto& d = f.sink.diagnostics();
    result.diagnostics.insert(result.diagnostics.end(), d.begin(), d.end());
  }
  result.files = files.size();
  return result;
}

detail::CheckOptions check_options(const LintOptions& options, const CatalogLimits& limits) {
  return {options.today.empty() ? detail::today_iso() : options.today, limits};
}

}  // namespace

LintResult lint_catalogs(const std::vector<std::string>& paths, const LintOptions& options,
                         const CatalogLimits& limits) {
  const detail::CheckOptions check = check_options(options, limits);
  std::deque<CheckedFile> files;
  for (const std::string& path : paths) {
    std::vector<std::string> expanded;
    try {
      expanded = catalog_files({path});
    } catch (const Error& e) {
      CheckedFile& f = files.emplace_back();
      f.catalog.file = path;
      f.sink.error("io", e.message(), e.where());
      continue;
    }
    for (const std::string& file : expanded) {
      CheckedFile& f = files.emplace_back();
      f.catalog = detail::check_catalog_file(file, f.sink, check);
    }
  }
  return collect(files);
}

LintResult lint_catalog_text(std::string_view text, const std::string& name,
                             const LintOptions& options, const CatalogLimits& limits) {
  std::deque<CheckedFile> files;
  CheckedFile& f = files.emplace_back();
  f.catalog = detail::check_catalog_text(text, name, f.sink, check_options(options, limits));
  return collect(files);
}

Record diagnostic_record(const Diagnostic& d) {
  Record record(RecordKind::Diagnostic);
  record.set("file", d.where.file)
      .set("line", d.where.line)
      .set("column", d.where.column)
      .set("severity", std::string(severity_name(d.severity)))
      .set("rule", d.rule)
      .set("message", d.message);
  return record;
}

const std::vector<LintRule>& lint_rules() {
  static const std::vector<LintRule> rules = {
      {"io", Severity::Error, "the file cannot be read"},
      {"yaml-syntax", Severity::Error, "not valid YAML, or more than one document"},
      {"yaml-limits", Severity::Error,
       "over 16 MiB, nesting deeper than 64, aliases expanding past 1e6 nodes, or over 1e6 nodes"},
      {"version", Severity::Error, "a 'catalog' format version other than 1"},
      {"required", Severity::Error, "a required key is missing or empty"},
      {"type", Severity::Error, "a value of the wrong kind (text, number, list, map, true/false)"},
      {"value", Severity::Error,
       "a value outside its domain (illuminant, observer, parts, date...)"},
      {"unknown-key", Severity::Error, "a key the format does not have (with a 'did you mean')"},
      {"duplicate-key", Severity::Error, "a key given twice in one map"},
      {"id-syntax", Severity::Error, "an id that is not [a-z0-9][a-z0-9-]*"},
      {"duplicate-id", Severity::Error, "a pigment id used twice over all files given"},
      {"lab-range", Severity::Error, "L* outside 0..100, a* or b* outside -128..128"},
      {"spectrum-length", Severity::Error, "a spectrum not covering 400-700 nm at 10 nm or finer"},
      {"spectrum-range", Severity::Error, "a reflectance outside 0..1 (percent written?)"},
      {"ladder-order", Severity::Error, "ladder steps not ordered from most ink to least"},
      {"ladder-darkens", Severity::Error,
       "a step darker (L*) than a step with more ink, by more than 0.5"},
      {"lab-spectrum-mismatch", Severity::Error,
       "a step's lab and the Lab of its own spectrum differ by more than 1 dE00"},
      {"cas-check-digit", Severity::Error,
       "a CAS registry number that is malformed or fails its "
       "check digit"},
      {"ci-name", Severity::Error, "a malformed Colour Index generic name (PBk7, PR101, PB15:3)"},
      {"no-diluent", Severity::Error,
       "pigments with no 'diluents' to mix them with (recipes would name none)"},
      {"expired", Severity::Warning, "a lot past its 'expires' date"},
      {"few-steps", Severity::Warning, "a ladder of fewer than 3 steps"},
      {"control-characters", Severity::Warning,
       "a text (name, supplier, instrument, lot, ...) holds control characters or bytes that are not "
       "UTF-8, which would drive a terminal"},
      {"reach-annex-xvii", Severity::Warning,
       "PB15 family or PG7: restricted in EU tattoo/PMU inks (REACH Annex XVII entry 75)"},
      {"illustrative", Severity::Warning, "'illustrative: true': example values, not measurements"},
      {"supplier", Severity::Error, "no 'supplier', or an empty one: whose catalogue it is"},
      {"no-pigments", Severity::Warning, "diluents but no pigments: a file that matches nothing"},
  };
  return rules;
}

}  // namespace smpshade
