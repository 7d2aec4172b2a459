// gradcheck of every differentiable op on the GPU (float64, the CPU table's defaults). The
// leaves stay on the CPU, where gradcheck perturbs them element by element; each case moves
// them to the GPU inside fn with their memory order kept (a transposed leaf is transposed on
// the GPU too), runs the op there and brings the result back, so both the forward op and its
// backward rule run on CUDA, and the device copies' own gradients are checked on the way.
#include <algorithm>
#include <functional>
#include <numeric>
#include <set>

#include "cuda/cuda_test_support.h"
#include "support/test_seed.h"

namespace minitorch {
namespace {

using Inputs = std::vector<Tensor>;

constexpr TensorOptions kF64 = {.dtype = kFloat64};

Tensor leaf(Tensor t) { return t.detach().requires_grad_(true); }

Tensor values(const Shape& shape, Generator& gen, double lo = -2.0, double hi = 2.0) {
  Tensor t = rand(shape, kF64, &gen) * (hi - lo) + lo;
  Tensor near_zero = t.abs().lt(0.1);
  return leaf(t + near_zero * 0.3);
}

Tensor transposed(std::int64_t rows, std::int64_t cols, Generator& gen, double lo = -2.0,
                  double hi = 2.0) {
  return leaf(values({cols, rows}, gen, lo, hi).transpose(0, 1));
}

Tensor strided(std::int64_t rows, std::int64_t cols, Generator& gen) {
  return leaf(values({rows * 2 + 1, cols}, gen).slice(0, 1, rows * 2 + 1, 2));
}

// x on the GPU in x's memory order: permute to descending strides, move, permute back.
Tensor to_gpu(const Tensor& x) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(x.ndim()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t i, std::int64_t j) {
    return x.strides()[static_cast<int>(i)] > x.strides()[static_cast<int>(j)];
  });
  std::vector<std::int64_t> inverse(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    inverse[static_cast<std::size_t>(order[i])] = static_cast<std::int64_t>(i);
  }
  return x.permute(Dims(order)).to(Device::cuda()).permute(Dims(inverse));
}

struct GradRow {
  std::string op;
  std::function<Inputs(Generator&)> inputs;
  std::function<Tensor(const Inputs&)> fn;  // runs on GPU inputs, returns a GPU tensor
  GradcheckOptions options = {};
};

