// Placeholder: serial parallel_for until the thread pool lands (issue 3).
#include "backends/cpu/parallel.h"

namespace minitorch::cpu {

void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t grain,
                  const std::function<void(std::int64_t, std::int64_t)>& fn) {
  if (grain < 1) {
    grain = 1;
  }
  for (std::int64_t chunk = begin; chunk < end; chunk += grain) {
    fn(chunk, chunk + grain < end ? chunk + grain : end);
  }
}

int num_threads() { return 1; }

}  // namespace minitorch::cpu
