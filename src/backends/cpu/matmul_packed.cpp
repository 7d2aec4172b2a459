// matmul_packed: Goto/BLIS-style blocking. For each column block jc (nc columns) and depth
// block pc (kc), B~ (kc x nc, in nr-wide panels) is packed once (a panel at a time, as the
// first row group reaches it); then for each row group ic (mc rows) A~ (mc x kc, in mr-tall
// panels, sized for L2) is packed and multiplied by every B~ micro-panel, the A~ micro-panels
// streaming from L2. Threads split C, not k (Note [Packed split]); block sizes depend only on
// (dtype, ISA, m), so every C element gets the same sums in the same order for any number of
// threads.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <utility>
#include <vector>

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

// Note [Pack prefetch]: packing reads its source from memory at well below the bandwidth
// the kernels leave idle, so while a row group computes, the driver asks for the source
// lines that are packed next into L2, a few between consecutive tiles: during the first row
// group the next B~ panel's; during each row group the next group's A; during the last one
// the next k block's first B panel and first A group. Packing all of B~ up front, with the
// whole next B fetched during the last (then 8-row) group, left most of B's reads exposed:
// the notebook's big product took 80-84 ms with 2 threads, 77-79 ms packed this way.
// A strided region: `count` runs of `run_bytes` contiguous bytes, `stride` bytes apart.
struct Region {
  const char* base = nullptr;
  std::int64_t count = 0;
  std::int64_t stride = 0;
  std::int64_t run_bytes = 0;
};

// The source of a (rows x cols) block of a matrix with strides (rs, cs), as contiguous runs
// along whichever stride is 1; empty when neither is.
template <class T>
Region region_of(const T* data, std::int64_t rows, std::int64_t cols, std::int64_t rs,
                 std::int64_t cs) {
  constexpr auto kElem = static_cast<std::int64_t>(sizeof(T));
  const char* base = reinterpret_cast<const char*>(data);
  if (cs == 1) {
    return {base, rows, rs * kElem, cols * kElem};
  }
  if (rs == 1) {
    return {base, cols, cs * kElem, rows * kElem};
  }
  return {};
}

// Walks the cache lines of two regions, issuing `per_call` L2 prefetches per call.
class Prefetcher {
 public:
  Prefetcher(Region first, Region second, std::int64_t calls) : regions_{first, second} {
    const std::int64_t lines = lines_of(first) + lines_of(second);
    per_call_ = calls > 0 ? (lines + calls - 1) / calls : lines;
  }

  void step() {
    for (std::int64_t left = per_call_; left > 0 && r_ < 2;) {
      const Region& reg = regions_[r_];
      if (run_ >= reg.count) {
        ++r_;
        run_ = 0;
        offset_ = 0;
        continue;
      }
      __builtin_prefetch(reg.base + run_ * reg.stride + offset_, 0, 2);  // to L2
      --left;
      offset_ += 64;
      if (offset_ >= reg.run_bytes) {
        offset_ = 0;
        ++run_;
      }
    }
  }

 private:
  static std::int64_t lines_of(const Region& r) { return r.count * ((r.run_bytes + 63) / 64); }

  Region regions_[2];
  std::int64_t per_call_ = 0;
  int r_ = 0;
  std::int64_t run_ = 0;
  std::int64_t offset_ = 0;
};

