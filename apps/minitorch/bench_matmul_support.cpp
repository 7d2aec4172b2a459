// The FMA-loop peak, product verification, the OpenBLAS peer and the JSON/SVG writers of
// `minitorch bench matmul`. OpenBLAS is a benchmark peer only: the bench loads it with dlopen
// when it runs (Note [OpenBLAS on demand]); neither the library nor the program links it.
#include "bench_matmul_support.h"

#include <dlfcn.h>
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "minitorch/system_info.h"

namespace minitorch::cli::matmul_bench {
namespace {

constexpr int kChains = 12;  // independent FMA chains: > latency x FMA ports

// One function per ISA and dtype: a target attribute does not reach into templates or
// lambdas. Each runs kChains independent FMA chains and returns the flops done.
#define MT_FMA_LOOP(NAME, TARGET, V, SET1, FMA, ADD, CVT, LANES, X, Y) \
  __attribute__((target(TARGET))) double NAME(std::int64_t iters, double& sink) { \
    V acc[kChains]; \
    for (V & v : acc) { \
      v = SET1(Y); \
    } \
    const V x = SET1(X); \
    const V y = SET1(Y); \
    for (std::int64_t i = 0; i < iters; ++i) { \
      for (V & v : acc) { \
        v = FMA(v, x, y); \
      } \
    } \
    V sum = acc[0]; \
    for (int r = 1; r < kChains; ++r) { \
      sum = ADD(sum, acc[r]); \
    } \
    sink += static_cast<double>(CVT(sum)); \
    return static_cast<double>(iters) * kChains * (LANES)*2; \
  }

MT_FMA_LOOP(loop_avx512_f64, "avx512f,fma", __m512d, _mm512_set1_pd, _mm512_fmadd_pd, _mm512_add_pd,
            _mm512_cvtsd_f64, 8, 0.999999, 1e-6)
MT_FMA_LOOP(loop_avx512_f32, "avx512f,fma", __m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps,
            _mm512_cvtss_f32, 16, 0.9999f, 1e-4f)
MT_FMA_LOOP(loop_avx2_f64, "avx2,fma", __m256d, _mm256_set1_pd, _mm256_fmadd_pd, _mm256_add_pd,
            _mm256_cvtsd_f64, 4, 0.999999, 1e-6)
MT_FMA_LOOP(loop_avx2_f32, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps,
            _mm256_cvtss_f32, 8, 0.9999f, 1e-4f)
#undef MT_FMA_LOOP

double fma_loop(bool f64, std::int64_t iters, double& sink) {
  const CpuFeatures& cpu = cpu_features();
  if (cpu.avx512f && cpu.fma) {
    return f64 ? loop_avx512_f64(iters, sink) : loop_avx512_f32(iters, sink);
  }
  if (cpu.has_avx2_fma()) {
    return f64 ? loop_avx2_f64(iters, sink) : loop_avx2_f32(iters, sink);
  }
  return 0.0;
}

double at(const TensorData& t, std::int64_t i, std::int64_t j) {
  return dispatch_floating(t.dtype(), [&](auto v) {
    using T = decltype(v);
    return static_cast<double>(
        t.storage_data<T>()[t.offset() + i * t.strides()[0] + j * t.strides()[1]]);
  });
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
    }
    out += ch;
  }
  return out;
}

}  // namespace

double measure_peak_gflops(bool f64, int threads) {
  const std::int64_t iters = 20'000'000;
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    std::vector<double> sinks(static_cast<std::size_t>(threads), 0.0);
    std::vector<double> flops(static_cast<std::size_t>(threads), 0.0);
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      auto slot = static_cast<std::size_t>(t);
      pool.emplace_back([&, slot] { flops[slot] = fma_loop(f64, iters, sinks[slot]); });
    }
    for (std::thread& th : pool) {
      th.join();
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double total = 0;
    for (double f : flops) {
      total += f;
    }
    if (sinks[0] == 12345.678) {  // never true; keeps the loops alive
      std::puts("");
    }
    best = std::max(best, total / seconds * 1e-9);
  }
  return best;
}

