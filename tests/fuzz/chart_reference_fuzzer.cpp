// Fuzzes chart references read from CGATS (smp-calibrate --reference, smp-measure
// --chart-reference): the IT8 table, patch order, Lab or XYZ, the white, and the checks that a
// reference looks like a chart. Every accepted reference has 24 patches in range. The input is
// written to a scratch file, as the reader takes a path; LittleCMS's parser runs in its child
// process here too (cgats_fuzzer fuzzes it unisolated).
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "smpshade/calibrate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/smpshade-chart-fuzz-" + std::to_string(getpid()) + ".cgats";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const smpshade::ChartReference reference = smpshade::chart_reference_from_cgats(path);
    if (reference.patches.size() != 24) std::abort();
    for (const auto& patch : reference.patches) {
      const auto& lab = patch.lab;
      if (!(lab.l >= 0 && lab.l <= 100 && std::fabs(lab.a) <= 200 && std::fabs(lab.b) <= 200)) {
        std::abort();
      }
    }
  } catch (const smpshade::Error&) {
  }
  unlink(path.c_str());
  return 0;
}
