// Typed exceptions for every user mistake, plus InternalError for broken invariants.
// Messages read `<op>: <what is wrong> (<details>)` and name every shape involved.
// The library never aborts: a throw leaves the inputs of the failed op unchanged.
#pragma once

#include <stdexcept>
#include <string>

namespace minitorch {

/// Base of every exception minitorch throws.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Shapes that do not fit the op: no broadcast, not viewable, inner sizes differ, bad permutation.
class ShapeError : public Error {
 public:
  using Error::Error;
};

/// Operands of different dtypes, or a dtype the op does not support.
class DTypeError : public Error {
 public:
  using Error::Error;
};

/// Operands on different devices, or a device that is not available.
class DeviceError : public Error {
 public:
  using Error::Error;
};

/// An index or a dim outside its range.
class IndexError : public Error {
 public:
  using Error::Error;
};

/// An argument whose value is out of its domain: a NaN or negative learning rate, a class
/// label that is not an integer, a command-line flag that is not a number.
class ValueError : public Error {
 public:
  using Error::Error;
};

/// A MINITORCH_* environment variable (or a test override of one) whose value is not one it
/// allows; the message names the variable, the value and what is allowed (minitorch/config.h).
class ConfigError : public ValueError {
 public:
  using ValueError::ValueError;
};

/// A dataset file that is missing, unreadable, truncated or malformed; the message names the
/// file and what is wrong, and for a missing dataset the command that fetches it
/// (minitorch/data/, docs/data.md).
class DataError : public ValueError {
 public:
  using ValueError::ValueError;
};

/// An allocation the machine or device cannot satisfy (the request is valid, the memory is
/// not there). Nothing was written, and later ops still work.
class OutOfMemoryError : public Error {
 public:
  using Error::Error;
};

/// A tensor saved for backward was modified in place before backward ran, or the graph
/// cannot be differentiated as asked.
class AutogradError : public Error {
 public:
  using Error::Error;
};

/// A broken library invariant: a bug in minitorch, never the user's fault.
class InternalError : public Error {
 public:
  using Error::Error;
};

}  // namespace minitorch
