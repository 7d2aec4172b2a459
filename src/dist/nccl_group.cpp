// The nccl process group: one process per GPU, collectives on contiguous CUDA tensors through
// NCCL. Ranks are found through MPI (mpirun), the environment plus an id file, or a world of
// one; NCCL moves the data. Invariants: NCCL runs on the group's own stream, ordered against
// the backend's stream by events (Note [NCCL stream order]), and nothing waits without a
// deadline (Note [NCCL deadlines]). See docs/distributed_nccl.md.
#include <cuda_runtime_api.h>
#include <nccl.h>
#include <unistd.h>

#if MT_HAVE_MPI
#include <mpi.h>
#endif

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "backends/cuda/cuda_stream.h"
#include "dist/groups.h"
#include "dist/nccl_launch.h"
#include "minitorch/factories.h"

namespace minitorch::dist::detail {
namespace {

// Note [NCCL stream order]
// The CUDA backend queues every kernel and copy for a GPU on that GPU's stream
// (cuda::current_stream, Note [CUDA streams]), and its caching allocator reuses a freed block
// at once because later work on that stream comes after any reader of it. NCCL runs on a
// stream of the group's own (non-blocking, so it does not serialise with any other stream
// implicitly). Before each collective an event recorded on the backend's stream makes the
// NCCL stream wait for every kernel queued so far (the producer of the input, and any earlier
// reader of an output block the allocator just handed out). After it, an event recorded on
// the NCCL stream is made a dependency of the backend's stream, so later kernels, and a later
// reuse of the memory, come after NCCL is done with it. The blocking collectives first wait for
// that event on the host (so that after a timeout the backend's stream is not left waiting on a
// collective that may never end). all_reduce_async adds the dependency only in wait() (or when its
// Work is dropped), so that backward kernels overlap the reduction; hence "t must stay
// untouched until wait()".

// Note [NCCL deadlines]
// The communicator is non-blocking (ncclConfig_t::blocking = 0): init, enqueue and finalize
// return ncclInProgress instead of blocking, and completion is an event query. Every wait
// polls cudaEventQuery / ncclCommGetAsyncError against the collective timeout; on a timeout
// or an asynchronous error the communicator is aborted (ncclCommAbort, which also ends the
// kernels waiting on peers) and DistError names the op, the rank and the reason. The group is
// unusable afterwards, as DistError documents.

// Sleeps a little longer each round: the first rounds only yield (a collective on one node
// takes microseconds), later ones sleep up to 1 ms.
class Backoff {
 public:
  void pause() {
    if (round_ < 64) {
      ++round_;
      std::this_thread::yield();
      return;
    }
    std::this_thread::sleep_for(sleep_);
    sleep_ = std::min(sleep_ * 2, std::chrono::microseconds(1000));
  }

 private:
  int round_ = 0;
  std::chrono::microseconds sleep_{20};
};

// ---- The communicator and its stream, shared by the group and its pending Work ------------

class Comm;

// Live communicators, shut down by an atexit handler registered after the CUDA runtime's own
// (so it runs first): destroying a communicator after cudart has torn down would crash at
// exit. The global group's destructor then finds its communicator already gone. The registry
// is never destroyed, so that destructors running after it at exit may still use it.
struct LiveComms {
  std::mutex mutex;
  std::set<Comm*> comms;
  std::once_flag atexit_once;
};
LiveComms& live_comms() {
  static auto* live = new LiveComms;  // never destroyed, see above
  return *live;
}
void shutdown_live_comms();

class Comm {
 public:
  Comm(const Launch& launch, int device, std::chrono::milliseconds timeout)
      : rank_(launch.rank), world_(launch.world), device_(device), timeout_(timeout) {}
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;
  ~Comm() {
    {
      std::lock_guard<std::mutex> lock(live_comms().mutex);
      live_comms().comms.erase(this);
    }
    shutdown();
  }

  int rank() const { return rank_; }
  int world() const { return world_; }
  int device() const { return device_; }
  // The backend's stream for this group's GPU (Note [NCCL stream order]).
  cudaStream_t backend_stream() const { return cuda::current_stream(device_); }
  std::mutex& mutex() { return mutex_; }

