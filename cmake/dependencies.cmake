# Third-party libraries, all from Debian 12 packages (scripts/deps installs them).
# The library links LittleCMS, yaml-cpp and the image libraries PRIVATE: none of their types cross
# its API. OpenCV is linked only by the chart plugin (lib/src/chart) and the tests.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LCMS2 REQUIRED IMPORTED_TARGET lcms2>=2.12)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(CLI11 2 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(Threads REQUIRED)
# Photos (smp-measure): libjpeg-turbo (>= 2.0 for jpeg_read_icc_profile), libpng and libtiff
# (>= 4.5 for per-file error handlers) decode them inside the library, linked PRIVATE.
find_package(JPEG REQUIRED)
find_package(PNG REQUIRED)
# libtiff's header at build time; the library is loaded on the first TIFF photo (as libheif).
find_package(TIFF 4.5 REQUIRED)
# HEIF (iPhone HEIC): libheif's header at build time (libheif-dev, 1.15 or later); the library
# itself is loaded on the first HEIF photo (dlopen, lib/src/formats/image/image_heif.cpp), so
# that its codecs do not slow every tool's start. The tests link it to write HEIF files.
pkg_check_modules(HEIF REQUIRED IMPORTED_TARGET libheif>=1.15)
include(opencv_modules)
