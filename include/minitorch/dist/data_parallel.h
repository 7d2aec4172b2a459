// Data-parallel training over a process group: every rank holds the same parameters, runs
// the model on its shard of each global batch, and ends each backward with the same summed
// gradients, so that the optimiser steps stay identical on every rank. Two ways:
//
//   DataParallel        PyTorch's DistributedDataParallel: gradients are summed in buckets
//                       of ~25 MiB by the group's own all-reduce, each bucket started from a
//                       post-accumulate hook while backward is still running.
//   deterministic_step  the global batch cut into fixed micro-batches whose gradients are
//                       combined in one fixed tree order: parameters after every step are
//                       bitwise identical for 1, 2, 4, ... processes (Note [Deterministic
//                       data parallel] in data_parallel.cpp).
//
// See docs/distributed.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "minitorch/dist/process_group.h"
#include "minitorch/tensor.h"

namespace minitorch::dist {

struct DataParallelOptions {
  /// Gradients are packed into buckets of about this many bytes, in reverse parameter order
  /// (the order backward tends to finish them).
  std::int64_t bucket_bytes = std::int64_t{25} << 20;
};

/// What the last backward did, in nanoseconds from its start (for the overlap report).
struct BucketTiming {
  std::int64_t bytes = 0;
  std::int64_t launched_ns = 0;  ///< its all-reduce started (during backward when < backward_ns)
  std::int64_t done_ns = 0;  ///< first seen complete
};
struct StepTiming {
  std::int64_t backward_ns = 0;  ///< loss.backward() returned
  std::int64_t finished_ns = 0;  ///< every gradient summed and in place
  std::vector<BucketTiming> buckets;
};

class DataParallel {
 public:
  /// Broadcasts every parameter from rank 0 (so all ranks start equal) and registers the
  /// gradient hooks. params: leaves that require grad, on the group's device.
  DataParallel(std::vector<Tensor> params, ProcessGroup& group, DataParallelOptions options = {});
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  /// loss.backward(), then waits until every parameter's gradient is the sum over all
  /// ranks of their gradients (zeros stand in where a rank's backward did not reach a
  /// parameter, so every parameter ends with a gradient). Scale the loss so that
  /// the sum is what you want: the loss of a mean over the global batch is the sum over this
  /// rank's samples divided by the global batch size. Gradients present before the call are
  /// replaced, not added to.
  void backward(const Tensor& loss);

  ProcessGroup& group() const;
  /// Buckets and timings of the last backward.
  const StepTiming& last_step() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

/// One deterministic data-parallel gradient computation. The global batch is cut into
/// `micro_batches` parts (a multiple of the world size); rank r computes the gradients of
/// parts r * M / W .. (r + 1) * M / W - 1 one at a time with micro_loss(m) (which must build
/// the loss of part m alone, scaled as DataParallel::backward describes), the parts'
/// gradients are gathered on every rank and summed in a fixed pairwise tree (part 0 + part 1,
/// part 2 + part 3, then the pair sums, ...), and the sums become the parameters' gradients.
/// Returns the tree sum of the parts' losses. The bits depend on M, the data and the
/// parameters, never on the world size or the thread count.
double deterministic_step(const std::vector<Tensor>& params, ProcessGroup& group,
                          std::int64_t micro_batches,
                          const std::function<Tensor(std::int64_t part)>& micro_loss);

}  // namespace minitorch::dist
