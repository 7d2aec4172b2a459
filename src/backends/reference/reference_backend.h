// The reference backend: the oracle every other backend is tested against.
#pragma once

#include "backends/backend.h"

namespace minitorch {

/// The process-wide reference backend instance.
Backend& reference_backend();

}  // namespace minitorch
