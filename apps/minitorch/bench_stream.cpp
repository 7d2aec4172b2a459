// STREAM-style kernels and their thread pool. Work split: P equal, 64-byte-aligned slices
// of the arrays, claimed by whichever thread is free; each slice is a unit-stride loop that GCC
// vectorises at -O3 (the read kernel keeps 32 partial sums so that it can). Helpers spin
// briefly for the next call and then sleep, so small calls do not pay a wake-up each time.
#include "bench_stream.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

namespace minitorch::cli {
namespace {

// ---- Kernels: one clone per ISA through target_clones, the loop body written once -----

template <class T>
[[gnu::always_inline]] inline void copy_loop(T* a, const T* b, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    a[i] = b[i];
  }
}

template <class T>
[[gnu::always_inline]] inline void add_loop(T* a, const T* b, const T* c, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    a[i] = b[i] + c[i];
  }
}

template <class T>
[[gnu::always_inline]] inline T read_loop(const T* a, std::int64_t n) {
  constexpr std::int64_t kSums = 32;  // independent sums: vectorisable without -ffast-math
  T sums[kSums] = {};
  std::int64_t i = 0;
  for (; i + kSums <= n; i += kSums) {
    for (std::int64_t j = 0; j < kSums; ++j) {
      sums[j] += a[i + j];
    }
  }
  T total = 0;
  for (; i < n; ++i) {
    total += a[i];
  }
  for (T s : sums) {
    total += s;
  }
  return total;
}

// target_clones makes IFUNC symbols, whose resolvers run while the dynamic loader relocates
// the program, before ThreadSanitizer's runtime is set up: the TSan build of `minitorch`
// crashed at start-up. That build gets plain functions (its timings mean nothing anyway).
#if defined(__SANITIZE_THREAD__)
#define MT_STREAM_CLONES
#else
#define MT_STREAM_CLONES gnu::target_clones("avx512f", "avx2", "default")
#endif
[[MT_STREAM_CLONES]] void copy_f32(float* a, const float* b, std::int64_t n) { copy_loop(a, b, n); }
[[MT_STREAM_CLONES]] void copy_f64(double* a, const double* b, std::int64_t n) {
  copy_loop(a, b, n);
}
[[MT_STREAM_CLONES]] void add_f32(float* a, const float* b, const float* c, std::int64_t n) {
  add_loop(a, b, c, n);
}
[[MT_STREAM_CLONES]] void add_f64(double* a, const double* b, const double* c, std::int64_t n) {
  add_loop(a, b, c, n);
}
[[MT_STREAM_CLONES]] float read_f32(const float* a, std::int64_t n) { return read_loop(a, n); }
[[MT_STREAM_CLONES]] double read_f64(const double* a, std::int64_t n) { return read_loop(a, n); }
#undef MT_STREAM_CLONES

// The streaming-store kernels: AVX2 intrinsics (no IFUNC, so TSan builds keep them), called
// only when the CPU has AVX2 and a's slice starts 32-byte aligned (slice() cuts at 64 bytes).
[[gnu::target("avx2")]] void copy_nt_avx2(float* a, const float* b, std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_stream_ps(a + i, _mm256_loadu_ps(b + i));
  }
  for (; i < n; ++i) {
    a[i] = b[i];
  }
  _mm_sfence();
}
[[gnu::target("avx2")]] void add_nt_avx2(float* a, const float* b, const float* c, std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_stream_ps(a + i, _mm256_add_ps(_mm256_loadu_ps(b + i), _mm256_loadu_ps(c + i)));
  }
  for (; i < n; ++i) {
    a[i] = b[i] + c[i];
  }
  _mm_sfence();
}
[[gnu::target("avx2")]] void add_nt_avx2(double* a, const double* b, const double* c,
                                         std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    _mm256_stream_pd(a + i, _mm256_add_pd(_mm256_loadu_pd(b + i), _mm256_loadu_pd(c + i)));
  }
  for (; i < n; ++i) {
    a[i] = b[i] + c[i];
  }
  _mm_sfence();
}

bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2") != 0;
  return yes;
}

// ---- Pool -------------------------------------------------------------------------

// Parts are claimed from a shared counter, so the caller does every part itself when the
// helpers are late (a loaded machine): a call never waits for a helper to be scheduled.
class Pool {
 public:
  explicit Pool(int threads) {
    for (int t = 1; t < threads; ++t) {
      helpers_.emplace_back([this] { helper_loop(); });
    }
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      generation_.fetch_add(1);
    }
    wake_.notify_all();
    for (std::thread& t : helpers_) {
      t.join();
    }
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  int threads() const { return static_cast<int>(helpers_.size()) + 1; }

  /// fn(p, parts) for p in 0..parts-1 on the caller and the helpers; returns when all are
  /// done and no helper still holds fn.
  void run(int parts, const std::function<void(int, int)>& fn) {
    if (parts <= 1 || helpers_.empty()) {
      for (int p = 0; p < parts; ++p) {
        fn(p, parts);
      }
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fn_ = &fn;
      parts_ = parts;
      next_.store(0);
      done_.store(0);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    work(fn, parts);
    while (done_.load(std::memory_order_acquire) < parts || active_.load() != 0) {
      __builtin_ia32_pause();
    }
  }

 private:
  void work(const std::function<void(int, int)>& fn, int parts) {
    for (int p = next_.fetch_add(1); p < parts; p = next_.fetch_add(1)) {
      fn(p, parts);
      done_.fetch_add(1, std::memory_order_release);
    }
  }

  void helper_loop() {
    std::uint64_t seen = 0;
    while (true) {
      // Spin a little (a benchmark calls back to back), then sleep.
      for (int spin = 0; spin < 20000 && generation_.load(std::memory_order_acquire) == seen;
           ++spin) {
        __builtin_ia32_pause();
      }
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      seen = generation_.load();
      if (stop_) {
        return;
      }
      const std::function<void(int, int)>* fn = fn_;
      int parts = parts_;
      active_.fetch_add(1);  // under the lock: run() cannot return and reuse fn_ meanwhile
      lock.unlock();
      work(*fn, parts);
      active_.fetch_sub(1, std::memory_order_release);
    }
  }

  std::vector<std::thread> helpers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> next_{0};
  std::atomic<int> done_{0};
  std::atomic<int> active_{0};
  const std::function<void(int, int)>* fn_ = nullptr;
  int parts_ = 0;
  bool stop_ = false;
};

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};

// [begin, end) of part p of parts over n elements, cut at 64-byte boundaries.
std::pair<std::int64_t, std::int64_t> slice(std::int64_t n, int p, int parts,
                                            std::int64_t element) {
  std::int64_t align = 64 / element;
  auto cut = [&](int q) {
    std::int64_t at = n * q / parts / align * align;
    return q == parts ? n : at;
  };
  return {cut(p), cut(p + 1)};
}

}  // namespace

std::string_view to_string(StreamKernel kernel) {
  switch (kernel) {
    case StreamKernel::Copy:
      return "copy";
    case StreamKernel::Add:
      return "add";
    case StreamKernel::Read:
      return "read";
    case StreamKernel::CopyNt:
      return "copy-nt";
    case StreamKernel::AddNt:
      return "add-nt";
  }
  return "?";
}

std::int64_t stream_bytes(StreamKernel kernel, DType dtype, std::int64_t n) {
  std::int64_t arrays = 1;
  if (kernel == StreamKernel::Copy || kernel == StreamKernel::CopyNt) {
    arrays = 2;
  } else if (kernel == StreamKernel::Add || kernel == StreamKernel::AddNt) {
    arrays = 3;
  }
  return arrays * n * element_size(dtype);
}

struct StreamBench::Impl {
  explicit Impl(int threads) : pool(threads) {}
  Pool pool;
  DType dtype = DType::Float32;
  std::int64_t n = -1;
  std::unique_ptr<void, AlignedFree> a, b, c;
  volatile double sink = 0.0;
};