bool verify_product(const TensorData& a, const TensorData& b, const TensorData& c,
                    std::string& why) {
  const std::int64_t m = c.shape()[0];
  const std::int64_t n = c.shape()[1];
  const std::int64_t k = a.shape()[1];
  const double u = c.dtype() == kFloat32 ? 0x1p-24 : 0x1p-53;
  const double bound = 2.0 * static_cast<double>(k + 2) * u;
  std::mt19937_64 rng(42);
  if (m == 0 || n == 0) {
    return true;
  }
  std::uniform_int_distribution<std::int64_t> row(0, m - 1);
  std::uniform_int_distribution<std::int64_t> col(0, n - 1);
  for (int s = 0; s < 64; ++s) {
    const std::int64_t i = row(rng);
    const std::int64_t j = col(rng);
    long double exact = 0;
    long double mag = 0;
    for (std::int64_t p = 0; p < k; ++p) {
      long double prod = static_cast<long double>(at(a, i, p)) * at(b, p, j);
      exact += prod;
      mag += std::fabs(prod);
    }
    double err = std::fabs(at(c, i, j) - static_cast<double>(exact));
    if (err > bound * static_cast<double>(mag) + 1e-300) {
      why = "element (" + std::to_string(i) + ", " + std::to_string(j) + ") off by " +
          std::to_string(err);
      return false;
    }
  }
  // Freivalds: c x = a (b x), with |a| (|b| |x|) scaling the bound.
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  std::vector<double> x(static_cast<std::size_t>(n));
  for (double& v : x) {
    v = dist(rng);
  }
  std::vector<double> bx(static_cast<std::size_t>(k), 0.0);
  std::vector<double> bx_abs(static_cast<std::size_t>(k), 0.0);
  for (std::int64_t p = 0; p < k; ++p) {
    for (std::int64_t j = 0; j < n; ++j) {
      double v = at(b, p, j);
      bx[static_cast<std::size_t>(p)] += v * x[static_cast<std::size_t>(j)];
      bx_abs[static_cast<std::size_t>(p)] += std::fabs(v * x[static_cast<std::size_t>(j)]);
    }
  }
  for (std::int64_t i = 0; i < m; ++i) {
    double cx = 0;
    double abx = 0;
    double mag = 0;
    for (std::int64_t j = 0; j < n; ++j) {
      cx += at(c, i, j) * x[static_cast<std::size_t>(j)];
    }
    for (std::int64_t p = 0; p < k; ++p) {
      double v = at(a, i, p);
      abx += v * bx[static_cast<std::size_t>(p)];
      mag += std::fabs(v) * bx_abs[static_cast<std::size_t>(p)];
    }
    double tol = (bound + 2.0 * static_cast<double>(n + k) * 0x1p-53) * mag + 1e-300;
    if (std::fabs(cx - abx) > tol) {
      why = "Freivalds check failed on row " + std::to_string(i);
      return false;
    }
  }
  return true;
}

namespace {

// Note [OpenBLAS on demand]
// Linked into the program, OpenBLAS starts its thread pool when the program loads, and those
// threads spin (sched_yield) for about 0.1 s: every `minitorch train` paid for it, and with
// two threads our pool's worker shared its core with them. So `bench matmul` opens the
// library itself, the first time it asks for it, and finds the CBLAS entry points by name.
// The enum values are the CBLAS standard's (cblas.h: CblasRowMajor 101, CblasNoTrans 111,
// CblasTrans 112).
constexpr int kCblasRowMajor = 101;
constexpr int kCblasNoTrans = 111;
constexpr int kCblasTrans = 112;

struct OpenBlas {
  void (*set_num_threads)(int) = nullptr;
  void (*sgemm)(int, int, int, int, int, int, float, const float*, int, const float*, int, float,
                float*, int) = nullptr;
  void (*dgemm)(int, int, int, int, int, int, double, const double*, int, const double*, int,
                double, double*, int) = nullptr;
};

template <class Fn>
void find_symbol(void* library, const char* name, Fn& fn) {
  fn = reinterpret_cast<Fn>(dlsym(library, name));
}

const OpenBlas& openblas() {
  static const OpenBlas loaded = [] {
    OpenBlas blas;
    void* library = nullptr;
    for (const char* name : {"libopenblas.so.0", "libopenblas.so"}) {
      if ((library = dlopen(name, RTLD_NOW | RTLD_LOCAL)) != nullptr) {
        break;
      }
    }
    if (library != nullptr) {  // never closed: its threads live until the program exits
      find_symbol(library, "openblas_set_num_threads", blas.set_num_threads);
      find_symbol(library, "cblas_sgemm", blas.sgemm);
      find_symbol(library, "cblas_dgemm", blas.dgemm);
    }
    return blas;
  }();
  return loaded;
}

}  // namespace

bool have_openblas() {
  const OpenBlas& blas = openblas();
  return blas.set_num_threads != nullptr && blas.sgemm != nullptr && blas.dgemm != nullptr;
}

void openblas_matmul(const TensorData& a, const TensorData& b, TensorData& c, int threads) {
  const OpenBlas& blas = openblas();
  if (!have_openblas()) {
    return;
  }
  blas.set_num_threads(threads);
  const int m = static_cast<int>(c.shape()[0]);
  const int n = static_cast<int>(c.shape()[1]);
  const int k = static_cast<int>(a.shape()[1]);
  const bool a_c = a.strides()[1] == 1;
  const bool b_c = b.strides()[1] == 1;
  const int lda = static_cast<int>(a_c ? a.strides()[0] : a.strides()[1]);
  const int ldb = static_cast<int>(b_c ? b.strides()[0] : b.strides()[1]);
  const int ta = a_c ? kCblasNoTrans : kCblasTrans;
  const int tb = b_c ? kCblasNoTrans : kCblasTrans;
  const int ldc = static_cast<int>(c.strides()[0]);
  if (c.dtype() == kFloat32) {
    blas.sgemm(kCblasRowMajor, ta, tb, m, n, k, 1.0f, static_cast<const float*>(a.data_ptr()),
               std::max(1, lda), static_cast<const float*>(b.data_ptr()), std::max(1, ldb), 0.0f,
               static_cast<float*>(c.data_ptr()), std::max(1, ldc));
  } else {
    blas.dgemm(kCblasRowMajor, ta, tb, m, n, k, 1.0, static_cast<const double*>(a.data_ptr()),
               std::max(1, lda), static_cast<const double*>(b.data_ptr()), std::max(1, ldb), 0.0,
               static_cast<double*>(c.data_ptr()), std::max(1, ldc));
  }
}

