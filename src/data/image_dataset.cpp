// ImageDataset: the checks that tie an images file to its labels file, and the loader that
// finds both under the data directory.
#include "minitorch/data/image_dataset.h"

#include <algorithm>

#include "minitorch/config.h"
#include "minitorch/error.h"

namespace minitorch::data {
namespace {

constexpr std::int64_t kMaxSide = 4096;

}  // namespace

ImageDataset::ImageDataset(IdxArray images, IdxArray labels, std::int64_t classes,
                           const std::string& source)
    : classes_(classes) {
  if (images.shape.size() != 3) {
    throw DataError("ImageDataset: " + source + ": images must be [N, H, W] (got " +
                    std::to_string(images.shape.size()) + " dims)");
  }
  if (labels.shape.size() != 1 || labels.shape[0] != images.shape[0]) {
    throw DataError("ImageDataset: " + source + ": " + std::to_string(images.shape[0]) +
                    " images need labels [" + std::to_string(images.shape[0]) + "] (got " +
                    std::to_string(labels.shape.size()) + " dims, first " +
                    (labels.shape.size() > 0 ? std::to_string(labels.shape[0]) : "none") + ")");
  }
  // An image side past 4096 is no image these readers are for; refusing it also keeps an
  // empty file with absurd sides from sizing any buffer (a fuzz finding).
  const std::int64_t height = images.shape[1];
  const std::int64_t width = images.shape[2];
  if (height < 1 || height > kMaxSide || width < 1 || width > kMaxSide) {
    throw DataError("ImageDataset: " + source + ": image size " + std::to_string(height) + "x" +
                    std::to_string(width) + " is outside 1.." + std::to_string(kMaxSide) +
                    " per side");
  }
  auto bad = std::find_if(labels.values.begin(), labels.values.end(),
                          [classes](std::uint8_t label) { return label >= classes; });
  if (bad != labels.values.end()) {
    throw DataError("ImageDataset: " + source + ": label " + std::to_string(*bad) + " of image " +
                    std::to_string(bad - labels.values.begin()) + " is outside the " +
                    std::to_string(classes) + " classes");
  }
  size_ = images.shape[0];
  height_ = images.shape[1];
  width_ = images.shape[2];
  pixels_ = std::move(images.values);
  labels_ = std::move(labels.values);
}

double ImageDataset::get(std::int64_t i, std::span<double> features) const {
  const std::uint8_t* p = pixels(i);
  const auto n = static_cast<std::size_t>(height_ * width_);
  for (std::size_t k = 0; k < n; ++k) {
    features[k] = static_cast<double>(p[k]) / 255.0;
  }
  return static_cast<double>(labels_[static_cast<std::size_t>(i)]);
}

const std::uint8_t* ImageDataset::pixels(std::int64_t i) const {
  return pixels_.data() + static_cast<std::size_t>(i * height_ * width_);
}

ImageDataset ImageDataset::slice(std::int64_t begin, std::int64_t end) const {
  begin = std::clamp<std::int64_t>(begin, 0, size_);
  end = std::clamp<std::int64_t>(end, begin, size_);
  ImageDataset out;
  out.size_ = end - begin;
  out.height_ = height_;
  out.width_ = width_;
  out.classes_ = classes_;
  const std::int64_t image = height_ * width_;
  out.pixels_.assign(pixels_.begin() + static_cast<std::ptrdiff_t>(begin * image),
                     pixels_.begin() + static_cast<std::ptrdiff_t>(end * image));
  out.labels_.assign(labels_.begin() + static_cast<std::ptrdiff_t>(begin),
                     labels_.begin() + static_cast<std::ptrdiff_t>(end));
  return out;
}

std::vector<std::string> image_dataset_names() { return {"mnist", "fashion-mnist"}; }

std::vector<std::string> image_class_names(const std::string& name) {
  if (name == "fashion-mnist") {
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  }
  if (name == "mnist") {
    return {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  }
  throw ValueError("image_class_names: unknown dataset '" + name + "' (mnist, fashion-mnist)");
}

ImageDataset load_image_dataset(const std::string& name, const std::string& split,
                                const std::string& root) {
  if (name != "mnist" && name != "fashion-mnist") {
    throw ValueError("load_image_dataset: unknown dataset '" + name + "' (mnist, fashion-mnist)");
  }
  if (split != "train" && split != "test") {
    throw ValueError("load_image_dataset: unknown split '" + split + "' (train, test)");
  }
  const std::string dir = (root.empty() ? config::data_dir() : root) + "/" + name;
  const std::string prefix = dir + "/" + (split == "train" ? "train" : "t10k");
  const std::string hint = "the " + name +
      " dataset is not fetched: run `bash tools/fetch_data.sh " + name +
      "` (it fills $MINITORCH_DATA, default ~/.cache/minitorch)";
  const std::string images_path = prefix + "-images-idx3-ubyte";
  const std::string labels_path = prefix + "-labels-idx1-ubyte";
  IdxArray images = parse_idx(read_file_bytes(images_path, hint), images_path);
  IdxArray labels = parse_idx(read_file_bytes(labels_path, hint), labels_path);
  return ImageDataset(std::move(images), std::move(labels), 10, images_path);
}

}  // namespace minitorch::data
