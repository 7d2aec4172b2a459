// The readers of the sentiment task's two text files. Both walk the text once, line by line,
// and check each field before keeping it; nothing is sized from a number in the file.
#include <charconv>
#include <cmath>
#include <unordered_set>

#include "minitorch/data/sentiment.h"
#include "minitorch/error.h"

namespace minitorch::data {
namespace {

constexpr std::size_t kMaxTokens = 1000;
constexpr std::int64_t kMaxDim = 4096;

// Calls fn(line, number) for each line of text; a last line without '\n' counts too.
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    ++number;
    fn(line, number);
    if (end == std::string_view::npos) {
      break;
    }
    text.remove_prefix(end + 1);
  }
}

// Printable form of a field for an error message: at most 40 bytes, control bytes escaped.
std::string quoted(std::string_view field) {
  std::string out = "'";
  for (char c : field.substr(0, 40)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out + (field.size() > 40 ? "'..." : "'");
}

}  // namespace

std::vector<Sentence> parse_sentences(std::string_view text, const std::string& source) {
  std::vector<Sentence> out;
  for_each_line(text, [&](std::string_view line, std::size_t number) {
    auto fail = [&](const std::string& what) {
      throw DataError("read_sentences: " + source + ":" + std::to_string(number) + ": " + what);
    };
    const std::size_t tab1 = line.find('\t');
    const std::size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos || line.find('\t', tab2 + 1) != std::string_view::npos) {
      fail("expected split<TAB>label<TAB>tokens, got " + quoted(line));
    }
    Sentence s;
    s.split = std::string(line.substr(0, tab1));
    if (s.split != "train" && s.split != "valid" && s.split != "test") {
      fail("split " + quoted(s.split) + " is not train, valid or test");
    }
    std::string_view label = line.substr(tab1 + 1, tab2 - tab1 - 1);
    if (label != "0" && label != "1") {
      fail("label " + quoted(label) + " is not 0 or 1");
    }
    s.label = label == "1" ? 1 : 0;
    std::string_view tokens = line.substr(tab2 + 1);
    if (tokens.empty()) {
      fail("no tokens");
    }
    while (true) {
      const std::size_t space = tokens.find(' ');
      std::string_view token = tokens.substr(0, space);
      if (token.empty()) {
        fail("an empty token (two spaces, or a space at either end)");
      }
      if (s.tokens.size() == kMaxTokens) {
        fail("more than " + std::to_string(kMaxTokens) + " tokens");
      }
      s.tokens.emplace_back(token);
      if (space == std::string_view::npos) {
        break;
      }
      tokens.remove_prefix(space + 1);
    }
    out.push_back(std::move(s));
  });
  if (out.empty()) {
    throw DataError("read_sentences: " + source + ": no sentences");
  }
  return out;
}

WordVectors parse_word_vectors(std::string_view text, const std::string& source) {
  WordVectors out;
  std::unordered_set<std::string_view> seen;
  for_each_line(text, [&](std::string_view line, std::size_t number) {
    auto fail = [&](const std::string& what) {
      throw DataError("read_word_vectors: " + source + ":" + std::to_string(number) + ": " + what);
    };
    const std::size_t space = line.find(' ');
    if (space == 0 || space == std::string_view::npos) {
      fail("expected a word and its values separated by single spaces, got " + quoted(line));
    }
    std::string_view word = line.substr(0, space);
    if (!seen.insert(word).second) {
      fail("the word " + quoted(word) + " appears twice");
    }
    std::int64_t values = 0;
    const char* p = line.data() + space;
    const char* end = line.data() + line.size();
    while (p != end) {
      ++p;  // the space before each value
      float value = 0.0F;
      auto [next, error] = std::from_chars(p, end, value);
      if (error != std::errc() || (next != end && *next != ' ') || !std::isfinite(value)) {
        const char* stop = p;
        while (stop != end && *stop != ' ') {
          ++stop;
        }
        fail("value " + std::to_string(values + 1) + " " +
             quoted(std::string_view(p, static_cast<std::size_t>(stop - p))) +
             " is not a finite number");
      }
      ++values;
      if (values > kMaxDim) {
        fail("more than " + std::to_string(kMaxDim) + " values");
      }
      out.values.push_back(value);
      p = next;
    }
    if (out.dim == 0) {
      out.dim = values;
    }
    if (values != out.dim) {
      fail(std::to_string(values) + " values where the first line has " + std::to_string(out.dim));
    }
    out.words.emplace_back(word);
  });
  if (out.words.empty()) {
    throw DataError("read_word_vectors: " + source + ": no vectors");
  }
  return out;
}

}  // namespace minitorch::data
