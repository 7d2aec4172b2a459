// The pictures of the real-data tasks, as plain SVG 1.1 (no scripts, no external files):
// loss and accuracy curves per epoch, the confusion matrix, and a grid of sample images with
// their predicted labels.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "svg_text.h"
#include "train_task.h"

namespace minitorch::cli::train_detail {
namespace {

using svg::fmt;

using svg::escape;

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    throw Error("train: cannot write " + path);
  }
}

std::string header(double width, double height, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt(width, "%.0f") +
      "\" height=\"" + fmt(height, "%.0f") +
      "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"white\"/>\n<text x=\"20\" y=\"24\" font-size=\"14\">" +
      escape(title) + "</text>\n";
}

// One panel of curves: each series a polyline over epochs 1..n, scaled to [lo, hi].
void curve_panel(std::ostringstream& svg, double x0, double y0, double w, double h,
                 const std::string& label, const std::vector<std::vector<double>>& series,
                 const std::vector<std::string>& names, const std::vector<std::string>& colors,
                 double fixed_hi = 0.0) {
  double lo = 0.0;
  double hi = fixed_hi;
  for (const auto& s : series) {
    for (double v : s) {
      hi = std::max(hi, v);
    }
  }
  if (fixed_hi <= 0.0) {
    hi = hi > lo ? hi * 1.05 : 1.0;
  }
  svg << "<rect x=\"" << fmt(x0) << "\" y=\"" << fmt(y0) << "\" width=\"" << fmt(w)
      << "\" height=\"" << fmt(h) << "\" fill=\"none\" stroke=\"#888\"/>\n";
  svg << "<text x=\"" << fmt(x0) << "\" y=\"" << fmt(y0 - 8) << "\">" << escape(label)
      << "</text>\n";
  for (double frac : {0.0, 0.5, 1.0}) {
    svg << "<text x=\"" << fmt(x0 - 6) << "\" y=\"" << fmt(y0 + h - frac * h + 4)
        << "\" text-anchor=\"end\">" << fmt(lo + frac * (hi - lo), "%.3g") << "</text>\n";
  }
  const std::size_t n = series.empty() ? 0 : series[0].size();
  svg << "<text x=\"" << fmt(x0 + w) << "\" y=\"" << fmt(y0 + h + 16)
      << "\" text-anchor=\"end\">epoch " << n << "</text>\n";
  for (std::size_t s = 0; s < series.size(); ++s) {
    svg << "<polyline fill=\"none\" stroke=\"" << colors[s] << "\" stroke-width=\"2\" points=\"";
    for (std::size_t i = 0; i < series[s].size(); ++i) {
      const double x =
          n > 1 ? x0 + w * static_cast<double>(i) / static_cast<double>(n - 1) : x0 + w / 2;
      const double y = y0 + h - h * (series[s][i] - lo) / (hi - lo);
      svg << fmt(x) << "," << fmt(y) << " ";
    }
    svg << "\"/>\n";
    svg << "<text x=\"" << fmt(x0 + 10) << "\" y=\"" << fmt(y0 + 18 + 16 * static_cast<double>(s))
        << "\" fill=\"" << colors[s] << "\">" << escape(names[s]) << "</text>\n";
  }
}

}  // namespace

void write_curves_svg(const std::string& path, const std::vector<EpochRecord>& records,
                      const std::string& eval_name, const std::string& title) {
  std::vector<double> train_loss;
  std::vector<double> eval_loss;
  std::vector<double> train_acc;
  std::vector<double> eval_acc;
  for (const EpochRecord& r : records) {
    train_loss.push_back(r.train_loss);
    eval_loss.push_back(r.eval_loss);
    train_acc.push_back(r.train_accuracy);
    eval_acc.push_back(r.eval_accuracy);
  }
  std::ostringstream svg;
  svg << header(900, 420, title);
  const std::vector<std::string> colors = {"#3b6fb6", "#d9534f"};
  curve_panel(svg, 70, 70, 340, 300, "loss (mean per example)", {train_loss, eval_loss},
              {"train", eval_name}, colors);
  curve_panel(svg, 520, 70, 340, 300, "accuracy", {train_acc, eval_acc}, {"train", eval_name},
              colors, 1.0);
  svg << "</svg>\n";
  write_text_file(path, svg.str());
}

