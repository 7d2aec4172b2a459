// Mixed precision: AutocastGuard runs matrix products in a 16-bit float dtype while everything
// else stays in float32 (Note [Autocast]). A thread-local scope, like NoGradGuard.
#pragma once

#include "minitorch/dtype.h"
#include "minitorch/tensor.h"

namespace minitorch {

// Note [Autocast]: inside an AutocastGuard(dtype) scope (dtype float16 or bfloat16), matmul
// and what is built on it (Linear, conv1d/conv2d, attention-style products) casts float32
// operands to dtype first, so the product runs on 16-bit inputs (tensor cores on the GPU) with
// float32 sums, its result in dtype. Nothing else is cast down: a bias added to that result is
// float32, so by promotion (Note [Type promotion]) the activations between layers stay float32;
// softmax and log_softmax (and so cross_entropy) widen 16-bit inputs to float32 first.
// Parameters stay float32 ("master weights"): the casts are recorded by autograd, and a
// gradient always has its tensor's dtype, so weight gradients arrive in float32. With
// float16, scale the loss (GradScaler, optim/grad_scaler.h): small gradients underflow float16.
// The state is per thread; backward() may run inside or outside the scope with the same result.
class AutocastGuard {
 public:
  /// dtype: kFloat16 or kBFloat16 (DTypeError otherwise); enabled false makes a scope without
  /// autocast (to run a part of a model in float32 inside an outer scope).
  explicit AutocastGuard(DType dtype = kBFloat16, bool enabled = true);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool previous_enabled_;
  DType previous_dtype_;
};

/// Whether this thread is inside an enabled AutocastGuard scope.
bool is_autocast_enabled();
/// The 16-bit dtype of the innermost scope (kBFloat16 outside any).
DType autocast_dtype();

namespace autocast {

/// t cast to autocast_dtype() when autocast is on and t is float32, else t itself.
Tensor lower(const Tensor& t);
/// t cast to float32 when autocast is on and t is float16 or bfloat16, else t itself.
Tensor widen(const Tensor& t);

}  // namespace autocast
}  // namespace minitorch