StreamBench::StreamBench(int threads) : impl_(std::make_unique<Impl>(std::max(threads, 1))) {}
StreamBench::~StreamBench() = default;

int StreamBench::threads() const { return impl_->pool.threads(); }

int StreamBench::threads_for(std::int64_t n) const {
  std::int64_t chunks = (n + kStreamGrain - 1) / kStreamGrain;
  return static_cast<int>(std::clamp<std::int64_t>(chunks, 1, threads()));
}

Timing StreamBench::run(StreamKernel kernel, DType dtype, std::int64_t n,
                        const TimingPolicy& policy) {
  Impl& s = *impl_;
  std::int64_t element = element_size(dtype);
  int parts = threads_for(n);
  if (s.dtype != dtype || s.n != n) {
    auto bytes = static_cast<std::size_t>((n * element + 63) / 64 * 64 + 64);
    for (auto* array : {&s.a, &s.b, &s.c}) {
      array->reset(std::aligned_alloc(64, bytes));
      if (*array == nullptr) {
        throw std::bad_alloc();
      }
    }
    s.dtype = dtype;
    s.n = n;
    // First touch by the thread that will use each slice.
    s.pool.run(parts, [&](int p, int count) {
      auto [begin, end] = slice(n, p, count, element);
      dispatch_floating(dtype, [&](auto zero) {
        using T = decltype(zero);
        std::fill(static_cast<T*>(s.a.get()) + begin, static_cast<T*>(s.a.get()) + end, T(0));
        std::fill(static_cast<T*>(s.b.get()) + begin, static_cast<T*>(s.b.get()) + end, T(1));
        std::fill(static_cast<T*>(s.c.get()) + begin, static_cast<T*>(s.c.get()) + end, T(2));
      });
    });
  }
  std::vector<double> partial(static_cast<std::size_t>(parts), 0.0);
  std::function<void(int, int)> body = [&](int p, int count) {
    auto [begin, end] = slice(n, p, count, element);
    std::int64_t len = end - begin;
    bool f32 = dtype == DType::Float32;
    auto* a32 = static_cast<float*>(s.a.get()) + begin;
    auto* b32 = static_cast<const float*>(s.b.get()) + begin;
    auto* c32 = static_cast<const float*>(s.c.get()) + begin;
    auto* a64 = static_cast<double*>(s.a.get()) + begin;
    auto* b64 = static_cast<const double*>(s.b.get()) + begin;
    auto* c64 = static_cast<const double*>(s.c.get()) + begin;
    switch (kernel) {
      case StreamKernel::Copy:
        f32 ? copy_f32(a32, b32, len) : copy_f64(a64, b64, len);
        break;
      case StreamKernel::Add:
        f32 ? add_f32(a32, b32, c32, len) : add_f64(a64, b64, c64, len);
        break;
      case StreamKernel::Read:
        partial[static_cast<std::size_t>(p)] = f32 ? read_f32(b32, len) : read_f64(b64, len);
        break;
      case StreamKernel::CopyNt:
        if (!has_avx2()) {
          f32 ? copy_f32(a32, b32, len) : copy_f64(a64, b64, len);
        } else {  // bits are bits: a double slice moves as twice as many floats
          copy_nt_avx2(f32 ? a32 : reinterpret_cast<float*>(a64),
                       f32 ? b32 : reinterpret_cast<const float*>(b64), f32 ? len : 2 * len);
        }
        break;
      case StreamKernel::AddNt:
        if (!has_avx2()) {
          f32 ? add_f32(a32, b32, c32, len) : add_f64(a64, b64, c64, len);
        } else {
          f32 ? add_nt_avx2(a32, b32, c32, len) : add_nt_avx2(a64, b64, c64, len);
        }
        break;
    }
  };
  Timing t = repeat_timed(policy, [&] {
    std::int64_t start = steady_now_ns();
    s.pool.run(parts, body);
    return steady_now_ns() - start;
  });
  for (double v : partial) {
    s.sink = s.sink + v;
  }
  return t;
}

}  // namespace minitorch::cli
