// minitorch: the command-line program. Dispatches to one subcommand per file. A command line
// it cannot act on (UsageError) exits 2 with one line on stderr; a failure while running, 1.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli_args.h"
#include "commands.h"
#include "minitorch/error.h"

namespace {

void print_usage() {
  std::puts(
      "usage: minitorch <command> [options]\n"
      "\n"
      "commands:\n"
      "  train      train a classifier on a built-in 2-D dataset\n"
      "  bench      benchmarks: 'bench ops' (map/zip/reduce), 'bench matmul'\n"
      "  diagnose   version, build, CPU, SIMD, usable CPUs, MINITORCH_* variables, devices\n"
      "\n"
      "Run 'minitorch <command> --help' for a command's options.");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage();
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "diagnose") {
      return minitorch::cli::diagnose(args);
    }
    if (command == "train") {
      return minitorch::cli::train(args);
    }
    if (command == "bench") {
      return minitorch::cli::bench(args);
    }
  } catch (const minitorch::cli::UsageError& e) {
    // Already "<command>: <flag>: expected ..., got '...'", on one line.
    std::fprintf(stderr, "minitorch %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "minitorch %s: %s\n", command.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr, "minitorch: unknown command '%s'\n\n", command.c_str());
  print_usage();
  return 2;
}
