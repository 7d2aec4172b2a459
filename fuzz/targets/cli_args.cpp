// Fuzzes the minitorch program's flag parser (apps/minitorch/cli_args.cpp): the input is a
// command line, one word per '\n' or '\0'. A leading "train", "bench ops", "bench matmul" or
// "diagnose" picks that subcommand's flags; otherwise every subcommand parses the words.
// Parsing only (nothing trains or benchmarks). A minitorch::Error is the expected way to
// refuse; any other exception escapes, and options accepted outside their bounds abort.
#include "cli_args.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "minitorch/data/datasets.h"

namespace {

using minitorch::cli::BenchMatmulOptions;
using minitorch::cli::BenchOpsOptions;
using minitorch::cli::DiagnoseOptions;
using minitorch::cli::TrainOptions;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "cli_args fuzz: accepted an out-of-range value: %s\n", what);
    std::abort();
  }
}

void parse_train(const std::vector<std::string>& args) {
  static const std::vector<std::string> datasets = minitorch::data::dataset_names();
  TrainOptions o;
  if (!minitorch::cli::parse_train_args(args, datasets, o)) {
    return;
  }
  require(o.points >= 2 && o.points <= 1'000'000, "--points");
  require(o.hidden >= 1 && o.hidden <= 4096, "--hidden");
  require(o.epochs >= 0 && o.epochs <= 10'000'000, "--epochs");
  require(o.epochs > 0 || !o.load.empty() || o.bench, "--epochs 0 without --load");
  require(std::isfinite(o.lr) && o.lr > 0, "--lr");
  require(o.momentum >= 0 && o.momentum < 1, "--momentum");
  require(std::isfinite(o.weight_decay) && o.weight_decay >= 0, "--weight-decay");
  require(o.batch >= 1 && o.log_every >= 1 && o.repeats >= 1, "--batch/--log-every/--repeats");
}

void parse_bench_ops(const std::vector<std::string>& args) {
  BenchOpsOptions o;
  if (!minitorch::cli::parse_bench_ops_args(args, o)) {
    return;
  }
  require(!o.sizes.empty() && !o.dtypes.empty(), "bench ops lists");
  for (std::int64_t n : o.sizes) {
    require(n >= 1 && n <= (std::int64_t{1} << 27), "bench ops --sizes");
  }
  for (int t : o.threads) {
    require(t >= 0 && t <= 1024, "bench ops --threads");
  }
  require(o.budget_s >= 0 && o.budget_s <= 600, "bench ops --budget");
}

void parse_bench_matmul(const std::vector<std::string>& args) {
  BenchMatmulOptions o;
  if (!minitorch::cli::parse_bench_matmul_args(args, o)) {
    return;
  }
  require(!o.sizes.empty() && (o.notebook || o.square), "bench matmul");
  for (std::int64_t n : o.sizes) {
    require(n >= 1 && n <= 8192, "bench matmul --sizes");
  }
}

void parse_diagnose(const std::vector<std::string>& args) {
  DiagnoseOptions o;
  if (!minitorch::cli::parse_diagnose_args(args, o)) {
    return;
  }
  require(o.size >= 1 && o.size <= 8192, "diagnose --size");
  require(o.ops || o.trace.empty(), "diagnose --trace without --ops");
}

template <class Parse>
void expect_errors_only(Parse parse, const std::vector<std::string>& args) {
  try {
    parse(args);
  } catch (const minitorch::Error&) {
    // A refused command line: what the parser is for.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> words(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == '\n' || data[i] == '\0') {
      words.emplace_back();
    } else {
      words.back() += static_cast<char>(data[i]);
    }
  }
  if (words.size() > 256) {  // a command line is short; longer inputs only slow the search
    return 0;
  }
  auto rest = [&](std::size_t skip) {
    return std::vector<std::string>(words.begin() + static_cast<std::ptrdiff_t>(skip), words.end());
  };
  if (words[0] == "train") {
    expect_errors_only(parse_train, rest(1));
  } else if (words[0] == "diagnose") {
    expect_errors_only(parse_diagnose, rest(1));
  } else if (words[0] == "bench" && words.size() > 1 && words[1] == "ops") {
    expect_errors_only(parse_bench_ops, rest(2));
  } else if (words[0] == "bench" && words.size() > 1 && words[1] == "matmul") {
    expect_errors_only(parse_bench_matmul, rest(2));
  } else {
    expect_errors_only(parse_train, words);
    expect_errors_only(parse_bench_ops, words);
    expect_errors_only(parse_bench_matmul, words);
    expect_errors_only(parse_diagnose, words);
  }
  return 0;
}
