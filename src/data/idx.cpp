// The IDX reader: header first (magic, type, dims), the byte count it promises computed with
// overflow checks, then one copy of exactly that many bytes.
#include "minitorch/data/idx.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>

#include "minitorch/error.h"

namespace minitorch::data {
namespace {

constexpr std::uint8_t kUnsignedByte = 0x08;
// MNIST's images are [N, 28, 28]; four dims leave room for [N, C, H, W] and no more.
constexpr std::uint8_t kMaxIdxDims = 4;

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw DataError("read_idx: " + source + ": " + what);
}

std::string shape_text(const Shape& shape) {
  std::string s = "[";
  for (int d = 0; d < shape.size(); ++d) {
    s += (d > 0 ? ", " : "") + std::to_string(shape[d]);
  }
  return s + "]";
}

}  // namespace

IdxArray parse_idx(std::span<const std::uint8_t> bytes, const std::string& source) {
  if (bytes.size() < 4) {
    fail(source,
         "truncated: " + std::to_string(bytes.size()) +
             " bytes, shorter than the 4-byte magic number");
  }
  if (bytes[0] != 0 || bytes[1] != 0) {
    fail(source, "not an IDX file: the magic number must start with two zero bytes");
  }
  if (bytes[2] != kUnsignedByte) {
    char type[8];
    std::snprintf(type, sizeof type, "0x%02x", static_cast<unsigned>(bytes[2]));
    fail(source,
         std::string("element type ") + type + " is not supported (only 0x08, unsigned byte)");
  }
  const std::uint8_t dims = bytes[3];
  if (dims < 1 || dims > kMaxIdxDims) {
    fail(source,
         std::to_string(dims) + " dimensions (expected 1 to " + std::to_string(kMaxIdxDims) + ")");
  }
  const std::size_t header = 4 + 4 * std::size_t{dims};
  if (bytes.size() < header) {
    fail(source,
         "truncated: the header of " + std::to_string(dims) + " dimensions needs " +
             std::to_string(header) + " bytes, the file has " + std::to_string(bytes.size()));
  }
  IdxArray out;
  std::uint64_t count = 1;
  bool overflow = false;
  for (std::size_t d = 0; d < dims; ++d) {
    const std::uint8_t* p = bytes.data() + 4 + 4 * d;
    const std::uint64_t size = (std::uint64_t{p[0]} << 24) | (std::uint64_t{p[1]} << 16) |
        (std::uint64_t{p[2]} << 8) | std::uint64_t{p[3]};
    out.shape.push_back(static_cast<std::int64_t>(size));
    constexpr auto kLimit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (size != 0 && count > kLimit / size) {
      overflow = true;
    } else {
      count *= size;
    }
  }
  for (std::int64_t size : out.shape) {
    if (size == 0) {  // an empty array, however large the other dims
      overflow = false;
      count = 0;
    }
  }
  const std::size_t available = bytes.size() - header;
  if (overflow || count > available) {
    fail(source,
         "truncated: the header says " + shape_text(out.shape) + (overflow ? "" : " (") +
             (overflow ? ", more bytes than any file holds"
                       : std::to_string(count) + " bytes of data)") +
             ", the file has " + std::to_string(available) + " after the header");
  }
  if (count < available) {
    fail(source,
         std::to_string(available - count) + " trailing bytes after the " + std::to_string(count) +
             " bytes of " + shape_text(out.shape));
  }
  out.values.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return out;
}

IdxArray read_idx(const std::string& path) {
  std::vector<std::uint8_t> bytes = read_file_bytes(path);
  return parse_idx(bytes, path);
}

std::vector<std::uint8_t> read_file_bytes(const std::string& path,
                                          const std::string& missing_hint) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    const int error = errno;
    throw DataError(path + ": cannot open (" + std::strerror(error) + ")" +
                    (missing_hint.empty() ? "" : "; " + missing_hint));
  }
  const std::streamoff size = in.tellg();
  if (size < 0) {
    throw DataError(path + ": cannot read its size");
  }
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  in.seekg(0);
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw DataError(path + ": read failed after " + std::to_string(in.gcount()) + " of " +
                    std::to_string(size) + " bytes");
  }
  return bytes;
}

}  // namespace minitorch::data
