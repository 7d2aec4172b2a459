// Tensor.__getitem__ / __setitem__ with numpy's and PyTorch's rules: ints select, slices
// (step > 0) narrow, None inserts a dim, ... stands for the dims not named; all of these give
// views. One int64 tensor (or list of ints) or bool mask per subscript gives a copy, its dims
// placed where it stands (index_select; differentiable). Assignment writes through the view
// (copy_ or fill_), through masked_fill_ for a bool mask, or rows of an int index as the last
// entry (assign_through_index).
#include <string>
#include <vector>

#include "bindings.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "without_gil.h"

namespace minitorch::python {
namespace {

std::string repr_of(nb::handle h) { return nb::cast<std::string>(nb::repr(h)); }

bool is_index_tensor(nb::handle h) { return nb::isinstance<Tensor>(h) || PyList_Check(h.ptr()); }

// A list of ints (negatives wrapped against size) or a tensor, as an int64 or bool tensor.
Tensor index_tensor_of(nb::handle h, const Tensor& like) {
  if (nb::isinstance<Tensor>(h)) {
    return nb::cast<Tensor>(h);
  }
  nb::list list = nb::borrow<nb::list>(h);
  bool all_bool = list.size() > 0;
  for (nb::handle item : list) {
    all_bool = all_bool && PyBool_Check(item.ptr());
  }
  std::vector<std::int64_t> values;
  for (nb::handle item : list) {
    if (!PyLong_Check(item.ptr())) {
      throw IndexError("index: a list index must hold ints or bools only (got " + repr_of(h) + ")");
    }
    values.push_back(nb::cast<std::int64_t>(item));
  }
  Shape shape{static_cast<std::int64_t>(values.size())};
  return from_vector(values, shape, {.dtype = all_bool ? kBool : kInt64, .device = like.device()});
}

// t indexed along dim by an int64 index of any shape -> t.shape[:dim] + index.shape +
// t.shape[dim+1:]. Negative entries count from the end, as in PyTorch.
Tensor index_along(const Tensor& t, int dim, const Tensor& index) {
  if (index.dtype() != kInt64) {
    throw IndexError("index: tensors used as indices must be int64 or bool (got " +
                     std::string(to_string(index.dtype())) + ")");
  }
  std::int64_t size = t.shape()[dim];
  Tensor wrapped = where(index.lt(0.0), index + static_cast<double>(size), index);
  Tensor picked = index_select(t, dim, wrapped.reshape({-1}));
  Shape out;
  for (int i = 0; i < dim; ++i) {
    out.push_back(t.shape()[i]);
  }
  for (std::int64_t s : index.shape()) {
    out.push_back(s);
  }
  for (int i = dim + 1; i < t.ndim(); ++i) {
    out.push_back(t.shape()[i]);
  }
  return picked.reshape(out);
}

// t with the dims [dim, dim + mask.ndim) replaced by one dim of the mask's true positions.
Tensor mask_along(const Tensor& t, int dim, const Tensor& mask) {
  int k = mask.ndim();
  bool fits = dim + k <= t.ndim();
  for (int i = 0; fits && i < k; ++i) {
    fits = t.shape()[dim + i] == mask.shape()[i];
  }
  if (!fits) {
    throw IndexError("index: the bool mask of shape " + to_string(mask.shape()) +
                     " does not match the indexed tensor's shape " + to_string(t.shape()) +
                     " at dim " + std::to_string(dim));
  }
  std::vector<std::int64_t> positions;
  std::vector<std::int64_t> flags = mask.to(kInt64).to_vector<std::int64_t>();
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (flags[i] != 0) {
      positions.push_back(static_cast<std::int64_t>(i));
    }
  }
  Shape merged;
  for (int i = 0; i < dim; ++i) {
    merged.push_back(t.shape()[i]);
  }
  merged.push_back(mask.numel());
  for (int i = dim + k; i < t.ndim(); ++i) {
    merged.push_back(t.shape()[i]);
  }
  Tensor index = from_vector(positions, Shape{static_cast<std::int64_t>(positions.size())},
                             {.dtype = kInt64, .device = t.device()});
  return index_select(t.reshape(merged), dim, index);
}

// How many dims of the indexed tensor an entry consumes.
int consumed_dims(nb::handle item) {
  if (item.is_none() || item.ptr() == Py_Ellipsis) {
    return 0;
  }
  if (nb::isinstance<Tensor>(item)) {
    const Tensor& t = nb::cast<const Tensor&>(item);
    return t.dtype() == kBool ? t.ndim() : 1;
  }
  return 1;
}

struct Indexed {
  Tensor result;
  bool advanced = false;  // a tensor index was used: result is a copy, not a view
  Tensor mask;  // set when the only entry is a bool mask (for assignment)
};

Indexed apply_index(const Tensor& self, nb::handle index) {
  nb::tuple items =
      PyTuple_Check(index.ptr()) ? nb::borrow<nb::tuple>(index) : nb::make_tuple(index);
  int named = 0;
  int ellipses = 0;
  int tensors = 0;
  for (nb::handle item : items) {
    named += consumed_dims(item);
    ellipses += item.ptr() == Py_Ellipsis ? 1 : 0;
    tensors += is_index_tensor(item) ? 1 : 0;
  }
  if (ellipses > 1) {
    throw IndexError("index: an index can only have a single ellipsis ('...')");
  }
  if (tensors > 1) {
    throw IndexError("index: only one tensor or list index per subscript is supported (got " +
                     repr_of(index) + ")");
  }
  if (named > self.ndim()) {
    throw IndexError("index: too many indices for a tensor of shape " + to_string(self.shape()) +
                     " (" + std::to_string(named) + " dims indexed)");
  }
  Indexed out{self, false, Tensor()};
  Tensor& t = out.result;
  int dim = 0;
  for (nb::handle item : items) {
    if (item.is_none()) {
      t = t.unsqueeze(dim);
      ++dim;
    } else if (item.ptr() == Py_Ellipsis) {
      dim += self.ndim() - named;
    } else if (PyBool_Check(item.ptr())) {
      throw IndexError("index: a bool scalar is not a supported index (got " + repr_of(index) +
                       ")");
    } else if (PyLong_Check(item.ptr()) ||
               (nb::hasattr(item, "__index__") && !nb::isinstance<Tensor>(item))) {
      std::int64_t i = nb::cast<std::int64_t>(item.attr("__index__")());
      t = without_gil([&] { return t.select(dim, i); });
    } else if (PySlice_Check(item.ptr())) {
      Py_ssize_t start = 0;
      Py_ssize_t stop = 0;
      Py_ssize_t step = 0;
      if (PySlice_Unpack(item.ptr(), &start, &stop, &step) != 0) {
        throw nb::python_error();
      }
      if (step <= 0) {
        throw ValueError("index: slice step must be positive (got " + std::to_string(step) +
                         "; use flip for a reversed view's values)");
      }
      Py_ssize_t size = static_cast<Py_ssize_t>(t.shape()[dim]);
      PySlice_AdjustIndices(size, &start, &stop, step);
      if (!(start == 0 && stop == size && step == 1)) {
        t = t.slice(dim, start, stop < start ? start : stop, step);
      }
      ++dim;
    } else if (is_index_tensor(item)) {
      Tensor by = index_tensor_of(item, t);
      out.advanced = true;
      if (by.dtype() == kBool) {
        if (items.size() == 1) {
          out.mask = by;
        }
        t = without_gil([&] { return mask_along(t, dim, by); });
        ++dim;
      } else {
        t = without_gil([&] { return index_along(t, dim, by); });
        dim += by.ndim();
      }
    } else {
      throw IndexError("index: " + repr_of(item) +
                       " is not a valid index (ints, slices, None, ..., int64 or bool tensors)");
    }
  }
  return out;
}

// t[basic..., index] = value for an int64 index as the last entry: the rows index names (along
// its dim of the basic view) are replaced by value, broadcast to the indexed shape. Written as
// index_add into zeros plus a where over the rows hit, so a repeated index adds its values
// (PyTorch leaves the winner unspecified).
void assign_through_index(const Tensor& self, nb::handle index, nb::handle value) {
  nb::tuple items =
      PyTuple_Check(index.ptr()) ? nb::borrow<nb::tuple>(index) : nb::make_tuple(index);
  std::size_t last = items.size() - 1;
  int consumed = 0;
  bool supported = is_index_tensor(items[last]);
  nb::list basic;
  for (std::size_t i = 0; i < last; ++i) {
    supported = supported && !is_index_tensor(items[i]) && items[i].ptr() != Py_Ellipsis;
    consumed += consumed_dims(items[i]);
    basic.append(items[i]);
  }
  Tensor by = supported ? index_tensor_of(items[last], self) : Tensor();
  if (!supported || by.dtype() != kInt64) {
    throw IndexError(
        "index assignment: an int64 tensor or list index can be assigned through "
        "only as the last entry after ints, slices and None (got " +
        repr_of(index) + "); use index_add, scatter_add or a bool mask");
  }
  Tensor view = apply_index(self, nb::tuple(basic)).result;
  int dim = view.ndim() - (self.ndim() - consumed);
  if (dim >= view.ndim()) {
    throw IndexError("index: too many indices for a tensor of shape " + to_string(self.shape()));
  }
  Tensor src = is_number(value) ? scalar_like(nb::cast<double>(value), view)
                                : nb::cast<Tensor>(value).to(view.dtype());
  nb::gil_scoped_release release;
  std::int64_t size = view.shape()[dim];
  Tensor flat = where(by.lt(0.0), by + static_cast<double>(size), by).reshape({-1});
  Shape rows = view.shape();
  rows[dim] = flat.numel();
  Shape picked;  // view.shape[:dim] + index.shape + view.shape[dim+1:]
  for (int i = 0; i < dim; ++i) {
    picked.push_back(view.shape()[i]);
  }
  for (std::int64_t s : by.shape()) {
    picked.push_back(s);
  }
  for (int i = dim + 1; i < view.ndim(); ++i) {
    picked.push_back(view.shape()[i]);
  }
  Tensor values = src.expand(picked).contiguous().reshape(rows);
  Tensor placed = index_add(zeros_like(view), dim, flat, values);
  Tensor ones_at = ones({flat.numel()}, {.dtype = kFloat32, .device = view.device()});
  Tensor hit =
      index_add(zeros({size}, {.dtype = kFloat32, .device = view.device()}), 0, flat, ones_at)
          .gt(0.0);
  Shape hit_shape = Shape::filled(view.ndim() - dim, 1);
  hit_shape[0] = size;
  view.copy_(where(hit.reshape(hit_shape), placed, view));
}

void assign(const Tensor& self, nb::handle index, nb::handle value) {
  Indexed target = apply_index(self, index);
  Tensor t = self;
  if (target.mask.defined()) {
    // The mask names the leading dims: trailing size-1 dims make it broadcast over the rest.
    Tensor mask = target.mask;
    while (mask.ndim() < t.ndim()) {
      mask = mask.unsqueeze(-1);
    }
    if (is_number(value)) {
      double v = nb::cast<double>(value);
      nb::gil_scoped_release release;
      t.masked_fill_(mask, v);
      return;
    }
    Tensor v = nb::cast<Tensor>(value);
    nb::gil_scoped_release release;
    t.copy_(where(mask, v, t));
    return;
  }
  if (target.advanced) {
    assign_through_index(self, index, value);
    return;
  }
  Tensor view = target.result;
  if (is_number(value)) {
    double v = nb::cast<double>(value);
    nb::gil_scoped_release release;
    view.fill_(v);
    return;
  }
  Tensor src = nb::cast<Tensor>(value);
  nb::gil_scoped_release release;
  view.copy_(src);
}

}  // namespace

void bind_indexing(nb::class_<Tensor>& cls) {
  cls.def("__getitem__", [](const Tensor& t, nb::handle index) {
    // The common case, t[i], skips the general parser.
    if (PyLong_CheckExact(index.ptr())) {
      std::int64_t i = nb::cast<std::int64_t>(index);
      return without_gil([&] { return t.select(0, i); });
    }
    return apply_index(t, index).result;
  });
  cls.def("__setitem__", &assign);
}

}  // namespace minitorch::python
