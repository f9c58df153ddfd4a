# Compiles SOURCE with the project's compiler: as written (must succeed,
# with EXTRA_FLAGS), and, unless ONLY_OK is set, with JOT_EXPECT_ERROR
# defined (must fail, and, if EXPECT_MESSAGE is set, with a diagnostic
# that matches that regular expression).
set(modes ok error)
if(ONLY_OK)
  set(modes ok)
endif()
separate_arguments(extra UNIX_COMMAND "${EXTRA_FLAGS}")
foreach(mode ${modes})
  set(defs "")
  if(mode STREQUAL "error")
    set(defs -DJOT_EXPECT_ERROR)
  endif()
  execute_process(
    COMMAND ${COMPILER} -std=c++20 -c -o ${CMAKE_CURRENT_BINARY_DIR}/compile_check_${mode}.o
            ${extra} ${defs} -I${INCLUDE} ${FMT_INCLUDES} ${SOURCE}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(mode STREQUAL "ok" AND NOT rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE} should compile without JOT_EXPECT_ERROR:\n${err}")
  endif()
  if(mode STREQUAL "error" AND rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE} compiled with JOT_EXPECT_ERROR: the format was not checked")
  endif()
  if(mode STREQUAL "error" AND NOT "${EXPECT_MESSAGE}" STREQUAL "" AND
     NOT "${out}${err}" MATCHES "${EXPECT_MESSAGE}")
    message(FATAL_ERROR "${SOURCE} failed with JOT_EXPECT_ERROR, but without a diagnostic "
                        "matching '${EXPECT_MESSAGE}':\n${err}")
  endif()
endforeach()
