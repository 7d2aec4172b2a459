// libFuzzer target: arbitrary bytes into parse_sentences (sentences.tsv), and what parses into
// the token datasets. Only minitorch::Error may come out.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "minitorch/data/sentiment.h"
#include "minitorch/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto sentences = minitorch::data::parse_sentences(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz input");
    minitorch::data::WordVectors vectors{.dim = 1, .words = {"a", "the"}, .values = {1.0F, 2.0F}};
    auto d = minitorch::data::make_sentiment(sentences, vectors);
    if (d.train.size() + d.valid.size() + d.test.size() !=
        static_cast<std::int64_t>(sentences.size())) {
      __builtin_trap();
    }
  } catch (const minitorch::Error&) {
    return 0;
  }
  return 0;
}
