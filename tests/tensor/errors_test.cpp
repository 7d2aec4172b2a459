// Each misuse class throws its typed exception, with a message that names the op and every
// shape involved, and leaves the inputs exactly as they were.
#include <gtest/gtest.h>

#include <functional>

#include "minitorch/minitorch.h"

namespace minitorch {
namespace {

struct Snapshot {
  Shape shape;
  Strides strides;
  std::vector<double> values;
  bool requires_grad;
  explicit Snapshot(const Tensor& t)
      : shape(t.shape()),
        strides(t.strides()),
        values(t.to_vector()),
        requires_grad(t.requires_grad()) {}
  bool operator==(const Snapshot& o) const {
    return shape == o.shape && strides == o.strides && values == o.values &&
        requires_grad == o.requires_grad;
  }
};

// Runs f, expects an E whose message contains every string in parts, and checks that the
// inputs did not change.
template <class E>
void expect_error(const std::function<void()>& f, const std::vector<std::string>& parts,
                  std::vector<Tensor> inputs) {
  std::vector<Snapshot> before;
  for (const Tensor& t : inputs) {
    before.emplace_back(t);
  }
  try {
    f();
    ADD_FAILURE() << "no exception";
  } catch (const E& e) {
    std::string message = e.what();
    for (const std::string& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_TRUE(Snapshot(inputs[i]) == before[i]) << "input " << i << " changed";
  }
}

TEST(Errors, ShapesThatDoNotBroadcast) {
  Tensor a = ones({3, 4}, {.requires_grad = true});
  Tensor b = ones({5});
  expect_error<ShapeError>([&] { (void)(a + b); },
                           {"add: shapes [3, 4] and [5] do not broadcast (dim -1: 4 vs 5)"},
                           {a, b});
  expect_error<ShapeError>([&] { (void)(a * b); }, {"mul", "[3, 4]", "[5]"}, {a, b});
  Tensor c = zeros({3, 4});
  expect_error<ShapeError>([&] { c.add_(ones({2, 4})); }, {"add_", "[3, 4]", "[2, 4]"}, {c});
  expect_error<ShapeError>([&] { c.copy_(ones({4, 4})); }, {"copy_", "[4, 4]", "[3, 4]"}, {c});
  expect_error<ShapeError>(
      [&] {
        (void)a.expand({2, 5, 4});
      },
      {"expand", "[3, 4]", "[2, 5, 4]", "dim 1"}, {a});
}

TEST(Errors, DimOutOfRange) {
  Tensor a = ones({2, 3});
  expect_error<IndexError>([&] { (void)a.sum(2); }, {"reduce(sum)", "dim 2", "[2, 3]"}, {a});
  expect_error<IndexError>([&] { (void)a.max(-3); }, {"reduce(max)", "dim -3", "[2, 3]"}, {a});
  expect_error<IndexError>([&] { (void)a.mean(5); }, {"mean", "dim 5", "[2, 3]"}, {a});
  expect_error<IndexError>([&] { (void)a.transpose(0, 2); }, {"transpose", "dim 2", "[2, 3]"}, {a});
  expect_error<IndexError>([&] { (void)a.unsqueeze(3); }, {"unsqueeze", "dim 3", "[2, 3]"}, {a});
  expect_error<IndexError>([&] { (void)a.size(2); }, {"size", "dim 2", "[2, 3]"}, {a});
  expect_error<IndexError>([&] { (void)a.slice(-3, 0, 1); }, {"slice", "dim -3", "[2, 3]"}, {a});
}

TEST(Errors, BadPermutation) {
  Tensor a = ones({2, 3, 4});
  expect_error<ShapeError>(
      [&] {
        (void)a.permute({0, 0, 1});
      },
      {"permute", "[0, 0, 1]", "[2, 3, 4]", "dim 0 repeats"}, {a});
  expect_error<ShapeError>(
      [&] {
        (void)a.permute({1, 0});
      },
      {"permute", "[1, 0]", "[2, 3, 4]"}, {a});
  expect_error<IndexError>(
      [&] {
        (void)a.permute({0, 1, 3});
      },
      {"permute", "dim 3", "[2, 3, 4]"}, {a});
}

TEST(Errors, NonViewableView) {
  Tensor a = ones({2, 3}).transpose(0, 1);
  expect_error<ShapeError>([&] { (void)a.view({6}); },
                           {"view", "[6]", "[3, 2]", "strides [1, 3]", "reshape"}, {a});
  expect_error<ShapeError>(
      [&] {
        (void)a.view({4, 2});
      },
      {"view", "[4, 2]", "[3, 2]", "6 elements"}, {a});
  expect_error<ShapeError>(
      [&] {
        (void)a.reshape({-1, -1});
      },
      {"reshape", "[-1, -1]", "[3, 2]"}, {a});
}

TEST(Errors, MatmulInnerSizeMismatch) {
  Tensor a = ones({2, 3}, {.requires_grad = true});
  Tensor b = ones({4, 5});
  expect_error<ShapeError>(
      [&] { (void)a.matmul(b); },
      {"matmul: inner sizes differ for shapes [2, 3] and [4, 5] (a dim -1: 3 vs b dim -2: 4)"},
      {a, b});
  Tensor c = ones({2, 2, 3});
  Tensor d = ones({3, 3, 5});
  expect_error<ShapeError>([&] { (void)c.matmul(d); },
                           {"matmul", "[2, 2, 3]", "[3, 3, 5]", "batch"}, {c, d});
  Tensor s = scalar_tensor(1.0);
  expect_error<ShapeError>([&] { (void)s.matmul(b); }, {"matmul", "[]", "[4, 5]"}, {s, b});
}

TEST(Errors, DtypeMismatch) {
  Tensor a = ones({2}, {.dtype = kFloat32});
  Tensor b = ones({2}, {.dtype = kFloat64});
  expect_error<DTypeError>([&] { (void)(a + b); }, {"add", "float32", "float64", "[2]"}, {a, b});
  expect_error<DTypeError>(
      [&] {
        (void)a.matmul(ones({2, 2}, {.dtype = kFloat64}));
      },
      {"matmul", "float32", "float64", "[2]", "[2, 2]"}, {a});
  expect_error<DTypeError>([&] { a.add_(b); }, {"add_", "float32", "float64"}, {a, b});
  expect_error<DTypeError>([&] { (void)a.data_ptr<double>(); },
                           {"data_ptr", "float64", "float32", "[2]"}, {a});
}

TEST(Errors, IndexOutOfRange) {
  Tensor a = arange(6).view({2, 3});
  expect_error<IndexError>([&] { (void)a.at({2, 0}); }, {"at", "[2, 0]", "[2, 3]", "dim 0"}, {a});
  expect_error<IndexError>(
      [&] {
        a.set({0, -4}, 1.0);
      },
      {"set", "[0, -4]", "[2, 3]", "dim 1"}, {a});
  expect_error<IndexError>([&] { (void)a.at({1}); }, {"at", "[1]", "[2, 3]"}, {a});
  expect_error<IndexError>([&] { (void)a.select(1, 3); }, {"select", "index 3", "dim 1", "[2, 3]"},
                           {a});
  expect_error<IndexError>([&] { (void)a[5]; }, {"select", "index 5", "[2, 3]"}, {a});
  expect_error<IndexError>([&] { (void)a.narrow(1, 2, 2); }, {"narrow", "dim 1", "[2, 3]"}, {a});
}

TEST(Errors, AllDeriveFromError) {
  EXPECT_THROW((void)(ones({2}) + ones({3})), Error);
  EXPECT_THROW((void)ones({2}).sum(4), Error);
}

TEST(Errors, BackwardMisuse) {
  Tensor a = ones({2});
  expect_error<Error>([&] { a.backward(); }, {"backward", "[2]"}, {a});
  Tensor w = ones({2}, {.requires_grad = true});
  Tensor y = w * 2.0;
  expect_error<ShapeError>([&] { y.backward(); }, {"backward", "[2]", "one element"}, {w});
  expect_error<ShapeError>([&] { y.backward(ones({3})); }, {"backward", "[3]", "[2]"}, {w});
  EXPECT_FALSE(w.grad().defined());
}

}  // namespace
}  // namespace minitorch
