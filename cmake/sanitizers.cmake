# SMPSHADE_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer over the whole build.
# UBSan is made fatal so that a finding fails the test that hit it instead of scrolling past.
if(SMPSHADE_SANITIZE)
  set(smpshade_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=all
                              -fno-omit-frame-pointer)
  add_compile_options(${smpshade_sanitize_flags})
  add_link_options(${smpshade_sanitize_flags})
endif()
