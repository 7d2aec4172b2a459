// Profile recording: the PrimitiveTimer's slow half, the record store behind ProfileScope,
// and MINITORCH_PROFILE=1 (record everything, print a summary at exit, optionally write a
// Chrome trace). The store is one mutex-protected vector: it is touched only while
// profiling is on, when a lock per primitive call is an accepted cost.
#include "ops/profile.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "minitorch/config.h"
#include "minitorch/error.h"

namespace minitorch {
namespace ops::profile {

constinit std::atomic<bool> g_enabled{false};

}  // namespace ops::profile

namespace {

// Equal to the default of MINITORCH_PROFILE_MAX_RECORDS (src/core/config.cpp), which only a
// MINITORCH_PROFILE run reads.
constexpr std::size_t kDefaultRecordLimit = 200000;

// Records are numbered in append order; records[0] has number first_number. A scope keeps
// the number of the first record it may see, so nested and overlapping scopes all work.
struct Store {
  std::mutex mutex;
  std::vector<ProfileRecord> records;
  std::uint64_t first_number = 0;
  int scopes = 0;
  bool from_env = false;
  std::size_t limit = kDefaultRecordLimit;
  std::uint64_t dropped = 0;
  std::vector<ProfileTotal> totals;  // kept for MINITORCH_PROFILE only; complete past limit
};

// Never destroyed, so that an exit handler and late threads can still use it.
Store& store() {
  static Store* instance = new Store;
  return *instance;
}

std::int64_t now_ns() {
  using Clock = std::chrono::steady_clock;
  static const Clock::time_point epoch = Clock::now();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - epoch).count();
}

int this_thread_number() {
  static std::atomic<int> next{0};
  thread_local int number = next.fetch_add(1, std::memory_order_relaxed) + 1;
  return number;
}

// Elements a view can reach: a stride-0 dim (a broadcast) reads the same elements again.
std::int64_t distinct_elements(const TensorData& t) {
  if (t.numel() == 0) {
    return 0;
  }
  std::int64_t n = 1;
  for (int i = 0; i < t.ndim(); ++i) {
    n *= t.strides()[i] == 0 ? 1 : t.shape()[i];
  }
  return n;
}

bool same_group(const ProfileTotal& total, const ProfileRecord& r) {
  return total.kind == r.kind && total.op == r.op && total.dtype == r.dtype &&
      total.path == r.path && total.isa == r.isa && total.threads == r.threads;
}

void add_to_totals(std::vector<ProfileTotal>& totals, const ProfileRecord& r) {
  ProfileTotal* total = nullptr;
  for (ProfileTotal& t : totals) {
    if (same_group(t, r)) {
      total = &t;
      break;
    }
  }
  if (total == nullptr) {
    totals.push_back({r.kind, r.op, r.dtype, r.path, r.isa, r.threads, 0, 0, 0, 0});
    total = &totals.back();
  }
  total->calls += 1;
  total->elements += r.elements;
  total->bytes += r.bytes;
  total->duration_ns += r.duration_ns;
}

void append(const ProfileRecord& r) {
  Store& s = store();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.scopes == 0 && !s.from_env) {
    return;  // the last scope ended while this call ran
  }
  if (s.from_env) {
    add_to_totals(s.totals, r);
  }
  if (s.records.size() >= s.limit) {
    ++s.dropped;
    return;
  }
  s.records.push_back(r);
}

std::vector<ProfileRecord> records_from(const Store& s, std::uint64_t first) {
  std::size_t skip = first > s.first_number ? static_cast<std::size_t>(first - s.first_number) : 0;
  if (skip >= s.records.size()) {
    return {};
  }
  return {s.records.begin() + static_cast<std::ptrdiff_t>(skip), s.records.end()};
}

