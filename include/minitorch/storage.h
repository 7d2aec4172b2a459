// A flat, 64-byte-aligned block of bytes on one device, shared by every view of it.
// Storage does not know its dtype or shape: TensorData gives the bytes a layout.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "minitorch/device.h"

namespace minitorch {

/// Allocates and frees device memory. The CPU allocator is built in; a backend for
/// another device registers its own with register_allocator, one for every device of a type
/// (device tells it which: cuda:1's memory must come from GPU 1).
class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual void* allocate(std::int64_t nbytes, Device device) = 0;
  /// ptr came from allocate(nbytes, device) with the same nbytes and device.
  virtual void deallocate(void* ptr, std::int64_t nbytes, Device device) = 0;
};

/// Makes `allocator` the one used for storages on devices of `type`.
void register_allocator(DeviceType type, Allocator* allocator);

class Storage {
 public:
  inline static constexpr std::int64_t kAlignment = 64;

  /// Uninitialised storage of nbytes on device; throws DeviceError if the device has no
  /// allocator (e.g. CUDA in a build without CUDA).
  static std::shared_ptr<Storage> allocate(std::int64_t nbytes, Device device);

  /// Storage over nbytes at data that someone else owns (a numpy array, a DLPack tensor):
  /// nothing is copied, and release() runs once, when the last view of it is gone. The
  /// caller guarantees the memory stays valid until then.
  static std::shared_ptr<Storage> wrap(void* data, std::int64_t nbytes, Device device,
                                       std::function<void()> release);

  /// Use allocate(); the key keeps construction inside the library.
  class Key {
    friend class Storage;
    Key() = default;
  };
  Storage(Key /*key*/, void* data, std::int64_t nbytes, Device device, Allocator* allocator)
      : data_(data), nbytes_(nbytes), device_(device), allocator_(allocator) {}
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage();

  void* data() const { return data_; }
  std::int64_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

  /// How many in-place writes the storage has had (fill_, copy_, add_, mul_, set, ...):
  /// autograd compares it with the value seen when a tensor was saved for backward.
  /// Writes through raw data_ptr() are not counted.
  std::uint64_t version() const { return version_.load(std::memory_order_relaxed); }
  void bump_version() { version_.fetch_add(1, std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> version_{0};
  void* data_;
  std::int64_t nbytes_;
  Device device_;
  Allocator* allocator_;
};

}  // namespace minitorch
