// libFuzzer target: arbitrary bytes into the JSON reader of safetensors headers. Only
// minitorch::Error may come out; every string and key it returns must survive quote() and a
// second parse unchanged.
#include "nn/json.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "minitorch/error.h"

namespace {

namespace json = minitorch::nn::json;

void check_quoted(const std::string& text) {
  json::Value again = json::parse(json::quote(text), "fuzz quote");  // must not throw
  if (again.kind != json::Value::Kind::String || again.text != text) {
    __builtin_trap();
  }
}

// Recursion is bounded by json::kMaxDepth.
void check_strings(const json::Value& v) {
  switch (v.kind) {
    case json::Value::Kind::String:
      check_quoted(v.text);
      break;
    case json::Value::Kind::Number:
      if (v.text.empty()) {
        __builtin_trap();
      }
      break;
    case json::Value::Kind::Array:
      for (const json::Value& item : v.array) {
        check_strings(item);
      }
      break;
    case json::Value::Kind::Object:
      for (const auto& [key, member] : v.object) {
        check_quoted(key);
        check_strings(member);
      }
      break;
    case json::Value::Kind::Null:
    case json::Value::Kind::Bool:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  json::Value value;
  try {
    value = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const minitorch::Error&) {
    return 0;
  }
  check_strings(value);
  return 0;
}
