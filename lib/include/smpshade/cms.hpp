#pragma once
/// @file cms.hpp
/// Colour management through LittleCMS, behind the library's wall: ICC profiles and
/// RGB → CIELAB (D50, ICC PCS) transforms. No LittleCMS type crosses this header.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "smpshade/colour.hpp"
#include "smpshade/export.hpp"

namespace smpshade {

/// An ICC profile loaded by LittleCMS. Move-only. Build transforms from it in one thread; the
/// transforms themselves may then be used from many threads at once.
class SMPSHADE_API Profile {
 public:
  /// LittleCMS's built-in sRGB (IEC 61966-2-1).
  static Profile srgb();
  /// Loads an ICC profile from a file; throws IoError / ColourManagementError naming `path`.
  static Profile from_file(const std::string& path);
  /// Loads an ICC profile from bytes (e.g. embedded in an image); `origin` names it in messages.
  static Profile from_memory(const void* data, std::size_t size, const std::string& origin);

  /// The profile's description tag (en/US), or "" when it has none.
  std::string description() const;
  /// True when the profile's colour space is RGB.
  bool is_rgb() const;

  Profile(Profile&&) noexcept;
  Profile& operator=(Profile&&) noexcept;
  ~Profile();

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit Profile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// How RGB samples are stored: 8-bit, 16-bit unsigned, or 32-bit float (0..1), interleaved RGB.
enum class SampleType { U8, U16, F32 };

/// A relative-colorimetric transform from an RGB profile to CIELAB D50 (the ICC PCS).
class SMPSHADE_API RgbToLab {
 public:
  RgbToLab(const Profile& rgb, SampleType samples);
  RgbToLab(RgbToLab&&) noexcept;
  RgbToLab& operator=(RgbToLab&&) noexcept;
  ~RgbToLab();

  /// Converts `count` interleaved RGB pixels to Lab.
  void convert(const void* rgb, Lab* lab, std::size_t count) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A relative-colorimetric transform from CIELAB D50 to an RGB profile, as 0..1 doubles that
/// are not clipped, so out-of-gamut colours can be seen as values outside 0..1.
class SMPSHADE_API LabToRgb {
 public:
  explicit LabToRgb(const Profile& rgb);
  LabToRgb(LabToRgb&&) noexcept;
  LabToRgb& operator=(LabToRgb&&) noexcept;
  ~LabToRgb();

  struct Rgb {
    double r = 0, g = 0, b = 0;
  };
  Rgb convert(const Lab& lab) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smpshade
