// The CPU backend's persistent thread pool behind parallel_for. Workers spin for a few
// microseconds after each job (back-to-back ops wake them cheaply), then block on a condition
// variable, so a busy core shared with another process is not starved. One job at a time:
// a second caller (or a nested call) runs its chunks inline. Not OpenMP: TSan sees it all.
#include "backends/cpu/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "minitorch/config.h"
#include "minitorch/error.h"
#include "minitorch/system_info.h"
#include "minitorch/threading.h"

namespace minitorch::cpu {
namespace {

using ChunkFn = std::function<void(std::int64_t, std::int64_t)>;

// How long an idle thread polls before it blocks: long enough to catch the next op of a
// training loop, short enough not to matter to a process sharing the core.
constexpr std::chrono::microseconds kSpinTime{30};

// Note [Waking helpers]: helpers that went to sleep (kSpinTime without a job) are woken only
// for a job of at least kMinWakeWorkNs on one thread; smaller jobs run on the caller. On this
// project's 2-vCPU VM, waking a sleeping helper cost a small job far more than it saved: a
// 65536-element add_ (3.4 us on one thread) took 46 us with 2 threads, a 10 x 256 x 256 matmul
// 24.6 us against 4.9, and the course's 5000-point training ran 1.5-2.3x slower with 2 threads
// than with 1 (a training step's small ops come further apart than kSpinTime). A job of 200 us
// pays for a wake-up of that order even if the helper arrives late; the estimates
// (parallel.h) need only be right within a factor of a few.
constexpr double kMinWakeWorkNs = 200e3;
std::atomic<bool> g_wake_policy{true};  // off in tests that want small jobs split

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Polls ready() for up to kSpinTime; true if it became true.
template <class Ready>
bool spin_until(Ready ready) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 1;; ++i) {
    if (ready()) {
      return true;
    }
    cpu_relax();
    if ((i & 63) == 0 && std::chrono::steady_clock::now() - start > kSpinTime) {
      return false;
    }
  }
}

thread_local bool t_in_parallel = false;

// Note [Pool tickets]: slot_ packs (generation << 16 | tickets). A job publishes its fields,
// then a new generation with one ticket per helper it wants. A worker reads the job's fields
// only after taking a ticket by CAS, and the caller revokes the untaken tickets when it has
// run out of chunks, so it waits only for helpers that really joined (never for a worker
// that has not been scheduled yet), and rewrites the fields only after they have left.
class ThreadPool {
 public:
  explicit ThreadPool(int threads) {
    for (int i = 1; i < threads; ++i) {
      workers_.emplace_back([this] { worker_loop(); });
    }
  }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_.store(true);
    }
    work_cv_.notify_all();
    for (std::thread& worker : workers_) {
      worker.join();
    }
  }

  int workers() const { return static_cast<int>(workers_.size()); }

  /// Whether every helper is blocked on the condition variable (none is spinning).
  bool helpers_asleep() const { return sleepers_.load(std::memory_order_relaxed) == workers(); }

  // Runs the chunks of [begin, end) on the caller and up to helpers workers.
  void run(std::int64_t begin, std::int64_t end, std::int64_t grain, std::int64_t chunks,
           int helpers, const ChunkFn& fn) {
    fn_ = &fn;
    begin_ = begin;
    end_ = end;
    grain_ = grain;
    chunks_ = chunks;
    error_ = nullptr;
    next_chunk_.store(0, std::memory_order_relaxed);
    helpers_done_.store(0, std::memory_order_relaxed);
    std::uint64_t generation = (slot_.load(std::memory_order_relaxed) >> 16) + 1;
    slot_.store(generation << 16 | static_cast<std::uint64_t>(helpers));
    if (sleepers_.load() > 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      work_cv_.notify_all();
    }
    run_chunks();
    std::uint64_t left = slot_.exchange(generation << 16, std::memory_order_acq_rel) & 0xffff;
    int joined = helpers - static_cast<int>(left);
    auto all_done = [&] { return helpers_done_.load(std::memory_order_acquire) == joined; };
    if (!spin_until(all_done)) {
      std::unique_lock<std::mutex> lock(mutex_);
      done_cv_.wait(lock, all_done);
    }
    if (error_) {
      std::exception_ptr error = error_;
      error_ = nullptr;
      std::rethrow_exception(error);
    }
  }

 private:
  void run_chunks() {
    t_in_parallel = true;
    for (;;) {
      std::int64_t chunk = next_chunk_.fetch_add(1, std::memory_order_relaxed);
      if (chunk >= chunks_) {
        break;
      }
      std::int64_t chunk_begin = begin_ + chunk * grain_;
      std::int64_t chunk_end = std::min(chunk_begin + grain_, end_);
      try {
        (*fn_)(chunk_begin, chunk_end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex_);
        if (!error_) {
          error_ = std::current_exception();
        }
        next_chunk_.store(chunks_, std::memory_order_relaxed);  // hand out no more chunks
      }
    }
    t_in_parallel = false;
  }

  void worker_loop() {
    std::uint64_t seen = 0;
    for (;;) {
      auto fresh = [&] { return stop_.load() || (slot_.load() >> 16) != seen; };
      if (!spin_until(fresh)) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleepers_.fetch_add(1);
        work_cv_.wait(lock, fresh);
        sleepers_.fetch_sub(1);
      }
      if (stop_.load()) {
        return;
      }
      std::uint64_t slot = slot_.load(std::memory_order_acquire);
      seen = slot >> 16;
      while ((slot & 0xffff) != 0 && (slot >> 16) == seen) {
        if (slot_.compare_exchange_weak(slot, slot - 1, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
          run_chunks();
          helpers_done_.fetch_add(1, std::memory_order_acq_rel);
          { std::lock_guard<std::mutex> lock(mutex_); }
          done_cv_.notify_one();
          break;
        }
      }
    }
  }

  // The job: written by the caller before it publishes a generation; see Note [Pool tickets].
  const ChunkFn* fn_ = nullptr;
  std::int64_t begin_ = 0;
  std::int64_t end_ = 0;
  std::int64_t grain_ = 1;
  std::int64_t chunks_ = 0;
  std::exception_ptr error_;
  std::mutex error_mutex_;
  std::atomic<std::int64_t> next_chunk_{0};

  std::atomic<std::uint64_t> slot_{0};
  std::atomic<int> helpers_done_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::vector<std::thread> workers_;
};

