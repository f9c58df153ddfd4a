# Builds and runs one package consumer; any failure is a FATAL_ERROR, which
# makes `cmake -P` exit non-zero and the CTest test fail.
#
#   cmake -DMODE=install|subdir|fetchcontent|prefix -DCONSUMER_DIR=<dir> -DWORK_DIR=<dir>
#         [-DJOT_BINARY_DIR=<dir>]   # MODE=install: the build tree to install
#         [-DJOT_SOURCE_DIR=<dir>]   # MODE=subdir, fetchcontent: jot's source tree
#         [-DJOT_PREFIX=<dir>]       # MODE=prefix: where jot is installed already
#         [-DEXPECT_SHARED=ON]       # the consumer must load libjot.so
#         -DGENERATOR=<gen> [-DMAKE_PROGRAM=<path>] -DCXX_COMPILER=<path>
#         [-DCXX_FLAGS=<flags>] [-DCONFIG=<build type>]
#         [-DPREFIX_PATH=<dirs separated by '|'>]
#         -P run_consumer.cmake
#
# MODE=install: `cmake --install` JOT_BINARY_DIR into WORK_DIR/prefix, then
# build CONSUMER_DIR against it with find_package(jot).
# MODE=subdir: build CONSUMER_DIR, which add_subdirectory()s JOT_SOURCE_DIR.
# MODE=fetchcontent: build CONSUMER_DIR, which fetches JOT_SOURCE_DIR with
# FetchContent, then install that build (jot included) into WORK_DIR/prefix.
# MODE=prefix: build CONSUMER_DIR against JOT_PREFIX with find_package(jot).
# Either way the consumer is then run with a fresh log file in WORK_DIR.
cmake_minimum_required(VERSION 3.22)

