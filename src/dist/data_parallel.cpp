// Data-parallel training: bucketed all-reduce during backward (DataParallel) and the
// process-count-independent deterministic step.
#include "minitorch/dist/data_parallel.h"

#include <chrono>
#include <string>
#include <utility>

#include "minitorch/autograd.h"
#include "minitorch/factories.h"

namespace minitorch::dist {
namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void check_params(const std::vector<Tensor>& params, const char* op) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    if (!p.defined() || !p.requires_grad() || !p.is_leaf()) {
      throw ValueError(std::string(op) + ": parameter " + std::to_string(i) +
                       " must be a leaf tensor that requires grad");
    }
  }
}

}  // namespace

// Note [Gradient buckets]: parameters are packed, in reverse order, into buckets of about
// bucket_bytes (one dtype each); a bucket is a flat tensor holding its parameters' gradients
// side by side. Each parameter's post-accumulate hook copies its gradient into its slot;
// when a bucket's last slot fills, its all-reduce starts while backward goes on. Buckets
// start strictly in index order (a full bucket waits for the ones before it): collectives
// must be issued in the same order on every rank, and the hooks' order is the graph's, the
// same everywhere, but a bucket with an unused parameter fills only at the end. After
// backward every bucket not yet started is completed with zeros and started; then each is
// waited on and its sums are copied into the gradients.
struct DataParallel::State {
  struct Slot {
    int bucket = 0;
    std::int64_t offset = 0;
    bool filled = false;
  };
  struct Bucket {
    Tensor buffer;
    std::vector<std::size_t> params;
    int filled = 0;
    std::unique_ptr<Work> work;
    bool done = false;
  };

  ProcessGroup* group = nullptr;
  std::vector<Tensor> params;
  std::vector<Slot> slots;
  std::vector<Bucket> buckets;
  int next_launch = 0;
  bool in_backward = false;
  std::int64_t start_ns = 0;
  StepTiming timing;

  void grad_ready(std::size_t i, const Tensor& grad) {
    Slot& slot = slots[i];
    Bucket& bucket = buckets[static_cast<std::size_t>(slot.bucket)];
    bucket.buffer.narrow(0, slot.offset, grad.numel()).copy_(grad.reshape({-1}));
    if (!slot.filled) {
      slot.filled = true;
      ++bucket.filled;
    }
    launch_ready();
    poll();
  }

  void launch_ready() {
    while (next_launch < static_cast<int>(buckets.size())) {
      Bucket& bucket = buckets[static_cast<std::size_t>(next_launch)];
      if (bucket.filled < static_cast<int>(bucket.params.size())) {
        return;
      }
      timing.buckets[static_cast<std::size_t>(next_launch)].launched_ns = now_ns() - start_ns;
      bucket.work = group->all_reduce_async(bucket.buffer);
      ++next_launch;
    }
  }

  void poll() {
    for (int b = 0; b < next_launch; ++b) {
      Bucket& bucket = buckets[static_cast<std::size_t>(b)];
      if (!bucket.done && bucket.work->poll()) {
        bucket.done = true;
        timing.buckets[static_cast<std::size_t>(b)].done_ns = now_ns() - start_ns;
      }
    }
  }
};

