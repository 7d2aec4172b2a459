// IDX files, the format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): two zero
// bytes, a type byte, a dimension count, each dimension as a big-endian uint32, then the
// values row-major. Only unsigned bytes (type 0x08) are read, the type both datasets use;
// gzip'd files are unpacked by tools/fetch_data.sh, not here. The bytes come from outside:
// every count is checked before anything is allocated (fuzz target fuzz_data_readers).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "minitorch/shape.h"

namespace minitorch::data {

struct IdxArray {
  Shape shape;
  std::vector<std::uint8_t> values;  ///< shape_numel(shape) bytes, row-major
};

/// Parses an IDX file's bytes; source names them in messages. DataError
/// ("read_idx: <source>: <what is wrong> (...)") for a bad magic, a type other than unsigned
/// byte, 0 or more than 4 dims, a header or data shorter than it says, or trailing bytes.
IdxArray parse_idx(std::span<const std::uint8_t> bytes, const std::string& source);
/// Reads and parses the file at path; DataError when it cannot be read.
IdxArray read_idx(const std::string& path);

/// The whole file at path; DataError naming it when it is missing or cannot be read
/// (missing_hint, when not empty, is appended: e.g. the command that fetches it).
std::vector<std::uint8_t> read_file_bytes(const std::string& path,
                                          const std::string& missing_hint = "");

}  // namespace minitorch::data