// One thread's share: c = a @ b by the serial Goto loop nest, packing its own panels: B~
// (kc x nc) once per (jc, pc), a panel at a time as the first row group reaches it, A~ (mc x
// kc, L2-sized) just before the row group uses it.
template <class T>
void packed_serial(const MatmulKernels<T>& kernels, MatView<const T> a, MatView<const T> b,
                   MatView<T> c) {
  const std::int64_t m = c.rows;
  const std::int64_t n = c.cols;
  const std::int64_t k = a.cols;
  const int mr = kernels.packed_mr;
  const int nr = kernels.packed_nr;
  // Row groups of nearly equal height (200 rows: 72 + 72 + 56, not 96 + 96 + 8), so the last
  // group, during which the next k block's source is fetched, has tiles to spread it over.
  const std::int64_t groups = ceil_div(m, kernels.mc);
  const std::int64_t mc = std::min(kernels.mc, ceil_div(ceil_div(m, groups), mr) * mr);
  const std::int64_t nc_max = kernels.nc;
  const std::int64_t kc_alloc = std::min(k, kernels.kc);
  thread_local Scratch scratch;
  const auto b_elems = static_cast<std::size_t>(kc_alloc * ceil_div(std::min(n, nc_max), nr) * nr);
  const auto a_elems = static_cast<std::size_t>(kc_alloc * mc);
  T* bt = static_cast<T*>(scratch.get((a_elems + b_elems) * sizeof(T)));
  T* at = bt + b_elems;
  auto a_rows = [&](std::int64_t i0, std::int64_t pc, std::int64_t kc) {
    return region_of(a.data + i0 * a.rs + pc * a.cs, std::min(mc, m - i0), kc, a.rs, a.cs);
  };

  auto b_panel = [&](std::int64_t pc, std::int64_t kc, std::int64_t j, std::int64_t cols) {
    return region_of(b.data + pc * b.rs + j * b.cs, kc, std::min<std::int64_t>(nr, cols), b.rs,
                     b.cs);
  };

  for (std::int64_t jc = 0; jc < n; jc += nc_max) {
    const std::int64_t nc = std::min(nc_max, n - jc);
    const std::int64_t b_panels = ceil_div(nc, nr);
    for (std::int64_t pc = 0; pc < k; pc += kernels.kc) {
      const std::int64_t kc = std::min(kernels.kc, k - pc);
      const std::int64_t next_pc = pc + kc;
      const std::int64_t next_kc = std::min(kernels.kc, k - next_pc);
      const bool accumulate = pc > 0;
      for (std::int64_t ic = 0; ic < m; ic += mc) {
        const std::int64_t mb = std::min(mc, m - ic);
        const std::int64_t a_panels = ceil_div(mb, mr);
        for (std::int64_t ip = 0; ip < a_panels; ++ip) {
          const std::int64_t i = ip * mr;
          kernels.pack(at + ip * kc * mr, a.data + (ic + i) * a.rs + pc * a.cs, a.rs, a.cs,
                       std::min<std::int64_t>(mr, mb - i), kc, mr);
        }
        // While this row group computes, fetch what is packed next (Note [Pack prefetch]):
        // the next row group's A, or the next k block's first A row group and B panel.
        Prefetcher prefetch = ic + mc < m
            ? Prefetcher(a_rows(ic + mc, pc, kc), {}, a_panels * b_panels)
            : next_kc > 0 ? Prefetcher(b_panel(next_pc, next_kc, jc, nc),
                                       a_rows(0, next_pc, next_kc), a_panels * b_panels)
                          : Prefetcher({}, {}, 1);
        for (std::int64_t jp = 0; jp < b_panels; ++jp) {
          const std::int64_t j = jp * nr;
          const int nr_here = static_cast<int>(std::min<std::int64_t>(nr, nc - j));
          // The first row group packs B~ a panel at a time, just before its first use, and
          // fetches the next panel's source while this one's tiles compute.
          Prefetcher next_panel({}, {}, 1);
          if (ic == 0) {
            kernels.pack(bt + jp * kc * nr, b.data + pc * b.rs + (jc + j) * b.cs, b.cs, b.rs,
                         nr_here, kc, nr);
            if (jp + 1 < b_panels) {
              next_panel = Prefetcher(b_panel(pc, kc, jc + j + nr, nc - j - nr), {}, a_panels);
            }
          }
          for (std::int64_t ip = 0; ip < a_panels; ++ip) {
            const std::int64_t i = ip * mr;
            const int mr_here = static_cast<int>(std::min<std::int64_t>(mr, mb - i));
            kernels.packed(kc, at + ip * kc * mr, 1, mr, bt + jp * kc * nr, nr,
                           c.data + (ic + i) * c.rs + jc + j, c.rs, mr_here, nr_here, accumulate);
            prefetch.step();
            next_panel.step();
          }
        }
      }
    }
  }
}

