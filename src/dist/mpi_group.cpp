// The mpi process group: Open MPI's non-blocking collectives on contiguous CPU tensors, each
// preceded by a signature exchange so that mismatched calls are a DistError on every rank.
// It never blocks inside MPI: every wait polls MPI_Test against the collective timeout and,
// past it, names the collective on stderr and aborts the whole job (MPI cannot recover).
// Not thread-safe: MPI_THREAD_FUNNELED, collectives come from the creating thread.
#include "dist/mpi_group.h"

#include <mpi.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dist/groups.h"
#include "minitorch/factories.h"

namespace minitorch::dist::detail {
namespace {

// Note [MPI bitwise results]
// An all-reduce result is bitwise identical on every rank, and run to run for a fixed world
// size and chunk size. The MPI standard only recommends ("advice to implementors") that a
// reduction give the same result for the same arguments in the same order; Open MPI 4.1's
// non-blocking collectives (coll/libnbc) choose their algorithm from the communicator size,
// the count and the datatype alone, and each of them (binomial reduce + broadcast, ring
// reduce-scatter + allgather) computes every element once, on one rank, in a fixed order,
// and sends that value to the others. Nothing depends on timing or arrival order. Our own
// chunking (mpi_chunk_elements) is a fixed split of the buffer. MpiGroup.BitwiseIdentical
// checks the result on every rank with an all_gather.
//
// Note [MPI signature check]
// Before its data moves, every collective (barrier included) all-reduces a small signature
// (op, root, a "my checks failed" flag, dtype, numel, all_gather's shape) with MPI_MAX over
// (v, -v): one MPI_Iallreduce of 36 int64 on its own communicator, which gives each rank the
// max and min of every field. The signature exchange always matches across ranks (same
// count and type whatever the call), so calls that differ (shape, dtype, root, even a
// broadcast against an all_reduce) are a DistError on every rank before any data moves, and
// the group stays usable. A rank whose own arguments are bad throws its typed error (after
// sending the flag); its peers throw DistError instead of waiting for it.
// The data moves on a second communicator, started in signature order, so an async
// all_reduce does not wait for its peers to reach the same call: its data starts from
// whichever poll (wait(), a later collective) sees its signature complete.
// Cost, measured by MpiGroup.Latency (medians of 2,000 calls, Open MPI 4.1 over vader on a
// 2-core box shared with other jobs, several runs): with 2 processes, a bare MPI_Allreduce of
// 4 bytes takes 0.7 us, the signature alone (barrier()) 2.0-2.5 us, a 4-byte all_reduce
// 3.6-4.5 us; with 4 processes on the 2 cores, 5-13, 10-23 and 16-47 us. So the check costs
// about one small all-reduce (2 us with 2 processes): it doubles the cost of a tiny
// all_reduce but is noise next to a bucket of megabytes (28 MB: 45-90 ms here), which is
// why no path skips it.

using Clock = std::chrono::steady_clock;

std::atomic<std::int64_t> g_chunk_elements{std::int64_t{1} << 30};

enum class OpKind : std::int64_t { AllReduce = 1, Broadcast, AllGather, Barrier };

const char* op_name(std::int64_t kind) {
  switch (static_cast<OpKind>(kind)) {
    case OpKind::AllReduce:
      return "all_reduce";
    case OpKind::Broadcast:
      return "broadcast";
    case OpKind::AllGather:
      return "all_gather";
    case OpKind::Barrier:
      return "barrier";
  }
  return "an unknown collective";
}

// The signature's fields; see Note [MPI signature check].
enum Field : int { kOp, kRoot, kBad, kDType, kNdim, kNumel, kDim0 };
constexpr int kFields = kDim0 + kMaxDims;

std::string dtype_name(std::int64_t code) {
  return std::string(to_string(static_cast<DType>(code - 1)));
}

// One collective: its signature exchange, then its data transfer. Kept alive by the group's
// queue while MPI may touch its buffers, and by whoever waits on it.
struct Op {
  enum class State { Signature, Data, Done, Failed };
  OpKind kind = OpKind::Barrier;
  Tensor tensor;
  Tensor out;  // all_gather's result
  int root = 0;
  std::array<std::int64_t, 2 * kFields> sig_send{};
  std::array<std::int64_t, 2 * kFields> sig_recv{};
  MPI_Request sig_request = MPI_REQUEST_NULL;
  std::vector<MPI_Request> data_requests;
  State state = State::Signature;
  bool local_error = false;  // this rank's checks failed; its caller rethrows their error
  std::string error;  // Failed (not local): the DistError's message
};

MPI_Datatype mpi_type(DType dtype) { return dtype == kFloat64 ? MPI_DOUBLE : MPI_FLOAT; }

int as_count(std::int64_t n) { return static_cast<int>(n); }

class MpiGroup final : public ProcessGroup {
 public:
  explicit MpiGroup(const GroupOptions& options)
      : timeout_(collective_timeout(options)), thread_(std::this_thread::get_id()) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized != 0) {
      throw DistError("init_process_group: MPI was already finalized in this process");
    }
    int initialized = 0;
    MPI_Initialized(&initialized);
    int provided = MPI_THREAD_SINGLE;
    if (initialized == 0) {
      if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        throw DistError("init_process_group: MPI_Init_thread failed");
      }
      owns_mpi_ = true;
    } else {
      MPI_Query_thread(&provided);
    }
    if (provided < MPI_THREAD_FUNNELED) {
      if (owns_mpi_) {
        MPI_Finalize();
      }
      throw DistError("init_process_group: MPI provides thread level " + std::to_string(provided) +
                      ", below MPI_THREAD_FUNNELED");
    }
    // Own communicators, so that no other MPI user in the process can interleave with ours:
    // signatures on one, data on the other (see Note [MPI signature check]).
    MPI_Comm_dup(MPI_COMM_WORLD, &sig_comm_);
    MPI_Comm_dup(MPI_COMM_WORLD, &data_comm_);
    MPI_Comm_set_errhandler(sig_comm_, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(data_comm_, MPI_ERRORS_RETURN);
    MPI_Comm_rank(data_comm_, &rank_);
    MPI_Comm_size(data_comm_, &world_);
  }

