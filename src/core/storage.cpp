// Storage allocation: a CPU allocator with 64-byte alignment, and a registry so another
// device's backend can provide its own allocator.
#include "minitorch/storage.h"

#include <array>
#include <cstdlib>
#include <new>
#include <string>

#include "minitorch/error.h"

namespace minitorch {
namespace {

class CpuAllocator final : public Allocator {
 public:
  void* allocate(std::int64_t nbytes) override {
    // aligned_alloc needs a size that is a multiple of the alignment; 0 bytes still
    // gets a real block so that data() is never null.
    std::int64_t rounded = (nbytes + Storage::kAlignment - 1) / Storage::kAlignment *
                           Storage::kAlignment;
    if (rounded == 0) {
      rounded = Storage::kAlignment;
    }
    void* ptr = std::aligned_alloc(static_cast<std::size_t>(Storage::kAlignment),
                                   static_cast<std::size_t>(rounded));
    if (ptr == nullptr) {
      throw DeviceError("allocate: out of memory on cpu (requested " + std::to_string(nbytes) +
                        " bytes)");
    }
    return ptr;
  }
  void deallocate(void* ptr, std::int64_t /*nbytes*/) override { std::free(ptr); }
};

CpuAllocator g_cpu_allocator;
std::array<Allocator*, 2> g_allocators = {&g_cpu_allocator, nullptr};

}  // namespace

void register_allocator(DeviceType type, Allocator* allocator) {
  g_allocators[static_cast<std::size_t>(type)] = allocator;
}

std::shared_ptr<Storage> Storage::allocate(std::int64_t nbytes, Device device) {
  if (nbytes < 0) {
    throw InternalError("Storage::allocate: negative size " + std::to_string(nbytes));
  }
  Allocator* allocator = g_allocators[static_cast<std::size_t>(device.type())];
  if (allocator == nullptr) {
    throw DeviceError("allocate: device " + device.to_string() +
                      " is not available in this build");
  }
  void* data = allocator->allocate(nbytes);
  try {
    return std::make_shared<Storage>(Key(), data, nbytes, device, allocator);
  } catch (...) {
    allocator->deallocate(data, nbytes);
    throw;
  }
}

Storage::~Storage() { allocator_->deallocate(data_, nbytes_); }

}  // namespace minitorch
