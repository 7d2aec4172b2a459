// Grad mode: a thread-local flag, so a NoGradGuard on one thread leaves others recording.
#include "minitorch/autograd.h"

namespace minitorch {
namespace {

thread_local bool g_grad_enabled = true;

}  // namespace

bool is_grad_enabled() { return g_grad_enabled; }
void set_grad_enabled(bool enabled) { g_grad_enabled = enabled; }

}  // namespace minitorch