// MINITORCH_NUM_THREADS, else the CPUs this process may use.
int default_threads() {
  if (std::optional<int> n = config::num_threads()) {
    return *n;
  }
  return std::max(1, cpu_info().usable_cpus);
}

// The pool and its configuration. busy_ is held by whoever runs a job or reconfigures, so
// pool_ is only touched by its holder.
struct PoolState {
  std::atomic<bool> busy{false};
  std::atomic<int> threads{0};  // 0 until first read
  std::unique_ptr<ThreadPool> pool;

  int configured() {
    int n = threads.load(std::memory_order_acquire);
    if (n == 0) {
      int fresh = default_threads();
      threads.compare_exchange_strong(n, fresh);
      n = threads.load(std::memory_order_acquire);
    }
    return n;
  }

  void acquire() {
    while (busy.exchange(true, std::memory_order_acquire)) {
      std::this_thread::yield();
    }
  }
};

PoolState& state() {
  static PoolState instance;
  return instance;
}

void run_inline(std::int64_t begin, std::int64_t end, std::int64_t grain, const ChunkFn& fn) {
  for (std::int64_t chunk = begin; chunk < end; chunk += grain) {
    fn(chunk, std::min(chunk + grain, end));
  }
}

}  // namespace

void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t grain,
                  const std::function<void(std::int64_t, std::int64_t)>& fn) {
  parallel_for(begin, end, grain, fn, -1.0);
}

void parallel_for(std::int64_t begin, std::int64_t end, std::int64_t grain,
                  const std::function<void(std::int64_t, std::int64_t)>& fn, double work_ns) {
  grain = std::max<std::int64_t>(grain, 1);
  if (end <= begin) {
    return;
  }
  std::int64_t chunks = (end - begin + grain - 1) / grain;
  PoolState& s = state();
  if (chunks == 1 || t_in_parallel || s.configured() == 1 ||
      s.busy.exchange(true, std::memory_order_acquire)) {
    run_inline(begin, end, grain, fn);
    return;
  }
  struct Release {
    PoolState& s;
    ~Release() { s.busy.store(false, std::memory_order_release); }
  } release{s};
  int threads = s.configured();
  if (!s.pool || s.pool->workers() != threads - 1) {
    s.pool.reset();
    s.pool = std::make_unique<ThreadPool>(threads);
  }
  // Note [Waking helpers]: a job too small to pay for waking sleeping helpers runs here.
  if (work_ns >= 0 && work_ns < kMinWakeWorkNs && g_wake_policy.load(std::memory_order_relaxed) &&
      s.pool->helpers_asleep()) {
    run_inline(begin, end, grain, fn);
    return;
  }
  auto helpers = static_cast<int>(std::min<std::int64_t>(threads - 1, chunks - 1));
  s.pool->run(begin, end, grain, chunks, helpers, fn);
}

int num_threads() { return state().configured(); }

void set_wake_policy_for_testing(bool on) { g_wake_policy.store(on, std::memory_order_relaxed); }

int threads_for(std::int64_t begin, std::int64_t end, std::int64_t grain) {
  grain = std::max<std::int64_t>(grain, 1);
  std::int64_t chunks = end <= begin ? 0 : (end - begin + grain - 1) / grain;
  return static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(chunks, num_threads())));
}

}  // namespace minitorch::cpu

namespace minitorch {

void set_num_threads(int n) {
  if (cpu::t_in_parallel) {
    throw Error("set_num_threads: called from inside a parallel region");
  }
  // Read before acquire: a malformed MINITORCH_NUM_THREADS throws here, with the pool free.
  const int threads = n >= 1 ? n : cpu::default_threads();
  cpu::PoolState& s = cpu::state();
  s.acquire();
  s.pool.reset();
  s.threads.store(threads, std::memory_order_release);
  s.busy.store(false, std::memory_order_release);
}

int get_num_threads() { return cpu::num_threads(); }

}  // namespace minitorch
