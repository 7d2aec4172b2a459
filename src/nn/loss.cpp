// Losses composed from Tensor ops (so they differentiate on every backend). The stable forms
// use functional::softplus / log_softmax; see Note [Detached shift] in functional.cpp.
#include "minitorch/nn/loss.h"

#include <cmath>
#include <string>
#include <vector>

#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "minitorch/nn/functional.h"

namespace minitorch::nn {
namespace {

void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
  if (!(input.shape() == target.shape())) {
    throw ShapeError(std::string(op) + ": input shape " + minitorch::to_string(input.shape()) +
                     " and target shape " + minitorch::to_string(target.shape()) +
                     " differ (reshape one, e.g. out.view({-1}))");
  }
}

Tensor reduce(const Tensor& losses, Reduction reduction) {
  switch (reduction) {
    case Reduction::Mean:
      return losses.mean();
    case Reduction::Sum:
      return losses.sum();
    case Reduction::None:
      return losses;
  }
  throw ValueError("loss: unknown reduction " + std::to_string(static_cast<int>(reduction)));
}

}  // namespace

Tensor binary_cross_entropy(const Tensor& prob, const Tensor& target, Reduction reduction) {
  check_same_shape(prob, target, "binary_cross_entropy");
  // prob * y + (prob - 1) * (y - 1) == prob * (2y - 1) + (1 - y) for any y. The right side
  // records two ops instead of four (the target is a constant), and for labels in {0, 1} it
  // gives the same bits: each side is exactly prob or 1 - prob.
  Tensor y = target.detach();
  Tensor likelihood = prob * (y * 2.0 - 1.0) + (1.0 - y);
  // A saturated sigmoid (float32 rounds it to exactly 1 above ~17) makes a wrong label's
  // likelihood exactly 0, and log(0) = -inf turns every parameter into NaN at the next
  // step. So the likelihood is raised to kMinLikelihood where it is smaller (log = -27.6), by
  // a constant (detached) correction relu(kMinLikelihood - l), +0 wherever l >= 1e-12: there
  // the loss and its gradient keep their bits. A clamped element's gradient is then
  // -1/1e-12 per unit of loss, large but finite, as in PyTorch's BCELoss (whose backward
  // divides by max(p (1 - p), 1e-12)). Detached, the guard adds no backward ops.
  constexpr double kMinLikelihood = 1e-12;
  likelihood = likelihood + (kMinLikelihood - likelihood.detach()).relu();
  return reduce(-likelihood.log(), reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        Reduction reduction) {
  check_same_shape(logits, target, "binary_cross_entropy_with_logits");
  return reduce(functional::softplus(logits) - logits * target, reduction);
}

// Class indices arrive as floats (there is no integer dtype yet); each must be a whole
// number in 0..classes-1. Without this check a label of 7 for 4 classes, -1, 2.5 or NaN
// matched no class and silently gave that row a loss of 0.
void check_class_indices(const Tensor& target, std::int64_t classes, const char* op) {
  std::vector<double> labels = target.detach().to_vector();
  for (std::size_t row = 0; row < labels.size(); ++row) {
    double label = labels[row];
    if (!(label == std::floor(label))) {
      throw ValueError(std::string(op) + ": target " + std::to_string(label) + " at row " +
                       std::to_string(row) + " is not a class index (a whole number in 0.." +
                       std::to_string(classes - 1) + "; target shape " +
                       minitorch::to_string(target.shape()) + ")");
    }
    if (label < 0 || label >= static_cast<double>(classes)) {
      throw IndexError(std::string(op) + ": target " +
                       std::to_string(static_cast<long long>(label)) + " at row " +
                       std::to_string(row) + " is out of range for " + std::to_string(classes) +
                       " classes (expected 0.." + std::to_string(classes - 1) + "; target shape " +
                       minitorch::to_string(target.shape()) + ")");
    }
  }
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction) {
  if (log_probs.ndim() != 2 || target.ndim() != 1 || target.size(0) != log_probs.size(0)) {
    throw ShapeError("nll_loss: expected log_probs [N, C] and target [N], got " +
                     minitorch::to_string(log_probs.shape()) + " and " +
                     minitorch::to_string(target.shape()));
  }
  check_class_indices(target, log_probs.size(1), "nll_loss");
  // One-hot by comparison with 0..C-1: no gather op needed, and it runs on any backend.
  Tensor classes = arange(static_cast<double>(log_probs.size(1)),
                          {.dtype = log_probs.dtype(), .device = log_probs.device()});
  Tensor one_hot = target.detach().unsqueeze(1).eq(classes);
  return reduce(-(log_probs * one_hot).sum(1), reduction);
}

Tensor cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction) {
  if (logits.ndim() != 2) {
    throw ShapeError("cross_entropy: expected logits [N, C], got " +
                     minitorch::to_string(logits.shape()));
  }
  return nll_loss(functional::log_softmax(logits, 1), target, reduction);
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_same_shape(input, target, "mse_loss");
  Tensor diff = input - target;
  return reduce(diff * diff, reduction);
}

}  // namespace minitorch::nn
