#include "app.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>

#include "smpshade/version.hpp"

namespace smpshade::app {

Tool::Tool(std::string name, const std::string& summary)
    : name_(std::move(name)), cli_(summary, name_) {
  cli_.set_version_flag("--version", name_ + " (smpshade) " + kVersion);
  cli_.get_formatter()->column_width(34);
}

void Tool::add_catalog_option(std::vector<std::string>& paths) {
  cli_.add_option("--catalog", paths,
                  "Catalogue file or folder (repeatable); default: $SMPSHADE_CATALOG, the "
                  "installed share/smpshade/pigments, ./pigments")
      ->allow_extra_args(false)
      ->option_text("PATH");
}

void Tool::add_catalog_limit_options(CatalogLimits& limits) {
  // Units as CLI11's AsSizeValue reads them: 32M, 32MiB and 33554432 are the same.
  cli_.add_option("--max-file-size", limits.max_file_bytes,
                  "Refuse catalogue (and CGATS) files larger than this, before reading them "
                  "(default 16M; units k, M, G are powers of 1024)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 40))
      ->option_text("BYTES");
  cli_.add_option("--max-yaml-depth", limits.max_yaml_depth,
                  "Refuse catalogues whose YAML nests deeper than this (default 64, at most 1000)")
      ->check(CLI::Range(std::uint32_t{1}, kMaxYamlDepthCeiling))
      ->option_text("N");
  cli_.add_option_function<std::size_t>(
          "--max-yaml-nodes",
          [&limits](std::size_t n) {
            limits.max_yaml_nodes = n;
            limits.max_alias_expansion = n;
          },
          "Refuse catalogues of more YAML nodes than this, aliases counted expanded (default "
          "1000000)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000'000}))
      ->option_text("N");
}

void Tool::add_format_option() {
  cli_.add_option("--format", format_name_,
                  "Output format: jsonl, csv, tsv or table (default: table on a terminal, "
                  "jsonl otherwise)")
      ->check(CLI::IsMember({"jsonl", "csv", "tsv", "table"}))
      ->option_text("FORMAT");
}

Format Tool::format() const {
  if (!format_name_.empty()) return parse_format(format_name_);
  return isatty(STDOUT_FILENO) ? Format::Table : Format::Jsonl;
}

void Tool::error(const Error& e) {
  std::fflush(stdout);  // keep stdout and stderr in order on a terminal
  // Text from input (ids, names, paths) never drives the terminal: control characters escaped.
  fmt::print(stderr, "{}: error: {}\n", name_, printable(e.what()));
  failed_ = true;
}

void Tool::error(const std::string& message, const Location& where) {
  error(Error(message, where));
}

void Tool::warning(const std::string& message, const Location& where) {
  std::fflush(stdout);
  fmt::print(stderr, "{}: warning: {}\n", name_, printable(Error(message, where).what()));
}

void Tool::note(const std::string& message, const Location& where) {
  std::fflush(stdout);
  fmt::print(stderr, "{}: note: {}\n", name_, printable(Error(message, where).what()));
}

namespace {

// "nan", "inf", "-Infinity", ...: what strtod takes as a number that is none. CLI11 reads them
// into a double, and no range check refuses NaN (every comparison with it is false).
bool not_finite_text(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.erase(0, 1);
  return text.rfind("nan", 0) == 0 || text.rfind("inf", 0) == 0;
}

// The first value of a number option (one of `app` or its subcommands') that is not finite.
std::optional<std::string> non_finite_option(const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_type_name().find("FLOAT") == std::string::npos) continue;
    for (const std::string& result : option->results()) {
      // A list option (--skin L,a,b) may hold its values in one result.
      std::size_t start = 0;
      while (start <= result.size()) {
        const std::size_t comma = result.find(',', start);
        const std::string value = result.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (not_finite_text(value)) return option->get_name() + ": '" + value + "' is not a number";
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  }
  for (const CLI::App* sub : app.get_subcommands()) {
    if (auto found = non_finite_option(*sub)) return found;
  }
  return std::nullopt;
}

}  // namespace

int Tool::run(int argc, char** argv, const std::function<void()>& body) {
  try {
    cli_.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return cli_.exit(e);  // --help, --version: to stdout, exit 0
    fmt::print(stderr, "{}: error: {}\nRun '{} --help' for the options.\n", name_,
               printable(e.what()), name_);
    return kExitUsage;
  }
  if (const auto bad = non_finite_option(cli_)) {
    fmt::print(stderr, "{}: error: {}\nRun '{} --help' for the options.\n", name_,
               printable(*bad), name_);
    return kExitUsage;
  }
  try {
    body();
    std::cout.flush();
    if (!std::cout) throw IoError("cannot write to standard output");
  } catch (const UsageError& e) {
    fmt::print(stderr, "{}: error: {}\nRun '{} --help' for the options.\n", name_,
               printable(e.what()), name_);
    return kExitUsage;
  } catch (const Error& e) {
    error(e);
  } catch (const std::exception& e) {
    error(Error(e.what()));
  }
  return failed_ ? kExitFailed : kExitOk;
}

void Tool::read_arguments(const std::function<void()>& read) {
  try {
    read();
  } catch (const ArgumentError& e) {
    std::string message = e.message();
    const std::string& field = e.field();
    if (!field.empty() && message.compare(0, field.size(), field) == 0) {
      std::string option = "--" + field;
      std::replace(option.begin(), option.end(), '_', '-');
      if (auto named = options_.find(field); named != options_.end()) option = named->second;
      message.replace(0, field.size(), option);
    }
    throw UsageError(message);
  }
}

void Tool::name_option(const std::string& field, std::string option) {
  options_[field] = std::move(option);
}

std::unique_ptr<std::istream> open_input(const std::string& path) {
  if (path == "-") {
    // A non-owning view of std::cin, so callers hold every input the same way.
    return std::make_unique<std::istream>(std::cin.rdbuf());
  }
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) throw IoError(std::string("cannot open: ") + std::strerror(errno), Location{path});
  return file;
}

std::vector<LabEntry> read_lab_records(Tool& tool, const std::string& path) {
  auto in = open_input(path);
  LabRecordReader reader(*in, path);
  std::vector<LabEntry> entries;
  for (;;) {
    LabEntry entry;
    try {
      if (!reader.next(entry)) break;
      entries.push_back(std::move(entry));
    } catch (const InputError& e) {
      tool.error(e);
    }
  }
  return entries;
}

LabStream read_lab_stream(Tool& tool, const std::vector<std::string>& paths,
                          const std::vector<RecordKind>& pass) {
  LabStream stream;
  std::set<RecordKind> noted;
  for (const std::string& path : paths) {
    try {
      auto in = open_input(path);
      LabRecordReader reader(*in, path);
      reader.on_other_kinds([&](RecordKind kind, const std::string& line, const Location& where) {
        if (std::find(pass.begin(), pass.end(), kind) != pass.end()) {
          stream.passed.push_back({stream.entries.size(), line});
        } else if (noted.insert(kind).second) {
          tool.note(std::string(kind_name(kind)) + " records are not read here: skipped", where);
        }
      });
      for (;;) {
        LabEntry entry;
        try {
          if (!reader.next(entry)) break;
          stream.entries.push_back(std::move(entry));
        } catch (const InputError& e) {
          tool.error(e);
        }
      }
    } catch (const IoError& e) {
      tool.error(e);
    }
  }
  return stream;
}

void warn_repeated_ids(Tool& tool, const std::vector<LabEntry>& entries) {
  std::map<std::string, const LabEntry*> first;
  for (const LabEntry& e : entries) {
    const auto [it, fresh] = first.emplace(e.id, &e);
    if (fresh) continue;
    tool.warning("repeated id '" + printable(e.id) + "' (first at " + it->second->where.str() +
                     "): two records of one id, which a reader joining by id cannot tell apart",
                 e.where);
  }
}

std::vector<Catalog> load_catalogs(const std::vector<std::string>& paths,
                                   const CatalogLimits& limits) {
  const auto found = catalog_search_path(paths);
  if (found.empty()) {
    throw Error("no catalogue found: give --catalog PATH or set SMPSHADE_CATALOG");
  }
  std::vector<Catalog> loaded = smpshade::load_catalogs(found, limits);
  require_pigments(loaded);
  return loaded;
}

std::vector<Outcome> read_outcomes(Tool& tool, const std::vector<std::string>& paths) {
  std::vector<Outcome> outcomes;
  for (const std::string& path : paths) {
    try {
      auto in = open_input(path);
      OutcomeReader reader(*in, path);
      for (;;) {
        Outcome outcome;
        try {
          if (!reader.next(outcome)) break;
          outcomes.push_back(std::move(outcome));
        } catch (const InputError& e) {
          tool.error(e);
        }
      }
    } catch (const IoError& e) {
      tool.error(e);
    }
  }
  return outcomes;
}

void require_pigments(const std::vector<Catalog>& catalogs) {
  std::string files;
  for (const Catalog& catalog : catalogs) {
    if (!catalog.pigments.empty()) return;
    files += (files.empty() ? "" : ", ") + catalog.file;
  }
  if (catalogs.empty()) return;  // nothing loaded: the loader has said why
  throw InputError(catalogs.size() == 1 ? "no pigments in this catalogue (only diluents)"
                                        : "no pigments in these catalogues (only diluents)",
                   Location{files});
}

}  // namespace smpshade::app
