# SMPSHADE_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer over the whole build.
# UBSan is made fatal so that a finding fails the test that hit it instead of scrolling past.
if(SMPSHADE_SANITIZE)
  set(smpshade_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=all
                              -fno-omit-frame-pointer)
  add_compile_options(${smpshade_sanitize_flags})
  add_link_options(${smpshade_sanitize_flags})
endif()

# SMPSHADE_FUZZ: libFuzzer harnesses (tests/fuzz). Needs clang; instruments everything for
# coverage and runs under ASan + UBSan, as libFuzzer is meant to be used.
if(SMPSHADE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SMPSHADE_FUZZ needs clang: configure with CXX=clang++")
  endif()
  # UBSan made fatal, so that undefined behaviour leaves a crash input like any other finding.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
