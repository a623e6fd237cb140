# One interface target that every smpshade target links, so the warning policy lives in one place.
add_library(smpshade_warnings INTERFACE)
target_compile_options(smpshade_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                   -Wnon-virtual-dtor -Wold-style-cast)
if(SMPSHADE_WERROR)
  target_compile_options(smpshade_warnings INTERFACE -Werror)
endif()
