// safetensors reader and writer. The reader trusts nothing it has not checked: the header is
// validated whole in safetensors_header.cpp before a tensor is made. The data section is written
// tensor after tensor with no gaps (readers such as the Rust crate reject gaps); the header is
// space-padded to 8 bytes so that the data starts aligned, as the Python writer does.
#include "minitorch/nn/safetensors.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <set>

#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "nn/json.h"
#include "nn/safetensors_header.h"

namespace minitorch::nn {
namespace {

static_assert(std::endian::native == std::endian::little,
              "safetensors I/O assumes a little-endian host");

// Appends item to a comma-separated list (appends step by step: GCC 12 warns, falsely, about
// `"literal" + std::string` under -Wrestrict).
void append_item(std::string& list, const std::string& item, const char* separator = ",") {
  if (!list.empty()) {
    list += separator;
  }
  list += item;
}

}  // namespace

std::vector<std::byte> serialize_safetensors(
    const std::vector<std::pair<std::string, Tensor>>& tensors,
    const std::map<std::string, std::string>& metadata) {
  std::set<std::string> names;
  std::vector<Tensor> hosts;
  std::string entries;
  if (!metadata.empty()) {
    std::string pairs;
    for (const auto& [key, value] : metadata) {
      append_item(pairs, json::quote(key) + ":" + json::quote(value));
    }
    entries = "\"__metadata__\":{" + pairs + "}";
  }
  std::int64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name.empty() || name == "__metadata__" || !names.insert(name).second) {
      throw ValueError("save_safetensors: tensor name '" + name +
                       "' is empty, reserved or repeated");
    }
    Tensor host = tensor.detach().to(Device::cpu()).contiguous();
    std::int64_t bytes = host.numel() * element_size(host.dtype());
    std::string shape;
    for (int i = 0; i < host.ndim(); ++i) {
      append_item(shape, std::to_string(host.shape()[i]));
    }
    append_item(entries,
                json::quote(name) + ":{\"dtype\":\"" + std::string(safetensors_tag(host.dtype())) +
                    "\",\"shape\":[" + shape + "],\"data_offsets\":[" + std::to_string(offset) +
                    "," + std::to_string(offset + bytes) + "]}");
    offset += bytes;
    hosts.push_back(host);
  }
  std::string header = "{" + entries + "}";
  while (header.size() % 8 != 0) {
    header += ' ';
  }
  std::vector<std::byte> out(8 + header.size() + static_cast<std::size_t>(offset));
  auto length = static_cast<std::uint64_t>(header.size());
  std::memcpy(out.data(), &length, sizeof length);
  std::memcpy(out.data() + 8, header.data(), header.size());
  std::byte* data = out.data() + 8 + header.size();
  for (const Tensor& host : hosts) {
    auto bytes = static_cast<std::size_t>(host.numel() * element_size(host.dtype()));
    if (bytes > 0) {
      std::memcpy(data, host.data().data_ptr(), bytes);
    }
    data += bytes;
  }
  return out;
}

void save_safetensors(const std::string& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::vector<std::byte> bytes = serialize_safetensors(tensors, metadata);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    throw Error("save_safetensors: cannot open '" + path + "' for writing");
  }
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) {
    throw Error("save_safetensors: writing '" + path + "' failed");
  }
}

SafetensorsFile load_safetensors(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw Error("load_safetensors: the path is a directory (" + path + ")");
  }
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    throw Error("load_safetensors: cannot open the file (" + path + ")");
  }
  const std::streamoff size = in.tellg();
  if (size < 0) {
    throw Error("load_safetensors: cannot tell the file's size (" + path + ")");
  }
  std::vector<std::byte> bytes;
  try {
    bytes.resize(static_cast<std::size_t>(size));
  } catch (const std::exception&) {  // bad_alloc or length_error
    throw OutOfMemoryError("load_safetensors: no memory to read the file (" + path + ", " +
                           std::to_string(size) + " bytes)");
  }
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) {
    throw Error("load_safetensors: reading the file failed (" + path + ")");
  }
  return load_safetensors(bytes, path);
}

SafetensorsFile load_safetensors(std::span<const std::byte> bytes, const std::string& source) {
  SafetensorsHeader header;
  try {
    header = parse_safetensors_header(bytes, source);
  } catch (const std::bad_alloc&) {
    // The parsed JSON takes a few times the header's bytes; the header is at most 100 MB.
    throw OutOfMemoryError("load_safetensors: no memory to parse the header (" + source + ", " +
                           std::to_string(bytes.size()) + " bytes)");
  }
  // Every entry now fits the data section; see Note [safetensors header checks].
  const std::byte* data = bytes.data() + header.data_start;
  SafetensorsFile file;
  file.metadata = std::move(header.metadata);
  for (const SafetensorsEntry& entry : header.entries) {
    Tensor t = empty(entry.shape, {.dtype = entry.dtype});
    if (entry.dtype == kBool) {
      // A C++ bool must hold 0 or 1; a file may hold any byte (nonzero is true, as in
      // Note [Value conversion]).
      bool* out = t.data_ptr<bool>();
      for (std::int64_t i = 0; i < entry.end - entry.begin; ++i) {
        out[i] = data[entry.begin + i] != std::byte{0};
      }
    } else if (entry.end > entry.begin) {
      std::memcpy(t.data().data_ptr(), data + entry.begin,
                  static_cast<std::size_t>(entry.end - entry.begin));
    }
    file.tensors.emplace_back(entry.name, std::move(t));
  }
  return file;
}

void save(const Module& module, const std::string& path,
          const std::map<std::string, std::string>& metadata) {
  save_safetensors(path, module.state_dict(), metadata);
}

std::map<std::string, std::string> load(Module& module, const std::string& path) {
  SafetensorsFile file = load_safetensors(path);
  module.load_state_dict(file.tensors, /*strict=*/true, "load('" + path + "')");
  return file.metadata;
}

}  // namespace minitorch::nn
