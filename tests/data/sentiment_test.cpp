// The sentiment readers and datasets on small texts: ids through the vocabulary (pad 0,
// unknown 1), padding to the longest sentence, the splits, and a DataError naming the file
// and line for each malformed line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "minitorch/minitorch.h"
#include "support/expect_error.h"

namespace minitorch::data {
namespace {

constexpr std::string_view kSentences =
    "train\t1\ta fine film .\n"
    "train\t0\tdull\n"
    "valid\t1\tfine fine zzz\n"
    "test\t0\ta dull , dull film";
constexpr std::string_view kVectors =
    "a 0.5 -1\n"
    "fine 1 2\n"
    "film 3e-2 -0.25\n"
    ". 0 0\n"
    "dull -1 -2\n"
    ", 7 8\n";

TEST(Sentiment, ParsesSentencesAndVectors) {
  auto sentences = parse_sentences(kSentences, "s.tsv");
  ASSERT_EQ(sentences.size(), 4U);
  EXPECT_EQ(sentences[0].split, "train");
  EXPECT_EQ(sentences[0].label, 1);
  EXPECT_EQ(sentences[0].tokens, (std::vector<std::string>{"a", "fine", "film", "."}));
  EXPECT_EQ(sentences[3].tokens.size(), 5U);
  WordVectors v = parse_word_vectors(kVectors, "v.txt");
  EXPECT_EQ(v.dim, 2);
  EXPECT_EQ(v.words.size(), 6U);
  EXPECT_EQ(v.values[4], 0.03F);
  EXPECT_EQ(v.values[5], -0.25F);
}

TEST(Sentiment, BuildsPaddedIdsAndTheEmbeddingTable) {
  SentimentData d =
      make_sentiment(parse_sentences(kSentences, "s"), parse_word_vectors(kVectors, "v"), 0);
  EXPECT_EQ(d.length, 5);
  EXPECT_EQ(d.dim, 2);
  ASSERT_EQ(d.vocabulary.size(), 8U);
  EXPECT_EQ(d.vocabulary[0], "<pad>");
  EXPECT_EQ(d.vocabulary[3], "fine");
  ASSERT_EQ(d.embeddings.size(), 16U);
  EXPECT_EQ(d.embeddings[0], 0.0F);
  EXPECT_NE(d.embeddings[2], 0.0F);  // the unknown word's vector
  EXPECT_LE(std::abs(d.embeddings[2]), 0.05F);
  EXPECT_EQ(d.embeddings[6], 1.0F);  // fine
  EXPECT_EQ(d.unknown_tokens, 1);
  EXPECT_EQ(d.train.size(), 2);
  EXPECT_EQ(d.valid.size(), 1);
  EXPECT_EQ(d.test.size(), 1);
  std::vector<double> ids(5);
  EXPECT_EQ(d.train.get(0, ids), 1.0);
  EXPECT_EQ(ids, (std::vector<double>{2, 3, 4, 5, 0}));
  EXPECT_EQ(d.valid.get(0, ids), 1.0);
  EXPECT_EQ(ids, (std::vector<double>{3, 3, 1, 0, 0}));

  DataLoader loader(d.train, {.batch_size = 2, .shuffle = false, .x_dtype = kInt64});
  auto batch = loader.next();
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->x.shape(), (Shape{2, 5}));
  EXPECT_EQ(batch->x.to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{2, 3, 4, 5, 0, 6, 0, 0, 0, 0}));
  EXPECT_EQ(d.train.head(1).size(), 1);
}

TEST(Sentiment, MalformedLinesRaiseDataErrorWithFileAndLine) {
  using testing::expect_error;
  auto sentences = [](std::string text) { return [text] { parse_sentences(text, "s.tsv"); }; };
  expect_error<DataError>(sentences(""), {"read_sentences: s.tsv: no sentences"});
  expect_error<DataError>(sentences("train\t1\tok\ntrain 1 ok\n"),
                          {"s.tsv:2", "expected split<TAB>label<TAB>tokens"});
  expect_error<DataError>(sentences("dev\t1\tok"), {"s.tsv:1", "split 'dev'"});
  expect_error<DataError>(sentences("train\t2\tok"), {"label '2' is not 0 or 1"});
  expect_error<DataError>(sentences("train\t1\t"), {"no tokens"});
  expect_error<DataError>(sentences("train\t1\ta  b"), {"an empty token"});
  expect_error<DataError>(sentences("train\t1\ta\tb"), {"expected split"});
  std::string many = "train\t1\t";
  for (int i = 0; i < 1001; ++i) {
    many += i == 0 ? "w" : " w";
  }
  expect_error<DataError>(sentences(many), {"more than 1000 tokens"});

  auto vectors = [](std::string text) { return [text] { parse_word_vectors(text, "v.txt"); }; };
  expect_error<DataError>(vectors(""), {"read_word_vectors: v.txt: no vectors"});
  expect_error<DataError>(vectors("a 1 2\nb 1\n"),
                          {"v.txt:2", "1 values where the first line has 2"});
  expect_error<DataError>(vectors("a 1 x\n"), {"v.txt:1", "value 2 'x' is not a finite number"});
  expect_error<DataError>(vectors("a 1 inf\n"), {"value 2 'inf'"});
  expect_error<DataError>(vectors("a 1 2 \n"), {"value 3 ''"});
  expect_error<DataError>(vectors("a 1\na 2\n"), {"v.txt:2", "the word 'a' appears twice"});
  expect_error<DataError>(vectors("a\n"), {"expected a word and its values"});
  expect_error<DataError>(vectors(" 1 2\n"), {"expected a word"});

  expect_error<DataError>(
      [] { make_sentiment(parse_sentences("train\t1\ta", "s"), parse_word_vectors("a 1", "v")); },
      {"the valid split is empty"});
}

TEST(Sentiment, MissingFilesNameTheFetchCommand) {
  auto root = std::filesystem::temp_directory_path() / "minitorch_sentiment_test_missing";
  std::filesystem::remove_all(root);
  testing::expect_error<DataError>([&] { load_sentiment(root.string()); },
                                   {"sentences.tsv", "bash tools/fetch_data.sh sentiment"});
}

TEST(Sentiment, LoadsTheFilesFromTheDataDirectory) {
  auto root = std::filesystem::temp_directory_path() / "minitorch_sentiment_test_load";
  std::filesystem::create_directories(root / "sentiment");
  std::ofstream(root / "sentiment/sentences.tsv") << kSentences;
  std::ofstream(root / "sentiment/glove.6B.50d.txt") << kVectors;
  SentimentData d = load_sentiment(root.string());
  EXPECT_EQ(d.train.size() + d.valid.size() + d.test.size(), 4);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace minitorch::data
