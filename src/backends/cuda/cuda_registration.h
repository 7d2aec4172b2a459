// The hook through which the backend registry (backend_registry.cpp) adds the CUDA backend in
// builds with MT_HAVE_CUDA. Referencing cuda_backend() from the registry also keeps the CUDA
// objects in a static link, and with them the allocator registration they run at start-up.
#pragma once

namespace minitorch {

class Backend;

/// The CUDA backend ("cuda"); its allocator is registered for DeviceType::CUDA.
Backend& cuda_backend();

}  // namespace minitorch
