// dev/: the device half of the transpose lab (transpose_lab.cu has the header comment, the host
// side and main): the problem, the reference and compare kernels, and the variants. Included by
// transpose_lab.cu only. Offsets are 32-bit: the host refuses shapes with rows * cols >= 2^31.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace transpose_lab {

// out [rows, cols] = a [rows, cols] + b [cols, rows]^T (kAdd), or out = b^T; row-major float32.
// In the library's words q is out's unit-stride dim (column j), p its other dim (row i); b is the
// transposed operand, unit-stride along p.
struct Problem {
  float* out;
  const float* a;
  const float* b;
  int rows;
  int cols;
};

// ---- reference and compare ----------------------------------------------------------------

// One thread per output element, 64-bit index math, no tiling: trivially correct, slow.
template <bool kAdd>
__global__ void transpose_reference(Problem pr) {
  const long long count = static_cast<long long>(pr.rows) * pr.cols;
  const long long step = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; idx < count;
       idx += step) {
    const long long i = idx / pr.cols;
    const long long j = idx % pr.cols;
    const float bt = pr.b[j * pr.rows + i];
    if constexpr (kAdd) {
      pr.out[idx] = pr.a[idx] + bt;
    } else {
      pr.out[idx] = bt;
    }
  }
}

// Counts elements whose bits differ and keeps the lowest such index; one atomic per thread, so a
// wholly wrong output costs no more than a right one.
__global__ void count_mismatches(const float* got, const float* want, long long count,
                                 unsigned long long* mismatches, unsigned long long* first) {
  const long long step = static_cast<long long>(gridDim.x) * blockDim.x;
  unsigned long long differ = 0;
  unsigned long long lowest = ~0ull;
  for (long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; idx < count;
       idx += step) {
    if (__float_as_uint(got[idx]) != __float_as_uint(want[idx])) {
      lowest = differ == 0 ? static_cast<unsigned long long>(idx) : lowest;
      ++differ;
    }
  }
  if (differ != 0) {
    atomicAdd(mismatches, differ);
    atomicMin(first, lowest);
  }
}

// ---- base: elementwise_tiled specialised to this problem ----------------------------------

// A faithful copy of src/backends/cuda/cuda_elementwise.cuh's elementwise_tiled with the
// transposed operand b (kT1) and no outer dims: a 32x8 block, one 32x32 (q, p) tile per block,
// 64-bit index math, block index split by division; b staged through shared memory padded by
// one; a and out accessed directly, one element per thread per row step; a is read after the
// barrier.
constexpr int kTile = 32;
constexpr int kTileRows = 8;

struct TiledGeometry {
  std::int64_t size_q;
  std::int64_t size_p;
  std::int64_t tiles_q;
  std::int64_t tiles_p;
  std::int64_t stride_q[3];  // out, a, b
  std::int64_t stride_p[3];
};

template <bool kAdd>
__global__ void __launch_bounds__(kTile* kTileRows)
    transpose_base(float* out, const float* a, const float* b, TiledGeometry g) {
  __shared__ float tile1[kTile][kTile + 1];
  std::int64_t block = blockIdx.x;
  const std::int64_t q0 = (block % g.tiles_q) * kTile;
  block /= g.tiles_q;
  const std::int64_t p0 = (block % g.tiles_p) * kTile;
  const int tx = static_cast<int>(threadIdx.x);
  const int ty = static_cast<int>(threadIdx.y);
#pragma unroll
  for (int j = 0; j < kTile; j += kTileRows) {
    std::int64_t p = p0 + tx;
    std::int64_t q = q0 + ty + j;
    if (p < g.size_p && q < g.size_q) {
      tile1[ty + j][tx] = b[p * g.stride_p[2] + q * g.stride_q[2]];
    }
  }
  __syncthreads();
#pragma unroll
  for (int j = 0; j < kTile; j += kTileRows) {
    std::int64_t q = q0 + tx;
    std::int64_t p = p0 + ty + j;
    if (p < g.size_p && q < g.size_q) {
      const float bt = tile1[tx][ty + j];
      if constexpr (kAdd) {
        out[q * g.stride_q[0] + p * g.stride_p[0]] = a[q * g.stride_q[1] + p * g.stride_p[1]] + bt;
      } else {
        out[q * g.stride_q[0] + p * g.stride_p[0]] = bt;
      }
    }
  }
}

