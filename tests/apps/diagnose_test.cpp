// `minitorch diagnose` lists every MINITORCH_* variable with its value and source, and exits
// 1 naming a malformed one. Runs the program (MT_CLI_PATH) in a clean environment through
// the shell, with the variables the case sets.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "minitorch/config.h"

namespace minitorch {
namespace {

struct CliRun {
  int status = -1;
  std::string output;  // stdout and stderr
};

CliRun diagnose_with(const std::string& assignments) {
  std::string command = "env";
  for (const config::Variable& v : config::variables()) {
    command += " -u " + std::string(v.name);
  }
  command += " " + assignments + " '" MT_CLI_PATH "' diagnose 2>&1";
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return run;
  }
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    run.output.append(buffer, n);
  }
  const int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// The line of the listing that names name.
std::string line_of(const std::string& output, std::string_view name) {
  const std::size_t at = output.find("  " + std::string(name) + " ");
  if (at == std::string::npos) {
    return "";
  }
  return output.substr(at, output.find('\n', at) - at);
}

TEST(Diagnose, ListsEveryVariableWithValueAndSource) {
  const CliRun run = diagnose_with("MINITORCH_NUM_THREADS=3 MINITORCH_PROFILE_TRACE=/tmp/t.json");
  ASSERT_EQ(run.status, 0) << run.output;
  for (const config::Variable& v : config::variables()) {
    EXPECT_NE(line_of(run.output, v.name), "") << v.name << " missing from\n" << run.output;
  }
  EXPECT_NE(line_of(run.output, "MINITORCH_NUM_THREADS").find(" 3 [environment]"),
            std::string::npos)
      << run.output;
  EXPECT_NE(line_of(run.output, "MINITORCH_PROFILE_TRACE").find(" /tmp/t.json [environment]"),
            std::string::npos)
      << run.output;
  // Unset: the default and its source.
  EXPECT_NE(line_of(run.output, "MINITORCH_HUGEPAGES").find(" 1 [default]"), std::string::npos)
      << run.output;
  EXPECT_NE(line_of(run.output, "MINITORCH_SIMD").find(" the best the CPU has [default]"),
            std::string::npos)
      << run.output;
}

TEST(Diagnose, MalformedValueIsNamedAndExitsOne) {
  const CliRun run = diagnose_with("MINITORCH_SIMD=avx9");
  EXPECT_EQ(run.status, 1) << run.output;
  EXPECT_NE(line_of(run.output, "MINITORCH_SIMD").find("avx9 [environment]  MALFORMED"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("minitorch diagnose: MINITORCH_SIMD: expected scalar, avx2 or "
                            "avx512, got 'avx9' (from the environment)"),
            std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace minitorch