  ~MpiGroup() override {
    // Finish what is in flight (a leaked async all_reduce) so that MPI_Finalize finds no
    // pending request; a peer that never comes ends the job at the timeout, as anywhere.
    while (!queue_.empty()) {
      std::shared_ptr<Op> op = queue_.back();
      wait_for(*op);
    }
    MPI_Comm_free(&sig_comm_);
    MPI_Comm_free(&data_comm_);
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (owns_mpi_ && finalized == 0) {
      MPI_Finalize();
    }
  }

  int rank() const override { return rank_; }
  int world_size() const override { return world_; }
  std::string_view backend() const override { return "mpi"; }

  void all_reduce(Tensor& t) override { finish(start(OpKind::AllReduce, t, 0)); }

  std::unique_ptr<Work> all_reduce_async(Tensor& t) override {
    return std::make_unique<MpiWork>(*this, start(OpKind::AllReduce, t, 0));
  }

  void broadcast(Tensor& t, int root) override { finish(start(OpKind::Broadcast, t, root)); }

  Tensor all_gather(const Tensor& t) override {
    std::shared_ptr<Op> op = start(OpKind::AllGather, t, 0);
    finish(op);
    return op->out;
  }

  void barrier() override { finish(start(OpKind::Barrier, Tensor(), 0)); }

 private:
  class MpiWork final : public Work {
   public:
    MpiWork(MpiGroup& group, std::shared_ptr<Op> op) : group_(group), op_(std::move(op)) {}
    ~MpiWork() override {
      // MPI may still write into the tensor: never let it go before the transfer ends.
      if (op_ != nullptr) {
        group_.wait_for(*op_);
      }
    }
    void wait() override {
      if (op_ == nullptr) {
        return;
      }
      std::shared_ptr<Op> op = std::move(op_);
      group_.finish(op);
    }
    // Moves every queued op forward once (MPI progresses only inside MPI calls): data
    // parallel calls it from its gradient hooks, so buckets travel while backward runs.
    bool poll() override {
      if (op_ == nullptr) {
        return true;
      }
      group_.progress();
      return op_->state == Op::State::Done || op_->state == Op::State::Failed;
    }

   private:
    MpiGroup& group_;
    std::shared_ptr<Op> op_;
  };

