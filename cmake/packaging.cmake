# The shared library's exports, and the pkg-config file.
#
#   jot_configure_exports(<target>)   for a shared <target>: hidden
#                                     visibility, only JOT_API exported
#                                     (include/jot/export.h, cmake/jot.map)
#   jot_install_pkg_config(<target>)  installs jot.pc for <target>
#
# Only the shared library gets hidden visibility: the static library, the
# default and the one the tests and benchmarks use, is compiled exactly as
# without an export macro, so nothing changes for it.

function(jot_configure_exports target)
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "SHARED_LIBRARY")
    return()
  endif()
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # The version script keeps template instantiations of the standard
  # library and fmt (default visibility in their headers) out of the
  # exports. GNU ld, gold, lld and mold all read it.
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" AND NOT APPLE)
    set(map "${PROJECT_SOURCE_DIR}/cmake/jot.map")
    target_link_options(${target} PRIVATE "LINKER:--version-script=${map}")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${map}")
  endif()
endfunction()

# jot.pc names its dependencies by their pkg-config modules: fmt is public
# (jot's headers include it, and the program's own code calls it); zlib and
# OpenSSL are used inside the library only, so a program linking the shared
# library needs them only through libjot.so (Requires.private), while one
# linking the static library needs them on its link line (Requires).
# The prefix is the one the installation goes to (`cmake --install
# --prefix` included), so the file is written at install time.
function(jot_install_pkg_config target)
  get_target_property(type ${target} TYPE)
  set(JOT_PC_REQUIRES "fmt")
  set(JOT_PC_REQUIRES_PRIVATE "zlib openssl")
  if(NOT type STREQUAL "SHARED_LIBRARY")
    set(JOT_PC_REQUIRES "fmt zlib openssl")
    set(JOT_PC_REQUIRES_PRIVATE "")
  endif()
  foreach(dir LIBDIR INCLUDEDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
      set(JOT_PC_${dir} "${CMAKE_INSTALL_${dir}}")
    else()
      set(JOT_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
    endif()
  endforeach()
  # Everything but the prefix now; the prefix when installing.
  set(JOT_PC_PREFIX "@JOT_PC_PREFIX@")
  set(template "${PROJECT_BINARY_DIR}/jot.pc.in")
  set(out "${PROJECT_BINARY_DIR}/jot.pc")
  configure_file("${PROJECT_SOURCE_DIR}/cmake/jot.pc.in" "${template}" @ONLY)
  install(CODE "
    set(JOT_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
    configure_file(\"${template}\" \"${out}\" @ONLY)
  ")
  install(FILES "${out}" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
endfunction()
