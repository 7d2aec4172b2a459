// DataLoader over any Dataset: every example once per epoch, batch shapes and dtypes, the
// last-batch policy, seeded orders that repeat and change per epoch, and prefetching that
// gives exactly the batches of the inline loader (the TSan build runs these too).
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch::data {
namespace {

// Example i: features {2, 3} all equal to i, label i % 5; throws on throw_at.
class CountingDataset : public Dataset {
 public:
  explicit CountingDataset(std::int64_t n, std::int64_t throw_at = -1)
      : n_(n), throw_at_(throw_at) {}
  std::int64_t size() const override { return n_; }
  Shape example_shape() const override { return Shape{2, 3}; }
  double get(std::int64_t i, std::span<double> features) const override {
    if (i == throw_at_) {
      throw DataError("CountingDataset: example " + std::to_string(i) + " is unreadable");
    }
    std::fill(features.begin(), features.end(), static_cast<double>(i));
    return static_cast<double>(i % 5);
  }

 private:
  std::int64_t n_;
  std::int64_t throw_at_;
};

// Each batch's example ids (the first feature of each row), in order, over one epoch.
std::vector<std::vector<std::int64_t>> epoch_ids(DataLoader& loader) {
  std::vector<std::vector<std::int64_t>> out;
  while (auto batch = loader.next()) {
    std::vector<double> x = batch->x.to_vector();
    const std::int64_t rows = batch->x.size(0);
    std::vector<std::int64_t> ids;
    for (std::int64_t r = 0; r < rows; ++r) {
      ids.push_back(static_cast<std::int64_t>(x[static_cast<std::size_t>(r * 6)]));
    }
    out.push_back(ids);
  }
  return out;
}

TEST(DataLoader, EveryExampleOncePerEpochWithShapesAndLabels) {
  CountingDataset data(23);
  DataLoader loader(data, {.batch_size = 5, .seed = 7, .y_dtype = kInt64});
  EXPECT_EQ(loader.size(), 5);
  std::vector<std::int64_t> seen;
  std::int64_t batches = 0;
  while (auto batch = loader.next()) {
    const std::int64_t rows = batches < 4 ? 5 : 3;
    EXPECT_EQ(batch->x.shape(), (Shape{rows, 2, 3}));
    EXPECT_EQ(batch->x.dtype(), kFloat32);
    EXPECT_EQ(batch->y.dtype(), kInt64);
    std::vector<double> x = batch->x.to_vector();
    std::vector<std::int64_t> y = batch->y.to_vector<std::int64_t>();
    for (std::int64_t r = 0; r < rows; ++r) {
      const auto id = static_cast<std::int64_t>(x[static_cast<std::size_t>(r * 6)]);
      EXPECT_EQ(x[static_cast<std::size_t>(r * 6 + 5)], static_cast<double>(id));
      EXPECT_EQ(y[static_cast<std::size_t>(r)], id % 5);
      seen.push_back(id);
    }
    ++batches;
  }
  EXPECT_EQ(batches, 5);
  std::sort(seen.begin(), seen.end());
  std::vector<std::int64_t> all(23);
  std::iota(all.begin(), all.end(), 0);
  EXPECT_EQ(seen, all);
  EXPECT_EQ(loader.epochs(), 1);
}

TEST(DataLoader, DropLastDropsTheShortBatch) {
  CountingDataset data(23);
  DataLoader loader(data, {.batch_size = 5, .drop_last = true});
  EXPECT_EQ(loader.size(), 4);
  auto ids = epoch_ids(loader);
  ASSERT_EQ(ids.size(), 4U);
  for (const auto& batch : ids) {
    EXPECT_EQ(batch.size(), 5U);
  }
}

TEST(DataLoader, WithoutShuffleKeepsIndexOrder) {
  CountingDataset data(7);
  DataLoader loader(data, {.batch_size = 3, .shuffle = false});
  auto ids = epoch_ids(loader);
  EXPECT_EQ(ids, (std::vector<std::vector<std::int64_t>>{{0, 1, 2}, {3, 4, 5}, {6}}));
  EXPECT_EQ(epoch_ids(loader), ids);
}

TEST(DataLoader, SeedFixesEveryEpochAndEpochsDiffer) {
  CountingDataset data(50);
  DataLoader a(data, {.batch_size = 8, .seed = 3});
  DataLoader b(data, {.batch_size = 8, .seed = 3});
  DataLoader c(data, {.batch_size = 8, .seed = 4});
  auto a1 = epoch_ids(a);
  auto a2 = epoch_ids(a);
  EXPECT_EQ(a1, epoch_ids(b));
  EXPECT_EQ(a2, epoch_ids(b));
  EXPECT_NE(a1, a2);
  EXPECT_NE(a1, epoch_ids(c));
}

TEST(DataLoader, PrefetchGivesTheSameBatchesAsInline) {
  CountingDataset data(101);
  for (std::int64_t prefetch : {1, 2, 8}) {
    DataLoader inline_loader(data, {.batch_size = 4, .seed = 9});
    DataLoader prefetching(data, {.batch_size = 4, .seed = 9, .prefetch = prefetch});
    for (int epoch = 0; epoch < 3; ++epoch) {
      EXPECT_EQ(epoch_ids(prefetching), epoch_ids(inline_loader)) << "prefetch " << prefetch;
    }
  }
}

TEST(DataLoader, RestartingAnEpochMidwayAndDestroyingMidwayAreSafe) {
  CountingDataset data(64);
  DataLoader inline_loader(data, {.batch_size = 4, .seed = 1});
  DataLoader prefetching(data, {.batch_size = 4, .seed = 1, .prefetch = 3});
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(inline_loader.next().has_value());
    ASSERT_TRUE(prefetching.next().has_value());
  }
  inline_loader.start_epoch();
  prefetching.start_epoch();
  EXPECT_EQ(epoch_ids(prefetching), epoch_ids(inline_loader));
  DataLoader abandoned(data, {.batch_size = 2, .prefetch = 4});
  ASSERT_TRUE(abandoned.next().has_value());  // the destructor joins a busy worker
}

TEST(DataLoader, RethrowsWhatTheDatasetThrew) {
  CountingDataset data(10, 6);
  for (std::int64_t prefetch : {0, 2}) {
    DataLoader loader(data, {.batch_size = 10, .prefetch = prefetch});
    testing::expect_error<DataError>([&] { loader.next(); }, {"example 6 is unreadable"});
  }
}

TEST(DataLoader, EmptyDatasetHasNoBatches) {
  CountingDataset data(0);
  DataLoader loader(data, {.batch_size = 3, .prefetch = 1});
  EXPECT_EQ(loader.size(), 0);
  EXPECT_FALSE(loader.next().has_value());
}

TEST(DataLoader, WorksOverThePointDatasets) {
  PointDataset points = make_xor(10, 0);
  DataLoader loader(points, {.batch_size = 4, .shuffle = false, .x_dtype = kFloat64});
  auto batch = loader.next();
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->x.shape(), (Shape{4, 2}));
  EXPECT_EQ(batch->x.to_vector()[2], points.x[2]);
  EXPECT_EQ(batch->y.to_vector()[1], points.y[1]);
}

TEST(DataLoader, RejectsBadOptions) {
  CountingDataset data(3);
  testing::expect_error<ValueError>([&] { DataLoader(data, {.batch_size = 0}); },
                                    {"DataLoader", "batch size", "got 0"});
  testing::expect_error<ValueError>([&] { DataLoader(data, {.batch_size = 1, .prefetch = -1}); },
                                    {"DataLoader", "prefetch", "got -1"});
  testing::expect_error<ValueError>([&] { DataLoader(data, {.batch_size = 1, .prefetch = 65}); },
                                    {"prefetch must be in 0..64"});
}

}  // namespace
}  // namespace minitorch::data
