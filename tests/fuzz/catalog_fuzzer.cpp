// Fuzzes the catalogue loader and linter with YAML text, and fits the Kubelka-Munk model of
// every pigment a catalogue that loads holds (arbitrary ladders must not crash the fit).
#include <cstdint>
#include <string>

#include "smpshade/catalog.hpp"
#include "smpshade/catalog_lint.hpp"
#include "smpshade/km.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  smpshade::lint_catalog_text(text, "fuzz.yaml");
  try {
    const smpshade::Catalog catalog = smpshade::load_catalog_text(text, "fuzz.yaml");
    for (const auto& pigment : catalog.pigments) {
      try {
        smpshade::fit_pigment(pigment, catalog);
      } catch (const smpshade::Error&) {
      }
    }
  } catch (const smpshade::Error&) {
  }
  return 0;
}