std::vector<GradRow> rows() {
  auto unary = [](const std::string& name, std::function<Tensor(const Tensor&)> f, double lo,
                  double hi) {
    return GradRow{name, [lo, hi](Generator& g) { return Inputs{transposed(3, 4, g, lo, hi)}; },
                   [f](const Inputs& in) { return f(in[0]); }};
  };
  auto binary = [](const std::string& name, std::function<Tensor(const Tensor&, const Tensor&)> f,
                   double lo, double hi) {
    return GradRow{
        name,
        [lo, hi](Generator& g) {
          return Inputs{values({3, 1}, g, lo, hi), leaf(transposed(4, 2, g, lo, hi).select(1, 0))};
        },
        [f](const Inputs& in) { return f(in[0], in[1]); }};
  };
  return {
      unary(
          "neg", [](const Tensor& x) { return -x; }, -2, 2),
      unary(
          "exp", [](const Tensor& x) { return x.exp(); }, -2, 2),
      unary(
          "log", [](const Tensor& x) { return x.log(); }, 0.2, 3),
      unary(
          "sigmoid", [](const Tensor& x) { return x.sigmoid(); }, -4, 4),
      unary(
          "relu", [](const Tensor& x) { return x.relu(); }, -2, 2),
      unary(
          "tanh", [](const Tensor& x) { return x.tanh(); }, -2, 2),
      unary(
          "inv", [](const Tensor& x) { return x.inv(); }, 0.3, 3),
      unary(
          "abs", [](const Tensor& x) { return x.abs(); }, -2, 2),
      binary(
          "add", [](const Tensor& a, const Tensor& b) { return a + b; }, -2, 2),
      binary(
          "sub", [](const Tensor& a, const Tensor& b) { return a - b; }, -2, 2),
      binary(
          "mul", [](const Tensor& a, const Tensor& b) { return a * b; }, -2, 2),
      binary(
          "div", [](const Tensor& a, const Tensor& b) { return a / b; }, 0.3, 2),
      binary(
          "pow", [](const Tensor& a, const Tensor& b) { return a.pow(b); }, 0.3, 2),
      {"pow", [](Generator& g) { return Inputs{leaf(strided(3, 2, g).abs() + 0.2)}; },
       [](const Inputs& in) { return in[0].pow(1.7); }},
      {"add", [](Generator& g) { return Inputs{transposed(2, 3, g)}; },
       [](const Inputs& in) { return (2.0 - in[0]) * 3.0 + 1.0 / (in[0] * in[0] + 1.0); }},
      {"sum", [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) { return in[0].sum(0); }},
      {"sum", [](Generator& g) { return Inputs{strided(3, 4, g)}; },
       [](const Inputs& in) { return in[0].sum() + in[0].sum(-1, true).sum(); }},
      {"mean", [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) { return in[0].mean(1) * in[0].mean(); }},
      {"max", [](Generator& g) { return Inputs{transposed(3, 5, g)}; },
       [](const Inputs& in) { return in[0].max(1, true) * 2.0 + in[0].max(); }},
      {"prod", [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) { return in[0].prod(1, true) * 2.0 + in[0].prod(); }},
      {"prod",
       [](Generator&) {
         return Inputs{leaf(from_vector(
             std::vector<double>{1.5, -0.7, 2.0, 0.0, 1.3, -0.4, 0.0, 0.9, 0.0}, {3, 3}, kF64))};
       },
       [](const Inputs& in) { return in[0].prod(1) + in[0].transpose(0, 1).prod(0) * 0.5; }},
      {"matmul",
       [](Generator& g) {
         return Inputs{values({2, 1, 3, 4}, g), leaf(values({3, 2, 4}, g).transpose(1, 2))};
       },
       [](const Inputs& in) { return in[0].matmul(in[1]); }},
      {"matmul",
       [](Generator& g) {
         return Inputs{values({3}, g), values({3, 4}, g), values({4}, g)};
       },
       [](const Inputs& in) { return in[0].matmul(in[1]) + in[1].matmul(in[2]).sum(); }},
      {"matmul",
       [](Generator& g) {
         return Inputs{values({5, 70}, g), transposed(70, 66, g)};
       },
       [](const Inputs& in) { return in[0].matmul(in[1]).sum(0); }},
      {"permute",
       [](Generator& g) {
         return Inputs{values({2, 3, 4}, g)};
       },
       [](const Inputs& in) {
         return in[0].permute({2, 0, 1}) * 1.5;
       }},
      {"transpose",
       [](Generator& g) {
         return Inputs{values({2, 3}, g)};
       },
       [](const Inputs& in) { return in[0].transpose(0, 1).exp(); }},
      {"view",
       [](Generator& g) {
         return Inputs{values({2, 6}, g)};
       },
       [](const Inputs& in) {
         return in[0].view({3, -1}) * in[0].view({3, 4});
       }},
      {"reshape", [](Generator& g) { return Inputs{transposed(3, 4, g)}; },
       [](const Inputs& in) {
         return in[0].reshape({2, 6}).exp();
       }},
      {"expand",
       [](Generator& g) {
         return Inputs{values({3, 1}, g)};
       },
       [](const Inputs& in) {
         return in[0].expand({2, 3, 4}) * 1.0;
       }},
      {"slice",
       [](Generator& g) {
         return Inputs{values({7, 3}, g)};
       },
       [](const Inputs& in) { return in[0].slice(0, 1, 7, 2).exp(); }},
      {"narrow",
       [](Generator& g) {
         return Inputs{values({3, 5}, g)};
       },
       [](const Inputs& in) { return in[0].narrow(1, 1, 3) * 2.0; }},
      {"select",
       [](Generator& g) {
         return Inputs{values({3, 4}, g)};
       },
       [](const Inputs& in) { return in[0].select(1, -1) + in[0][0].sum(); }},
      {"squeeze",
       [](Generator& g) {
         return Inputs{values({3, 1, 2}, g)};
       },
       [](const Inputs& in) { return in[0].squeeze() * in[0].squeeze(1); }},
      {"unsqueeze",
       [](Generator& g) {
         return Inputs{values({3, 2}, g)};
       },
       [](const Inputs& in) { return in[0].unsqueeze(1) * in[0].unsqueeze(-1); }},
      {"flatten", [](Generator& g) { return Inputs{transposed(2, 3, g)}; },
       [](const Inputs& in) { return in[0].flatten().tanh(); }},
      {"contiguous", [](Generator& g) { return Inputs{transposed(2, 3, g)}; },
       [](const Inputs& in) { return in[0].contiguous() * 2.0; }},
      {"clone",
       [](Generator& g) {
         return Inputs{values({2, 3}, g)};
       },
       [](const Inputs& in) { return in[0].clone().sigmoid(); }},
      {"to_dtype",
       [](Generator& g) {
         return Inputs{values({2, 3}, g)};
       },
       [](const Inputs& in) { return in[0].to(kFloat32).to(kFloat64) * 3.0; },
       {.eps = 1e-2, .atol = 1e-5, .rtol = 1e-3}},
  };
}

