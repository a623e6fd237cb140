// Fuzzes CGATS.17 import (LittleCMS's IT8 parser, then our field and ladder logic).
#include <cstdint>
#include <string>

#include "smpshade/catalog_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  smpshade::CgatsImportOptions options;
  options.id = "fuzz";
  options.isolate_parser = false;  // a crash in LittleCMS's parser must reach libFuzzer
  try {
    smpshade::import_cgats_text(text, "fuzz.cgats", options);
  } catch (const smpshade::Error&) {
  }
  return 0;
}
