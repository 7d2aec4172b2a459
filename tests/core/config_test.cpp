// The MINITORCH_* module (minitorch/config.h): parsing of every kind of variable, typed
// errors naming the variable, the value and what is allowed, sources, overrides, the listing,
// README's table, and cpu_features(). Values are set through test overrides, so the
// environment of the test run does not matter.
#include "minitorch/config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "minitorch/error.h"
#include "minitorch/system_info.h"
#include "minitorch/threading.h"

namespace minitorch::config {
namespace {

// The ConfigError thrown by read(), which must name the variable, the value and what is
// allowed; "" when nothing is thrown.
template <class Read>
std::string config_error(Read read) {
  try {
    read();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

void expect_rejected(const char* name, const char* value, const char* allowed, auto read) {
  ScopedOverride set(name, value);
  const std::string message = config_error(read);
  SCOPED_TRACE(std::string(name) + "=" + value);
  ASSERT_FALSE(message.empty()) << "accepted";
  EXPECT_NE(message.find(name), std::string::npos) << message;
  EXPECT_NE(message.find(std::string("'") + value + "'"), std::string::npos) << message;
  EXPECT_NE(message.find(allowed), std::string::npos) << message;
}

TEST(Config, IntegersParseWithinTheirRange) {
  {
    ScopedOverride set("MINITORCH_NUM_THREADS", "3");
    EXPECT_EQ(num_threads(), 3);
  }
  {
    ScopedOverride set("MINITORCH_NUM_THREADS", "1024");
    EXPECT_EQ(num_threads(), 1024);
  }
  {
    ScopedOverride set("MINITORCH_NUM_THREADS", "");
    EXPECT_EQ(num_threads(), std::nullopt);
  }
  for (const char* bad :
       {"0", "1025", "-2", "abc", "3x", " 3", "+3", "1e2", "99999999999999999999"}) {
    expect_rejected("MINITORCH_NUM_THREADS", bad, "an integer in 1..1024", [] { num_threads(); });
  }
  {
    ScopedOverride set("MINITORCH_PROFILE_MAX_RECORDS", "0");
    EXPECT_EQ(profile_max_records(), 0);
  }
  expect_rejected("MINITORCH_PROFILE_MAX_RECORDS", "-1", "0..1000000000",
                  [] { profile_max_records(); });
  {
    ScopedOverride set("MINITORCH_TEST_SEED", "9223372036854775807");
    EXPECT_EQ(test_seed(), 9223372036854775807u);
  }
  expect_rejected("MINITORCH_CUDA_CASES", "0", "1..1000000", [] { cuda_cases(); });
  expect_rejected("MINITORCH_TEST_CASES", "0", "1..1000000", [] { test_cases(); });
  expect_rejected("MINITORCH_TEST_GRAPH_NODES", "many", "1..1000000000",
                  [] { test_graph_nodes(); });
  expect_rejected("MINITORCH_RANK", "-1", "0..1048575", [] { rank(); });
}

TEST(Config, LiteralDefaultsApplyWhenUnset) {
  for (const char* name :
       {"MINITORCH_HUGEPAGES", "MINITORCH_PROFILE", "MINITORCH_CUDA_CASES", "MINITORCH_TEST_SEED",
        "MINITORCH_PROFILE_MAX_RECORDS", "MINITORCH_CUDA_MATMUL_ORDER", "MINITORCH_WORLD_SIZE"}) {
    set_override(name, "");
  }
  EXPECT_TRUE(huge_pages());
  EXPECT_FALSE(profile());
  EXPECT_EQ(cuda_cases(), 1000);
  EXPECT_EQ(test_seed(), 20261121u);
  EXPECT_EQ(profile_max_records(), 200000);
  EXPECT_EQ(cuda_matmul_order(), CudaMatmulOrder::Grouped);
  EXPECT_EQ(world_size(), std::nullopt);
  for (const char* name :
       {"MINITORCH_HUGEPAGES", "MINITORCH_PROFILE", "MINITORCH_CUDA_CASES", "MINITORCH_TEST_SEED",
        "MINITORCH_PROFILE_MAX_RECORDS", "MINITORCH_CUDA_MATMUL_ORDER", "MINITORCH_WORLD_SIZE"}) {
    clear_override(name);
  }
}

TEST(Config, FlagsTakeZeroOneAndTheirSpellings) {
  for (const char* on : {"1", "true", "on", "yes"}) {
    ScopedOverride set("MINITORCH_HUGEPAGES", on);
    EXPECT_TRUE(huge_pages()) << on;
  }
  for (const char* off : {"0", "false", "off", "no"}) {
    ScopedOverride set("MINITORCH_PROFILE", off);
    EXPECT_FALSE(profile()) << off;
  }
  for (const char* bad : {"2", "maybe", "TRUE", "00"}) {
    expect_rejected("MINITORCH_HUGEPAGES", bad, "0 or 1", [] { huge_pages(); });
  }
}

TEST(Config, ChoicesParseToTheirEnum) {
  const std::pair<const char*, SimdLevel> levels[] = {
      {"scalar", SimdLevel::Scalar}, {"avx2", SimdLevel::Avx2}, {"avx512", SimdLevel::Avx512}};
  for (const auto& [text, level] : levels) {
    ScopedOverride simd_set("MINITORCH_SIMD", text);
    ScopedOverride isa_set("MINITORCH_MATMUL_ISA", text);
    EXPECT_EQ(simd(), level) << text;
    EXPECT_EQ(matmul_isa(), level) << text;
  }
  {
    ScopedOverride set("MINITORCH_CUDA_MATMUL_ORDER", "rows");
    EXPECT_EQ(cuda_matmul_order(), CudaMatmulOrder::Rows);
  }
  expect_rejected("MINITORCH_SIMD", "avx9", "scalar, avx2 or avx512", [] { simd(); });
  expect_rejected("MINITORCH_MATMUL_ISA", "AVX2", "scalar, avx2 or avx512", [] { matmul_isa(); });
  expect_rejected("MINITORCH_CUDA_MATMUL_ORDER", "columns", "grouped or rows",
                  [] { cuda_matmul_order(); });
}

TEST(Config, SecondsArePositiveAndFinite) {
  {
    ScopedOverride set("MINITORCH_DIST_TIMEOUT", "0.25");
    EXPECT_EQ(dist_timeout(), std::chrono::milliseconds(250));
  }
  {
    ScopedOverride set("MINITORCH_DIST_TIMEOUT", "60");
    EXPECT_EQ(dist_timeout(), std::chrono::milliseconds(60000));
  }
  for (const char* bad : {"0", "-1", "inf", "nan", "1e8", "5s"}) {
    expect_rejected("MINITORCH_DIST_TIMEOUT", bad, "seconds in (0, 1e7]", [] { dist_timeout(); });
  }
}

TEST(Config, TextIsTakenAsIs) {
  ScopedOverride set("MINITORCH_PROFILE_TRACE", "/tmp/a b.json");
  EXPECT_EQ(profile_trace(), "/tmp/a b.json");
  ScopedOverride none("MINITORCH_NCCL_ID_FILE", "");
  EXPECT_EQ(nccl_id_file(), "");
}

TEST(Config, ConfigErrorIsAValueErrorAndSaysWhereTheValueCameFrom) {
  ScopedOverride set("MINITORCH_SIMD", "avx9");
  EXPECT_THROW(simd(), ValueError);
  EXPECT_NE(config_error([] { simd(); }).find("test override"), std::string::npos);
  // A malformed value never turns into the default: every read throws.
  EXPECT_THROW(simd(), ConfigError);
}

TEST(Config, EnvironmentIsReadOnceUntilReload) {
  ASSERT_EQ(setenv("MINITORCH_TEST_GRAPH_NODES", "12", 1), 0);
  reload();
  EXPECT_EQ(test_graph_nodes(), 12);
  ASSERT_EQ(setenv("MINITORCH_TEST_GRAPH_NODES", "13", 1), 0);
  EXPECT_EQ(test_graph_nodes(), 12) << "cached";
  {
    ScopedOverride set("MINITORCH_TEST_GRAPH_NODES", "14");
    EXPECT_EQ(test_graph_nodes(), 14) << "an override wins";
  }
  EXPECT_EQ(test_graph_nodes(), 13) << "the override's end reads the environment again";
  reload();
  EXPECT_EQ(test_graph_nodes(), 13);
  ASSERT_EQ(setenv("MINITORCH_TEST_GRAPH_NODES", "lots", 1), 0);
  reload();
  expect_rejected("MINITORCH_TEST_GRAPH_NODES", "x", "1..1000000000", [] { test_graph_nodes(); });
  const std::string message = config_error([] { test_graph_nodes(); });
  EXPECT_NE(message.find("'lots' (from the environment)"), std::string::npos) << message;
  ASSERT_EQ(unsetenv("MINITORCH_TEST_GRAPH_NODES"), 0);
  reload();
  EXPECT_EQ(test_graph_nodes(), std::nullopt);
}

TEST(Config, ScopedOverridesNestAndRestore) {
  ScopedOverride outer("MINITORCH_CUDA_CASES", "7");
  {
    ScopedOverride inner("MINITORCH_CUDA_CASES", "8");
    EXPECT_EQ(cuda_cases(), 8);
  }
  EXPECT_EQ(cuda_cases(), 7);
}

TEST(Config, UnknownNamesAreConfigErrors) {
  EXPECT_THROW(set_override("MINITORCH_NUM_THREAD", "2"), ConfigError);
  EXPECT_THROW(clear_override("PATH"), ConfigError);
  EXPECT_THROW(ScopedOverride("MINITORCH_SIMDD", "avx2"), ConfigError);
}

TEST(Config, TableHasOneWellFormedRowPerVariable) {
  std::set<std::string_view> names;
  for (const Variable& v : variables()) {
    EXPECT_TRUE(v.name.starts_with("MINITORCH_")) << v.name;
    EXPECT_TRUE(names.insert(v.name).second) << "twice: " << v.name;
    for (std::string_view field : {v.area, v.allowed, v.default_value, v.meaning}) {
      EXPECT_FALSE(field.empty()) << v.name;
    }
    const std::set<std::string_view> areas{"cpu", "profiler", "dist", "cuda", "data", "tests"};
    EXPECT_TRUE(areas.contains(v.area)) << v.name << ": " << v.area;
  }
  EXPECT_GE(names.size(), 16u);
}

TEST(Config, SettingsListEveryVariableWithValueAndSource) {
  ScopedOverride threads("MINITORCH_NUM_THREADS", "2");
  ScopedOverride simd_level("MINITORCH_SIMD", "avx9");
  ScopedOverride trace("MINITORCH_PROFILE_TRACE", "");
  const std::vector<Setting> all = settings();  // never throws, also for a malformed value
  ASSERT_EQ(all.size(), variables().size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].variable->name, variables()[i].name);
    const std::string_view name = all[i].variable->name;
    if (name == "MINITORCH_NUM_THREADS") {
      EXPECT_EQ(all[i].value, "2");
      EXPECT_EQ(all[i].source, Source::Override);
      EXPECT_EQ(all[i].error, "");
    } else if (name == "MINITORCH_SIMD") {
      EXPECT_EQ(all[i].value, "avx9");
      EXPECT_NE(all[i].error.find("MINITORCH_SIMD: expected scalar, avx2 or avx512, got 'avx9'"),
                std::string::npos)
          << all[i].error;
    } else if (name == "MINITORCH_PROFILE_TRACE") {
      EXPECT_EQ(all[i].value, "");
      EXPECT_EQ(all[i].source, Source::Default);
    }
  }
  EXPECT_EQ(to_string(Source::Default), "default");
  EXPECT_EQ(to_string(Source::Environment), "environment");
  EXPECT_EQ(to_string(Source::Override), "override");
}

TEST(Config, ConcurrentReadsAgree) {
  ScopedOverride set("MINITORCH_PROFILE_MAX_RECORDS", "4321");
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (std::size_t t = 0; t < wrong.size(); ++t) {
    threads.emplace_back([&wrong, t] {
      for (int i = 0; i < 2000; ++i) {
        if (t == 0 && i % 100 == 0) {
          reload();  // the override stays; the cache is refilled under the readers
        }
        wrong[t] += profile_max_records() == 4321 ? 0 : 1;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(std::count(wrong.begin(), wrong.end(), 0), static_cast<long>(wrong.size()));
}

// The thread count is read when the pool is configured: a malformed value reaches the caller
// as ConfigError instead of a silent default.
TEST(Config, MalformedThreadCountReachesTheCaller) {
  set_num_threads(2);
  {
    ScopedOverride set("MINITORCH_NUM_THREADS", "many");
    EXPECT_THROW(set_num_threads(0), ConfigError);  // back to the default: reads the variable
    EXPECT_EQ(get_num_threads(), 2) << "unchanged by the failed call";
  }
  set_num_threads(0);
  EXPECT_GE(get_num_threads(), 1);
}

// README.md's "Environment variables" table is the documentation of this module: one row
// per variable, in the module's order, with the same words.
TEST(Config, ReadmeTableMatchesTheModule) {
  std::ifstream file(std::string(MT_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(file.good());
  std::vector<std::string> rows;
  std::string line;
  while (std::getline(file, line)) {
    if (line.starts_with("| `MINITORCH_")) {
      rows.push_back(line);
    }
  }
  ASSERT_EQ(rows.size(), variables().size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Variable& v = variables()[i];
    const std::string want = "| `" + std::string(v.name) + "` | " + std::string(v.area) + " | " +
        std::string(v.allowed) + " | " + std::string(v.default_value) + " | " +
        std::string(v.meaning) + " |";
    EXPECT_EQ(rows[i], want) << "README row " << i;
  }
}

TEST(CpuFeatures, LevelsFollowTheFeatures) {
  const CpuFeatures& f = cpu_features();
  EXPECT_EQ(&f, &cpu_features()) << "read once";
  EXPECT_TRUE(f.supports(SimdLevel::Scalar));
  EXPECT_EQ(f.supports(SimdLevel::Avx2), f.avx2 && f.fma);
  EXPECT_EQ(f.supports(SimdLevel::Avx512),
            f.avx512f && f.avx512dq && f.avx512bw && f.avx512vl && f.fma);
  EXPECT_TRUE(f.supports(f.best_level()));
  if (f.best_level() == SimdLevel::Scalar) {
    EXPECT_FALSE(f.has_avx2_fma());
  }
  EXPECT_EQ(cpu_info().simd, f.names());
  const std::vector<std::string> names = f.names();
  EXPECT_EQ(std::find(names.begin(), names.end(), "avx2") != names.end(), f.avx2);
  EXPECT_EQ(to_string(SimdLevel::Scalar), "scalar");
  EXPECT_EQ(to_string(SimdLevel::Avx2), "avx2");
  EXPECT_EQ(to_string(SimdLevel::Avx512), "avx512");
}

}  // namespace
}  // namespace minitorch::config
