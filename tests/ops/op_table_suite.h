// The suites generated from the op table (Note [Op table], tests/support/op_table.h), written
// once for every backend: op_table_suite.cpp holds the tests, and each backend's test program
// instantiates them (tests/ops/op_table_cpu_test.cpp, tests/cuda/op_table_cuda_test.cpp).
// The CPU instantiation runs every case at each SIMD level the machine has, with 1 and 2 threads.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "minitorch/elementwise_ops.h"

namespace minitorch::testing {

enum class TestedBackend : std::uint8_t { Cpu, Cuda };

struct OpTableParam {
  TestedBackend backend = TestedBackend::Cpu;
  OpCode op = OpCode::Const;
};

/// Per op: MatchesReference (differential), Gradcheck (float64, differentiable ops).
class OpTableTest : public ::testing::TestWithParam<OpTableParam> {
 protected:
  void SetUp() override;
  void TearDown() override;
};

/// Traced multi-op programs and add_scaled, on the backend.
class OpTableProgramTest : public ::testing::TestWithParam<TestedBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;
};

/// (backend, op) for every OpCode.
std::vector<OpTableParam> op_table_params(TestedBackend backend);
/// "exp", "where", ...
std::string op_table_param_name(const ::testing::TestParamInfo<OpTableParam>& info);
/// "cpu" or "cuda".
std::string backend_param_name(const ::testing::TestParamInfo<TestedBackend>& info);

}  // namespace minitorch::testing

/// Instantiates the op table's suites for backend (a TestedBackend value).
#define MT_INSTANTIATE_OP_TABLE(Prefix, backend) \
  INSTANTIATE_TEST_SUITE_P(Prefix, OpTableTest, \
                           ::testing::ValuesIn(::minitorch::testing::op_table_params(backend)), \
                           ::minitorch::testing::op_table_param_name); \
  INSTANTIATE_TEST_SUITE_P(Prefix, OpTableProgramTest, ::testing::Values(backend), \
                           ::minitorch::testing::backend_param_name)
