# OpenCV modules by their headers and libraries, without OpenCV's CMake package.
#
# Debian 12 ships OpenCVConfig.cmake only in libopencv-dev, a meta-package that pulls in every
# module (dnn, viz with VTK, highgui with Qt...) for the three this project uses. Each module's own
# -dev package (libopencv-core-dev, libopencv-imgproc-dev, libopencv-contrib-dev for mcc,
# libopencv-imgcodecs-dev) ships its header and its libopencv_<module>.so, which is all a build
# needs. smpshade_find_opencv(core imgproc) defines smpshade::opencv_core,
# smpshade::opencv_imgproc, ... or stops naming the missing module and its Debian package.
function(smpshade_find_opencv)
  find_path(SMPSHADE_OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4
            DOC "OpenCV 4 headers (Debian: libopencv-core-dev)")
  if(NOT SMPSHADE_OPENCV_INCLUDE_DIR)
    message(FATAL_ERROR "OpenCV 4 headers not found (opencv2/core.hpp): "
                        "install Debian's libopencv-core-dev (scripts/deps does)")
  endif()
  foreach(module IN LISTS ARGN)
    if(TARGET smpshade::opencv_${module})
      continue()
    endif()
    if(module STREQUAL "mcc")
      set(package libopencv-contrib-dev)
    else()
      set(package libopencv-${module}-dev)
    endif()
    find_path(SMPSHADE_OPENCV_${module}_HEADER opencv2/${module}.hpp
              HINTS "${SMPSHADE_OPENCV_INCLUDE_DIR}" NO_DEFAULT_PATH)
    find_library(SMPSHADE_OPENCV_${module}_LIBRARY opencv_${module}
                 DOC "OpenCV ${module} (Debian: ${package})")
    if(NOT SMPSHADE_OPENCV_${module}_HEADER OR NOT SMPSHADE_OPENCV_${module}_LIBRARY)
      message(FATAL_ERROR "OpenCV module '${module}' not found (opencv2/${module}.hpp and "
                          "libopencv_${module}.so): install Debian's ${package} (scripts/deps does)")
    endif()
    add_library(smpshade::opencv_${module} UNKNOWN IMPORTED GLOBAL)
    set_target_properties(smpshade::opencv_${module} PROPERTIES
      IMPORTED_LOCATION "${SMPSHADE_OPENCV_${module}_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${SMPSHADE_OPENCV_INCLUDE_DIR}")
    message(STATUS "OpenCV ${module}: ${SMPSHADE_OPENCV_${module}_LIBRARY}")
  endforeach()
endfunction()
