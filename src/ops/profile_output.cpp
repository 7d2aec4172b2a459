// Profile output: record names and shapes as text, the per-call and summary tables, and the
// Chrome trace JSON. Everything here runs after the calls were timed, never on the hot path.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "minitorch/error.h"
#include "minitorch/profiler.h"

namespace minitorch {
namespace {

std::string format(const char* fmt, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, fmt, value);
  return buffer;
}

// Decimal units, as GB/s is: 512 B, 4.1 kB, 16.8 MB, 1.07 GB.
std::string human_bytes(double bytes) {
  if (bytes < 1e3) {
    return format("%.0f B", bytes);
  }
  if (bytes < 1e6) {
    return format("%.1f kB", bytes / 1e3);
  }
  if (bytes < 1e9) {
    return format("%.1f MB", bytes / 1e6);
  }
  return format("%.2f GB", bytes / 1e9);
}

double rate(std::int64_t bytes, std::int64_t ns) {
  return ns > 0 ? static_cast<double>(bytes) / static_cast<double>(ns) : 0.0;
}

std::string label(PrimitiveKind kind, std::string_view op) {
  std::string name(to_string(kind));
  return op.empty() ? name : name + "(" + std::string(op) + ")";
}

void write_json_string(std::ostream& out, std::string_view text) {
  out << '"';
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out << '\\' << c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
      out << buffer;
    } else {
      out << c;
    }
  }
  out << '"';
}

}  // namespace

std::string format_duration(double ns) {
  if (ns < 1e3) {
    return format("%.0f ns", ns);
  }
  if (ns < 1e6) {
    return format("%.2f us", ns / 1e3);
  }
  if (ns < 1e9) {
    return format("%.2f ms", ns / 1e6);
  }
  return format("%.2f s", ns / 1e9);
}

std::string format_table(const std::vector<std::vector<std::string>>& rows, std::size_t left) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) {
      width[c] = std::max(width[c], row[c].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::string pad(width[c] - row[c].size(), ' ');
      line += c == 0 ? "" : "  ";
      line += c < left ? row[c] + pad : pad + row[c];
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out += line + "\n";
  }
  return out;
}

std::string_view to_string(PrimitiveKind kind) {
  switch (kind) {
    case PrimitiveKind::Map:
      return "map";
    case PrimitiveKind::Zip:
      return "zip";
    case PrimitiveKind::Reduce:
      return "reduce";
    case PrimitiveKind::Matmul:
      return "matmul";
    case PrimitiveKind::Copy:
      return "copy";
    case PrimitiveKind::Fill:
      return "fill";
  }
  return "?";
}

std::string ProfileRecord::name() const { return label(kind, op); }

std::string ProfileRecord::shapes() const {
  const char* join = kind == PrimitiveKind::Matmul ? " @ "
      : kind == PrimitiveKind::Zip                 ? " + "
                                                   : "";
  std::string text;
  for (std::size_t i = 0; i < static_cast<std::size_t>(num_inputs); ++i) {
    text += (i == 0 ? "" : join) + to_string(inputs[i]) + (input_strided[i] ? "*" : "");
  }
  if (kind == PrimitiveKind::Reduce) {
    text += " dim " + std::to_string(dim);
  }
  return text + (text.empty() ? "-> " : " -> ") + to_string(output);
}

double ProfileRecord::gb_per_s() const { return rate(bytes, duration_ns); }

namespace {

double reference_for(PrimitiveKind kind, const BandwidthReference& reference) {
  switch (kind) {
    case PrimitiveKind::Map:
    case PrimitiveKind::Copy:
    case PrimitiveKind::Fill:
      return reference.copy;
    case PrimitiveKind::Zip:
      return reference.add;
    case PrimitiveKind::Reduce:
      return reference.read;
    case PrimitiveKind::Matmul:
      return 0.0;
  }
  return 0.0;
}

}  // namespace

