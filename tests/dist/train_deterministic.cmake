# `minitorch train --deterministic` with 1, 2 and 4 processes (the same global batch, seed
# and 4 micro-batches) must save byte-identical checkpoints, and without --deterministic 2
# processes must finish too. Run by CTest (tests/dist/CMakeLists.txt) with MPIEXEC,
# MPIRUN_ARGS, MINITORCH and WORK_DIR set.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
separate_arguments(mpirun_args UNIX_COMMAND "${MPIRUN_ARGS}")
set(train_args train --dataset xor --points 60 --hidden 32 --epochs 20 --batch 10 --threads 1
  --optimizer adam --lr 0.01 --plot none --quiet)

foreach(np 1 2 4)
  execute_process(
    COMMAND ${MPIEXEC} -n ${np} ${mpirun_args} -x MINITORCH_DIST_TIMEOUT ${MINITORCH}
      ${train_args} --deterministic --micro-batches 4 --save ${WORK_DIR}/model_${np}.safetensors
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "train --deterministic with ${np} processes failed (${result}):\n${out}\n${err}")
  endif()
  message(STATUS "${np} process(es):\n${out}")
endforeach()
foreach(np 2 4)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK_DIR}/model_1.safetensors
    ${WORK_DIR}/model_${np}.safetensors RESULT_VARIABLE differ)
  if(NOT differ EQUAL 0)
    message(FATAL_ERROR "the model trained with ${np} processes differs from the one of 1 process")
  endif()
endforeach()

execute_process(
  COMMAND ${MPIEXEC} -n 2 ${mpirun_args} -x MINITORCH_DIST_TIMEOUT ${MINITORCH} ${train_args}
    --save ${WORK_DIR}/model_ddp.safetensors
  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT result EQUAL 0 OR NOT EXISTS ${WORK_DIR}/model_ddp.safetensors)
  message(FATAL_ERROR "data-parallel train with 2 processes failed (${result}):\n${out}\n${err}")
endif()
message(STATUS "data parallel, 2 processes:\n${out}")
message(STATUS "1, 2 and 4 processes saved identical models")
