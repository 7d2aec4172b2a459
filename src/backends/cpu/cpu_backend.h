// The multi-threaded, vectorised CPU backend ("cpu"), the default for CPU tensors.
#pragma once

#include "backends/backend.h"

namespace minitorch::cpu {

/// The process-wide CPU backend instance.
Backend& cpu_backend();

}  // namespace minitorch::cpu