void write_json(const std::string& path, const std::vector<Row>& rows, double peak32_1,
                double peak64_1, double peak32_n, double peak64_n, int threads,
                const std::string& command) {
  std::ofstream out(path);
  out << "{\n  \"command\": \"" << json_escape(command) << "\",\n  \"threads\": " << threads
      << ",\n  \"peak_gflops\": {\"float32_1t\": " << peak32_1 << ", \"float64_1t\": " << peak64_1
      << ", \"float32_nt\": " << peak32_n << ", \"float64_nt\": " << peak64_n
      << "},\n  \"openblas\": " << (have_openblas() ? "true" : "false") << ",\n  \"rows\": [\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    out << "    {\"workload\": \"" << r.workload << "\", \"dtype\": \"" << r.dtype
        << "\", \"order\": \"" << r.order << "\", \"variant\": \"" << r.variant
        << "\", \"threads\": " << r.threads << ", \"m\": " << r.m << ", \"n\": " << r.n
        << ", \"k\": " << r.k << ", \"median_s\": " << r.median_s << ", \"min_s\": " << r.min_s
        << ", \"gflops\": " << r.gflops << ", \"peak_pct\": " << r.peak_pct
        << ", \"blas_ratio\": " << r.blas_ratio
        << ", \"verified\": " << (r.verified ? "true" : "false") << "}"
        << (i + 1 < rows.size() ? ",\n" : "\n");
  }
  out << "  ]\n}\n";
}

void write_svg(const std::string& path, const std::vector<Row>& rows) {
  // Panels keyed by dtype and thread count; lines keyed by variant + order.
  std::map<std::string, std::map<std::string, std::map<std::int64_t, double>>> panels;
  std::set<std::int64_t> sizes;
  double ymax = 1;
  for (const Row& r : rows) {
    if (r.workload != "square") {
      continue;
    }
    std::string panel =
        r.dtype + ", " + std::to_string(r.threads) + " thread" + (r.threads > 1 ? "s" : "");
    panels[panel][r.variant + (r.order == "CC" ? "" : " " + r.order)][r.m] = r.gflops;
    sizes.insert(r.m);
    ymax = std::max(ymax, r.gflops);
  }
  const int pw = 460;
  const int ph = 300;
  const int cols = 2;
  const int npanels = static_cast<int>(panels.size());
  const int rows_n = (npanels + cols - 1) / cols;
  std::ofstream out(path);
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << cols * pw << "\" height=\""
      << rows_n * ph + 20 << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  const char* colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  std::vector<std::int64_t> xs(sizes.begin(), sizes.end());
  int index = 0;
  for (const auto& [panel, lines] : panels) {
    const int ox = (index % cols) * pw + 50;
    const int oy = (index / cols) * ph + 30;
    const int w = pw - 170;
    const int h = ph - 70;
    out << "<text x=\"" << ox << "\" y=\"" << oy - 10 << "\" font-size=\"13\">GFLOP/s, " << panel
        << "</text>\n";
    out << "<rect x=\"" << ox << "\" y=\"" << oy << "\" width=\"" << w << "\" height=\"" << h
        << "\" fill=\"none\" stroke=\"#888\"/>\n";
    for (int t = 0; t <= 4; ++t) {
      double v = ymax * t / 4;
      int y = oy + h - static_cast<int>(h * t / 4);
      out << "<text x=\"" << ox - 5 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">"
          << static_cast<int>(v) << "</text>\n";
    }
    auto xpos = [&](std::int64_t s) {
      auto it = std::find(xs.begin(), xs.end(), s);
      auto pos = static_cast<double>(it - xs.begin());
      double span = xs.size() > 1 ? static_cast<double>(xs.size() - 1) : 1.0;
      return ox + static_cast<int>(w * pos / span);
    };
    for (std::int64_t s : xs) {
      out << "<text x=\"" << xpos(s) << "\" y=\"" << oy + h + 14 << "\" text-anchor=\"middle\">"
          << s << "</text>\n";
    }
    int li = 0;
    for (const auto& [name, points] : lines) {
      const char* color = colors[li % 10];
      out << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\" points=\"";
      for (const auto& [s, g] : points) {
        out << xpos(s) << "," << oy + h - static_cast<int>(h * g / ymax) << " ";
      }
      out << "\"/>\n<text x=\"" << ox + w + 8 << "\" y=\"" << oy + 12 + li * 14 << "\" fill=\""
          << color << "\">" << name << "</text>\n";
      ++li;
    }
    ++index;
  }
  out << "<text x=\"10\" y=\"" << rows_n * ph + 12
      << "\">square n x n @ n x n; x: n, y: GFLOP/s (median of repeats)</text>\n</svg>\n";
}

}  // namespace minitorch::cli::matmul_bench
