// minitorch.amp's C++ parts (module minitorch._minitorch._amp): the autocast scope behind
// minitorch.autocast and optim::GradScaler as minitorch.amp.GradScaler. See Note [Autocast] and
// Note [Loss scaling]; the Python context manager itself is python/minitorch/amp.py.
#include <nanobind/stl/optional.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bindings.h"
#include "minitorch/autocast.h"
#include "minitorch/error.h"
#include "minitorch/optim/grad_scaler.h"

namespace minitorch::python {
namespace {

class AutocastScope;

// The scopes open on this thread, innermost last: an AutocastGuard restores what was current
// when it was made, so guards must close in reverse order of opening, on their own thread.
thread_local std::vector<const AutocastScope*> t_open_scopes;

// One entry into a `with minitorch.autocast(...)` block: constructing it makes the
// AutocastGuard, close() destroys it. Python's __enter__ and __exit__ are two calls, so the
// guard lives on the heap in between. Its state is thread-local (Note [Autocast]); both calls
// run on the Python thread that made them, with the GIL held, and a kernel binding that
// releases the GIL still runs on that thread, so it sees the scope. close() refuses another
// thread or a scope that is not the innermost, rather than restore a state that is not its own.
class AutocastScope {
 public:
  AutocastScope(DType dtype, bool enabled)
      : guard_(std::make_unique<AutocastGuard>(dtype, enabled)),
        thread_(std::this_thread::get_id()) {
    t_open_scopes.push_back(this);
  }

  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

  ~AutocastScope() {
    if (guard_ != nullptr && is_innermost_here()) {
      pop();
    } else {
      // A scope the garbage collector finds open on another thread, or under a newer scope:
      // destroying the guard would overwrite a state it does not own, so it is left as is.
      static_cast<void>(guard_.release());
    }
  }

  void close() {
    if (guard_ == nullptr) {
      throw Error("autocast: this scope is already closed");
    }
    if (thread_ != std::this_thread::get_id()) {
      throw Error("autocast: a scope must be exited on the thread that entered it");
    }
    if (!is_innermost_here()) {
      throw Error("autocast: scopes must be exited in reverse order of entry");
    }
    pop();
  }

 private:
  void pop() {
    t_open_scopes.pop_back();
    guard_.reset();
  }

  bool is_innermost_here() const {
    return thread_ == std::this_thread::get_id() && !t_open_scopes.empty() &&
        t_open_scopes.back() == this;
  }

  std::unique_ptr<AutocastGuard> guard_;
  std::thread::id thread_;
};

void bind_autocast(nb::module_& a) {
  nb::class_<AutocastScope>(a, "AutocastScope",
                            "An entered AutocastGuard; close() leaves it (use minitorch.autocast).")
      .def(
          "__init__",
          [](AutocastScope* self, nb::handle dtype, bool enabled) {
            new (self) AutocastScope(to_dtype(dtype), enabled);
          },
          nb::arg("dtype"), nb::arg("enabled") = true)
      .def("close", &AutocastScope::close);
  // device_type is accepted as in torch.is_autocast_enabled(device_type): one scope covers
  // every device here.
  a.def(
      "is_autocast_enabled",
      [](const std::optional<std::string>& /*device_type*/) { return is_autocast_enabled(); },
      nb::arg("device_type") = nb::none(),
      "Whether this thread is inside an enabled minitorch.autocast scope.");
  a.def(
      "get_autocast_dtype",
      [](const std::optional<std::string>& /*device_type*/) { return autocast_dtype(); },
      nb::arg("device_type") = nb::none(),
      "The 16-bit dtype of the innermost autocast scope (bfloat16 outside any).");
}

void bind_grad_scaler(nb::module_& a) {
  nb::class_<optim::GradScaler>(
      a, "GradScaler",
      "Loss scaling for float16 autocast (Note [Loss scaling]), as torch.amp.GradScaler.")
      .def(
          "__init__",
          [](optim::GradScaler* self, const std::optional<std::string>& /*device*/,
             double init_scale, double growth_factor, double backoff_factor,
             std::int64_t growth_interval, bool enabled) {
            new (self) optim::GradScaler({.init_scale = init_scale,
                                          .growth_factor = growth_factor,
                                          .backoff_factor = backoff_factor,
                                          .growth_interval = growth_interval,
                                          .enabled = enabled});
          },
          nb::arg("device") = nb::none(), nb::arg("init_scale") = 65536.0,
          nb::arg("growth_factor") = 2.0, nb::arg("backoff_factor") = 0.5,
          nb::arg("growth_interval") = 2000, nb::arg("enabled") = true)
      .def("scale", &optim::GradScaler::scale, nb::arg("outputs"), ReleaseGil(),
           "outputs * scale in float32, for backward() (outputs itself when disabled).")
      .def("unscale_", &optim::GradScaler::unscale_, nb::arg("optimizer"), ReleaseGil(),
           "Divides the optimizer's gradients by the scale in place, once per update().")
      .def("step", &optim::GradScaler::step, nb::arg("optimizer"), ReleaseGil(),
           "unscale_ if not yet done, then optimizer.step() unless a gradient is inf or NaN; "
           "True when the step was taken (PyTorch returns step()'s value or None).")
      .def("update", &optim::GradScaler::update,
           "Scale times backoff_factor after a skipped step, times growth_factor after "
           "growth_interval clean ones in a row.")
      .def(
          "get_scale",
          [](const optim::GradScaler& s) { return s.enabled() ? s.scale_value() : 1.0; },
          "The current scale (1.0 when disabled, as in PyTorch).")
      .def("is_enabled", &optim::GradScaler::enabled)
      .def_prop_ro("skipped_steps", &optim::GradScaler::skipped_steps,
                   "Steps skipped so far because a gradient was not finite.");
}

}  // namespace

void bind_amp(nb::module_& m) {
  nb::module_ a = m.def_submodule("_amp", "C++ parts of minitorch.amp");
  bind_autocast(a);
  bind_grad_scaler(a);
}

}  // namespace minitorch::python
