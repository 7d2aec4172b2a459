# Runs the minitorch program (CLI) with ARGS (space-separated) and passes when it exits 2
# with exactly one line on stderr, "minitorch <EXPECT>" (EXPECT is a regex), and no stdout.
separate_arguments(argv UNIX_COMMAND "${ARGS}")
execute_process(COMMAND "${CLI}" ${argv} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "minitorch ${ARGS}: exit status ${rc}, expected 2\nstderr: ${err}")
endif()
if(NOT err MATCHES "^minitorch ${EXPECT}[^\n]*\n$")
  message(FATAL_ERROR "minitorch ${ARGS}: stderr is not one line matching "
                      "'minitorch ${EXPECT}':\n${err}")
endif()
if(NOT out STREQUAL "")
  message(FATAL_ERROR "minitorch ${ARGS}: printed to stdout:\n${out}")
endif()
message(STATUS "minitorch ${ARGS}: exit 2, ${err}")
