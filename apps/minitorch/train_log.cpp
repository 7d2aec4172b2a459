// Output of `minitorch train`: plain log lines on stdout (a live bar on stderr when it is a
// terminal, cleared before each line so the two never interleave) or one JSON object per line.
#include <unistd.h>

#include <cstdio>

#include "train_support.h"

namespace minitorch::cli::train_detail {

Logger::Logger(const TrainOptions& options, std::int64_t epochs)
    : json_(options.json),
      quiet_(options.quiet),
      bar_(!options.json && isatty(STDERR_FILENO) != 0),
      epochs_(epochs) {}

void Logger::progress(std::int64_t epoch, double loss, double seconds_per_epoch) {
  if (!bar_) {
    return;
  }
  double now = now_seconds();
  if (epoch != epochs_ && now - last_draw_ < 0.05) {
    return;
  }
  last_draw_ = now;
  constexpr int kWidth = 30;
  int filled = epochs_ > 0 ? static_cast<int>(kWidth * epoch / epochs_) : kWidth;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '.');
  double remaining = seconds_per_epoch * static_cast<double>(epochs_ - epoch);
  std::fprintf(stderr, "\r\033[K[%s] epoch %lld/%lld  loss %.4f", bar.c_str(),
               static_cast<long long>(epoch), static_cast<long long>(epochs_), loss);
  if (last_correct_ >= 0) {
    std::fprintf(stderr, "  correct %lld/%lld", static_cast<long long>(last_correct_),
                 static_cast<long long>(total_));
  }
  std::fprintf(stderr, "  %.3f ms/epoch  eta %.1f s", seconds_per_epoch * 1e3, remaining);
  std::fflush(stderr);
}

void Logger::log(const LogPoint& p) {
  last_correct_ = p.correct;
  total_ = p.total;
  if (quiet_) {
    return;
  }
  if (bar_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
  if (json_) {
    std::printf(
        "{\"event\":\"epoch\",\"epoch\":%lld,\"loss\":%.9g,\"correct\":%lld,\"total\":%lld,"
        "\"seconds_per_epoch\":%.9g}\n",
        static_cast<long long>(p.epoch), p.loss, static_cast<long long>(p.correct),
        static_cast<long long>(p.total), p.seconds_per_epoch);
  } else {
    std::printf("epoch %5lld  loss %10.6f  correct %lld/%lld  %9.6f s/epoch\n",
                static_cast<long long>(p.epoch), p.loss, static_cast<long long>(p.correct),
                static_cast<long long>(p.total), p.seconds_per_epoch);
  }
  std::fflush(stdout);
  last_draw_ = -1.0;
}

void Logger::finish() {
  if (bar_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
}

}  // namespace minitorch::cli::train_detail
