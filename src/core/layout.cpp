// The lecture's layout functions. See include/minitorch/layout.h for the contracts.
#include "minitorch/layout.h"

#include <string>

#include "minitorch/error.h"

namespace minitorch {

Strides strides_from_shape(const Shape& shape) {
  Strides strides = Strides::filled(shape.size(), 1);
  std::int64_t stride = 1;
  for (int i = shape.size() - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

std::int64_t index_to_position(const Index& index, const Strides& strides) {
  std::int64_t position = 0;
  for (int i = 0; i < index.size(); ++i) {
    position += index[i] * strides[i];
  }
  return position;
}

void to_index(std::int64_t ordinal, const Shape& shape, Index& out_index) {
  out_index.resize(shape.size());
  for (int i = shape.size() - 1; i >= 0; --i) {
    out_index[i] = ordinal % shape[i];
    ordinal /= shape[i];
  }
}

void broadcast_index(const Index& big_index, const Shape& big_shape, const Shape& shape,
                     Index& out_index) {
  out_index.resize(shape.size());
  int lead = big_shape.size() - shape.size();
  for (int i = 0; i < shape.size(); ++i) {
    out_index[i] = shape[i] == 1 ? 0 : big_index[i + lead];
  }
}

Shape shape_broadcast(const Shape& a, const Shape& b, const char* op) {
  int n = a.size() > b.size() ? a.size() : b.size();
  Shape out = Shape::filled(n, 1);
  for (int i = 1; i <= n; ++i) {
    std::int64_t da = i <= a.size() ? a[a.size() - i] : 1;
    std::int64_t db = i <= b.size() ? b[b.size() - i] : 1;
    if (da != db && da != 1 && db != 1) {
      throw ShapeError(std::string(op) + ": shapes " + to_string(a) + " and " + to_string(b) +
                       " do not broadcast (dim -" + std::to_string(i) + ": " + std::to_string(da) +
                       " vs " + std::to_string(db) + ")");
    }
    out[n - i] = da == 1 ? db : da;
  }
  return out;
}

}  // namespace minitorch
