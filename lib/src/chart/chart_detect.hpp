#pragma once
// The plugin's one entry point (libsmpshade-chart.so, loaded by chart_locator() in
// calibrate.cpp): OpenCV's mcc detector behind a function that takes and gives only smpshade
// types. Both sides are built together, so C++ types may cross; the name is unmangled so that
// dlsym finds it.

#include <string>
#include <vector>

#include "smpshade/calibrate.hpp"
#include "smpshade/image.hpp"

extern "C" {

/// The name chart_locator() looks up.
#define SMPSHADE_CHART_ENTRY "smpshade_find_colorchecker"

/// Fills `found` with the corners of the patch area of each ColorChecker OpenCV's mcc module
/// sees in `image` (displayed coordinates), best first. Square grids that are not a ColorChecker
/// can be among them, and which corner comes first is the detector's guess: calibrate() settles
/// both from the patches' colours. Returns false with `error` set when OpenCV fails.
using SmpshadeFindColorchecker = bool (*)(const smpshade::Image& image,
                                          std::vector<smpshade::ChartCorners>& found,
                                          std::string& error);
}
