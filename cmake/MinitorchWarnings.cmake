# Warning and sanitizer flags, applied per target (never globally).
function(mt_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Werror=switch)
  if(MT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Sanitizers must reach every object and the link of every executable, so they are
# attached to an interface target that all our targets link.
add_library(mt_sanitizers INTERFACE)
if(MT_SANITIZE)
  list(JOIN MT_SANITIZE "," mt_sanitize_list)
  target_compile_options(mt_sanitizers INTERFACE
    -fsanitize=${mt_sanitize_list} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(mt_sanitizers INTERFACE -fsanitize=${mt_sanitize_list})
endif()
# Fuzz builds instrument every object for libFuzzer's coverage feedback; only the fuzz
# targets themselves link libFuzzer's main (fuzz/CMakeLists.txt).
if(MT_FUZZ)
  target_compile_options(mt_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()
install(TARGETS mt_sanitizers EXPORT minitorchTargets)
