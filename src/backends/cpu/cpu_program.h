// Backend::elementwise on the CPU (Note [CPU programs] in cpu_program.cpp).
#pragma once

#include <span>

#include "minitorch/program.h"
#include "minitorch/tensor_data.h"

namespace minitorch::cpu {

void run_program(const Program& program, DType compute, std::span<const TensorData> inputs,
                 TensorData& out);

}  // namespace minitorch::cpu
