#pragma once
/// @file catalog_lint.hpp
/// `smp-catalog lint`: every problem in a set of catalogue files, as compiler-style diagnostics
/// with a rule id (smp-catalog(1) lists the rules). load_catalog() runs the same checks and
/// throws the first error; lint collects them all, warnings included.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "smpshade/catalog.hpp"
#include "smpshade/error.hpp"
#include "smpshade/export.hpp"
#include "smpshade/records.hpp"

namespace smpshade {

/// How bad a problem is: errors fail lint (exit 1) and make load_catalog() throw; warnings
/// fail lint only with --strict.
enum class Severity { Warning, Error };

/// "warning" or "error".
SMPSHADE_API std::string_view severity_name(Severity severity);

/// One problem found in a catalogue.
struct Diagnostic {
  Severity severity = Severity::Error;
  std::string rule;     ///< e.g. "unknown-key"; lint_rules() lists them all
  std::string message;  ///< without location, severity or rule
  Location where;

  /// `file:line:col: error: message [rule]`, as compilers print diagnostics.
  SMPSHADE_API std::string str() const;
};

/// What lint checks against that is not in the files.
struct LintOptions {
  /// The date expiry dates are compared with, YYYY-MM-DD; empty means today (local time).
  std::string today;
};

/// All diagnostics of a lint run, file by file in the order given, each file's by line.
struct LintResult {
  std::vector<Diagnostic> diagnostics;
  std::size_t files = 0;  ///< catalogue files read (folders expanded)

  SMPSHADE_API std::size_t errors() const;
  SMPSHADE_API std::size_t warnings() const;
};

/// Lints the catalogue files at `paths` (files or folders, as catalog_files() expands them).
/// Ids must be unique over all of them. Unreadable files are diagnostics (rule "io"), not
/// exceptions; so is a file over `limits` (rule "yaml-limits").
SMPSHADE_API LintResult lint_catalogs(const std::vector<std::string>& paths,
                                      const LintOptions& options = {},
                                      const CatalogLimits& limits = {});

/// Lints one catalogue held in memory; `name` is the file name diagnostics give.
SMPSHADE_API LintResult lint_catalog_text(std::string_view text, const std::string& name,
                                          const LintOptions& options = {},
                                          const CatalogLimits& limits = {});

/// A diagnostic as a record: file, line, column, severity, rule, message.
SMPSHADE_API Record diagnostic_record(const Diagnostic& diagnostic);

/// A rule lint can report: its id, its severity and a line saying what it checks.
struct LintRule {
  std::string_view id;
  Severity severity;
  std::string_view summary;
};
/// Every rule lint can report, in the order smp-catalog(1) documents them.
SMPSHADE_API const std::vector<LintRule>& lint_rules();

}  // namespace smpshade
