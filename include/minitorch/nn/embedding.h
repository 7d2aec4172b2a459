// Embedding: a table of vectors looked up by int64 index (torch.nn.Embedding), trained or, from
// pretrained vectors, frozen.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "minitorch/generator.h"
#include "minitorch/nn/module.h"

namespace minitorch::nn {

struct EmbeddingOptions {
  DType dtype = kFloat32;
  /// The table is drawn on the CPU, then moved here.
  Device device = Device::cpu();
  /// nullptr uses default_generator().
  Generator* generator = nullptr;
};

class Embedding : public Module {
 public:
  /// A table weight [num_embeddings, embedding_dim] of standard normal values (PyTorch's
  /// init), a parameter. ValueError unless both sizes are positive.
  Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim, EmbeddingOptions options = {});
  /// An Embedding holding a copy of weights [n, dim] (floating). freeze (the default, as in
  /// PyTorch) makes the table a buffer: saved in state_dict() as "weight" like a parameter, but
  /// not in parameters(), so optimisers never see it and no gradient is computed for it.
  static std::shared_ptr<Embedding> from_pretrained(const Tensor& weights, bool freeze = true);

  /// indices int64 [...] -> [..., embedding_dim]: embedding(indices, weight); its errors
  /// (IndexError for an index outside [0, num_embeddings)).
  Tensor forward(const Tensor& indices) override;
  std::string name() const override;

  /// The table (a Parameter, or the frozen buffer).
  const Tensor& weight() const { return weight_; }
  bool frozen() const { return frozen_; }
  std::int64_t num_embeddings() const { return weight_.shape()[0]; }
  std::int64_t embedding_dim() const { return weight_.shape()[1]; }

 private:
  Embedding(const Tensor& weights, bool freeze);
  Tensor weight_;
  bool frozen_ = false;
};

}  // namespace minitorch::nn
