// The subcommands of the minitorch program; each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace minitorch::cli {

int diagnose(const std::vector<std::string>& args);

}  // namespace minitorch::cli
