// matmul_dot: for products whose B is F-ordered (columns unit stride along k) and whose A is
// C-ordered, with few rows or few multiply-adds, where packing B would cost more than the
// product (e.g. Linear's x @ W^T). The dot micro-kernel reads rows of A and columns of B in
// place. One task = one block of rows x one group of column tiles; inside it, each column
// tile stays in L1 while the block's row tiles stream past. Each element is one kernel's
// sum over all of k, so the result does not depend on the thread count.
#include <algorithm>
#include <cstdint>

#include "backends/cpu/matmul_kernel.h"
#include "backends/cpu/parallel.h"

namespace minitorch::cpu {

template <class T>
void matmul_dot(const MatmulKernels<T>& kernels, MatView<const T> a, MatView<const T> b,
                MatView<T> c, bool threaded) {
  const std::int64_t m = c.rows;
  const std::int64_t n = c.cols;
  const std::int64_t k = a.cols;
  const std::int64_t mr = kernels.dot_mr;
  const std::int64_t nr = kernels.dot_nr;
  // About 64 rows x 32 columns per task: enough work per task, A rows reused from L1/L2.
  const std::int64_t block_rows = std::max<std::int64_t>(1, 64 / mr) * mr;
  const std::int64_t group_cols = std::max<std::int64_t>(1, 32 / nr) * nr;
  const std::int64_t row_blocks = (m + block_rows - 1) / block_rows;
  const std::int64_t col_groups = (n + group_cols - 1) / group_cols;
  auto body = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t t = begin; t < end; ++t) {
      const std::int64_t i0 = (t / col_groups) * block_rows;
      const std::int64_t j0 = (t % col_groups) * group_cols;
      const std::int64_t i_end = std::min(m, i0 + block_rows);
      const std::int64_t j_end = std::min(n, j0 + group_cols);
      for (std::int64_t j = j0; j < j_end; j += nr) {
        const int nr_here = static_cast<int>(std::min(nr, j_end - j));
        for (std::int64_t i = i0; i < i_end; i += mr) {
          const int mr_here = static_cast<int>(std::min(mr, i_end - i));
          kernels.dot(k, a.data + i * a.rs, a.rs, b.data + j * b.cs, b.cs,
                      c.data + i * c.rs + j * c.cs, c.rs, c.cs, mr_here, nr_here);
        }
      }
    }
  };
  const std::int64_t tasks = row_blocks * col_groups;
  if (threaded && tasks > 1) {
    parallel_for(0, tasks, 1, body, static_cast<double>(m * n * k) * kNsPerFma);
  } else {
    body(0, tasks);
  }
}

template void matmul_dot<float>(const MatmulKernels<float>&, MatView<const float>,
                                MatView<const float>, MatView<float>, bool);
template void matmul_dot<double>(const MatmulKernels<double>&, MatView<const double>,
                                 MatView<const double>, MatView<double>, bool);

}  // namespace minitorch::cpu
