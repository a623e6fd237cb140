# cpack -G DEB: a Debian 12 package from the same install rules as cmake --install (a clinic's IT
# installs packages, not build trees). Its Depends line is computed by dpkg-shlibdeps from the
# libraries the tools, libsmpshade and the chart plugin really link (dpkg-dev and file, in
# scripts/deps), plus the font smp-render draws with.
set(CPACK_PACKAGE_NAME smpshade)
set(CPACK_PACKAGE_VENDOR "smpshade developers")
set(CPACK_PACKAGE_CONTACT "smpshade developers <smpshade@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
# libtiff6 and libheif1 are loaded at run time (dlopen), where dpkg-shlibdeps cannot see them.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core, libtiff6 (>= 4.5), libheif1 (>= 1.15)")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Colour-managed photos to CIELAB, a YAML pigment catalogue, Kubelka-Munk ink + diluent
 recipes ranked by CIEDE2000: smp-measure, smp-calibrate, smp-match, smp-catalog, smp-diff,
 smp-render, with libsmpshade, its headers, man pages and the bundled catalogue.")
include(CPack)
