// The minitorch program's flag parser (apps/minitorch/cli_args.cpp): every failure class is a
// UsageError (a ValueError) naming the subcommand, the flag and the value; nothing else escapes.
#include "cli_args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "minitorch/data/datasets.h"

namespace minitorch::cli {
namespace {

using Args = std::vector<std::string>;

TrainOptions train(const Args& args) {
  TrainOptions o;
  EXPECT_TRUE(parse_train_args(args, data::dataset_names(), o));
  return o;
}

// The message of the UsageError that parsing args throws ("" when none is thrown).
template <class Options, class Parse>
std::string error_of(Parse parse, const Args& args) {
  Options o;
  try {
    parse(args, o);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

std::string train_error(const Args& args) {
  return error_of<TrainOptions>(
      [](const Args& a, TrainOptions& o) { parse_train_args(a, data::dataset_names(), o); }, args);
}
std::string ops_error(const Args& args) {
  return error_of<BenchOpsOptions>(parse_bench_ops_args, args);
}
std::string matmul_error(const Args& args) {
  return error_of<BenchMatmulOptions>(parse_bench_matmul_args, args);
}
std::string diagnose_error(const Args& args) {
  return error_of<DiagnoseOptions>(parse_diagnose_args, args);
}

TEST(CliArgs, DefaultsAreTheCourses) {
  TrainOptions o = train({});
  EXPECT_EQ(o.dataset, "xor");
  EXPECT_EQ(o.epochs, 500);
  EXPECT_DOUBLE_EQ(o.lr, 0.05);
  EXPECT_EQ(o.hidden, 100);
}

TEST(CliArgs, RealDataTasksHaveTheirOwnDefaults) {
  TrainOptions kim = train({"--task", "sentiment"});
  EXPECT_EQ(kim.optimizer, "adam");
  EXPECT_DOUBLE_EQ(kim.lr, 0.001);
  EXPECT_EQ(kim.batch, 50);
  EXPECT_EQ(kim.epochs, 10);
  EXPECT_EQ(kim.embeddings, "tuned");
  TrainOptions course = train({"--task", "sentiment", "--course"});
  EXPECT_EQ(course.optimizer, "sgd");
  EXPECT_DOUBLE_EQ(course.lr, 0.01);
  EXPECT_EQ(course.batch, 10);
  EXPECT_EQ(course.epochs, 250);
  TrainOptions images = train({"--task", "mnist", "--epochs", "3"});
  EXPECT_EQ(images.optimizer, "sgd");
  EXPECT_EQ(images.batch, 16);
  EXPECT_EQ(images.epochs, 3);
  EXPECT_EQ(images.init, "kaiming");
  // The sentiment model's own flags belong to full-data sentiment only.
  EXPECT_NE(train_error({"--task", "mnist", "--dropout", "0.1"}).find("--dropout"),
            std::string::npos);
  EXPECT_NE(train_error({"--task", "sentiment", "--course", "--embeddings", "frozen"})
                .find("full data only"),
            std::string::npos);
  EXPECT_NE(train_error({"--task", "sentiment", "--dropout", "1"}).find("--dropout"),
            std::string::npos);
  EXPECT_EQ(train({"--task", "sentiment", "--embeddings", "frozen"}).embeddings, "frozen");
}

TEST(CliArgs, BothValueForms) {
  TrainOptions o = train({"--epochs", "7", "--lr=0.5", "--dataset=spiral", "--seed", "3",
                          "--momentum=0.9", "--threads", "2", "--json", "--plot=none"});
  EXPECT_EQ(o.epochs, 7);
  EXPECT_DOUBLE_EQ(o.lr, 0.5);
  EXPECT_EQ(o.dataset, "spiral");
  EXPECT_EQ(o.seed, 3u);
  EXPECT_DOUBLE_EQ(o.momentum, 0.9);
  EXPECT_EQ(o.threads, 2);
  EXPECT_TRUE(o.json);
  EXPECT_EQ(o.plot, "none");
}

TEST(CliArgs, RepeatedFlagLastWins) {
  EXPECT_EQ(train({"--epochs", "3", "--epochs=4"}).epochs, 4);
  BenchOpsOptions o;
  ASSERT_TRUE(parse_bench_ops_args({"--sizes", "1K,2K", "--sizes", "3"}, o));
  EXPECT_EQ(o.sizes, (std::vector<std::int64_t>{3}));
}

TEST(CliArgs, HelpAnywhere) {
  TrainOptions o;
  EXPECT_FALSE(parse_train_args({"--epochs", "abc", "--help"}, data::dataset_names(), o));
  EXPECT_FALSE(parse_train_args({"-h"}, data::dataset_names(), o));
}

TEST(CliArgs, NonNumber) {
  EXPECT_EQ(train_error({"--epochs", "abc"}),
            "train: --epochs: expected an integer in 1..10000000 (0 only with --load, to evaluate "
            "a stored model), got 'abc'");
  EXPECT_EQ(train_error({"--lr", "fast"}), "train: --lr: expected a finite number > 0, got 'fast'");
  EXPECT_EQ(train_error({"--epochs", ""}),
            "train: --epochs: expected an integer in 1..10000000 (0 only with --load, to evaluate "
            "a stored model), got ''");
}

TEST(CliArgs, TrailingJunk) {
  EXPECT_EQ(train_error({"--hidden", "12x"}),
            "train: --hidden: expected an integer in 1..4096, got '12x'");
  EXPECT_EQ(train_error({"--lr=0.1.2"}), "train: --lr: expected a finite number > 0, got '0.1.2'");
  EXPECT_EQ(train_error({"--points", " 5"}),
            "train: --points: expected an integer in 2..1000000, got ' 5'");
  EXPECT_EQ(train_error({"--points", "1e3"}),
            "train: --points: expected an integer in 2..1000000, got '1e3'");
}

TEST(CliArgs, Overflow) {
  EXPECT_EQ(train_error({"--seed", "99999999999999999999"}),
            "train: --seed: expected an integer in 0..9223372036854775807, got "
            "'99999999999999999999'");
  EXPECT_EQ(train_error({"--lr", "1e999"}),
            "train: --lr: expected a finite number > 0, got '1e999'");
  EXPECT_NE(ops_error({"--sizes", "99999999999999999999K"}).find("bench ops: --sizes: expected"),
            std::string::npos);
  // Shifting by the suffix must not wrap around to a small value.
  EXPECT_NE(ops_error({"--sizes", "9007199254740993M"}), "");
}

TEST(CliArgs, NanAndInf) {
  for (const char* v : {"nan", "NaN", "inf", "-inf", "infinity"}) {
    EXPECT_EQ(train_error({"--lr", v}),
              std::string("train: --lr: expected a finite number > 0, got '") + v + "'");
    EXPECT_NE(train_error({"--weight-decay", v}), "") << v;
    EXPECT_NE(ops_error({"--budget", v}), "") << v;
  }
}

TEST(CliArgs, Negative) {
  EXPECT_EQ(train_error({"--lr", "-0.1"}), "train: --lr: expected a finite number > 0, got '-0.1'");
  EXPECT_EQ(train_error({"--epochs", "-1"}),
            "train: --epochs: expected an integer in 1..10000000 (0 only with --load, to evaluate "
            "a stored model), got '-1'");
  EXPECT_EQ(train_error({"--weight-decay", "-1e-3"}),
            "train: --weight-decay: expected a finite number >= 0, got '-1e-3'");
  EXPECT_NE(ops_error({"--threads", "-2"}), "");
  EXPECT_NE(matmul_error({"--sizes", "128,-1"}), "");
}

TEST(CliArgs, OutOfRange) {
  EXPECT_EQ(train_error({"--points", "1000000000000000"}),
            "train: --points: expected an integer in 2..1000000, got '1000000000000000'");
  EXPECT_EQ(train_error({"--hidden", "1000000000000"}),
            "train: --hidden: expected an integer in 1..4096, got '1000000000000'");
  EXPECT_EQ(train_error({"--momentum", "1"}),
            "train: --momentum: expected a number in [0, 1), got '1'");
  EXPECT_EQ(train_error({"--lr", "0"}), "train: --lr: expected a finite number > 0, got '0'");
  EXPECT_NE(train_error({"--threads", "0"}), "");
  EXPECT_NE(train_error({"--repeats", "1000"}), "");
  EXPECT_NE(ops_error({"--sizes", "1K,0"}), "");
  EXPECT_NE(ops_error({"--sizes", "129M"}), "");
  EXPECT_NE(matmul_error({"--sizes", "8193"}), "");
  EXPECT_EQ(diagnose_error({"--ops", "--size", "0"}),
            "diagnose: --size: expected an integer in 1..8192, got '0'");
}

TEST(CliArgs, Choices) {
  EXPECT_EQ(train_error({"--optimizer", "lbfgs"}),
            "train: --optimizer: expected one of sgd, adam, got 'lbfgs'");
  EXPECT_NE(train_error({"--dataset", "moons"}).find("one of simple"), std::string::npos);
  EXPECT_EQ(ops_error({"--dtype", "f16"}),
            "bench ops: --dtype: expected one of float32, float64, all, got 'f16'");
}

TEST(CliArgs, UnknownFlagAndPositional) {
  EXPECT_EQ(train_error({"--epoch", "3"}),
            "train: unknown flag '--epoch' (see 'minitorch train --help')");
  EXPECT_EQ(train_error({"--epoch=3"}),
            "train: unknown flag '--epoch' (see 'minitorch train --help')");
  EXPECT_EQ(train_error({"xor"}),
            "train: unexpected argument 'xor' (see 'minitorch train --help')");
  EXPECT_EQ(matmul_error({"-q"}),
            "bench matmul: unexpected argument '-q' (see 'minitorch bench matmul --help')");
}

TEST(CliArgs, MissingValue) {
  EXPECT_EQ(train_error({"--epochs"}),
            "train: --epochs: missing value, expected an integer in 1..10000000 (0 only with "
            "--load, to evaluate a stored model)");
  // A following flag is not taken as the value; --name=--x still is.
  EXPECT_EQ(train_error({"--save", "--epochs", "3"}),
            "train: --save: missing value, expected a file name");
  EXPECT_EQ(train({"--save=--odd", "--epochs", "3"}).save, "--odd");
  EXPECT_NE(ops_error({"--sizes"}), "");
  EXPECT_NE(diagnose_error({"--ops", "--trace"}), "");
}

TEST(CliArgs, FlagWithoutValueRejectsOne) {
  EXPECT_EQ(train_error({"--json=yes"}), "train: --json: takes no value, got 'yes'");
}

TEST(CliArgs, EchoedValueStaysOneShortLine) {
  std::string error = train_error({"--epochs", std::string("1\n2") + std::string(100, 'x')});
  EXPECT_EQ(error.find('\n'), std::string::npos);
  EXPECT_NE(error.find("1\\x0a2"), std::string::npos);
  EXPECT_NE(error.find("xxx...'"), std::string::npos);
  EXPECT_LT(error.size(), 200u);
}

TEST(CliArgs, EpochsZeroOnlyEvaluatesALoadedModel) {
  EXPECT_EQ(train_error({"--epochs", "0"}),
            "train: --epochs: expected an integer in 1..10000000 (0 only with --load, to "
            "evaluate a stored model), got '0'");
  EXPECT_EQ(train({"--epochs=0", "--load", "m.safetensors"}).epochs, 0);
  EXPECT_NE(train_error({"--epochs=0", "--load", "m.safetensors", "--save", "n.safetensors"})
                .find("train: --save:"),
            std::string::npos);
}

TEST(CliArgs, BenchOpsLists) {
  BenchOpsOptions o;
  ASSERT_TRUE(parse_bench_ops_args(
      {"--sizes=1K,64k,1M,1000", "--threads", "1,all,3", "--dtype", "float64", "--budget", "0"},
      o));
  EXPECT_EQ(o.sizes, (std::vector<std::int64_t>{1024, 65536, 1 << 20, 1000}));
  EXPECT_EQ(o.threads, (std::vector<int>{1, 0, 3}));
  EXPECT_EQ(o.dtypes, (std::vector<std::string>{"float64"}));
  EXPECT_DOUBLE_EQ(o.budget_s, 0.0);
  for (const char* bad : {"", ",", "1K,", ",1K", "1K,,2K", "K", "1G", "1KK", "1.5K"}) {
    EXPECT_EQ(ops_error({"--sizes", bad}).rfind("bench ops: --sizes: expected", 0), 0u) << bad;
  }
  EXPECT_NE(ops_error({"--threads", "1,two"}), "");
}

TEST(CliArgs, QuickKeepsExplicitValuesInAnyOrder) {
  BenchOpsOptions ops;
  ASSERT_TRUE(parse_bench_ops_args({"--sizes", "4K", "--quick"}, ops));
  EXPECT_EQ(ops.sizes, (std::vector<std::int64_t>{4096}));
  EXPECT_DOUBLE_EQ(ops.budget_s, 0.05);
  BenchMatmulOptions mm;
  ASSERT_TRUE(parse_bench_matmul_args({"--sizes", "64,96", "--quick"}, mm));
  EXPECT_EQ(mm.sizes, (std::vector<std::int64_t>{64, 96}));
  BenchMatmulOptions quick;
  ASSERT_TRUE(parse_bench_matmul_args({"--quick"}, quick));
  EXPECT_EQ(quick.sizes, (std::vector<std::int64_t>{128, 256, 512, 1024}));
}

TEST(CliArgs, MatmulAndDiagnoseCombinations) {
  EXPECT_NE(matmul_error({"--notebook-only", "--square-only"}), "");
  BenchMatmulOptions mm;
  ASSERT_TRUE(parse_bench_matmul_args({"--square-only"}, mm));
  EXPECT_FALSE(mm.notebook);
  EXPECT_TRUE(mm.square);
  EXPECT_EQ(diagnose_error({"--trace", "t.json"}), "diagnose: --trace: needs --ops");
  DiagnoseOptions d;
  ASSERT_TRUE(parse_diagnose_args({"--ops", "--size=64", "--trace", "t.json"}, d));
  EXPECT_TRUE(d.ops);
  EXPECT_EQ(d.size, 64);
  EXPECT_EQ(d.trace, "t.json");
}

TEST(CliArgs, UsageErrorIsAValueError) {
  TrainOptions o;
  EXPECT_THROW(parse_train_args({"--lr", "nan"}, data::dataset_names(), o), ValueError);
  EXPECT_THROW(parse_train_args({"--lr", "nan"}, data::dataset_names(), o), Error);
}

}  // namespace
}  // namespace minitorch::cli
