// The sentiment task's datasets: words to ids through the GloVe vocabulary (pad and unknown
// first), sentences padded to the longest one, and the loader that finds the two files.
#include <algorithm>
#include <unordered_map>

#include "minitorch/config.h"
#include "minitorch/data/idx.h"
#include "minitorch/data/sentiment.h"
#include "minitorch/error.h"
#include "minitorch/generator.h"

namespace minitorch::data {

double TokenDataset::get(std::int64_t i, std::span<double> features) const {
  const auto begin = static_cast<std::size_t>(i * length_);
  for (std::size_t k = 0; k < static_cast<std::size_t>(length_); ++k) {
    features[k] = static_cast<double>(ids_[begin + k]);
  }
  return static_cast<double>(labels_[static_cast<std::size_t>(i)]);
}

void TokenDataset::add(std::span<const std::int64_t> ids, int label) {
  if (static_cast<std::int64_t>(ids.size()) > length_) {
    throw ValueError("TokenDataset::add: " + std::to_string(ids.size()) +
                     " ids do not fit the length " + std::to_string(length_));
  }
  ids_.insert(ids_.end(), ids.begin(), ids.end());
  ids_.resize(ids_.size() + static_cast<std::size_t>(length_) - ids.size(), SentimentData::kPad);
  labels_.push_back(label);
}

TokenDataset TokenDataset::head(std::int64_t n) const {
  TokenDataset out(length_);
  const std::int64_t kept = std::clamp<std::int64_t>(n, 0, size());
  out.ids_.assign(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(kept * length_));
  out.labels_.assign(labels_.begin(), labels_.begin() + static_cast<std::ptrdiff_t>(kept));
  return out;
}

SentimentData make_sentiment(const std::vector<Sentence>& sentences, const WordVectors& vectors,
                             std::uint64_t seed) {
  SentimentData out;
  out.dim = vectors.dim;
  out.vocabulary = {"<pad>", "<unk>"};
  out.vocabulary.insert(out.vocabulary.end(), vectors.words.begin(), vectors.words.end());
  const auto dim = static_cast<std::size_t>(vectors.dim);
  out.embeddings.assign(2 * dim, 0.0F);
  Generator gen(seed);
  for (std::size_t k = 0; k < dim; ++k) {
    out.embeddings[dim + k] = static_cast<float>(0.1 * (gen.uniform() - 0.5));
  }
  out.embeddings.insert(out.embeddings.end(), vectors.values.begin(), vectors.values.end());

  std::unordered_map<std::string_view, std::int64_t> ids;
  for (std::size_t w = 0; w < vectors.words.size(); ++w) {
    ids.emplace(vectors.words[w], static_cast<std::int64_t>(w) + 2);
  }
  for (const Sentence& s : sentences) {
    out.length = std::max(out.length, static_cast<std::int64_t>(s.tokens.size()));
  }
  out.train = TokenDataset(out.length);
  out.valid = TokenDataset(out.length);
  out.test = TokenDataset(out.length);
  std::vector<std::int64_t> sentence_ids;
  for (const Sentence& s : sentences) {
    sentence_ids.clear();
    for (const std::string& token : s.tokens) {
      auto it = ids.find(token);
      if (it == ids.end()) {
        ++out.unknown_tokens;
        sentence_ids.push_back(SentimentData::kUnknown);
      } else {
        sentence_ids.push_back(it->second);
      }
    }
    TokenDataset& split = s.split == "train" ? out.train
        : s.split == "valid"                 ? out.valid
                                             : out.test;
    split.add(sentence_ids, s.label);
  }
  for (const auto* split : {&out.train, &out.valid, &out.test}) {
    if (split->size() == 0) {
      throw DataError("make_sentiment: the " +
                      std::string(split == &out.train       ? "train"
                                      : split == &out.valid ? "valid"
                                                            : "test") +
                      " split is empty");
    }
  }
  return out;
}

SentimentData load_sentiment(const std::string& root, std::uint64_t seed) {
  const std::string dir = (root.empty() ? config::data_dir() : root) + "/sentiment";
  const std::string hint =
      "the sentiment dataset is not fetched: run `bash tools/fetch_data.sh sentiment` (it fills "
      "$MINITORCH_DATA, default ~/.cache/minitorch)";
  const std::string sentences_path = dir + "/sentences.tsv";
  const std::string vectors_path = dir + "/glove.6B.50d.txt";
  std::vector<std::uint8_t> sentence_bytes = read_file_bytes(sentences_path, hint);
  std::vector<std::uint8_t> vector_bytes = read_file_bytes(vectors_path, hint);
  auto text = [](const std::vector<std::uint8_t>& bytes) {
    return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  };
  std::vector<Sentence> sentences = parse_sentences(text(sentence_bytes), sentences_path);
  WordVectors vectors = parse_word_vectors(text(vector_bytes), vectors_path);
  return make_sentiment(sentences, vectors, seed);
}

}  // namespace minitorch::data
