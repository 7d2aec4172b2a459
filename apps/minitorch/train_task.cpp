// The real-data tasks of `minitorch train`: load the split the options ask for (course sizes,
// full data, or the first N examples), build the course's model (task_models.h), and train
// with a DataLoader (seeded shuffle, one prefetch thread), evaluating the held-out split
// after every epoch. Output: log lines or JSON, a summary, pictures, a checkpoint.
#include "train_task.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "task_models.h"
#include "train_support.h"

namespace minitorch::cli::train_detail {
namespace {

// Everything one task trains and evaluates on.
struct TaskData {
  std::shared_ptr<data::Dataset> train;
  std::shared_ptr<data::Dataset> eval;  // evaluated after every epoch
  std::shared_ptr<data::Dataset> test;  // evaluated once at the end; null when eval is the test
  std::string eval_name;  // "validation" or "test"
  std::shared_ptr<data::ImageDataset> eval_images;  // for the sample grid; null for text
  std::vector<std::string> class_names;
  Tensor embeddings;  // sentiment: the frozen [V, E] table
  std::string summary;  // "8057 train, 1007 validation, 1008 test sentences"
};

template <class D>
std::shared_ptr<D> limited(D set, std::int64_t limit) {
  return std::make_shared<D>(limit > 0 ? set.head(limit) : std::move(set));
}

TaskData load_task(const TrainOptions& o, DType dtype, Device device) {
  TaskData t;
  if (o.task == "sentiment") {
    data::SentimentData s = data::load_sentiment("", o.seed);
    // The course trains on the first 450 sentences and validates on 100; full mode validates
    // on the whole validation split and tests once on the test split.
    auto train = limited(o.course ? s.train.head(450) : s.train, o.train_examples);
    auto eval = limited(o.course ? s.valid.head(100) : s.valid, o.eval_examples);
    t.train = train;
    t.eval = eval;
    t.eval_name = "validation";
    if (!o.course) {
      t.test = limited(s.test, o.eval_examples);
    }
    t.class_names = {"negative", "positive"};
    t.embeddings =
        from_vector(s.embeddings, {static_cast<std::int64_t>(s.vocabulary.size()), s.dim},
                    {.dtype = dtype})
            .to(device);
    t.summary = std::to_string(train->size()) + " train, " + std::to_string(eval->size()) +
        " validation" + (t.test ? ", " + std::to_string(t.test->size()) + " test" : "") +
        " sentences; " + std::to_string(s.vocabulary.size()) + " words, " +
        std::to_string(s.length) + " tokens each (padded)";
    return t;
  }
  data::ImageDataset train = data::load_image_dataset(o.task, "train");
  // The course trains on images 0..4999 and validates on 10000..10499 of the training file;
  // full mode trains on all 60,000 and evaluates on the whole 10,000-image test file.
  if (o.course) {
    t.eval_images = limited(train.slice(10000, 10500), o.eval_examples);
    t.train = limited(train.slice(0, 5000), o.train_examples);
    t.eval_name = "validation";
  } else {
    t.eval_images = limited(data::load_image_dataset(o.task, "test"), o.eval_examples);
    t.train = limited(std::move(train), o.train_examples);
    t.eval_name = "test";
  }
  t.eval = t.eval_images;
  t.class_names = data::image_class_names(o.task);
  t.summary = std::to_string(t.train->size()) + " train, " + std::to_string(t.eval->size()) + " " +
      t.eval_name + " images";
  return t;
}

std::shared_ptr<nn::Module> make_model(const TrainOptions& o, const TaskData& t, DType dtype,
                                       Device device, std::string* describe) {
  TaskModelOptions m{.dtype = dtype, .device = device, .init = o.init, .seed = o.seed};
  if (o.task == "sentiment") {
    // Full data: Kim 2014's non-static CNN (dropout 0.5 on the features, tuned embeddings);
    // course sizes: the course's model.
    auto model = o.course
        ? std::make_shared<SentimentCnn>(t.embeddings, m)
        : std::make_shared<SentimentCnn>(t.embeddings, m, 100, std::vector<std::int64_t>{3, 4, 5},
                                         o.dropout, true, o.embeddings == "tuned");
    *describe = model->describe();
    return model;
  }
  auto model = std::make_shared<ImageCnn>(m, static_cast<std::int64_t>(t.class_names.size()));
  *describe = model->describe();
  return model;
}

// --autocast's dtype (Note [Autocast]); unused when it is off.
DType autocast_dtype_of(const TrainOptions& o) {
  return o.autocast == "float16" ? kFloat16 : kBFloat16;
}

// Sentiment: out = P(positive) [B], course BCE; images: out = log-probabilities [B, C], NLL.
Tensor task_loss(bool binary, const Tensor& out, const Tensor& y, nn::Reduction reduction) {
  return binary ? nn::binary_cross_entropy(out, y, reduction) : nn::nll_loss(out, y, reduction);
}

std::vector<std::int64_t> predictions(bool binary, const Tensor& out) {
  if (binary) {
    std::vector<double> p = out.to_vector();
    std::vector<std::int64_t> labels(p.size());
    std::transform(p.begin(), p.end(), labels.begin(), [](double v) { return v > 0.5 ? 1 : 0; });
    return labels;
  }
  return out.argmax(1).to_vector<std::int64_t>();
}

data::DataLoaderOptions loader_options(const TrainOptions& o, bool binary, DType dtype,
                                       Device device) {
  // Token ids go in as int64 (embedding's indices); labels in the model's dtype (the losses'
  // targets).
  return {.batch_size = o.batch,
          .seed = o.seed,
          .x_dtype = binary ? kInt64 : dtype,
          .y_dtype = dtype,
          .device = device};
}

Evaluation evaluate(nn::Module& model, const data::Dataset& set, const TrainOptions& o, bool binary,
                    std::int64_t classes, DType dtype, Device device) {
  model.eval();
  NoGradGuard no_grad;
  data::DataLoaderOptions lo = loader_options(o, binary, dtype, device);
  lo.batch_size = 500;  // only a forward: larger batches, same results
  lo.shuffle = false;
  data::DataLoader loader(set, lo);
  Evaluation e;
  e.confusion.assign(static_cast<std::size_t>(classes * classes), 0);
  double loss_sum = 0.0;
  while (auto b = loader.next()) {
    Tensor out;
    {
      AutocastGuard autocast(autocast_dtype_of(o), o.autocast != "off");
      out = model.forward(b->x);
    }
    loss_sum += task_loss(binary, out, b->y, nn::Reduction::Sum).item();
    std::vector<std::int64_t> truth = b->y.to_vector<std::int64_t>();
    std::vector<std::int64_t> pred = predictions(binary, out);
    for (std::size_t i = 0; i < truth.size(); ++i) {
      e.correct += pred[i] == truth[i] ? 1 : 0;
      ++e.confusion[static_cast<std::size_t>(truth[i] * classes + pred[i])];
    }
    e.predictions.insert(e.predictions.end(), pred.begin(), pred.end());
    e.total += static_cast<std::int64_t>(truth.size());
  }
  e.loss = e.total > 0 ? loss_sum / static_cast<double>(e.total) : 0.0;
  model.train();
  return e;
}

// A live bar on stderr when it is a terminal, redrawn at most every 0.1 s.
class BatchProgress {
 public:
  explicit BatchProgress(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO) != 0) {}
  void draw(std::int64_t epoch, std::int64_t epochs, std::int64_t batch, std::int64_t batches,
            double loss, double elapsed) {
    const double now = now_seconds();
    if (!enabled_ || (batch != batches && now - last_ < 0.1)) {
      return;
    }
    last_ = now;
    constexpr int kWidth = 30;
    const int filled = batches > 0 ? static_cast<int>(kWidth * batch / batches) : kWidth;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(kWidth - filled), '.');
    const double eta = batch > 0
        ? elapsed / static_cast<double>(batch) * static_cast<double>(batches - batch)
        : 0.0;
    std::fprintf(stderr, "\r\033[K[%s] epoch %lld/%lld  batch %lld/%lld  loss %.4f  eta %.0f s",
                 bar.c_str(), static_cast<long long>(epoch), static_cast<long long>(epochs),
                 static_cast<long long>(batch), static_cast<long long>(batches), loss, eta);
    std::fflush(stderr);
  }
  void clear() const {
    if (enabled_) {
      std::fputs("\r\033[K", stderr);
      std::fflush(stderr);
    }
  }

