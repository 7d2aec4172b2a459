// gather and scatter_add on the CPU (Note [Index primitives] in backend.h).
//  - gather: threads split out's elements into chunks (parallel_for); a chunk walks runs
//    along out's last dim with an odometer over the (out, index, in) offsets, where in's
//    offset leaves dim out and adds index * in's stride along dim. Order does not matter:
//    every element is one copy.
//  - scatter_add: threads split the "columns", the coordinates off dim, never dim itself:
//    the scatter keeps them, so two columns never write the same output element, and each
//    column walks dim in increasing order. That fixes every element's sum order whatever the
//    chunks, hence the same bits for any thread count, and equal to the reference's. When
//    dim is the last dim a column walks it in the inner loop; otherwise dim is the outer loop
//    and a chunk's columns, adjacent in memory, the inner one: index_add over dim 0 (the
//    embedding's backward) adds whole rows of src into rows of out.
#include "backends/cpu/cpu_index.h"

#include <algorithm>
#include <cstddef>

#include "backends/backend.h"
#include "backends/cpu/loop_engine.h"
#include "backends/cpu/parallel.h"

namespace minitorch::cpu {
namespace {

// Elements per chunk below which splitting costs more than it saves.
constexpr std::int64_t kIndexGrain = 16384;

// K operands stepping together over shape (rank >= 1, no size 0): the element offsets of
// each, in elements, relative to its first element.
template <std::size_t K>
struct Walk {
  int ndim = 0;
  std::int64_t shape[kMaxDims] = {};
  std::int64_t strides[K][kMaxDims] = {};
};

// Calls run(offsets, n) for the elements [begin, end) of w's shape in row-major order, cut
// into runs along the last dim: n elements from offsets, operand k stepping by
// w.strides[k][last].
template <std::size_t K, class Run>
void walk_runs(const Walk<K>& w, std::int64_t begin, std::int64_t end, Run run) {
  std::int64_t idx[kMaxDims] = {};
  std::int64_t off[K] = {};
  std::int64_t rest = begin;
  for (int d = w.ndim - 1; d >= 0; --d) {
    idx[d] = rest % w.shape[d];
    rest /= w.shape[d];
    for (std::size_t k = 0; k < K; ++k) {
      off[k] += idx[d] * w.strides[k][d];
    }
  }
  const int last = w.ndim - 1;
  for (std::int64_t i = begin; i < end;) {
    std::int64_t n = std::min(w.shape[last] - idx[last], end - i);
    run(static_cast<const std::int64_t*>(off), n);
    i += n;
    idx[last] += n;
    for (std::size_t k = 0; k < K; ++k) {
      off[k] += n * w.strides[k][last];
    }
    for (int d = last; d > 0 && idx[d] == w.shape[d]; --d) {
      idx[d] = 0;
      ++idx[d - 1];
      for (std::size_t k = 0; k < K; ++k) {
        off[k] += w.strides[k][d - 1] - w.shape[d] * w.strides[k][d];
      }
    }
  }
}

template <class T>
void gather_typed(const TensorData& in, int dim, const TensorData& index, TensorData& out) {
  const std::int64_t numel = out.numel();
  Walk<3> w;
  w.ndim = out.ndim();
  for (int d = 0; d < w.ndim; ++d) {
    w.shape[d] = out.shape()[d];
    w.strides[0][d] = out.strides()[d];
    w.strides[1][d] = index.strides()[d];
    w.strides[2][d] = d == dim ? 0 : in.strides()[d];
  }
  const int last = w.ndim - 1;
  const std::int64_t out_step = w.strides[0][last];
  const std::int64_t index_step = w.strides[1][last];
  const std::int64_t in_step = w.strides[2][last];
  const std::int64_t dim_stride = in.strides()[dim];
  T* dst = static_cast<T*>(out.data_ptr());
  const std::int64_t* idx = static_cast<const std::int64_t*>(index.data_ptr());
  const T* src = static_cast<const T*>(in.data_ptr());
  std::int64_t grain = loop_grain(numel, kIndexGrain);
  primitive_report() = PrimitiveReport{"gather", "scalar", threads_for(0, numel, grain)};
  parallel_for(0, numel, grain, [&](std::int64_t begin, std::int64_t end) {
    walk_runs(w, begin, end, [&](const std::int64_t* o, std::int64_t n) {
      T* d = dst + o[0];
      const std::int64_t* x = idx + o[1];
      const T* s = src + o[2];
      for (std::int64_t j = 0; j < n; ++j) {
        d[j * out_step] = s[j * in_step + x[j * index_step] * dim_stride];
      }
    });
  });
}

template <class T>
void scatter_add_typed(const TensorData& src, int dim, const TensorData& index, TensorData& out) {
  const std::int64_t length = src.shape()[dim];
  // The columns: src's dims without dim (one column of size 1 when src is 1-D).
  Walk<3> w;
  for (int d = 0; d < src.ndim(); ++d) {
    if (d == dim) {
      continue;
    }
    w.shape[w.ndim] = src.shape()[d];
    w.strides[0][w.ndim] = src.strides()[d];
    w.strides[1][w.ndim] = index.strides()[d];
    w.strides[2][w.ndim] = out.strides()[d];
    ++w.ndim;
  }
  if (w.ndim == 0) {
    w.ndim = 1;
    w.shape[0] = 1;
  }
  std::int64_t columns = 1;
  for (int d = 0; d < w.ndim; ++d) {
    columns *= w.shape[d];
  }
  const int last = w.ndim - 1;
  const std::int64_t src_step = w.strides[0][last];
  const std::int64_t index_step = w.strides[1][last];
  const std::int64_t out_step = w.strides[2][last];
  const std::int64_t src_dim = src.strides()[dim];
  const std::int64_t index_dim = index.strides()[dim];
  const std::int64_t out_dim = out.strides()[dim];
  const T* s = static_cast<const T*>(src.data_ptr());
  const std::int64_t* x = static_cast<const std::int64_t*>(index.data_ptr());
  T* o = static_cast<T*>(out.data_ptr());
  const bool dim_is_last = dim == src.ndim() - 1;
  std::int64_t grain = std::max<std::int64_t>(1, loop_grain(src.numel(), kIndexGrain) / length);
  primitive_report() = PrimitiveReport{dim_is_last ? "scatter_add_rows" : "scatter_add_columns",
                                       "scalar", threads_for(0, columns, grain)};
  parallel_for(0, columns, grain, [&](std::int64_t begin, std::int64_t end) {
    if (dim_is_last) {
      walk_runs(w, begin, end, [&](const std::int64_t* off, std::int64_t n) {
        for (std::int64_t c = 0; c < n; ++c) {
          const T* sc = s + off[0] + c * src_step;
          const std::int64_t* xc = x + off[1] + c * index_step;
          T* oc = o + off[2] + c * out_step;
          for (std::int64_t j = 0; j < length; ++j) {
            oc[xc[j * index_dim] * out_dim] += sc[j * src_dim];
          }
        }
      });
      return;
    }
    for (std::int64_t j = 0; j < length; ++j) {
      walk_runs(w, begin, end, [&](const std::int64_t* off, std::int64_t n) {
        const T* sj = s + off[0] + j * src_dim;
        const std::int64_t* xj = x + off[1] + j * index_dim;
        T* oj = o + off[2];
        for (std::int64_t c = 0; c < n; ++c) {
          oj[c * out_step + xj[c * index_step] * out_dim] += sj[c * src_step];
        }
      });
    }
  });
}

}  // namespace

void gather(const TensorData& in, int dim, const TensorData& index, TensorData& out) {
  if (out.numel() == 0) {
    primitive_report() = PrimitiveReport{"gather", "scalar", 1};
    return;
  }
  dispatch_dtype(out.dtype(), [&](auto t) { gather_typed<decltype(t)>(in, dim, index, out); });
}

void scatter_add(const TensorData& src, int dim, const TensorData& index, TensorData& out) {
  if (src.numel() == 0) {
    primitive_report() = PrimitiveReport{"scatter_add_columns", "scalar", 1};
    return;
  }
  if (out.dtype() == kInt64) {
    scatter_add_typed<std::int64_t>(src, dim, index, out);
    return;
  }
  dispatch_floating(
      out.dtype(), [&](auto t) { scatter_add_typed<decltype(t)>(src, dim, index, out); },
      "scatter_add");
}

}  // namespace minitorch::cpu
