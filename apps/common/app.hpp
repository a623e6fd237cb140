#pragma once
// Plumbing every smp-* tool shares: the one catch, exit codes, diagnostics, --format,
// --version, and "-"/no file meaning standard input.

#include <CLI/CLI.hpp>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "smpshade/catalog.hpp"
#include "smpshade/error.hpp"
#include "smpshade/heal.hpp"
#include "smpshade/records.hpp"

namespace smpshade::app {

/// Exit statuses (smpshade(7)): all done; some input failed or a check failed; bad usage.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

/// A usage error found after option parsing (e.g. two options that exclude each other): exit 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

/// One smp-* command: its CLI11 parser, its diagnostics and whether any input failed.
class Tool {
 public:
  /// `name` is the command ("smp-diff"); `summary` the one-line description for --help.
  Tool(std::string name, const std::string& summary);

  CLI::App& cli() { return cli_; }
  const std::string& name() const { return name_; }

  /// Adds --catalog PATH (repeatable, one path each time, so that file arguments after it stay
  /// files), for catalog_search_path().
  void add_catalog_option(std::vector<std::string>& paths);
  /// Adds --max-file-size BYTES, --max-yaml-depth N and --max-yaml-nodes N: the catalogue
  /// limits of smpshade(7), LIMITS (defaults: CatalogLimits's).
  void add_catalog_limit_options(CatalogLimits& limits);
  /// Adds --format jsonl|csv|tsv|table; unset, format() is table on a terminal, else jsonl.
  void add_format_option();
  Format format() const;

  /// "smp-NAME: error: WHERE: WHAT" on stderr; marks the run as failed (exit 1).
  void error(const Error& error);
  void error(const std::string& message, const Location& where = {});
  /// "smp-NAME: warning: WHERE: WHAT" on stderr.
  void warning(const std::string& message, const Location& where = {});
  /// A note on standard error: what the output leaves out and why (not a problem).
  void note(const std::string& message, const Location& where = {});
  /// Marks the run as failed without a message of its own (e.g. a --max gate).
  void fail() { failed_ = true; }
  bool failed() const { return failed_; }

  /// Parses the command line, then runs `body` inside the tool's single catch. Returns the
  /// exit status: 2 for usage errors, 1 when an error was reported, else 0.
  int run(int argc, char** argv, const std::function<void()>& body);

  /// Runs `read`, which turns options into the library's values (parse_region(), a Measurer's
  /// checks), with the library's ArgumentError made a usage error (exit 2) that names the
  /// option: the field at the head of its message ("region crown: ...") becomes the option
  /// ("--region crown: ...").
  void read_arguments(const std::function<void()>& read);
  /// The option a library field is given through, when it is not "--" and the field with '_'
  /// as '-' (max_pixels: --max-pixels).
  void name_option(const std::string& field, std::string option);

 private:
  std::string name_;
  CLI::App cli_;
  std::string format_name_;
  std::map<std::string, std::string> options_;  // library field → command-line option
  bool failed_ = false;
};

/// Opens `path` for reading; "-" is standard input. Throws IoError naming the path.
std::unique_ptr<std::istream> open_input(const std::string& path);

/// Reads every Lab record of `path` ("-" for stdin); bad lines are reported through `tool`
/// and skipped, the rest returned.
std::vector<LabEntry> read_lab_records(Tool& tool, const std::string& path);

/// The Lab records of a run's inputs in order, and the records of other kinds a tool passes on
/// (error records), each with the number of Lab records before it, so that output keeps the
/// input's order.
struct LabStream {
  struct Passed {
    std::size_t before;
    std::string line;
  };
  std::vector<LabEntry> entries;
  std::vector<Passed> passed;
};

/// Reads the Lab records of `paths` ("-" for stdin) through the library's one reader, which
/// dispatches on `kind`: records of a kind in `pass` are kept as lines to pass on; records of any
/// other kind are not targets and are skipped with a note (once per kind). Bad lines and
/// unreadable files are reported through `tool` and skipped.
LabStream read_lab_stream(Tool& tool, const std::vector<std::string>& paths,
                          const std::vector<RecordKind>& pass = {});

/// Warns, at the repeat's line, about each id that a stream holds twice: two records no reader
/// joining by id can tell apart (photos of one file name should be of one client).
void warn_repeated_ids(Tool& tool, const std::vector<LabEntry>& entries);

/// The catalogues `paths` name (--catalog, else $SMPSHADE_CATALOG, else the installed ones),
/// loaded under `limits`; throws when none is found or none holds a pigment.
std::vector<Catalog> load_catalogs(const std::vector<std::string>& paths,
                                   const CatalogLimits& limits);

/// Reads the outcome records (or any record with skin and recipe) of `paths` ("-" for stdin);
/// bad lines and unreadable files are reported through `tool` and skipped.
std::vector<Outcome> read_outcomes(Tool& tool, const std::vector<std::string>& paths);

/// Throws InputError naming the catalogue files when none of `catalogs` holds a pigment: a
/// diluents-only file is fine beside others, but alone there is nothing to list or match.
void require_pigments(const std::vector<Catalog>& catalogs);

}  // namespace smpshade::app
