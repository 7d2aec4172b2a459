// The subcommands of the minitorch program; each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace minitorch::cli {

int diagnose(const std::vector<std::string>& args);  // diagnose.cpp
int train(const std::vector<std::string>& args);  // train.cpp
int bench(const std::vector<std::string>& args);  // bench.cpp: dispatches to the three below
int bench_ops(const std::vector<std::string>& args);  // bench_ops.cpp
int bench_matmul(const std::vector<std::string>& args);  // bench_matmul.cpp
int bench_dist(const std::vector<std::string>& args);  // bench_dist.cpp
int bench_conv(const std::vector<std::string>& args);  // bench_conv.cpp

}  // namespace minitorch::cli
