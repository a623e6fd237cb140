#pragma once
// Numbers in messages: fixed decimals, as printf's "%.*f".

#include <cstdio>
#include <string>

namespace smpshade::detail {

/// `v` with `decimals` decimals: fixed(21.304, 2) is "21.30".
inline std::string fixed(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

}  // namespace smpshade::detail