  // Creates the stream and events and joins the communicator (bounded by the timeout).
  void start(const ncclUniqueId& id) {
    const char* op = "init_process_group(nccl)";
    check_cuda(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), op,
               "cudaStreamCreateWithFlags");
    check_cuda(cudaEventCreateWithFlags(&ready_, cudaEventDisableTiming), op, "cudaEventCreate");
    check_cuda(cudaEventCreateWithFlags(&done_, cudaEventDisableTiming), op, "cudaEventCreate");
    ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
    config.blocking = 0;
    Clock::time_point deadline = Clock::now() + timeout_;
    check_nccl(ncclCommInitRankConfig(&comm_, world_, id, rank_, &config), op,
               "ncclCommInitRankConfig", deadline);
    // Completion of a non-blocking init is the communicator leaving ncclInProgress.
    wait_nccl_ready(op, deadline);
    {
      std::lock_guard<std::mutex> lock(live_comms().mutex);
      live_comms().comms.insert(this);
    }
    std::call_once(live_comms().atexit_once, [] { std::atexit(shutdown_live_comms); });
  }

  // Throws DistError when an earlier failure aborted the communicator, or it was shut down.
  void check_usable(const char* op) const {
    if (!broken_.empty()) {
      throw DistError(std::string(op) + ": the nccl group is unusable after an earlier error (" +
                      broken_ + ")");
    }
    if (comm_ == nullptr) {
      throw DistError(std::string(op) + ": the nccl group was shut down (" + where() + ")");
    }
  }

  // Makes the calling thread use the group's GPU (cudaSetDevice is per thread).
  void use_device(const char* op) { check_cuda(cudaSetDevice(device_), op, "cudaSetDevice"); }

  // See Note [NCCL stream order]: the NCCL stream waits for the backend's stream.
  void order_after_backend(const char* op) {
    check_cuda(cudaEventRecord(ready_, backend_stream()), op, "cudaEventRecord");
    check_cuda(cudaStreamWaitEvent(stream_, ready_, 0), op, "cudaStreamWaitEvent");
  }

  // Marks the end of the collectives queued so far on the NCCL stream.
  void record_done(cudaEvent_t event, const char* op) {
    check_cuda(cudaEventRecord(event, stream_), op, "cudaEventRecord");
  }
  // See Note [NCCL stream order]: the backend's stream waits for event.
  void order_backend_after(cudaEvent_t event, const char* op) {
    check_cuda(cudaStreamWaitEvent(backend_stream(), event, 0), op, "cudaStreamWaitEvent");
  }

