// `minitorch train --help` and the entry to its flag table (parse_train_args in cli_args.cpp,
// which checks every value up front so that a typo fails before any work starts).
#include <cstdio>

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
    "real-data tasks (docs/data.md; fetch first: bash tools/fetch_data.sh):\n"
    "  --task NAME         points (the 2-D datasets below, default), sentiment, mnist or\n"
    "                      fashion-mnist: the course's CNNs. Unless given: sentiment, Kim's\n"
    "                      non-static CNN, Adam lr 0.001, batch 50, 10 epochs (--course: the\n"
    "                      course's run, SGD lr 0.01, batch 10, course init, 250 epochs);\n"
    "                      images: SGD lr 0.05, batch 16, kaiming init, 10 epochs\n"
    "  --course            the course's data sizes (450/100 sentences; 5,000 images)\n"
    "  --dropout P         sentiment on full data: dropout on the pooled features, in\n"
    "                      [0, 1) (default 0.5; --course keeps the course's 0.25 after\n"
    "                      the Linear)\n"
    "  --embeddings W      sentiment on full data: tuned (trained with the model, default)\n"
    "                      or frozen (the course's)\n"
    "  --train-examples N  train on the first N examples of the split\n"
    "  --eval-examples N   evaluate on the first N held-out examples\n"
    "  --plot PREFIX       with --task: PREFIX_curves.svg, PREFIX_confusion.svg,\n"
    "                      PREFIX_samples.svg (default minitorch_train_<task>)\n"
    "data and model:\n"
    "  --dataset NAME      simple, diag, split, xor, circle, spiral (default xor)\n"
    "  --points N          points in the dataset, 2..1000000 (default 50)\n"
    "  --hidden H          hidden width, 1..4096 (default 100)\n"
    "  --init NAME         course (U[-0.5,0.5), bias 0.1), pytorch, xavier, kaiming (default "
    "course)\n"
    "  --loss NAME         bce (the course's, after a sigmoid) or bce-logits (stable) (default "
    "bce)\n"
    "  --dtype f32|f64     element type (default f32)\n"
    "  --autocast MODE     real-data tasks: off, bfloat16 or float16: matrix products (linear,\n"
    "                      conv) in 16 bits, float32 weights; float16 scales the loss\n"
    "                      (docs/dtypes.md, Note [Autocast]) (default off)\n"
    "training:\n"
    "  --epochs N          1..10000000 (default 500); 0 with --load evaluates the stored\n"
    "                      model once (loss, accuracy, picture) without training\n"
    "  --lr X              learning rate, > 0 (default 0.05)\n"
    "  --batch N           mini-batch size, 1..1000000 (default 10)\n"
    "  --optimizer NAME    sgd or adam (default sgd)\n"
    "  --momentum X        SGD momentum, in [0, 1) (default 0)\n"
    "  --weight-decay X    L2 weight decay, >= 0 (default 0)\n"
    "  --seed N            fixes data, weights and batch order (default 0)\n"
    "where it runs:\n"
    "  --backend NAME      reference, cpu or cuda, as built (default cpu when present)\n"
    "  --threads N         CPU threads, 1..1024 (default: the library's, i.e. the usable CPUs)\n"
    "  --cuda-graphs on|off  with --backend cuda and sgd: capture one full-size step as a\n"
    "                      CUDA graph and replay it for the others (default on)\n"
    "distributed (docs/distributed.md): `mpirun -n P minitorch train ...` trains data-parallel,\n"
    "  each rank on its share of every batch, gradients summed over MPI during backward;\n"
    "  rank 0 logs, draws and saves\n"
    "  --deterministic     cut every batch into --micro-batches parts whose gradients are\n"
    "                      summed in one fixed order: the same bits for 1, 2, 4, ... processes\n"
    "  --micro-batches M   parts per batch with --deterministic, 1..1024, a multiple of the\n"
    "                      process count (default 4)\n"
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
    "  --repeats N         bench repeats, 1..100, median and min reported (default 5)\n"
    "\n"
    "--name value and --name=value are the same; a repeated flag: the last one wins. A bad\n"
    "value stops the program before any work with exit status 2 and names the flag.\n";

}  // namespace

bool parse_options(const std::vector<std::string>& args, TrainOptions& o, int* exit_code) {
  if (!parse_train_args(args, data::dataset_names(), o)) {
    std::fputs(kUsage, stdout);
    *exit_code = 0;
    return false;
  }
  return true;
}

}  // namespace minitorch::cli::train_detail
