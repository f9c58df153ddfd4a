# The tests of a cross build run under an emulator (preset arm64: aarch64
# programs under qemu-user). Included from test/CMakeLists.txt when
# CMAKE_CROSSCOMPILING_EMULATOR is set; ctest prefixes every test program
# with it.
#
# What qemu-user does not do is listed here, in one place: a test case it
# cannot run is left out (GTEST_FILTER in the test's environment, so the
# rest of the program still runs), with the reason, printed at configure
# time. What differs on the target itself, not in the emulator, is a skip
# in the test (e.g. crash_handler_test: no SIGFPE for a division by zero).

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
  jot_emulated_child(jot-cat binary_log_round_trip_test binary_log_damage_test binary_log_files_test)
endif()

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

# qemu-user 7.2 drops a sendmsg() with no iovec (only a control message):
# it returns 0 and sends nothing. The journal's protocol passes an entry too
# large for a datagram exactly so: a sealed memfd and no payload.
jot_case_not_under_emulator(journald_sink_test
  journald_sink_test.an_entry_too_large_for_a_datagram_arrives_whole
  "qemu-user drops a sendmsg() that has a control message (the memfd) and no iovec")

# qemu-user's virtual counter advances in whole microseconds (it derives it
# from gettimeofday), so successive calls of one thread share a timestamp;
# merging two binary logs by time then cannot restore their call order.
jot_case_not_under_emulator(binary_log_round_trip_test
  binary_log_round_trip.jot_cat_merges_files_in_time_order
  "qemu-user's counter steps in microseconds: records share timestamps, two files merge in another order")

# A fork() while other threads run can leave qemu-user 7.2's child waiting
# forever on a lock of the emulator's own that another thread held (seen: a
# child at 0% CPU, once in two runs). The test forks twenty times while two
# threads log.
jot_case_not_under_emulator(fork_child_logs_test fork_child_logs.forks_amid_sync_mode_writes
  "qemu-user's child of a fork() amid running threads can hang on an emulator lock")

get_property(jot_emulated_tests DIRECTORY PROPERTY TESTS)
foreach(name IN LISTS jot_emulated_tests)
  get_test_property(${name} TIMEOUT jot_t)
  if(NOT jot_t OR jot_t LESS jot_emulated_timeout)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${jot_emulated_timeout})
  endif()
endforeach()
