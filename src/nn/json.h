// A minimal JSON reader and string escaper for the safetensors header: objects, arrays,
// strings (with \u escapes), numbers kept as text, true/false/null. Not a general library.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace minitorch::nn::json {

struct Value {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  std::string text;  ///< a string's value or a number's literal text
  std::vector<Value> array;
  std::vector<std::pair<std::string, Value>> object;

  /// The member named key, or nullptr.
  const Value* find(std::string_view key) const;
};

/// Parses one JSON document; throws Error("<what>: <why> at byte N") when malformed.
Value parse(std::string_view text, const char* what);

/// "text" with quotes, backslashes and control characters escaped.
std::string quote(std::string_view text);

}  // namespace minitorch::nn::json
