# Build options. Tests default on only when smpshade is the top-level project (as fmt does).
if(CMAKE_CURRENT_SOURCE_DIR STREQUAL CMAKE_SOURCE_DIR)
  set(smpshade_is_top_level ON)
else()
  set(smpshade_is_top_level OFF)
endif()

option(SMPSHADE_BUILD_TESTS "Build the unit, CLI and fuzz-replay tests" ${smpshade_is_top_level})
option(SMPSHADE_BUILD_BENCH "Build the benchmark programs of bench/" ${smpshade_is_top_level})
option(SMPSHADE_WERROR "Treat compiler warnings as errors (CI)" OFF)
option(SMPSHADE_FUZZ "Also build the fuzz harnesses as libFuzzer binaries (clang only)" OFF)
option(SMPSHADE_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)

include(GNUInstallDirs)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

set(CMAKE_POSITION_INDEPENDENT_CODE ON)
set(CMAKE_CXX_VISIBILITY_PRESET hidden)
set(CMAKE_VISIBILITY_INLINES_HIDDEN ON)

# Installed tools find libsmpshade, and libsmpshade its chart plugin, relative to themselves:
# bin/smp-* → $ORIGIN/../lib/<multiarch>, from any prefix, with no LD_LIBRARY_PATH or ldconfig
# (and so also from a .deb unpacked anywhere).
if(NOT DEFINED CMAKE_INSTALL_RPATH)
  file(RELATIVE_PATH smpshade_bin_to_lib "/${CMAKE_INSTALL_BINDIR}" "/${CMAKE_INSTALL_LIBDIR}")
  set(CMAKE_INSTALL_RPATH "$ORIGIN/${smpshade_bin_to_lib};$ORIGIN")
endif()
