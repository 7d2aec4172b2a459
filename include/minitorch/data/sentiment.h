// The sentiment task's data: movie-review sentences with 0/1 labels and their fixed split
// (sentences.tsv), the GloVe vectors of the words they use (glove.6B.50d.txt), both written
// by tools/fetch_data.sh (docs/data.md), and the token-id datasets built from them.
// The readers take bytes from outside: every line is checked (fuzz target fuzz_data_readers)
// and a failure is a DataError naming the file and the line.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "minitorch/data/dataset.h"

namespace minitorch::data {

struct Sentence {
  std::string split;  ///< "train", "valid" or "test"
  int label = 0;  ///< 1 positive, 0 negative
  std::vector<std::string> tokens;
};

/// sentences.tsv: one sentence a line, `split<TAB>label<TAB>tokens` with tokens separated by
/// single spaces, at most 1000 of them. DataError ("read_sentences: <source>:<line>: ...").
std::vector<Sentence> parse_sentences(std::string_view text, const std::string& source);

struct WordVectors {
  std::int64_t dim = 0;
  std::vector<std::string> words;
  std::vector<float> values;  ///< [words.size(), dim], row-major
};

/// GloVe's text format: `word v1 .. vdim` a line, dim in 1..4096 and the same on every line,
/// finite numbers, no word twice. DataError ("read_word_vectors: <source>:<line>: ...").
WordVectors parse_word_vectors(std::string_view text, const std::string& source);

/// Sentences as token ids, each padded with id 0 to one length: example i is {length} ids.
class TokenDataset : public Dataset {
 public:
  explicit TokenDataset(std::int64_t length = 1) : length_(length) {}

  std::int64_t size() const override { return static_cast<std::int64_t>(labels_.size()); }
  Shape example_shape() const override { return Shape{length_}; }
  double get(std::int64_t i, std::span<double> features) const override;

  /// Appends a sentence of at most length() ids.
  void add(std::span<const std::int64_t> ids, int label);
  std::int64_t length() const { return length_; }
  int label(std::int64_t i) const { return labels_[static_cast<std::size_t>(i)]; }
  /// The first n sentences (all when n >= size()), e.g. the course's 450 and 100.
  TokenDataset head(std::int64_t n) const;

 private:
  std::int64_t length_;
  std::vector<std::int64_t> ids_;
  std::vector<int> labels_;
};

/// Everything the sentiment model needs: the vocabulary, its frozen embedding table and the
/// three splits as token ids.
struct SentimentData {
  static constexpr std::int64_t kPad = 0;  ///< a zero vector
  static constexpr std::int64_t kUnknown = 1;  ///< words without a GloVe vector

  std::vector<std::string> vocabulary;  ///< id -> word; "<pad>", "<unk>", then GloVe's order
  std::int64_t dim = 0;
  std::vector<float> embeddings;  ///< [vocabulary.size(), dim]
  std::int64_t length = 0;  ///< the longest sentence of any split
  std::int64_t unknown_tokens = 0;  ///< tokens that became kUnknown
  TokenDataset train;
  TokenDataset valid;
  TokenDataset test;
};

/// Builds the datasets; unknown words share one vector of 0.1 * (U[0,1) - 0.5) per value
/// drawn from seed (the course's unk_embedding). DataError when a split is empty.
SentimentData make_sentiment(const std::vector<Sentence>& sentences, const WordVectors& vectors,
                             std::uint64_t seed = 0);
/// Reads root/sentiment/{sentences.tsv, glove.6B.50d.txt} (root "" means config::data_dir());
/// DataError naming `bash tools/fetch_data.sh sentiment` when they are missing.
SentimentData load_sentiment(const std::string& root = "", std::uint64_t seed = 0);

}  // namespace minitorch::data
