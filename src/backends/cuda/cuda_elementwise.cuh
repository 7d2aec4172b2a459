// Elementwise kernels shared by map, zip, fill and copy (one template, NIN = 0, 1 or 2 inputs).
// Host side: drop size-1 dims and merge dims contiguous in every operand (Note [CUDA dim
// merging]), then pick a path:
//  - elementwise_strided<V>: a grid-stride loop, kUnroll work items per thread per step,
//    consecutive threads on consecutive items (coalesced). An item is V elements adjacent
//    along the innermost dim: V > 1 when that dim is unit-stride or broadcast (stride 0) in
//    every operand, so contiguous and row-broadcast ops move 16-byte vectors. Index -> offset
//    by multiply-shift division over the merged dims in 32-bit when every offset fits,
//    else 64-bit division.
//  - elementwise_tiled: an input whose unit-stride dim p is not out's innermost dim q
//    (a transposed operand): a 32x8 block stages a 32x32 (q, p) tile of it through shared
//    memory (rows padded by one element), so both its reads and out's writes are coalesced;
//    all of a block's loads are issued before its barrier, offsets 32-bit when they fit.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "backends/backend.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cuda_kernels.h"
#include "backends/cuda/divider.h"

namespace minitorch::cuda {

inline constexpr int kThreads = 256;
inline constexpr int kUnroll = 4;
inline constexpr int kTile = 32;
inline constexpr int kTileRows = 8;

/// Note [CUDA dim merging]: the output's dims without size-1 ones, innermost first, with
/// adjacent dims merged where every operand steps through them as one (outer stride =
/// inner stride * inner size). Strides are in elements; unused operands have stride 0.
struct Merged {
  int ndim = 0;
  std::int64_t sizes[kMaxDims] = {};
  std::int64_t strides[3][kMaxDims] = {};
};

inline Merged merge_dims(const TensorData& out, const TensorData* in0, const TensorData* in1) {
  const TensorData* operands[3] = {&out, in0, in1};
  Merged m;
  for (int d = out.ndim() - 1; d >= 0; --d) {
    std::int64_t size = out.shape()[d];
    if (size == 1) {
      continue;
    }
    if (m.ndim > 0) {
      int prev = m.ndim - 1;
      bool mergeable = true;
      for (int k = 0; k < 3; ++k) {
        std::int64_t stride = operands[k] ? operands[k]->strides()[d] : 0;
        mergeable = mergeable && stride == m.strides[k][prev] * m.sizes[prev];
      }
      if (mergeable) {
        m.sizes[prev] *= size;
        continue;
      }
    }
    m.sizes[m.ndim] = size;
    for (int k = 0; k < 3; ++k) {
      m.strides[k][m.ndim] = operands[k] ? operands[k]->strides()[d] : 0;
    }
    ++m.ndim;
  }
  if (m.ndim == 0) {
    m.ndim = 1;
    m.sizes[0] = 1;
  }
  return m;
}

struct Geometry32 {
  int ndim;
  Divider sizes[kMaxDims];
  std::uint32_t strides[3][kMaxDims];
};

struct Geometry64 {
  int ndim;
  std::int64_t sizes[kMaxDims];
  std::int64_t strides[3][kMaxDims];
};

/// One merged dim (every operand steps through the output as one line): the launch passes
/// 12 bytes of geometry instead of Geometry32's ~300 (Note [CUDA launch latency]).
///
/// Note [CUDA launch latency]: issue 17 asks for a 1K-element op at <= 4 us end to end,
/// back-to-back; H100s gave 3.07, 5.53, 6.02 and 4.08 us in sessions 11-13, against 1.51 us
/// for the driver's own back-to-back memset and 0.26 us for the output's allocation, and the
/// CPU backend's whole a + b of 1K floats (the ops layer's checks and dispatch included) takes
/// 0.23 us here. What is left is the launch: every kernel launch copies its parameters into
/// the command stream, and the strided kernel's Geometry32 over kMaxDims = 12 dims is ~300
/// bytes; a contiguous op (one merged dim) now passes GeometryFlat's 12 instead (path
/// cuda_flat32 / cuda_vec). Prediction: 0.2-0.5 us less per op. Not measured yet (no device
/// was lent in session 14); mt_gpu_bench now also prints the host's issue cost of 200 ops
/// alone, which says whether the host or the device sets the back-to-back figure, and the
/// same op over a [32, 32] view, which still carries Geometry32.
struct GeometryFlat {
  std::uint32_t strides[3];
};

template <int NIN>
__device__ __forceinline__ void offsets_of(std::uint32_t linear, const Geometry32& g,
                                           std::uint32_t (&offset)[3]) {
  offset[0] = offset[1] = offset[2] = 0;
#pragma unroll
  for (int d = 0; d < kMaxDims; ++d) {
    std::uint32_t r = linear;
    if (d + 1 < g.ndim) {
      std::uint32_t q = g.sizes[d].div(linear);
      r = linear - q * g.sizes[d].divisor;
      linear = q;
    }
    offset[0] += r * g.strides[0][d];
    if constexpr (NIN >= 1) {
      offset[1] += r * g.strides[1][d];
    }
    if constexpr (NIN >= 2) {
      offset[2] += r * g.strides[2][d];
    }
    if (d + 1 >= g.ndim) {
      break;
    }
  }
}

template <int NIN>
__device__ __forceinline__ void offsets_of(std::uint32_t linear, const GeometryFlat& g,
                                           std::uint32_t (&offset)[3]) {
  offset[0] = linear * g.strides[0];
  offset[1] = NIN >= 1 ? linear * g.strides[1] : 0;
  offset[2] = NIN >= 2 ? linear * g.strides[2] : 0;
}

template <int NIN>
__device__ __forceinline__ void offsets_of(std::int64_t linear, const Geometry64& g,
                                           std::int64_t (&offset)[3]) {
  offset[0] = offset[1] = offset[2] = 0;
#pragma unroll
  for (int d = 0; d < kMaxDims; ++d) {
    std::int64_t r = linear;
    if (d + 1 < g.ndim) {
      std::int64_t q = linear / g.sizes[d];
      r = linear - q * g.sizes[d];
      linear = q;
    }
    offset[0] += r * g.strides[0][d];
    if constexpr (NIN >= 1) {
      offset[1] += r * g.strides[1][d];
    }
    if constexpr (NIN >= 2) {
      offset[2] += r * g.strides[2][d];
    }
    if (d + 1 >= g.ndim) {
      break;
    }
  }
}

template <class T, int N>
struct alignas(sizeof(T) * N) Pack {
  T v[N];
};

template <int NIN, class Out, class In0, class In1, class Fn>
__device__ __forceinline__ Out apply(const Fn& fn, In0 a, In1 b) {
  if constexpr (NIN == 0) {
    return fn();
  } else if constexpr (NIN == 1) {
    return fn(a);
  } else {
    return fn(a, b);
  }
}

// Loads V elements at offset: a vector when the operand is unit-stride along the innermost
// dim, else one element broadcast (stride 0 there).
template <class T, int V, class I>
__device__ __forceinline__ Pack<T, V> load_pack(const T* p, I offset, bool unit) {
  Pack<T, V> pack;
  if (V == 1 || unit) {
    pack = *reinterpret_cast<const Pack<T, V>*>(p + offset);
  } else {
    T x = p[offset];
#pragma unroll
    for (int e = 0; e < V; ++e) {
      pack.v[e] = x;
    }
  }
  return pack;
}

template <int NIN, int V, class Geometry, class I, class Out, class In0, class In1, class Fn>
__global__ void __launch_bounds__(kThreads)
    elementwise_strided(Fn fn, Out* out, const In0* in0, const In1* in1, I items, Geometry g,
                        bool unit0, bool unit1) {
  const I step = static_cast<I>(gridDim.x) * (kThreads * kUnroll);
  for (I base = static_cast<I>(blockIdx.x) * (kThreads * kUnroll) + threadIdx.x; base < items;
       base += step) {
    Pack<In0, V> a[kUnroll] = {};
    Pack<In1, V> b[kUnroll] = {};
    I o[kUnroll] = {};
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      I i = base + static_cast<I>(u * kThreads);
      if (i < items) {
        I offset[3];
        offsets_of<NIN>(i, g, offset);
        o[u] = offset[0];
        if constexpr (NIN >= 1) {
          a[u] = load_pack<In0, V>(in0, offset[1], unit0);
        }
        if constexpr (NIN >= 2) {
          b[u] = load_pack<In1, V>(in1, offset[2], unit1);
        }
      }
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      I i = base + static_cast<I>(u * kThreads);
      if (i < items) {
        Pack<Out, V> r;
#pragma unroll
        for (int e = 0; e < V; ++e) {
          r.v[e] = apply<NIN, Out>(fn, a[u].v[e], b[u].v[e]);
        }
        *reinterpret_cast<Pack<Out, V>*>(out + o[u]) = r;
      }
    }
  }
}

