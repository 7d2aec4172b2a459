// Pieces of `minitorch bench matmul` beside the driver (bench_matmul.cpp): the FMA-loop peak,
// product verification, the OpenBLAS peer (loaded at run time where installed), JSON and SVG
// output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "minitorch/tensor_data.h"

namespace minitorch::cli::matmul_bench {

struct Row {
  std::string workload;  ///< "lowL", "highL", "big", "square"
  std::string dtype;
  std::string order;  ///< operand orders, e.g. "CF" = a C-ordered, b F-ordered
  std::string variant;
  int threads = 1;
  std::int64_t m = 0;
  std::int64_t n = 0;
  std::int64_t k = 0;
  double median_s = 0;  ///< per product
  double min_s = 0;
  double gflops = 0;  ///< from the median
  double peak_pct = 0;  ///< of the measured FMA peak for dtype and threads
  double blas_ratio = 0;  ///< our GFLOP/s over OpenBLAS's in the same run; 0 when absent
  bool verified = false;
};

/// GFLOP/s of an FMA loop over independent registers on `threads` threads (the widest ISA
/// this CPU has), i.e. what a matmul could reach at best.
double measure_peak_gflops(bool f64, int threads);

/// Checks c = a @ b (2-D): 64 sampled elements against long double sums within the bound of
/// docs/matmul.md, and a Freivalds test c x = a (b x) for a random x. why says what failed.
bool verify_product(const TensorData& a, const TensorData& b, const TensorData& c,
                    std::string& why);

/// True when libopenblas could be loaded (the first call loads it).
bool have_openblas();
/// c = a @ b by cblas_sgemm/cblas_dgemm on `threads` threads; a, b C- or F-ordered 2-D.
void openblas_matmul(const TensorData& a, const TensorData& b, TensorData& c, int threads);

void write_json(const std::string& path, const std::vector<Row>& rows, double peak32_1,
                double peak64_1, double peak32_n, double peak64_n, int threads,
                const std::string& command);
/// GFLOP/s by variant and square size, one panel per dtype and thread count.
void write_svg(const std::string& path, const std::vector<Row>& rows);

}  // namespace minitorch::cli::matmul_bench
