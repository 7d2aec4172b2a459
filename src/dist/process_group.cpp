// Process-group creation, the single-process group, and the checks every backend shares.
#include "minitorch/dist/process_group.h"

#include <cstdlib>
#include <mutex>
#include <string>

#include "dist/groups.h"
#include "minitorch/config.h"
#include "minitorch/factories.h"

namespace minitorch::dist {
namespace detail {

void check_collective_tensor(const Tensor& t, Device device, const char* op) {
  if (!t.defined()) {
    throw ValueError(std::string(op) + ": the tensor is undefined");
  }
  if (t.device() != device) {
    throw DeviceError(std::string(op) + ": the tensor (shape " + to_string(t.shape()) + ") is on " +
                      t.device().to_string() + ", this group works on " + device.to_string());
  }
  if (!t.is_contiguous()) {
    throw ShapeError(std::string(op) + ": the tensor (shape " + to_string(t.shape()) +
                     ", strides " + to_string(t.strides()) + ") is not contiguous");
  }
  if (t.dtype() != kFloat32 && t.dtype() != kFloat64) {
    throw DTypeError(std::string(op) + ": dtype " + std::string(to_string(t.dtype())) +
                     " is not supported (float32, float64)");
  }
}

std::chrono::milliseconds collective_timeout(const GroupOptions& options) {
  return config::dist_timeout().value_or(options.timeout);
}

namespace {

// World of one: every collective is the identity (all_gather adds the leading dim).
class SingleGroup final : public ProcessGroup {
 public:
  int rank() const override { return 0; }
  int world_size() const override { return 1; }
  std::string_view backend() const override { return "single"; }
  void all_reduce(Tensor& t) override { check(t, "all_reduce"); }
  std::unique_ptr<Work> all_reduce_async(Tensor& t) override {
    check(t, "all_reduce");
    struct Done final : Work {
      void wait() override {}
    };
    return std::make_unique<Done>();
  }
  void broadcast(Tensor& t, int root) override {
    check(t, "broadcast");
    if (root != 0) {
      throw IndexError("broadcast: root " + std::to_string(root) +
                       " is out of range for a world of 1");
    }
  }
  Tensor all_gather(const Tensor& t) override {
    check(t, "all_gather");
    return t.detach().clone().unsqueeze(0);
  }
  void barrier() override {}

 private:
  // The single group serves whatever device the tensor is on.
  static void check(const Tensor& t, const char* op) {
    if (t.defined()) {
      check_collective_tensor(t, t.device(), op);
    } else {
      check_collective_tensor(t, Device::cpu(), op);
    }
  }
};

}  // namespace

std::unique_ptr<ProcessGroup> make_single_group() { return std::make_unique<SingleGroup>(); }

}  // namespace detail

namespace {

std::mutex g_mutex;
std::unique_ptr<ProcessGroup> g_group;

}  // namespace

bool is_available(std::string_view backend) {
  if (backend == "single") {
    return true;
  }
  if (backend == "mpi") {
    return MT_HAVE_MPI != 0;
  }
  if (backend == "nccl") {
    return MT_HAVE_NCCL != 0;
  }
  return false;
}

bool launched_by_mpi() {
  // Open MPI, MPICH/Hydra and PMIx launchers each set one of these.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(name) != nullptr) {
      return true;
    }
  }
  return false;
}

ProcessGroup& init_process_group(std::string_view backend, GroupOptions options) {
  std::lock_guard<std::mutex> lock(g_mutex);
  std::string wanted(backend);
  if (wanted == "auto") {
    wanted = launched_by_mpi() ? "mpi" : "single";
  }
  if (g_group != nullptr) {
    if (g_group->backend() != wanted) {
      throw ValueError("init_process_group: a '" + std::string(g_group->backend()) +
                       "' group already exists; cannot make a '" + wanted + "' one");
    }
    return *g_group;
  }
  if (wanted == "single") {
    g_group = detail::make_single_group();
  } else if (wanted == "mpi") {
#if MT_HAVE_MPI
    g_group = detail::make_mpi_group(options);
#else
    throw DistError(
        "init_process_group: this build has no MPI (configure with OpenMPI "
        "installed, MT_MPI=AUTO or ON)");
#endif
  } else if (wanted == "nccl") {
#if MT_HAVE_NCCL
    g_group = detail::make_nccl_group(options);
#else
    throw DistError(
        "init_process_group: this build has no NCCL (needs CUDA and NCCL, "
        "MT_NCCL=AUTO or ON)");
#endif
  } else {
    throw ValueError("init_process_group: unknown backend '" + wanted +
                     "' (auto, single, mpi, nccl)");
  }
  (void)options;
  return *g_group;
}

ProcessGroup& default_group() {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_group != nullptr) {
      return *g_group;
    }
  }
  return init_process_group("single");
}

}  // namespace minitorch::dist
