#pragma once
// Reading a text input whole, under a size cap: the catalogue loader and CGATS import.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "smpshade/error.hpp"

namespace smpshade::detail {

/// At most `limit` + 1 bytes of `path` (one past the cap, so the caller can tell that it was
/// exceeded, even on a pipe or a growing file), read in 64 KiB chunks so that a small file costs
/// what it holds. Throws IoError naming the path when it cannot be opened or read.
inline std::string read_at_most(const std::string& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(std::string("cannot open: ") + std::strerror(errno), Location{path});
  std::string text;
  char chunk[1 << 16];
  while (text.size() <= limit) {
    const std::size_t wanted = std::min(sizeof chunk, limit + 1 - text.size());
    in.read(chunk, static_cast<std::streamsize>(wanted));
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (!in) break;  // end of file (failbit) or an error (badbit, below)
  }
  if (in.bad()) throw IoError("read error", Location{path});
  return text;
}

}  // namespace smpshade::detail
