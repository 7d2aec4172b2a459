// libFuzzer target: arbitrary bytes into load_safetensors over memory (the validated header
// parser, then the copy out of the data section). Only minitorch::Error may come out; what
// loads must serialize and load back to the same names, shapes, dtypes, bytes and metadata.
#include "minitorch/nn/safetensors.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "minitorch/error.h"

namespace {

using minitorch::Tensor;
using minitorch::nn::SafetensorsFile;

bool same_bytes(const Tensor& a, const Tensor& b) {
  if (!(a.shape() == b.shape()) || a.dtype() != b.dtype()) {
    return false;
  }
  auto bytes = static_cast<std::size_t>(a.numel() * minitorch::element_size(a.dtype()));
  return bytes == 0 || std::memcmp(a.data().data_ptr(), b.data().data_ptr(), bytes) == 0;
}

void check_round_trip(const SafetensorsFile& file) {
  for (const auto& [name, tensor] : file.tensors) {
    if (name.empty()) {
      return;  // the format allows it; our writer refuses it
    }
  }
  // Neither call may throw: an escaping exception is a finding.
  std::vector<std::byte> bytes = minitorch::nn::serialize_safetensors(file.tensors, file.metadata);
  SafetensorsFile again = minitorch::nn::load_safetensors(bytes, "round trip");
  if (again.tensors.size() != file.tensors.size() || again.metadata != file.metadata) {
    __builtin_trap();
  }
  for (std::size_t i = 0; i < file.tensors.size(); ++i) {
    if (again.tensors[i].first != file.tensors[i].first ||
        !same_bytes(again.tensors[i].second, file.tensors[i].second)) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  SafetensorsFile file;
  try {
    file = minitorch::nn::load_safetensors(
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size), "fuzz input");
  } catch (const minitorch::Error&) {
    return 0;
  }
  check_round_trip(file);
  return 0;
}
