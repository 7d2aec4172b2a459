// The CUDA backend: the Backend interface over the kernels in *.cu (host code only here),
// plus copies between the CPU and the GPU. All work is queued on the legacy default stream;
// only copies to the CPU wait for it. Checks of devices and error messages: cuda_check.h.
#include <cuda_runtime_api.h>

#include "backends/backend.h"
#include "backends/cuda/cuda_allocator.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cuda_kernels.h"
#include "backends/cuda/cuda_registration.h"

namespace minitorch {
namespace {

using cuda::OpContext;

std::int64_t nbytes_of(const TensorData& t) { return t.numel() * element_size(t.dtype()); }

void report(const char* path) { primitive_report() = PrimitiveReport{path, "cuda", 1}; }

class CudaBackend final : public Backend {
 public:
  std::string_view name() const override { return "cuda"; }

  void elementwise(const Program& program, DType compute, std::span<const TensorData> inputs,
                   TensorData& out) override {
    cuda::check_device(out.device(), "elementwise");
    cuda::launch_program(program, compute, inputs, out,
                         OpContext{"elementwise", "program", inputs.empty() ? nullptr : &inputs[0],
                                   inputs.size() > 1 ? &inputs[1] : nullptr, &out});
  }

  void reduce(ReduceOp op, const TensorData& in, int dim, TensorData& out) override {
    cuda::check_device(out.device(), "reduce");
    cuda::launch_reduce(op, in, dim, out, OpContext{"reduce", to_string(op), &in, nullptr, &out});
  }

  void matmul(const TensorData& a, const TensorData& b, TensorData& out) override {
    cuda::check_device(out.device(), "matmul");
    cuda::launch_matmul(a, b, out, OpContext{"matmul", "", &a, &b, &out});
  }

  void fill(double value, TensorData& out) override {
    cuda::check_device(out.device(), "fill");
    cuda::launch_fill(value, out, OpContext{"fill", "", nullptr, nullptr, &out});
  }

  void copy(const TensorData& in, TensorData& out) override {
    OpContext context{"copy", "", &in, nullptr, &out};
    if (in.device().is_cuda() && out.device().is_cuda()) {
      cuda::check_device(in.device(), "copy");
      cuda::check_device(out.device(), "copy");
      cuda::launch_copy(in, out, context);
    } else if (out.device().is_cuda()) {
      cuda::check_device(out.device(), "copy");
      to_device(in, out, context);
    } else {
      cuda::check_device(in.device(), "copy");
      to_host(in, out, context);
    }
  }

  void gather(const TensorData& in, int dim, const TensorData& index, TensorData& out) override {
    cuda::check_device(out.device(), "gather");
    cuda::launch_gather(in, dim, index, out, OpContext{"gather", "", &in, &index, &out});
  }

  void scatter_add(const TensorData& src, int dim, const TensorData& index,
                   TensorData& out) override {
    cuda::check_device(out.device(), "scatter_add");
    cuda::launch_scatter_add(src, dim, index, out,
                             OpContext{"scatter_add", "", &src, &index, &out});
  }

 private:
  // CPU -> GPU: one cudaMemcpy when layouts and dtypes agree; else the CPU backend packs
  // `in` densely, it crosses as is, and a device copy converts and lays it out.
  static void to_device(const TensorData& in, TensorData& out, const OpContext& context) {
    if (in.numel() == 0) {
      report("cuda_empty");
      return;
    }
    if (in.dtype() == out.dtype() && in.is_contiguous() && out.is_contiguous()) {
      MT_CUDA_CHECK(cudaMemcpy(out.data_ptr(), in.data_ptr(),
                               static_cast<std::size_t>(nbytes_of(in)), cudaMemcpyHostToDevice),
                    context);
      report("cuda_memcpy_h2d");
      return;
    }
    TensorData packed = in;
    if (!in.is_contiguous()) {
      packed = TensorData::empty(in.shape(), in.dtype(), Device::cpu());
      backend_for(Device::cpu()).copy(in, packed);
    }
    TensorData staged = TensorData::empty(in.shape(), in.dtype(), out.device());
    MT_CUDA_CHECK(cudaMemcpy(staged.data_ptr(), packed.data_ptr(),
                             static_cast<std::size_t>(nbytes_of(packed)), cudaMemcpyHostToDevice),
                  context);
    cuda::launch_copy(staged, out, context);
  }

  // GPU -> CPU: a device copy converts and packs `in` when needed, one cudaMemcpy (which
  // waits for the queued work) crosses, and the CPU backend lays it out when out is strided.
  static void to_host(const TensorData& in, TensorData& out, const OpContext& context) {
    if (in.numel() == 0) {
      report("cuda_empty");
      return;
    }
    TensorData packed = in;
    if (in.dtype() != out.dtype() || !in.is_contiguous()) {
      packed = TensorData::empty(in.shape(), out.dtype(), in.device());
      cuda::launch_copy(in, packed, context);
    }
    TensorData host =
        out.is_contiguous() ? out : TensorData::empty(out.shape(), out.dtype(), Device::cpu());
    MT_CUDA_CHECK(cudaMemcpy(host.data_ptr(), packed.data_ptr(),
                             static_cast<std::size_t>(nbytes_of(packed)), cudaMemcpyDeviceToHost),
                  context);
    if (!out.is_contiguous()) {
      backend_for(Device::cpu()).copy(host, out);
    }
    report("cuda_memcpy_d2h");
  }
};

// Registers the caching allocator for DeviceType::CUDA at start-up, before any storage can be
// asked for; the registry's reference to cuda_backend() keeps this object file linked.
struct AllocatorRegistration {
  AllocatorRegistration() { register_allocator(DeviceType::CUDA, &cuda::caching_allocator()); }
};
const AllocatorRegistration g_allocator_registration;

}  // namespace

namespace cuda {

int sm_count() {
  static const int count = [] {
    int value = 0;
    if (cudaDeviceGetAttribute(&value, cudaDevAttrMultiProcessorCount, 0) != cudaSuccess) {
      cudaGetLastError();
      value = 1;
    }
    return value;
  }();
  return count;
}

}  // namespace cuda

Backend& cuda_backend() {
  static CudaBackend instance;
  return instance;
}

}  // namespace minitorch
