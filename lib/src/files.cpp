#include "smpshade/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "smpshade/error.hpp"

namespace smpshade {

void write_file_atomically(const std::string& path, const void* data, std::size_t size) {
  const auto slash = path.find_last_of('/');
  const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  struct stat info {};
  if (path.empty() || path.back() == '/') throw IoError("not a file name", Location{path});
  if (stat(folder.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    throw IoError("the output folder does not exist: " + folder, Location{path});
  }
  if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    throw IoError("is a directory, not a file", Location{path});
  }
  // The temporary file is hidden beside the target: rename() is atomic only within a file
  // system.
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string temp = (slash == std::string::npos ? std::string() : folder) + "." + base + ".XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) {
    throw IoError(std::string("cannot create a file in its folder: ") + std::strerror(errno),
                  Location{path});
  }
  auto fail = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    close(fd);
    unlink(temp.c_str());
    throw IoError(what + ": " + reason, Location{path});
  };
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = write(fd, bytes + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write");
    written += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0) fail("cannot flush to disk");
  // mkstemp makes the file 0600; what the tools write is for sharing, as the umask allows.
  const mode_t mask = umask(0);
  umask(mask);
  if (fchmod(fd, 0666 & ~mask) != 0) fail("cannot set the file's permissions");
  if (close(fd) != 0) {
    const std::string reason = std::strerror(errno);
    unlink(temp.c_str());
    throw IoError("cannot write: " + reason, Location{path});
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    unlink(temp.c_str());
    throw IoError("cannot rename the finished file into place: " + reason, Location{path});
  }
}

}  // namespace smpshade