std::string format_profile_table(const std::vector<ProfileRecord>& records,
                                 const BandwidthReference& reference) {
  bool with_bw = reference.copy > 0.0 || reference.add > 0.0 || reference.read > 0.0;
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"op", "dtype", "shapes (* = strided)", "path", "isa", "thr", "elements", "bytes",
                  "time", "GB/s"});
  if (with_bw) {
    rows.back().push_back("%bw");
  }
  for (const ProfileRecord& r : records) {
    rows.push_back({r.name(), std::string(to_string(r.dtype)), r.shapes(), std::string(r.path),
                    std::string(r.isa), std::to_string(r.threads), std::to_string(r.elements),
                    human_bytes(static_cast<double>(r.bytes)),
                    format_duration(static_cast<double>(r.duration_ns)),
                    format("%.2f", r.gb_per_s())});
    double bw = reference_for(r.kind, reference);
    if (with_bw) {
      rows.back().push_back(bw > 0.0 ? format("%.0f%%", 100.0 * r.gb_per_s() / bw) : "-");
    }
  }
  return format_table(rows, 5);
}

std::string format_profile_summary(const std::vector<ProfileTotal>& totals) {
  std::int64_t all_ns = 0;
  for (const ProfileTotal& t : totals) {
    all_ns += t.duration_ns;
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"op", "dtype", "path", "isa", "thr", "calls", "total", "share", "mean",
                  "elements", "bytes", "GB/s"});
  std::int64_t calls = 0;
  for (const ProfileTotal& t : totals) {
    calls += t.calls;
    double mean =
        t.calls > 0 ? static_cast<double>(t.duration_ns) / static_cast<double>(t.calls) : 0.0;
    double share =
        all_ns > 0 ? 100.0 * static_cast<double>(t.duration_ns) / static_cast<double>(all_ns) : 0.0;
    rows.push_back({label(t.kind, t.op), std::string(to_string(t.dtype)), std::string(t.path),
                    std::string(t.isa), std::to_string(t.threads), std::to_string(t.calls),
                    format_duration(static_cast<double>(t.duration_ns)), format("%.1f%%", share),
                    format_duration(mean), std::to_string(t.elements),
                    human_bytes(static_cast<double>(t.bytes)),
                    format("%.2f", rate(t.bytes, t.duration_ns))});
  }
  rows.push_back({"total", "", "", "", "", std::to_string(calls),
                  format_duration(static_cast<double>(all_ns)), "", "", "", "", ""});
  return format_table(rows, 4);
}

void write_chrome_trace(std::ostream& out, const std::vector<ProfileRecord>& records) {
  // Event times are microseconds (doubles); three decimals keep nanosecond resolution.
  auto us = [](std::int64_t ns) { return format("%.3f", static_cast<double>(ns) / 1e3); };
  out << "{\"traceEvents\":[";
  bool first = true;
  for (const ProfileRecord& r : records) {
    out << (first ? "\n" : ",\n") << "{\"name\":";
    first = false;
    write_json_string(out, r.name());
    out << ",\"cat\":\"primitive\",\"ph\":\"X\",\"ts\":" << us(r.start_ns)
        << ",\"dur\":" << us(r.duration_ns) << ",\"pid\":1,\"tid\":" << r.thread_id
        << ",\"args\":{\"dtype\":";
    write_json_string(out, to_string(r.dtype));
    out << ",\"shapes\":";
    write_json_string(out, r.shapes());
    out << ",\"path\":";
    write_json_string(out, r.path);
    out << ",\"isa\":";
    write_json_string(out, r.isa);
    out << ",\"threads\":" << r.threads << ",\"elements\":" << r.elements
        << ",\"bytes\":" << r.bytes;
    if (r.flops > 0) {
      out << ",\"flops\":" << r.flops;
    }
    out << ",\"GB/s\":" << format("%.3f", r.gb_per_s()) << "}}";
  }
  out << "\n],\"displayTimeUnit\":\"ns\"}\n";
}

void write_chrome_trace(const std::string& path, const std::vector<ProfileRecord>& records) {
  std::ofstream file(path);
  if (!file) {
    throw Error("write_chrome_trace: cannot open '" + path + "' for writing");
  }
  write_chrome_trace(file, records);
  file.flush();
  if (!file) {
    throw Error("write_chrome_trace: writing '" + path + "' failed");
  }
}

}  // namespace minitorch