 private:
  bool enabled_;
  double last_ = -1.0;
};

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", 100.0 * fraction);
  return buf;
}

// "--plot X.svg" names a prefix X: X_curves.svg, X_confusion.svg, X_samples.svg.
std::string plot_prefix(const TrainOptions& o) {
  if (o.plot.empty()) {
    return "minitorch_train_" + o.task;
  }
  const std::string suffix = ".svg";
  if (o.plot.size() > suffix.size() &&
      o.plot.compare(o.plot.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return o.plot.substr(0, o.plot.size() - suffix.size());
  }
  return o.plot;
}

void save_checkpoint(const nn::Module& model, const TrainOptions& o, const std::string& describe,
                     std::int64_t epochs, const std::string& split, double accuracy) {
  nn::save(model, o.save,
           {{"producer", "minitorch train"},
            {"task", o.task},
            {"architecture", describe},
            {"epochs", std::to_string(epochs)},
            {split + "_accuracy", std::to_string(accuracy)}});
}

// A copy of the model's parameters and buffers (state_dict() shares their storage).
nn::StateDict snapshot(const nn::Module& model) {
  nn::StateDict state = model.state_dict();
  for (auto& entry : state) {
    entry.second = entry.second.clone();
  }
  return state;
}

}  // namespace

int run_task(TrainOptions& o) {
  const double start = now_seconds();
  const Device device = select_backend(o);
  const DType dtype = o.dtype == "f64" ? kFloat64 : kFloat32;
  const bool binary = o.task == "sentiment";
  TaskData t = load_task(o, dtype, device);
  const auto classes = static_cast<std::int64_t>(t.class_names.size());
  std::string describe;
  std::shared_ptr<nn::Module> model = make_model(o, t, dtype, device, &describe);
  if (!o.load.empty()) {
    nn::load(*model, o.load);
  }
  std::unique_ptr<optim::Optimizer> optimizer;
  if (o.optimizer == "adam") {
    optimizer = std::make_unique<optim::Adam>(
        model->parameters(), optim::AdamOptions{.lr = o.lr, .weight_decay = o.weight_decay});
  } else {
    optimizer = std::make_unique<optim::SGD>(
        model->parameters(),
        optim::SGDOptions{.lr = o.lr, .momentum = o.momentum, .weight_decay = o.weight_decay});
  }
  // Note [Loss scaling]: float16 autocast needs it, bfloat16 (float32's range) does not.
  optim::GradScaler scaler({.enabled = o.autocast == "float16"});
  data::DataLoaderOptions lo = loader_options(o, binary, dtype, device);
  lo.prefetch = 2;  // the next batches are gathered while this one trains
  data::DataLoader loader(*t.train, lo);
  const double setup_seconds = now_seconds() - start;
  if (!o.json && !o.quiet) {
    std::printf(
        "%s: %s\nmodel %s (%lld parameters, %s init), %s lr %g, batch %lld, %lld epochs, %s, "
        "%s, seed %llu\n",
        o.task.c_str(), t.summary.c_str(), describe.c_str(),
        static_cast<long long>(model->num_parameters()), o.init.c_str(), o.optimizer.c_str(), o.lr,
        static_cast<long long>(o.batch), static_cast<long long>(o.epochs), o.backend.c_str(),
        (o.autocast == "off" ? o.dtype : o.dtype + " with " + o.autocast + " autocast").c_str(),
        static_cast<unsigned long long>(o.seed));
    std::fflush(stdout);
  }

  std::vector<EpochRecord> records;
  Evaluation last_eval;
  EpochRecord best;
  nn::StateDict best_state;  // with a test split: the weights of the best validation epoch
  BatchProgress progress(!o.json && !o.quiet);
  model->train();
  for (std::int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    const double t0 = now_seconds();
    double loss_sum = 0.0;
    std::int64_t seen = 0;
    std::int64_t correct = 0;
    std::int64_t batch_index = 0;
    while (auto b = loader.next()) {
      model->zero_grad();
      Tensor out;
      {
        AutocastGuard autocast(autocast_dtype_of(o), o.autocast != "off");
        out = model->forward(b->x);
      }
      Tensor loss = task_loss(binary, out, b->y, nn::Reduction::Mean);
      scaler.scale(loss).backward();
      scaler.step(*optimizer);
      scaler.update();
      const std::int64_t rows = b->y.size(0);
      loss_sum += loss.item() * static_cast<double>(rows);
      seen += rows;
      std::vector<std::int64_t> truth = b->y.to_vector<std::int64_t>();
      std::vector<std::int64_t> pred = predictions(binary, out.detach());
      for (std::size_t i = 0; i < truth.size(); ++i) {
        correct += pred[i] == truth[i] ? 1 : 0;
      }
      progress.draw(epoch, o.epochs, ++batch_index, loader.size(),
                    loss_sum / static_cast<double>(seen), now_seconds() - t0);
    }
    const double seconds = now_seconds() - t0;
    progress.clear();
    last_eval = evaluate(*model, *t.eval, o, binary, classes, dtype, device);
    EpochRecord r{
        .epoch = epoch,
        .train_loss = seen > 0 ? loss_sum / static_cast<double>(seen) : 0.0,
        .train_accuracy = seen > 0 ? static_cast<double>(correct) / static_cast<double>(seen) : 0.0,
        .eval_loss = last_eval.loss,
        .eval_accuracy = last_eval.accuracy(),
        .seconds = seconds};
    records.push_back(r);
    if (r.eval_accuracy > best.eval_accuracy || best.epoch == 0) {
      best = r;
      if (t.test) {
        best_state = snapshot(*model);
      }
    }
    if (!o.save.empty()) {  // every epoch, so a long run interrupted keeps its latest state
      save_checkpoint(*model, o, describe, epoch, t.eval_name, r.eval_accuracy);
    }
    if (o.quiet || (epoch % o.log_every != 0 && epoch != o.epochs)) {
      continue;
    }
    if (o.json) {
      std::printf(
          "{\"event\":\"epoch\",\"task\":%s,\"epoch\":%lld,\"train_loss\":%.9g,"
          "\"train_accuracy\":%.9g,\"eval_split\":%s,\"eval_loss\":%.9g,"
          "\"eval_correct\":%lld,\"eval_total\":%lld,\"eval_accuracy\":%.9g,"
          "\"seconds\":%.9g}\n",
          json_string(o.task).c_str(), static_cast<long long>(epoch), r.train_loss,
          r.train_accuracy, json_string(t.eval_name).c_str(), r.eval_loss,
          static_cast<long long>(last_eval.correct), static_cast<long long>(last_eval.total),
          r.eval_accuracy, seconds);
    } else {
      std::printf("epoch %3lld  train loss %.4f acc %s  %s loss %.4f acc %s (%lld/%lld)  %.2f s\n",
                  static_cast<long long>(epoch), r.train_loss, percent(r.train_accuracy).c_str(),
                  t.eval_name.c_str(), r.eval_loss, percent(r.eval_accuracy).c_str(),
                  static_cast<long long>(last_eval.correct),
                  static_cast<long long>(last_eval.total), seconds);
    }
    std::fflush(stdout);
  }
  if (o.epochs == 0) {  // --load with --epochs 0: evaluate the stored model only
    last_eval = evaluate(*model, *t.eval, o, binary, classes, dtype, device);
  }

  // The held-out test split, once, at the end, with the weights of the best validation epoch
  // (model selection on validation, as Kim 2014 does; full-data sentiment: for images the
  // evaluated split already is the test file).
  if (!best_state.empty()) {
    model->load_state_dict(best_state, true, "best validation epoch");
  }
  Evaluation test =
      t.test ? evaluate(*model, *t.test, o, binary, classes, dtype, device) : last_eval;
  const std::string test_name = t.test ? "test" : t.eval_name;

  std::vector<std::string> pictures;
  if (o.plot != "none") {
    const std::string prefix = plot_prefix(o);
    const std::string title = o.task + (o.course ? " (course sizes)" : "") + ", " + describe;
    if (!records.empty()) {
      write_curves_svg(prefix + "_curves.svg", records, t.eval_name, title);
      pictures.push_back(prefix + "_curves.svg");
    }
    write_confusion_svg(prefix + "_confusion.svg", test, t.class_names,
                        o.task + ": " + test_name + " accuracy " + percent(test.accuracy()));
    pictures.push_back(prefix + "_confusion.svg");
    if (t.eval_images && !t.test) {
      write_image_grid_svg(prefix + "_samples.svg", *t.eval_images, test.predictions, t.class_names,
                           o.task + ": first " + test_name + " images");
      pictures.push_back(prefix + "_samples.svg");
    }
  }
  if (!o.save.empty()) {
    save_checkpoint(*model, o, describe, o.epochs, test_name, test.accuracy());
  }

  std::vector<double> epoch_seconds;
  for (const EpochRecord& r : records) {
    epoch_seconds.push_back(r.seconds);
  }
  const double per_epoch = median(epoch_seconds);
  if (o.json) {
    std::string files;
    for (const std::string& p : pictures) {
      files += (files.empty() ? "" : ",") + json_string(p);
    }
    std::printf(
        "{\"event\":\"summary\",\"task\":%s,\"course\":%s,\"train_examples\":%lld,"
        "\"epochs\":%lld,\"batch\":%lld,\"lr\":%.9g,\"optimizer\":%s,\"backend\":%s,"
        "\"seed\":%llu,\"best_eval_epoch\":%lld,\"best_eval_accuracy\":%.9g,"
        "\"test_split\":%s,\"test_correct\":%lld,\"test_total\":%lld,"
        "\"test_accuracy\":%.9g,\"seconds_per_epoch_median\":%.9g,"
        "\"setup_seconds\":%.9g,\"plots\":[%s],\"saved\":%s}\n",
        json_string(o.task).c_str(), o.course ? "true" : "false",
        static_cast<long long>(t.train->size()), static_cast<long long>(o.epochs),
        static_cast<long long>(o.batch), o.lr, json_string(o.optimizer).c_str(),
        json_string(o.backend).c_str(), static_cast<unsigned long long>(o.seed),
        static_cast<long long>(best.epoch), best.eval_accuracy, json_string(test_name).c_str(),
        static_cast<long long>(test.correct), static_cast<long long>(test.total), test.accuracy(),
        per_epoch, setup_seconds, files.c_str(), json_string(o.save).c_str());
    return 0;
  }
  std::printf("\n%s %s on %s (%s)\n", o.epochs > 0 ? "trained" : "evaluated", describe.c_str(),
              o.task.c_str(), t.summary.c_str());
  if (best.epoch > 0) {
    std::printf("  best %s accuracy %s at epoch %lld%s\n", t.eval_name.c_str(),
                percent(best.eval_accuracy).c_str(), static_cast<long long>(best.epoch),
                best_state.empty() ? "" : " (its weights are tested)");
  }
  std::printf("  %s accuracy %s (%lld/%lld), loss %.4f\n", test_name.c_str(),
              percent(test.accuracy()).c_str(), static_cast<long long>(test.correct),
              static_cast<long long>(test.total), test.loss);
  if (!records.empty()) {
    std::printf("  seconds per epoch (median of %zu): %.3f; start-up %.2f s\n", records.size(),
                per_epoch, setup_seconds);
  }
  for (const std::string& p : pictures) {
    std::printf("  wrote %s\n", p.c_str());
  }
  if (!o.save.empty()) {
    std::printf("  saved the model to %s (safetensors)\n", o.save.c_str());
  }
  return 0;
}

}  // namespace minitorch::cli::train_detail
