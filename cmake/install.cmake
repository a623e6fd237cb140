# cmake --install: tools (apps/CMakeLists.txt), the library with headers, a pkg-config file and a
# CMake package (smpshade::smpshade), man pages, data/ and the catalogue.
include(CMakePackageConfigHelpers)

set(SMPSHADE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/smpshade"
    CACHE STRING "Where the CMake package files go")
set(SMPSHADE_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/smpshade"
    CACHE STRING "Where data/ and pigments/ go")

install(TARGETS smpshade EXPORT smpshadeTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY lib/include/smpshade DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES "${PROJECT_BINARY_DIR}/lib/generated/smpshade/version.hpp"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/smpshade)

install(EXPORT smpshadeTargets NAMESPACE smpshade:: DESTINATION ${SMPSHADE_INSTALL_CMAKEDIR})
configure_package_config_file(cmake/smpshadeConfig.cmake.in
  "${PROJECT_BINARY_DIR}/smpshadeConfig.cmake"
  INSTALL_DESTINATION ${SMPSHADE_INSTALL_CMAKEDIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/smpshadeConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/smpshadeConfig.cmake"
              "${PROJECT_BINARY_DIR}/smpshadeConfigVersion.cmake"
        DESTINATION ${SMPSHADE_INSTALL_CMAKEDIR})

configure_file(cmake/smpshade.pc.in "${PROJECT_BINARY_DIR}/smpshade.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/smpshade.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

file(GLOB smpshade_man1 "${PROJECT_SOURCE_DIR}/man/*.1")
file(GLOB smpshade_man5 "${PROJECT_SOURCE_DIR}/man/*.5")
file(GLOB smpshade_man7 "${PROJECT_SOURCE_DIR}/man/*.7")
install(FILES ${smpshade_man1} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${smpshade_man5} DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${smpshade_man7} DESTINATION ${CMAKE_INSTALL_MANDIR}/man7)

install(DIRECTORY data/ DESTINATION ${SMPSHADE_INSTALL_DATADIR}/data)
install(DIRECTORY pigments/ DESTINATION ${SMPSHADE_INSTALL_DATADIR}/pigments
        FILES_MATCHING PATTERN "*.yaml")
