// LittleCMS's IT8 parser, kept at arm's length.
//
// check_cgats_structure() refuses the inconsistent files known to corrupt LittleCMS 2.14's
// memory, but the parser is old C fed files from anywhere, and an unknown bug in it could take
// the caller's process down or, worse, corrupt it silently. So by default the parse runs in a
// forked child (defence in depth, about 1 ms a file): the child parses, copies out what import
// reads (It8Data), writes it to a pipe and exits; the parent never touches the parser's state.
// A child that dies (a signal, or the report and exit status of a sanitizer) or hangs becomes an
// InputError naming the file.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "formats/cgats/internal.hpp"
#include "formats/icc/lcms.hpp"
#include "smpshade/error.hpp"

namespace smpshade::detail {

namespace {

struct It8Free {
  void operator()(void* handle) const { cmsIT8Free(handle); }
};
using It8Handle = std::unique_ptr<void, It8Free>;

constexpr auto kParserTimeout = std::chrono::seconds(30);

// NUMBER_OF_SETS as a row count, when it is a whole number from 1 to kMaxCgatsRows.
std::optional<int> declared_rows(const std::string& sets) {
  const auto n = cgats_number(sets);
  if (!n || *n < 1 || *n != std::floor(*n) || *n > kMaxCgatsRows) return std::nullopt;
  return static_cast<int>(*n);
}

}  // namespace

It8Data read_it8(std::string_view text, const CgatsColumns& columns) noexcept {
  It8Data data;
  try {
    detail::begin_lcms_call();
    It8Handle handle(
        cmsIT8LoadFromMem(nullptr, text.data(), static_cast<cmsUInt32Number>(text.size())));
    if (!handle) {
      data.error = detail::last_lcms_error();
      return data;
    }
    data.loaded = true;
    void* h = handle.get();
    data.tables = static_cast<int>(cmsIT8TableCount(h));
    if (data.tables != 1) return data;
    char** names = nullptr;
    const int count = cmsIT8EnumDataFormat(h, &names);
    for (int i = 0; names != nullptr && i < count; ++i) {
      data.fields.push_back(upper(names[i] ? names[i] : ""));
    }
    for (const char* key : kIt8Properties) {
      if (const char* value = cmsIT8GetProperty(h, key)) data.properties[key] = value;
    }
    const auto sets = data.properties.find("NUMBER_OF_SETS");
    const auto rows = sets == data.properties.end() ? std::nullopt : declared_rows(sets->second);
    for (int col = 0; rows && col < static_cast<int>(data.fields.size()); ++col) {
      if (!columns(data.fields[static_cast<std::size_t>(col)])) continue;
      for (int row = 0; row < *rows; ++row) {
        if (const char* value = cmsIT8GetDataRowCol(h, row, col)) data.cells[{row, col}] = value;
      }
    }
  } catch (const std::exception& e) {  // out of memory
    data = It8Data();
    data.error = e.what();
  }
  return data;
}

namespace {

// It8Data through the pipe: each string as its length in decimal, ':', and its bytes.
void pack(std::string& out, std::string_view text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

std::string pack(const It8Data& data) {
  std::string out;
  pack(out, data.loaded ? "1" : "0");
  pack(out, data.error);
  pack(out, std::to_string(data.tables));
  pack(out, std::to_string(data.fields.size()));
  for (const auto& field : data.fields) pack(out, field);
  pack(out, std::to_string(data.properties.size()));
  for (const auto& [key, value] : data.properties) {
    pack(out, key);
    pack(out, value);
  }
  pack(out, std::to_string(data.cells.size()));
  for (const auto& [at, value] : data.cells) {
    pack(out, std::to_string(at.first));
    pack(out, std::to_string(at.second));
    pack(out, value);
  }
  return out;
}

// Reads pack()'s output back; throws InputError at `name` if it is not whole.
class Unpacker {
 public:
  Unpacker(std::string_view in, const std::string& name) : in_(in), name_(name) {}

  std::string_view text() {
    const std::size_t colon = in_.find(':');
    std::size_t size = 0;
    const auto [end, ec] =
        std::from_chars(in_.data(), in_.data() + std::min(colon, in_.size()), size);
    if (colon == std::string_view::npos || ec != std::errc() || end != in_.data() + colon ||
        size > in_.size() - colon - 1) {
      garbled();
    }
    const std::string_view value = in_.substr(colon + 1, size);
    in_.remove_prefix(colon + 1 + size);
    return value;
  }

  int number() {
    const std::string_view t = text();
    int value = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc() || end != t.data() + t.size() || value < 0) garbled();
    return value;
  }

  bool done() const { return in_.empty(); }

  [[noreturn]] void garbled() const {
    throw InputError("CGATS parser crashed on this file: its result came back incomplete",
                     Location{name_});
  }

 private:
  std::string_view in_;
  const std::string& name_;
};

It8Data unpack(std::string_view bytes, const std::string& name) {
  Unpacker in(bytes, name);
  It8Data data;
  data.loaded = in.text() == "1";
  data.error = std::string(in.text());
  data.tables = in.number();
  for (int n = in.number(); n > 0; --n) data.fields.emplace_back(in.text());
  for (int n = in.number(); n > 0; --n) {
    const std::string key(in.text());
    data.properties[key] = std::string(in.text());
  }
  for (int n = in.number(); n > 0; --n) {
    const int row = in.number();
    const int col = in.number();
    data.cells[{row, col}] = std::string(in.text());
  }
  if (!in.done()) in.garbled();
  return data;
}

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent is gone or stopped reading: nothing to tell it
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

It8Data read_it8_in_child(std::string_view text, const std::string& name,
                          const CgatsColumns& columns) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw IoError(std::string("cannot start the CGATS parser: pipe: ") + std::strerror(errno),
                  Location{name});
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw IoError(std::string("cannot start the CGATS parser: fork: ") + std::strerror(error),
                  Location{name});
  }
  if (pid == 0) {
    // The child: only async-signal-safe exits (_exit skips atexit handlers, stdio flushes and
    // the leak check of a sanitizer build, which belong to the parent).
    ::close(fds[0]);
    // Test hook (tests/cli/bad_input_cgats.sh): a parser that crashes, to check how it is told.
    if (std::getenv("SMPSHADE_TEST_CGATS_PARSER_CRASH") != nullptr) std::abort();
    write_all(fds[1], pack(read_it8(text, columns)));
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string bytes;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + kParserTimeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd ready{fds[0], POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(left));
    if (polled == 0 || (polled < 0 && errno == EINTR)) continue;
    if (polled < 0) break;
    char chunk[1 << 16];
    const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of file: the child has written all and exited (or died)
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    throw InputError("CGATS parser took more than " + std::to_string(kParserTimeout.count()) +
                         " s on this file: stopped",
                     Location{name});
  }
  if (WIFSIGNALED(status)) {
    throw InputError(
        std::string("CGATS parser crashed on this file (") + ::strsignal(WTERMSIG(status)) + ")",
        Location{name});
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw InputError("CGATS parser crashed on this file (exit status " +
                         std::to_string(WEXITSTATUS(status)) + ")",
                     Location{name});
  }
  return unpack(bytes, name);
}

}  // namespace smpshade::detail
