#pragma once
// The one place LittleCMS meets the library: RAII handles, and its NULL returns and log
// messages turned into ColourManagementError.

#include <lcms2.h>

#include <memory>
#include <string>
#include <vector>

#include "smpshade/cms.hpp"

namespace smpshade::detail {

struct ProfileCloser {
  void operator()(void* profile) const { cmsCloseProfile(profile); }
};
struct TransformDeleter {
  void operator()(void* transform) const { cmsDeleteTransform(transform); }
};
using ProfileHandle = std::unique_ptr<void, ProfileCloser>;
using TransformHandle = std::unique_ptr<void, TransformDeleter>;
struct ToneCurveDeleter {
  void operator()(cmsToneCurve* curve) const { cmsFreeToneCurve(curve); }
};
using ToneCurveHandle = std::unique_ptr<cmsToneCurve, ToneCurveDeleter>;

/// Installs the log handler (once) and clears this thread's last LittleCMS message.
void begin_lcms_call();
/// This thread's last LittleCMS log message since begin_lcms_call().
std::string last_lcms_error();
/// Throws ColourManagementError("what: <LittleCMS's message>") when `handle` is null.
void* check_lcms(void* handle, const std::string& what);

/// A profile handle for the CIELAB D50 PCS (LittleCMS's built-in v4 Lab).
ProfileHandle lab_d50_profile();

/// Sets a profile's description tag (what `Profile::description()` and ICC tools show).
/// Throws ColourManagementError when LittleCMS cannot.
void set_profile_description(void* profile, const std::string& text);

/// A profile's bytes as an ICC file holds them. Throws ColourManagementError("cannot
/// serialise `what`: ...").
std::vector<unsigned char> save_profile(void* profile, const std::string& what);

}  // namespace smpshade::detail

namespace smpshade {
struct Profile::Impl {
  detail::ProfileHandle handle;
  std::string origin;  // file name or "built-in sRGB", for messages
};
}  // namespace smpshade
