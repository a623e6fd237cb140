#include "smpshade/cms.hpp"

#include <mutex>
#include <vector>

#include "formats/icc/lcms.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

namespace detail {

namespace {
// LittleCMS reports why a call failed through a global log callback, then returns NULL. The
// message is kept per thread so that concurrent failures are not mixed up.
thread_local std::string last_lcms_message;

void log_lcms_error(cmsContext, cmsUInt32Number, const char* text) {
  last_lcms_message = text ? text : "";
}
}  // namespace

void begin_lcms_call() {
  static std::once_flag installed;
  std::call_once(installed, [] { cmsSetLogErrorHandler(log_lcms_error); });
  last_lcms_message.clear();
}

std::string last_lcms_error() { return last_lcms_message; }

void* check_lcms(void* handle, const std::string& what) {
  if (handle) return handle;
  std::string message = what;
  if (!last_lcms_message.empty()) message += ": " + last_lcms_message;
  throw ColourManagementError(message);
}

ProfileHandle lab_d50_profile() {
  begin_lcms_call();
  return ProfileHandle(check_lcms(cmsCreateLab4Profile(nullptr), "cannot create a Lab profile"));
}

void set_profile_description(void* profile, const std::string& text) {
  begin_lcms_call();
  struct MluDeleter {
    void operator()(cmsMLU* mlu) const { cmsMLUfree(mlu); }
  };
  std::unique_ptr<cmsMLU, MluDeleter> mlu(cmsMLUalloc(nullptr, 1));
  if (!mlu || !cmsMLUsetASCII(mlu.get(), "en", "US", text.c_str()) ||
      !cmsWriteTag(profile, cmsSigProfileDescriptionTag, mlu.get())) {
    throw ColourManagementError("cannot set a profile's description: " + last_lcms_error());
  }
}

std::vector<unsigned char> save_profile(void* profile, const std::string& what) {
  begin_lcms_call();
  cmsUInt32Number size = 0;
  if (!cmsSaveProfileToMem(profile, nullptr, &size) || size == 0) {
    throw ColourManagementError("cannot serialise " + what + ": " + last_lcms_error());
  }
  std::vector<unsigned char> bytes(size);
  if (!cmsSaveProfileToMem(profile, bytes.data(), &size)) {
    throw ColourManagementError("cannot serialise " + what + ": " + last_lcms_error());
  }
  bytes.resize(size);
  return bytes;
}

}  // namespace detail

using detail::begin_lcms_call;
using detail::check_lcms;

Profile::Profile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Profile::Profile(Profile&&) noexcept = default;
Profile& Profile::operator=(Profile&&) noexcept = default;
Profile::~Profile() = default;

Profile Profile::srgb() {
  begin_lcms_call();
  auto impl = std::make_unique<Impl>();
  impl->handle.reset(check_lcms(cmsCreate_sRGBProfile(), "cannot create the sRGB profile"));
  impl->origin = "built-in sRGB";
  return Profile(std::move(impl));
}

namespace {
// A profile LittleCMS opened, or ColourManagementError at `origin` with its reason.
std::unique_ptr<Profile::Impl> opened_profile(void* handle, const char* problem,
                                              const std::string& origin) {
  if (!handle) {
    const std::string reason = detail::last_lcms_error();
    throw ColourManagementError(problem + (reason.empty() ? std::string() : " (" + reason + ")"),
                                Location{origin});
  }
  auto impl = std::make_unique<Profile::Impl>();
  impl->handle.reset(handle);
  impl->origin = origin;
  return impl;
}
}  // namespace

Profile Profile::from_file(const std::string& path) {
  begin_lcms_call();
  return Profile(opened_profile(cmsOpenProfileFromFile(path.c_str(), "r"),
                                "not a readable ICC profile", path));
}

Profile Profile::from_memory(const void* data, std::size_t size, const std::string& origin) {
  begin_lcms_call();
  return Profile(opened_profile(cmsOpenProfileFromMem(data, static_cast<cmsUInt32Number>(size)),
                                "not a valid ICC profile", origin));
}

std::string Profile::description() const {
  const cmsUInt32Number size =
      cmsGetProfileInfoASCII(impl_->handle.get(), cmsInfoDescription, "en", "US", nullptr, 0);
  if (size == 0) return {};
  std::vector<char> text(size);
  cmsGetProfileInfoASCII(impl_->handle.get(), cmsInfoDescription, "en", "US", text.data(), size);
  return std::string(text.data());
}

bool Profile::is_rgb() const { return cmsGetColorSpace(impl_->handle.get()) == cmsSigRgbData; }

namespace {
cmsUInt32Number rgb_format(SampleType samples) {
  switch (samples) {
    case SampleType::U8:
      return TYPE_RGB_8;
    case SampleType::U16:
      return TYPE_RGB_16;
    case SampleType::F32:
      return TYPE_RGB_FLT;
  }
  return TYPE_RGB_8;
}

void require_rgb(const Profile& profile) {
  if (!profile.is_rgb()) {
    throw ColourManagementError("not an RGB profile", Location{profile.impl().origin});
  }
}
}  // namespace

struct RgbToLab::Impl {
  detail::TransformHandle transform;
};

RgbToLab::RgbToLab(const Profile& rgb, SampleType samples) : impl_(std::make_unique<Impl>()) {
  require_rgb(rgb);
  const auto lab = detail::lab_d50_profile();
  begin_lcms_call();
  // Relative colorimetric: the photo's white maps to the PCS white, as ICC.1 defines for
  // measurement. NOCACHE makes the transform safe to share between threads.
  impl_->transform.reset(
      check_lcms(cmsCreateTransform(rgb.impl().handle.get(), rgb_format(samples), lab.get(),
                                    TYPE_Lab_DBL, INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE),
                 rgb.impl().origin + ": cannot build an RGB to Lab transform"));
}
RgbToLab::RgbToLab(RgbToLab&&) noexcept = default;
RgbToLab& RgbToLab::operator=(RgbToLab&&) noexcept = default;
RgbToLab::~RgbToLab() = default;

void RgbToLab::convert(const void* rgb, Lab* lab, std::size_t count) const {
  static_assert(sizeof(Lab) == 3 * sizeof(double), "Lab must be three packed doubles");
  cmsDoTransform(impl_->transform.get(), rgb, lab, static_cast<cmsUInt32Number>(count));
}

struct LabToRgb::Impl {
  detail::TransformHandle transform;
};

LabToRgb::LabToRgb(const Profile& rgb) : impl_(std::make_unique<Impl>()) {
  require_rgb(rgb);
  const auto lab = detail::lab_d50_profile();
  begin_lcms_call();
  impl_->transform.reset(
      check_lcms(cmsCreateTransform(lab.get(), TYPE_Lab_DBL, rgb.impl().handle.get(), TYPE_RGB_DBL,
                                    INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE),
                 rgb.impl().origin + ": cannot build a Lab to RGB transform"));
}
LabToRgb::LabToRgb(LabToRgb&&) noexcept = default;
LabToRgb& LabToRgb::operator=(LabToRgb&&) noexcept = default;
LabToRgb::~LabToRgb() = default;

LabToRgb::Rgb LabToRgb::convert(const Lab& lab) const {
  double out[3] = {0, 0, 0};
  cmsDoTransform(impl_->transform.get(), &lab, out, 1);
  return {out[0], out[1], out[2]};
}

}  // namespace smpshade
