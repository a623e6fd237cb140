#pragma once
/// @file export.hpp
/// Symbol visibility: the library is built with hidden visibility, and SMPSHADE_API marks what
/// it exports.

#define SMPSHADE_API __attribute__((visibility("default")))