void write_confusion_svg(const std::string& path, const Evaluation& evaluation,
                         const std::vector<std::string>& class_names, const std::string& title) {
  const auto classes = static_cast<std::int64_t>(class_names.size());
  constexpr double kCell = 44.0;
  constexpr double kLeft = 120.0;
  constexpr double kTop = 110.0;
  const double size = kCell * static_cast<double>(classes);
  std::ostringstream svg;
  svg << header(std::max(kLeft + size + 40, 480.0), kTop + size + 40, title);
  svg << "<text x=\"" << fmt(kLeft + size / 2) << "\" y=\"" << fmt(kTop - 70)
      << "\" text-anchor=\"middle\">predicted</text>\n";
  svg << "<text x=\"20\" y=\"" << fmt(kTop - 10) << "\">true \\ predicted</text>\n";
  for (std::int64_t r = 0; r < classes; ++r) {
    std::int64_t row_total = 0;
    for (std::int64_t c = 0; c < classes; ++c) {
      row_total += evaluation.confusion[static_cast<std::size_t>(r * classes + c)];
    }
    const double y = kTop + kCell * static_cast<double>(r);
    svg << "<text x=\"" << fmt(kLeft - 6) << "\" y=\"" << fmt(y + kCell / 2 + 4)
        << "\" text-anchor=\"end\">" << escape(class_names[static_cast<std::size_t>(r)])
        << "</text>\n";
    for (std::int64_t c = 0; c < classes; ++c) {
      const std::int64_t count = evaluation.confusion[static_cast<std::size_t>(r * classes + c)];
      const double share =
          row_total > 0 ? static_cast<double>(count) / static_cast<double>(row_total) : 0.0;
      // White to blue on the diagonal, white to red off it: mistakes stand out.
      const int fade = static_cast<int>(255.0 * (1.0 - share));
      char fill[16];
      if (r == c) {
        std::snprintf(fill, sizeof fill, "#%02x%02xff", fade, fade);
      } else {
        std::snprintf(fill, sizeof fill, "#ff%02x%02x", fade, fade);
      }
      const double x = kLeft + kCell * static_cast<double>(c);
      svg << "<rect x=\"" << fmt(x) << "\" y=\"" << fmt(y) << "\" width=\"" << fmt(kCell)
          << "\" height=\"" << fmt(kCell) << "\" fill=\"" << fill << "\" stroke=\"#ccc\"/>\n";
      svg << "<text x=\"" << fmt(x + kCell / 2) << "\" y=\"" << fmt(y + kCell / 2 + 4)
          << "\" text-anchor=\"middle\" font-size=\"11\">" << count << "</text>\n";
    }
  }
  for (std::int64_t c = 0; c < classes; ++c) {
    const double x = kLeft + kCell * static_cast<double>(c) + kCell / 2;
    svg << "<text transform=\"translate(" << fmt(x) << "," << fmt(kTop - 6) << ") rotate(-45)\">"
        << escape(class_names[static_cast<std::size_t>(c)]) << "</text>\n";
  }
  svg << "</svg>\n";
  write_text_file(path, svg.str());
}

void write_image_grid_svg(const std::string& path, const data::ImageDataset& images,
                          const std::vector<std::int64_t>& predictions,
                          const std::vector<std::string>& class_names, const std::string& title) {
  constexpr std::int64_t kColumns = 8;
  constexpr std::int64_t kShown = 32;
  constexpr double kPixel = 3.0;
  const std::int64_t shown = std::min<std::int64_t>(
      {kShown, images.size(), static_cast<std::int64_t>(predictions.size())});
  const double cell_w = kPixel * static_cast<double>(images.width()) + 30;
  const double cell_h = kPixel * static_cast<double>(images.height()) + 34;
  const std::int64_t rows = (shown + kColumns - 1) / kColumns;
  std::ostringstream svg;
  svg << header(20 + cell_w * kColumns, 50 + cell_h * static_cast<double>(rows), title);
  for (std::int64_t i = 0; i < shown; ++i) {
    const double x0 = 20 + cell_w * static_cast<double>(i % kColumns);
    const double y0 = 44 + cell_h * static_cast<double>(i / kColumns);
    svg << "<rect x=\"" << fmt(x0) << "\" y=\"" << fmt(y0) << "\" width=\""
        << fmt(kPixel * static_cast<double>(images.width())) << "\" height=\""
        << fmt(kPixel * static_cast<double>(images.height())) << "\" fill=\"black\"/>\n";
    // Only lit pixels are drawn, so a digit costs ~150 rectangles rather than 784.
    const std::uint8_t* p = images.pixels(i);
    for (std::int64_t r = 0; r < images.height(); ++r) {
      for (std::int64_t c = 0; c < images.width(); ++c) {
        const int v = p[r * images.width() + c];
        if (v == 0) {
          continue;
        }
        char fill[16];
        std::snprintf(fill, sizeof fill, "#%02x%02x%02x", v, v, v);
        svg << "<rect x=\"" << fmt(x0 + kPixel * static_cast<double>(c)) << "\" y=\""
            << fmt(y0 + kPixel * static_cast<double>(r)) << "\" width=\"3\" height=\"3\" fill=\""
            << fill << "\"/>\n";
      }
    }
    const std::int64_t truth = images.label(i);
    const std::int64_t pred = predictions[static_cast<std::size_t>(i)];
    const bool right = truth == pred;
    svg << "<text x=\"" << fmt(x0) << "\" y=\""
        << fmt(y0 + kPixel * static_cast<double>(images.height()) + 14) << "\" font-size=\"10\""
        << (right ? "" : " fill=\"#d9534f\"") << ">"
        << escape(class_names[static_cast<std::size_t>(pred)])
        << (right ? "" : " (" + escape(class_names[static_cast<std::size_t>(truth)]) + ")")
        << "</text>\n";
  }
  svg << "</svg>\n";
  write_text_file(path, svg.str());
}

}  // namespace minitorch::cli::train_detail
