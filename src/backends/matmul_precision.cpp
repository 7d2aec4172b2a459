// The TF32 permission (minitorch/matmul_precision.h). Two atomics instead of a lock: the
// program's choice (-1: none) and MINITORCH_ALLOW_TF32's value cached after its first read
// (-1: not read), so that a CUDA matmul asks without taking config's mutex.
#include "minitorch/matmul_precision.h"

#include <atomic>

#include "minitorch/config.h"

namespace minitorch {
namespace {
std::atomic<int> chosen{-1};
std::atomic<int> from_config{-1};
}  // namespace

void set_allow_tf32(bool allow) { chosen.store(allow ? 1 : 0, std::memory_order_relaxed); }

void reset_allow_tf32() {
  chosen.store(-1, std::memory_order_relaxed);
  from_config.store(-1, std::memory_order_relaxed);
}

bool allow_tf32() {
  const int choice = chosen.load(std::memory_order_relaxed);
  if (choice >= 0) {
    return choice == 1;
  }
  int value = from_config.load(std::memory_order_relaxed);
  if (value < 0) {
    value = config::allow_tf32() ? 1 : 0;
    from_config.store(value, std::memory_order_relaxed);
  }
  return value == 1;
}

}  // namespace minitorch
