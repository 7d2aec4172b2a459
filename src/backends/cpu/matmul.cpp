// CPU matmul: walks the batch dims and runs a fused strided loop per matrix.
// Each out element sums a[i, p] * b[p, j] for p = 0..k-1 in order, so the result
// does not depend on the thread count. Simple first version; see docs/matmul.md.
#include "backends/cpu/matmul.h"

#include <cstdint>

#include "backends/backend.h"

namespace minitorch::cpu {
namespace {

template <class T>
void matmul_strided(const TensorData& a, const TensorData& b, TensorData& out) {
  const int nd = out.ndim();
  const std::int64_t m = out.shape()[nd - 2];
  const std::int64_t n = out.shape()[nd - 1];
  const std::int64_t k = a.shape()[nd - 1];
  const std::int64_t as0 = a.strides()[nd - 2];
  const std::int64_t as1 = a.strides()[nd - 1];
  const std::int64_t bs0 = b.strides()[nd - 2];
  const std::int64_t bs1 = b.strides()[nd - 1];
  const std::int64_t os0 = out.strides()[nd - 2];
  const std::int64_t os1 = out.strides()[nd - 1];
  std::int64_t batches = 1;
  for (int d = 0; d < nd - 2; ++d) {
    batches *= out.shape()[d];
  }
  if (batches == 0 || m == 0 || n == 0) {
    return;
  }
  Index index = Index::filled(nd - 2, 0);
  for (std::int64_t batch = 0; batch < batches; ++batch) {
    std::int64_t a_pos = a.offset();
    std::int64_t b_pos = b.offset();
    std::int64_t o_pos = out.offset();
    for (int d = 0; d < nd - 2; ++d) {
      a_pos += index[d] * a.strides()[d];
      b_pos += index[d] * b.strides()[d];
      o_pos += index[d] * out.strides()[d];
    }
    const T* pa = a.storage_data<T>() + a_pos;
    const T* pb = b.storage_data<T>() + b_pos;
    T* po = out.storage_data<T>() + o_pos;
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        T acc = T(0);
        for (std::int64_t p = 0; p < k; ++p) {
          acc += pa[i * as0 + p * as1] * pb[p * bs0 + j * bs1];
        }
        po[i * os0 + j * os1] = acc;
      }
    }
    for (int d = nd - 3; d >= 0; --d) {
      if (++index[d] < out.shape()[d]) {
        break;
      }
      index[d] = 0;
    }
  }
}

}  // namespace

void matmul(const TensorData& a, const TensorData& b, TensorData& out) {
  primitive_report() = PrimitiveReport{"matmul_strided", "scalar", 1};
  dispatch_dtype(out.dtype(), [&](auto t) { matmul_strided<decltype(t)>(a, b, out); });
}

}  // namespace minitorch::cpu
