// The real-data tasks' models (task_models.h). Initialisation is drawn on the host from one
// seeded Generator in registration order, so a seed fixes every weight on every backend.
#include "task_models.h"

#include <cmath>

namespace minitorch::cli::train_detail {
namespace {

// Uniform in [-bound, bound) of the given shape, on the host, then to options' dtype/device.
Tensor uniform(const Shape& shape, double bound, Generator& gen, const TaskModelOptions& o) {
  std::vector<double> values(static_cast<std::size_t>(shape_numel(shape)));
  for (double& v : values) {
    v = bound * (2.0 * gen.uniform() - 1.0);
  }
  return from_vector(values, shape, {.dtype = o.dtype}).to(o.device);
}

// The weight's bound for fan_in inputs and fan_out outputs per the chosen init; the bias of a
// non-course init uses PyTorch's 1/sqrt(fan_in).
double weight_bound(const std::string& init, std::int64_t fan_in, std::int64_t fan_out) {
  const auto in = static_cast<double>(fan_in);
  const auto out = static_cast<double>(fan_out);
  if (init == "course") {
    return 0.05;  // 0.1 * (U[0,1) - 0.5)
  }
  if (init == "xavier") {
    return std::sqrt(6.0 / (in + out));
  }
  if (init == "kaiming") {
    return std::sqrt(6.0 / in);
  }
  return 1.0 / std::sqrt(in);  // pytorch
}

double bias_bound(const std::string& init, std::int64_t fan_in) {
  return init == "course" ? 0.05 : 1.0 / std::sqrt(static_cast<double>(fan_in));
}

// A Linear whose weight and bias are redrawn by our init from gen.
std::shared_ptr<nn::Linear> make_linear(std::int64_t in, std::int64_t out, Generator& gen,
                                        const TaskModelOptions& o) {
  auto linear = std::make_shared<nn::Linear>(
      in, out, nn::LinearOptions{.dtype = o.dtype, .device = o.device, .generator = &gen});
  linear->weight().update(uniform({out, in}, weight_bound(o.init, in, out), gen, o));
  linear->bias().update(uniform({out}, bias_bound(o.init, in), gen, o));
  return linear;
}

}  // namespace

SentimentCnn::SentimentCnn(Tensor embeddings, const TaskModelOptions& options, std::int64_t maps,
                           std::vector<std::int64_t> widths, double dropout)
    : embeddings_(std::move(embeddings)), widths_(std::move(widths)) {
  Generator gen(options.seed);
  const std::int64_t dim = embeddings_.size(1);
  for (std::size_t i = 0; i < widths_.size(); ++i) {
    const std::int64_t w = widths_[i];
    // Appended, not concatenated: GCC 12's -Wrestrict misfires on "conv" + suffix + "...".
    std::string prefix = "conv";
    prefix.append(std::to_string(i + 1));
    weights_.push_back(register_parameter(
        prefix + "_weight",
        uniform({maps, dim, w}, weight_bound(options.init, dim * w, maps * w), gen, options)));
    biases_.push_back(register_parameter(
        prefix + "_bias", uniform({maps}, bias_bound(options.init, dim * w), gen, options)));
  }
  linear_ = register_module("linear", make_linear(maps, 1, gen, options));
  dropout_ = register_module("dropout", std::make_shared<nn::Dropout>(dropout, options.seed + 1));
}

Tensor SentimentCnn::forward(const Tensor& ids) {
  // [B, L] -> [B, L, E] -> [B, E, L]: the embedding dim becomes conv1d's channels.
  Tensor x = embedding(ids, embeddings_).permute({0, 2, 1});
  Tensor pooled;
  for (std::size_t i = 0; i < widths_.size(); ++i) {
    Tensor maps = conv1d(x, weights_[i], biases_[i]).relu().amax(-1);  // max over time
    pooled = i == 0 ? maps : pooled + maps;
  }
  Tensor out = dropout_->forward(linear_->forward(pooled));
  return out.sigmoid().reshape({ids.size(0)});
}

std::string SentimentCnn::describe() const {
  std::string widths;
  for (std::int64_t w : widths_) {
    if (!widths.empty()) {
      widths.push_back(',');
    }
    widths.append(std::to_string(w));
  }
  return "embedding(" + std::to_string(embeddings_.size(0)) + "x" +
      std::to_string(embeddings_.size(1)) + ", frozen)-conv1d(widths " + widths + ", " +
      std::to_string(weights_[0].size(0)) + " maps)-relu-max over time-sum-Linear(" +
      std::to_string(linear_->in_features()) + ",1)-dropout(" +
      std::to_string(dropout_->p()).substr(0, 4) + ")-sigmoid";
}

ImageCnn::ImageCnn(const TaskModelOptions& options, std::int64_t classes) {
  Generator gen(options.seed);
  conv1_weight_ = register_parameter(
      "conv1_weight", uniform({4, 1, 3, 3}, weight_bound(options.init, 9, 36), gen, options));
  conv1_bias_ =
      register_parameter("conv1_bias", uniform({4}, bias_bound(options.init, 9), gen, options));
  conv2_weight_ = register_parameter(
      "conv2_weight", uniform({8, 4, 3, 3}, weight_bound(options.init, 36, 72), gen, options));
  conv2_bias_ =
      register_parameter("conv2_bias", uniform({8}, bias_bound(options.init, 36), gen, options));
  linear1_ = register_module("linear1", make_linear(392, 64, gen, options));
  dropout_ = register_module("dropout", std::make_shared<nn::Dropout>(0.25, options.seed + 1));
  linear2_ = register_module("linear2", make_linear(64, classes, gen, options));
}

Tensor ImageCnn::forward(const Tensor& x) {
  Tensor h = conv2d(x, conv1_weight_, conv1_bias_, 1, 1).relu();
  h = conv2d(h, conv2_weight_, conv2_bias_, 1, 1).relu();
  h = avg_pool2d(h, 4).reshape({x.size(0), 392});
  h = dropout_->forward(linear1_->forward(h).relu());
  return linear2_->forward(h).log_softmax(1);
}

std::string ImageCnn::describe() const {
  return "conv2d(1,4,3x3)-relu-conv2d(4,8,3x3)-relu-avgpool(4x4)-Linear(392,64)-relu-"
         "dropout(0.25)-Linear(64," +
      std::to_string(linear2_->out_features()) + ")-logsoftmax";
}

}  // namespace minitorch::cli::train_detail
