// The flag parser and the flag tables of train, bench ops, bench matmul and diagnose. Values
// are read with std::from_chars (no exceptions, no locale, no silent wrap-around); every
// failure becomes one UsageError naming the subcommand, the flag, what it expects and the value.
#include "cli_args.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <system_error>
#include <utility>

namespace minitorch::cli {

// Note [Flag syntax]
// - `--name value` and `--name=value` mean the same; a flag without a value (--json) rejects
//   `--name=value`.
// - A value word that starts with "--" is not taken as a value: `--save --epochs 3` reports
//   --save's missing value instead of saving to a file named "--epochs". Such a value can
//   still be given as `--name=--text`. Negative numbers ("-1") are values (and then rejected
//   by the range check with the flag named).
// - A repeated flag: the last one wins, as with getopt and argparse, so that a script can
//   append overrides to a fixed command line. A list flag (--sizes, --threads) is replaced
//   by its last occurrence, not appended to.
// - --help or -h anywhere shows the help and nothing else is checked.
// - No subcommand takes positional words; one is an error.

namespace {

// At most this many characters of a bad value are echoed, with control bytes as \xNN, so
// that the error stays one short line whatever was typed (or fuzzed).
constexpr std::size_t kMaxEcho = 48;

std::string echo(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size() && i < kMaxEcho; ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (value.size() > kMaxEcho) {
    out += "...";
  }
  return out;
}

std::string number_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// The whole of text as a decimal integer, or false (empty, junk, sign other than '-',
// overflow of int64).
bool parse_int(std::string_view text, std::int64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

// The whole of text as a finite number (decimal or exponent form; "nan", "inf" rejected).
bool parse_real(std::string_view text, double& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty() && std::isfinite(out);
}

// "1..10000000"
std::string int_range(std::int64_t min, std::int64_t max) {
  return std::to_string(min) + ".." + std::to_string(max);
}

// "1M" for multiples of 2^20, "64K" for multiples of 2^10, else the number.
std::string size_text(std::int64_t n) {
  if (n % (1 << 20) == 0) {
    return std::to_string(n >> 20) + "M";
  }
  if (n % (1 << 10) == 0) {
    return std::to_string(n >> 10) + "K";
  }
  return std::to_string(n);
}

// Comma-separated items, each read by item(); false on an empty list, an empty item or more
// than max_items items.
template <class Item>
bool parse_list(std::string_view text, std::size_t max_items, Item&& item) {
  if (text.empty()) {
    return false;
  }
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    std::string_view part =
        text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (part.empty() || ++count > max_items || !item(part)) {
      return false;
    }
    if (comma == std::string_view::npos) {
      return true;
    }
    start = comma + 1;
  }
}

}  // namespace

// ---- ArgParser ----------------------------------------------------------------------

void ArgParser::add(Flag flag) {
  for (const Flag& f : flags_) {
    if (f.name == flag.name) {
      throw InternalError("ArgParser: flag " + flag.name + " declared twice");
    }
  }
  flags_.push_back(std::move(flag));
}

void ArgParser::flag(const std::string& name, bool* out) {
  add({name, false, "", [out](std::string_view) {
         *out = true;
         return true;
       }});
}

void ArgParser::integer(const std::string& name, std::int64_t* out, std::int64_t min,
                        std::int64_t max) {
  add({name, true, "an integer in " + int_range(min, max), [out, min, max](std::string_view v) {
         std::int64_t x = 0;
         if (!parse_int(v, x) || x < min || x > max) {
           return false;
         }
         *out = x;
         return true;
       }});
}

void ArgParser::integer(const std::string& name, int* out, int min, int max) {
  add({name, true, "an integer in " + int_range(min, max), [out, min, max](std::string_view v) {
         std::int64_t x = 0;
         if (!parse_int(v, x) || x < min || x > max) {
           return false;
         }
         *out = static_cast<int>(x);
         return true;
       }});
}

void ArgParser::real(const std::string& name, double* out, double min, double max,
                     bool min_exclusive, bool max_exclusive) {
  std::string expected;
  if (std::isinf(max)) {
    expected = std::string("a finite number ") + (min_exclusive ? "> " : ">= ") + number_text(min);
  } else {
    expected = std::string("a number in ") + (min_exclusive ? "(" : "[") + number_text(min) + ", " +
        number_text(max) + (max_exclusive ? ")" : "]");
  }
  add({name, true, expected, [out, min, max, min_exclusive, max_exclusive](std::string_view v) {
         double x = 0.0;
         if (!parse_real(v, x)) {
           return false;
         }
         bool low = min_exclusive ? x <= min : x < min;
         bool high = max_exclusive ? x >= max : x > max;
         if (low || high) {
           return false;
         }
         *out = x;
         return true;
       }});
}

void ArgParser::choice(const std::string& name, std::string* out,
                       std::vector<std::string> choices) {
  std::string list;
  for (const std::string& c : choices) {
    list += (list.empty() ? "" : ", ") + c;
  }
  add({name, true, "one of " + list, [out, choices = std::move(choices)](std::string_view v) {
         for (const std::string& c : choices) {
           if (c == v) {
             *out = c;
             return true;
           }
         }
         return false;
       }});
}

void ArgParser::text(const std::string& name, std::string* out, std::string what) {
  add({name, true, std::move(what), [out](std::string_view v) {
         *out = std::string(v);
         return true;
       }});
}

void ArgParser::custom(const std::string& name, std::string expected,
                       std::function<bool(std::string_view)> apply) {
  add({name, true, std::move(expected), std::move(apply)});
}

ArgParser::Flag* ArgParser::find(std::string_view name) {
  for (Flag& f : flags_) {
    if (f.name == name) {
      return &f;
    }
  }
  return nullptr;
}

bool ArgParser::given(const std::string& name) const {
  for (const Flag& f : flags_) {
    if (f.name == name) {
      return f.given;
    }
  }
  return false;
}

void ArgParser::fail(const std::string& flag, const std::string& what) const {
  throw UsageError(command_ + ": " + flag + ": " + what);
}

bool ArgParser::parse(const std::vector<std::string>& args) {
  for (const std::string& word : args) {
    if (word == "--help" || word == "-h") {
      return false;
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view word = args[i];
    if (word.size() < 3 || word.substr(0, 2) != "--") {
      throw UsageError(command_ + ": unexpected argument '" + echo(word) + "' (see 'minitorch " +
                       command_ + " --help')");
    }
    std::string_view name = word;
    std::string_view value;
    bool inline_value = false;
    if (std::size_t eq = word.find('='); eq != std::string_view::npos) {
      name = word.substr(0, eq);
      value = word.substr(eq + 1);
      inline_value = true;
    }
    Flag* flag = find(name);
    if (flag == nullptr) {
      throw UsageError(command_ + ": unknown flag '" + echo(name) + "' (see 'minitorch " +
                       command_ + " --help')");
    }
    if (!flag->takes_value) {
      if (inline_value) {
        fail(flag->name, "takes no value, got '" + echo(value) + "'");
      }
    } else if (!inline_value) {
      if (i + 1 >= args.size() || std::string_view(args[i + 1]).substr(0, 2) == "--") {
        fail(flag->name, "missing value, expected " + flag->expected);
      }
      value = args[++i];
    }
    if (!flag->apply(value)) {
      fail(flag->name, "expected " + flag->expected + ", got '" + echo(value) + "'");
    }
    flag->given = true;
  }
  return true;
}

// ---- The subcommands' flags ---------------------------------------------------------
// Each bound keeps a typo or an absurd value from turning into std::bad_alloc or a run of
// hours; the reason is next to each. They are far above anything the course or the
// benchmarks use.

namespace {

// Epochs and log interval: the run keeps one loss and one time per epoch (160 MB at 10^7)
// and an epoch of the course's model takes ~0.1 ms at best, so 10^7 is already ~20 min.
constexpr std::int64_t kMaxEpochs = 10'000'000;
// Points and batch: the dataset lives on the device in both dtypes' worth of copies and the
// SVG draws every point (~60 bytes each: 60 MB at 10^6).
constexpr std::int64_t kMaxPoints = 1'000'000;
// Example limits of the real-data tasks: the largest split has 60,000; a limit past the
// split's size just means all of it.
constexpr std::int64_t kMaxExamples = 1'000'000;
// Hidden width: Linear(H,H) holds H^2 weights; at 4096 that is 16.8 M (134 MB in float64,
// ~0.5 GB with gradients and Adam's two moments). The course uses 100, the bench 256.
constexpr std::int64_t kMaxHidden = 4096;
// Threads: each is an OS thread of the pool; no machine this runs on has more CPUs.
constexpr int kMaxThreads = 1024;
// Bench repeats: each is ~0.2 s per row of the table, so 100 is already minutes.
constexpr int kMaxRepeats = 100;
// bench ops sizes: a zip row holds three tensors; at 128M float64 elements that is 3 GB.
constexpr std::int64_t kMaxOpsSize = std::int64_t{1} << 27;
// bench matmul sizes: at 8192 one float64 product is 1.1 TFLOP (seconds per call even
// packed and threaded) and the three matrices take 1.5 GB.
constexpr std::int64_t kMaxMatmulSize = 8192;
// List flags: more items than this would run for hours; it also bounds what a fuzzed
// argument can make the parser allocate.
constexpr std::size_t kMaxListItems = 64;
// bench ops per-row budget in seconds: beyond 10 minutes a row is a soak test.
constexpr double kMaxBudget = 600.0;
// diagnose --ops on N x N float32: a handful of tensors at once, 256 MB each at 8192.
constexpr std::int64_t kMaxDiagnoseSize = 8192;

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

bool parse_train_args(const std::vector<std::string>& args,
                      const std::vector<std::string>& datasets, TrainOptions& o) {
  ArgParser p("train");
  p.choice("--task", &o.task, {"points", "sentiment", "mnist", "fashion-mnist"});
  p.flag("--course", &o.course);
  p.integer("--train-examples", &o.train_examples, 1, kMaxExamples);
  p.integer("--eval-examples", &o.eval_examples, 1, kMaxExamples);
  p.choice("--dataset", &o.dataset, datasets);
  p.integer("--points", &o.points, 2, kMaxPoints);
  p.integer("--hidden", &o.hidden, 1, kMaxHidden);
  // 0 passes here and is refused below unless --load gives a model to evaluate.
  const std::string epochs_expected = "an integer in " + int_range(1, kMaxEpochs) +
      " (0 only with --load, to evaluate a stored model)";
  p.custom("--epochs", epochs_expected, [&o](std::string_view v) {
    std::int64_t n = 0;
    if (!parse_int(v, n) || n < 0 || n > kMaxEpochs) {
      return false;
    }
    o.epochs = n;
    return true;
  });
  p.real("--lr", &o.lr, 0.0, kInf, /*min_exclusive=*/true);
  p.integer("--batch", &o.batch, 1, kMaxPoints);
  p.choice("--optimizer", &o.optimizer, {"sgd", "adam"});
  // Momentum 1 or more never forgets a gradient: the velocity grows without bound.
  p.real("--momentum", &o.momentum, 0.0, 1.0, false, /*max_exclusive=*/true);
  p.real("--weight-decay", &o.weight_decay, 0.0, kInf);
  p.real("--dropout", &o.dropout, 0.0, 1.0, false, /*max_exclusive=*/true);
  p.choice("--embeddings", &o.embeddings, {"tuned", "frozen"});
  p.text("--backend", &o.backend,
         "a backend name");  // checked against the build's backends when it runs
  p.integer("--threads", &o.threads, 1, kMaxThreads);
  std::int64_t seed = 0;
  p.integer("--seed", &seed, 0, std::numeric_limits<std::int64_t>::max());
  p.choice("--init", &o.init, {"course", "pytorch", "xavier", "kaiming"});
  p.choice("--loss", &o.loss, {"bce", "bce-logits"});
  p.choice("--dtype", &o.dtype, {"f32", "f64"});
  p.integer("--log-every", &o.log_every, 1, kMaxEpochs);
  p.flag("--json", &o.json);
  p.flag("--quiet", &o.quiet);
  p.text("--plot", &o.plot, "a file name or 'none'");
  p.text("--save", &o.save, "a file name");
  p.text("--load", &o.load, "a file name");
  p.flag("--bench", &o.bench);
  p.integer("--repeats", &o.repeats, 1, kMaxRepeats);
  p.flag("--deterministic", &o.deterministic);
  p.choice("--cuda-graphs", &o.cuda_graphs, {"on", "off"});
  p.choice("--autocast", &o.autocast, {"off", "bfloat16", "float16"});
  // Each part is one backward pass; more than 1024 per batch is never useful.
  p.integer("--micro-batches", &o.micro_batches, 1, 1024);
  if (!p.parse(args)) {
    return false;
  }
  if (p.given("--seed")) {
    o.seed = static_cast<std::uint64_t>(seed);
  }
  for (const char* flag : {"--dropout", "--embeddings"}) {
    if (p.given(flag) && (o.task != "sentiment" || o.course)) {
      p.fail(flag, "applies to --task sentiment on full data only (not --course)");
    }
  }
  if (o.autocast != "off" && o.dtype != "f32") {
    p.fail("--autocast", "needs --dtype f32 (the master weights' dtype)");
  }
  if (o.task == "points") {
    for (const char* flag : {"--course", "--train-examples", "--eval-examples", "--autocast"}) {
      if (p.given(flag)) {
        p.fail(flag, "needs a real-data task (--task sentiment, mnist or fashion-mnist)");
      }
    }
  } else {
    // The real-data tasks have their own data and models (docs/training.md) and their own
    // defaults: sentiment the course's (SGD lr 0.01, batch 10, course init); images the
    // course's batch 16 with Kaiming init and lr 0.05, since the course's 0.1-scaled init at
    // lr 0.01 leaves the network at chance for the first epochs (--init course --lr 0.01
    // gives the course's run).
    for (const char* flag : {"--dataset", "--points", "--hidden", "--loss", "--bench",
                             "--deterministic", "--micro-batches", "--repeats", "--cuda-graphs"}) {
      if (p.given(flag)) {
        p.fail(flag, "applies to --task points only, not --task " + o.task);
      }
    }
    // Sentiment on full data trains Kim 2014's non-static CNN (docs/training.md): Adam lr
    // 0.001, batch 50, tuned embeddings, 10 epochs (the best validation epoch is tested).
    // Sentiment with --course is the course's run: SGD lr 0.01, batch 10, up to 250 epochs.
    const bool images = o.task != "sentiment";
    const bool kim = !images && !o.course;
    if (kim && !p.given("--optimizer")) {
      o.optimizer = "adam";
    }
    if (!p.given("--lr")) {
      o.lr = images ? 0.05 : kim ? 0.001 : 0.01;
    }
    if (!p.given("--init") && images) {
      o.init = "kaiming";
    }
    if (!p.given("--batch")) {
      o.batch = images ? 16 : kim ? 50 : 10;
    }
    if (!p.given("--epochs")) {
      o.epochs = images || kim ? 10 : 250;
    }
    if (!p.given("--log-every")) {
      o.log_every = 1;
    }
  }
  if (o.epochs == 0 && o.load.empty() && !o.bench) {
    p.fail("--epochs", "expected " + epochs_expected + ", got '0'");
  }
  if (o.epochs == 0 && !o.save.empty() && !o.bench) {
    p.fail("--save",
           "nothing to save with --epochs 0 (the loaded model is evaluated, not trained)");
  }
  return true;
}

bool parse_bench_ops_args(const std::vector<std::string>& args, BenchOpsOptions& o) {
  ArgParser p("bench ops");
  p.custom("--sizes",
           "a comma-separated list of element counts in 1.." + size_text(kMaxOpsSize) +
               " (K = 1024, M = 1024^2; e.g. 1K,64K,1M)",
           [&o](std::string_view text) {
             std::vector<std::int64_t> sizes;
             bool ok = parse_list(text, kMaxListItems, [&](std::string_view item) {
               int shift = 0;
               if (item.back() == 'K' || item.back() == 'k') {
                 shift = 10;
               } else if (item.back() == 'M' || item.back() == 'm') {
                 shift = 20;
               }
               std::int64_t n = 0;
               if (!parse_int(item.substr(0, item.size() - (shift > 0 ? 1 : 0)), n) || n < 1 ||
                   n > (kMaxOpsSize >> shift)) {
                 return false;
               }
               sizes.push_back(n << shift);
               return true;
             });
             if (ok) {
               o.sizes = std::move(sizes);
             }
             return ok;
           });
  std::string dtype = "all";
  p.choice("--dtype", &dtype, {"float32", "float64", "all"});
  p.custom("--threads",
           "a comma-separated list of thread counts in 1.." + std::to_string(kMaxThreads) +
               " or 'all' (e.g. 1,all)",
           [&o](std::string_view text) {
             std::vector<int> threads;
             bool ok = parse_list(text, kMaxListItems, [&](std::string_view item) {
               std::int64_t n = 0;
               if (item == "all") {
                 threads.push_back(0);
                 return true;
               }
               if (!parse_int(item, n) || n < 1 || n > kMaxThreads) {
                 return false;
               }
               threads.push_back(static_cast<int>(n));
               return true;
             });
             if (ok) {
               o.threads = std::move(threads);
             }
             return ok;
           });
  p.text("--cases", &o.cases, "text");
  p.flag("--quick", &o.quick);
  p.real("--budget", &o.budget_s, 0.0, kMaxBudget);
  p.text("--note", &o.note, "text");
  p.text("--json", &o.json_path, "a file name");
  p.text("--text", &o.text_path, "a file name");
  p.flag("--record", &o.record);
  if (!p.parse(args)) {
    return false;
  }
  if (dtype != "all") {
    o.dtypes = {dtype};
  }
  if (o.quick && !p.given("--sizes")) {
    o.sizes = {1 << 10, 1 << 16, 1 << 20};
  }
  if (o.quick && !p.given("--budget")) {
    o.budget_s = 0.05;
  }
  return true;
}

bool parse_bench_matmul_args(const std::vector<std::string>& args, BenchMatmulOptions& o) {
  ArgParser p("bench matmul");
  p.flag("--quick", &o.quick);
  p.text("--json", &o.json, "a file name");
  p.text("--plot", &o.plot, "a file name");
  bool notebook_only = false;
  bool square_only = false;
  p.flag("--notebook-only", &notebook_only);
  p.flag("--square-only", &square_only);
  p.custom("--sizes",
           "a comma-separated list of matrix sizes in " + int_range(1, kMaxMatmulSize) +
               " (e.g. 128,256,512)",
           [&o](std::string_view text) {
             std::vector<std::int64_t> sizes;
             bool ok = parse_list(text, kMaxListItems, [&](std::string_view item) {
               std::int64_t n = 0;
               if (!parse_int(item, n) || n < 1 || n > kMaxMatmulSize) {
                 return false;
               }
               sizes.push_back(n);
               return true;
             });
             if (ok) {
               o.sizes = std::move(sizes);
             }
             return ok;
           });
  if (!p.parse(args)) {
    return false;
  }
  if (notebook_only && square_only) {
    p.fail("--notebook-only", "contradicts --square-only (together they leave nothing to run)");
  }
  o.square = !notebook_only;
  o.notebook = !square_only;
  if (o.quick && !p.given("--sizes")) {
    o.sizes = {128, 256, 512, 1024};
  }
  return true;
}

bool parse_bench_dist_args(const std::vector<std::string>& args, BenchDistOptions& o) {
  ArgParser p("bench dist");
  p.integer("--threads", &o.threads, 1, kMaxThreads);
  p.integer("--repeats", &o.repeats, 1, kMaxRepeats);
  // Each epoch of the 5000-point workload takes ~40 ms-1 s: 1000 is already minutes.
  p.integer("--epochs", &o.epochs, 2, 1000);
  p.flag("--json", &o.json);
  p.text("--trace", &o.trace, "a file name");
  return p.parse(args);
}

bool parse_bench_conv_args(const std::vector<std::string>& args, BenchConvOptions& o) {
  ArgParser p("bench conv");
  p.integer("--threads", &o.threads, 1, kMaxThreads);
  p.real("--budget", &o.budget_s, 0.0, 600.0);
  p.flag("--json", &o.json);
  return p.parse(args);
}

bool parse_diagnose_args(const std::vector<std::string>& args, DiagnoseOptions& o) {
  ArgParser p("diagnose");
  p.flag("--ops", &o.ops);
  p.integer("--size", &o.size, 1, kMaxDiagnoseSize);
  p.text("--trace", &o.trace, "a file name");
  if (!p.parse(args)) {
    return false;
  }
  if (!o.ops && p.given("--trace")) {
    p.fail("--trace", "needs --ops");
  }
  return true;
}

}  // namespace minitorch::cli
