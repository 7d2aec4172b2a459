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

/// A broken library invariant: a bug in minitorch, never the user's fault.
class InternalError : public Error {
 public:
  using Error::Error;
};

}  // namespace minitorch