// Start of part t of `parts` covering [0, len) in multiples of `unit`, as even as possible.
std::int64_t part_start(std::int64_t len, std::int64_t parts, std::int64_t unit, std::int64_t t) {
  if (t >= parts) {
    return len;
  }
  const std::int64_t units = ceil_div(len, unit);
  return std::min(len, units * t / parts * unit);
}

// Micro-kernel work of a part, in full tiles per k step: short and narrow edge tiles run
// smaller kernels (matmul_microkernel.h), so they cost their even height and vector width.
double tile_cost(std::int64_t rows, std::int64_t cols, int mr, int nr, int lanes) {
  const std::int64_t row_rest = rows % mr;
  const std::int64_t col_rest = cols % nr;
  const double row_tiles = static_cast<double>(rows / mr) +
      static_cast<double>(row_rest + row_rest % 2) / static_cast<double>(mr);
  const double col_tiles = static_cast<double>(cols / nr) +
      static_cast<double>(ceil_div(col_rest, lanes) * lanes) / static_cast<double>(nr);
  return row_tiles * col_tiles;
}

// The (tm x tn) grid of parts for `threads` threads: cost in full tiles per k step of the
// largest part's tiles plus its packing: about 1/32 of a tile per row or column packed from
// cache (measured on AVX-512), twice that from memory. Weighed at 1/16, the notebook's big
// product (200 x 100000 @ 100000 x 400, two threads, no k split) splits its columns (each
// thread packs all 200 rows of A and 200 columns of B) instead of its rows (100 rows and all
// 400 columns): median 85.4 vs 87.7 ms over four interleaved runs; square products are
// unchanged (their splits tie).
template <class T>
std::pair<std::int64_t, std::int64_t> choose_grid(const MatmulKernels<T>& kernels, std::int64_t m,
                                                  std::int64_t n, std::int64_t threads) {
  std::int64_t tm = 1;
  std::int64_t tn = 1;
  double best = -1;
  for (std::int64_t rows = 1; rows <= threads; ++rows) {
    const std::int64_t cols = threads / rows;
    if (threads % rows != 0 || ceil_div(m, 2) < rows || ceil_div(n, kernels.lanes) < cols) {
      continue;
    }
    const std::int64_t part_m = part_start(m, rows, 2, 1);
    const std::int64_t part_n = part_start(n, cols, kernels.lanes, 1);
    const std::int64_t big_m = std::max(part_m, m - part_start(m, rows, 2, rows - 1));
    const std::int64_t big_n = std::max(part_n, n - part_start(n, cols, kernels.lanes, cols - 1));
    const double cost =
        tile_cost(big_m, big_n, kernels.packed_mr, kernels.packed_nr, kernels.lanes) +
        static_cast<double>(big_m + big_n) / 16.0;
    if (best < 0 || cost < best) {
      best = cost;
      tm = rows;
      tn = cols;
    }
  }
  return {tm, tn};
}

}  // namespace

// Note [Packed split]: threads share nothing. C is cut into a grid of parts (rows in
// multiples of 2, columns in multiples of a vector, balanced by micro-kernel work), and each
// part runs packed_serial on its own rows of A and columns of B, so one pool call covers the
// product and no thread waits for another between k blocks. The price is packing: a column
// split packs A once per column part, a row split packs B once per row part; the grid is
// chosen to keep the busiest part's work plus packing small. Every C element gets the same
// k blocks in the same order wherever it is computed.
//
// Note [K segments]: a product whose k dwarfs m and n (the notebook's big one, 200 x 100000
// @ 100000 x 400) is first cut along k into kSegments segments, by its shape alone: segment
// s (k blocks from its own start) goes to C for s = 0 and to a scratch copy of C otherwise,
// and the copies are added to C in segment order after all are done. Then threads take
// whole segments, each packing only its own slice of A and of B: nothing is packed twice
// (a column split packs all of A once per thread), and each thread's C is the whole C, so
// edge tiles are rarer. Since the segments depend only on (m, n, k) and the order of the
// final sums is fixed, the bits are the same for any number of threads.
constexpr std::int64_t kSegmentMinK = 65536;
constexpr std::int64_t kSegments = 2;

