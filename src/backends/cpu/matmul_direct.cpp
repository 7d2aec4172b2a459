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
  // Column groups of about 256 columns keep a group's B rows within L1/L2 for small k.
  // Threaded and large enough to pay for waking a worker (>= 512K multiply-adds), groups
  // of 64 columns give short-and-wide products (m <= mr) several tasks. Each tile sums all
  // of k itself, so the grouping never changes a result bit.
  const bool split_finely = threaded && m * n * k >= (std::int64_t{1} << 19);
  const std::int64_t group_width = split_finely ? 64 : 256;
  const std::int64_t per_group = std::max<std::int64_t>(1, group_width / nr);
  const std::int64_t col_groups = (col_tiles + per_group - 1) / per_group;
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
    parallel_for(0, tasks, 1, body);
  } else {
    body(0, tasks);
  }
}

template void matmul_direct<float>(const MatmulKernels<float>&, MatView<const float>,
                                   MatView<const float>, MatView<float>, bool);
template void matmul_direct<double>(const MatmulKernels<double>&, MatView<const double>,
                                    MatView<const double>, MatView<double>, bool);

}  // namespace minitorch::cpu
