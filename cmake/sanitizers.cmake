# Sanitizer builds, chosen with the cache variable JOT_SANITIZE (declared in
# the top-level CMakeLists.txt):
#
#   ""        no sanitizers
#   address   AddressSanitizer + UndefinedBehaviorSanitizer
#   thread    ThreadSanitizer
#
#   jot_apply_sanitizers(<target>)
#
# Adds the flags as PUBLIC compile and link options, so every executable that
# links the target (tests, benchmarks, examples) is instrumented and links the
# sanitizer runtime too.

if(DEFINED CACHE{JOT_SANITIZE})
  set_property(CACHE JOT_SANITIZE PROPERTY STRINGS "" address thread)
endif()

if("${JOT_SANITIZE}" STREQUAL "address")
  set(jot_sanitizer_flags
    -fsanitize=address,undefined
    -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
elseif("${JOT_SANITIZE}" STREQUAL "thread")
  set(jot_sanitizer_flags
    -fsanitize=thread
    -fno-omit-frame-pointer)
elseif("${JOT_SANITIZE}" STREQUAL "")
  set(jot_sanitizer_flags "")
else()
  message(FATAL_ERROR
    "JOT_SANITIZE='${JOT_SANITIZE}' is not supported. Use '' (none), "
    "'address' (ASan + UBSan) or 'thread' (TSan).")
endif()

if(jot_sanitizer_flags AND NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  message(FATAL_ERROR
    "JOT_SANITIZE='${JOT_SANITIZE}' needs GCC or Clang, not '${CMAKE_CXX_COMPILER_ID}'.")
endif()

if(jot_sanitizer_flags)
  message(STATUS "jot: sanitizers: ${JOT_SANITIZE} (${jot_sanitizer_flags})")
endif()

function(jot_apply_sanitizers target)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "jot_apply_sanitizers: '${target}' is not a target")
  endif()
  if(jot_sanitizer_flags)
    target_compile_options(${target} PUBLIC ${jot_sanitizer_flags})
    target_link_options(${target} PUBLIC ${jot_sanitizer_flags})
  endif()
endfunction()