DataParallel::DataParallel(std::vector<Tensor> params, ProcessGroup& group,
                           DataParallelOptions options)
    : state_(std::make_shared<State>()) {
  check_params(params, "DataParallel");
  if (options.bucket_bytes < 1) {
    throw ValueError("DataParallel: bucket_bytes must be positive (got " +
                     std::to_string(options.bucket_bytes) + ")");
  }
  State& s = *state_;
  s.group = &group;
  s.params = std::move(params);
  {
    NoGradGuard no_grad;
    for (Tensor& p : s.params) {
      Tensor flat = p.detach();
      if (!flat.is_contiguous()) {
        throw ShapeError("DataParallel: parameter of shape " + to_string(p.shape()) +
                         " is not contiguous");
      }
      group.broadcast(flat, 0);
    }
  }
  // Buckets, in reverse parameter order (See Note [Gradient buckets]).
  s.slots.resize(s.params.size());
  std::vector<std::int64_t> sizes;
  for (std::size_t k = s.params.size(); k-- > 0;) {
    const Tensor& p = s.params[k];
    std::int64_t bytes = p.numel() * element_size(p.dtype());
    bool fresh = s.buckets.empty() ||
        s.params[s.buckets.back().params.front()].dtype() != p.dtype() ||
        s.params[s.buckets.back().params.front()].device() != p.device() ||
        (sizes.back() > 0 && sizes.back() + bytes > options.bucket_bytes);
    if (fresh) {
      s.buckets.emplace_back();
      sizes.push_back(0);
    }
    State::Bucket& bucket = s.buckets.back();
    s.slots[k] = {static_cast<int>(s.buckets.size() - 1), sizes.back() / element_size(p.dtype()),
                  false};
    bucket.params.push_back(k);
    sizes.back() += bytes;
  }
  for (std::size_t b = 0; b < s.buckets.size(); ++b) {
    const Tensor& first = s.params[s.buckets[b].params.front()];
    s.buckets[b].buffer = zeros({sizes[b] / element_size(first.dtype())},
                                {.dtype = first.dtype(), .device = first.device()});
  }
  std::weak_ptr<State> weak = state_;
  for (std::size_t k = 0; k < s.params.size(); ++k) {
    s.params[k].register_post_accumulate_grad_hook([weak, k](Tensor& p) {
      std::shared_ptr<State> state = weak.lock();
      if (state != nullptr && state->in_backward) {
        state->grad_ready(k, p.grad());
      }
    });
  }
}

DataParallel::~DataParallel() = default;

void DataParallel::backward(const Tensor& loss) {
  State& s = *state_;
  for (Tensor& p : s.params) {
    p.zero_grad();
  }
  for (State::Slot& slot : s.slots) {
    slot.filled = false;
  }
  for (State::Bucket& bucket : s.buckets) {
    bucket.filled = 0;
    bucket.work.reset();
    bucket.done = false;
  }
  s.next_launch = 0;
  s.timing = StepTiming{};
  s.timing.buckets.resize(s.buckets.size());
  for (std::size_t b = 0; b < s.buckets.size(); ++b) {
    s.timing.buckets[b].bytes =
        s.buckets[b].buffer.numel() * element_size(s.buckets[b].buffer.dtype());
  }
  s.start_ns = now_ns();
  s.in_backward = true;
  try {
    loss.backward();
  } catch (...) {
    s.in_backward = false;
    throw;
  }
  s.in_backward = false;
  s.timing.backward_ns = now_ns() - s.start_ns;
  NoGradGuard no_grad;
  // Parameters backward did not reach on this rank contribute zeros.
  for (std::size_t k = 0; k < s.params.size(); ++k) {
    State::Slot& slot = s.slots[k];
    if (!slot.filled) {
      State::Bucket& bucket = s.buckets[static_cast<std::size_t>(slot.bucket)];
      bucket.buffer.narrow(0, slot.offset, s.params[k].numel()).zero_();
      slot.filled = true;
      ++bucket.filled;
    }
  }
  s.launch_ready();
  for (std::size_t b = 0; b < s.buckets.size(); ++b) {
    State::Bucket& bucket = s.buckets[b];
    bucket.work->wait();
    if (!bucket.done) {
      bucket.done = true;
      s.timing.buckets[b].done_ns = now_ns() - s.start_ns;
    }
  }
  for (std::size_t k = 0; k < s.params.size(); ++k) {
    Tensor& p = s.params[k];
    const State::Slot& slot = s.slots[k];
    Tensor sum = s.buckets[static_cast<std::size_t>(slot.bucket)]
                     .buffer.narrow(0, slot.offset, p.numel())
                     .view(p.shape());
    p.set_grad(sum.clone());
  }
  s.timing.finished_ns = now_ns() - s.start_ns;
}

