// Command-line flags of `minitorch train`: --name value or --name=value, checked up front
// so that a typo fails before any work starts.
#include <cstdio>
#include <stdexcept>

#include "train_support.h"

namespace minitorch::cli::train_detail {
namespace {

constexpr const char* kUsage =
    "usage: minitorch train [options]\n"
    "\n"
    "Trains the course's MLP Linear(2,H)-relu-Linear(H,H)-relu-Linear(H,1)-sigmoid on a\n"
    "built-in 2-D dataset with mini-batch SGD; logs every 10 epochs and draws the loss curve\n"
    "and decision boundary as SVG. Defaults are the course's.\n"
    "\n"
    "data and model:\n"
    "  --dataset NAME      simple, diag, split, xor, circle, spiral (default xor)\n"
    "  --points N          points in the dataset (default 50)\n"
    "  --hidden H          hidden width (default 100)\n"
    "  --init NAME         course (U[-0.5,0.5), bias 0.1), pytorch, xavier, kaiming (default "
    "course)\n"
    "  --loss NAME         bce (the course's, after a sigmoid) or bce-logits (stable) (default "
    "bce)\n"
    "  --dtype f32|f64     element type (default f32)\n"
    "training:\n"
    "  --epochs N          (default 500)\n"
    "  --lr X              learning rate (default 0.05)\n"
    "  --batch N           mini-batch size (default 10)\n"
    "  --optimizer NAME    sgd or adam (default sgd)\n"
    "  --momentum X        SGD momentum (default 0)\n"
    "  --weight-decay X    L2 weight decay (default 0)\n"
    "  --seed N            fixes data, weights and batch order (default 0)\n"
    "where it runs:\n"
    "  --backend NAME      reference, cpu or cuda, as built (default cpu when present)\n"
    "  --threads N         CPU threads (default: the library's, i.e. the usable CPUs)\n"
    "output:\n"
    "  --log-every N       epochs between log lines (default 10)\n"
    "  --json              one JSON object per log line and for the summary\n"
    "  --quiet             no log lines, only the summary\n"
    "  --plot FILE.svg     where to draw (default minitorch_train_<dataset>.svg; 'none' to skip)\n"
    "  --save FILE.safetensors   store the trained model\n"
    "  --load FILE.safetensors   start from a stored model (same --hidden)\n"
    "benchmark:\n"
    "  --bench             seconds per epoch in steady state for the issue's workloads\n"
    "                      (xor; 50 points hidden 100 and 200; 5000 points hidden 256; batch\n"
    "                      10) with 1 and 2 threads; prints a table (--json: JSON lines)\n"
    "  --repeats N         bench repeats, median and min reported (default 5)\n";

std::int64_t to_int(const std::string& flag, const std::string& value, std::int64_t lo) {
  std::size_t used = 0;
  std::int64_t v = 0;
  try {
    v = std::stoll(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty() || v < lo) {
    throw Error(flag + ": expected an integer >= " + std::to_string(lo) + ", got '" + value + "'");
  }
  return v;
}

double to_double(const std::string& flag, const std::string& value) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty() || !(v >= 0.0)) {
    throw Error(flag + ": expected a number >= 0, got '" + value + "'");
  }
  return v;
}

void check_choice(const std::string& flag, const std::string& value,
                  const std::vector<std::string>& choices) {
  std::string list;
  for (const std::string& c : choices) {
    if (c == value) {
      return;
    }
    list += list.empty() ? "" : ", ";
    list += c;
  }
  throw Error(flag + ": unknown value '" + value + "' (" + list + ")");
}

}  // namespace

bool parse_options(const std::vector<std::string>& args, TrainOptions& o, int* exit_code) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_value = false;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_value = true;
    }
    auto next = [&]() -> const std::string& {
      if (!has_value) {
        if (i + 1 >= args.size()) {
          throw Error(flag + ": missing value");
        }
        value = args[++i];
        has_value = true;
      }
      return value;
    };
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      *exit_code = 0;
      return false;
    }
    if (flag == "--dataset") {
      o.dataset = next();
      check_choice(flag, o.dataset, data::dataset_names());
    } else if (flag == "--points") {
      o.points = to_int(flag, next(), 2);
    } else if (flag == "--hidden") {
      o.hidden = to_int(flag, next(), 1);
    } else if (flag == "--epochs") {
      o.epochs = to_int(flag, next(), 0);
    } else if (flag == "--lr") {
      o.lr = to_double(flag, next());
    } else if (flag == "--batch") {
      o.batch = to_int(flag, next(), 1);
    } else if (flag == "--optimizer") {
      o.optimizer = next();
      check_choice(flag, o.optimizer, {"sgd", "adam"});
    } else if (flag == "--momentum") {
      o.momentum = to_double(flag, next());
    } else if (flag == "--weight-decay") {
      o.weight_decay = to_double(flag, next());
    } else if (flag == "--backend") {
      o.backend = next();
    } else if (flag == "--threads") {
      o.threads = static_cast<int>(to_int(flag, next(), 1));
    } else if (flag == "--seed") {
      o.seed = static_cast<std::uint64_t>(to_int(flag, next(), 0));
    } else if (flag == "--init") {
      o.init = next();
      check_choice(flag, o.init, {"course", "pytorch", "xavier", "kaiming"});
    } else if (flag == "--loss") {
      o.loss = next();
      check_choice(flag, o.loss, {"bce", "bce-logits"});
    } else if (flag == "--dtype") {
      o.dtype = next();
      check_choice(flag, o.dtype, {"f32", "f64"});
    } else if (flag == "--log-every") {
      o.log_every = to_int(flag, next(), 1);
    } else if (flag == "--json" && !has_value) {
      o.json = true;
    } else if (flag == "--quiet" && !has_value) {
      o.quiet = true;
    } else if (flag == "--plot") {
      o.plot = next();
    } else if (flag == "--save") {
      o.save = next();
    } else if (flag == "--load") {
      o.load = next();
    } else if (flag == "--bench" && !has_value) {
      o.bench = true;
    } else if (flag == "--repeats") {
      o.repeats = static_cast<int>(to_int(flag, next(), 1));
    } else {
      std::fprintf(stderr, "minitorch train: unknown option '%s'\n\n%s", args[i].c_str(), kUsage);
      *exit_code = 2;
      return false;
    }
  }
  return true;
}

}  // namespace minitorch::cli::train_detail
