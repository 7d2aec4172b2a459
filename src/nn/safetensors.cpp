// safetensors reader and writer. The data section is written tensor after tensor with no
// gaps (readers such as the Rust crate reject gaps); the header is space-padded to 8 bytes so
// that the data starts aligned, as the Python writer does.
#include "minitorch/nn/safetensors.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "minitorch/autograd.h"
#include "minitorch/error.h"
#include "minitorch/factories.h"
#include "nn/json.h"

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

const char* dtype_tag(DType dtype) { return dtype == kFloat64 ? "F64" : "F32"; }

std::int64_t parse_int(const json::Value& v, const std::string& what) {
  if (v.kind != json::Value::Kind::Number || v.text.find_first_of(".eE-+") != std::string::npos) {
    throw Error("safetensors: " + what + " is not a non-negative integer");
  }
  return std::stoll(v.text);
}

}  // namespace

void save_safetensors(const std::string& path,
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
      throw Error("save_safetensors: tensor name '" + name + "' is empty, reserved or repeated");
    }
    Tensor host = tensor.detach().to(Device::cpu()).contiguous();
    std::int64_t bytes = host.numel() * element_size(host.dtype());
    std::string shape;
    for (int i = 0; i < host.ndim(); ++i) {
      append_item(shape, std::to_string(host.shape()[i]));
    }
    append_item(entries,
                json::quote(name) + ":{\"dtype\":\"" + dtype_tag(host.dtype()) + "\",\"shape\":[" +
                    shape + "],\"data_offsets\":[" + std::to_string(offset) + "," +
                    std::to_string(offset + bytes) + "]}");
    offset += bytes;
    hosts.push_back(host);
  }
  std::string header = "{" + entries + "}";
  while (header.size() % 8 != 0) {
    header += ' ';
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    throw Error("save_safetensors: cannot open '" + path + "' for writing");
  }
  auto length = static_cast<std::uint64_t>(header.size());
  out.write(reinterpret_cast<const char*>(&length), sizeof length);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  for (const Tensor& host : hosts) {
    std::size_t bytes = static_cast<std::size_t>(host.numel() * element_size(host.dtype()));
    if (bytes > 0) {
      out.write(static_cast<const char*>(host.data().data_ptr()),
                static_cast<std::streamsize>(bytes));
    }
  }
  if (!out.flush()) {
    throw Error("save_safetensors: writing '" + path + "' failed");
  }
}

SafetensorsFile load_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("load_safetensors: cannot open '" + path + "'");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  const std::string what = "load_safetensors('" + path + "')";
  if (bytes.size() < 8) {
    throw Error(what + ": file is " + std::to_string(bytes.size()) +
                " bytes, shorter than the 8-byte header length");
  }
  std::uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), sizeof header_size);
  if (header_size > bytes.size() - 8) {
    throw Error(what + ": header length " + std::to_string(header_size) +
                " runs past the end of the file (" + std::to_string(bytes.size()) + " bytes)");
  }
  json::Value header = json::parse(std::string_view(bytes).substr(8, header_size), what.c_str());
  if (header.kind != json::Value::Kind::Object) {
    throw Error(what + ": header is not a JSON object");
  }
  const std::size_t data_start = 8 + header_size;
  const std::size_t data_size = bytes.size() - data_start;
  SafetensorsFile file;
  for (const auto& [name, entry] : header.object) {
    if (name == "__metadata__") {
      for (const auto& [key, value] : entry.object) {
        if (value.kind != json::Value::Kind::String) {
          throw Error(what + ": __metadata__ value for '" + key + "' is not a string");
        }
        file.metadata[key] = value.text;
      }
      continue;
    }
    const json::Value* dtype = entry.find("dtype");
    const json::Value* shape_v = entry.find("shape");
    const json::Value* offsets = entry.find("data_offsets");
    if (dtype == nullptr || shape_v == nullptr || offsets == nullptr ||
        offsets->array.size() != 2 || shape_v->kind != json::Value::Kind::Array) {
      throw Error(what + ": tensor '" + name + "' lacks dtype, shape or data_offsets");
    }
    DType dt;
    if (dtype->text == "F32") {
      dt = kFloat32;
    } else if (dtype->text == "F64") {
      dt = kFloat64;
    } else {
      throw DTypeError(what + ": tensor '" + name + "' has dtype " + dtype->text +
                       "; only F32 and F64 are supported");
    }
    Shape shape;
    for (const json::Value& size : shape_v->array) {
      shape.push_back(parse_int(size, "a size of '" + name + "'"));
    }
    std::int64_t begin = parse_int(offsets->array[0], "data_offsets of '" + name + "'");
    std::int64_t end = parse_int(offsets->array[1], "data_offsets of '" + name + "'");
    std::int64_t expected = shape_numel(shape) * element_size(dt);
    if (end < begin || end - begin != expected || static_cast<std::uint64_t>(end) > data_size) {
      throw Error(what + ": tensor '" + name + "' of shape " + minitorch::to_string(shape) +
                  " has data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                  "] (needs " + std::to_string(expected) + " bytes within a data section of " +
                  std::to_string(data_size) + ")");
    }
    Tensor t = empty(shape, {.dtype = dt});
    if (expected > 0) {
      std::memcpy(t.data().data_ptr(), bytes.data() + data_start + begin,
                  static_cast<std::size_t>(expected));
    }
    file.tensors.emplace_back(name, t);
  }
  return file;
}

void save(const Module& module, const std::string& path,
          const std::map<std::string, std::string>& metadata) {
  std::vector<std::pair<std::string, Tensor>> tensors;
  for (auto& [name, parameter] : module.named_parameters()) {
    tensors.emplace_back(name, parameter);
  }
  save_safetensors(path, tensors, metadata);
}

std::map<std::string, std::string> load(Module& module, const std::string& path) {
  SafetensorsFile file = load_safetensors(path);
  std::map<std::string, Tensor> by_name(file.tensors.begin(), file.tensors.end());
  auto parameters = module.named_parameters();
  std::string missing;
  std::set<std::string> expected;
  for (const auto& [name, parameter] : parameters) {
    expected.insert(name);
    auto found = by_name.find(name);
    if (found == by_name.end()) {
      append_item(missing, name, ", ");
    } else if (!(found->second.shape() == parameter.shape())) {
      throw ShapeError("load('" + path + "'): tensor '" + name + "' has shape " +
                       minitorch::to_string(found->second.shape()) + " in the file but " +
                       minitorch::to_string(parameter.shape()) + " in the model");
    }
  }
  std::string unexpected;
  for (const auto& [name, tensor] : file.tensors) {
    if (expected.count(name) == 0) {
      append_item(unexpected, name, ", ");
    }
  }
  if (!missing.empty() || !unexpected.empty()) {
    throw Error("load('" + path + "'): the file does not match the model (missing: " +
                (missing.empty() ? "none" : missing) +
                "; unexpected: " + (unexpected.empty() ? "none" : unexpected) + ")");
  }
  NoGradGuard no_grad;
  for (auto& [name, parameter] : parameters) {
    parameter.copy_(by_name.at(name).to(parameter.device()));
  }
  return file.metadata;
}

}  // namespace minitorch::nn
