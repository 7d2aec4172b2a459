// Placeholder until its issue lands.
#include <cstdio>

#include "commands.h"

namespace minitorch::cli {

int bench_ops(const std::vector<std::string>& /*args*/) {
  std::fputs("minitorch: 'bench_ops' is not implemented yet\n", stderr);
  return 2;
}

}  // namespace minitorch::cli