bool use_k_segments(std::int64_t m, std::int64_t n, std::int64_t k) {
  return k >= kSegmentMinK && k >= 64 * std::max(m, n);
}

template <class T>
void matmul_packed(const MatmulKernels<T>& kernels, MatView<const T> a, MatView<const T> b,
                   MatView<T> c, bool threaded) {
  const std::int64_t m = c.rows;
  const std::int64_t n = c.cols;
  const std::int64_t k = a.cols;
  const std::int64_t threads = threaded ? num_threads() : 1;
  const std::int64_t segments = use_k_segments(m, n, k) ? kSegments : 1;
  // Segment boundaries on the k-block grid of the whole product.
  const std::int64_t segment_k = ceil_div(ceil_div(k, segments), kernels.kc) * kernels.kc;
  // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
  const std::pair<std::int64_t, std::int64_t> grid =
      choose_grid(kernels, m, n, std::max<std::int64_t>(1, threads / segments));
  const std::int64_t tm = grid.first;
  const std::int64_t tn = grid.second;
  std::vector<T> partials(static_cast<std::size_t>((segments - 1) * m * n));
  auto part = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t task = begin; task < end; ++task) {
      const std::int64_t seg = task / (tm * tn);
      const std::int64_t t = task % (tm * tn);
      const std::int64_t k0 = std::min(k, seg * segment_k);
      const std::int64_t k1 = std::min(k, k0 + segment_k);
      T* out = seg == 0 ? c.data : partials.data() + (seg - 1) * m * n;
      const std::int64_t out_rs = seg == 0 ? c.rs : n;
      const std::int64_t i0 = part_start(m, tm, 2, t / tn);
      const std::int64_t i1 = part_start(m, tm, 2, t / tn + 1);
      const std::int64_t j0 = part_start(n, tn, kernels.lanes, t % tn);
      const std::int64_t j1 = part_start(n, tn, kernels.lanes, t % tn + 1);
      if (i1 > i0 && j1 > j0 && k1 > k0) {
        packed_serial(
            kernels, MatView<const T>{a.data + i0 * a.rs + k0 * a.cs, i1 - i0, k1 - k0, a.rs, a.cs},
            MatView<const T>{b.data + k0 * b.rs + j0 * b.cs, k1 - k0, j1 - j0, b.rs, b.cs},
            MatView<T>{out + i0 * out_rs + j0, i1 - i0, j1 - j0, out_rs, 1});
      }
    }
  };
  const std::int64_t tasks = segments * tm * tn;
  if (threaded && tasks > 1) {
    parallel_for(0, tasks, 1, part, static_cast<double>(m * n * k) * kNsPerFma);
  } else {
    part(0, tasks);
  }
  for (std::int64_t seg = 1; seg < segments; ++seg) {
    const T* partial = partials.data() + (seg - 1) * m * n;
    for (std::int64_t i = 0; i < m; ++i) {
      T* row = c.data + i * c.rs;
      for (std::int64_t j = 0; j < n; ++j) {
        row[j] += partial[i * n + j];
      }
    }
  }
}

template void matmul_packed<float>(const MatmulKernels<float>&, MatView<const float>,
                                   MatView<const float>, MatView<float>, bool);
template void matmul_packed<double>(const MatmulKernels<double>&, MatView<const double>,
                                    MatView<const double>, MatView<double>, bool);

}  // namespace minitorch::cpu
