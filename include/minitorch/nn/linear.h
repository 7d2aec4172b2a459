// Linear: y = x @ weight^T + bias, with PyTorch's [out, in] weight layout (so checkpoints
// read by other tools need no transpose) and a choice of initialisations, the course's among them.
#pragma once

#include <cstdint>
#include <string>

#include "minitorch/generator.h"
#include "minitorch/nn/module.h"

namespace minitorch::nn {

enum class Init {
  /// PyTorch's default: weight and bias uniform in [-1/sqrt(in), 1/sqrt(in)).
  PyTorch,
  /// The course's: weight uniform in [-0.5, 0.5), bias 0.1.
  Course,
  /// Glorot/Xavier uniform weight (bound sqrt(6 / (in + out))), bias 0.
  XavierUniform,
  /// He/Kaiming uniform weight for relu (bound sqrt(6 / in)), bias 0.
  KaimingUniform,
};

/// "pytorch", "course", "xavier", "kaiming"; parse_init throws Error on anything else.
const char* to_string(Init init);
Init parse_init(const std::string& name);

struct LinearOptions {
  bool bias = true;
  Init init = Init::PyTorch;
  DType dtype = kFloat32;
  /// Parameters are drawn on the CPU, then moved here.
  Device device = Device::cpu();
  /// nullptr uses default_generator().
  Generator* generator = nullptr;
};

class Linear : public Module {
 public:
  /// x [..., in] -> [..., out]. Parameters: weight [out, in], bias [out] (when enabled).
  Linear(std::int64_t in_features, std::int64_t out_features, LinearOptions options = {});

  /// ShapeError when x's last dim is not in_features.
  Tensor forward(const Tensor& x) override;
  std::string name() const override;

  const Parameter& weight() const { return weight_; }
  /// Undefined when the layer has no bias.
  const Parameter& bias() const { return bias_; }
  std::int64_t in_features() const { return in_features_; }
  std::int64_t out_features() const { return out_features_; }

 private:
  std::int64_t in_features_;
  std::int64_t out_features_;
  Parameter weight_;
  Parameter bias_;
};

}  // namespace minitorch::nn
