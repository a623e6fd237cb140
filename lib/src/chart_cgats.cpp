#include "smpshade/calibrate.hpp"
#include "smpshade/error.hpp"

namespace smpshade {
// PLACEHOLDER until cgats.cpp's parser is shared (in progress): replaced before commit.
ChartReference chart_reference_from_cgats(const std::string& path) {
  throw InputError("CGATS chart references are not read yet", Location{path});
}
}  // namespace smpshade
