// Embedding: the table as a parameter (trained) or a buffer (frozen), and the lookup.
#include "minitorch/nn/embedding.h"

#include "minitorch/convolution.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"

namespace minitorch::nn {

Embedding::Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim,
                     EmbeddingOptions options) {
  if (num_embeddings <= 0 || embedding_dim <= 0) {
    throw ValueError("Embedding: num_embeddings and embedding_dim must be positive (got " +
                     std::to_string(num_embeddings) + " and " + std::to_string(embedding_dim) +
                     ")");
  }
  Tensor table =
      randn({num_embeddings, embedding_dim}, {.dtype = options.dtype}, options.generator);
  weight_ = register_parameter("weight", table.to(options.device));
}

Embedding::Embedding(const Tensor& weights, bool freeze) : frozen_(freeze) {
  if (!weights.defined() || weights.ndim() != 2 || !is_floating_point(weights.dtype())) {
    throw ShapeError(
        "Embedding::from_pretrained: weights must be a floating 2-dim tensor "
        "[num_embeddings, embedding_dim] (got shape " +
        (weights.defined() ? minitorch::to_string(weights.shape()) : std::string("undefined")) +
        ")");
  }
  // A copy: training (or loading) must not write through to the caller's tensor.
  Tensor table = weights.detach().clone();
  if (freeze) {
    weight_ = register_buffer("weight", table);
  } else {
    weight_ = register_parameter("weight", table);
  }
}

std::shared_ptr<Embedding> Embedding::from_pretrained(const Tensor& weights, bool freeze) {
  return std::shared_ptr<Embedding>(new Embedding(weights, freeze));
}

Tensor Embedding::forward(const Tensor& indices) { return embedding(indices, weight_); }

std::string Embedding::name() const {
  return "Embedding(" + std::to_string(num_embeddings()) + ", " + std::to_string(embedding_dim()) +
      (frozen_ ? ", frozen)" : ")");
}

}  // namespace minitorch::nn
