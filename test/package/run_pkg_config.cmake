# Builds test/package/consumer/main.cc with a plain compiler command and the
# flags `pkg-config --cflags --libs jot` gives for an installed jot, runs it,
# and checks the record it logged. Any failure is a FATAL_ERROR.
#
#   cmake -DPREFIX=<jot's install prefix> -DSOURCE=<main.cc> -DWORK_DIR=<dir>
#         -DCXX_COMPILER=<c++> -DPKG_CONFIG=<pkg-config> -DVERSION=<x.y.z>
#         [-DEXPECT_SHARED=ON]   # else the consumer must not load libjot.so
#         -P run_pkg_config.cmake
cmake_minimum_required(VERSION 3.22)

foreach(var PREFIX SOURCE WORK_DIR CXX_COMPILER PKG_CONFIG VERSION)
  if("${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_pkg_config.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

file(GLOB_RECURSE pc_files LIST_DIRECTORIES false "${PREFIX}/*/pkgconfig/jot.pc")
list(LENGTH pc_files n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "pkg-config test: expected one jot.pc under ${PREFIX}, found '${pc_files}'")
endif()
get_filename_component(pc_dir "${pc_files}" DIRECTORY)

# pkg-config ARGS...: its output in `out`; a failure stops the test.
function(pkg_config out)
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${pc_dir}" "${PKG_CONFIG}" ${ARGN}
    OUTPUT_VARIABLE text ERROR_VARIABLE err RESULT_VARIABLE rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config test: pkg-config ${ARGN} failed (${rc}): ${err}")
  endif()
  string(REPLACE ";" " " args "${ARGN}")
  message(STATUS "pkg-config ${args}: ${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

pkg_config(version --modversion jot)
if(NOT version STREQUAL VERSION)
  message(FATAL_ERROR "pkg-config test: jot.pc says version '${version}', not '${VERSION}'")
endif()
# The prefix is where jot was installed, not where its build meant to go.
pkg_config(pc_prefix --variable=prefix jot)
file(REAL_PATH "${PREFIX}" real_prefix)
file(REAL_PATH "${pc_prefix}" real_pc_prefix)
if(NOT real_pc_prefix STREQUAL real_prefix)
  message(FATAL_ERROR "pkg-config test: jot.pc's prefix is '${pc_prefix}', not '${PREFIX}'")
endif()
pkg_config(libdir --variable=libdir jot)
pkg_config(flags --cflags --libs jot)
separate_arguments(flags UNIX_COMMAND "${flags}")

# As a user would: the flags, C++20, and a run path to the library.
set(exe "${WORK_DIR}/jot_consumer")
execute_process(
  COMMAND "${CXX_COMPILER}" -std=c++20 "${SOURCE}" -o "${exe}" ${flags} "-Wl,-rpath,${libdir}"
  COMMAND_ECHO STDOUT RESULT_VARIABLE rc TIMEOUT 600)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config test: compiling the consumer failed (${rc})")
endif()
file(STRINGS "${exe}" needed REGEX "^libjot\\.so\\.[0-9.]+$")
if(EXPECT_SHARED AND needed STREQUAL "")
  message(FATAL_ERROR "pkg-config test: the consumer does not load libjot.so")
elseif(NOT EXPECT_SHARED AND NOT needed STREQUAL "")
  message(FATAL_ERROR "pkg-config test: the consumer loads ${needed}, not the static library")
endif()

set(log_file "${WORK_DIR}/consumer.log")
execute_process(COMMAND "${exe}" "${log_file}" RESULT_VARIABLE rc TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config test: the consumer failed (${rc})")
endif()
if(NOT EXISTS "${log_file}")
  message(FATAL_ERROR "pkg-config test: the consumer wrote no '${log_file}'")
endif()
file(READ "${log_file}" contents)
if(NOT contents MATCHES "INFO +\\[[0-9]+\\] consumer: hello 42 request=7 \\(main\\.cc:[0-9]+\\)\n$")
  message(FATAL_ERROR "pkg-config test: unexpected record in '${log_file}':\n${contents}")
endif()
message(STATUS "package test (pkg-config) passed: ${contents}")
