// cpu::matmul: walks the batch dims, normalises each matrix's layout (a column-major out is
// computed as out^T = b^T a^T), picks matmul_direct, matmul_dot, matmul_packed or the strided
// loop, and threads either inside a matrix or across the batch. Every choice depends on shapes,
// strides and the ISA only, never on the thread count (see docs/matmul.md).
#include "backends/cpu/matmul.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/cpu/matmul_kernel.h"
#include "backends/cpu/parallel.h"
#include "minitorch/config.h"
#include "minitorch/system_info.h"

namespace minitorch::cpu {
namespace {

// Products below this many multiply-adds run on the calling thread.
constexpr std::int64_t kThreadedMinFma = std::int64_t{1} << 16;
// Products up to this many multiply-adds (or with few rows) take matmul_direct.
constexpr std::int64_t kDirectMaxFma = std::int64_t{1} << 21;
// Products with F-ordered B up to this many multiply-adds (or with few rows) take matmul_dot.
constexpr std::int64_t kDotMaxFma = std::int64_t{1} << 16;

template <class T>
struct KernelChoice {
  MatmulKernels<T> kernels{};
  bool available = false;
};

// Fills choice with level's micro-kernels (none for Scalar: the strided loop); returns false,
// changing nothing, when the CPU lacks level.
template <class T>
bool choose(KernelChoice<T>& choice, SimdLevel level) {
  if (!cpu_features().supports(level)) {
    return false;
  }
  MatmulKernels<T> k{};
  switch (level) {
    case SimdLevel::Avx512:
      matmul_kernels_avx512(k);
      choice = {k, true};
      return true;
    case SimdLevel::Avx2:
      matmul_kernels_avx2(k);
      choice = {k, true};
      return true;
    case SimdLevel::Scalar:
      choice = {};
      return true;
  }
  return false;
}

// MINITORCH_MATMUL_ISA picks the first choice; a set the CPU lacks gives the best it has.
struct Kernels {
  KernelChoice<float> f32;
  KernelChoice<double> f64;
  Kernels() {
    const SimdLevel best = cpu_features().best_level();
    const SimdLevel wanted = config::matmul_isa().value_or(best);
    if (!choose(f32, wanted) || !choose(f64, wanted)) {
      choose(f32, best);
      choose(f64, best);
    }
  }
};

Kernels& kernels() {
  static Kernels instance;
  return instance;
}

const KernelChoice<float>& choice_for(float) { return kernels().f32; }
const KernelChoice<double>& choice_for(double) { return kernels().f64; }

template <class T>
void matmul_strided(MatView<const T> a, MatView<const T> b, MatView<T> c, bool threaded) {
  // The lecture's fused loop: one dot product per output, read through the strides. Threaded,
  // it is the lecture's prange over output rows; each output's k order is the same either way.
  auto rows = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      for (std::int64_t j = 0; j < c.cols; ++j) {
        T acc = T(0);
        for (std::int64_t p = 0; p < a.cols; ++p) {
          acc += a.data[i * a.rs + p * a.cs] * b.data[p * b.rs + j * b.cs];
        }
        c.data[i * c.rs + j * c.cs] = acc;
      }
    }
  };
  const std::int64_t row_fma = std::max<std::int64_t>(1, c.cols * a.cols);
  if (!threaded || c.rows * row_fma < kThreadedMinFma) {
    rows(0, c.rows);
    return;
  }
  const std::int64_t grain = std::max<std::int64_t>(1, kThreadedMinFma / row_fma);
  parallel_for(0, c.rows, grain, rows, static_cast<double>(c.rows * row_fma) * kNsPerFma);
}

template <class T>
MatView<T> transposed(MatView<T> v) {
  return {v.data, v.cols, v.rows, v.cs, v.rs};
}

// A size-1 dim's stride is never used: call it unit so layout tests see through it.
template <class T>
MatView<T> normalised(MatView<T> v) {
  if (v.cols == 1) {
    v.cs = 1;
  }
  if (v.rows == 1) {
    v.rs = v.cols;
  }
  return v;
}

// Returns the path name for the primitive report.
template <class T>
std::string_view matmul_matrix(MatView<const T> a, MatView<const T> b, MatView<T> c,
                               const MatmulOptions& options) {
  a = normalised(a);
  b = normalised(b);
  c = normalised(c);
  const std::int64_t m = c.rows;
  const std::int64_t n = c.cols;
  const std::int64_t k = a.cols;
  if (m == 0 || n == 0) {
    return "matmul_direct";
  }
  const KernelChoice<T>& choice = choice_for(T{});
  if (options.path == MatmulPath::Strided || !choice.available) {
    matmul_strided(a, b, c, options.threaded);
    return "matmul_strided";
  }
  if (k == 0) {
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        c.data[i * c.rs + j * c.cs] = T(0);
      }
    }
    return "matmul_direct";
  }
  if (c.cs != 1) {
    if (c.rs == 1) {  // out^T = b^T a^T has a row-major out
      return matmul_matrix(transposed(b), transposed(a), transposed(c), options);
    }
    std::vector<T> tmp(static_cast<std::size_t>(m * n));
    std::string_view path = matmul_matrix(a, b, MatView<T>{tmp.data(), m, n, n, 1}, options);
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        c.data[i * c.rs + j * c.cs] = tmp[static_cast<std::size_t>(i * n + j)];
      }
    }
    return path;
  }
  const std::int64_t fma = m * n * k;
  const bool threaded = options.threaded && fma >= kThreadedMinFma;
  const bool small = fma <= kDirectMaxFma || m <= 2 * choice.kernels.mr;
  bool direct = false;
  if (b.cs == 1) {
    if (options.path == MatmulPath::Direct) {
      direct = true;
    } else if (options.path == MatmulPath::Auto) {
      direct = small;
    }
  }
  // Note [Dot path]: with F-ordered B, matmul_packed transposes all of B on every call; for
  // few rows that costs more than the product. Rows of A and columns of B are then both unit
  // stride along k, so dot products read them in place; k below one vector wastes lanes.
  bool dot = false;
  if (!direct && a.cs == 1 && b.rs == 1) {
    if (options.path == MatmulPath::Dot) {
      dot = true;
    } else if (options.path == MatmulPath::Auto) {
      // With many rows the packed copy of B is cheap next to the product, and the dot
      // path's horizontal sums per output cost more than it saves (the sentiment CNN's weight
      // gradient, 100 x 150 x 61 per sentence: 1.88 ms here, 0.33 ms packed; docs/matmul.md).
      dot = (m <= 2 * choice.kernels.mr || fma <= kDotMaxFma) && k >= choice.kernels.lanes;
    }
  }
  if (dot) {
    matmul_dot(choice.kernels, a, b, c, threaded);
    return "matmul_dot";
  }
  if (direct) {
    matmul_direct(choice.kernels, a, b, c, threaded);
    return "matmul_direct";
  }
  matmul_packed(choice.kernels, a, b, c, threaded);
  return "matmul_packed";
}

