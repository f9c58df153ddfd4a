# The tests of a cross build run under an emulator (preset arm64: aarch64
# programs under qemu-user). Included from test/CMakeLists.txt when
# CMAKE_CROSSCOMPILING_EMULATOR is set; ctest prefixes every test program
# with it.
#
# What qemu-user does not do is listed here, in one place: a test it cannot
# run is disabled with the reason, printed at configure time; ctest reports
# it as "Not Run (Disabled)" and does not count it as passed or failed.

# Emulation runs the programs several times slower than the hardware.
set(jot_emulated_timeout 600)

# qemu-user emulates one program: an execve() inside it starts the new
# program natively. The host's own programs (rsyslogd, syslog-ng,
# logrotate, openssl) start that way and talk to the emulated jot over
# sockets and files, but a child program of this build is an aarch64 binary,
# which the kernel runs only where binfmt_misc hands such binaries to qemu
# (Debian's qemu-user-binfmt, on a host that allows it).
set(jot_emulated_children OFF)
if(EXISTS /proc/sys/fs/binfmt_misc/qemu-${CMAKE_SYSTEM_PROCESSOR})
  file(STRINGS /proc/sys/fs/binfmt_misc/qemu-${CMAKE_SYSTEM_PROCESSOR} jot_binfmt LIMIT_COUNT 1)
  if(jot_binfmt STREQUAL "enabled")
    set(jot_emulated_children ON)
  endif()
endif()

# jot_not_under_emulator(<test> <reason>): disables the test, says why.
function(jot_not_under_emulator name reason)
  if(TEST ${name})
    set_tests_properties(${name} PROPERTIES DISABLED TRUE)
    message(STATUS "jot: ${name} does not run under the emulator: ${reason}")
  endif()
endfunction()

if(NOT jot_emulated_children)
  set(jot_child_reason
    "it runs a child program of this build (aarch64), and binfmt_misc does not hand those to qemu here")
  foreach(name
      exit_without_shutdown_test   # jot_exit_child
      sink_failure_test            # jot_failing_write_child
      crash_handler_test           # jot_crash_child
      file_reopen_test             # jot_rotation_child
      logrotate_test               # jot_rotation_child
      binary_log_round_trip_test   # jot-cat
      binary_log_damage_test)      # jot-cat
    jot_not_under_emulator(${name} "${jot_child_reason}")
  endforeach()
endif()

get_property(jot_emulated_tests DIRECTORY PROPERTY TESTS)
foreach(name IN LISTS jot_emulated_tests)
  get_test_property(${name} TIMEOUT jot_t)
  if(NOT jot_t OR jot_t LESS jot_emulated_timeout)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${jot_emulated_timeout})
  endif()
endforeach()
