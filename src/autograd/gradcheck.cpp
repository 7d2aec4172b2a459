// gradcheck: the full Jacobian by central differences against the one backward computes,
// one backward pass per output element with a one-hot gradient.
#include <cmath>
#include <sstream>
#include <string>

#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "minitorch/layout.h"

namespace minitorch {
namespace {

std::vector<double> evaluate(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                             const std::vector<Tensor>& inputs) {
  NoGradGuard no_grad;
  return fn(inputs).to_vector();
}

}  // namespace

GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                          const std::vector<Tensor>& inputs, const GradcheckOptions& options) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].dtype() != kFloat64) {
      throw DTypeError("gradcheck: input " + std::to_string(i) + " (shape " +
                       to_string(inputs[i].shape()) + ") is " +
                       std::string(to_string(inputs[i].dtype())) + "; gradcheck needs float64");
    }
  }
  Tensor output = fn(inputs);
  std::int64_t out_numel = output.numel();

  // analytic[i][o * n_i + e] = d out[o] / d input_i[e]
  std::vector<std::vector<double>> analytic(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    analytic[i].assign(static_cast<std::size_t>(out_numel * inputs[i].numel()), 0.0);
  }
  if (output.requires_grad()) {
    Index out_index;
    for (std::int64_t o = 0; o < out_numel; ++o) {
      for (const Tensor& input : inputs) {
        Tensor(input).zero_grad();
      }
      Tensor one_hot = zeros(output.shape(), {.dtype = kFloat64, .device = output.device()});
      to_index(o, output.shape(), out_index);
      one_hot.set(out_index, 1.0);
      fn(inputs).backward(one_hot);
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        Tensor grad = inputs[i].grad();
        if (!grad.defined()) {
          continue;
        }
        std::vector<double> g = grad.to_vector();
        std::copy(g.begin(), g.end(),
                  analytic[i].begin() + static_cast<std::ptrdiff_t>(o * inputs[i].numel()));
      }
    }
  }

  Index index;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].requires_grad()) {
      continue;
    }
    Tensor input = inputs[i];
    for (std::int64_t e = 0; e < input.numel(); ++e) {
      to_index(e, input.shape(), index);
      double original = input.at(index);
      std::vector<double> plus;
      std::vector<double> minus;
      {
        NoGradGuard no_grad;
        input.set(index, original + options.eps);
        plus = evaluate(fn, inputs);
        input.set(index, original - options.eps);
        minus = evaluate(fn, inputs);
        input.set(index, original);
      }
      for (std::int64_t o = 0; o < out_numel; ++o) {
        auto oi = static_cast<std::size_t>(o);
        double numeric = (plus[oi] - minus[oi]) / (2 * options.eps);
        double exact = analytic[i][static_cast<std::size_t>(o * input.numel() + e)];
        if (!(std::fabs(numeric - exact) <= options.atol + options.rtol * std::fabs(numeric))) {
          std::ostringstream msg;
          msg << "gradcheck: d output[" << o << "] / d input " << i << "[" << e << "] (input shape "
              << to_string(input.shape()) << ", output shape " << to_string(output.shape())
              << "): analytic " << exact << " vs numeric " << numeric;
          return {false, msg.str()};
        }
      }
    }
  }
  for (const Tensor& input : inputs) {
    Tensor(input).zero_grad();
  }
  return {true, ""};
}

}  // namespace minitorch
