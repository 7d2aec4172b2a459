// Tensor: metadata, element access, autograd accessors, copies and in-place ops.
// Math lives in tensor_math.cpp, views in tensor_views.cpp.
#include "minitorch/tensor.h"

#include <string>

#include "autograd/functions.h"
#include "autograd/node.h"
#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/layout.h"
#include "ops/checks.h"
#include "ops/ops.h"
#include "tensor/tensor_impl.h"

namespace minitorch {

Tensor::Tensor(TensorData data) : impl_(std::make_shared<TensorImpl>(std::move(data))) {}

const TensorData& Tensor::data() const {
  if (impl_ == nullptr) {
    throw ValueError("tensor: the tensor is undefined (default-constructed or an absent grad)");
  }
  return impl_->data;
}

std::int64_t Tensor::size(std::int64_t dim) const {
  if (ndim() == 0) {
    throw IndexError("size: a scalar (shape []) has no dims (asked for dim " + std::to_string(dim) +
                     ")");
  }
  return shape()[wrap_dim(dim, ndim(), "size", shape())];
}

void Tensor::check_data_ptr(DType requested) const {
  if (requested != dtype()) {
    throw DTypeError("data_ptr: requested " + std::string(minitorch::to_string(requested)) +
                     " from a " + std::string(minitorch::to_string(dtype())) + " tensor of shape " +
                     minitorch::to_string(shape()));
  }
  if (!device().is_cpu()) {
    throw DeviceError("data_ptr: tensor of shape " + minitorch::to_string(shape()) + " is on " +
                      device().to_string() + "; move it with to(Device::cpu())");
  }
}

namespace {

template <class T>
T read_element(const TensorData& data, std::int64_t position) {
  return dispatch_dtype(data.dtype(), [&](auto t) {
    return cast_value<T>(data.storage_data<decltype(t)>()[position]);
  });
}

void check_one_element(const Tensor& t) {
  if (t.numel() != 1) {
    throw ShapeError("item: tensor of shape " + minitorch::to_string(t.shape()) + " has " +
                     std::to_string(t.numel()) + " elements, not 1");
  }
}

}  // namespace

double Tensor::item() const { return item<double>(); }

template <class T>
T Tensor::item() const {
  check_one_element(*this);
  Tensor host = to(Device::cpu());
  return read_element<T>(host.data(), host.data().position_of(Index::filled(ndim(), 0), "item"));
}

double Tensor::at(const Index& index) const {
  if (!device().is_cpu()) {
    return to(Device::cpu()).at(index);
  }
  return read_element<double>(data(), data().position_of(index, "at"));
}

void Tensor::set(const Index& index, double value) {
  check_in_place("set");
  std::int64_t position = data().position_of(index, "set");
  if (!device().is_cpu()) {
    // A 0-dim view of the element, filled by the device's backend.
    TensorData element(data().storage(), position, Shape{}, Strides{}, dtype());
    ops::fill(element, value, "set");
  } else {
    dispatch_dtype(dtype(), [&](auto t) {
      using T = decltype(t);
      data().storage_data<T>()[position] = cast_value<T>(value);
    });
  }
  data().storage()->bump_version();
}

std::vector<double> Tensor::to_vector() const { return to_vector<double>(); }

template <class T>
std::vector<T> Tensor::to_vector() const {
  TensorData host = ops::contiguous(to(Device::cpu()).data());
  std::vector<T> values(static_cast<std::size_t>(host.numel()));
  dispatch_dtype(host.dtype(), [&](auto t) {
    using Stored = decltype(t);
    const Stored* p = static_cast<const Stored*>(host.data_ptr());
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = cast_value<T>(p[i]);
    }
  });
  return values;
}

template float Tensor::item<float>() const;
template double Tensor::item<double>() const;
template std::int64_t Tensor::item<std::int64_t>() const;
template bool Tensor::item<bool>() const;
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<double> Tensor::to_vector<double>() const;
template std::vector<std::int64_t> Tensor::to_vector<std::int64_t>() const;
template std::vector<bool> Tensor::to_vector<bool>() const;

// ---- Autograd accessors --------------------------------------------------------------

bool Tensor::requires_grad() const { return data().defined() && impl_->requires_grad; }

Tensor& Tensor::requires_grad_(bool requires_grad) {
  if (!is_leaf()) {
    throw AutogradError(
        "requires_grad_: only leaf tensors can change requires_grad (this one is the "
        "output of " +
        grad_fn_name() + ", shape " + minitorch::to_string(shape()) + "); use detach() first");
  }
  if (requires_grad && !is_floating_point(dtype())) {
    throw DTypeError(
        "requires_grad_: only floating point tensors can require gradients (this "
        "one is " +
        std::string(minitorch::to_string(dtype())) + ", shape " + minitorch::to_string(shape()) +
        ")");
  }
  impl_->requires_grad = requires_grad;
  return *this;
}

