#pragma once
/// @file files.hpp
/// Files the tools write with `-o`: whole or not at all (SPEC 2.1).

#include <cstddef>
#include <string>

#include "smpshade/export.hpp"

namespace smpshade {

/// Writes `size` bytes to `path` through a temporary file in the same folder, flushed to disk
/// and then renamed into place, so that `path` is never seen half-written and is left as it was
/// on failure. The file gets the permissions the umask allows (0666 & ~umask). Throws IoError
/// naming `path` (a folder that does not exist, a folder that cannot be written, a full disk).
SMPSHADE_API void write_file_atomically(const std::string& path, const void* data,
                                        std::size_t size);

}  // namespace smpshade