template <class T>
void matmul_batched(const TensorData& a, const TensorData& b, TensorData& out,
                    const MatmulOptions& options) {
  const int nd = out.ndim();
  const int nb = nd - 2;
  std::int64_t batches = 1;
  for (int d = 0; d < nb; ++d) {
    batches *= out.shape()[d];
  }
  const std::int64_t m = out.shape()[nd - 2];
  const std::int64_t n = out.shape()[nd - 1];
  const std::int64_t k = a.shape()[nd - 1];
  const T* a_base = a.storage_data<T>() + a.offset();
  const T* b_base = b.storage_data<T>() + b.offset();
  T* out_base = out.storage_data<T>() + out.offset();
  auto matrix = [&](std::int64_t batch, const MatmulOptions& opts) {
    std::int64_t rest = batch;
    std::int64_t a_pos = 0;
    std::int64_t b_pos = 0;
    std::int64_t o_pos = 0;
    for (int d = nb - 1; d >= 0; --d) {
      const std::int64_t size = out.shape()[d];
      const std::int64_t idx = rest % size;
      rest /= size;
      a_pos += idx * a.strides()[d];
      b_pos += idx * b.strides()[d];
      o_pos += idx * out.strides()[d];
    }
    MatView<const T> av{a_base + a_pos, m, k, a.strides()[nd - 2], a.strides()[nd - 1]};
    MatView<const T> bv{b_base + b_pos, k, n, b.strides()[nd - 2], b.strides()[nd - 1]};
    MatView<T> cv{out_base + o_pos, m, n, out.strides()[nd - 2], out.strides()[nd - 1]};
    return matmul_matrix(av, bv, cv, opts);
  };
  PrimitiveReport report{"matmul_direct",
                         choice_for(T{}).available ? choice_for(T{}).kernels.isa : "scalar", 1};
  if (batches == 0) {
    primitive_report() = report;
    return;
  }
  const std::int64_t fma = m * n * k;
  if (options.threaded && batches >= 2 && fma < kDirectMaxFma && batches * fma >= kThreadedMinFma) {
    // Many small matrices: one thread per matrix, each computed exactly as it would be alone.
    MatmulOptions serial = options;
    serial.threaded = false;
    const std::int64_t grain =
        std::max<std::int64_t>(1, kThreadedMinFma / std::max<std::int64_t>(1, fma));
    std::string_view first_path;  // written by batch 0's task only, read after the join
    const double work_ns = static_cast<double>(batches * fma) * kNsPerFma;
    parallel_for(
        0, batches, grain,
        [&](std::int64_t begin, std::int64_t end) {
          for (std::int64_t batch = begin; batch < end; ++batch) {
            std::string_view path = matrix(batch, serial);
            if (batch == 0) {
              first_path = path;
            }
          }
        },
        work_ns);
    report.path = first_path;
    report.threads = num_threads();
  } else {
    for (std::int64_t batch = 0; batch < batches; ++batch) {
      report.path = matrix(batch, options);
    }
    report.threads = options.threaded && fma >= kThreadedMinFma ? num_threads() : 1;
  }
  if (report.path == "matmul_strided") {
    report.isa = "scalar";
  }
  primitive_report() = report;
}

}  // namespace

void matmul(const TensorData& a, const TensorData& b, TensorData& out,
            const MatmulOptions& options) {
  dispatch_floating(out.dtype(), [&](auto t) { matmul_batched<decltype(t)>(a, b, out, options); });
}

void matmul(const TensorData& a, const TensorData& b, TensorData& out) {
  matmul(a, b, out, MatmulOptions{});
}

bool set_matmul_isa(std::string_view isa) {
  SimdLevel level = cpu_features().best_level();
  if (!isa.empty()) {
    const SimdLevel levels[] = {SimdLevel::Scalar, SimdLevel::Avx2, SimdLevel::Avx512};
    const SimdLevel* named = std::find_if(std::begin(levels), std::end(levels),
                                          [&](SimdLevel l) { return to_string(l) == isa; });
    if (named == std::end(levels)) {
      return false;
    }
    level = *named;
  }
  KernelChoice<float> f32;
  KernelChoice<double> f64;
  if (!choose(f32, level) || !choose(f64, level)) {
    return false;
  }
  kernels().f32 = f32;
  kernels().f64 = f64;
  return true;
}

std::string_view matmul_isa() {
  return kernels().f32.available ? kernels().f32.kernels.isa : "scalar";
}

}  // namespace minitorch::cpu
