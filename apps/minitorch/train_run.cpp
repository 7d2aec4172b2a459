// The model, backend choice and training loop behind `minitorch train` and its benchmark.
// A step is the course's: zero_grad, forward, loss over the mini-batch (mean), backward, step.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "train_support.h"

#if __has_include("minitorch/threading.h")
#include "minitorch/threading.h"
#define MT_TRAIN_HAS_THREADS 1
#else
#define MT_TRAIN_HAS_THREADS 0
#endif

namespace minitorch::cli::train_detail {

bool has_threads_api() { return MT_TRAIN_HAS_THREADS != 0; }

Device select_backend(TrainOptions& options) {
  std::vector<std::string> names = available_backends();
  auto has = [&](const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  if (options.backend.empty()) {
    options.backend = has("cpu") ? "cpu" : "reference";
  }
  if (!has(options.backend)) {
    std::string list;
    for (const std::string& name : names) {
      list += list.empty() ? "" : ", ";
      list += name;
    }
    throw Error("--backend: backend '" + options.backend +
                "' is not in this build (available: " + list + ")");
  }
  set_backend(options.backend);
  if (options.threads > 0) {
#if MT_TRAIN_HAS_THREADS
    set_num_threads(options.threads);
#else
    throw Error("--threads: this build has no threads API (include/minitorch/threading.h)");
#endif
  }
  return options.backend == "cuda" ? Device::cuda() : Device::cpu();
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> values) {
  if (values.empty()) {
    return 0.0;
  }
  auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  if (values.size() % 2 == 1) {
    return *mid;
  }
  double upper = *mid;
  double lower = *std::max_element(values.begin(), mid);
  return 0.5 * (lower + upper);
}

double minimum(const std::vector<double>& values) {
  return values.empty() ? 0.0 : *std::min_element(values.begin(), values.end());
}

Mlp::Mlp(std::int64_t hidden, bool sigmoid_output, nn::LinearOptions linear)
    : hidden_(hidden), sigmoid_output_(sigmoid_output) {
  layers_ = std::make_shared<nn::Sequential>();
  layers_->push_back(std::make_shared<nn::Linear>(2, hidden, linear))
      .push_back(std::make_shared<nn::ReLU>())
      .push_back(std::make_shared<nn::Linear>(hidden, hidden, linear))
      .push_back(std::make_shared<nn::ReLU>())
      .push_back(std::make_shared<nn::Linear>(hidden, 1, linear));
  if (sigmoid_output) {
    layers_->push_back(std::make_shared<nn::Sigmoid>());
  }
  register_module("layers", layers_);
}

Tensor Mlp::forward(const Tensor& x) { return layers_->forward(x).view({-1}); }

std::string Mlp::describe() const {
  std::string h = std::to_string(hidden_);
  return "Linear(2," + h + ")-relu-Linear(" + h + "," + h + ")-relu-Linear(" + h + ",1)" +
      (sigmoid_output_ ? "-sigmoid" : "");
}

dist::ProcessGroup* train_group(const TrainOptions& options) {
  if (!dist::launched_by_mpi() && !options.deterministic) {
    return nullptr;
  }
  bool gpu = options.backend == "cuda";
  dist::ProcessGroup& group =
      dist::init_process_group(gpu && dist::launched_by_mpi() ? "nccl" : "auto");
  if (options.deterministic && options.micro_batches % group.world_size() != 0) {
    throw UsageError("train: --micro-batches: " + std::to_string(options.micro_batches) +
                     " is not a multiple of the " + std::to_string(group.world_size()) +
                     " processes");
  }
  return &group;
}

Trainer::Trainer(const TrainOptions& options, Device device, dist::ProcessGroup* group)
    : options_(options),
      device_(device),
      dtype_(options.dtype == "f64" ? kFloat64 : kFloat32),
      logits_(options.loss == "bce-logits"),
      dataset_(data::make_dataset(options.dataset, options.points, options.seed)) {
  // Independent streams for the weights and the batch order, all fixed by --seed.
  Generator init_generator(options.seed * 2654435761ULL + 1);
  model_ = std::make_shared<Mlp>(options.hidden, !logits_,
                                 nn::LinearOptions{.init = nn::parse_init(options.init),
                                                   .dtype = dtype_,
                                                   .device = device,
                                                   .generator = &init_generator});
  if (!options.load.empty()) {
    nn::load(*model_, options.load);
  }
  if (options.optimizer == "sgd") {
    optimizer_ = std::make_unique<optim::SGD>(
        model_->parameters(),
        optim::SGDOptions{
            .lr = options.lr, .momentum = options.momentum, .weight_decay = options.weight_decay});
  } else if (options.optimizer == "adam") {
    optimizer_ = std::make_unique<optim::Adam>(
        model_->parameters(),
        optim::AdamOptions{.lr = options.lr, .weight_decay = options.weight_decay});
  } else {
    throw Error("--optimizer: unknown optimizer '" + options.optimizer + "' (sgd, adam)");
  }
  batches_ = std::make_unique<data::Batches>(dataset_, options.batch, options.seed + 0x5eed,
                                             TensorOptions{.dtype = dtype_, .device = device});
  all_x_ = dataset_.x_tensor({.dtype = dtype_, .device = device});
  all_y_ = dataset_.y_tensor({.dtype = dtype_, .device = device});
  group_ = group;
  // Note [Graph replay]: Adam's bias correction reads its step count on the host, which a
  // replay would not advance; SGD's host side is the same every step once its momentum
  // buffers exist (made by the first, eager step).
  use_graphs_ = device.is_cuda() && options.cuda_graphs == "on" && options.optimizer == "sgd" &&
      group == nullptr;
  if (group_ != nullptr && !options.deterministic && group_->world_size() > 1) {
    std::vector<nn::Parameter> params = model_->parameters();
    data_parallel_ = std::make_unique<dist::DataParallel>(
        std::vector<Tensor>(params.begin(), params.end()), *group_);
  }
}

// The loss summed over the rows given, divided by the whole batch's size: summed over the
// ranks' shares (or the micro-batches) it is the batch's mean loss.
Tensor Trainer::summed_loss(const Tensor& out, const Tensor& y) const {
  Tensor sum = logits_ ? nn::binary_cross_entropy_with_logits(out, y, nn::Reduction::Sum)
                       : nn::binary_cross_entropy(out, y, nn::Reduction::Sum);
  return sum;
}

// Rows [part * n / parts, (part + 1) * n / parts) of a batch of n: fixed by n and parts.
std::pair<std::int64_t, std::int64_t> share(std::int64_t n, std::int64_t part, std::int64_t parts) {
  std::int64_t begin = part * n / parts;
  return {begin, (part + 1) * n / parts - begin};
}

double Trainer::run_epoch_data_parallel() {
  const std::int64_t rank = group_->rank();
  const std::int64_t world = group_->world_size();
  Tensor total = zeros({1}, {.dtype = kFloat64, .device = device_});
  for (const data::Batch& batch : batches_->epoch()) {
    const std::int64_t n = batch.y.numel();
    auto [begin, count] = share(n, rank, world);
    Tensor out = model_->forward(batch.x.narrow(0, begin, count));
    Tensor loss = summed_loss(out, batch.y.narrow(0, begin, count)) / static_cast<double>(n);
    data_parallel_->backward(loss);
    const dist::StepTiming& timing = data_parallel_->last_step();
    comm_wait_ns_ += timing.finished_ns - timing.backward_ns;
    for (const dist::BucketTiming& bucket : timing.buckets) {
      comm_bytes_ += bucket.bytes;
    }
    optimizer_->step();
    NoGradGuard no_grad;
    total.add_(loss.detach().to(kFloat64).reshape({1}), static_cast<double>(n));
  }
  group_->all_reduce(total);
  return total.item() / static_cast<double>(dataset_.size());
}

double Trainer::run_epoch_deterministic() {
  const std::vector<nn::Parameter> parameters = model_->parameters();
  const std::vector<Tensor> params(parameters.begin(), parameters.end());
  double total = 0.0;
  for (const data::Batch& batch : batches_->epoch()) {
    const std::int64_t n = batch.y.numel();
    double loss =
        dist::deterministic_step(params, *group_, options_.micro_batches, [&](std::int64_t part) {
          auto [begin, count] = share(n, part, options_.micro_batches);
          Tensor out = model_->forward(batch.x.narrow(0, begin, count));
          return summed_loss(out, batch.y.narrow(0, begin, count)) / static_cast<double>(n);
        });
    optimizer_->step();
    total += loss * static_cast<double>(n);
  }
  return total / static_cast<double>(dataset_.size());
}

// One optimiser step on a batch; returns its mean loss (on the device).
Tensor Trainer::step(const Tensor& x, const Tensor& y) {
  optimizer_->zero_grad();
  Tensor out = model_->forward(x);
  Tensor loss =
      logits_ ? nn::binary_cross_entropy_with_logits(out, y) : nn::binary_cross_entropy(out, y);
  loss.backward();
  optimizer_->step();
  return loss;
}

double Trainer::run_epoch() {
  if (data_parallel_ != nullptr) {
    return run_epoch_data_parallel();
  }
  if (group_ != nullptr && options_.deterministic) {
    return run_epoch_deterministic();
  }
  if (use_graphs_) {
    return run_epoch_graphed();
  }
  double total = 0.0;
  for (const data::Batch& batch : batches_->epoch()) {
    Tensor loss = step(batch.x, batch.y);
    total += loss.item() * static_cast<double>(batch.y.numel());
  }
  return total / static_cast<double>(dataset_.size());
}

// Note [Graph replay]: a step of the course's MLP on the GPU is ~60 kernels of a few
// microseconds of host work each. The first full-size step runs eagerly (it makes SGD's
// momentum buffers and warms the allocator's cache); the second is captured as a CUDA graph
// (minitorch/cuda_graph.h) reading static batch tensors; every later full-size step copies
// its batch into them and replays the graph: the same kernels in the same order on the same
// memory, so the same bits as eager steps. A smaller last batch runs eagerly. A capture
// that fails (a step that syncs with the host) is reported once and training goes on eagerly.
double Trainer::run_epoch_graphed() {
  double total = 0.0;
  for (const data::Batch& batch : batches_->epoch()) {
    const std::int64_t n = batch.y.numel();
    const bool full = n == options_.batch;
    if (full && graph_ != nullptr) {
      static_x_.copy_(batch.x);
      static_y_.copy_(batch.y);
      graph_->replay();
      total += static_loss_.item() * static_cast<double>(n);
      continue;
    }
    if (full && use_graphs_ && eager_steps_ > 0) {
      static_x_ = batch.x.clone();
      static_y_ = batch.y.clone();
      auto graph = std::make_unique<CudaGraph>(device_);
      try {
        graph->capture([&] { static_loss_ = step(static_x_, static_y_); });
        graph_ = std::move(graph);
        graph_->replay();
        total += static_loss_.item() * static_cast<double>(n);
        continue;
      } catch (const DeviceError& e) {
        std::fprintf(stderr, "minitorch train: CUDA graph capture failed, training eagerly: %s\n",
                     e.what());
        use_graphs_ = false;
      }
    }
    Tensor loss = step(batch.x, batch.y);
    ++eager_steps_;
    total += loss.item() * static_cast<double>(n);
  }
  return total / static_cast<double>(dataset_.size());
}

double Trainer::loss() {
  NoGradGuard no_grad;
  model_->eval();
  Tensor out = model_->forward(all_x_);
  model_->train();
  Tensor loss = logits_ ? nn::binary_cross_entropy_with_logits(out, all_y_)
                        : nn::binary_cross_entropy(out, all_y_);
  return loss.item();
}

std::int64_t Trainer::correct() {
  NoGradGuard no_grad;
  model_->eval();
  Tensor out = model_->forward(all_x_);
  model_->train();
  Tensor predicted = out.gt(logits_ ? 0.0 : 0.5);
  return static_cast<std::int64_t>(predicted.eq(all_y_).sum().item());
}

std::vector<double> Trainer::predict(const std::vector<double>& xy) {
  NoGradGuard no_grad;
  model_->eval();
  auto m = static_cast<std::int64_t>(xy.size() / 2);
  Tensor x = from_vector(xy, {m, 2}, {.dtype = dtype_});
  Tensor out = model_->forward(x.to(device_));
  model_->train();
  return (logits_ ? out.sigmoid() : out).to_vector();
}

}  // namespace minitorch::cli::train_detail
