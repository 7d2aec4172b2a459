// The CPU backend's thread pool: chunks cover the range once with thread-independent bounds,
// exceptions reach the caller, nested and concurrent callers work, the thread count follows
// set_num_threads, and waking the pool costs microseconds. Meant to run under TSan too.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "backends/backend.h"
#include "backends/cpu/parallel.h"
#include "minitorch/config.h"
#include "minitorch/minitorch.h"
#include "minitorch/system_info.h"
#include "minitorch/threading.h"

namespace minitorch {
namespace {

class ThreadPool : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { set_num_threads(GetParam()); }
  void TearDown() override { set_num_threads(0); }
};

TEST_P(ThreadPool, ChunksCoverTheRangeOnceWithFixedBounds) {
  EXPECT_EQ(get_num_threads(), GetParam());
  struct Range {
    std::int64_t begin, end, grain;
  };
  for (Range r : {Range{0, 1, 1}, Range{0, 1000, 7}, Range{5, 5, 3}, Range{-13, 1000, 64},
                  Range{0, 100000, 1000}, Range{3, 40, 100}, Range{0, 33, 0}}) {
    std::vector<std::atomic<int>> hits(
        static_cast<std::size_t>(std::max<std::int64_t>(r.end - r.begin, 0)));
    std::atomic<bool> bad_bounds{false};
    std::int64_t grain = std::max<std::int64_t>(r.grain, 1);
    cpu::parallel_for(r.begin, r.end, r.grain, [&](std::int64_t b, std::int64_t e) {
      if ((b - r.begin) % grain != 0 || (e != std::min(b + grain, r.end))) {
        bad_bounds = true;
      }
      for (std::int64_t i = b; i < e; ++i) {
        hits[static_cast<std::size_t>(i - r.begin)].fetch_add(1);
      }
    });
    EXPECT_FALSE(bad_bounds) << r.begin << ".." << r.end << " grain " << r.grain;
    for (std::size_t i = 0; i < hits.size(); ++i) {
      ASSERT_EQ(hits[i].load(), 1) << "index " << i << " of " << r.begin << ".." << r.end;
    }
  }
}

TEST_P(ThreadPool, AnExceptionInAChunkReachesTheCaller) {
  for (int round = 0; round < 20; ++round) {
    EXPECT_THROW(cpu::parallel_for(0, 1000, 10,
                                   [&](std::int64_t b, std::int64_t) {
                                     if (b == 10 * (round % 100)) {
                                       throw std::runtime_error("chunk failed");
                                     }
                                   }),
                 std::runtime_error);
  }
  // The pool still works afterwards.
  std::atomic<std::int64_t> sum{0};
  cpu::parallel_for(0, 1000, 10, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      sum += i;
    }
  });
  EXPECT_EQ(sum.load(), 999 * 1000 / 2);
}

TEST_P(ThreadPool, NestedCallsRunInline) {
  std::atomic<std::int64_t> count{0};
  cpu::parallel_for(0, 16, 1, [&](std::int64_t, std::int64_t) {
    cpu::parallel_for(0, 100, 3, [&](std::int64_t b, std::int64_t e) { count += e - b; });
  });
  EXPECT_EQ(count.load(), 1600);
}

TEST_P(ThreadPool, ConcurrentCallersEachGetTheirWork) {
  std::vector<std::thread> callers;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        std::atomic<std::int64_t> sum{0};
        std::int64_t n = 500 + t * 37 + round;
        cpu::parallel_for(0, n, 16, [&](std::int64_t b, std::int64_t e) {
          for (std::int64_t i = b; i < e; ++i) {
            sum += i;
          }
        });
        if (sum.load() != n * (n - 1) / 2) {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& caller : callers) {
    caller.join();
  }
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(ThreadPool, OpsReportTheirThreadsAndRunManySmallJobsQuickly) {
  Tensor x = ones({1 << 20});
  Tensor y = x * 2.0;
  const PrimitiveReport& report = primitive_report();
  EXPECT_EQ(report.path, "scalar-broadcast");
  EXPECT_EQ(report.threads, GetParam());
  EXPECT_EQ(y.sum().item(), 2.0 * (1 << 20));
  // Back-to-back wake-ups: each job has one chunk per thread.
  auto start = std::chrono::steady_clock::now();
  constexpr int kJobs = 2000;
  std::atomic<std::int64_t> total{0};
  for (int job = 0; job < kJobs; ++job) {
    cpu::parallel_for(0, GetParam(), 1, [&](std::int64_t b, std::int64_t e) { total += e - b; });
  }
  double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      kJobs;
  EXPECT_EQ(total.load(), static_cast<std::int64_t>(kJobs) * GetParam());
  std::printf("parallel_for with %d threads: %.2f us per job\n", GetParam(), us);
}

INSTANTIATE_TEST_SUITE_P(Threads, ThreadPool, ::testing::Values(1, 2, 3, 4));

// Note [Waking helpers]: a job estimated under kMinWakeWorkNs runs on the caller while the
// helpers sleep; a job far above it still goes to the helpers.
TEST(WakingHelpers, SmallJobsLeaveSleepingHelpersAsleep) {
  set_num_threads(2);
  cpu::parallel_for(0, 2, 1, [](std::int64_t, std::int64_t) {});  // starts the pool
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // helpers stop spinning
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> elsewhere{0};
  cpu::parallel_for(
      0, 8, 1,
      [&](std::int64_t, std::int64_t) {
        if (std::this_thread::get_id() != caller) {
          elsewhere.fetch_add(1);
        }
      },
      1000.0);
  EXPECT_EQ(elsewhere.load(), 0);
  // Far above the wake-up cost: the job is published to the helpers (each chunk waits a
  // little, so that a helper woken in time takes one; whether it does is up to the OS).
  std::atomic<int> chunks{0};
  cpu::parallel_for(
      0, 8, 1,
      [&](std::int64_t, std::int64_t) {
        chunks.fetch_add(1);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      },
      1e12);
  EXPECT_EQ(chunks.load(), 8);
  set_num_threads(0);
}

TEST(ThreadCount, DefaultsToTheUsableCpusOrTheEnvironment) {
  set_num_threads(0);
  if (!config::num_threads()) {
    EXPECT_EQ(get_num_threads(), cpu_info().usable_cpus);
  }
  set_num_threads(3);
  EXPECT_EQ(get_num_threads(), 3);
  EXPECT_EQ(cpu::num_threads(), 3);
  set_num_threads(0);
  EXPECT_GE(get_num_threads(), 1);
}

TEST(ThreadCount, CannotChangeInsideAParallelRegion) {
  set_num_threads(2);
  EXPECT_THROW(cpu::parallel_for(0, 4, 1, [](std::int64_t, std::int64_t) { set_num_threads(1); }),
               Error);
  set_num_threads(0);
}

}  // namespace
}  // namespace minitorch