// ---- tile32_prefetch ----------------------------------------------------------------------

// The base's tile and block (32x32, 32x8 threads, b through shared memory padded by one), with
// 32-bit offsets, a 2-d grid (x: q tiles, y: p tiles), and every global load of the block (4 of
// b, 4 of a per thread) issued before the barrier, so 8 loads per thread are in flight at once.
// Scalar, any shape: the edge fallback of the vector variants.
template <bool kAdd>
__global__ void __launch_bounds__(kTile* kTileRows) transpose_tile32_prefetch(Problem pr) {
  __shared__ float tile[kTile][kTile + 1];  // [q][p]
  const unsigned rows = static_cast<unsigned>(pr.rows);
  const unsigned cols = static_cast<unsigned>(pr.cols);
  const unsigned q0 = blockIdx.x * kTile;
  const unsigned p0 = blockIdx.y * kTile;
  const unsigned tx = threadIdx.x;
  const unsigned ty = threadIdx.y;
  float bt[kTile / kTileRows];
  float at[kTile / kTileRows];
#pragma unroll
  for (int k = 0; k < kTile / kTileRows; ++k) {
    const unsigned q = q0 + ty + k * kTileRows;  // b row
    const unsigned p = p0 + tx;  // lanes along b's unit stride
    bt[k] = q < cols && p < rows ? pr.b[q * rows + p] : 0.0f;
    if constexpr (kAdd) {
      const unsigned out_p = p0 + ty + k * kTileRows;
      const unsigned out_q = q0 + tx;  // lanes along a's unit stride
      at[k] = out_p < rows && out_q < cols ? pr.a[out_p * cols + out_q] : 0.0f;
    }
  }
#pragma unroll
  for (int k = 0; k < kTile / kTileRows; ++k) {
    tile[ty + k * kTileRows][tx] = bt[k];
  }
  __syncthreads();
#pragma unroll
  for (int k = 0; k < kTile / kTileRows; ++k) {
    const unsigned p = p0 + ty + k * kTileRows;
    const unsigned q = q0 + tx;
    if (p < rows && q < cols) {
      const float value = tile[tx][ty + k * kTileRows];
      pr.out[p * cols + q] = kAdd ? at[k] + value : value;
    }
  }
}

// ---- tile64_vec4 --------------------------------------------------------------------------

// A 256-thread block per 64x64 (q, p) tile. Vector path (rows and cols multiples of 4, tile
// inside the matrix): every global access is a 16-byte vector, 4 per thread per operand, all
// loads issued before the barrier.
//   - b: a warp reads 2 rows x 256 bytes; stored as float4 into shared memory [q][16 chunks of
//     p], chunk index XOR (q / 4) % 8, so each 8-lane phase of a 16-byte store covers 32 banks;
//   - a and out: lane (l % 8, l / 8) of warp w takes q-chunk g = l % 8 + 8 (w % 2) of row
//     p = l / 8 + 4 (w / 2) + 16 k: a warp touches 4 rows x 128 bytes; it gathers its 4 values
//     of b^T as 4 scalar reads, conflict-free (8 chunks x 4 words over 32 banks).
// Scalar path (edge tiles, or rows/cols not multiples of 4): the same tile, element per thread
// per step, shared memory viewed as [64][65] (padded by one), 16 loads per operand per thread
// before the barrier.
constexpr int kTile64 = 64;
constexpr int kThreads = 256;

__device__ __forceinline__ float component(const float4& v, int e) {
  return e == 0 ? v.x : e == 1 ? v.y : e == 2 ? v.z : v.w;
}

