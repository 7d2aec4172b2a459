// The profiler: what a record holds for each primitive (shapes, napkin-math bytes, the
// backend's report), scope nesting, the tables, the Chrome trace (parsed back with the
// library's JSON reader) and MINITORCH_PROFILE=1 in a child process.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "minitorch/minitorch.h"
#include "minitorch/profiler.h"
#include "nn/json.h"

namespace minitorch {
namespace {

// The trace is parsed back with the library's JSON reader (the one safetensors headers use).
using Json = nn::json::Value;
using Kind = Json::Kind;

const Json& at(const Json& value, const std::string& key) {
  const Json* member = value.find(key);
  if (member == nullptr) {
    throw std::runtime_error("json: no member '" + key + "'");
  }
  return *member;
}

double number(const Json& value) {
  EXPECT_EQ(value.kind, Kind::Number);
  return std::stod(value.text);
}

// Checks the trace against the Chrome trace event format and returns its events.
std::vector<Json> check_chrome_trace(const std::string& text) {
  Json doc = nn::json::parse(text, "trace");
  EXPECT_EQ(doc.kind, Kind::Object);
  EXPECT_EQ(at(doc, "displayTimeUnit").text, "ns");
  const Json& events = at(doc, "traceEvents");
  EXPECT_EQ(events.kind, Kind::Array);
  for (const Json& e : events.array) {
    EXPECT_EQ(at(e, "ph").text, "X");
    EXPECT_EQ(at(e, "cat").text, "primitive");
    EXPECT_EQ(at(e, "name").kind, Kind::String);
    EXPECT_EQ(at(e, "ts").kind, Kind::Number);
    EXPECT_GE(number(at(e, "dur")), 0.0);
    EXPECT_EQ(number(at(e, "pid")), 1.0);
    EXPECT_GE(number(at(e, "tid")), 1.0);
    const Json& args = at(e, "args");
    for (const char* key : {"dtype", "shapes", "path", "isa"}) {
      EXPECT_EQ(at(args, key).kind, Kind::String) << key;
    }
    for (const char* key : {"threads", "elements", "bytes", "GB/s"}) {
      EXPECT_EQ(at(args, key).kind, Kind::Number) << key;
    }
  }
  return events.array;
}

const ProfileRecord* find(const std::vector<ProfileRecord>& records, const std::string& name) {
  for (const ProfileRecord& r : records) {
    if (r.name() == name) {
      return &r;
    }
  }
  return nullptr;
}

// ---- Tests ---------------------------------------------------------------------------

TEST(Profiler, OffByDefaultAndRecordsNothing) {
  EXPECT_FALSE(profiling_enabled());
  Tensor a = ones({4});
  Tensor b = a + a;
  ProfileScope scope;
  EXPECT_TRUE(profiling_enabled());
  EXPECT_TRUE(scope.records().empty());
  scope.stop();
  EXPECT_FALSE(profiling_enabled());
}

TEST(Profiler, RecordsEachPrimitiveWithShapesBytesAndReport) {
  Tensor a = rand({3, 4});
  Tensor b = rand({4});
  Tensor w = rand({4, 2}, {.dtype = kFloat32});
  ProfileScope scope;
  Tensor c = a + b;
  Tensor e = c.exp();
  Tensor s = c.sum(1);
  Tensor m = a.matmul(w);
  std::vector<ProfileRecord> records = scope.stop();

  const ProfileRecord* zip = find(records, "zip(add)");
  ASSERT_NE(zip, nullptr);
  EXPECT_EQ(zip->kind, PrimitiveKind::Zip);
  EXPECT_EQ(zip->dtype, kFloat32);
  EXPECT_EQ(zip->num_inputs, 2);
  EXPECT_EQ(zip->shapes(), "[3, 4] + [4] -> [3, 4]");
  EXPECT_EQ(zip->elements, 12);
  EXPECT_EQ(zip->bytes, (12 + 4 + 12) * 4);  // b is read once however often it broadcasts
  EXPECT_FALSE(zip->path.empty());
  EXPECT_FALSE(zip->isa.empty());
  EXPECT_GE(zip->threads, 1);
  EXPECT_GE(zip->duration_ns, 0);
  EXPECT_GE(zip->thread_id, 1);

  const ProfileRecord* map = find(records, "map(exp)");
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->bytes, 2 * 12 * 4);

  const ProfileRecord* reduce = find(records, "reduce(sum)");
  ASSERT_NE(reduce, nullptr);
  EXPECT_EQ(reduce->dim, 1);
  EXPECT_EQ(reduce->elements, 12);
  EXPECT_EQ(reduce->bytes, (12 + 3) * 4);
  EXPECT_EQ(reduce->shapes(), "[3, 4] dim 1 -> [3, 1]");

  const ProfileRecord* matmul = find(records, "matmul");
  ASSERT_NE(matmul, nullptr);
  EXPECT_EQ(matmul->flops, 2 * 3 * 2 * 4);
  EXPECT_EQ(matmul->bytes, (12 + 8 + 6) * 4);
  EXPECT_EQ(matmul->shapes(), "[3, 4] @ [4, 2] -> [3, 2]");