ProcessGroup& DataParallel::group() const { return *state_->group; }

const StepTiming& DataParallel::last_step() const { return state_->timing; }

// Note [Deterministic data parallel]: a sum of floats depends on its order, and an
// all-reduce's order depends on the number of processes (and the algorithm the transport
// picks), so summing each rank's gradient gives different bits for different world sizes.
// Here the unit of work is a micro-batch, fixed by the global batch and M alone: each
// micro-batch's gradient is computed whole by one rank (the library's kernels give the same
// bits on any rank and any thread count), all M gradients are gathered everywhere, and every
// rank adds them in the same pairwise tree. The cost: M / W backward passes per rank instead
// of one over a W-times-larger shard, and an all-gather of M gradient copies instead of an
// all-reduce of one.
double deterministic_step(const std::vector<Tensor>& params, ProcessGroup& group,
                          std::int64_t micro_batches,
                          const std::function<Tensor(std::int64_t part)>& micro_loss) {
  check_params(params, "deterministic_step");
  const std::int64_t world = group.world_size();
  if (micro_batches < 1 || micro_batches % world != 0) {
    throw ValueError("deterministic_step: micro_batches (" + std::to_string(micro_batches) +
                     ") must be a positive multiple of the world size (" + std::to_string(world) +
                     ")");
  }
  if (params.empty()) {
    return 0.0;
  }
  const DType dtype = params.front().dtype();
  const Device device = params.front().device();
  std::int64_t total = 0;
  for (const Tensor& p : params) {
    if (p.dtype() != dtype || p.device() != device) {
      throw DTypeError("deterministic_step: every parameter must have one dtype and device");
    }
    total += p.numel();
  }
  const std::int64_t mine = micro_batches / world;
  Tensor local = zeros({mine, total}, {.dtype = dtype, .device = device});
  // On the parameters' device: the NCCL group gathers CUDA tensors only.
  Tensor losses = zeros({mine}, {.dtype = kFloat64, .device = device});
  for (std::int64_t j = 0; j < mine; ++j) {
    for (const Tensor& p : params) {
      Tensor(p).zero_grad();
    }
    Tensor loss = micro_loss(group.rank() * mine + j);
    loss.backward();
    NoGradGuard no_grad;
    losses.set({j}, loss.item());
    std::int64_t offset = 0;
    for (const Tensor& p : params) {
      Tensor row = local.select(0, j).narrow(0, offset, p.numel());
      Tensor g = p.grad();
      if (g.defined()) {
        row.copy_(g.reshape({-1}));
      }
      offset += p.numel();
    }
  }
  NoGradGuard no_grad;
  Tensor parts = group.all_gather(local).reshape({micro_batches, total});
  Tensor part_losses = group.all_gather(losses).reshape({micro_batches});
  // The fixed tree: level by level, neighbours pairwise, an odd one out carried up.
  std::vector<Tensor> level;
  std::vector<double> loss_level;
  std::vector<double> all_losses = part_losses.to_vector();
  for (std::int64_t m = 0; m < micro_batches; ++m) {
    level.push_back(parts.select(0, m));
    loss_level.push_back(all_losses[static_cast<std::size_t>(m)]);
  }
  while (level.size() > 1) {
    std::vector<Tensor> next;
    std::vector<double> next_loss;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
      next.push_back(level[i] + level[i + 1]);
      next_loss.push_back(loss_level[i] + loss_level[i + 1]);
    }
    if (level.size() % 2 == 1) {
      next.push_back(level.back());
      next_loss.push_back(loss_level.back());
    }
    level = std::move(next);
    loss_level = std::move(next_loss);
  }
  std::int64_t offset = 0;
  for (const Tensor& p : params) {
    Tensor(p).set_grad(level.front().narrow(0, offset, p.numel()).view(p.shape()).clone());
    offset += p.numel();
  }
  return loss_level.front();
}

}  // namespace minitorch::dist
