// `minitorch bench matmul`: the lecture notebook's workload (lowL, highL, big) and square
// sizes 128..2048 over the variants that retrace the lecture (reference loop, zip+reduce,
// fused strided 1/N threads, packed 1/N threads, float32/float64, C/F orders), each product
// verified, against an FMA-loop peak and OpenBLAS (when built with it). See docs/matmul.md.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/cpu/matmul.h"
#include "backends/cpu/parallel.h"
#include "backends/reference/reference_backend.h"
#include "bench_matmul_support.h"
#include "cli_args.h"
#include "commands.h"
#include "minitorch/backend_registry.h"
#include "minitorch/tensor.h"

namespace minitorch::cli {
namespace {

using matmul_bench::Row;

using Options = BenchMatmulOptions;  // cli_args.h

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A [rows, cols] matrix with values uniform in [0, 1) (the notebook's np.random.rand), laid
// out C (row-major) or F (column-major).
TensorData random_matrix(std::int64_t rows, std::int64_t cols, DType dtype, char order,
                         std::mt19937_64& rng) {
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  TensorData t = order == 'C' ? TensorData::empty({rows, cols}, dtype, Device::cpu())
                              : TensorData::empty({cols, rows}, dtype, Device::cpu());
  dispatch_floating(dtype, [&](auto v) {
    using T = decltype(v);
    T* p = t.storage_data<T>();
    for (std::int64_t i = 0; i < rows * cols; ++i) {
      p[i] = static_cast<T>(dist(rng));
    }
  });
  return order == 'C' ? t : t.transpose(0, 1);
}

TensorData empty_out(const TensorData& a, const TensorData& b) {
  return TensorData::empty({a.shape()[0], b.shape()[1]}, a.dtype(), Device::cpu());
}

// Whole-result comparison with the reference backend (the notebook's np.allclose, tighter).
bool same_as_reference(const TensorData& a, const TensorData& b, const TensorData& got) {
  TensorData want = empty_out(a, b);
  reference_backend().matmul(a, b, want);
  const double u = got.dtype() == kFloat32 ? 0x1p-24 : 0x1p-53;
  const double tol = 4.0 * static_cast<double>(a.shape()[1] + 2) * u;
  return dispatch_floating(got.dtype(), [&](auto v) {
    using T = decltype(v);
    const T* g = got.storage_data<T>();
    const T* w = want.storage_data<T>();
    for (std::int64_t i = 0; i < got.numel(); ++i) {
      // Inputs are in [0, 1), so |w| is the magnitude sum of the products.
      if (std::fabs(static_cast<double>(g[i]) - static_cast<double>(w[i])) >
          tol * std::fabs(static_cast<double>(w[i])) + 1e-300) {
        return false;
      }
    }
    return true;
  });
}

struct Variant {
  std::string name;
  int threads;
  // Computes out = a @ b.
  std::function<void(const TensorData&, const TensorData&, TensorData&)> run;
};

std::vector<Variant> variants_for(std::int64_t size, int nthreads, bool quick) {
  std::vector<Variant> out;
  const std::int64_t slow_max = quick ? 128 : 256;
  if (size <= slow_max) {
    out.push_back({"reference", 1, [](const TensorData& a, const TensorData& b, TensorData& c) {
                     reference_backend().matmul(a, b, c);
                   }});
    out.push_back({"zip+reduce (" + backend_name(Device::cpu()) + ")", 1,
                   [](const TensorData& a, const TensorData& b, TensorData& c) {
                     // The unfused way: an (m, k, n) broadcast product, then a sum over k.
                     Tensor ta(a);
                     Tensor tb(b);
                     Tensor r = (ta.unsqueeze(2) * tb.unsqueeze(0)).sum(1);
                     reference_backend().copy(r.data(), c);
                   }});
  }
  auto ours = [](cpu::MatmulPath path, bool threaded) {
    return [path, threaded](const TensorData& a, const TensorData& b, TensorData& c) {
      cpu::matmul(a, b, c, cpu::MatmulOptions{path, threaded});
    };
  };
  if (size <= (quick ? 256 : 512)) {
    out.push_back({"fused strided", 1, ours(cpu::MatmulPath::Strided, false)});
    if (nthreads > 1) {
      out.push_back({"fused strided", nthreads, ours(cpu::MatmulPath::Strided, true)});
    }
  }
  out.push_back({"packed", 1, ours(cpu::MatmulPath::Auto, false)});
  if (matmul_bench::have_openblas()) {
    out.push_back({"openblas", 1, [](const TensorData& a, const TensorData& b, TensorData& c) {
                     matmul_bench::openblas_matmul(a, b, c, 1);
                   }});
  }
  if (nthreads > 1) {
    out.push_back({"packed", nthreads, ours(cpu::MatmulPath::Auto, true)});
    if (matmul_bench::have_openblas()) {
      out.push_back({"openblas", nthreads,
                     [nthreads](const TensorData& a, const TensorData& b, TensorData& c) {
                       matmul_bench::openblas_matmul(a, b, c, nthreads);
                     }});
    }
  }
  return out;
}

struct Peaks {
  double f32_1 = 0;
  double f64_1 = 0;
  double f32_n = 0;
  double f64_n = 0;
  double of(DType dtype, int threads) const {
    if (dtype == kFloat32) {
      return threads > 1 ? f32_n : f32_1;
    }
    return threads > 1 ? f64_n : f64_1;
  }
};

void print_header() {
  std::printf("%-7s %-7s %-5s %-24s %3s %17s %10s %10s %9s %7s %6s %s\n", "work", "dtype", "order",
              "variant", "thr", "m x k x n", "median", "min", "GFLOP/s", "%peak", "ratio", "ok");
}

void print_row(const Row& r) {
  char shape[64];
  std::snprintf(shape, sizeof(shape), "%lldx%lldx%lld", static_cast<long long>(r.m),
                static_cast<long long>(r.k), static_cast<long long>(r.n));
  auto fmt_time = [](double s) {
    char buf[32];
    if (s < 1e-3) {
      std::snprintf(buf, sizeof(buf), "%.1f us", s * 1e6);
    } else if (s < 1) {
      std::snprintf(buf, sizeof(buf), "%.2f ms", s * 1e3);
    } else {
      std::snprintf(buf, sizeof(buf), "%.2f s", s);
    }
    return std::string(buf);
  };
  char ratio[16] = "";
  if (r.blas_ratio > 0) {
    std::snprintf(ratio, sizeof(ratio), "%.2fx", r.blas_ratio);
  }
  std::printf("%-7s %-7s %-5s %-24s %3d %17s %10s %10s %9.1f %6.1f%% %6s %s\n", r.workload.c_str(),
              r.dtype.c_str(), r.order.c_str(), r.variant.c_str(), r.threads, shape,
              fmt_time(r.median_s).c_str(), fmt_time(r.min_s).c_str(), r.gflops, r.peak_pct, ratio,
              r.verified ? "verified" : "MISMATCH");
  std::fflush(stdout);
}

Row make_row(const std::string& workload, DType dtype, const std::string& order, const Variant& v,
             std::int64_t m, std::int64_t k, std::int64_t n, std::vector<double> times,
             bool verified, const Peaks& peaks) {
  std::sort(times.begin(), times.end());
  Row r;
  r.workload = workload;
  r.dtype = std::string(to_string(dtype));
  r.order = order;
  r.variant = v.name;
  r.threads = v.threads;
  r.m = m;
  r.n = n;
  r.k = k;
  r.median_s = times[times.size() / 2];
  r.min_s = times.front();
  const double flops =
      2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  r.gflops = flops / r.median_s * 1e-9;
  r.peak_pct = 100.0 * r.gflops / peaks.of(dtype, v.threads);
  r.verified = verified;
  return r;
}

// The notebook's workload: `samples` fixed inputs, `runs` passes over them, every product
// timed and verified (whole result against the reference backend when `full_check`).
void notebook_workload(const std::string& name, DType dtype, char a_order, char b_order,
                       std::int64_t m, std::int64_t k, std::int64_t n, int samples, int runs,
                       bool full_check, const std::vector<Variant>& variants, const Peaks& peaks,
                       std::vector<Row>& rows) {
  std::mt19937_64 rng(2024);
  std::vector<TensorData> as;
  std::vector<TensorData> bs;
  for (int s = 0; s < samples; ++s) {
    as.push_back(random_matrix(m, k, dtype, a_order, rng));
    bs.push_back(random_matrix(k, n, dtype, b_order, rng));
  }
  std::string order{a_order, b_order};
  for (const Variant& v : variants) {
    std::vector<double> times;
    bool ok = true;
    std::vector<TensorData> outs;
    for (int s = 0; s < samples; ++s) {
      outs.push_back(empty_out(as[0], bs[0]));
    }
    for (int r = 0; r < runs; ++r) {
      for (std::size_t s = 0; s < as.size(); ++s) {
        double t0 = now_s();
        v.run(as[s], bs[s], outs[s]);
        times.push_back(now_s() - t0);
        if (r == 0) {  // every sample's product verified (later runs repeat the same inputs)
          std::string why;
          bool good = full_check ? same_as_reference(as[s], bs[s], outs[s])
                                 : matmul_bench::verify_product(as[s], bs[s], outs[s], why);
          ok = ok && good;
        }
      }
    }
    rows.push_back(make_row(name, dtype, order, v, m, k, n, times, ok, peaks));
    print_row(rows.back());
  }
}

void square_sizes(const Options& opt, int nthreads, const Peaks& peaks, std::vector<Row>& rows) {
  for (DType dtype : {kFloat32, kFloat64}) {
    for (std::int64_t size : opt.sizes) {
      std::mt19937_64 rng(static_cast<std::uint64_t>(size));
      std::vector<std::string> orders = {"CC"};
      if (size == 1024 || (opt.quick && size == opt.sizes.back())) {
        orders = {"CC", "CF", "FC", "FF"};
      }
      for (const std::string& order : orders) {
        TensorData a = random_matrix(size, size, dtype, order[0], rng);
        TensorData b = random_matrix(size, size, dtype, order[1], rng);
        TensorData c = empty_out(a, b);
        std::vector<Variant> variants = variants_for(size, nthreads, opt.quick);
        for (const Variant& v : variants) {
          if (order != "CC" && v.name != "packed" && v.name != "openblas") {
            continue;
          }
          v.run(a, b, c);  // warm-up, then verify this exact output
          std::string why;
          bool ok = matmul_bench::verify_product(a, b, c, why);
          std::vector<double> times;
          const double budget = opt.quick ? 0.3 : 1.0;
          double spent = 0;
          while (times.size() < 3 || (spent < budget && times.size() < 50)) {
            double t0 = now_s();
            v.run(a, b, c);
            double dt = now_s() - t0;
            times.push_back(dt);
            spent += dt;
            if (dt > 2.0) {
              break;
            }
          }
          rows.push_back(make_row("square", dtype, order, v, size, size, size, times, ok, peaks));
          print_row(rows.back());
        }
      }
    }
  }
}

// ratio = ours / OpenBLAS's GFLOP/s on the same workload, dtype, order, size and threads.
void fill_ratios(std::vector<Row>& rows) {
  for (Row& r : rows) {
    if (r.variant == "openblas") {
      continue;
    }
    for (const Row& o : rows) {
      if (o.variant == "openblas" && o.workload == r.workload && o.dtype == r.dtype &&
          o.order == r.order && o.threads == r.threads && o.m == r.m && o.n == r.n && o.k == r.k) {
        r.blas_ratio = r.gflops / o.gflops;
      }
    }
  }
}

void usage() {
  std::puts(
      "usage: minitorch bench matmul [--quick] [--json PATH] [--plot PATH.svg]\n"
      "                              [--sizes 128,256,...] [--notebook-only] [--square-only]\n\n"
      "Times the lecture notebook's workload (lowL: 10 x (200x10)(10x400) float64, highL:\n"
      "10 x (20x10000)(10000x40) float64, 10 runs each; big: 3 x float32 (200x100000, C)\n"
      "(100000x400, F)) and square sizes, every product verified. Threads: the CPU pool's\n"
      "(MINITORCH_NUM_THREADS). --quick: fewer runs and, unless --sizes is given, sizes up to\n"
      "1024. --sizes: each 1..8192 (default 128,256,512,1024,2048).");
}

}  // namespace

int bench_matmul(const std::vector<std::string>& args) {
  Options opt;
  if (!parse_bench_matmul_args(args, opt)) {
    usage();
    return 0;
  }
  std::string command = "minitorch bench matmul";  // recorded in the JSON
  for (const std::string& a : args) {
    command += " " + a;
  }
  const int nthreads = cpu::num_threads();
  // Loaded before the peak loops, which outlast the ~0.1 s its fresh threads spin.
  const bool openblas = matmul_bench::have_openblas();
  Peaks peaks;
  peaks.f32_1 = matmul_bench::measure_peak_gflops(false, 1);
  peaks.f64_1 = matmul_bench::measure_peak_gflops(true, 1);
  peaks.f32_n = nthreads > 1 ? matmul_bench::measure_peak_gflops(false, nthreads) : peaks.f32_1;
  peaks.f64_n = nthreads > 1 ? matmul_bench::measure_peak_gflops(true, nthreads) : peaks.f64_1;
  std::printf("matmul bench: %d threads, kernels %s, OpenBLAS %s\n", nthreads,
              std::string(cpu::matmul_isa()).c_str(), openblas ? "loaded" : "absent");
  std::printf(
      "FMA-loop peak GFLOP/s: float32 %.1f (1 thread) %.1f (%d), float64 %.1f (1) %.1f "
      "(%d)\n\n",
      peaks.f32_1, peaks.f32_n, nthreads, peaks.f64_1, peaks.f64_n, nthreads);
  print_header();
  std::vector<Row> rows;
  const double start = now_s();
  if (opt.notebook) {
    std::vector<Variant> small = variants_for(4096, nthreads, opt.quick);
    std::vector<Variant> with_ref = small;
    with_ref.insert(with_ref.begin(),
                    {"reference", 1, [](const TensorData& a, const TensorData& b, TensorData& c) {
                       reference_backend().matmul(a, b, c);
                     }});
    const int runs = opt.quick ? 3 : 10;
    notebook_workload("lowL", kFloat64, 'C', 'C', 200, 10, 400, 10, runs, true, with_ref, peaks,
                      rows);
    notebook_workload("highL", kFloat64, 'C', 'C', 20, 10000, 40, 10, runs, true, small, peaks,
                      rows);
    notebook_workload("big", kFloat32, 'C', 'F', 200, 100000, 400, 3, opt.quick ? 1 : 3, false,
                      small, peaks, rows);
    std::printf("(notebook workload: %.1f s)\n", now_s() - start);
  }
  if (opt.square) {
    square_sizes(opt, nthreads, peaks, rows);
  }
  fill_ratios(rows);
  std::printf("\nOurs vs OpenBLAS (GFLOP/s ratio, same inputs, threads and run):\n");
  bool all_ok = true;
  for (const Row& r : rows) {
    all_ok = all_ok && r.verified;
    if (r.blas_ratio > 0 && r.variant == "packed") {
      std::printf("  %-6s %-7s %-3s %lldx%lldx%lld %d thr: %.2fx\n", r.workload.c_str(),
                  r.dtype.c_str(), r.order.c_str(), static_cast<long long>(r.m),
                  static_cast<long long>(r.k), static_cast<long long>(r.n), r.threads,
                  r.blas_ratio);
    }
  }
  std::printf("total %.1f s; %s\n", now_s() - start,
              all_ok ? "every product verified" : "SOME PRODUCTS DID NOT VERIFY");
  if (!opt.json.empty()) {
    matmul_bench::write_json(opt.json, rows, peaks.f32_1, peaks.f64_1, peaks.f32_n, peaks.f64_n,
                             nthreads, command);
  }
  if (!opt.plot.empty()) {
    matmul_bench::write_svg(opt.plot, rows);
  }
  return all_ok ? 0 : 1;
}

}  // namespace minitorch::cli
