#pragma once
/// @file files.hpp
/// Files the tools write with `-o`: whole or not at all (SPEC 2.1).

#include <cstddef>
#include <string>

#include "smpshade/export.hpp"

namespace smpshade {

/// A file written whole or not at all. The constructor creates a temporary file beside `path`
/// (so that a folder that is missing or cannot be written fails before any work is done);
/// commit() writes it, flushes it to disk and renames it over `path`; a file never committed is
/// removed, and `path` is left as it was. A symlink to a regular file is followed: the file it
/// points to is replaced the same way, and the link stays. Anything else that exists but is not
/// a regular file (a device such as /dev/null, a pipe, and every path under /dev/ or /proc/,
/// such as /dev/stdout) is written in place, and nothing of it changes before commit(): a
/// regular file reached that way is truncated only then. A pipe with no reader and /dev/full
/// are refused by the constructor. The file gets the permissions the umask allows
/// (0666 & ~umask). Errors throw IoError naming `path`.
class SMPSHADE_API OutputFile {
 public:
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  /// Writes `size` bytes and puts the file in place. Call once.
  void commit(const void* data, std::size_t size);
  void commit(const std::string& bytes) { commit(bytes.data(), bytes.size()); }

 private:
  void open_in_place();

  std::string path_;
  std::string target_;  // what the temporary file is renamed over: path_, or a link's target
  std::string temp_;    // empty when writing in place
  bool in_place_regular_ = false;
  int fd_ = -1;
};

/// OutputFile(path).commit(data, size).
SMPSHADE_API void write_file_atomically(const std::string& path, const void* data,
                                        std::size_t size);

}  // namespace smpshade
