// matmul_direct: for small products and short-and-wide shapes where packing costs more
// than it saves. The micro-kernel reads A (any strides, broadcast scalars) and B (unit
// stride along n, vector loads) where they lie. One task = one row tile (mr rows) x one
// group of column tiles; each tile sums all of k in registers, so k is never split and the
// result does not depend on the thread count. Rows of A stay in L1 across the group's tiles.
#include <algorithm>
#include <cstdint>

#include "backends/cpu/matmul_kernel.h"
#include "backends/cpu/parallel.h"

namespace minitorch::cpu {

template <class T>
void matmul_direct(const MatmulKernels<T>& kernels, MatView<const T> a, MatView<const T> b,
                   MatView<T> c, bool threaded) {
  const std::int64_t m = c.rows;
  const std::int64_t n = c.cols;
  const std::int64_t k = a.cols;
  const std::int64_t mr = kernels.mr;
  const std::int64_t nr = kernels.nr;
  const std::int64_t row_tiles = (m + mr - 1) / mr;
  const std::int64_t col_tiles = (n + nr - 1) / nr;
  // Note [Direct tasks]: a task is a row tile x a group of column tiles. Each task is claimed
  // from the pool's shared counter, ~0.3 us a claim on this VM against products of ~30 us
  // (lowL, 200 x 10 x 400 float64, two threads: 119 tasks of 4 tiles took 33 us, 17 tasks of
  // a whole row 21 us). So: as few column groups as give about 4 tasks per thread (only for
  // products of >= 512K multiply-adds, worth waking a worker for), groups of at least 64
  // columns, and more groups only where a group's B (k x width) would outgrow ~256 KiB of
  // L2. Each tile sums all of k itself, so the grouping never changes a result bit.
  const std::int64_t threads = threaded ? num_threads() : 1;
  const auto group_b_bytes = k * nr * static_cast<std::int64_t>(sizeof(T));
  const std::int64_t cache_tiles =
      std::max<std::int64_t>(1, (std::int64_t{256} << 10) / group_b_bytes);
  const std::int64_t min_tiles = std::max<std::int64_t>(1, 64 / nr);
  std::int64_t col_groups = (col_tiles + cache_tiles - 1) / cache_tiles;
  if (threads > 1 && m * n * k >= (std::int64_t{1} << 19)) {
    const std::int64_t for_threads = (4 * threads + row_tiles - 1) / row_tiles;
    const std::int64_t most = (col_tiles + min_tiles - 1) / min_tiles;
    col_groups = std::max(col_groups, std::min(for_threads, most));
  }
  const std::int64_t per_group = (col_tiles + col_groups - 1) / col_groups;
  col_groups = (col_tiles + per_group - 1) / per_group;
  const std::int64_t tasks = row_tiles * col_groups;
  // Row tiles of even, nearly equal heights (at most mr): m = 20 runs as 10 + 10, not 12 + 8,
  // so two threads get equal work. The height never changes a bit of the result.
  const std::int64_t row_pairs = (m + 1) / 2;
  auto row_start = [&](std::int64_t tile) {
    return tile >= row_tiles ? m : std::min(m, row_pairs * tile / row_tiles * 2);
  };
  auto body = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t t = begin; t < end; ++t) {
      const std::int64_t i = row_start(t / col_groups);
      const std::int64_t g = t % col_groups;
      const int mr_here = static_cast<int>(row_start(t / col_groups + 1) - i);
      const std::int64_t jt_end = std::min(col_tiles, (g + 1) * per_group);
      for (std::int64_t jt = g * per_group; jt < jt_end; ++jt) {
        const std::int64_t j = jt * nr;
        const int nr_here = static_cast<int>(std::min(nr, n - j));
        kernels.direct(k, a.data + i * a.rs, a.rs, a.cs, b.data + j, b.rs, c.data + i * c.rs + j,
                       c.rs, mr_here, nr_here, false);
      }
    }
  };
  if (threaded && tasks > 1) {
    parallel_for(0, tasks, 1, body, static_cast<double>(m * n * k) * kNsPerFma);
  } else {
    body(0, tasks);
  }
}

template void matmul_direct<float>(const MatmulKernels<float>&, MatView<const float>,
                                   MatView<const float>, MatView<float>, bool);
template void matmul_direct<double>(const MatmulKernels<double>&, MatView<const double>,
                                    MatView<const double>, MatView<double>, bool);

}  // namespace minitorch::cpu
