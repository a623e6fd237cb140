#pragma once
// Finding a ColorChecker Classic 24 in a photo: OpenCV's mcc detector, behind a function that
// takes and gives only smpshade types (the ChartLocator of calibrate.hpp).

#include <vector>

#include "smpshade/calibrate.hpp"
#include "smpshade/image.hpp"

namespace smpshade {

/// The corners of the patch area of each ColorChecker OpenCV's mcc module sees in `image`
/// (displayed coordinates), best first; none when it sees none. Square grids that are not a
/// ColorChecker can be among them, and which corner comes first is the detector's guess:
/// calibrate() settles both from the patches' colours.
std::vector<ChartCorners> find_colorchecker(const Image& image);

}  // namespace smpshade
