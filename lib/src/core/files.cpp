#include "smpshade/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "smpshade/error.hpp"

namespace smpshade {

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  if (path_.empty() || path_.back() == '/') throw IoError("not a file name", Location{path_});
  // lstat: a symlink (/dev/stdout is one) must not be renamed over either.
  struct stat info {};
  if (lstat(path_.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    if (S_ISDIR(info.st_mode)) throw IoError("is a folder, not a file", Location{path_});
    fd_ = open(path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd_ < 0) {
      throw IoError(std::string("cannot open: ") + std::strerror(errno), Location{path_});
    }
    return;
  }
  const auto slash = path_.find_last_of('/');
  const std::string folder = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
  if (stat(folder.c_str(), &info) != 0) {
    if (errno == ENOTDIR) {  // a file where a folder of the path should be
      throw IoError("the output folder is not a folder: " + folder, Location{path_});
    }
    throw IoError("the output folder does not exist: " + folder, Location{path_});
  }
  if (!S_ISDIR(info.st_mode)) {
    throw IoError("the output folder is not a folder: " + folder, Location{path_});
  }
  // The temporary file is hidden beside the target: rename() is atomic only within a file
  // system.
  temp_ = (slash == std::string::npos ? std::string() : folder) + "." +
          path_.substr(slash == std::string::npos ? 0 : slash + 1) + ".XXXXXX";
  fd_ = mkostemp(temp_.data(), O_CLOEXEC);
  if (fd_ < 0) {
    temp_.clear();
    throw IoError(std::string("cannot create a file in its folder: ") + std::strerror(errno),
                  Location{path_});
  }
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) close(fd_);
  if (!temp_.empty()) unlink(temp_.c_str());
}

void OutputFile::commit(const void* data, std::size_t size) {
  if (fd_ < 0) throw IoError("already written", Location{path_});
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = write(fd_, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw IoError(std::string("cannot write: ") + std::strerror(n < 0 ? errno : ENOSPC),
                    Location{path_});
    }
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  if (temp_.empty()) {  // written in place
    const bool closed = close(fd_) == 0;
    fd_ = -1;
    if (!closed)
      throw IoError(std::string("cannot write: ") + std::strerror(errno), Location{path_});
    return;
  }
  // mkstemp makes the file 0600; what the tools write is for sharing, as the umask allows.
  const mode_t mask = umask(0);
  umask(mask);
  const bool ok = fchmod(fd_, 0666 & ~mask) == 0 && fsync(fd_) == 0;
  const int error = errno;
  const bool closed = close(fd_) == 0;
  fd_ = -1;
  if (!ok || !closed) {
    throw IoError(std::string("cannot write: ") + std::strerror(ok ? errno : error),
                  Location{path_});
  }
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    throw IoError(
        std::string("cannot rename the finished file into place: ") + std::strerror(errno),
        Location{path_});
  }
  temp_.clear();
}

void write_file_atomically(const std::string& path, const void* data, std::size_t size) {
  OutputFile(path).commit(data, size);
}

}  // namespace smpshade