/// The (q, p) plane of the tiled path plus the remaining dims, innermost first, with offsets
/// of type I: uint32 (block index split by multiply-shift) when every offset fits, else int64.
template <class I>
struct TiledGeometry {
  using Div = std::conditional_t<sizeof(I) == 4, Divider, std::int64_t>;
  I size_q;
  I size_p;
  Div tiles_q;
  Div tiles_p;
  I stride_q[3];
  I stride_p[3];
  int nrest;
  Div rest_sizes[kMaxDims];
  I rest_strides[3][kMaxDims];
};

/// n / d and n % d, for the two kinds of TiledGeometry divisor.
__device__ __forceinline__ std::uint32_t split(std::uint32_t& n, const Divider& d) {
  std::uint32_t q = d.div(n);
  std::uint32_t r = n - q * d.divisor;
  n = q;
  return r;
}
__device__ __forceinline__ std::int64_t split(std::int64_t& n, std::int64_t d) {
  std::int64_t q = n / d;
  std::int64_t r = n - q * d;
  n = q;
  return r;
}

// A 32x8 block per 32x32 (q, p) tile. Every global load of the block is issued before the
// barrier (kTile / kTileRows per operand per thread): transposed operands with lanes along p
// (their unit stride), staged through shared memory; the others with lanes along q (out's
// unit stride), kept in registers. Measured in dev/cuda/transpose_lab.cu (tile32_prefetch):
// with 32-bit offsets this reaches a copy's bandwidth, where one load-store pair at a time
// with 64-bit index math reached 0.87 of it.
template <int NIN, bool kT0, bool kT1, class I, class Out, class In0, class In1, class Fn>
__global__ void __launch_bounds__(kTile* kTileRows)
    elementwise_tiled(Fn fn, Out* out, const In0* in0, const In1* in1, TiledGeometry<I> g) {
  constexpr int kSteps = kTile / kTileRows;
  __shared__ In0 tile0[kT0 ? kTile : 1][kTile + 1];
  __shared__ In1 tile1[kT1 ? kTile : 1][kTile + 1];
  I block = static_cast<I>(blockIdx.x);
  const I q0 = split(block, g.tiles_q) * kTile;
  const I p0 = split(block, g.tiles_p) * kTile;
  I base[3] = {0, 0, 0};
  for (int d = 0; d < g.nrest; ++d) {
    I r = split(block, g.rest_sizes[d]);
#pragma unroll
    for (int k = 0; k < 3; ++k) {
      base[k] += r * g.rest_strides[k][d];
    }
  }
  const I tx = static_cast<I>(threadIdx.x);
  const I ty = static_cast<I>(threadIdx.y);
  In0 a[kSteps] = {};
  In1 b[kSteps] = {};
#pragma unroll
  for (int j = 0; j < kSteps; ++j) {
    const I row = ty + static_cast<I>(j * kTileRows);
    if constexpr (kT0 || kT1) {  // lanes along p
      const I p = p0 + tx;
      const I q = q0 + row;
      if (p < g.size_p && q < g.size_q) {
        if constexpr (kT0) {
          a[j] = in0[base[1] + p * g.stride_p[1] + q * g.stride_q[1]];
        }
        if constexpr (kT1) {
          b[j] = in1[base[2] + p * g.stride_p[2] + q * g.stride_q[2]];
        }
      }
    }
    const I q = q0 + tx;  // lanes along q
    const I p = p0 + row;
    if (p < g.size_p && q < g.size_q) {
      if constexpr (NIN >= 1 && !kT0) {
        a[j] = in0[base[1] + q * g.stride_q[1] + p * g.stride_p[1]];
      }
      if constexpr (NIN >= 2 && !kT1) {
        b[j] = in1[base[2] + q * g.stride_q[2] + p * g.stride_p[2]];
      }
    }
  }
  if constexpr (kT0 || kT1) {
#pragma unroll
    for (int j = 0; j < kSteps; ++j) {
      if constexpr (kT0) {
        tile0[ty + j * kTileRows][tx] = a[j];
      }
      if constexpr (kT1) {
        tile1[ty + j * kTileRows][tx] = b[j];
      }
    }
    __syncthreads();
#pragma unroll
    for (int j = 0; j < kSteps; ++j) {
      if constexpr (kT0) {
        a[j] = tile0[tx][ty + j * kTileRows];
      }
      if constexpr (kT1) {
        b[j] = tile1[tx][ty + j * kTileRows];
      }
    }
  }
#pragma unroll
  for (int j = 0; j < kSteps; ++j) {
    const I q = q0 + tx;
    const I p = p0 + ty + static_cast<I>(j * kTileRows);
    if (p < g.size_p && q < g.size_q) {
      out[base[0] + q * g.stride_q[0] + p * g.stride_p[0]] = apply<NIN, Out>(fn, a[j], b[j]);
    }
  }
}

