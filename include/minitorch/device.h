// Where a tensor's storage lives. CUDA is declared so a CUDA backend slots in without
// changing the core; until one is built in, asking for a CUDA tensor throws DeviceError.
#pragma once

#include <cstdint>
#include <string>

namespace minitorch {

enum class DeviceType : std::uint8_t { CPU, CUDA };

class Device {
 public:
  constexpr Device() = default;
  constexpr Device(DeviceType type, int index) : type_(type), index_(index) {}

  static constexpr Device cpu() { return Device(DeviceType::CPU, 0); }
  static constexpr Device cuda(int index = 0) { return Device(DeviceType::CUDA, index); }

  constexpr DeviceType type() const { return type_; }
  constexpr int index() const { return index_; }
  constexpr bool is_cpu() const { return type_ == DeviceType::CPU; }
  constexpr bool is_cuda() const { return type_ == DeviceType::CUDA; }
  constexpr bool operator==(const Device&) const = default;

  /// "cpu" or "cuda:0".
  std::string to_string() const;

 private:
  DeviceType type_ = DeviceType::CPU;
  int index_ = 0;
};

}  // namespace minitorch
