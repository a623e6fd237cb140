#pragma once
// The one code path behind load_catalog() and lint: a catalogue file is read, parsed and checked
// once, every problem going to a sink. load_catalog() throws the first error the sink holds;
// lint reports them all.

#include <string>
#include <string_view>
#include <vector>

#include "smpshade/catalog.hpp"
#include "smpshade/catalog_lint.hpp"

namespace smpshade::detail {

/// Collects diagnostics.
class DiagnosticSink {
 public:
  void report(Severity severity, std::string_view rule, std::string message, Location where) {
    diagnostics_.push_back({severity, std::string(rule), std::move(message), std::move(where)});
  }
  void error(std::string_view rule, std::string message, Location where) {
    report(Severity::Error, rule, std::move(message), std::move(where));
  }
  void warning(std::string_view rule, std::string message, Location where) {
    report(Severity::Warning, rule, std::move(message), std::move(where));
  }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }
  bool has_errors() const;
  /// The diagnostics sorted by line and column (stable, so same-place problems keep their order).
  void sort_by_position();
  /// Throws InputError for the first error by position, if there is one.
  void throw_first_error() const;

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// What the checks need from outside the file.
struct CheckOptions {
  std::string today;  // YYYY-MM-DD; empty: no expiry check
  CatalogLimits limits;
};

/// Parses and checks one catalogue held in `text`. Returns what could be read (possibly partial
/// when there were errors).
Catalog check_catalog_text(std::string_view text, const std::string& name, DiagnosticSink& sink,
                           const CheckOptions& options);

/// Reads (at most options.limits.max_file_bytes, refusing larger files before reading) and
/// checks one file.
/// A file that cannot be read is reported with rule "io".
Catalog check_catalog_file(const std::string& path, DiagnosticSink& sink,
                           const CheckOptions& options);

/// Reports pigments whose id an earlier pigment (in this or an earlier catalogue) already has,
/// into `sinks[i]` for catalogues[i].
void check_duplicate_ids(const std::vector<Catalog>& catalogs, std::vector<DiagnosticSink*> sinks);

/// Today's local date as YYYY-MM-DD.
std::string today_iso();

}  // namespace smpshade::detail
