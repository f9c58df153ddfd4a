# Compiler warnings for jot's own targets.
#
#   jot_set_warnings(<target>)
#
# Adds jot's warning set as PRIVATE compile options, so consumers never
# inherit them. -Werror is added only when JOT_WERROR is ON.

option(JOT_WERROR "Treat compiler warnings as errors in jot's targets" OFF)

function(jot_set_warnings target)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "jot_set_warnings: '${target}' is not a target")
  endif()

  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall
      -Wextra
      -Wpedantic
      -Wshadow
      -Wnon-virtual-dtor
      -Wold-style-cast
      -Wcast-align
      -Wunused
      -Woverloaded-virtual
      -Wnull-dereference
      -Wdouble-promotion
      -Wformat=2
      -Wimplicit-fallthrough)
    if(JOT_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive-)
    if(JOT_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  else()
    message(STATUS "jot: no warning flags known for compiler '${CMAKE_CXX_COMPILER_ID}'")
  endif()
endfunction()
