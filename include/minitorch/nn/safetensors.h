// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length, a JSON header naming each tensor's dtype, shape and data_offsets (plus an
// optional "__metadata__" string map), then the raw little-endian data. F32 and F64 only.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "minitorch/nn/module.h"
#include "minitorch/tensor.h"

namespace minitorch::nn {

struct SafetensorsFile {
  /// In the file's data order; each a fresh contiguous CPU tensor.
  std::vector<std::pair<std::string, Tensor>> tensors;
  std::map<std::string, std::string> metadata;
};

/// Writes tensors (any layout or device; stored contiguous, in the given order, header padded
/// to 8 bytes). Error on duplicate or empty names, "__metadata__" as a name, or an I/O failure.
void save_safetensors(const std::string& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

/// Reads a whole file. Error on a malformed file (with the reason and offset), DTypeError on
/// a dtype other than F32/F64.
SafetensorsFile load_safetensors(const std::string& path);

/// Saves module.named_parameters() ("layers.0.weight", ...) with metadata.
void save(const Module& module, const std::string& path,
          const std::map<std::string, std::string>& metadata = {});

/// Copies each of module's parameters from the tensor of the same name (converting dtype if
/// needed) and returns the file's metadata. Checks everything before writing anything:
/// Error names missing and unexpected tensors, ShapeError a shape mismatch.
std::map<std::string, std::string> load(Module& module, const std::string& path);

}  // namespace minitorch::nn