  // Checks the arguments, sends the signature and returns the queued op. A rank whose
  // checks fail still sends its signature (flagged), waits for it, and rethrows.
  std::shared_ptr<Op> start(OpKind kind, const Tensor& t, int root) {
    const char* name = op_name(static_cast<std::int64_t>(kind));
    if (std::this_thread::get_id() != thread_) {
      throw DistError(std::string(name) +
                      ": called from a thread other than the one that made the mpi group "
                      "(MPI_THREAD_FUNNELED)");
    }
    auto op = std::make_shared<Op>();
    op->kind = kind;
    op->root = root;
    op->sig_send[kOp] = static_cast<std::int64_t>(kind);
    op->sig_send[kRoot] = root;
    try {
      if (kind != OpKind::Barrier) {
        check_collective_tensor(t, Device::cpu(), name);
        op->tensor = t;
        op->sig_send[kDType] = static_cast<std::int64_t>(t.dtype()) + 1;
        op->sig_send[kNumel] = t.numel();
      }
      if (kind == OpKind::Broadcast && (root < 0 || root >= world_)) {
        throw IndexError("broadcast: root " + std::to_string(root) +
                         " is out of range for a world of " + std::to_string(world_));
      }
      if (kind == OpKind::AllGather) {
        if (t.ndim() >= kMaxDims) {
          throw ShapeError("all_gather: the result would have " + std::to_string(t.ndim() + 1) +
                           " dims (input shape " + to_string(t.shape()) + "), more than " +
                           std::to_string(kMaxDims));
        }
        op->sig_send[kNdim] = t.ndim();
        for (int d = 0; d < t.ndim(); ++d) {
          op->sig_send[static_cast<std::size_t>(kDim0 + d)] = t.shape()[d];
        }
        Shape out_shape = t.shape();
        out_shape.insert(0, world_);
        op->out = empty(out_shape, {.dtype = t.dtype()});
      }
    } catch (...) {
      op->sig_send.fill(0);
      op->sig_send[kOp] = static_cast<std::int64_t>(kind);
      op->sig_send[kBad] = 1;
      op->tensor = Tensor();
      op->out = Tensor();
      send_signature(op, name);
      wait_for(*op);
      throw;
    }
    send_signature(op, name);
    return op;
  }

  void send_signature(const std::shared_ptr<Op>& op, const char* name) {
    for (std::size_t i = 0; i < static_cast<std::size_t>(kFields); ++i) {
      op->sig_send[static_cast<std::size_t>(kFields) + i] = -op->sig_send[i];
    }
    check_mpi(MPI_Iallreduce(op->sig_send.data(), op->sig_recv.data(), 2 * kFields, MPI_INT64_T,
                             MPI_MAX, sig_comm_, &op->sig_request),
              "MPI_Iallreduce", name);
    queue_.push_back(op);
  }

  // Waits for op; throws DistError when the ranks' calls did not match.
  void finish(const std::shared_ptr<Op>& op) {
    wait_for(*op);
    if (op->state == Op::State::Failed && !op->local_error) {
      throw DistError(op->error);
    }
  }

  // Polls until op is done or failed; past the timeout, aborts the job.
  void wait_for(const Op& op) {
    const Clock::time_point begin = Clock::now();
    for (;;) {
      progress();
      if (op.state == Op::State::Done || op.state == Op::State::Failed) {
        return;
      }
      const Clock::duration waited = Clock::now() - begin;
      if (waited >= timeout_) {
        abort_job(timeout_message(op));
      }
      pause(waited);
    }
  }

  // Being polite on an oversubscribed box: spin for the first millisecond (a small
  // collective finishes within it), then give the core away at each poll, and past 200 ms
  // (a peer is late, not a transfer in progress) sleep between polls. Measured with 28 MB
  // all_reduces (MpiGroup.Latency, 2 cores, 2 and 4 ranks): sleeping from 20 ms on made
  // them 1.5-3x slower than yielding, since every vader fragment waits for a poll.
  static void pause(Clock::duration waited) {
    using std::chrono::microseconds;
    using std::chrono::milliseconds;
    if (waited < milliseconds(1)) {
      return;
    }
    if (waited < milliseconds(200)) {
      sched_yield();
      return;
    }
    std::this_thread::sleep_for(microseconds(50));
  }

