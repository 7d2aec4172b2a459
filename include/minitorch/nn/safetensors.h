// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length, a JSON header naming each tensor's dtype, shape and data_offsets (plus an
// optional "__metadata__" string map), then the raw little-endian data. F32, F64, I64 and BOOL
// (one byte each; a nonzero byte reads as true).
#pragma once

#include <cstddef>
#include <map>
#include <span>
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

/// The bytes of a safetensors file holding tensors (any layout or device; stored contiguous, in
/// the given order, header padded to 8 bytes). ValueError on duplicate or empty names or
/// "__metadata__" as a name.
std::vector<std::byte> serialize_safetensors(
    const std::vector<std::pair<std::string, Tensor>>& tensors,
    const std::map<std::string, std::string>& metadata = {});

/// Writes serialize_safetensors(tensors, metadata) to path; Error on an I/O failure.
void save_safetensors(const std::string& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

/// Reads a whole file: load_safetensors(bytes, path). Error when it cannot be read.
SafetensorsFile load_safetensors(const std::string& path);

/// Reads a safetensors file held in memory; source names it in messages
/// "load_safetensors: <what> (<source>, tensor '<name>', ...)". The whole header is checked
/// before any tensor is allocated (see Note [safetensors header checks] in
/// src/nn/safetensors_header.cpp): ValueError on malformed content (a header length past the
/// file or above 100 MB, invalid UTF-8 or JSON, nesting deeper than 64, missing, extra or
/// mistyped members, sizes or offsets that are negative, fractional or beyond int64, offsets
/// that disagree with the shape, leave the data section, or leave gaps or overlaps in it,
/// repeated names), DTypeError on a dtype other than F32/F64/F16/BF16/I64/BOOL, ShapeError on
/// a rank above kMaxDims. Nothing else escapes.
SafetensorsFile load_safetensors(std::span<const std::byte> bytes,
                                 const std::string& source = "<memory>");

/// Saves module.state_dict() (parameters and buffers: "layers.0.weight", ...) with metadata.
void save(const Module& module, const std::string& path,
          const std::map<std::string, std::string>& metadata = {});

/// module.load_state_dict(the file's tensors) (strict), returning the file's metadata. Checks
/// everything (the file, then names and shapes) and stages every copy before writing anything,
/// so a throw leaves module untouched: load_safetensors's errors, ValueError naming missing and
/// unexpected tensors, ShapeError a shape mismatch.
std::map<std::string, std::string> load(Module& module, const std::string& path);

}  // namespace minitorch::nn
