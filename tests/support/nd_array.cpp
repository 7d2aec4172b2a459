#include "support/nd_array.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace minitorch::testing {

std::int64_t numel_of(const Sizes& shape) {
  std::int64_t n = 1;
  for (std::int64_t s : shape) {
    n *= s;
  }
  return n;
}

std::string sizes_string(const Sizes& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    out += (i ? ", " : "") + std::to_string(shape[i]);
  }
  return out + ")";
}

NdArray NdArray::filled(const Sizes& shape, double value) {
  return {shape, std::vector<double>(static_cast<std::size_t>(numel_of(shape)), value)};
}

std::int64_t NdArray::numel() const { return numel_of(shape); }

std::int64_t NdArray::offset_of(const Sizes& idx) const {
  std::int64_t offset = 0;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    offset = offset * shape[i] + idx[i];
  }
  return offset;
}

bool next_index(Sizes& idx, const Sizes& shape) {
  for (std::size_t i = shape.size(); i-- > 0;) {
    if (++idx[i] < shape[i]) {
      return true;
    }
    idx[i] = 0;
  }
  return false;
}

void for_each_index(const Sizes& shape, const std::function<void(const Sizes&)>& fn) {
  if (numel_of(shape) == 0) {
    return;
  }
  Sizes idx(shape.size(), 0);
  do {
    fn(idx);
  } while (next_index(idx, shape));
}

NdArray permute(const NdArray& a, const Sizes& order) {
  Sizes shape;
  for (std::int64_t d : order) {
    shape.push_back(a.shape[static_cast<std::size_t>(d)]);
  }
  NdArray out = NdArray::filled(shape, 0);
  for_each_index(shape, [&](const Sizes& idx) {
    Sizes src(a.shape.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      src[static_cast<std::size_t>(order[i])] = idx[i];
    }
    out.at(idx) = a.at(src);
  });
  return out;
}

NdArray slice(const NdArray& a, int dim, std::int64_t start, std::int64_t length,
              std::int64_t step) {
  Sizes shape = a.shape;
  shape[static_cast<std::size_t>(dim)] = length;
  NdArray out = NdArray::filled(shape, 0);
  for_each_index(shape, [&](const Sizes& idx) {
    Sizes src = idx;
    src[static_cast<std::size_t>(dim)] = start + idx[static_cast<std::size_t>(dim)] * step;
    out.at(idx) = a.at(src);
  });
  return out;
}

NdArray broadcast_to(const NdArray& a, const Sizes& shape) {
  NdArray out = NdArray::filled(shape, 0);
  std::size_t lead = shape.size() - a.shape.size();
  for_each_index(shape, [&](const Sizes& idx) {
    Sizes src(a.shape.size());
    for (std::size_t i = 0; i < a.shape.size(); ++i) {
      src[i] = a.shape[i] == 1 ? 0 : idx[i + lead];
    }
    out.at(idx) = a.at(src);
  });
  return out;
}

Sizes broadcast_shape(const Sizes& a, const Sizes& b) {
  std::size_t n = std::max(a.size(), b.size());
  Sizes out(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    std::int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw std::invalid_argument("shapes do not broadcast");
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

NdArray read(const Tensor& t) {
  Sizes shape(t.shape().begin(), t.shape().end());
  Sizes strides(t.strides().begin(), t.strides().end());
  NdArray out = NdArray::filled(shape, 0);
  for_each_index(shape, [&](const Sizes& idx) {
    std::int64_t position = 0;
    for (std::size_t i = 0; i < idx.size(); ++i) {
      position += idx[i] * strides[i];
    }
    switch (t.dtype()) {
      case DType::Float32:
        out.at(idx) = static_cast<double>(t.data_ptr<float>()[position]);
        break;
      case DType::Float64:
        out.at(idx) = t.data_ptr<double>()[position];
        break;
      case DType::Int64:
        out.at(idx) = static_cast<double>(t.data_ptr<std::int64_t>()[position]);
        break;
      case DType::Bool:
        out.at(idx) = t.data_ptr<bool>()[position] ? 1.0 : 0.0;
        break;
      case DType::Float16:
        out.at(idx) = cast_value<double>(t.data_ptr<Half>()[position]);
        break;
      case DType::BFloat16:
        out.at(idx) = cast_value<double>(t.data_ptr<BFloat16>()[position]);
        break;
    }
  });
  return out;
}

bool close(double got, double want, double rtol, double atol) {
  if (std::isnan(want) || std::isnan(got)) {
    return std::isnan(want) && std::isnan(got);
  }
  if (std::isinf(want) || std::isinf(got)) {
    return got == want;
  }
  return std::fabs(got - want) <= atol + rtol * std::fabs(want);
}

std::string compare(const NdArray& got, const NdArray& want, double rtol, double atol) {
  if (got.shape != want.shape) {
    return "shape " + sizes_string(got.shape) + " but expected " + sizes_string(want.shape);
  }
  for (std::size_t i = 0; i < want.values.size(); ++i) {
    if (!close(got.values[i], want.values[i], rtol, atol)) {
      std::ostringstream msg;
      msg.precision(17);
      msg << "element " << i << " (row-major) of shape " << sizes_string(want.shape) << ": got "
          << got.values[i] << ", expected " << want.values[i];
      return msg.str();
    }
  }
  return "";
}

}  // namespace minitorch::testing
