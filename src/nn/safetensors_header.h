// The one reader of a safetensors file's untrusted bytes: the header length, the JSON header
// and its entries are all checked here, before any tensor is allocated or any byte copied. What
// it returns describes tensors that tile the data section exactly; see
// Note [safetensors header checks] in safetensors_header.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "minitorch/dtype.h"
#include "minitorch/shape.h"

namespace minitorch::nn {

/// The Rust crate's cap on the JSON header (MAX_HEADER_SIZE), so both accept the same files.
inline constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

struct SafetensorsEntry {
  std::string name;
  DType dtype = kFloat32;
  Shape shape;
  std::int64_t begin = 0;  ///< byte range [begin, end) within the data section
  std::int64_t end = 0;
};

struct SafetensorsHeader {
  /// Sorted by data offset (header order among equal offsets): entry i begins where entry
  /// i - 1 ends, the first at 0 and the last at the end of the data section.
  std::vector<SafetensorsEntry> entries;
  std::map<std::string, std::string> metadata;
  std::size_t data_start = 0;  ///< where the data section starts in the file
};

/// The safetensors tag of dtype: "F32", "F64", "I64" or "BOOL".
std::string_view safetensors_tag(DType dtype);

/// Checks a whole safetensors file held in memory and describes it; `source` (a path, or
/// "<memory>") names the file in messages "load_safetensors: <what> (<source>, tensor '<name>',
/// ...)". Throws DTypeError for a dtype other than F32/F64/I64/BOOL, ShapeError for a rank above
/// kMaxDims, ValueError for anything else malformed.
SafetensorsHeader parse_safetensors_header(std::span<const std::byte> file,
                                           std::string_view source);

}  // namespace minitorch::nn
