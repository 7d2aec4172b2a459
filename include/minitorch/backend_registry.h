// Choosing the backend that runs ops on CPU tensors: "cpu" (the default) or "reference".
// The choice is process-wide and meant to be made once, before work starts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "minitorch/device.h"

namespace minitorch {

/// Runs subsequent ops on devices of the named backend's type with it. Throws Error
/// naming the available backends when name is unknown.
void set_backend(std::string_view name);

/// Name of the backend currently used for device.
std::string backend_name(Device device);

/// Names of all registered backends, e.g. {"cpu", "reference"}.
std::vector<std::string> available_backends();
/// Names of the registered backends for devices of type, e.g. {"cpu", "reference"} for CPU.
std::vector<std::string> available_backends(DeviceType type);

}  // namespace minitorch
