// The op table's suites (tests/ops/op_table_suite.h) on the CUDA backend; skipped without a
// device. MINITORCH_CUDA_CASES sets the cases per op and dtype.
#include "ops/op_table_suite.h"

namespace minitorch::testing {
namespace {

MT_INSTANTIATE_OP_TABLE(Cuda, TestedBackend::Cuda);

}  // namespace
}  // namespace minitorch::testing
