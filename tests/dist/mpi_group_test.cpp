// The mpi process group under mpirun (2 and 4 processes): every collective against
// hand-computed values for both dtypes and sizes 0, 1, odd and multi-bucket; mismatched
// calls and bad tensors; bitwise identical results on every rank; latency. Own main: the
// group is made before the tests, and ranks other than 0 print only their failures.
#include "dist/mpi_group.h"

#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "minitorch/dist/process_group.h"
#include "minitorch/minitorch.h"

namespace minitorch::dist {
namespace {

ProcessGroup& group() { return default_group(); }

// Rank-dependent inputs: value(rank, i) = rank + (i mod 4093), exact in float32 when summed
// over a few ranks, and different in every position of an odd-sized buffer.
double value(int rank, std::int64_t i) { return rank + static_cast<double>(i % 4093); }

Tensor rank_tensor(const Shape& shape, DType dtype, int rank) {
  std::vector<double> values(static_cast<std::size_t>(shape_numel(shape)));
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = value(rank, static_cast<std::int64_t>(i));
  }
  return from_vector(values, shape, {.dtype = dtype});
}

// Checks t element by element against expected(i); reports the first difference only.
template <class Expected>
void expect_values(const Tensor& t, Expected expected, const std::string& what) {
  std::vector<double> got = t.to_vector();
  for (std::size_t i = 0; i < got.size(); ++i) {
    double want = expected(static_cast<std::int64_t>(i));
    if (got[i] != want) {
      ADD_FAILURE() << what << ": element " << i << " is " << got[i] << ", expected " << want
                    << " (rank " << group().rank() << ")";
      return;
    }
  }
}

struct Case {
  Shape shape;
  DType dtype;
};

// Sizes 0, 1 (a scalar), odd, and several 25 MiB buckets' worth (28 MB each).
std::vector<Case> cases() {
  std::vector<Case> out;
  for (DType dtype : {kFloat32, kFloat64}) {
    out.push_back({Shape{0}, dtype});
    out.push_back({Shape{2, 0, 3}, dtype});
    out.push_back({Shape{}, dtype});
    out.push_back({Shape{7, 143}, dtype});
  }
  out.push_back({Shape{7000000}, kFloat32});
  out.push_back({Shape{1000, 3500}, kFloat64});
  return out;
}

std::string name(const Case& c) {
  return std::string(to_string(c.dtype)) + " " + to_string(c.shape);
}

TEST(MpiGroup, WorldAndBackend) {
  ProcessGroup& g = group();
  EXPECT_EQ(g.backend(), "mpi");
  EXPECT_EQ(g.device(), Device::cpu());
  EXPECT_GE(g.world_size(), 2);
  EXPECT_GE(g.rank(), 0);
  EXPECT_LT(g.rank(), g.world_size());
  Tensor ranks = g.all_gather(scalar_tensor(g.rank()));
  for (int r = 0; r < g.world_size(); ++r) {
    EXPECT_EQ(ranks.at({r}), r);
  }
}

TEST(MpiGroup, AllReduceSums) {
  ProcessGroup& g = group();
  const int world = g.world_size();
  for (const Case& c : cases()) {
    Tensor t = rank_tensor(c.shape, c.dtype, g.rank());
    g.all_reduce(t);
    EXPECT_EQ(t.shape(), c.shape);
    expect_values(
        t, [&](std::int64_t i) { return world * value(0, i) + world * (world - 1) / 2; },
        "all_reduce " + name(c));
  }
}

TEST(MpiGroup, AsyncAllReduceSums) {
  ProcessGroup& g = group();
  const int world = g.world_size();
  auto expected = [&](std::int64_t i) { return world * value(0, i) + world * (world - 1) / 2; };
  for (const Case& c : cases()) {
    // Two in flight, waited in reverse order; a third finished by its Work's destructor.
    Tensor a = rank_tensor(c.shape, c.dtype, g.rank());
    Tensor b = rank_tensor(c.shape, c.dtype, g.rank());
    Tensor d = rank_tensor(c.shape, c.dtype, g.rank());
    std::unique_ptr<Work> work_a = g.all_reduce_async(a);
    std::unique_ptr<Work> work_b = g.all_reduce_async(b);
    g.all_reduce_async(d).reset();
    work_b->wait();
    work_a->wait();
    work_a->wait();  // a second wait does nothing
    expect_values(a, expected, "async all_reduce a " + name(c));
    expect_values(b, expected, "async all_reduce b " + name(c));
    expect_values(d, expected, "async all_reduce d " + name(c));
  }
}

TEST(MpiGroup, BroadcastFromEveryRoot) {
  ProcessGroup& g = group();
  for (const Case& c : cases()) {
    for (int root = 0; root < g.world_size(); ++root) {
      Tensor t = rank_tensor(c.shape, c.dtype, 1000 * g.rank());
      g.broadcast(t, root);
      expect_values(
          t, [&](std::int64_t i) { return value(1000 * root, i); },
          "broadcast root " + std::to_string(root) + " " + name(c));
    }
  }
}

TEST(MpiGroup, AllGather) {
  ProcessGroup& g = group();
  const int world = g.world_size();
  for (const Case& c : cases()) {
    Tensor t = rank_tensor(c.shape, c.dtype, g.rank());
    Tensor all = g.all_gather(t);
    Shape want = c.shape;
    want.insert(0, world);
    ASSERT_EQ(all.shape(), want);
    EXPECT_EQ(all.dtype(), c.dtype);
    const std::int64_t numel = t.numel();
    expect_values(
        all, [&](std::int64_t i) { return value(static_cast<int>(i / numel), i % numel); },
        "all_gather " + name(c));
  }
}

// The path for element counts above INT_MAX, with the limit lowered to 100 elements: 1001
// and 4093 elements are 11 and 41 MPI calls per collective.
TEST(MpiGroup, ChunkedCollectives) {
  ProcessGroup& g = group();
  const int world = g.world_size();
  detail::set_mpi_chunk_elements_for_testing(100);
  for (const Shape& shape : {Shape{7, 143}, Shape{4093}, Shape{100}, Shape{99}}) {
    for (DType dtype : {kFloat32, kFloat64}) {
      std::string what = std::string(to_string(dtype)) + " " + to_string(shape);
      Tensor t = rank_tensor(shape, dtype, g.rank());
      g.all_reduce(t);
      expect_values(
          t, [&](std::int64_t i) { return world * value(0, i) + world * (world - 1) / 2; },
          "chunked all_reduce " + what);
      Tensor u = rank_tensor(shape, dtype, g.rank());
      g.broadcast(u, world - 1);
      expect_values(
          u, [&](std::int64_t i) { return value(world - 1, i); }, "chunked broadcast " + what);
      Tensor all = g.all_gather(rank_tensor(shape, dtype, g.rank()));
      const std::int64_t numel = shape_numel(shape);
      expect_values(
          all, [&](std::int64_t i) { return value(static_cast<int>(i / numel), i % numel); },
          "chunked all_gather " + what);
    }
  }
  detail::set_mpi_chunk_elements_for_testing(std::int64_t{1} << 30);
}

TEST(MpiGroup, BarrierWaitsForTheLastRank) {
  ProcessGroup& g = group();
  g.barrier();
  auto begin = std::chrono::steady_clock::now();
  if (g.rank() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  g.barrier();
  auto waited = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(waited, std::chrono::milliseconds(250)) << "rank " << g.rank();
}

// Every rank gets the same bits, and the same inputs give the same bits again.
TEST(MpiGroup, BitwiseIdenticalOnEveryRankAndRun) {
  ProcessGroup& g = group();
  for (DType dtype : {kFloat32, kFloat64}) {
    Generator gen(1234 + static_cast<std::uint64_t>(g.rank()));
    Tensor input =
        randn({1000003}, {.dtype = dtype}, &gen).mul(scalar_tensor(1e3, {.dtype = dtype}));
    Tensor first = input.clone();
    g.all_reduce(first);
    Tensor second = input.clone();
    g.all_reduce_async(second)->wait();
    const auto bytes = static_cast<std::size_t>(first.numel() * element_size(dtype));
    EXPECT_EQ(std::memcmp(first.data().data_ptr(), second.data().data_ptr(), bytes), 0)
        << to_string(dtype) << ": two runs differ on rank " << g.rank();
    Tensor all = g.all_gather(first);
    const auto* base = static_cast<const char*>(all.data().data_ptr());
    for (int r = 1; r < g.world_size(); ++r) {
      EXPECT_EQ(std::memcmp(base, base + static_cast<std::size_t>(r) * bytes, bytes), 0)
          << to_string(dtype) << ": rank " << r << "'s sum differs from rank 0's";
    }
  }
}

// Rank 0 passes one thing, the others another: a DistError on every rank, naming the op and
// this rank's arguments, and the group works afterwards.
TEST(MpiGroup, MismatchedCallsAreDistErrorsOnEveryRank) {
  ProcessGroup& g = group();
  const bool first = g.rank() == 0;
  auto expect_dist_error = [&](auto call, const std::string& needle) {
    try {
      call();
      ADD_FAILURE() << "no DistError (expected one mentioning '" << needle << "') on rank "
                    << g.rank();
    } catch (const DistError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
          << e.what() << " (rank " << g.rank() << ")";
    }
  };
  Tensor by_shape = first ? zeros({3}) : zeros({4});
  expect_dist_error([&] { g.all_reduce(by_shape); }, "all_reduce: the ranks' calls do not match");
  expect_dist_error([&] { g.all_reduce(by_shape); },
                    first ? "another rank passed 4 elements" : "another rank passed 3 elements");
  Tensor by_dtype = zeros({3}, {.dtype = first ? kFloat32 : kFloat64});
  expect_dist_error([&] { g.all_reduce(by_dtype); }, first ? "dtype float64" : "dtype float32");
  expect_dist_error([&] { g.all_reduce_async(by_dtype)->wait(); }, "all_reduce");
  Tensor same_numel = first ? zeros({2, 3}) : zeros({3, 2});
  expect_dist_error([&] { g.all_gather(same_numel); }, first ? "shape [3, 2]" : "shape [2, 3]");
  Tensor t = zeros({3});
  expect_dist_error([&] { g.broadcast(t, first ? 0 : 1); }, "root");
  expect_dist_error(
      [&] {
        if (first) {
          g.all_reduce(t);
        } else {
          g.broadcast(t, 0);
        }
      },
      first ? "another rank called broadcast" : "another rank called all_reduce");
  expect_dist_error(
      [&] {
        if (first) {
          g.barrier();
        } else {
          g.all_gather(t);
        }
      },
      first ? "barrier" : "all_gather");
  // all_reduce needs the same element count and dtype, not the same shape.
  g.all_reduce(same_numel);
  // The group is still usable.
  Tensor ok = rank_tensor({5}, kFloat64, g.rank());
  g.all_reduce(ok);
  const int world = g.world_size();
  expect_values(
      ok, [&](std::int64_t i) { return world * value(0, i) + world * (world - 1) / 2; },
      "all_reduce after mismatches");
}

TEST(MpiGroup, BadTensorsAreTypedErrors) {
  ProcessGroup& g = group();
  Tensor strided = zeros({2, 3}).transpose(0, 1);
  EXPECT_THROW(g.all_reduce(strided), ShapeError);
  EXPECT_THROW(g.all_reduce_async(strided), ShapeError);
  EXPECT_THROW(g.all_gather(strided), ShapeError);
  Tensor undefined;
  EXPECT_THROW(g.broadcast(undefined, 0), ValueError);
  Tensor t = zeros({2});
  EXPECT_THROW(g.broadcast(t, g.world_size()), IndexError);
  EXPECT_THROW(g.broadcast(t, -1), IndexError);
  Tensor deep = zeros(Shape::filled(kMaxDims, 1));
  EXPECT_THROW(g.all_gather(deep), ShapeError);
  // MPI_THREAD_FUNNELED: another thread's call is refused before it reaches MPI.
  bool refused = false;
  std::thread([&] {
    try {
      g.barrier();
    } catch (const DistError&) {
      refused = true;
    }
  }).join();
  EXPECT_TRUE(refused);
  // Only rank 0's tensor is bad: its typed error there, DistError on the others.
  Tensor mixed = g.rank() == 0 ? strided : zeros({6});
  if (g.rank() == 0) {
    EXPECT_THROW(g.all_reduce(mixed), ShapeError);
  } else {
    EXPECT_THROW(g.all_reduce(mixed), DistError);
  }
  g.barrier();
}

// Timings for Note [MPI signature check]; rank 0 prints medians in microseconds.
TEST(MpiGroup, Latency) {
  ProcessGroup& g = group();
  auto median_us = [&](auto call) {
    std::vector<double> times;
    for (int i = 0; i < 2000; ++i) {
      auto begin = std::chrono::steady_clock::now();
      call();
      times.push_back(
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - begin)
              .count());
    }
    std::nth_element(times.begin(), times.begin() + 1000, times.end());
    return times[1000];
  };
  Tensor one = zeros({1});
  float raw = 0.0F;
  g.barrier();
  double raw_us =
      median_us([&] { MPI_Allreduce(MPI_IN_PLACE, &raw, 1, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); });
  double barrier_us = median_us([&] { g.barrier(); });
  double all_reduce_us = median_us([&] { g.all_reduce(one); });
  Tensor big = zeros({7000000});
  auto bulk_ms = [&](auto call) {
    g.barrier();
    auto begin = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) {
      call();
    }
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin)
               .count() /
        3;
  };
  double raw_big_ms = bulk_ms([&] {
    MPI_Allreduce(MPI_IN_PLACE, big.data().data_ptr(), 7000000, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
  });
  double big_ms = bulk_ms([&] { g.all_reduce(big); });
  if (g.rank() == 0) {
    std::printf(
        "[latency] world %d: MPI_Allreduce 4 B %.1f us; barrier (signature only) %.1f us; "
        "all_reduce 4 B %.1f us; 28 MB: MPI_Allreduce %.1f ms, all_reduce %.1f ms\n",
        g.world_size(), raw_us, barrier_us, all_reduce_us, raw_big_ms, big_ms);
  }
}

// Ranks other than 0 report failures only, prefixed with their rank.
class FailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (result.failed()) {
      std::fprintf(stderr, "[rank %d] %s:%d: failure\n%s\n", rank_,
                   result.file_name() != nullptr ? result.file_name() : "?", result.line_number(),
                   result.summary());
    }
  }

 private:
  int rank_;
};

}  // namespace
}  // namespace minitorch::dist

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  minitorch::dist::ProcessGroup& group = minitorch::dist::init_process_group("mpi");
  if (group.rank() != 0) {
    ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new minitorch::dist::FailurePrinter(group.rank()));
  }
  return RUN_ALL_TESTS();
}