template <bool kStream>
__device__ __forceinline__ float4 load4(const float* p) {
  if constexpr (kStream) {
    return __ldcs(reinterpret_cast<const float4*>(p));
  } else {
    return __ldg(reinterpret_cast<const float4*>(p));
  }
}

template <bool kStream>
__device__ __forceinline__ void store4(float* p, float4 v) {
  if constexpr (kStream) {
    __stcs(reinterpret_cast<float4*>(p), v);
  } else {
    *reinterpret_cast<float4*>(p) = v;
  }
}

template <bool kAdd>
__device__ __forceinline__ void tile64_vector(const Problem& pr, unsigned q0, unsigned p0,
                                              float4* storage) {
  const unsigned rows = static_cast<unsigned>(pr.rows);
  const unsigned cols = static_cast<unsigned>(pr.cols);
  const int t = static_cast<int>(threadIdx.x);
  const int chunk = t & 15;  // b: 16-byte chunk of the tile's 64 p
  const int b_row = t >> 4;  // b: row q within the tile, + 16 k
  float4 bv[4];
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    bv[k] = load4<false>(pr.b + (q0 + b_row + 16 * k) * rows + p0 + 4 * chunk);
  }
  const int lane = t & 31;
  const int warp = t >> 5;
  const int g = (lane & 7) + 8 * (warp & 1);  // out: 16-byte chunk of the tile's 64 q
  const int out_row = (lane >> 3) + 4 * (warp >> 1);  // out: row p within the tile, + 16 k
  float4 av[4];
  if constexpr (kAdd) {
#pragma unroll
    for (int k = 0; k < 4; ++k) {
      av[k] = load4<false>(pr.a + (p0 + out_row + 16 * k) * cols + q0 + 4 * g);
    }
  }
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    const int q = b_row + 16 * k;
    storage[q * 16 + (chunk ^ ((q >> 2) & 7))] = bv[k];
  }
  __syncthreads();
  const float* words = reinterpret_cast<const float*>(storage);
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    const int p = out_row + 16 * k;
    // Rows q = 4 g + e all carry the swizzle (q / 4) % 8 = g % 8.
    const int column = (((p >> 2) ^ (g & 7)) << 2) + (p & 3);
    float v[4];
#pragma unroll
    for (int e = 0; e < 4; ++e) {
      v[e] = words[(4 * g + e) * kTile64 + column];
      if constexpr (kAdd) {
        v[e] += component(av[k], e);
      }
    }
    store4<false>(pr.out + (p0 + p) * cols + q0 + 4 * g, make_float4(v[0], v[1], v[2], v[3]));
  }
}

template <bool kAdd>
__device__ __forceinline__ void tile64_scalar(const Problem& pr, unsigned q0, unsigned p0,
                                              float* padded) {
  const unsigned rows = static_cast<unsigned>(pr.rows);
  const unsigned cols = static_cast<unsigned>(pr.cols);
  const int t = static_cast<int>(threadIdx.x);
  const int along = t & 63;  // lanes along the unit stride: p for b, q for a and out
  const int step = t >> 6;  // the other dim, + 4 k
  float bs[16];
  float as[16];
#pragma unroll
  for (int k = 0; k < 16; ++k) {
    const unsigned q = q0 + step + 4 * k;
    const unsigned p = p0 + along;
    bs[k] = q < cols && p < rows ? pr.b[q * rows + p] : 0.0f;
    if constexpr (kAdd) {
      const unsigned out_p = p0 + step + 4 * k;
      const unsigned out_q = q0 + along;
      as[k] = out_p < rows && out_q < cols ? pr.a[out_p * cols + out_q] : 0.0f;
    }
  }
#pragma unroll
  for (int k = 0; k < 16; ++k) {
    padded[(step + 4 * k) * (kTile64 + 1) + along] = bs[k];
  }
  __syncthreads();
#pragma unroll
  for (int k = 0; k < 16; ++k) {
    const unsigned p = p0 + step + 4 * k;
    const unsigned q = q0 + along;
    if (p < rows && q < cols) {
      const float value = padded[along * (kTile64 + 1) + step + 4 * k];
      pr.out[p * cols + q] = kAdd ? as[k] + value : value;
    }
  }
}