// ---- Host side ------------------------------------------------------------------------------

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

inline unsigned grid_for(std::int64_t items) {
  return static_cast<unsigned>(
      std::clamp<std::int64_t>(ceil_div(items, kThreads * kUnroll), 1, 65536));
}

inline bool aligned(const void* p, std::size_t bytes) {
  return reinterpret_cast<std::uintptr_t>(p) % bytes == 0;
}

/// The unit-stride dim (>= 1) of a transposed operand k, or -1.
inline int transposed_dim(const Merged& m, int k) {
  if (m.strides[k][0] == 0 || m.strides[k][0] == 1) {
    return -1;
  }
  for (int d = 1; d < m.ndim; ++d) {
    if (m.strides[k][d] == 1 && m.sizes[d] > 1) {
      return d;
    }
  }
  return -1;
}

/// A TiledGeometry divisor from its size: multiply-shift for 32-bit offsets.
template <class I>
typename TiledGeometry<I>::Div tiled_divisor(std::int64_t size) {
  if constexpr (sizeof(I) == 4) {
    return Divider::of(static_cast<std::uint32_t>(size));
  } else {
    return size;
  }
}

template <int NIN, bool kT0, bool kT1, class I, class Out, class In0, class In1, class Fn>
void launch_tiled_as(Fn fn, Out* out, const In0* in0, const In1* in1, const Merged& m, int p,
                     cudaStream_t stream, const OpContext& context) {
  TiledGeometry<I> g{};
  g.size_q = static_cast<I>(m.sizes[0]);
  g.size_p = static_cast<I>(m.sizes[p]);
  std::int64_t tiles_q = ceil_div(m.sizes[0], kTile);
  std::int64_t tiles_p = ceil_div(m.sizes[p], kTile);
  g.tiles_q = tiled_divisor<I>(tiles_q);
  g.tiles_p = tiled_divisor<I>(tiles_p);
  std::int64_t blocks = tiles_q * tiles_p;
  for (int k = 0; k < 3; ++k) {
    g.stride_q[k] = static_cast<I>(m.strides[k][0]);
    g.stride_p[k] = static_cast<I>(m.strides[k][p]);
  }
  for (int d = 1; d < m.ndim; ++d) {
    if (d == p) {
      continue;
    }
    g.rest_sizes[g.nrest] = tiled_divisor<I>(m.sizes[d]);
    for (int k = 0; k < 3; ++k) {
      g.rest_strides[k][g.nrest] = static_cast<I>(m.strides[k][d]);
    }
    blocks *= m.sizes[d];
    ++g.nrest;
  }
  primitive_report() = PrimitiveReport{
      sizeof(I) == 4 ? "cuda_tiled" : "cuda_tiled64", "cuda",
      static_cast<int>(std::min<std::int64_t>(blocks * kTile * kTileRows, 1 << 30))};
  elementwise_tiled<NIN, kT0, kT1, I>
      <<<static_cast<unsigned>(blocks), dim3(kTile, kTileRows), 0, stream>>>(fn, out, in0, in1, g);
  check_launch("elementwise_tiled", context);
}

