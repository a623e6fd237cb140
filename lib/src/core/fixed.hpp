#pragma once
// Numbers in messages: fixed decimals, as printf's "%.*f", and byte counts.

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>

namespace smpshade::detail {

/// `v` with `decimals` decimals: fixed(21.304, 2) is "21.30". A message never shows "inf" or
/// "nan", nor a number of hundreds of digits: a magnitude of a billion or more is written with
/// an exponent (fixed(1e300, 1) is "1e+300"), and a value that is not finite as "(no value)".
inline std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "(no value)";
  char text[64];
  if (std::fabs(v) >= 1e9) {
    std::snprintf(text, sizeof text, "%.3g", v);
  } else {
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
  }
  return text;
}

/// A byte count as messages give it: "16 MiB", "20.0 MiB", "512 KiB", "100 bytes".
inline std::string size_text(std::size_t bytes) {
  constexpr std::size_t kKiB = 1024, kMiB = kKiB * 1024;
  if (bytes >= kMiB) {
    return bytes % kMiB == 0 ? std::to_string(bytes / kMiB) + " MiB"
                             : fixed(static_cast<double>(bytes) / kMiB, 1) + " MiB";
  }
  if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

}  // namespace smpshade::detail
