# Cross build for aarch64 Linux with Debian's cross compiler and the arm64
# packages of jot's dependencies (Debian multiarch), the tests run under
# qemu-user. Used by the `arm64` preset; test/run.sh --pass arm64 installs:
#
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install g++-aarch64-linux-gnu qemu-user libfmt-dev:arm64 \
#     libboost-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64 \
#     zlib1g-dev:arm64 libssl-dev:arm64 nlohmann-json3-dev
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(jot_cross_triple aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${jot_cross_triple}-gcc)
set(CMAKE_CXX_COMPILER ${jot_cross_triple}-g++)
# Multiarch: the arm64 packages' libraries and CMake files are under
# /usr/lib/aarch64-linux-gnu, their headers under /usr/include.
set(CMAKE_LIBRARY_ARCHITECTURE ${jot_cross_triple})

# Libraries, headers and packages for the target only; programs (the host's
# tools) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${jot_cross_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# pkg-config (FindOpenSSL asks it first) reads the arm64 packages' .pc files.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${jot_cross_triple}/pkgconfig:/usr/share/pkgconfig)

# ctest and gtest_discover_tests run the test programs through qemu-user.
# The arm64 packages bring the multiarch C library (libc6:arm64), and then
# the programs must run with its loader, /lib/ld-linux-aarch64.so.1: with
# -L /usr/aarch64-linux-gnu qemu would take the loader of the cross
# toolchain's own C library, a different build, which then loads the
# multiarch libc.so.6 (through ld.so.cache), and the mix hangs in
# pthread_create. Only without the multiarch C library is that prefix used.
if(NOT DEFINED CMAKE_CROSSCOMPILING_EMULATOR)
  find_program(jot_qemu_aarch64 qemu-aarch64)
  if(jot_qemu_aarch64)
    if(EXISTS /lib/ld-linux-aarch64.so.1)
      set(CMAKE_CROSSCOMPILING_EMULATOR ${jot_qemu_aarch64})
    else()
      set(CMAKE_CROSSCOMPILING_EMULATOR ${jot_qemu_aarch64} -L /usr/${jot_cross_triple})
    endif()
  endif()
endif()