/// The tiled path, with 32-bit offsets when they fit.
template <int NIN, bool kT0, bool kT1, class Out, class In0, class In1, class Fn>
void launch_tiled(Fn fn, Out* out, const In0* in0, const In1* in1, const Merged& m, int p,
                  bool fits32, cudaStream_t stream, const OpContext& context) {
  if (fits32) {
    launch_tiled_as<NIN, kT0, kT1, std::uint32_t>(fn, out, in0, in1, m, p, stream, context);
  } else {
    launch_tiled_as<NIN, kT0, kT1, std::int64_t>(fn, out, in0, in1, m, p, stream, context);
  }
}

/// Whether every element count and every operand's offset fit in 30 bits (so 32-bit index
/// math, with its sums, cannot overflow).
inline bool offsets_fit_32_bits(const Merged& m, std::int64_t n) {
  bool fits = n < (std::int64_t{1} << 30);
  for (int k = 0; k < 3 && fits; ++k) {
    std::int64_t max_offset = 0;
    for (int d = 0; d < m.ndim; ++d) {
      max_offset += (m.sizes[d] - 1) * m.strides[k][d];
    }
    fits = max_offset < (std::int64_t{1} << 30);
  }
  return fits;
}

template <int NIN, int V, class I, class Geometry, class Out, class In0, class In1, class Fn>
void launch_strided(Fn fn, Out* out, const In0* in0, const In1* in1, const Merged& m,
                    cudaStream_t stream, const OpContext& context, const char* path) {
  Geometry g{};
  std::int64_t items = 1;
  for (int d = 0; d < m.ndim; ++d) {
    std::int64_t size = d == 0 ? m.sizes[0] / V : m.sizes[d];
    items *= size;
    for (int k = 0; k < 3; ++k) {
      std::int64_t stride = d == 0 ? m.strides[k][0] * V : m.strides[k][d];
      if constexpr (std::is_same_v<Geometry, GeometryFlat>) {
        g.strides[k] = static_cast<std::uint32_t>(stride);
      } else if constexpr (sizeof(I) == 4) {
        g.strides[k][d] = static_cast<std::uint32_t>(stride);
      } else {
        g.strides[k][d] = stride;
      }
    }
    if constexpr (std::is_same_v<Geometry, GeometryFlat>) {
      // one dim: no sizes
    } else if constexpr (sizeof(I) == 4) {
      g.ndim = m.ndim;
      g.sizes[d] = Divider::of(static_cast<std::uint32_t>(size));
    } else {
      g.ndim = m.ndim;
      g.sizes[d] = size;
    }
  }
  unsigned grid = grid_for(items);
  primitive_report() = PrimitiveReport{path, "cuda", static_cast<int>(grid) * kThreads};
  elementwise_strided<NIN, V><<<grid, kThreads, 0, stream>>>(
      fn, out, in0, in1, static_cast<I>(items), g, m.strides[1][0] == 1, m.strides[2][0] == 1);
  check_launch("elementwise_strided", context);
}

