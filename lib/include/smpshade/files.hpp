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
/// removed, and `path` is left as it was. A `path` that exists but is not a regular file (a
/// symlink such as /dev/stdout, a device such as /dev/null, a pipe) is written in place instead:
/// renaming over it would replace the link or the device. The file gets the permissions the
/// umask allows (0666 & ~umask). Errors throw IoError naming `path`.
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
  std::string path_;
  std::string temp_;  // empty when writing in place
  int fd_ = -1;
};

/// OutputFile(path).commit(data, size).
SMPSHADE_API void write_file_atomically(const std::string& path, const void* data,
                                        std::size_t size);

}  // namespace smpshade
