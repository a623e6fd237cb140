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
  // The limits at small values too, where a file reaches them (smpshade(7), LIMITS).
  smpshade::CatalogLimits limits;
  limits.max_file_bytes = size % 3 == 0 && size > 0 ? size - 1 : size;  // at, or one over
  limits.max_yaml_depth = 1 + static_cast<std::uint32_t>(size % 8);
  limits.max_yaml_nodes = 1 + size % 64;
  limits.max_alias_expansion = 1 + size % 128;
  try {
    smpshade::load_catalog_text(text, "fuzz.yaml", limits);
  } catch (const smpshade::Error&) {
  }
  return 0;
}
