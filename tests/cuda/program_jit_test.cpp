// The CUDA program compiler's generated source (Note [CUDA program compiler]) compiles with
// NVRTC for sm_90, for every op, dtype and kernel layout. No GPU needed: NVRTC runs on the
// host. Running the kernels is covered by the CUDA op table (op_table_cuda_test.cpp), whose
// multi-node programs take this path on a device.
#include "backends/cuda/program_jit.h"

#include <gtest/gtest.h>

#include "backends/cuda/program_source.h"
#include "minitorch/error.h"
#include "minitorch/program.h"

namespace minitorch::cuda {
namespace {

// One program that applies every op (Floating ones only when floating is true) to the
// previous value and the inputs, so one compilation covers every descriptor's functor.
Program every_op_program(bool floating) {
  ProgramBuilder b(3);
  Expr v = b.input(0);
  const Expr y = b.input(1);
  const Expr z = b.input(2);
  for (int k = 0; k < kOpCount; ++k) {
    const auto op = static_cast<OpCode>(k);
    if (!floating && kind_of(op) == OpKind::Floating) {
      continue;
    }
    const Expr args[] = {v, y, z};
    v = b.apply(op, args, arity_of(op));
  }
  const Expr scaled[] = {v, b.constant(0.5)};
  return b.finish(b.apply(OpCode::Mul, scaled, 2));
}

class ProgramJitTest : public ::testing::TestWithParam<DType> {
 protected:
  void SetUp() override {
    if (std::string why = nvrtc_unavailable_reason(); !why.empty()) {
      GTEST_SKIP() << why;
    }
  }
};

TEST_P(ProgramJitTest, EveryOpCompilesForEveryLayout) {
  const DType dtype = GetParam();
  const Program program = every_op_program(is_floating_point(dtype));
  KernelSpec flat_vector{dtype,
                         dtype,
                         {dtype, dtype, DType::Bool},
                         {true, false, true},
                         true,
                         is_floating_point(dtype) ? static_cast<int>(16 / element_size(dtype)) : 1};
  KernelSpec flat_scalar = flat_vector;
  flat_scalar.vec = 1;
  KernelSpec strided = flat_scalar;
  strided.flat = false;
  KernelSpec strided_vector = flat_vector;  // vector loads beside broadcast ones (g.unit)
  strided_vector.flat = false;
  KernelSpec strided_wide = strided;  // 64-bit offsets
  strided_wide.wide = true;
  KernelSpec tiled = strided;  // Note [CUDA tiled programs]: input 0 through shared memory
  tiled.transposed = 1;
  KernelSpec tiled_wide = strided_wide;  // inputs 0 and 2 tiled, 64-bit offsets
  tiled_wide.transposed = 5;
  for (const KernelSpec& spec :
       {flat_vector, flat_scalar, strided, strided_vector, strided_wide, tiled, tiled_wide}) {
    const std::string source = program_kernel_source(program, spec);
    std::string cubin;
    ASSERT_NO_THROW(cubin = compile_program_source(source, "sm_90")) << source;
    EXPECT_GT(cubin.size(), 1000U);
  }
}

TEST_P(ProgramJitTest, ComparisonsStoreBool) {
  const DType dtype = GetParam();
  KernelSpec spec{dtype, DType::Bool, {dtype, dtype}, {true, true}, true, 1};
  const std::string source = program_kernel_source(op_program(OpCode::Lt), spec);
  EXPECT_NE(source.find("return v != T(0)"), std::string::npos) << source;
  EXPECT_NO_THROW(compile_program_source(source, "sm_90"));
}

INSTANTIATE_TEST_SUITE_P(Dtypes, ProgramJitTest,
                         ::testing::Values(DType::Float32, DType::Float64, DType::Int64),
                         [](const auto& param_info) {
                           return std::string(to_string(param_info.param));
                         });

// float16 and bfloat16 operands and outputs (Note [Reduced floats]): computed in float32,
// loaded and stored through half.h, compiled by NVRTC too; every layout.
TEST(ProgramJit, SixteenBitOperandsCompile) {
  if (!nvrtc_unavailable_reason().empty()) {
    GTEST_SKIP() << nvrtc_unavailable_reason();
  }
  const Program program = every_op_program(true);
  for (DType half : {DType::Float16, DType::BFloat16}) {
    KernelSpec flat_vector{DType::Float32,      half, {half, DType::Float32, DType::BFloat16},
                           {true, false, true}, true, 4};
    KernelSpec flat_scalar = flat_vector;
    flat_scalar.vec = 1;
    KernelSpec strided = flat_scalar;
    strided.flat = false;
    KernelSpec strided_vector = flat_vector;
    strided_vector.flat = false;
    // Only 16-bit operands: 8 to a 16-byte vector.
    KernelSpec flat_eight{DType::Float32, half, {half, half, half}, {true, true, false}, true, 8};
    flat_eight.unroll = 2;  // as launch_compiled_program: at most 16 elements a step
    KernelSpec tiled = strided;
    tiled.transposed = 5;
    for (const KernelSpec& spec :
         {flat_vector, flat_scalar, strided, strided_vector, flat_eight, tiled}) {
      const std::string source = program_kernel_source(program, spec);
      EXPECT_NE(source.find("minitorch::"), std::string::npos) << source;
      if (spec.vec > 1) {
        EXPECT_NE(source.find("mt_load_h(a0"), std::string::npos) << source;
        EXPECT_NE(source.find("mt_save_h(out"), std::string::npos) << source;
      }
      std::string cubin;
      ASSERT_NO_THROW(cubin = compile_program_source(source, "sm_90")) << source;
      EXPECT_GT(cubin.size(), 1000U);
    }
  }
}

TEST(ProgramJit, CompileErrorsNameTheProgramSource) {
  if (!nvrtc_unavailable_reason().empty()) {
    GTEST_SKIP() << nvrtc_unavailable_reason();
  }
  try {
    compile_program_source("this is not CUDA", "sm_90");
    FAIL() << "no DeviceError";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("NVRTC could not compile"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("this is not CUDA"), std::string::npos);
  }
}

}  // namespace
}  // namespace minitorch::cuda