// fn on the GPU: leaves move there inside (recorded, so gradients come back to the CPU).
std::function<Tensor(const Inputs&)> on_gpu(const std::function<Tensor(const Inputs&)>& fn) {
  return [fn](const Inputs& cpu_inputs) {
    Inputs gpu;
    for (const Tensor& x : cpu_inputs) {
      gpu.push_back(to_gpu(x));
    }
    Tensor out = fn(gpu);
    EXPECT_TRUE(out.device().is_cuda());
    return out.to(Device::cpu());
  };
}

TEST(CudaGradcheck, EveryDifferentiableOpPassesOnTheGpu) {
  MT_REQUIRE_CUDA();
  std::uint64_t seed = testing::test_seed();
  Generator gen(seed);
  for (const GradRow& row : rows()) {
    SCOPED_TRACE(row.op + "; " + testing::seed_note(seed));
    Inputs inputs = row.inputs(gen);
    GradcheckResult result = gradcheck(on_gpu(row.fn), inputs, row.options);
    EXPECT_TRUE(result.ok) << result.message;
  }
}

TEST(CudaGradcheck, EveryDifferentiableOpHasACase) {
  std::set<std::string> covered;
  for (const GradRow& row : rows()) {
    covered.insert(row.op);
  }
  for (const std::string& op : differentiable_ops()) {
    EXPECT_TRUE(covered.count(op)) << "differentiable op '" << op << "' has no CUDA gradcheck case";
  }
}

TEST(CudaGradcheck, BackwardOfGpuLeavesStaysOnTheGpu) {
  MT_REQUIRE_CUDA();
  Generator gen(testing::test_seed());
  Tensor w =
      rand({4, 3}, {.dtype = kFloat64, .device = Device::cuda(), .requires_grad = true}, &gen);
  Tensor x = rand({5, 4}, {.dtype = kFloat64, .device = Device::cuda()}, &gen);
  Tensor loss = x.matmul(w).sigmoid().sum();
  loss.backward();
  ASSERT_TRUE(w.grad().defined());
  EXPECT_TRUE(w.grad().device().is_cuda());
  // The same on the CPU gives the same gradient up to rounding.
  Tensor wc = w.detach().to(Device::cpu()).requires_grad_(true);
  x.to(Device::cpu()).matmul(wc).sigmoid().sum().backward();
  EXPECT_TRUE(w.grad().to(Device::cpu()).all_close(wc.grad(), 1e-12, 1e-12));
}

}  // namespace
}  // namespace minitorch
