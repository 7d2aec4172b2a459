// The autocast scope's thread-local state and its two casts (Note [Autocast] in autocast.h).
#include "minitorch/autocast.h"

#include <string>

#include "minitorch/error.h"

namespace minitorch {
namespace {

thread_local bool g_autocast_enabled = false;
thread_local DType g_autocast_dtype = kBFloat16;

}  // namespace

AutocastGuard::AutocastGuard(DType dtype, bool enabled)
    : previous_enabled_(g_autocast_enabled), previous_dtype_(g_autocast_dtype) {
  if (!is_reduced_float(dtype)) {
    throw DTypeError("AutocastGuard: dtype " + std::string(to_string(dtype)) +
                     " is not a 16-bit float (float16 or bfloat16)");
  }
  g_autocast_enabled = enabled;
  g_autocast_dtype = dtype;
}

AutocastGuard::~AutocastGuard() {
  g_autocast_enabled = previous_enabled_;
  g_autocast_dtype = previous_dtype_;
}

bool is_autocast_enabled() { return g_autocast_enabled; }

DType autocast_dtype() { return g_autocast_dtype; }

namespace autocast {

Tensor lower(const Tensor& t) {
  return g_autocast_enabled && t.dtype() == kFloat32 ? t.to(g_autocast_dtype) : t;
}

Tensor widen(const Tensor& t) {
  return g_autocast_enabled && is_reduced_float(t.dtype()) ? t.to(kFloat32) : t;
}

}  // namespace autocast
}  // namespace minitorch
