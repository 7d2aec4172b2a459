// `minitorch bench <what>`: dispatches to one benchmark per file.
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"

namespace minitorch::cli {

int bench(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::puts(
        "usage: minitorch bench <ops|matmul|conv|dist> [options]\n\n"
        "  ops      map/zip/reduce GB/s against a STREAM-style bandwidth measured in the same run\n"
        "  matmul   the lecture notebook's matmul workload and square sizes, against OpenBLAS\n"
        "  conv     conv2d forward + backward GFLOP/s against the FMA peak measured in the same "
        "run\n"
        "  dist     threads or processes: the big matmul and a training epoch, alone or under\n"
        "           mpirun (bench/dist_compare.sh runs both)\n\n"
        "Run 'minitorch bench <what> --help' for its options.");
    return args.empty() ? 2 : 0;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "ops") {
    return bench_ops(rest);
  }
  if (args[0] == "matmul") {
    return bench_matmul(rest);
  }
  if (args[0] == "conv") {
    return bench_conv(rest);
  }
  if (args[0] == "dist") {
    return bench_dist(rest);
  }
  std::fprintf(stderr, "minitorch bench: unknown benchmark '%s' (ops, matmul, conv, dist)\n",
               args[0].c_str());
  return 2;
}

}  // namespace minitorch::cli
