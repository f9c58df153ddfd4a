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
# logrotate, openssl, /bin/sh) start that way and talk to the emulated jot
# over sockets and files. The tests' child programs are aarch64 binaries of
# this build, so the tests get, in their place, a shell script that runs
# each through the emulator (under emulated/ in this directory).
string(REPLACE ";" "' '" jot_emulator_words "${CMAKE_CROSSCOMPILING_EMULATOR}")
# jot_emulated_child(<child target> <test target>...): the tests run the
# child through its script.
function(jot_emulated_child child)
  set(script ${CMAKE_CURRENT_BINARY_DIR}/emulated/$<TARGET_FILE_NAME:${child}>)
  file(GENERATE OUTPUT ${script}
    CONTENT "#!/bin/sh\nexec '${jot_emulator_words}' '$<TARGET_FILE:${child}>' \"$@\"\n"
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                     WORLD_READ WORLD_EXECUTE)
  foreach(test IN LISTS ARGN)
    get_target_property(defs ${test} COMPILE_DEFINITIONS)
    string(REPLACE "$<TARGET_FILE:${child}>" "${script}" defs "${defs}")
    set_target_properties(${test} PROPERTIES COMPILE_DEFINITIONS "${defs}")
  endforeach()
endfunction()
jot_emulated_child(jot_exit_child exit_without_shutdown_test)
jot_emulated_child(jot_failing_write_child sink_failure_test)
jot_emulated_child(jot_crash_child crash_handler_test)
jot_emulated_child(jot_rotation_child
  rotating_file_sink_test file_reopen_test logrotate_test rotation_two_million_test)
if(TARGET jot-cat)
  jot_emulated_child(jot-cat binary_log_round_trip_test binary_log_damage_test)
endif()

# jot_not_under_emulator(<test> <reason>): disables the test, says why.
function(jot_not_under_emulator name reason)
  if(TEST ${name})
    set_tests_properties(${name} PROPERTIES DISABLED TRUE)
    message(STATUS "jot: ${name} does not run under the emulator: ${reason}")
  endif()
endfunction()

# jot_case_not_under_emulator(<test> <gtest case> <reason>): leaves one case
# of a test program out (through GTEST_FILTER), says why.
function(jot_case_not_under_emulator name test_case reason)
  if(TEST ${name})
    set_property(GLOBAL APPEND PROPERTY jot_emulated_left_out_${name} ${test_case})
    get_property(cases GLOBAL PROPERTY jot_emulated_left_out_${name})
    string(REPLACE ";" ":" cases "${cases}")
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "GTEST_FILTER=-${cases}")
    message(STATUS "jot: ${name}: ${test_case} does not run under the emulator: ${reason}")
  endif()
endfunction()

# qemu-user 7.2 (Debian 12) aborts in a forked child of a multi-threaded
# program when the child starts a thread ("qemu_plugin_vcpu_init_hook:
# assertion failed"); the child here restarts jot's writer.
jot_case_not_under_emulator(fork_child_logs_test fork_child_logs.parent_and_child_records_each_once
  "qemu-user aborts when a forked child of a multi-threaded program starts a thread")

get_property(jot_emulated_tests DIRECTORY PROPERTY TESTS)
foreach(name IN LISTS jot_emulated_tests)
  get_test_property(${name} TIMEOUT jot_t)
  if(NOT jot_t OR jot_t LESS jot_emulated_timeout)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${jot_emulated_timeout})
  endif()
endforeach()