  for (std::size_t i = 1; i < records.size(); ++i) {
    EXPECT_GE(records[i].start_ns, records[i - 1].start_ns);
  }
}

TEST(Profiler, MarksStridedOperandsAndCountsBroadcastBytesOnce) {
  Tensor a = rand({8, 8}, {.dtype = kFloat64});
  Tensor col = rand({8, 1}, {.dtype = kFloat64});
  Tensor row = rand({1, 8}, {.dtype = kFloat64});
  ProfileScope scope;
  Tensor t = a + a.transpose(0, 1);
  Tensor outer = col * row;
  std::vector<ProfileRecord> records = scope.stop();
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].shapes(), "[8, 8] + [8, 8]* -> [8, 8]");
  EXPECT_TRUE(records[0].input_strided[1]);
  EXPECT_EQ(records[0].bytes, 3 * 64 * 8);
  EXPECT_EQ(records[1].name(), "zip(mul)");
  EXPECT_EQ(records[1].dtype, kFloat64);
  EXPECT_EQ(records[1].bytes, (8 + 8 + 64) * 8);
}

TEST(Profiler, RecordsCopyAndFill) {
  Tensor a = rand({5, 6});
  ProfileScope scope;
  Tensor c = a.transpose(0, 1).contiguous();
  Tensor d = a.to(kFloat64);
  c.fill_(1.0);
  std::vector<ProfileRecord> records = scope.stop();
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[0].name(), "copy");
  EXPECT_TRUE(records[0].input_strided[0]);
  EXPECT_EQ(records[1].dtype, kFloat64);
  EXPECT_EQ(records[1].bytes, 30 * 4 + 30 * 8);
  EXPECT_EQ(records[2].name(), "fill");
  EXPECT_EQ(records[2].num_inputs, 0);
  EXPECT_EQ(records[2].bytes, 30 * 4);
}

TEST(Profiler, ScopesNest) {
  Tensor a = ones({16});
  ProfileScope outer;
  Tensor b = a.neg();
  std::vector<ProfileRecord> inner_records;
  {
    ProfileScope inner;
    Tensor c = a.exp();
    inner_records = inner.records();
  }
  EXPECT_TRUE(profiling_enabled());
  Tensor d = a.relu();
  std::vector<ProfileRecord> outer_records = outer.stop();
  EXPECT_FALSE(profiling_enabled());
  ASSERT_EQ(inner_records.size(), 1U);
  EXPECT_EQ(inner_records[0].name(), "map(exp)");
  ASSERT_EQ(outer_records.size(), 3U);
  EXPECT_EQ(outer_records[0].name(), "map(neg)");
  EXPECT_EQ(outer_records[2].name(), "map(relu)");
  EXPECT_TRUE(outer.stop().empty());
}

TEST(Profiler, TablesNameOpsAndGroupTotals) {
  Tensor a = rand({32, 32});
  ProfileScope scope;
  for (int i = 0; i < 3; ++i) {
    Tensor b = a + a;
  }
  Tensor s = a.sum(0);
  std::vector<ProfileRecord> records = scope.stop();
  std::string table = format_profile_table(records, {10.0, 10.0, 10.0});
  EXPECT_NE(table.find("zip(add)"), std::string::npos) << table;
  EXPECT_NE(table.find("%bw"), std::string::npos) << table;
  EXPECT_NE(table.find("[32, 32] dim 0 -> [1, 32]"), std::string::npos) << table;
  std::vector<ProfileTotal> totals = summarize(records);
  ASSERT_EQ(totals.size(), 2U);
  std::int64_t zip_calls = totals[0].kind == PrimitiveKind::Zip ? totals[0].calls : totals[1].calls;
  EXPECT_EQ(zip_calls, 3);
  std::string summary = format_profile_summary(totals);
  EXPECT_NE(summary.find("total"), std::string::npos) << summary;
}

TEST(Profiler, ChromeTraceParsesBack) {
  Tensor a = rand({4, 5});
  ProfileScope scope;
  Tensor b = (a * a).sum(1).exp();
  Tensor m = a.matmul(a.transpose(0, 1));
  std::vector<ProfileRecord> records = scope.stop();
  std::ostringstream out;
  write_chrome_trace(out, records);
  std::vector<Json> events = check_chrome_trace(out.str());
  ASSERT_EQ(events.size(), records.size());
  EXPECT_EQ(at(events[0], "name").text, "zip(mul)");
  EXPECT_EQ(at(at(events[0], "args"), "shapes").text, "[4, 5] + [4, 5] -> [4, 5]");
  EXPECT_EQ(number(at(at(events[0], "args"), "bytes")), 3 * 20 * 4);
  EXPECT_TRUE(check_chrome_trace("{\"traceEvents\":[],\"displayTimeUnit\":\"ns\"}").empty());
  EXPECT_THROW(write_chrome_trace("/nonexistent-dir/trace.json", records), Error);
}

TEST(Profiler, EnvironmentRecordsTheWholeRunAndReportsAtExit) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // re-executes: static set-up reads the env
  std::string trace = ::testing::TempDir() + "minitorch_profile_test_trace.json";
  std::remove(trace.c_str());
  setenv("MINITORCH_PROFILE", "1", 1);
  setenv("MINITORCH_PROFILE_TRACE", trace.c_str(), 1);
  EXPECT_EXIT(
      {
        Tensor a = ones({64});
        for (int i = 0; i < 5; ++i) {
          a = a + a;
        }
        std::exit(profiling_enabled() ? 0 : 3);
      },
      ::testing::ExitedWithCode(0), "minitorch profile \\(MINITORCH_PROFILE=1\\)");
  unsetenv("MINITORCH_PROFILE");
  unsetenv("MINITORCH_PROFILE_TRACE");
  std::ifstream file(trace);
  ASSERT_TRUE(file.good()) << trace;
  std::stringstream text;
  text << file.rdbuf();
  std::vector<Json> events = check_chrome_trace(text.str());
  int adds = 0;
  for (const Json& e : events) {
    adds += at(e, "name").text == "zip(add)" ? 1 : 0;
  }
  EXPECT_EQ(adds, 5);
  std::remove(trace.c_str());
}

}  // namespace
}  // namespace minitorch