Tensor Tensor::grad() const {
  data();
  return impl_->grad;
}

void Tensor::zero_grad() {
  data();
  impl_->grad = Tensor();
}

bool Tensor::is_leaf() const {
  data();
  return impl_->grad_fn == nullptr;
}

std::string Tensor::grad_fn_name() const {
  data();
  return impl_->grad_fn ? std::string(impl_->grad_fn->name()) : std::string();
}

void Tensor::set_grad(const Tensor& g) {
  data();
  if (!(g.shape() == shape())) {
    throw ShapeError("set_grad: gradient shape " + minitorch::to_string(g.shape()) +
                     " differs from the tensor's shape " + minitorch::to_string(shape()));
  }
  if (g.dtype() != dtype()) {
    throw DTypeError("set_grad: gradient dtype " + std::string(minitorch::to_string(g.dtype())) +
                     " differs from the tensor's " + std::string(minitorch::to_string(dtype())));
  }
  if (g.device() != device()) {
    throw DeviceError("set_grad: gradient on " + g.device().to_string() + ", tensor on " +
                      device().to_string());
  }
  impl_->grad = g.detach();
}

Tensor Tensor::from_impl(std::shared_ptr<TensorImpl> impl) {
  Tensor t;
  t.impl_ = std::move(impl);
  return t;
}

void Tensor::register_post_accumulate_grad_hook(std::function<void(Tensor&)> hook) {
  if (!is_leaf() || !requires_grad()) {
    throw AutogradError("register_post_accumulate_grad_hook: the tensor (shape " +
                        minitorch::to_string(shape()) + ") is not a leaf that requires grad");
  }
  // A weak handle: a strong one inside the tensor's own implementation would keep it alive.
  std::weak_ptr<TensorImpl> weak = impl_;
  impl_->post_accumulate_hooks.push_back([weak, hook = std::move(hook)] {
    if (std::shared_ptr<TensorImpl> impl = weak.lock()) {
      Tensor leaf = Tensor::from_impl(std::move(impl));
      hook(leaf);
    }
  });
}

Tensor Tensor::detach() const { return Tensor(data()); }

// ---- Copies and conversions ------------------------------------------------------------

Tensor Tensor::clone() const { return autograd::copy(*this, dtype(), device()); }

Tensor Tensor::to(DType dtype) const {
  return dtype == this->dtype() ? *this : autograd::copy(*this, dtype, device());
}

Tensor Tensor::to(Device device) const {
  return device == this->device() ? *this : autograd::copy(*this, dtype(), device);
}

// ---- In place --------------------------------------------------------------------------

void Tensor::check_in_place(const char* op) const {
  if (requires_grad() && is_grad_enabled()) {
    throw AutogradError(std::string(op) + ": a tensor that requires grad (shape " +
                        minitorch::to_string(shape()) +
                        ") cannot be modified in place while grad mode is on; use NoGradGuard");
  }
}

Tensor& Tensor::fill_(double value) {
  check_in_place("fill_");
  ops::fill(impl_->data, value, "fill_");
  data().storage()->bump_version();
  return *this;
}

Tensor& Tensor::copy_(const Tensor& src) {
  check_in_place("copy_");
  ops::copy_into(src.data(), impl_->data, "copy_");
  data().storage()->bump_version();
  return *this;
}

Tensor& Tensor::add_(const Tensor& other, double alpha) {
  check_in_place("add_");
  if (alpha == 1.0) {
    ops::zip_into(OpCode::Add, data(), other.data(), impl_->data, "add_");
  } else {
    ops::add_scaled_into(data(), alpha, other.data(), impl_->data, "add_");
  }
  data().storage()->bump_version();
  return *this;
}

Tensor& Tensor::mul_(double factor) {
  check_in_place("mul_");
  ops::zip_into(OpCode::Mul, data(), ops::scalar(factor, dtype(), device()), impl_->data, "mul_");
  data().storage()->bump_version();
  return *this;
}

Tensor& Tensor::sub_(const Tensor& other, double alpha) {
  check_in_place("sub_");
  if (alpha == 1.0) {
    ops::zip_into(OpCode::Sub, data(), other.data(), impl_->data, "sub_");
  } else {
    // a + (-alpha) * b: negating is exact, so this is a - alpha * b with add_'s rounding.
    ops::add_scaled_into(data(), -alpha, other.data(), impl_->data, "sub_");
  }
  data().storage()->bump_version();
  return *this;
}

Tensor& Tensor::div_(const Tensor& other) {
  check_in_place("div_");
  ops::zip_into(OpCode::Div, data(), other.data(), impl_->data, "div_");
  data().storage()->bump_version();
  return *this;
}

}  // namespace minitorch
