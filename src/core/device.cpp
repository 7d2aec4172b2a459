// Names of devices.
#include "minitorch/device.h"

namespace minitorch {

std::string Device::to_string() const {
  switch (type_) {
    case DeviceType::CPU:
      return "cpu";
    case DeviceType::CUDA:
      return "cuda:" + std::to_string(index_);
  }
  return "?";
}

}  // namespace minitorch
