// Recursive-descent JSON reader (depth-limited, strict RFC 8259) and string quoting for
// safetensors headers. The input is checked as UTF-8 once, up front; after that every byte the
// parser copies into a string is known to be part of a valid sequence.
#include "nn/json.h"

#include <cstdio>

#include "minitorch/error.h"

namespace minitorch::nn::json {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Parser {
 public:
  Parser(std::string_view text, std::string_view op, std::string_view source)
      : text_(text), op_(op), source_(source) {}

  Value document() {
    check_utf8();
    Value v = value(1);
    skip_space();
    if (pos_ != text_.size()) {
      fail("trailing characters after the value");
    }
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw ValueError(std::string(op_) + ": malformed JSON, " + why + " (" + std::string(source_) +
                     ", JSON byte " + std::to_string(pos_) + ")");
  }

  // Leaves pos_ at the first byte that does not start or continue a well-formed UTF-8
  // sequence (no overlong forms, no surrogates, nothing past U+10FFFF).
  void check_utf8() {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text_[i]); };
    while (pos_ < text_.size()) {
      unsigned char lead = byte(pos_);
      int length = 0;
      unsigned char low = 0x80;
      unsigned char high = 0xBF;
      if (lead < 0x80) {
        length = 1;
      } else if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
      } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
      } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
      } else {
        fail("invalid UTF-8");
      }
      for (int i = 1; i < length; ++i) {
        std::size_t at = pos_ + static_cast<std::size_t>(i);
        unsigned char lo = i == 1 ? low : 0x80;
        unsigned char hi = i == 1 ? high : 0xBF;
        if (at >= text_.size() || byte(at) < lo || byte(at) > hi) {
          fail("invalid UTF-8");
        }
      }
      pos_ += static_cast<std::size_t>(length);
    }
    pos_ = 0;
  }

  void skip_space() {
    while (
        pos_ < text_.size() &&
        (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }

  char peek() {
    skip_space();
    if (pos_ >= text_.size()) {
      fail("unexpected end");
    }
    return text_[pos_];
  }

  void expect(char c) {
    if (peek() != c) {
      fail(std::string("expected '") + c + "'");
    }
    ++pos_;
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) == word) {
      pos_ += word.size();
      return true;
    }
    return false;
  }

  // depth counts the arrays and objects open around this value, itself included.
  Value value(int depth) {
    Value v;
    char c = peek();
    if ((c == '{' || c == '[') && depth > kMaxDepth) {
      fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    if (c == '{') {
      v.kind = Value::Kind::Object;
      ++pos_;
      if (peek() == '}') {
        ++pos_;
        return v;
      }
      while (true) {
        if (peek() != '"') {
          fail("expected a string key");
        }
        std::string key = string();
        expect(':');
        v.object.emplace_back(std::move(key), value(depth + 1));
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.kind = Value::Kind::Array;
      ++pos_;
      if (peek() == ']') {
        ++pos_;
        return v;
      }
      while (true) {
        v.array.push_back(value(depth + 1));
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.kind = Value::Kind::String;
      v.text = string();
      return v;
    }
    if (literal("true")) {
      v.kind = Value::Kind::Bool;
      v.boolean = true;
      return v;
    }
    if (literal("false")) {
      v.kind = Value::Kind::Bool;
      return v;
    }
    if (literal("null")) {
      return v;
    }
    if (c == '-' || is_digit(c)) {
      v.kind = Value::Kind::Number;
      v.text = number();
      return v;
    }
    fail("unexpected character");
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as text of any length.
  std::string number() {
    std::size_t start = pos_;
    auto at = [&](auto predicate) { return pos_ < text_.size() && predicate(text_[pos_]); };
    auto digits = [&] {
      if (!at(is_digit)) {
        fail("malformed number");
      }
      while (at(is_digit)) {
        ++pos_;
      }
    };
    if (at([](char c) { return c == '-'; })) {
      ++pos_;
    }
    if (at([](char c) { return c == '0'; })) {
      ++pos_;
    } else {
      digits();
    }
    if (at([](char c) { return c == '.'; })) {
      ++pos_;
      digits();
    }
    if (at([](char c) { return c == 'e' || c == 'E'; })) {
      ++pos_;
      if (at([](char c) { return c == '+' || c == '-'; })) {
        ++pos_;
      }
      digits();
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  unsigned hex4() {
    if (text_.size() - pos_ < 4) {
      fail("short \\u escape");
    }
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_];
      code <<= 4;
      if (is_digit(h)) {
        code |= static_cast<unsigned>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        code |= static_cast<unsigned>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        code |= static_cast<unsigned>(h - 'A' + 10);
      } else {
        fail("bad \\u escape");
      }
      ++pos_;
    }
    return code;
  }

  // A \u escape after the "\u": one code point, a surrogate pair joined.
  unsigned code_point() {
    unsigned code = hex4();
    if (code >= 0xDC00 && code <= 0xDFFF) {
      fail("lone low surrogate in a \\u escape");
    }
    if (code >= 0xD800 && code <= 0xDBFF) {
      if (!literal("\\u")) {
        fail("lone high surrogate in a \\u escape");
      }
      unsigned low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) {
        fail("high surrogate not followed by a low one in a \\u escape");
      }
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    return code;
  }

  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) {
        fail("unterminated string");
      }
      char c = text_[pos_];
      if (static_cast<unsigned char>(c) < 0x20) {
        fail("raw control character in a string");
      }
      ++pos_;
      if (c == '"') {
        return out;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) {
        fail("unterminated string");
      }
      char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u':
          append_utf8(out, code_point());
          break;
        default:
          --pos_;
          fail("bad escape");
      }
    }
  }

  std::string_view text_;
  std::string_view op_;
  std::string_view source_;
  std::size_t pos_ = 0;
};

}  // namespace

Value::Value() = default;
Value::Value(const Value&) = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(const Value&) = default;
Value& Value::operator=(Value&&) noexcept = default;
Value::~Value() = default;

const Value* Value::find(std::string_view key) const {
  for (const auto& [name, member] : object) {
    if (name == key) {
      return &member;
    }
  }
  return nullptr;
}

Value parse(std::string_view text, std::string_view op, std::string_view source) {
  return Parser(text, op, source).document();
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace minitorch::nn::json
