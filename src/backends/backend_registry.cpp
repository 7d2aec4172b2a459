// Backend registry: a fixed table per device type, filled at start-up. Looking up the
// backend for an op is one array index (no lock, no string compare on the hot path).
#include "minitorch/backend_registry.h"

#include <array>
#include <atomic>
#include <string>

#include "backends/backend.h"
#include "backends/cpu/cpu_backend.h"
#include "backends/reference/reference_backend.h"
#include "minitorch/error.h"
#ifdef MT_HAVE_CUDA
#include "backends/cuda/cuda_registration.h"
#endif

namespace minitorch {
namespace {

struct Entry {
  std::string name;
  DeviceType type;
  Backend* backend;
};

struct Registry {
  std::vector<Entry> entries;
  std::array<std::atomic<Backend*>, 2> active{};

  // "cpu" is the default for CPU tensors; "reference" stays selectable with set_backend.
  Registry() {
    entries.push_back({"cpu", DeviceType::CPU, &cpu::cpu_backend()});
    entries.push_back({"reference", DeviceType::CPU, &reference_backend()});
    active[static_cast<std::size_t>(DeviceType::CPU)] = &cpu::cpu_backend();
#ifdef MT_HAVE_CUDA
    entries.push_back({"cuda", DeviceType::CUDA, &cuda_backend()});
    active[static_cast<std::size_t>(DeviceType::CUDA)] = &cuda_backend();
#endif
  }
};

Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

PrimitiveReport& primitive_report() {
  thread_local PrimitiveReport report;
  return report;
}

Backend& backend_for(Device device) {
  Backend* backend =
      registry().active[static_cast<std::size_t>(device.type())].load(std::memory_order_acquire);
  if (backend == nullptr) {
    throw DeviceError("backend: no backend for device " + device.to_string() + " in this build");
  }
  return *backend;
}

void register_backend(std::string_view name, DeviceType type, Backend* backend) {
  Registry& r = registry();
  r.entries.push_back({std::string(name), type, backend});
  auto& slot = r.active[static_cast<std::size_t>(type)];
  if (slot.load() == nullptr) {
    slot.store(backend);
  }
}

void set_backend(std::string_view name) {
  Registry& r = registry();
  for (const Entry& entry : r.entries) {
    if (entry.name == name) {
      r.active[static_cast<std::size_t>(entry.type)].store(entry.backend,
                                                           std::memory_order_release);
      return;
    }
  }
  std::string names;
  for (const Entry& entry : r.entries) {
    names += (names.empty() ? "" : ", ") + entry.name;
  }
  throw ValueError("set_backend: unknown backend '" + std::string(name) + "' (available: " + names +
                   ")");
}

std::string backend_name(Device device) { return std::string(backend_for(device).name()); }

std::vector<std::string> available_backends() {
  std::vector<std::string> names;
  for (const Entry& entry : registry().entries) {
    names.push_back(entry.name);
  }
  return names;
}

std::vector<std::string> available_backends(DeviceType type) {
  std::vector<std::string> names;
  for (const Entry& entry : registry().entries) {
    if (entry.type == type) {
      names.push_back(entry.name);
    }
  }
  return names;
}

}  // namespace minitorch
