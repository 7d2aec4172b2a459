// Property tests for views and copies: each view's elements match NdArray's version of it,
// views share storage, copies do not, and the input is never changed.
#include <algorithm>
#include <numeric>

#include "minitorch/minitorch.h"
#include "ops/property_support.h"

namespace minitorch::testing {
namespace {

// A random shape with numel n (n = 0 puts a 0 among random sizes).
Sizes shape_with_numel(CaseGen& gen, std::int64_t n) {
  Sizes out;
  if (n == 0) {
    out = gen.shape(4, 3);
    out.insert(out.begin() + gen.uniform_int(0, static_cast<std::int64_t>(out.size())), 0);
    return out;
  }
  while (n > 1 && out.size() < 4) {
    std::vector<std::int64_t> divisors;
    for (std::int64_t d = 2; d <= n; ++d) {
      if (n % d == 0) {
        divisors.push_back(d);
      }
    }
    std::int64_t d = divisors[static_cast<std::size_t>(
        gen.uniform_int(0, static_cast<std::int64_t>(divisors.size()) - 1))];
    out.push_back(d);
    n /= d;
    if (gen.chance(0.2)) {
      out.push_back(1);
    }
  }
  if (n > 1) {
    out.push_back(n);
  }
  std::shuffle(out.begin(), out.end(), gen.rng());
  return out;
}

struct ViewCase {
  Tensor got;
  NdArray want;
  std::string what;
};

using ViewMaker = std::function<ViewCase(CaseGen&, const Operand&)>;

std::int64_t some_dim(CaseGen& gen, std::size_t rank, bool allow_negative = true) {
  auto d = gen.uniform_int(0, static_cast<std::int64_t>(rank) - 1);
  return allow_negative && gen.chance(0.3) ? d - static_cast<std::int64_t>(rank) : d;
}

std::size_t wrapped(std::int64_t dim, std::size_t rank) {
  return static_cast<std::size_t>(dim < 0 ? dim + static_cast<std::int64_t>(rank) : dim);
}

std::vector<std::pair<std::string, ViewMaker>> view_rows() {
  return {
      {"permute",
       [](CaseGen& gen, const Operand& x) {
         Sizes order(x.expected.shape.size());
         std::iota(order.begin(), order.end(), 0);
         std::shuffle(order.begin(), order.end(), gen.rng());
         return ViewCase{x.tensor.permute(Dims(order)), permute(x.expected, order),
                         sizes_string(order)};
       }},
      {"transpose",
       [](CaseGen& gen, const Operand& x) {
         std::size_t rank = x.expected.shape.size();
         if (rank < 2) {
           return ViewCase{x.tensor.transpose(0, -1), x.expected, "rank < 2"};
         }
         std::int64_t d0 = some_dim(gen, rank);
         std::int64_t d1 = some_dim(gen, rank);
         Sizes order(rank);
         std::iota(order.begin(), order.end(), 0);
         std::swap(order[wrapped(d0, rank)], order[wrapped(d1, rank)]);
         return ViewCase{x.tensor.transpose(d0, d1), permute(x.expected, order),
                         std::to_string(d0) + "," + std::to_string(d1)};
       }},
      {"reshape",
       [](CaseGen& gen, const Operand& x) {
         Sizes target = shape_with_numel(gen, x.expected.numel());
         NdArray want{target, x.expected.values};
         return ViewCase{x.tensor.reshape(Shape(target)), want, sizes_string(target)};
       }},
      {"view",
       [](CaseGen& gen, const Operand& x) {
         Sizes target = shape_with_numel(gen, x.expected.numel());
         NdArray want{target, x.expected.values};
         Tensor got;
         try {
           got = x.tensor.view(Shape(target));
           EXPECT_TRUE(got.data().storage() == x.tensor.data().storage()) << "view copied";
         } catch (const ShapeError&) {
           EXPECT_FALSE(x.tensor.is_contiguous()) << "a contiguous tensor must always view";
           got = x.tensor.contiguous().view(Shape(target));
         }
         return ViewCase{got, want, sizes_string(target)};
       }},
      {"expand",
       [](CaseGen& gen, const Operand& x) {
         Sizes target = x.expected.shape;
         for (auto& s : target) {
           if (s == 1 && gen.chance(0.5)) {
             s = gen.uniform_int(0, 4);
           }
         }
         if (gen.chance(0.3)) {
           target.insert(target.begin(), gen.uniform_int(0, 3));
         }
         return ViewCase{x.tensor.expand(Shape(target)), broadcast_to(x.expected, target),
                         sizes_string(target)};
       }},
      {"slice",
       [](CaseGen& gen, const Operand& x) {
         std::size_t rank = x.expected.shape.size();
         if (rank == 0) {
           return ViewCase{x.tensor, x.expected, "scalar"};
         }
         std::int64_t dim = some_dim(gen, rank);
         std::int64_t size = x.expected.shape[wrapped(dim, rank)];
         std::int64_t start = gen.uniform_int(-size - 1, size + 1);
         std::int64_t stop = gen.uniform_int(-size - 1, size + 2);
         std::int64_t step = gen.uniform_int(1, 3);
         // Python's slice rule, written out independently.
         auto clamp = [size](std::int64_t i) {
           return std::clamp(i < 0 ? i + size : i, std::int64_t{0}, size);
         };
         std::int64_t b = clamp(start);
         std::int64_t e = clamp(stop);
         std::int64_t length = e > b ? (e - b + step - 1) / step : 0;
         return ViewCase{x.tensor.slice(dim, start, stop, step),
                         slice(x.expected, static_cast<int>(wrapped(dim, rank)), b, length, step),
                         std::to_string(dim) + ":" + std::to_string(start) + ":" +
                             std::to_string(stop) + ":" + std::to_string(step)};
       }},
      {"narrow",
       [](CaseGen& gen, const Operand& x) {
         std::size_t rank = x.expected.shape.size();
         if (rank == 0) {
           return ViewCase{x.tensor, x.expected, "scalar"};
         }
         std::int64_t dim = some_dim(gen, rank);
         std::int64_t size = x.expected.shape[wrapped(dim, rank)];
         std::int64_t start = gen.uniform_int(0, size);
         std::int64_t length = gen.uniform_int(0, size - start);
         return ViewCase{
             x.tensor.narrow(dim, start, length),
             slice(x.expected, static_cast<int>(wrapped(dim, rank)), start, length, 1),
             std::to_string(dim) + " " + std::to_string(start) + "+" + std::to_string(length)};
       }},
      {"select",
       [](CaseGen& gen, const Operand& x) {
         std::size_t rank = x.expected.shape.size();
         std::int64_t dim = rank == 0 ? 0 : some_dim(gen, rank);
         std::int64_t size = rank == 0 ? 0 : x.expected.shape[wrapped(dim, rank)];
         if (size == 0) {
           return ViewCase{x.tensor, x.expected, "no element to select"};
         }
         std::int64_t index = gen.uniform_int(-size, size - 1);
         std::size_t d = wrapped(dim, rank);
         NdArray want =
             slice(x.expected, static_cast<int>(d), index < 0 ? index + size : index, 1, 1);
         want.shape.erase(want.shape.begin() + static_cast<std::ptrdiff_t>(d));
         return ViewCase{x.tensor.select(dim, index), want,
                         std::to_string(dim) + "[" + std::to_string(index) + "]"};
       }},
      {"squeeze",
       [](CaseGen& gen, const Operand& x) {
         NdArray want = x.expected;
         std::size_t rank = want.shape.size();
         if (rank > 0 && gen.chance(0.5)) {
           std::int64_t dim = some_dim(gen, rank);
           std::size_t d = wrapped(dim, rank);
           if (want.shape[d] == 1) {
             want.shape.erase(want.shape.begin() + static_cast<std::ptrdiff_t>(d));
           }
           return ViewCase{x.tensor.squeeze(dim), want, std::to_string(dim)};
         }
         std::erase(want.shape, 1);
         return ViewCase{x.tensor.squeeze(), want, "all"};
       }},
      {"unsqueeze",
       [](CaseGen& gen, const Operand& x) {
         std::int64_t rank = static_cast<std::int64_t>(x.expected.shape.size());
         std::int64_t dim = gen.uniform_int(-rank - 1, rank);
         NdArray want = x.expected;
         want.shape.insert(want.shape.begin() + (dim < 0 ? dim + rank + 1 : dim), 1);
         return ViewCase{x.tensor.unsqueeze(dim), want, std::to_string(dim)};
       }},
      {"flatten",
       [](CaseGen&, const Operand& x) {
         return ViewCase{x.tensor.flatten(), NdArray{{x.expected.numel()}, x.expected.values}, ""};
       }},
      {"contiguous",
       [](CaseGen&, const Operand& x) {
         Tensor got = x.tensor.contiguous();
         EXPECT_TRUE(got.is_contiguous());
         return ViewCase{got, x.expected, ""};
       }},
      {"clone",
       [](CaseGen&, const Operand& x) {
         Tensor got = x.tensor.clone();
         EXPECT_FALSE(got.data().storage() == x.tensor.data().storage()) << "clone shares storage";
         return ViewCase{got, x.expected, ""};
       }},
      {"to_dtype",
       [](CaseGen&, const Operand& x) {
         DType other = x.tensor.dtype() == kFloat32 ? kFloat64 : kFloat32;
         NdArray want = x.expected;
         for (double& v : want.values) {
           v = round_to(other, v);
         }
         Tensor got = x.tensor.to(other);
         EXPECT_EQ(got.dtype(), other);
         return ViewCase{got, want, dtype_name(other)};
       }},
      {"at",
       [](CaseGen& gen, const Operand& x) {
         // Element reads by index (negative entries count from the end), checked one by one.
         Sizes idx;
         NdArray want = NdArray::filled({}, 0);
         if (x.expected.numel() == 0) {
           return ViewCase{x.tensor.sum(), want, "empty"};
         }
         for (std::int64_t s : x.expected.shape) {
           idx.push_back(gen.uniform_int(0, s - 1));
         }
         Index lib_idx;
         for (std::size_t i = 0; i < idx.size(); ++i) {
           lib_idx.push_back(gen.chance(0.3) ? idx[i] - x.expected.shape[i] : idx[i]);
         }
         want.values = {x.expected.at(idx)};
         return ViewCase{scalar_tensor(x.tensor.at(lib_idx), {.dtype = kFloat64}), want,
                         to_string(lib_idx)};
       }},
  };
}

class ViewProperty : public BackendTest {};

TEST_P(ViewProperty, EveryViewMatchesLoopsAndLeavesItsInputAlone) {
  std::uint64_t seed = test_seed();
  for (const auto& [name, make] : view_rows()) {
    for (DType dtype : {kFloat32, kFloat64}) {
      CaseGen gen(seed);
      for (int i = 0; i < kCasesPerOp; ++i) {
        Sizes shape = gen.shape();
        Operand x = gen.operand(shape, dtype);
        ViewCase c = make(gen, x);
        SCOPED_TRACE(case_note(
            i, name,
            dtype_name(dtype) + " " + sizes_string(shape) + " " + x.recipe + " -> " + c.what,
            seed));
        ASSERT_EQ(compare(read(c.got), c.want, 0, 0), "");
        ASSERT_EQ(compare(read(x.tensor), x.expected, 0, 0), "") << "input changed";
      }
    }
  }
}

MT_INSTANTIATE_BACKENDS(ViewProperty);

}  // namespace
}  // namespace minitorch::testing
