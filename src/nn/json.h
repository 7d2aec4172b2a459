// A minimal JSON reader and string escaper for the safetensors header: objects, arrays,
// strings (with \u escapes), numbers kept as their literal text, true/false/null. Not a general
// library. It accepts exactly RFC 8259 JSON in valid UTF-8, at most kMaxDepth levels deep, so
// that a hostile header can neither overflow the stack nor smuggle in malformed text.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace minitorch::nn::json {

/// Arrays and objects nest at most this deep (the parser recurses once per level).
inline constexpr int kMaxDepth = 64;

struct Value {
  // Declared here, defaulted in json.cpp: an inline default constructor makes clang with
  // libstdc++ reject `std::pair<std::string, Value>` while Value is still incomplete.
  Value();
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  std::string text;  ///< a string's value (UTF-8) or a number's literal text, as in the input
  std::vector<Value> array;
  std::vector<std::pair<std::string, Value>> object;  ///< in input order, repeats kept

  /// The first member named key, or nullptr.
  const Value* find(std::string_view key) const;
};

/// Parses one JSON document (surrounding whitespace allowed). Throws ValueError
/// "<op>: malformed JSON, <why> (<source>, JSON byte N)" on invalid UTF-8, bad syntax, a
/// number outside the JSON grammar, a raw control character or bad escape in a string, a lone
/// surrogate, or nesting deeper than kMaxDepth.
Value parse(std::string_view text, std::string_view op, std::string_view source = "input");

/// "text" with quotes, backslashes and control characters escaped; parse() reads it back.
std::string quote(std::string_view text);

}  // namespace minitorch::nn::json
