# Compiles SOURCE twice with the project's compiler: as written (must
# succeed) and with JOT_EXPECT_ERROR defined (must fail).
foreach(mode ok error)
  set(defs "")
  if(mode STREQUAL "error")
    set(defs -DJOT_EXPECT_ERROR)
  endif()
  execute_process(
    COMMAND ${COMPILER} -std=c++20 -fsyntax-only ${defs} -I${INCLUDE} ${FMT_INCLUDES} ${SOURCE}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(mode STREQUAL "ok" AND NOT rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE} should compile without JOT_EXPECT_ERROR:\n${err}")
  endif()
  if(mode STREQUAL "error" AND rc EQUAL 0)
    message(FATAL_ERROR "${SOURCE} compiled with JOT_EXPECT_ERROR: the format was not checked")
  endif()
endforeach()
