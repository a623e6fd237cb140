// Fuzzes the command-line parsers the library owns: --region (parse_region) and --corners
// (parse_chart_corners). The first byte chooses the parser; the rest is the argument. Every
// accepted value is finite.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "smpshade/calibrate.hpp"
#include "smpshade/measure.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (data[0] % 2 == 0) {
      const smpshade::RegionSpec region = smpshade::parse_region(text);
      if (region.name.empty()) std::abort();
      for (const auto& v : region.values) {
        if (!std::isfinite(v.value)) std::abort();
      }
    } else {
      const smpshade::ChartCorners corners = smpshade::parse_chart_corners(text);
      for (const auto& p : corners) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) std::abort();
      }
    }
  } catch (const smpshade::Error&) {
  }
  return 0;
}