void report_at_exit() {
  try {
    Store& s = store();
    std::lock_guard<std::mutex> lock(s.mutex);
    std::vector<ProfileTotal> totals = s.totals;
    std::sort(totals.begin(), totals.end(), [](const ProfileTotal& a, const ProfileTotal& b) {
      return a.duration_ns > b.duration_ns;
    });
    std::string table = format_profile_summary(totals);
    std::fprintf(stderr, "\nminitorch profile (MINITORCH_PROFILE=1)\n%s", table.c_str());
    if (s.dropped > 0) {
      std::fprintf(stderr, "(%llu records past the limit of %zu were not kept for the trace)\n",
                   static_cast<unsigned long long>(s.dropped), s.limit);
    }
    const std::string trace = config::profile_trace();
    if (!trace.empty()) {
      write_chrome_trace(trace, s.records);
      std::fprintf(stderr, "Chrome trace of %zu calls written to %s\n", s.records.size(),
                   trace.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "minitorch profile: %s\n", e.what());
  }
}

// MINITORCH_PROFILE=1 turns recording on before main() and reports at exit. An exception
// cannot leave a static constructor (it would terminate without a word), so a malformed
// value is reported on stderr and profiling stays off.
struct EnvSetup {
  EnvSetup() {
    try {
      if (!config::profile()) {
        return;
      }
      Store& s = store();
      s.limit = static_cast<std::size_t>(config::profile_max_records());
      s.from_env = true;
    } catch (const ConfigError& e) {
      std::fprintf(stderr, "minitorch: %s; profiling stays off\n", e.what());
      return;
    }
    ops::profile::g_enabled.store(true, std::memory_order_relaxed);
    now_ns();  // starts the trace's clock
    std::atexit(report_at_exit);
  }
};
const EnvSetup g_env_setup;

}  // namespace

namespace ops::profile {

void PrimitiveTimer::start(PrimitiveKind kind, std::string_view op, const TensorData* a,
                           const TensorData* b, const TensorData& out, int dim) {
  ProfileRecord& r = record_.emplace();
  r.kind = kind;
  r.op = op;
  r.dtype = out.dtype();
  r.output = out.shape();
  r.dim = dim;
  for (const TensorData* in : {a, b}) {
    if (in != nullptr) {
      auto i = static_cast<std::size_t>(r.num_inputs++);
      r.inputs[i] = in->shape();
      r.input_strided[i] = !in->is_contiguous();
      r.bytes += distinct_elements(*in) * element_size(in->dtype());
    }
  }
  r.bytes += out.numel() * element_size(out.dtype());
  r.elements = kind == PrimitiveKind::Reduce && a != nullptr ? a->numel() : out.numel();
  if (kind == PrimitiveKind::Matmul && a != nullptr && a->ndim() >= 2) {
    r.flops = 2 * out.numel() * a->shape()[a->ndim() - 1];
  }
  r.thread_id = this_thread_number();
  r.start_ns = now_ns();
}

void PrimitiveTimer::finish() {
  std::int64_t end = now_ns();
  ProfileRecord& r = *record_;
  r.duration_ns = end - r.start_ns;
  const PrimitiveReport& report = primitive_report();
  r.path = report.path;
  r.isa = report.isa;
  r.threads = report.threads;
  try {
    append(r);
  } catch (...) {  // out of memory: a destructor must not throw, so the record is lost
    std::lock_guard<std::mutex> lock(store().mutex);
    ++store().dropped;
  }
}

}  // namespace ops::profile

ProfileScope::ProfileScope() {
  Store& s = store();
  std::lock_guard<std::mutex> lock(s.mutex);
  first_ = s.first_number + s.records.size();
  ++s.scopes;
  ops::profile::g_enabled.store(true, std::memory_order_relaxed);
}

ProfileScope::~ProfileScope() { stop(); }

std::vector<ProfileRecord> ProfileScope::records() const {
  if (!active_) {
    return {};
  }
  Store& s = store();
  std::lock_guard<std::mutex> lock(s.mutex);
  return records_from(s, first_);
}

std::vector<ProfileRecord> ProfileScope::stop() {
  if (!active_) {
    return {};
  }
  active_ = false;
  Store& s = store();
  std::lock_guard<std::mutex> lock(s.mutex);
  std::vector<ProfileRecord> mine = records_from(s, first_);
  if (--s.scopes == 0 && !s.from_env) {
    ops::profile::g_enabled.store(false, std::memory_order_relaxed);
    s.first_number += s.records.size();
    s.records.clear();
    s.records.shrink_to_fit();
  }
  return mine;
}

bool profiling_enabled() { return ops::profile::profiling_enabled(); }

void set_profile_record_limit(std::size_t limit) {
  std::lock_guard<std::mutex> lock(store().mutex);
  store().limit = limit;
}

std::uint64_t profile_records_dropped() {
  std::lock_guard<std::mutex> lock(store().mutex);
  return store().dropped;
}

std::vector<ProfileTotal> summarize(const std::vector<ProfileRecord>& records) {
  std::vector<ProfileTotal> totals;
  for (const ProfileRecord& r : records) {
    add_to_totals(totals, r);
  }
  std::sort(totals.begin(), totals.end(), [](const ProfileTotal& a, const ProfileTotal& b) {
    return a.duration_ns > b.duration_ns;
  });
  return totals;
}

}  // namespace minitorch
