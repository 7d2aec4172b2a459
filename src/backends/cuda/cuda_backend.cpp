// The CUDA backend: the Backend interface over the kernels in *.cu (host code only here),
// plus copies between the CPU and a GPU and between GPUs. Each op makes its tensors' device
// current (DeviceGuard) and queues its work on that device's stream (Note [CUDA streams]);
// only copies to the CPU wait for it. Checks of devices and error messages: cuda_check.h.
#include <cuda_runtime_api.h>

#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/cuda/cuda_allocator.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cuda_kernels.h"
#include "backends/cuda/cuda_registration.h"
#include "backends/cuda/cuda_stream.h"
#include "minitorch/error.h"

namespace minitorch {
namespace {

using cuda::DeviceGuard;
using cuda::OpContext;

std::int64_t nbytes_of(const TensorData& t) { return t.numel() * element_size(t.dtype()); }

void report(const char* path) { primitive_report() = PrimitiveReport{path, "cuda", 1}; }

// True when host memory is page-locked (cudaHostAlloc, cudaHostRegister, a pinned DLPack
// import): a copy from it returns before the DMA has read it.
bool is_page_locked(const void* host) {
  cudaPointerAttributes attributes{};
  if (cudaPointerGetAttributes(&attributes, host) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  return attributes.type == cudaMemoryTypeHost;
}

class CudaBackend final : public Backend {
 public:
  std::string_view name() const override { return "cuda"; }

  // Every operand is on out's device (the ops layer checked), so one guard covers the op.
  void elementwise(const Program& program, DType compute, std::span<const TensorData> inputs,
                   TensorData& out) override {
    cuda::check_device(out.device(), "elementwise");
    DeviceGuard guard(out.device().index());
    cuda::launch_program(program, compute, inputs, out,
                         OpContext{"elementwise", "program", inputs.empty() ? nullptr : &inputs[0],
                                   inputs.size() > 1 ? &inputs[1] : nullptr, &out});
  }

  void reduce(ReduceOp op, const TensorData& in, int dim, TensorData& out) override {
    cuda::check_device(out.device(), "reduce");
    DeviceGuard guard(out.device().index());
    cuda::launch_reduce(op, in, dim, out, OpContext{"reduce", to_string(op), &in, nullptr, &out});
  }

  bool folds_reduced_floats() const override { return true; }

  void matmul(const TensorData& a, const TensorData& b, TensorData& out) override {
    cuda::check_device(out.device(), "matmul");
    DeviceGuard guard(out.device().index());
    cuda::launch_matmul(a, b, out, OpContext{"matmul", "", &a, &b, &out});
  }

  void fill(double value, TensorData& out) override {
    cuda::check_device(out.device(), "fill");
    DeviceGuard guard(out.device().index());
    cuda::launch_fill(value, out, OpContext{"fill", "", nullptr, nullptr, &out});
  }

  void copy(const TensorData& in, TensorData& out) override {
    OpContext context{"copy", "", &in, nullptr, &out};
    if (in.device().is_cuda() && out.device().is_cuda()) {
      cuda::check_device(in.device(), "copy");
      cuda::check_device(out.device(), "copy");
      if (in.device() == out.device()) {
        DeviceGuard guard(out.device().index());
        cuda::launch_copy(in, out, context);
      } else {
        between_devices(in, out, context);
      }
    } else if (out.device().is_cuda()) {
      cuda::check_device(out.device(), "copy");
      DeviceGuard guard(out.device().index());
      to_device(in, out, context);
    } else {
      cuda::check_device(in.device(), "copy");
      DeviceGuard guard(in.device().index());
      to_host(in, out, context);
    }
  }

  void gather(const TensorData& in, int dim, const TensorData& index, TensorData& out) override {
    cuda::check_device(out.device(), "gather");
    DeviceGuard guard(out.device().index());
    cuda::launch_gather(in, dim, index, out, OpContext{"gather", "", &in, &index, &out});
  }

  void scatter_add(const TensorData& src, int dim, const TensorData& index,
                   TensorData& out) override {
    cuda::check_device(out.device(), "scatter_add");
    DeviceGuard guard(out.device().index());
    cuda::launch_scatter_add(src, dim, index, out,
                             OpContext{"scatter_add", "", &src, &index, &out});
  }

 private:
  // Note [CUDA graphs]: a copy with the CPU cannot go into a graph (a replay would read or
  // write the host bytes long after this call, when they may be gone), so it is refused while
  // the stream is being captured, before anything is queued.
  static void refuse_capture(cudaStream_t stream, const char* direction, Device device,
                             const OpContext& context) {
    cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
    MT_CUDA_CHECK(cudaStreamIsCapturing(stream, &status), context);
    if (status != cudaStreamCaptureStatusNone) {
      throw DeviceError(std::string("copy: a copy ") + direction + " " + device.to_string() +
                        " cannot be captured into a CUDA graph (the host bytes would be used at "
                        "every replay)");
    }
  }

  // CPU -> GPU: one cudaMemcpyAsync when layouts and dtypes agree; else the CPU backend packs
  // `in` densely, it crosses as is, and a device copy converts and lays it out. From pageable
  // memory the copy returns once the bytes are staged, so `in` (or the packed temporary) may
  // be freed at once; from page-locked memory it may not have read them yet, so it syncs.
  static void to_device(const TensorData& in, TensorData& out, const OpContext& context) {
    if (in.numel() == 0) {
      report("cuda_empty");
      return;
    }
    cudaStream_t stream = cuda::stream_of(out);
    refuse_capture(stream, "from the CPU to", out.device(), context);
    auto cross = [&](void* device_ptr, const TensorData& host) {
      MT_CUDA_CHECK(
          cudaMemcpyAsync(device_ptr, host.data_ptr(), static_cast<std::size_t>(nbytes_of(host)),
                          cudaMemcpyHostToDevice, stream),
          context);
      if (is_page_locked(host.data_ptr())) {
        MT_CUDA_CHECK(cudaStreamSynchronize(stream), context);
      }
    };
    if (in.dtype() == out.dtype() && in.is_contiguous() && out.is_contiguous()) {
      cross(out.data_ptr(), in);
      report("cuda_memcpy_h2d");
      return;
    }
    TensorData packed = in;
    if (!in.is_contiguous()) {
      packed = TensorData::empty(in.shape(), in.dtype(), Device::cpu());
      backend_for(Device::cpu()).copy(in, packed);
    }
    TensorData staged = TensorData::empty(in.shape(), in.dtype(), out.device());
    cross(staged.data_ptr(), packed);
    cuda::launch_copy(staged, out, context);
  }

  // GPU -> CPU: a device copy converts and packs `in` when needed, one cudaMemcpyAsync
  // crosses and the host waits for the stream, and the CPU backend lays it out when out is
  // strided.
  static void to_host(const TensorData& in, TensorData& out, const OpContext& context) {
    if (in.numel() == 0) {
      report("cuda_empty");
      return;
    }
    refuse_capture(cuda::stream_of(in), "to the CPU from", in.device(), context);
    TensorData packed = in;
    if (in.dtype() != out.dtype() || !in.is_contiguous()) {
      packed = TensorData::empty(in.shape(), out.dtype(), in.device());
      cuda::launch_copy(in, packed, context);
    }
    TensorData host =
        out.is_contiguous() ? out : TensorData::empty(out.shape(), out.dtype(), Device::cpu());
    cudaStream_t stream = cuda::stream_of(in);
    MT_CUDA_CHECK(cudaMemcpyAsync(host.data_ptr(), packed.data_ptr(),
                                  static_cast<std::size_t>(nbytes_of(packed)),
                                  cudaMemcpyDeviceToHost, stream),
                  context);
    MT_CUDA_CHECK(cudaStreamSynchronize(stream), context);
    if (!out.is_contiguous()) {
      backend_for(Device::cpu()).copy(host, out);
    }
    report("cuda_memcpy_d2h");
  }

  // cuda:i -> cuda:j: `in` is converted and packed on its own device when needed, crosses by
  // cudaMemcpyPeerAsync on the source's stream (through the host when the GPUs have no peer
  // access; the runtime decides), and is laid out on the destination when out is strided.
  // Two events order the streams: the copy waits for the destination's queued work (the
  // block it writes may have been freed by a kernel still reading it), and the
  // destination's later work waits for the copy. The source's later work, and the reuse of
  // `packed`, come after the copy by source stream order.
  static void between_devices(const TensorData& in, TensorData& out, const OpContext& context) {
    if (in.numel() == 0) {
      report("cuda_empty");
      return;
    }
    const int source = in.device().index();
    const int destination = out.device().index();
    TensorData packed = in;
    if (in.dtype() != out.dtype() || !in.is_contiguous()) {
      DeviceGuard guard(source);
      packed = TensorData::empty(in.shape(), out.dtype(), in.device());
      cuda::launch_copy(in, packed, context);
    }
    TensorData landed =
        out.is_contiguous() ? out : TensorData::empty(out.shape(), out.dtype(), out.device());
    {
      DeviceGuard guard(source);
      cuda::order_after(source, destination, "copy");
      MT_CUDA_CHECK(cudaMemcpyPeerAsync(landed.data_ptr(), destination, packed.data_ptr(), source,
                                        static_cast<std::size_t>(nbytes_of(packed)),
                                        cuda::current_stream(source)),
                    context);
      cuda::order_after(destination, source, "copy");
    }
    if (!out.is_contiguous()) {
      DeviceGuard guard(destination);
      cuda::launch_copy(landed, out, context);
    }
    report("cuda_memcpy_peer");
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

int sm_count(int device) {
  static const std::vector<int> counts = [] {
    std::vector<int> result(static_cast<std::size_t>(device_count()), 1);
    for (int d = 0; d < device_count(); ++d) {
      int value = 0;
      if (cudaDeviceGetAttribute(&value, cudaDevAttrMultiProcessorCount, d) == cudaSuccess) {
        result[static_cast<std::size_t>(d)] = value;
      } else {
        cudaGetLastError();
      }
    }
    return result;
  }();
  return counts[static_cast<std::size_t>(device)];
}

}  // namespace cuda

Backend& cuda_backend() {
  static CudaBackend instance;
  return instance;
}

}  // namespace minitorch
