// CudaGraph (minitorch/cuda_graph.h): the device-independent front. In builds with CUDA it
// hands the work to backends/cuda/cuda_graph.cpp; in others every capture throws DeviceError.
#include "minitorch/cuda_graph.h"

#include <string>

#include "minitorch/error.h"
#ifdef MT_HAVE_CUDA
#include "backends/cuda/cuda_graph.h"
#endif

namespace minitorch {

struct CudaGraph::State {
  std::shared_ptr<void> graph;  // the instantiated graph and its memory pool (cuda_graph.h)
  std::size_t nodes = 0;
};

CudaGraph::CudaGraph(Device device) : device_(device), state_(std::make_unique<State>()) {}

CudaGraph::~CudaGraph() = default;
CudaGraph::CudaGraph(CudaGraph&& other) noexcept = default;
CudaGraph& CudaGraph::operator=(CudaGraph&& other) noexcept = default;

void CudaGraph::capture(const std::function<void()>& step) {
  if (state_ == nullptr) {
    state_ = std::make_unique<State>();  // a moved-from graph is empty again
  }
  if (state_->graph != nullptr) {
    throw DeviceError("CudaGraph::capture: this graph already holds a capture on " +
                      device_.to_string() + " (make a new CudaGraph for another step)");
  }
  if (!device_.is_cuda()) {
    throw DeviceError("CudaGraph::capture: " + device_.to_string() +
                      " is not a CUDA device (graphs capture GPU work)");
  }
#ifdef MT_HAVE_CUDA
  state_->graph = cuda::capture_graph(device_.index(), step, &state_->nodes);
#else
  (void)step;
  throw DeviceError("CudaGraph::capture: " + device_.to_string() +
                    ": this build has no CUDA backend (configure with -DMT_CUDA=ON)");
#endif
}

void CudaGraph::replay() {
  if (!captured()) {
    throw DeviceError("CudaGraph::replay: nothing captured on " + device_.to_string() +
                      " (call capture first)");
  }
#ifdef MT_HAVE_CUDA
  cuda::replay_graph(state_->graph.get());
#endif
}

bool CudaGraph::captured() const { return state_ != nullptr && state_->graph != nullptr; }

std::size_t CudaGraph::node_count() const { return state_ == nullptr ? 0 : state_->nodes; }

}  // namespace minitorch
