// libFuzzer target: arbitrary bytes into parse_word_vectors (GloVe's text format). Only
// minitorch::Error may come out; what parses holds words * dim finite values.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "minitorch/data/sentiment.h"
#include "minitorch/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  minitorch::data::WordVectors v;
  try {
    v = minitorch::data::parse_word_vectors(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz input");
  } catch (const minitorch::Error&) {
    return 0;
  }
  if (v.dim < 1 || v.values.size() != v.words.size() * static_cast<std::size_t>(v.dim)) {
    __builtin_trap();
  }
  for (float x : v.values) {
    if (!std::isfinite(x)) {
      __builtin_trap();
    }
  }
  return 0;
}
