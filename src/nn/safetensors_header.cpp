// Validation of a safetensors file's header: everything that can be wrong with the bytes is
// found here, with a message naming the file, the tensor and the numbers involved.
#include "nn/safetensors_header.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "minitorch/error.h"
#include "nn/json.h"

namespace minitorch::nn {
namespace {

// Note [safetensors header checks]
// Checked in this order, each before anything is allocated from it (the Rust crate's
// SafeTensors::deserialize and Metadata::validate make the same checks, so both accept the
// same files):
//   1. the file holds the 8-byte little-endian header length N; N <= file size - 8 and
//      N <= kMaxSafetensorsHeaderBytes;
//   2. the header is valid UTF-8 and strict JSON, nested at most json::kMaxDepth deep, and its
//      value is an object with no repeated key;
//   3. "__metadata__", if present, is an object of string values;
//   4. every other member is an object with exactly "dtype" (a string: F32, F64, F16, BF16,
//      I64 or BOOL), "shape" (an array of at most kMaxDims non-negative integers) and
//      "data_offsets" (an array of two non-negative integers begin <= end, each at most
//      INT64_MAX);
//   5. the product of the sizes (zeros counted as 1, so that every stride fits too) times the
//      element size fits int64, and end - begin is exactly numel * element size;
//   6. end lies inside the data section;
//   7. sorted by offset, the tensors tile the data section: the first begins at 0, each begins
//      where the previous one ends (no gap, no overlap), the last ends at its end.

class Checker {
 public:
  explicit Checker(std::string_view source) : source_(source) {}

  template <class E = ValueError>
  [[noreturn]] void fail(const std::string& what, const std::string& details = {}) const {
    std::string message = "load_safetensors: " + what + " (" + std::string(source_);
    if (!details.empty()) {
      message += ", ";
      message += details;
    }
    throw E(message + ")");
  }

  SafetensorsEntry entry(const std::string& name, const json::Value& value,
                         std::uint64_t data_size) const {
    const std::string tensor = "tensor '" + name + "'";
    if (value.kind != json::Value::Kind::Object) {
      fail("entry is not a JSON object", tensor);
    }
    const json::Value* dtype = value.find("dtype");
    const json::Value* shape = value.find("shape");
    const json::Value* offsets = value.find("data_offsets");
    if (value.object.size() != 3 || dtype == nullptr || shape == nullptr || offsets == nullptr) {
      std::string members;
      for (const auto& [key, member] : value.object) {
        members += members.empty() ? "" : ", ";
        members += key;
      }
      fail("entry must have exactly the members dtype, shape and data_offsets",
           tensor + ", has: " + (members.empty() ? "none" : members));
    }
    SafetensorsEntry out;
    out.name = name;
    if (dtype->kind != json::Value::Kind::String) {
      fail("dtype is not a string", tensor);
    }
    bool known = false;
    for (int i = 0; i < kDTypeCount; ++i) {
      auto candidate = static_cast<DType>(i);
      if (dtype->text == safetensors_tag(candidate)) {
        out.dtype = candidate;
        known = true;
      }
    }
    if (!known) {
      fail<DTypeError>("dtype '" + dtype->text +
                           "' is not supported, only F32, F64, F16, BF16, I64 and BOOL are",
                       tensor);
    }

    if (shape->kind != json::Value::Kind::Array) {
      fail("shape is not an array", tensor);
    }
    if (shape->array.size() > static_cast<std::size_t>(kMaxDims)) {
      fail<ShapeError>("shape has " + std::to_string(shape->array.size()) +
                           " dims, more than kMaxDims = " + std::to_string(kMaxDims),
                       tensor);
    }
    // See Note [safetensors header checks], item 5.
    std::int64_t bound = element_size(out.dtype);
    std::int64_t numel = 1;
    for (std::size_t i = 0; i < shape->array.size(); ++i) {
      std::int64_t size = integer(shape->array[i], "shape", i, tensor);
      if (__builtin_mul_overflow(bound, std::max<std::int64_t>(size, 1), &bound)) {
        fail<ShapeError>("shape has more bytes than int64 can count",
                         tensor + ", shape " + shape_text(*shape) + ", dtype " + dtype->text);
      }
      out.shape.push_back(size);
      numel *= size;  // |numel| <= bound: no overflow
    }
    const std::int64_t bytes = numel * element_size(out.dtype);

    if (offsets->kind != json::Value::Kind::Array || offsets->array.size() != 2) {
      fail("data_offsets is not an array of two integers", tensor);
    }
    out.begin = integer(offsets->array[0], "data_offsets", 0, tensor);
    out.end = integer(offsets->array[1], "data_offsets", 1, tensor);
    const std::string range =
        "data_offsets [" + std::to_string(out.begin) + ", " + std::to_string(out.end) + "]";
    if (out.begin > out.end) {
      fail("data_offsets begin after they end", tensor + ", " + range);
    }
    if (out.end - out.begin != bytes) {
      fail("data_offsets do not match the shape",
           tensor + ", shape " + to_string(out.shape) + " of " + dtype->text + " needs " +
               std::to_string(bytes) + " bytes, " + range + " hold " +
               std::to_string(out.end - out.begin));
    }
    if (static_cast<std::uint64_t>(out.end) > data_size) {
      fail("data_offsets run past the end of the data section",
           tensor + ", " + range + ", data section of " + std::to_string(data_size) + " bytes");
    }
    return out;
  }