  cudaStream_t stream() const { return stream_; }
  ncclComm_t comm() const { return comm_; }
  cudaEvent_t done_event() const { return done_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Checks an NCCL call; ncclInProgress (non-blocking communicator) is waited out.
  void check_nccl(ncclResult_t result, const char* op, const char* call,
                  Clock::time_point deadline) {
    if (result == ncclSuccess) {
      return;
    }
    if (result == ncclInProgress) {
      wait_nccl_ready(op, deadline);
      return;
    }
    fail(op, std::string(call) + " failed: " + ncclGetErrorString(result) + last_error());
  }

  void check_cuda(cudaError_t error, const char* op, const char* call) {
    if (error != cudaSuccess) {
      cudaGetLastError();
      fail(op,
           std::string(call) + " failed: " + cudaGetErrorName(error) + ": " +
               cudaGetErrorString(error));
    }
  }

  // Waits until the communicator leaves ncclInProgress; see Note [NCCL deadlines].
  void wait_nccl_ready(const char* op, Clock::time_point deadline) {
    Backoff backoff;
    while (true) {
      ncclResult_t state = ncclSuccess;
      ncclResult_t result = ncclCommGetAsyncError(comm_, &state);
      if (result != ncclSuccess) {
        fail(op, std::string("ncclCommGetAsyncError failed: ") + ncclGetErrorString(result));
      }
      if (state == ncclSuccess) {
        return;
      }
      if (state != ncclInProgress) {
        fail(op, std::string("NCCL error: ") + ncclGetErrorString(state) + last_error());
      }
      if (Clock::now() > deadline) {
        fail(op, "timed out after " + ms_text(timeout_) + " waiting for the other ranks");
      }
      backoff.pause();
    }
  }

  // Waits until event has completed, watching for NCCL errors; see Note [NCCL deadlines].
  void wait_event(cudaEvent_t event, const char* op, Clock::time_point deadline) {
    Backoff backoff;
    while (true) {
      cudaError_t query = cudaEventQuery(event);
      if (query == cudaSuccess) {
        return;
      }
      if (query != cudaErrorNotReady) {
        check_cuda(query, op, "cudaEventQuery");
      }
      // Not an error, but clear it, so that the backend's next cudaGetLastError after a
      // launch cannot report it (PyTorch's CUDAEvent::query does the same).
      cudaGetLastError();
      ncclResult_t state = ncclSuccess;
      ncclResult_t result = ncclCommGetAsyncError(comm_, &state);
      if (result != ncclSuccess) {
        fail(op, std::string("ncclCommGetAsyncError failed: ") + ncclGetErrorString(result));
      }
      if (state != ncclSuccess && state != ncclInProgress) {
        fail(op, std::string("NCCL error: ") + ncclGetErrorString(state) + last_error());
      }
      if (Clock::now() > deadline) {
        fail(op, "timed out after " + ms_text(timeout_) + " waiting for the other ranks");
      }
      backoff.pause();
    }
  }

  // Aborts the communicator (ending kernels that wait on peers) and throws DistError:
  // "<op>: <what> (rank r of w, GPU d); the nccl group was aborted".
  [[noreturn]] void fail(const char* op, const std::string& what) {
    std::string message = std::string(op) + ": " + what + " (" + where() + ")";
    if (comm_ != nullptr) {
      ncclCommAbort(comm_);
      comm_ = nullptr;
      message += "; the nccl group was aborted";
    }
    if (broken_.empty()) {
      broken_ = message;
    }
    throw DistError(message);
  }

  // Finalizes and destroys the communicator (aborting it if peers do not finish within the
  // timeout), then frees the stream and events. Never throws; safe to call twice.
  void shutdown() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (comm_ != nullptr) {
      cudaSetDevice(device_);
      ncclResult_t finalized = ncclCommFinalize(comm_);
      bool clean = (finalized == ncclSuccess || finalized == ncclInProgress) && quiesce();
      if (clean) {
        ncclCommDestroy(comm_);
      } else {
        ncclCommAbort(comm_);
      }
      comm_ = nullptr;
    }
    if (done_ != nullptr) {
      cudaEventDestroy(done_);
      done_ = nullptr;
    }
    if (ready_ != nullptr) {
      cudaEventDestroy(ready_);
      ready_ = nullptr;
    }
    if (stream_ != nullptr) {
      cudaStreamDestroy(stream_);
      stream_ = nullptr;
    }
  }

 private:
  // After ncclCommFinalize: true once the communicator is quiescent (finalize is global: it
  // waits for the peers' finalize too) within the timeout.
  bool quiesce() noexcept {
    Clock::time_point deadline = Clock::now() + timeout_;
    Backoff backoff;
    while (Clock::now() <= deadline) {
      ncclResult_t state = ncclSuccess;
      if (ncclCommGetAsyncError(comm_, &state) != ncclSuccess) {
        return false;
      }
      if (state != ncclInProgress) {
        return state == ncclSuccess;
      }
      backoff.pause();
    }
    return false;
  }

  std::string where() const {
    return "rank " + std::to_string(rank_) + " of " + std::to_string(world_) + ", GPU " +
        std::to_string(device_);
  }

  std::string last_error() const {
    if (comm_ == nullptr) {
      return "";
    }
    const char* text = ncclGetLastError(comm_);
    return text != nullptr && *text != '\0' ? std::string(": ") + text : "";
  }

  int rank_;
  int world_;
  int device_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  ncclComm_t comm_ = nullptr;
  cudaStream_t stream_ = nullptr;
  cudaEvent_t ready_ = nullptr;
  cudaEvent_t done_ = nullptr;
  std::string broken_;
};

void shutdown_live_comms() {
  std::set<Comm*> live;
  {
    std::lock_guard<std::mutex> lock(live_comms().mutex);
    live.swap(live_comms().comms);
  }
  for (Comm* comm : live) {
    comm->shutdown();
  }
#if MT_HAVE_MPI
  int finalized = 0;
  if (mpi_initialized_by_nccl_group() && MPI_Finalized(&finalized) == MPI_SUCCESS &&
      finalized == 0) {
    MPI_Finalize();
  }
#endif
}

ncclDataType_t nccl_dtype(DType dtype) { return dtype == kFloat64 ? ncclFloat64 : ncclFloat32; }

// An all_reduce_async in flight: its own event, so several may be pending at once.
class NcclWork final : public Work {
 public:
  NcclWork(std::shared_ptr<Comm> comm, cudaEvent_t event, Clock::time_point deadline)
      : comm_(std::move(comm)), event_(event), deadline_(deadline) {}
  NcclWork(const NcclWork&) = delete;
  NcclWork& operator=(const NcclWork&) = delete;

