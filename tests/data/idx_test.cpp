// The IDX reader and ImageDataset on small files the test writes: a good file round-trips;
// a bad magic, type, dimension count, short header, short data, trailing bytes, a label past
// the classes or a missing file each raise DataError naming the file and what is wrong.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch::data {
namespace {

std::vector<std::uint8_t> idx_bytes(const std::vector<std::uint32_t>& dims,
                                    const std::vector<std::uint8_t>& values) {
  std::vector<std::uint8_t> out = {0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims) {
    for (int shift : {24, 16, 8, 0}) {
      out.push_back(static_cast<std::uint8_t>(d >> shift));
    }
  }
  out.insert(out.end(), values.begin(), values.end());
  return out;
}

void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
      ("minitorch_idx_test_" + name + "_" +
       std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(Idx, ParsesShapeAndValues) {
  IdxArray a = parse_idx(idx_bytes({2, 3}, {1, 2, 3, 4, 5, 6}), "t.idx");
  EXPECT_EQ(a.shape, (Shape{2, 3}));
  EXPECT_EQ(a.values, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(parse_idx(idx_bytes({0, 28, 28}, {}), "empty").values.size(), 0U);
}

TEST(Idx, BadBytesRaiseDataErrorNamingTheFile) {
  using testing::expect_error;
  auto parse = [](std::vector<std::uint8_t> bytes) {
    return [bytes] { parse_idx(bytes, "f.idx"); };
  };
  expect_error<DataError>(parse({0, 0}), {"read_idx: f.idx", "truncated", "2 bytes"});
  expect_error<DataError>(parse({1, 0, 8, 1, 0, 0, 0, 0}), {"f.idx", "not an IDX file"});
  expect_error<DataError>(parse({0, 0, 0x0d, 1, 0, 0, 0, 0}), {"element type 0x0d"});
  expect_error<DataError>(parse({0, 0, 8, 0}), {"0 dimensions"});
  expect_error<DataError>(parse({0, 0, 8, 5}), {"5 dimensions"});
  expect_error<DataError>(parse({0, 0, 8, 3, 0, 0, 0, 2}),
                          {"truncated", "header of 3 dimensions needs 16 bytes", "has 8"});
  expect_error<DataError>(parse(idx_bytes({2, 3}, {1, 2, 3, 4, 5})),
                          {"truncated", "[2, 3]", "6 bytes of data", "has 5"});
  expect_error<DataError>(parse(idx_bytes({2, 3}, {1, 2, 3, 4, 5, 6, 7})),
                          {"1 trailing bytes", "[2, 3]"});
  expect_error<DataError>(parse(idx_bytes({0xffffffffU, 0xffffffffU, 0xffffffffU}, {})),
                          {"more bytes than any file holds"});
}

TEST(ImageDataset, LoadsPixelsOverTwoFiftyFiveAndLabels) {
  auto root = scratch_dir("load");
  write_file(root / "mnist/train-images-idx3-ubyte",
             idx_bytes({3, 2, 2}, {0, 255, 51, 102, 1, 2, 3, 4, 9, 9, 9, 9}));
  write_file(root / "mnist/train-labels-idx1-ubyte", idx_bytes({3}, {7, 0, 9}));
  ImageDataset d = load_image_dataset("mnist", "train", root.string());
  EXPECT_EQ(d.size(), 3);
  EXPECT_EQ(d.example_shape(), (Shape{1, 2, 2}));
  std::vector<double> x(4);
  EXPECT_EQ(d.get(0, x), 7.0);
  EXPECT_EQ(x, (std::vector<double>{0.0, 1.0, 0.2, 0.4}));
  EXPECT_EQ(d.head(2).size(), 2);
  EXPECT_EQ(d.head(2).label(1), 0);
  EXPECT_EQ(d.head(99).size(), 3);
  EXPECT_EQ(d.slice(1, 3).label(1), 9);
  EXPECT_EQ(d.slice(1, 3).pixels(0)[3], 4);
  EXPECT_EQ(d.slice(5, 9).size(), 0);

  DataLoader loader(d, {.batch_size = 2, .shuffle = false, .y_dtype = kInt64});
  auto batch = loader.next();
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->x.shape(), (Shape{2, 1, 2, 2}));
  EXPECT_EQ(batch->y.to_vector<std::int64_t>(), (std::vector<std::int64_t>{7, 0}));
  std::filesystem::remove_all(root);
}

TEST(ImageDataset, MismatchedOrBadFilesRaiseDataError) {
  using testing::expect_error;
  auto root = scratch_dir("bad");
  expect_error<DataError>(
      [&] { load_image_dataset("fashion-mnist", "test", root.string()); },
      {"t10k-images-idx3-ubyte", "cannot open", "bash tools/fetch_data.sh fashion-mnist"});
  write_file(root / "mnist/t10k-images-idx3-ubyte", idx_bytes({2, 1, 1}, {1, 2}));
  write_file(root / "mnist/t10k-labels-idx1-ubyte", idx_bytes({2}, {3, 10}));
  expect_error<DataError>([&] { load_image_dataset("mnist", "test", root.string()); },
                          {"label 10 of image 1 is outside the 10 classes"});
  write_file(root / "mnist/t10k-labels-idx1-ubyte", idx_bytes({3}, {3, 1, 2}));
  expect_error<DataError>([&] { load_image_dataset("mnist", "test", root.string()); },
                          {"2 images need labels [2]"});
  write_file(root / "mnist/t10k-images-idx3-ubyte", idx_bytes({2, 2}, {1, 2, 3, 4}));
  expect_error<DataError>([&] { load_image_dataset("mnist", "test", root.string()); },
                          {"images must be [N, H, W]"});
  write_file(root / "mnist/t10k-images-idx3-ubyte", idx_bytes({0, 50463041, 536870912}, {}));
  write_file(root / "mnist/t10k-labels-idx1-ubyte", idx_bytes({0}, {}));
  expect_error<DataError>([&] { load_image_dataset("mnist", "test", root.string()); },
                          {"image size 50463041x536870912 is outside 1..4096"});
  write_file(root / "mnist/t10k-images-idx3-ubyte", {0, 0, 8});
  expect_error<DataError>([&] { load_image_dataset("mnist", "test", root.string()); },
                          {"t10k-images-idx3-ubyte", "truncated"});
  expect_error<ValueError>([&] { load_image_dataset("cifar", "test", root.string()); },
                           {"unknown dataset 'cifar'"});
  expect_error<ValueError>([&] { load_image_dataset("mnist", "dev", root.string()); },
                           {"unknown split 'dev'"});
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace minitorch::data
