// The command-line flags of every `minitorch` subcommand, declared once per subcommand and
// checked before any work starts: a bad value is a UsageError that names the flag, the value
// and what was expected. Parsing only: nothing here trains, benchmarks or touches a device,
// and it depends on nothing but the standard library and minitorch/error.h (the fuzz target
// fuzz_cli_args compiles this file alone). See Note [Flag syntax] in cli_args.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "minitorch/error.h"

namespace minitorch::cli {

/// A command line the program cannot act on: unknown flag, missing or malformed value, value
/// out of range, flags that contradict each other. main() prints it as one line and exits 2.
class UsageError : public ValueError {
 public:
  using ValueError::ValueError;
};

/// One subcommand's flags. Each flag is bound to the variable it sets; parse() walks the
/// words once and throws UsageError("<command>: <flag>: expected ..., got '<value>'").
class ArgParser {
 public:
  explicit ArgParser(std::string command) : command_(std::move(command)) {}

  /// --name (no value): sets *out to true.
  void flag(const std::string& name, bool* out);
  /// --name N: an integer in [min, max] (decimal; no sign other than '-', no spaces).
  void integer(const std::string& name, std::int64_t* out, std::int64_t min, std::int64_t max);
  void integer(const std::string& name, int* out, int min, int max);
  /// --name X: a finite number in [min, max], or (min, max] when min_exclusive, or [min, max)
  /// when max_exclusive.
  void real(const std::string& name, double* out, double min, double max,
            bool min_exclusive = false, bool max_exclusive = false);
  /// --name WORD: one of choices.
  void choice(const std::string& name, std::string* out, std::vector<std::string> choices);
  /// --name TEXT: any text; what names it in messages ("a file name").
  void text(const std::string& name, std::string* out, std::string what);
  /// --name VALUE read by apply, which returns false when the value is malformed; expected
  /// says what it wanted (e.g. "a comma-separated list of sizes in 1..128M").
  void custom(const std::string& name, std::string expected,
              std::function<bool(std::string_view)> apply);

  /// Parses args (the words after the subcommand). Returns false when --help or -h is among
  /// them (nothing else is then checked). Throws UsageError.
  bool parse(const std::vector<std::string>& args);
  /// Whether parse() saw the flag.
  bool given(const std::string& name) const;
  /// Throws UsageError("<command>: <flag>: <what>").
  [[noreturn]] void fail(const std::string& flag, const std::string& what) const;

 private:
  struct Flag {
    std::string name;
    bool takes_value = true;
    std::string expected;
    std::function<bool(std::string_view)> apply;
    bool given = false;
  };
  Flag* find(std::string_view name);
  void add(Flag flag);

  std::string command_;
  std::vector<Flag> flags_;
};

/// `minitorch train`'s settings; the defaults are the course's.
struct TrainOptions {
  /// "points" (the course's 2-D datasets and MLP), "sentiment", "mnist" or "fashion-mnist"
  /// (real data and the course's convolutional models: train_task.cpp, docs/data.md).
  std::string task = "points";
  bool course = false;  ///< real-data tasks: the course's data sizes
  std::int64_t train_examples = 0;  ///< real-data tasks: use the first N training examples (0: all)
  std::int64_t eval_examples = 0;  ///< real-data tasks: evaluate on the first N (0: all)
  std::string dataset = "xor";
  std::int64_t points = 50;
  std::int64_t hidden = 100;
  std::int64_t epochs = 500;  ///< 0 (only with load): evaluate the loaded model, no training
  double lr = 0.05;
  std::int64_t batch = 10;
  std::string optimizer = "sgd";
  double momentum = 0.0;
  double weight_decay = 0.0;
  double dropout = 0.5;
  std::string embeddings =
      "tuned";  ///< sentiment on full data: "tuned" trains the GloVe table  ///< --task sentiment
                ///< on full data: dropout on the pooled features
  std::string backend;  ///< "" picks cpu when registered, else reference
  int threads = 0;  ///< 0 keeps the library's default
  std::uint64_t seed = 0;
  std::string init = "course";
  std::string loss = "bce";  ///< bce (the course's form, sigmoid output) or bce-logits
  std::string dtype = "f32";
  std::int64_t log_every = 10;
  bool json = false;
  bool quiet = false;  ///< no log lines (the summary still prints)
  std::string save;
  std::string load;
  std::string plot;  ///< "" -> minitorch_train_<dataset>.svg; "none" -> no picture
  bool bench = false;
  int repeats = 5;
  bool deterministic = false;  ///< data parallel in fixed micro-batches (docs/distributed.md)
  std::string cuda_graphs = "on";  ///< "on": with --backend cuda, steps replay a CUDA graph
  /// real-data tasks: "bfloat16" or "float16" runs forward passes under an AutocastGuard
  /// (float16 with a GradScaler); "off" trains in --dtype alone
  std::string autocast = "off";
  std::int64_t micro_batches = 4;
};

/// `minitorch bench ops`'s settings, before they meet the machine.
struct BenchOpsOptions {
  std::vector<std::int64_t> sizes = {1 << 10, 1 << 16, 1 << 20, 1 << 24};
  std::vector<std::string> dtypes = {"float32", "float64"};
  std::vector<int> threads;  ///< empty: 1 and all; 0 stands for "all" (the usable CPUs)
  std::string cases;
  bool quick = false;  ///< with no --sizes: 1K,64K,1M; with no --budget: 0.05 s
  double budget_s = 0.25;
  std::string note;
  std::string json_path;
  std::string text_path;
  bool record = false;
};

/// `minitorch bench matmul`'s settings.
struct BenchMatmulOptions {
  bool quick = false;
  std::string json;
  std::string plot;
  std::vector<std::int64_t> sizes = {128, 256, 512, 1024, 2048};  ///< --quick: up to 1024
  bool notebook = true;
  bool square = true;
};

/// `minitorch bench dist`'s settings (run once alone and once under mpirun).
struct BenchDistOptions {
  int threads = 0;  ///< 0 keeps the library's default
  int repeats = 5;  ///< big products timed
  std::int64_t epochs = 6;  ///< training epochs timed (the first is dropped as warm-up)
  bool json = false;
  std::string trace;  ///< Chrome trace of the last data-parallel step (every rank), or ""
};

/// `minitorch bench conv`'s settings.
struct BenchConvOptions {
  int threads = 0;  ///< 0 keeps the library's default
  double budget_s = 1.0;  ///< seconds per workload after the warm-up calls
  bool json = false;  ///< one JSON object per workload instead of the table
};

/// `minitorch diagnose`'s settings.
struct DiagnoseOptions {
  bool ops = false;
  std::string trace;
  std::int64_t size = 4096;
};

/// Each parses a subcommand's words into out (flags not given keep out's values); false
/// means --help or -h was asked. Throws UsageError; see Note [Flag syntax] in cli_args.cpp.
bool parse_train_args(const std::vector<std::string>& args,
                      const std::vector<std::string>& datasets, TrainOptions& out);
bool parse_bench_ops_args(const std::vector<std::string>& args, BenchOpsOptions& out);
bool parse_bench_matmul_args(const std::vector<std::string>& args, BenchMatmulOptions& out);
bool parse_diagnose_args(const std::vector<std::string>& args, DiagnoseOptions& out);
bool parse_bench_dist_args(const std::vector<std::string>& args, BenchDistOptions& out);
bool parse_bench_conv_args(const std::vector<std::string>& args, BenchConvOptions& out);

}  // namespace minitorch::cli