template <bool kAdd>
__global__ void __launch_bounds__(kThreads) transpose_tile64(Problem pr, bool vector_shape) {
  // Sized for the scalar path's [64][65] floats; the vector path uses the first 64 x 16 float4.
  __shared__ float4 storage[kTile64 * (kTile64 + 1) / 4];
  const unsigned q0 = blockIdx.x * kTile64;
  const unsigned p0 = blockIdx.y * kTile64;
  const bool inside = q0 + kTile64 <= static_cast<unsigned>(pr.cols) &&
      p0 + kTile64 <= static_cast<unsigned>(pr.rows);
  if (vector_shape && inside) {  // uniform over the block
    tile64_vector<kAdd>(pr, q0, p0, storage);
  } else {
    tile64_scalar<kAdd>(pr, q0, p0, reinterpret_cast<float*>(storage));
  }
}

// ---- regs4x4 ------------------------------------------------------------------------------

// No shared memory, no barrier: each thread owns a 4x4 (q, p) micro-block. It reads 4 float4
// of b (rows q..q+3, columns p..p+3), whose transpose is a renaming of registers, 4 float4 of a
// (rows p..p+3, columns q..q+3), and writes 4 float4 of out. A warp is kLanesQ x (32/kLanesQ)
// micro-blocks, lanes fastest along q: per instruction out and a move (32/kLanesQ) rows x
// 16 kLanesQ bytes, b moves kLanesQ rows x 16 (32/kLanesQ) bytes (q32: 4 x 128 B for out and a,
// 8 x 64 B for b; q16: 8 x 64 B and 4 x 128 B). A 256-thread block covers 64x64. Needs rows and
// cols multiples of 4 (a micro-block is then all in or all out); kStream: evict-first loads and
// streaming stores (__ldcs / __stcs).
template <int kLanesQ, bool kAdd, bool kStream>
__global__ void __launch_bounds__(kThreads) transpose_regs4x4(Problem pr) {
  constexpr int kLanesP = 32 / kLanesQ;
  constexpr int kWarpsQ = kTile64 / (4 * kLanesQ);
  const unsigned rows = static_cast<unsigned>(pr.rows);
  const unsigned cols = static_cast<unsigned>(pr.cols);
  const unsigned lane = threadIdx.x & 31;
  const unsigned warp = threadIdx.x >> 5;
  const unsigned q = blockIdx.x * kTile64 + (warp % kWarpsQ) * (4 * kLanesQ) + 4 * (lane % kLanesQ);
  const unsigned p = blockIdx.y * kTile64 + (warp / kWarpsQ) * (4 * kLanesP) + 4 * (lane / kLanesQ);
  if (q >= cols || p >= rows) {
    return;
  }
  float4 bv[4];  // bv[e] = b[q + e][p .. p + 3] = out[p .. p + 3][q + e]
#pragma unroll
  for (int e = 0; e < 4; ++e) {
    bv[e] = load4<kStream>(pr.b + (q + e) * rows + p);
  }
  float4 av[4];
  if constexpr (kAdd) {
#pragma unroll
    for (int f = 0; f < 4; ++f) {
      av[f] = load4<kStream>(pr.a + (p + f) * cols + q);
    }
  }
#pragma unroll
  for (int f = 0; f < 4; ++f) {
    float4 o = make_float4(component(bv[0], f), component(bv[1], f), component(bv[2], f),
                           component(bv[3], f));
    if constexpr (kAdd) {
      o.x += av[f].x;
      o.y += av[f].y;
      o.z += av[f].z;
      o.w += av[f].w;
    }
    store4<kStream>(pr.out + (p + f) * cols + q, o);
  }
}

}  // namespace transpose_lab
