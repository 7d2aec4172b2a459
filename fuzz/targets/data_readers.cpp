// libFuzzer target for every reader of dataset bytes (docs/data.md): the first input byte picks
// the reader (mod 3: 0 parse_idx and an ImageDataset, 1 parse_sentences and the token datasets,
// 2 parse_word_vectors), the rest is the file. One target rather than three keeps CI's fuzz
// stage at 60 s for all of them. Only minitorch::Error may come out; what parses must hold
// exactly what its header or lines promise.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "minitorch/data/image_dataset.h"
#include "minitorch/data/sentiment.h"
#include "minitorch/error.h"

namespace {

using namespace minitorch::data;

void fuzz_idx(std::span<const std::uint8_t> bytes) {
  IdxArray a = parse_idx(bytes, "fuzz input");
  // A zero dim beside huge ones is a valid empty array: the product may only wrap when it is 0.
  std::int64_t numel = 1;
  bool wrapped = false;
  for (std::int64_t d : a.shape) {
    wrapped = __builtin_mul_overflow(numel, d, &numel) || wrapped;
  }
  const bool empty = std::find(a.shape.begin(), a.shape.end(), 0) != a.shape.end();
  if (empty ? !a.values.empty() : wrapped || static_cast<std::size_t>(numel) != a.values.size()) {
    __builtin_trap();
  }
  if (a.shape.size() != 3 || a.shape[0] > (1 << 16)) {
    return;
  }
  // The images with labels 0..9 in turn, read back one by one.
  IdxArray labels;
  labels.shape = {a.shape[0]};
  for (std::int64_t i = 0; i < a.shape[0]; ++i) {
    labels.values.push_back(static_cast<std::uint8_t>(i % 10));
  }
  ImageDataset images(a, labels, 10, "fuzz input");
  if (images.size() == 0) {
    return;
  }
  std::vector<double> x(static_cast<std::size_t>(images.height() * images.width()));
  for (std::int64_t i = 0; i < images.size(); ++i) {
    if (images.get(i, x) != static_cast<double>(i % 10)) {
      __builtin_trap();
    }
  }
}

void fuzz_sentences(std::string_view text) {
  std::vector<Sentence> sentences = parse_sentences(text, "fuzz input");
  WordVectors vectors{.dim = 1, .words = {"a", "the"}, .values = {1.0F, 2.0F}};
  SentimentData d = make_sentiment(sentences, vectors);
  if (d.train.size() + d.valid.size() + d.test.size() !=
      static_cast<std::int64_t>(sentences.size())) {
    __builtin_trap();
  }
}

void fuzz_word_vectors(std::string_view text) {
  WordVectors v = parse_word_vectors(text, "fuzz input");
  if (v.dim < 1 || v.values.size() != v.words.size() * static_cast<std::size_t>(v.dim)) {
    __builtin_trap();
  }
  for (float x : v.values) {
    if (!std::isfinite(x)) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  std::span<const std::uint8_t> bytes(data + 1, size - 1);
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  try {
    switch (data[0] % 3) {
      case 0:
        fuzz_idx(bytes);
        break;
      case 1:
        fuzz_sentences(text);
        break;
      default:
        fuzz_word_vectors(text);
        break;
    }
  } catch (const minitorch::Error&) {
    return 0;
  }
  return 0;
}