 private:
  // A shape or data_offsets entry: a JSON integer in [0, INT64_MAX], without std::stoll (whose
  // exceptions are not minitorch's).
  std::int64_t integer(const json::Value& v, const char* field, std::size_t index,
                       const std::string& tensor) const {
    const std::string where = tensor + ", " + field + "[" + std::to_string(index) + "]";
    if (v.kind != json::Value::Kind::Number) {
      fail(std::string(field) + " holds something other than a number", where);
    }
    if (v.text.front() == '-') {
      fail(std::string(field) + " holds a negative number", where + " = " + v.text);
    }
    if (v.text.find_first_of(".eE") != std::string::npos) {
      fail(std::string(field) + " holds a number that is not written as an integer",
           where + " = " + v.text);
    }
    std::int64_t n = 0;
    for (char digit : v.text) {
      if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, digit - '0', &n)) {
        fail(std::string(field) + " holds a number larger than int64 allows",
             where + " = " + v.text);
      }
    }
    return n;
  }

  static std::string shape_text(const json::Value& shape) {
    std::string out = "[";
    for (const json::Value& size : shape.array) {
      out += out.size() > 1 ? ", " : "";
      out += size.text;
    }
    return out + "]";
  }

  std::string_view source_;
};

}  // namespace

std::string_view safetensors_tag(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "F32";
    case DType::Float64:
      return "F64";
    case DType::Int64:
      return "I64";
    case DType::Bool:
      return "BOOL";
    case DType::Float16:
      return "F16";
    case DType::BFloat16:
      return "BF16";
  }
  return "?";
}

SafetensorsHeader parse_safetensors_header(std::span<const std::byte> file,
                                           std::string_view source) {
  const Checker check(source);
  if (file.size() < 8) {
    check.fail("file is " + std::to_string(file.size()) +
               " bytes, shorter than the 8-byte header length");
  }
  std::uint64_t header_size = 0;
  std::memcpy(&header_size, file.data(), sizeof header_size);  // little-endian host
  if (header_size > kMaxSafetensorsHeaderBytes) {
    check.fail("header length " + std::to_string(header_size) + " is above the limit of " +
               std::to_string(kMaxSafetensorsHeaderBytes) + " bytes");
  }
  if (header_size > file.size() - 8) {
    check.fail("header length " + std::to_string(header_size) + " runs past the end of the file",
               "file of " + std::to_string(file.size()) + " bytes");
  }
  SafetensorsHeader out;
  out.data_start = 8 + static_cast<std::size_t>(header_size);
  const std::uint64_t data_size = file.size() - out.data_start;
  const std::string_view text(reinterpret_cast<const char*>(file.data()) + 8,
                              static_cast<std::size_t>(header_size));
  const json::Value header = json::parse(text, "load_safetensors", source);
  if (header.kind != json::Value::Kind::Object) {
    check.fail("header is not a JSON object");
  }

  std::set<std::string_view> names;
  for (const auto& [name, value] : header.object) {
    if (!names.insert(name).second) {
      check.fail(
          name == "__metadata__" ? "__metadata__ appears twice" : "tensor name appears twice",
          "tensor '" + name + "'");
    }
    if (name != "__metadata__") {
      out.entries.push_back(check.entry(name, value, data_size));
      continue;
    }
    if (value.kind != json::Value::Kind::Object) {
      check.fail("__metadata__ is not a JSON object");
    }
    for (const auto& [key, item] : value.object) {
      if (item.kind != json::Value::Kind::String) {
        check.fail("__metadata__ value is not a string", "key '" + key + "'");
      }
      if (!out.metadata.emplace(key, item.text).second) {
        check.fail("__metadata__ key appears twice", "key '" + key + "'");
      }
    }
  }

  // See Note [safetensors header checks], item 7.
  std::stable_sort(out.entries.begin(), out.entries.end(), [](const auto& a, const auto& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::int64_t covered = 0;
  const SafetensorsEntry* previous = nullptr;
  for (const SafetensorsEntry& entry : out.entries) {
    if (entry.begin != covered) {
      check.fail(std::string(entry.begin > covered ? "a gap in the data section before a tensor"
                                                   : "tensors overlap in the data section"),
                 "tensor '" + entry.name + "', data_offsets [" + std::to_string(entry.begin) +
                     ", " + std::to_string(entry.end) + "], " +
                     (previous == nullptr
                          ? std::string("the first tensor must begin at 0")
                          : "tensor '" + previous->name + "' ends at " + std::to_string(covered)));
    }
    covered = entry.end;
    previous = &entry;
  }
  if (static_cast<std::uint64_t>(covered) != data_size) {
    check.fail("the data section has bytes that no tensor claims",
               "data section of " + std::to_string(data_size) + " bytes, tensors cover " +
                   std::to_string(covered));
  }
  return out;
}

}  // namespace minitorch::nn