/// launch_strided with the smallest geometry that describes m (32-bit offsets).
template <int NIN, int V, class Out, class In0, class In1, class Fn>
void launch_strided32(Fn fn, Out* out, const In0* in0, const In1* in1, const Merged& m,
                      cudaStream_t stream, const OpContext& context, const char* flat_path,
                      const char* path) {
  if (m.ndim == 1) {
    launch_strided<NIN, V, std::uint32_t, GeometryFlat>(fn, out, in0, in1, m, stream, context,
                                                        flat_path);
  } else {
    launch_strided<NIN, V, std::uint32_t, Geometry32>(fn, out, in0, in1, m, stream, context, path);
  }
}

/// Runs out[i] = fn(in0[i], in1[i]) (NIN inputs) on the best path for the layouts.
template <int NIN, class Out, class In0, class In1, class Fn>
void run_elementwise(Fn fn, TensorData& out, const TensorData* in0, const TensorData* in1,
                     const OpContext& context) {
  std::int64_t n = out.numel();
  if (n == 0) {
    primitive_report() = PrimitiveReport{"cuda_empty", "cuda", 0};
    return;
  }
  Merged m = merge_dims(out, in0, in1);
  Out* out_ptr = static_cast<Out*>(out.data_ptr());
  const In0* in0_ptr = in0 ? static_cast<const In0*>(in0->data_ptr()) : nullptr;
  const In1* in1_ptr = in1 ? static_cast<const In1*>(in1->data_ptr()) : nullptr;
  cudaStream_t stream = stream_of(out);

  // 32-bit index math when every offset fits.
  const bool fits32 = offsets_fit_32_bits(m, n);
  // Tiled path for a transposed operand against a unit-stride output.
  if (m.ndim >= 2 && m.strides[0][0] == 1 && m.sizes[0] >= 16) {
    int p0 = NIN >= 1 ? transposed_dim(m, 1) : -1;
    int p1 = NIN >= 2 ? transposed_dim(m, 2) : -1;
    int p = p0 >= 0 ? p0 : p1;
    if (p >= 0 && m.sizes[p] >= 16) {
      bool t0 = p0 == p;
      bool t1 = NIN >= 2 && p1 == p;
      if constexpr (NIN == 2) {
        if (t0 && t1) {
          launch_tiled<NIN, true, true>(fn, out_ptr, in0_ptr, in1_ptr, m, p, fits32, stream,
                                        context);
        } else if (t0) {
          launch_tiled<NIN, true, false>(fn, out_ptr, in0_ptr, in1_ptr, m, p, fits32, stream,
                                         context);
        } else {
          launch_tiled<NIN, false, true>(fn, out_ptr, in0_ptr, in1_ptr, m, p, fits32, stream,
                                         context);
        }
        return;
      } else if constexpr (NIN == 1) {
        launch_tiled<NIN, true, false>(fn, out_ptr, in0_ptr, in1_ptr, m, p, fits32, stream,
                                       context);
        return;
      }
    }
  }

  if (!fits32) {
    launch_strided<NIN, 1, std::int64_t, Geometry64>(fn, out_ptr, in0_ptr, in1_ptr, m, stream,
                                                     context, "cuda_strided64");
    return;
  }
  // Vectors of V along the innermost dim when it is unit-stride or broadcast everywhere and
  // every unit-stride operand is aligned to the vector at every item.
  constexpr std::size_t kLargest = std::max({sizeof(Out), sizeof(In0), sizeof(In1)});
  constexpr int V = static_cast<int>(16 / kLargest);
  bool vec = m.sizes[0] % V == 0 && m.strides[0][0] == 1;
  const void* pointers[3] = {out_ptr, in0_ptr, in1_ptr};
  const std::size_t element_sizes[3] = {sizeof(Out), sizeof(In0), sizeof(In1)};
  for (int k = 0; k <= NIN && vec; ++k) {
    std::int64_t s0 = m.strides[k][0];
    if (s0 == 1) {
      vec = aligned(pointers[k], element_sizes[k] * V);
      for (int d = 1; d < m.ndim; ++d) {
        vec = vec && m.strides[k][d] % V == 0;
      }
    } else {
      vec = s0 == 0;
    }
  }
  if (vec) {
    launch_strided32<NIN, V>(fn, out_ptr, in0_ptr, in1_ptr, m, stream, context, "cuda_vec",
                             "cuda_vec_strided");
  } else {
    launch_strided32<NIN, 1>(fn, out_ptr, in0_ptr, in1_ptr, m, stream, context, "cuda_flat32",
                             "cuda_strided32");
  }
}

}  // namespace minitorch::cuda