  ~NcclWork() override {
    // Dropped without wait(): later kernels must still come after the reduction. See
    // Note [NCCL stream order].
    std::lock_guard<std::mutex> lock(comm_->mutex());
    if (event_ != nullptr) {
      if (comm_->comm() != nullptr) {
        cudaSetDevice(comm_->device());
        cudaStreamWaitEvent(comm_->backend_stream(), event_, 0);
      }
      cudaEventDestroy(event_);
    }
  }

  void wait() override {
    const char* op = "all_reduce_async";
    std::lock_guard<std::mutex> lock(comm_->mutex());
    if (event_ == nullptr) {
      throw DistError("all_reduce_async: wait() was already called on this Work");
    }
    comm_->check_usable(op);
    comm_->use_device(op);
    comm_->wait_event(event_, op, deadline_);
    comm_->order_backend_after(event_, op);
    cudaEventDestroy(event_);
    event_ = nullptr;
  }

 private:
  std::shared_ptr<Comm> comm_;
  cudaEvent_t event_;
  // The timeout counts from the start of the collective, as for the blocking ones.
  Clock::time_point deadline_;
};

class NcclGroup final : public ProcessGroup {
 public:
  explicit NcclGroup(std::shared_ptr<Comm> comm) : comm_(std::move(comm)) {}

  int rank() const override { return comm_->rank(); }
  int world_size() const override { return comm_->world(); }
  std::string_view backend() const override { return "nccl"; }
  Device device() const override { return Device::cuda(comm_->device()); }

  void all_reduce(Tensor& t) override {
    const char* op = "all_reduce";
    std::lock_guard<std::mutex> lock(comm_->mutex());
    Clock::time_point deadline = begin(t, op);
    enqueue_all_reduce(t, op, deadline);
    finish(op, deadline);
    t.data().storage()->bump_version();
  }

  std::unique_ptr<Work> all_reduce_async(Tensor& t) override {
    const char* op = "all_reduce_async";
    std::lock_guard<std::mutex> lock(comm_->mutex());
    Clock::time_point deadline = begin(t, op);
    enqueue_all_reduce(t, op, deadline);
    cudaEvent_t event = nullptr;
    comm_->check_cuda(cudaEventCreateWithFlags(&event, cudaEventDisableTiming), op,
                      "cudaEventCreate");
    // Recorded before the Work exists: a Work destroyed here would take the lock held above.
    cudaError_t recorded = cudaEventRecord(event, comm_->stream());
    if (recorded != cudaSuccess) {
      cudaEventDestroy(event);
      comm_->check_cuda(recorded, op, "cudaEventRecord");
    }
    t.data().storage()->bump_version();
    return std::make_unique<NcclWork>(comm_, event, deadline);
  }

  void broadcast(Tensor& t, int root) override {
    const char* op = "broadcast";
    std::lock_guard<std::mutex> lock(comm_->mutex());
    if (root < 0 || root >= comm_->world()) {
      throw IndexError("broadcast: root " + std::to_string(root) +
                       " is out of range for a world of " + std::to_string(comm_->world()));
    }
    Clock::time_point deadline = begin(t, op);
    if (t.numel() > 0) {
      void* data = t.data().data_ptr();
      comm_->check_nccl(ncclBroadcast(data, data, static_cast<std::size_t>(t.numel()),
                                      nccl_dtype(t.dtype()), root, comm_->comm(), comm_->stream()),
                        op, "ncclBroadcast", deadline);
    }
    finish(op, deadline);
    t.data().storage()->bump_version();
  }

  Tensor all_gather(const Tensor& t) override {
    const char* op = "all_gather";
    std::lock_guard<std::mutex> lock(comm_->mutex());
    check_collective_tensor(t, device(), op);
    comm_->check_usable(op);
    comm_->use_device(op);
    Shape out_shape{comm_->world()};
    for (std::int64_t size : t.shape()) {
      out_shape.push_back(size);
    }
    // Allocated before the ordering event, so that the NCCL stream also waits for any kernel
    // still reading the block the allocator hands out.
    Tensor out = empty(out_shape, {.dtype = t.dtype(), .device = device()});
    Clock::time_point deadline = begin(t, op);
    if (t.numel() > 0) {
      comm_->check_nccl(ncclAllGather(t.data().data_ptr(), out.data().data_ptr(),
                                      static_cast<std::size_t>(t.numel()), nccl_dtype(t.dtype()),
                                      comm_->comm(), comm_->stream()),
                        op, "ncclAllGather", deadline);
    }
    finish(op, deadline);
    return out;
  }

