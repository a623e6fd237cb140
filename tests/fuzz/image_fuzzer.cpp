// Fuzzes photo loading and measurement from bytes: format sniffing, the JPEG/PNG/TIFF decoders
// with their embedded ICC profiles and EXIF orientation, then the statistics and the hair/scalp
// split. Images over 4 megapixels are refused before decoding, as --max-pixels does.
#include <cstdint>

#include "smpshade/error.hpp"
#include "smpshade/measure.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const smpshade::Measurer measurer = [] {
    smpshade::MeasureOptions options;
    options.split = true;
    options.max_pixels = 4'000'000;
    return smpshade::Measurer(options);
  }();
  try {
    measurer.measure_memory(data, size, "fuzz");
  } catch (const smpshade::Error&) {
  }
  return 0;
}