  // Moves every queued op forward: signatures complete in queue order (the same on every
  // rank), and each op's data starts as its signature completes, so the data communicator
  // sees the same sequence of collectives everywhere.
  void progress() {
    for (const std::shared_ptr<Op>& op : queue_) {
      const char* name = op_name(static_cast<std::int64_t>(op->kind));
      if (op->state == Op::State::Signature) {
        int done = 0;
        check_mpi(MPI_Test(&op->sig_request, &done, MPI_STATUS_IGNORE), "MPI_Test", name);
        if (done == 0) {
          break;  // later ops' signatures were sent after this one's
        }
        evaluate_signature(*op);
      }
      if (op->state == Op::State::Data) {
        int done = 0;
        check_mpi(MPI_Testall(static_cast<int>(op->data_requests.size()), op->data_requests.data(),
                              &done, MPI_STATUSES_IGNORE),
                  "MPI_Testall", name);
        if (done != 0) {
          op->state = Op::State::Done;
        }
      }
    }
    std::erase_if(queue_, [](const std::shared_ptr<Op>& op) {
      return op->state == Op::State::Done || op->state == Op::State::Failed;
    });
  }

  void evaluate_signature(Op& op) {
    std::array<std::int64_t, kFields> hi{};
    std::array<std::int64_t, kFields> lo{};
    bool same = true;
    for (std::size_t i = 0; i < static_cast<std::size_t>(kFields); ++i) {
      hi[i] = op.sig_recv[i];
      lo[i] = -op.sig_recv[static_cast<std::size_t>(kFields) + i];
      same = same && hi[i] == lo[i];
    }
    if (op.sig_send[kBad] != 0) {
      op.state = Op::State::Failed;
      op.local_error = true;
      return;
    }
    if (!same) {
      op.state = Op::State::Failed;
      op.error = mismatch_message(op, hi, lo);
      return;
    }
    start_data(op);
  }

  std::string describe(const Op& op) const {
    if (!op.tensor.defined()) {
      return "no tensor";
    }
    std::string text =
        std::string(to_string(op.tensor.dtype())) + " " + to_string(op.tensor.shape());
    if (op.kind == OpKind::Broadcast) {
      text += ", root " + std::to_string(op.root);
    }
    return text;
  }

  // Formatted only on failure. With more than two ranks, "another rank" may combine fields
  // of several ranks (max and min are taken per field).
  std::string mismatch_message(const Op& op, const std::array<std::int64_t, kFields>& hi,
                               const std::array<std::int64_t, kFields>& lo) const {
    const char* name = op_name(static_cast<std::int64_t>(op.kind));
    auto other = [&](int field) {
      const auto i = static_cast<std::size_t>(field);
      return op.sig_send[i] == hi[i] ? lo[i] : hi[i];
    };
    std::string head = std::string(name) + ": the ranks' calls do not match (rank " +
        std::to_string(rank_) + " of " + std::to_string(world_) + " passed " + describe(op) + "; ";
    if (hi[kBad] != 0) {
      return head + "another rank's arguments failed its own checks, see its error)";
    }
    if (hi[kOp] != lo[kOp]) {
      return head + "another rank called " + op_name(other(kOp)) + ")";
    }
    if (hi[kDType] != lo[kDType]) {
      return head + "another rank passed dtype " + dtype_name(other(kDType)) + ")";
    }
    if (op.kind == OpKind::AllGather) {
      std::vector<std::int64_t> dims;
      for (std::int64_t d = 0; d < other(kNdim); ++d) {
        dims.push_back(other(kDim0 + static_cast<int>(d)));
      }
      return head + "another rank passed shape " + to_string(Shape(dims)) +
          "; all_gather needs the same shape everywhere)";
    }
    if (hi[kNumel] != lo[kNumel]) {
      return head + "another rank passed " + std::to_string(other(kNumel)) + " elements)";
    }
    return head + "another rank passed root " + std::to_string(other(kRoot)) + ")";
  }

