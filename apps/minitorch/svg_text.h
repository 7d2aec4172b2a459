// Text helpers shared by the SVG pictures of `minitorch train` (train_plot.cpp for the 2-D
// tasks, train_task_plot.cpp for the image and sentence tasks).
#pragma once

#include <cstdio>
#include <string>

namespace minitorch::cli::svg {

/// v printed with a printf format ("%.2f" by default), for coordinates and labels.
inline std::string fmt(double v, const char* format = "%.2f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

/// s with <, > and & escaped for SVG text.
inline std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace minitorch::cli::svg
