// matmul_packed: Goto/BLIS-style blocking. For each column block jc (nc columns), row block
// ic (mb rows) and depth block pc (kc): phase 1 packs B~ (kc x nc, in nr-wide panels) and
// A~ (mb x kc, in mr-tall panels), one panel per task; phase 2 computes C tiles, one task
// per (row group x column group) of micro-panels; inside a task the B micro-panel stays in
// L1 while A micro-panels stream from L2. Tasks never split k, and block sizes depend only
// on (m, n, k, dtype, ISA), so every C element gets the same sums in the same order for any
// number of threads.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

#include "backends/cpu/matmul_kernel.h"
#include "backends/cpu/parallel.h"

namespace minitorch::cpu {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// A 64-byte aligned scratch buffer per calling thread, grown on demand, never shrunk.
struct Scratch {
  struct Free {
    void operator()(void* p) const { ::operator delete(p, std::align_val_t(64)); }
  };
  std::unique_ptr<void, Free> data;
  std::size_t bytes = 0;

  void* get(std::size_t want) {
    if (want > bytes) {
      data.reset(::operator new(want, std::align_val_t(64)));
      bytes = want;
    }
    return data.get();
  }
};

// Splits `count` micro-panels into groups of at most `max_per_group`, as evenly as possible.
struct Groups {
  std::int64_t count;
  std::int64_t per;  // panels per group (the last may have fewer)
  Groups(std::int64_t panels, std::int64_t max_per_group) {
    count = std::max<std::int64_t>(1, ceil_div(panels, max_per_group));
    per = std::max<std::int64_t>(1, ceil_div(panels, count));
    count = ceil_div(panels, per);
  }
};

void run(bool threaded, std::int64_t tasks, std::int64_t grain,
         const std::function<void(std::int64_t, std::int64_t)>& fn) {
  if (threaded && tasks > 1) {
    parallel_for(0, tasks, grain, fn);
  } else {
    fn(0, tasks);
  }
}

}  // namespace

template <class T>
void matmul_packed(const MatmulKernels<T>& kernels, MatView<const T> a, MatView<const T> b,
                   MatView<T> c, bool threaded) {
  const std::int64_t m = c.rows;
  const std::int64_t n = c.cols;
  const std::int64_t k = a.cols;
  const int mr = kernels.mr;
  const int nr = kernels.nr;
  // Rows of A packed per round: enough to keep A~ a few MiB (L3), a multiple of mr.
  constexpr auto kElem = static_cast<std::int64_t>(sizeof(T));
  const std::int64_t mb_max = ceil_div((std::int64_t{4} << 20) / (kernels.kc * kElem), mr) * mr;
  const std::int64_t nc_max = kernels.nc;
  const std::int64_t nc_alloc = ceil_div(std::min(n, nc_max), nr) * nr;
  const std::int64_t mb_alloc = ceil_div(std::min(m, mb_max), mr) * mr;
  const std::int64_t kc_alloc = std::min(k, kernels.kc);
  thread_local Scratch scratch;
  const std::size_t b_elems = static_cast<std::size_t>(kc_alloc * nc_alloc);
  const std::size_t a_elems = static_cast<std::size_t>(kc_alloc * mb_alloc);
  T* bt = static_cast<T*>(scratch.get((a_elems + b_elems) * sizeof(T)));
  T* at = bt + b_elems;

  for (std::int64_t jc = 0; jc < n; jc += nc_max) {
    const std::int64_t nc = std::min(nc_max, n - jc);
    const std::int64_t b_panels = ceil_div(nc, nr);
    const Groups col_groups(b_panels, std::max<std::int64_t>(1, 512 / nr));
    for (std::int64_t ic = 0; ic < m; ic += mb_max) {
      const std::int64_t mb = std::min(mb_max, m - ic);
      const std::int64_t a_panels = ceil_div(mb, mr);
      const Groups row_groups(a_panels, kernels.mc / mr);
      for (std::int64_t pc = 0; pc < k; pc += kernels.kc) {
        const std::int64_t kc = std::min(kernels.kc, k - pc);
        const bool accumulate = pc > 0;
        run(threaded, a_panels + b_panels, 4, [&](std::int64_t begin, std::int64_t end) {
          for (std::int64_t t = begin; t < end; ++t) {
            if (t < b_panels) {
              const std::int64_t j = t * nr;
              matmul_pack_panel(bt + t * kc * nr, b.data + pc * b.rs + (jc + j) * b.cs, b.cs, b.rs,
                                std::min<std::int64_t>(nr, nc - j), kc, nr);
            } else {
              const std::int64_t panel = t - b_panels;
              const std::int64_t i = panel * mr;
              matmul_pack_panel(at + panel * kc * mr, a.data + (ic + i) * a.rs + pc * a.cs, a.rs,
                                a.cs, std::min<std::int64_t>(mr, mb - i), kc, mr);
            }
          }
        });
        const std::int64_t tasks = row_groups.count * col_groups.count;
        run(threaded, tasks, 1, [&](std::int64_t begin, std::int64_t end) {
          for (std::int64_t t = begin; t < end; ++t) {
            const std::int64_t gj = t / row_groups.count;
            const std::int64_t gi = t % row_groups.count;
            const std::int64_t jp_end = std::min(b_panels, (gj + 1) * col_groups.per);
            const std::int64_t ip_end = std::min(a_panels, (gi + 1) * row_groups.per);
            for (std::int64_t jp = gj * col_groups.per; jp < jp_end; ++jp) {
              const std::int64_t j = jp * nr;
              const int nr_here = static_cast<int>(std::min<std::int64_t>(nr, nc - j));
              for (std::int64_t ip = gi * row_groups.per; ip < ip_end; ++ip) {
                const std::int64_t i = ip * mr;
                const int mr_here = static_cast<int>(std::min<std::int64_t>(mr, mb - i));
                kernels.packed(kc, at + ip * kc * mr, 1, mr, bt + jp * kc * nr, nr,
                               c.data + (ic + i) * c.rs + jc + j, c.rs, mr_here, nr_here,
                               accumulate);
              }
            }
          }
        });
      }
    }
  }
}

template void matmul_packed<float>(const MatmulKernels<float>&, MatView<const float>,
                                   MatView<const float>, MatView<float>, bool);
template void matmul_packed<double>(const MatmulKernels<double>&, MatView<const double>,
                                    MatView<const double>, MatView<double>, bool);

}  // namespace minitorch::cpu