  // Starts the transfer on the data communicator, at most mpi_chunk_elements() per call
  // (MPI counts are int).
  void start_data(Op& op) {
    const char* name = op_name(static_cast<std::int64_t>(op.kind));
    const std::int64_t numel = op.kind == OpKind::Barrier ? 0 : op.tensor.numel();
    if (numel == 0) {
      // The signature exchange was itself a barrier: no rank completes an all-reduce
      // before every rank has entered it.
      op.state = Op::State::Done;
      return;
    }
    const MPI_Datatype type = mpi_type(op.tensor.dtype());
    const std::int64_t size = element_size(op.tensor.dtype());
    auto* base = static_cast<char*>(op.tensor.data().data_ptr());
    const std::int64_t chunk = mpi_chunk_elements();
    for (std::int64_t offset = 0; offset < numel; offset += chunk) {
      const std::int64_t count = std::min(chunk, numel - offset);
      char* at = base + offset * size;
      MPI_Request request = MPI_REQUEST_NULL;
      if (op.kind == OpKind::AllReduce) {
        check_mpi(
            MPI_Iallreduce(MPI_IN_PLACE, at, as_count(count), type, MPI_SUM, data_comm_, &request),
            "MPI_Iallreduce", name);
      } else if (op.kind == OpKind::Broadcast) {
        check_mpi(MPI_Ibcast(at, as_count(count), type, op.root, data_comm_, &request),
                  "MPI_Ibcast", name);
      } else {
        auto* out = static_cast<char*>(op.out.data().data_ptr()) + offset * size;
        if (count == numel) {
          check_mpi(MPI_Iallgather(at, as_count(count), type, out, as_count(count), type,
                                   data_comm_, &request),
                    "MPI_Iallgather", name);
        } else {
          // Rank r's chunk lands at out + r * numel: a block of count elements whose extent
          // is one rank's whole slice. MPI lets a type be freed while in use.
          MPI_Datatype block = MPI_DATATYPE_NULL;
          MPI_Datatype slice = MPI_DATATYPE_NULL;
          MPI_Type_contiguous(as_count(count), type, &block);
          MPI_Type_create_resized(block, 0, static_cast<MPI_Aint>(numel * size), &slice);
          MPI_Type_commit(&slice);
          check_mpi(MPI_Iallgather(at, as_count(count), type, out, 1, slice, data_comm_, &request),
                    "MPI_Iallgather", name);
          MPI_Type_free(&slice);
          MPI_Type_free(&block);
        }
      }
      op.data_requests.push_back(request);
    }
    op.state = Op::State::Data;
  }

  std::string timeout_message(const Op& op) const {
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%g", std::chrono::duration<double>(timeout_).count());
    return std::string("minitorch dist: ") + op_name(static_cast<std::int64_t>(op.kind)) + " (" +
        describe(op) + ") timed out after " + seconds + " s on rank " + std::to_string(rank_) +
        " of " + std::to_string(world_) +
        ": a peer died, hangs or skipped the call; aborting every rank "
        "(MINITORCH_DIST_TIMEOUT sets the timeout in seconds)";
  }

  void check_mpi(int rc, const char* call, const char* name) const {
    if (rc == MPI_SUCCESS) {
      return;
    }
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(rc, text, &length);
    abort_job(std::string("minitorch dist: ") + name + ": " + call + " failed on rank " +
              std::to_string(rank_) + " of " + std::to_string(world_) + ": " +
              std::string(text, static_cast<std::size_t>(length)) + "; aborting every rank");
  }

  // A collective that cannot finish leaves MPI unusable (its requests cannot be cancelled),
  // and a DistError would leave the peers waiting: end the whole job instead.
  [[noreturn]] void abort_job(const std::string& line) const {
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
    MPI_Abort(data_comm_, 3);
    std::_Exit(3);  // MPI_Abort does not return
  }

  std::chrono::milliseconds timeout_;
  std::thread::id thread_;
  bool owns_mpi_ = false;
  MPI_Comm sig_comm_ = MPI_COMM_NULL;
  MPI_Comm data_comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int world_ = 1;
  std::deque<std::shared_ptr<Op>> queue_;
};

}  // namespace

std::int64_t mpi_chunk_elements() { return g_chunk_elements.load(std::memory_order_relaxed); }

void set_mpi_chunk_elements_for_testing(std::int64_t chunk) {
  if (chunk < 1 || chunk > (std::int64_t{1} << 30)) {
    throw ValueError("set_mpi_chunk_elements_for_testing: chunk " + std::to_string(chunk) +
                     " is outside [1, 2^30]");
  }
  g_chunk_elements.store(chunk, std::memory_order_relaxed);
}

std::unique_ptr<ProcessGroup> make_mpi_group(const GroupOptions& options) {
  return std::make_unique<MpiGroup>(options);
}

}  // namespace minitorch::dist::detail
