# Checks an installed libjot.so: its file names and SONAME, and that it
# exports jot's API and nothing else. Any failure is a FATAL_ERROR.
#
#   cmake -DPREFIX=<install prefix> -DSONAME=<libjot.so.N> -DNM=<nm>
#         -DOBJDUMP=<objdump> -P check_exports.cmake
#
# Exported (nm -D --defined-only, demangled): every symbol must be in
# namespace jot, as itself or as the typeinfo, vtable, thunk or TLS helper of
# something in it (cmake/jot.map). A symbol of the standard library or fmt
# here would be a template instantiation that could stand in for the
# program's own copy. `allowed` lists exceptions, none so far. `required`
# lists what inline header code and programs need from the library.
cmake_minimum_required(VERSION 3.22)

foreach(var PREFIX SONAME NM OBJDUMP)
  if("${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_exports.cmake: -D${var}=... is required")
  endif()
endforeach()

file(GLOB_RECURSE libs LIST_DIRECTORIES false "${PREFIX}/lib*/libjot.so")
list(LENGTH libs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "exports: expected one libjot.so under ${PREFIX}/lib*, found: '${libs}'")
endif()
get_filename_component(libdir "${libs}" DIRECTORY)
# libjot.so -> libjot.so.<soversion> -> libjot.so.<version>: the first two
# are links, the last the file.
foreach(name libjot.so "${SONAME}")
  if(NOT IS_SYMLINK "${libdir}/${name}")
    message(FATAL_ERROR "exports: ${libdir}/${name} is not a symbolic link")
  endif()
endforeach()

execute_process(COMMAND "${OBJDUMP}" -p "${libdir}/libjot.so"
  OUTPUT_VARIABLE headers RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exports: ${OBJDUMP} -p failed (${rc})")
endif()
if(NOT headers MATCHES "SONAME +([^\n]+)")
  message(FATAL_ERROR "exports: libjot.so has no SONAME")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL SONAME)
  message(FATAL_ERROR "exports: the SONAME is '${CMAKE_MATCH_1}', expected '${SONAME}'")
endif()

execute_process(COMMAND "${NM}" -D --defined-only -C "${libdir}/libjot.so"
  OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exports: ${NM} -D failed (${rc})")
endif()

set(allowed "")
set(required
  "jot::make_logger("
  "jot::file_sink("
  "jot::shutdown()"
  "jot::configure_levels("
  "jot::prepare_thread()"
  "jot::rotating_binary_file_sink("
  "jot::detail::tls_producer"
  "jot::detail::tls_scope"
  "jot::detail::g_tick_source"
  "jot::detail::submit_encoded("
  "jot::detail::format_on_caller("
  "typeinfo for jot::config_error"
  "typeinfo for jot::sink"
  "vtable for jot::sink")
set(helpers "typeinfo for |typeinfo name for |vtable for |VTT for |non-virtual thunk to |virtual thunk to |TLS init function for |TLS wrapper function for ")

string(REPLACE ";" "\\;" listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(bad "")
set(count 0)
set(seen "")
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  if(NOT line MATCHES "^[0-9a-fA-F]* *([A-Za-z]) (.+)$")
    list(APPEND bad "${line} (unreadable)")
    continue()
  endif()
  set(name "${CMAKE_MATCH_2}")
  math(EXPR count "${count} + 1")
  string(REGEX REPLACE "^(${helpers})" "" owner "${name}")
  if(owner MATCHES "^jot::")
    foreach(r IN LISTS required)
      string(FIND "${name}" "${r}" at)
      if(at EQUAL 0)
        list(APPEND seen "${r}")
      endif()
    endforeach()
  elseif(NOT name IN_LIST allowed)
    list(APPEND bad "${name}")
  endif()
endforeach()

if(NOT bad STREQUAL "")
  list(JOIN bad "\n  " text)
  message(FATAL_ERROR "exports: libjot.so exports symbols outside namespace jot:\n  ${text}")
endif()
set(missing "")
foreach(r IN LISTS required)
  if(NOT r IN_LIST seen)
    list(APPEND missing "${r}")
  endif()
endforeach()
if(NOT missing STREQUAL "")
  list(JOIN missing "\n  " text)
  message(FATAL_ERROR "exports: libjot.so does not export:\n  ${text}")
endif()
message(STATUS "exports: ${SONAME}, ${count} symbols, all in namespace jot")