  void barrier() override {
    const char* op = "barrier";
    std::lock_guard<std::mutex> lock(comm_->mutex());
    comm_->check_usable(op);
    comm_->use_device(op);
    if (!barrier_buffer_.defined()) {
      barrier_buffer_ = zeros({1}, {.dtype = kFloat32, .device = device()});
    }
    Clock::time_point deadline = begin(barrier_buffer_, op);
    enqueue_all_reduce(barrier_buffer_, op, deadline);
    finish(op, deadline);
  }

 private:
  // Checks t (before any communication), selects the GPU and orders the NCCL stream after
  // the backend's; returns the deadline of this collective.
  Clock::time_point begin(const Tensor& t, const char* op) {
    check_collective_tensor(t, device(), op);
    comm_->check_usable(op);
    comm_->use_device(op);
    comm_->order_after_backend(op);
    return Clock::now() + comm_->timeout();
  }

  void enqueue_all_reduce(Tensor& t, const char* op, Clock::time_point deadline) {
    if (t.numel() == 0) {
      return;
    }
    void* data = t.data().data_ptr();
    comm_->check_nccl(ncclAllReduce(data, data, static_cast<std::size_t>(t.numel()),
                                    nccl_dtype(t.dtype()), ncclSum, comm_->comm(), comm_->stream()),
                      op, "ncclAllReduce", deadline);
  }

  // Blocking collectives: the backend's stream waits for NCCL, and so does the host.
  void finish(const char* op, Clock::time_point deadline) {
    comm_->record_done(comm_->done_event(), op);
    comm_->wait_event(comm_->done_event(), op, deadline);
    // Only after the host saw it finish: after a timeout the backend's stream must not be
    // left waiting on a collective that may never end.
    comm_->order_backend_after(comm_->done_event(), op);
  }

  std::shared_ptr<Comm> comm_;
  Tensor barrier_buffer_;
};

}  // namespace

std::unique_ptr<ProcessGroup> make_nccl_group(const GroupOptions& options) {
  std::chrono::milliseconds timeout = collective_timeout(options);
  Launch launch = discover_launch();
  int devices = 0;
  cudaError_t error = cudaGetDeviceCount(&devices);
  std::string why_none;
  if (error != cudaSuccess) {
    cudaGetLastError();
    devices = 0;
    why_none = std::string("cudaGetDeviceCount: ") + cudaGetErrorName(error) + ": " +
        cudaGetErrorString(error);
  } else if (devices == 0) {
    why_none = "cudaGetDeviceCount found 0 devices";
  }
  auto no_device = [&] {
    return DistError("init_process_group(nccl): no CUDA device for " + describe(launch) + " (" +
                     why_none + ")");
  };
  // Under MPI every rank takes part in the id broadcast first, so that a rank without a GPU
  // fails alone instead of leaving the others in MPI_Bcast.
  if (devices == 0 && launch.launcher != Launcher::Mpi) {
    throw no_device();
  }
  ncclUniqueId id = exchange_id(launch, timeout);
  if (devices == 0) {
    throw no_device();
  }
  int device = launch.local_rank % devices;
  error = cudaSetDevice(device);
  if (error != cudaSuccess) {
    cudaGetLastError();
    throw DistError("init_process_group(nccl): cudaSetDevice(" + std::to_string(device) +
                    ") failed: " + cudaGetErrorString(error) + " (" + describe(launch) + ")");
  }
  auto comm = std::make_shared<Comm>(launch, device, timeout);
  // Once every rank has joined, every rank has read the id; after a failure nobody needs it.
  // Either way the file can go.
  bool owns_file = launch.launcher == Launcher::File && launch.rank == 0;
  try {
    comm->start(id);
  } catch (...) {
    if (owns_file) {
      std::remove(launch.id_file.c_str());
    }
    throw;
  }
  if (owns_file) {
    std::remove(launch.id_file.c_str());
  }
  return std::make_unique<NcclGroup>(std::move(comm));
}

}  // namespace minitorch::dist::detail
