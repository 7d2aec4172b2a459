// libFuzzer target: arbitrary bytes into parse_idx, then an ImageDataset when the shape fits.
// Only minitorch::Error may come out; what parses must hold exactly the bytes its shape says.
#include <cstddef>
#include <cstdint>
#include <span>

#include "minitorch/data/image_dataset.h"
#include "minitorch/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  minitorch::data::IdxArray a;
  try {
    a = minitorch::data::parse_idx(std::span<const std::uint8_t>(data, size), "fuzz input");
  } catch (const minitorch::Error&) {
    return 0;
  }
  std::int64_t numel = 1;
  for (std::int64_t d : a.shape) {
    numel *= d;
  }
  if (static_cast<std::size_t>(numel) != a.values.size()) {
    __builtin_trap();
  }
  if (a.shape.size() == 3 && a.shape[0] <= (1 << 16)) {
    // The images paired with labels that are their first bytes (mod 10 keeps them in range).
    minitorch::data::IdxArray labels;
    labels.shape = {a.shape[0]};
    for (std::int64_t i = 0; i < a.shape[0]; ++i) {
      labels.values.push_back(static_cast<std::uint8_t>(i % 10));
    }
    try {
      minitorch::data::ImageDataset images(a, labels, 10, "fuzz input");
      std::vector<double> x(static_cast<std::size_t>(images.height() * images.width()));
      for (std::int64_t i = 0; i < images.size(); ++i) {
        images.get(i, x);
      }
    } catch (const minitorch::Error&) {
      return 0;
    }
  }
  return 0;
}
