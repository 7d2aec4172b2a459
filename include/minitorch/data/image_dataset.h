// Labelled grey images (MNIST, Fashion-MNIST) as a Dataset: example i is its pixels as
// [1, H, W] in [0, 1] (byte / 255) and its class. Loaded from the IDX files that
// tools/fetch_data.sh leaves under $MINITORCH_DATA/<name>/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "minitorch/data/dataset.h"
#include "minitorch/data/idx.h"

namespace minitorch::data {

class ImageDataset : public Dataset {
 public:
  /// images [N, H, W] and labels [N] (each < classes). DataError naming source when the
  /// shapes or a label do not fit, or a side is outside 1..4096.
  ImageDataset(IdxArray images, IdxArray labels, std::int64_t classes, const std::string& source);

  std::int64_t size() const override { return size_; }
  Shape example_shape() const override { return Shape{1, height_, width_}; }
  double get(std::int64_t i, std::span<double> features) const override;

  std::int64_t height() const { return height_; }
  std::int64_t width() const { return width_; }
  std::int64_t classes() const { return classes_; }
  std::int64_t label(std::int64_t i) const { return labels_[static_cast<std::size_t>(i)]; }
  /// H * W bytes of image i, row-major.
  const std::uint8_t* pixels(std::int64_t i) const;
  /// Images [begin, end), both clamped to [0, size()): the course trains on slice(0, 5000)
  /// and validates on slice(10000, 10500).
  ImageDataset slice(std::int64_t begin, std::int64_t end) const;
  /// The first n images (all when n >= size()).
  ImageDataset head(std::int64_t n) const { return slice(0, n); }

 private:
  ImageDataset() = default;
  std::int64_t size_ = 0;
  std::int64_t height_ = 0;
  std::int64_t width_ = 0;
  std::int64_t classes_ = 0;
  std::vector<std::uint8_t> pixels_;
  std::vector<std::uint8_t> labels_;
};

/// "mnist" and "fashion-mnist".
std::vector<std::string> image_dataset_names();
/// The ten class names of that dataset ("0".."9"; "T-shirt/top", "Trouser", ...).
std::vector<std::string> image_class_names(const std::string& name);
/// split "train" (60,000) or "test" (10,000) of dataset name, from root/<name>/ (root ""
/// means config::data_dir()). ValueError for an unknown name or split; DataError for a
/// missing file (naming `bash tools/fetch_data.sh <name>`) or a bad one.
ImageDataset load_image_dataset(const std::string& name, const std::string& split,
                                const std::string& root = "");

}  // namespace minitorch::data