function(require var)
  if("${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
  endif()
endfunction()

# Runs a command, echoing it; stops with `what` if it fails in any way
# (non-zero exit, signal, timeout, or could not be started).
function(run_step what timeout_seconds)
  execute_process(COMMAND ${ARGN}
    COMMAND_ECHO STDOUT
    RESULT_VARIABLE rc
    TIMEOUT ${timeout_seconds})
  if(NOT "${rc}" STREQUAL "0")
    message(FATAL_ERROR "package test: ${what} failed (${rc})")
  endif()
endfunction()

foreach(var MODE CONSUMER_DIR WORK_DIR GENERATOR CXX_COMPILER)
  require(${var})
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(build "${WORK_DIR}/build")
set(log_file "${WORK_DIR}/consumer.log")
string(REPLACE "|" ";" prefix_path "${PREFIX_PATH}")

# Start from nothing, so a stale build or install cannot make this pass.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(config_args "")
if(NOT "${CONFIG}" STREQUAL "")
  set(config_args --config "${CONFIG}")
endif()

# The consumer's settings go in an initial cache (-C) rather than on the
# command line, so that lists such as CMAKE_PREFIX_PATH keep their ';'.
if(MODE STREQUAL "install")
  require(JOT_BINARY_DIR)
  # The installed tree comes first; the parent build's own prefixes follow so
  # that jot's dependencies (fmt, Boost) are found where the parent found them.
  list(PREPEND prefix_path "${prefix}")
elseif(MODE STREQUAL "prefix")
  require(JOT_PREFIX)
  set(prefix "${JOT_PREFIX}")
  list(PREPEND prefix_path "${prefix}")
elseif(MODE STREQUAL "subdir" OR MODE STREQUAL "fetchcontent")
  require(JOT_SOURCE_DIR)
else()
  message(FATAL_ERROR
    "run_consumer.cmake: MODE must be 'install', 'subdir', 'fetchcontent' or 'prefix', not '${MODE}'")
endif()

set(initial_cache "${WORK_DIR}/initial-cache.cmake")
file(WRITE "${initial_cache}" "")
function(cache_setting name type value)
  file(APPEND "${initial_cache}" "set(${name} [==[${value}]==] CACHE ${type} \"\")\n")
endfunction()
cache_setting(CMAKE_CXX_COMPILER FILEPATH "${CXX_COMPILER}")
cache_setting(CMAKE_CXX_FLAGS STRING "${CXX_FLAGS}")
# The add_subdirectory consumer builds jot unoptimised: what it checks does
# not depend on the build type, and jot compiles at -O0 in about 40% of the
# time of -O3 (the CI time budget). The others keep this tree's build type:
# the fetchcontent build is installed for consumers of that build type.
if(MODE STREQUAL "subdir")
  cache_setting(CMAKE_BUILD_TYPE STRING "")
else()
  cache_setting(CMAKE_BUILD_TYPE STRING "${CONFIG}")
endif()
cache_setting(CMAKE_PREFIX_PATH STRING "${prefix_path}")
# Only the prefixes above, never a package registry.
cache_setting(CMAKE_FIND_USE_PACKAGE_REGISTRY BOOL OFF)
cache_setting(CMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY BOOL OFF)
if(NOT "${MAKE_PROGRAM}" STREQUAL "")
  cache_setting(CMAKE_MAKE_PROGRAM FILEPATH "${MAKE_PROGRAM}")
endif()
if(MODE STREQUAL "subdir" OR MODE STREQUAL "fetchcontent")
  cache_setting(JOT_SOURCE_DIR PATH "${JOT_SOURCE_DIR}")
endif()

if(MODE STREQUAL "install")
  run_step("installing jot from ${JOT_BINARY_DIR}" 300
    "${CMAKE_COMMAND}" --install "${JOT_BINARY_DIR}" --prefix "${prefix}" ${config_args})
endif()

run_step("configuring the ${MODE} consumer" 300
  "${CMAKE_COMMAND}" -C "${initial_cache}" -S "${CONSUMER_DIR}" -B "${build}" -G "${GENERATOR}")

if(MODE STREQUAL "install" OR MODE STREQUAL "prefix")
  # Make sure the jot that was found is the one just installed, not some
  # other copy on the system.
  file(STRINGS "${build}/CMakeCache.txt" jot_dir_line REGEX "^jot_DIR:[A-Z]+=")
  string(REGEX REPLACE "^jot_DIR:[A-Z]+=" "" jot_dir "${jot_dir_line}")
  if(jot_dir STREQUAL "" OR NOT EXISTS "${jot_dir}")
    message(FATAL_ERROR "package test: the consumer's jot_DIR is '${jot_dir}'")
  endif()
  file(REAL_PATH "${prefix}" real_prefix)
  file(REAL_PATH "${jot_dir}" real_jot_dir)
  cmake_path(IS_PREFIX real_prefix "${real_jot_dir}" NORMALIZE found_in_prefix)
  if(NOT found_in_prefix)
    message(FATAL_ERROR
      "package test: the consumer found jot in '${jot_dir}', not under '${prefix}'")
  endif()
endif()

run_step("building the consumer" 1200 "${CMAKE_COMMAND}" --build "${build}" ${config_args})

set(exe "${build}/bin/jot_consumer")
if(NOT EXISTS "${exe}" AND EXISTS "${exe}.exe")
  set(exe "${exe}.exe")
endif()
if(NOT EXISTS "${exe}")
  message(FATAL_ERROR "package test: the build produced no '${exe}'")
endif()
if(EXPECT_SHARED)
  # The executable names the library's SONAME (DT_NEEDED), not a static copy.
  file(STRINGS "${exe}" needed REGEX "^libjot\\.so\\.[0-9.]+$")
  if(needed STREQUAL "")
    message(FATAL_ERROR "package test: '${exe}' does not load libjot.so")
  endif()
  message(STATUS "package test: the consumer loads ${needed}")
endif()

file(REMOVE "${log_file}")
run_step("running the consumer" 60 "${exe}" "${log_file}")

# The consumer checks its own output; check again here so that a consumer
# that returns 0 without logging still fails the test.
if(NOT EXISTS "${log_file}")
  message(FATAL_ERROR "package test: the consumer wrote no '${log_file}'")
endif()
file(READ "${log_file}" contents)
string(FIND "${contents}" "hello 42" at)
if(at EQUAL -1)
  message(FATAL_ERROR "package test: 'hello 42' is not in '${log_file}':\n${contents}")
endif()
if(MODE STREQUAL "fetchcontent")
  # For the tests that consume this installation (fixture jot_shared).
  run_step("installing the fetchcontent build" 300
    "${CMAKE_COMMAND}" --install "${build}" --prefix "${prefix}" ${config_args})
endif()
message(STATUS "package test (${MODE}) passed")
