#include "smpshade/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "smpshade/error.hpp"

namespace smpshade {

namespace {

// Paths that name something the process already has open (/dev/stdout, /dev/fd/1,
// /proc/self/fd/1): resolving them to a file and renaming over it would leave the open file
// unwritten, so they are written in place whatever they lead to.
bool names_open_file(const std::string& path) {
  return path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0;
}

}  // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  if (path_.empty() || path_.back() == '/') throw IoError("not a file name", Location{path_});
  // lstat: a symlink (/dev/stdout is one) must not be renamed over either.
  struct stat info {};
  std::string target = path_;  // where the temporary file goes and what it is renamed over
  if (lstat(path_.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    if (S_ISDIR(info.st_mode)) throw IoError("is a folder, not a file", Location{path_});
    struct stat followed {};
    const bool regular_target = S_ISLNK(info.st_mode) && stat(path_.c_str(), &followed) == 0 &&
                                S_ISREG(followed.st_mode);
    if (regular_target && !names_open_file(path_)) {
      // A link to a file: the file it points to is replaced whole, and the link stays.
      char* resolved = realpath(path_.c_str(), nullptr);
      if (!resolved) {
        throw IoError(std::string("cannot follow the link: ") + std::strerror(errno),
                      Location{path_});
      }
      target = resolved;
      std::free(resolved);
    } else {
      open_in_place();
      return;
    }
  }
  const auto slash = target.find_last_of('/');
  const std::string folder = slash == std::string::npos ? "." : target.substr(0, slash + 1);
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
  target_ = target;
  temp_ = (slash == std::string::npos ? std::string() : folder) + "." +
          target.substr(slash == std::string::npos ? 0 : slash + 1) + ".XXXXXX";
  fd_ = mkostemp(temp_.data(), O_CLOEXEC);
  if (fd_ < 0) {
    temp_.clear();
    throw IoError(std::string("cannot create a file in its folder: ") + std::strerror(errno),
                  Location{path_});
  }
}

// A device, a pipe or a file the process already has open, written where it is. Nothing is
// truncated here: commit() truncates a regular file only once the whole output is ready.
void OutputFile::open_in_place() {
  // O_NONBLOCK: a pipe with no reader fails now (ENXIO) instead of blocking forever.
  fd_ = open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd_ < 0) {
    const int error = errno;
    if (error == ENXIO) throw IoError("a pipe with no reader", Location{path_});
    throw IoError(std::string("cannot open: ") + std::strerror(error), Location{path_});
  }
  struct stat info {};
  const bool ok = fstat(fd_, &info) == 0 && fcntl(fd_, F_SETFL, 0) == 0;
  if (!ok) {
    const int error = errno;
    close(fd_);
    fd_ = -1;
    throw IoError(std::string("cannot open: ") + std::strerror(error), Location{path_});
  }
  in_place_regular_ = S_ISREG(info.st_mode);
#ifdef __linux__
  // /dev/full (character device 1:7) refuses every write: say so before any work is done.
  if (S_ISCHR(info.st_mode) && major(info.st_rdev) == 1 && minor(info.st_rdev) == 7) {
    close(fd_);
    fd_ = -1;
    throw IoError(std::string("cannot write: ") + std::strerror(ENOSPC), Location{path_});
  }
#endif
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) close(fd_);
  if (!temp_.empty()) unlink(temp_.c_str());
}

void OutputFile::commit(const void* data, std::size_t size) {
  if (fd_ < 0) throw IoError("already written", Location{path_});
  if (temp_.empty() && in_place_regular_ && ftruncate(fd_, 0) != 0) {
    throw IoError(std::string("cannot write: ") + std::strerror(errno), Location{path_});
  }
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
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
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
