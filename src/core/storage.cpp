// Storage allocation through a per-device-type allocator registry: the CPU allocator
// (core/cpu_allocator.cpp) is built in; another device's backend registers its own.
#include "minitorch/storage.h"

#include <array>
#include <string>
#include <utility>

#include "core/cpu_allocator.h"
#include "minitorch/error.h"

namespace minitorch {
namespace {

// A function-local static, so that a backend registering its allocator during static
// initialisation of another file finds the table already built.
std::array<Allocator*, 2>& allocators() {
  static std::array<Allocator*, 2> table = {&cpu_allocator(), nullptr};
  return table;
}

// The "allocator" of one wrapped block: it never allocates, and freeing the block runs the
// owner's release function and then deletes this object (one per Storage::wrap).
class ExternalMemory final : public Allocator {
 public:
  explicit ExternalMemory(std::function<void()> release) : release_(std::move(release)) {}
  void* allocate(std::int64_t /*nbytes*/, Device /*device*/) override {
    throw InternalError("ExternalMemory::allocate: wrapped storage never allocates");
  }
  void deallocate(void* /*ptr*/, std::int64_t /*nbytes*/, Device /*device*/) override {
    std::function<void()> release = std::move(release_);
    delete this;
    if (release) {
      release();
    }
  }

 private:
  std::function<void()> release_;
};

}  // namespace

void register_allocator(DeviceType type, Allocator* allocator) {
  allocators()[static_cast<std::size_t>(type)] = allocator;
}

std::shared_ptr<Storage> Storage::allocate(std::int64_t nbytes, Device device) {
  if (nbytes < 0) {
    throw ValueError("Storage::allocate: negative size " + std::to_string(nbytes));
  }
  Allocator* allocator = allocators()[static_cast<std::size_t>(device.type())];
  if (allocator == nullptr) {
    throw DeviceError("allocate: device " + device.to_string() + " is not available in this build");
  }
  // No machine has an exbibyte; refusing such sizes here also keeps the allocators' rounding
  // to size classes and huge pages far from overflow.
  constexpr std::int64_t kMaxBytes = std::int64_t{1} << 60;
  if (nbytes > kMaxBytes) {
    throw OutOfMemoryError("allocate: out of memory on " + device.to_string() + " (requested " +
                           std::to_string(nbytes) + " bytes, more than any device has)");
  }
  void* data = allocator->allocate(nbytes, device);
  try {
    return std::make_shared<Storage>(Key(), data, nbytes, device, allocator);
  } catch (...) {
    allocator->deallocate(data, nbytes, device);
    throw;
  }
}

std::shared_ptr<Storage> Storage::wrap(void* data, std::int64_t nbytes, Device device,
                                       std::function<void()> release) {
  if (nbytes < 0) {
    throw ValueError("Storage::wrap: negative size " + std::to_string(nbytes));
  }
  auto* owner = new ExternalMemory(std::move(release));
  try {
    return std::make_shared<Storage>(Key(), data, nbytes, device, owner);
  } catch (...) {
    owner->deallocate(data, nbytes, device);
    throw;
  }
}

Storage::~Storage() { allocator_->deallocate(data_, nbytes_, device_); }

}  // namespace minitorch
