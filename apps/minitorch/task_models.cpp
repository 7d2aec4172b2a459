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

// Each layer's weight and bias redrawn by our init from gen, in that order (the module's own
// init draws from a scratch generator, so the draws from gen do not depend on it).
void redraw(const nn::Parameter& weight, const nn::Parameter& bias, std::int64_t fan_in,
            std::int64_t fan_out, Generator& gen, const TaskModelOptions& o) {
  weight.update(uniform(weight.shape(), weight_bound(o.init, fan_in, fan_out), gen, o));
  bias.update(uniform(bias.shape(), bias_bound(o.init, fan_in), gen, o));
}

std::shared_ptr<nn::Linear> make_linear(std::int64_t in, std::int64_t out, Generator& gen,
                                        const TaskModelOptions& o) {
  Generator scratch(0);
  auto linear = std::make_shared<nn::Linear>(
      in, out, nn::LinearOptions{.dtype = o.dtype, .device = o.device, .generator = &scratch});
  redraw(linear->weight(), linear->bias(), in, out, gen, o);
  return linear;
}

}  // namespace

SentimentCnn::SentimentCnn(Tensor embeddings, const TaskModelOptions& options, std::int64_t maps,
                           std::vector<std::int64_t> widths, double dropout, bool features_dropout,
                           bool tune_embeddings)
    : embeddings_(std::move(embeddings)),
      widths_(std::move(widths)),
      features_dropout_(features_dropout) {
  if (tune_embeddings) {
    embeddings_ = register_parameter("embedding", embeddings_.clone());
  }
  Generator gen(options.seed);
  Generator scratch(0);
  const std::int64_t dim = embeddings_.size(1);
  for (std::size_t i = 0; i < widths_.size(); ++i) {
    const std::int64_t w = widths_[i];
    // Appended, not concatenated: GCC 12's -Wrestrict misfires on "conv" + std::to_string(..).
    std::string name = "conv";
    name.append(std::to_string(i + 1));
    auto conv =
        register_module(name,
                        std::make_shared<nn::Conv1d>(dim, maps, w,
                                                     nn::Conv1dOptions{.dtype = options.dtype,
                                                                       .device = options.device,
                                                                       .generator = &scratch}));
    redraw(conv->weight(), conv->bias(), dim * w, maps * w, gen, options);
    convs_.push_back(conv);
  }
  linear_ = register_module("linear", make_linear(maps, 1, gen, options));
  dropout_ = register_module("dropout", std::make_shared<nn::Dropout>(dropout, options.seed + 1));
}

Tensor SentimentCnn::forward(const Tensor& ids) {
  // [B, L] -> [B, L, E] -> [B, E, L]: the embedding dim becomes conv1d's channels.
  Tensor x = embedding(ids, embeddings_).permute({0, 2, 1});
  Tensor pooled;
  for (std::size_t i = 0; i < widths_.size(); ++i) {
    Tensor maps = convs_[i]->forward(x).relu().amax(-1);  // max over time
    pooled = i == 0 ? maps : pooled + maps;
  }
  Tensor out = features_dropout_ ? linear_->forward(dropout_->forward(pooled))
                                 : dropout_->forward(linear_->forward(pooled));
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
  std::string head = "embedding(" + std::to_string(embeddings_.size(0)) + "x" +
      std::to_string(embeddings_.size(1)) + (embeddings_.requires_grad() ? ", tuned" : ", frozen") +
      ")-conv1d(widths " + widths + ", " + std::to_string(convs_[0]->weight().size(0)) +
      " maps)-relu-max over time-sum-";
  std::string linear = "Linear(" + std::to_string(linear_->in_features()) + ",1)";
  std::string dropout = "dropout(" + std::to_string(dropout_->p()).substr(0, 4) + ")";
  return head + (features_dropout_ ? dropout + "-" + linear : linear + "-" + dropout) + "-sigmoid";
}

ImageCnn::ImageCnn(const TaskModelOptions& options, std::int64_t classes) {
  Generator gen(options.seed);
  Generator scratch(0);
  const nn::Conv2dOptions conv{
      .padding = 1, .dtype = options.dtype, .device = options.device, .generator = &scratch};
  conv1_ = register_module("conv1", std::make_shared<nn::Conv2d>(1, 4, 3, conv));
  redraw(conv1_->weight(), conv1_->bias(), 9, 36, gen, options);
  conv2_ = register_module("conv2", std::make_shared<nn::Conv2d>(4, 8, 3, conv));
  redraw(conv2_->weight(), conv2_->bias(), 36, 72, gen, options);
  linear1_ = register_module("linear1", make_linear(392, 64, gen, options));
  dropout_ = register_module("dropout", std::make_shared<nn::Dropout>(0.25, options.seed + 1));
  linear2_ = register_module("linear2", make_linear(64, classes, gen, options));
}

Tensor ImageCnn::forward(const Tensor& x) {
  Tensor h = conv1_->forward(x).relu();
  h = conv2_->forward(h).relu();
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
