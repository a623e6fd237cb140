#pragma once
// A decoding library loaded when its first photo is opened rather than linked.
//
// Why: every library linked into libsmpshade is mapped and relocated at every tool's start.
// libtiff brings libwebp, libzstd, liblzma, libLerc, libjbig and libdeflate with it, libheif
// its HEVC and AV1 codecs; on our machines mapping libtiff's chain alone took ~5 ms a process,
// against a 70 ms budget for smp-measure's whole 12-megapixel JPEG (SPEC 3), and smp-match or
// smp-diff never read a photo at all. The library's own header still gives the types; the
// functions come from dlsym, checked all at once, so a library too old to have one is refused
// with a message naming it rather than failing half-way through a photo.

#include <dlfcn.h>

#include <string>

namespace smpshade::detail {

class LoadedLibrary {
 public:
  /// dlopen's `soname`; `package` is the Debian package that installs it, for the message.
  LoadedLibrary(const char* soname, const char* package) : soname_(soname) {
    handle_ = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
      const char* why = dlerror();
      problem_ = std::string(soname) + " cannot be loaded (Debian package " + package +
                 "): " + (why ? why : "dlopen failed");
    }
  }
  LoadedLibrary(const LoadedLibrary&) = delete;
  LoadedLibrary& operator=(const LoadedLibrary&) = delete;
  // Never closed: its functions are used for as long as the process reads photos.

  /// Sets `function` to `symbol`'s address; a missing one is remembered as the problem.
  template <typename Function>
  void bind(Function& function, const char* symbol) {
    function = handle_ ? reinterpret_cast<Function>(dlsym(handle_, symbol)) : nullptr;
    if (!function && problem_.empty()) {
      problem_ = soname_ + " has no " + symbol + ": too old a version";
    }
  }
  /// Like bind(), for a function that may be missing without harm.
  template <typename Function>
  Function optional(const char* symbol) const {
    return handle_ ? reinterpret_cast<Function>(dlsym(handle_, symbol)) : nullptr;
  }

  /// Why the library cannot be used; empty when it can.
  const std::string& problem() const { return problem_; }

 private:
  std::string soname_;
  void* handle_ = nullptr;
  std::string problem_;
};

}  // namespace smpshade::detail
