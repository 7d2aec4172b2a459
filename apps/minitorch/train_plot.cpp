// The picture `minitorch train` leaves behind: one SVG with the loss curve (left) and the
// model's P(class 1) over the plane with its 0.5 contour (marching squares) and the data
// points (right; misclassified points ringed). Plain SVG 1.1, no scripts, no external files.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "svg_text.h"
#include "train_support.h"

namespace minitorch::cli::train_detail {
namespace {

constexpr int kGrid = 60;  // cells per side of the probability map
constexpr double kPanel = 360.0;  // panel size in px
constexpr double kLossX = 60.0;  // left panel origin
constexpr double kMapX = 500.0;  // right panel origin
constexpr double kTop = 50.0;

// Blue (p = 0) to white to orange-red (p = 1).
std::string color(double p) {
  p = std::clamp(p, 0.0, 1.0);
  const double lo[3] = {59, 111, 182};
  const double hi[3] = {217, 83, 79};
  const double mid[3] = {247, 247, 247};
  double rgb[3];
  for (int i = 0; i < 3; ++i) {
    rgb[i] = p < 0.5 ? lo[i] + (mid[i] - lo[i]) * (p / 0.5)
                     : mid[i] + (hi[i] - mid[i]) * ((p - 0.5) / 0.5);
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(rgb[0]),
                static_cast<int>(rgb[1]), static_cast<int>(rgb[2]));
  return buf;
}

using svg::fmt;

using svg::escape;

void loss_panel(std::ostringstream& svg, const std::vector<double>& losses) {
  svg << "<text x='" << kLossX << "' y='" << kTop - 10
      << "' font-size='14'>loss per point</text>\n";
  svg << "<rect x='" << kLossX << "' y='" << kTop << "' width='" << kPanel << "' height='" << kPanel
      << "' fill='none' stroke='#999'/>\n";
  if (losses.empty()) {
    return;
  }
  double max_loss = 0.0;
  for (double l : losses) {
    if (std::isfinite(l)) {
      max_loss = std::max(max_loss, l);
    }
  }
  max_loss = max_loss > 0.0 ? max_loss : 1.0;
  auto n = static_cast<double>(losses.size());
  svg << "<polyline fill='none' stroke='#3b6fb6' stroke-width='1.5' points='";
  for (std::size_t i = 0; i < losses.size(); ++i) {
    double l = std::isfinite(losses[i]) ? losses[i] : max_loss;
    double x = kLossX + kPanel * (n > 1 ? static_cast<double>(i) / (n - 1) : 0.5);
    double y = kTop + kPanel * (1.0 - l / max_loss);
    svg << fmt(x) << ',' << fmt(y) << ' ';
  }
  svg << "'/>\n";
  auto label = [&](double x, double y, const std::string& text, const char* anchor) {
    svg << "<text x='" << fmt(x) << "' y='" << fmt(y) << "' font-size='11' text-anchor='" << anchor
        << "'>" << text << "</text>\n";
  };
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", max_loss);
  label(kLossX - 5, kTop + 10, buf, "end");
  label(kLossX - 5, kTop + kPanel, "0", "end");
  label(kLossX, kTop + kPanel + 15, "1", "middle");
  label(kLossX + kPanel, kTop + kPanel + 15, std::to_string(losses.size()), "middle");
  label(kLossX + kPanel / 2, kTop + kPanel + 30, "epoch", "middle");
}

// One segment per cell crossing of the 0.5 level; saddle cells get two.
void contour(std::ostringstream& svg, const std::vector<double>& p, double x0, double y0,
             double cell) {
  auto at = [&](int i, int j) { return p[static_cast<std::size_t>(j * (kGrid + 1) + i)]; };
  svg << "<path fill='none' stroke='#222' stroke-width='1.5' d='";
  for (int j = 0; j < kGrid; ++j) {
    for (int i = 0; i < kGrid; ++i) {
      // Corners in order around the cell; the edge k joins corner k and k + 1.
      const int ci[4] = {i, i + 1, i + 1, i};
      const int cj[4] = {j, j, j + 1, j + 1};
      double pts[4][2];
      int found = 0;
      for (int k = 0; k < 4; ++k) {
        double a = at(ci[k], cj[k]) - 0.5;
        double b = at(ci[(k + 1) % 4], cj[(k + 1) % 4]) - 0.5;
        if ((a < 0) != (b < 0)) {
          double t = a / (a - b);
          pts[found][0] = ci[k] + t * (ci[(k + 1) % 4] - ci[k]);
          pts[found][1] = cj[k] + t * (cj[(k + 1) % 4] - cj[k]);
          ++found;
        }
      }
      for (int s = 0; s + 1 < found; s += 2) {
        svg << 'M' << fmt(x0 + pts[s][0] * cell) << ',' << fmt(y0 - pts[s][1] * cell) << 'L'
            << fmt(x0 + pts[s + 1][0] * cell) << ',' << fmt(y0 - pts[s + 1][1] * cell);
      }
    }
  }
  svg << "'/>\n";
}

void boundary_panel(std::ostringstream& svg, Trainer& trainer) {
  const data::PointDataset& d = trainer.dataset();
  double lo = 0.0;
  double hi = 1.0;
  for (double v : d.x) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  double margin = 0.02 * (hi - lo);
  lo -= margin;
  hi += margin;
  double span = hi - lo;
  double cell = kPanel / kGrid;
  // Probabilities at the (kGrid + 1)^2 cell corners; a cell is filled with its centre's
  // approximation, the mean of its corners.
  std::vector<double> xy;
  for (int j = 0; j <= kGrid; ++j) {
    for (int i = 0; i <= kGrid; ++i) {
      xy.push_back(lo + span * i / kGrid);
      xy.push_back(lo + span * j / kGrid);
    }
  }
  std::vector<double> p = trainer.predict(xy);
  const double x0 = kMapX;
  const double y0 = kTop + kPanel;  // y grows upwards in the data, downwards in SVG
  svg << "<text x='" << kMapX << "' y='" << kTop - 10
      << "' font-size='14'>P(class 1), 0.5 contour and points</text>\n";
  svg << "<g shape-rendering='crispEdges'>\n";
  for (int j = 0; j < kGrid; ++j) {
    for (int i = 0; i < kGrid; ++i) {
      auto c = [&](int a, int b) { return p[static_cast<std::size_t>(b * (kGrid + 1) + a)]; };
      double mean = (c(i, j) + c(i + 1, j) + c(i, j + 1) + c(i + 1, j + 1)) / 4;
      svg << "<rect x='" << fmt(x0 + i * cell) << "' y='" << fmt(y0 - (j + 1) * cell) << "' width='"
          << fmt(cell + 0.3) << "' height='" << fmt(cell + 0.3) << "' fill='" << color(mean)
          << "'/>\n";
    }
  }
  svg << "</g>\n";
  contour(svg, p, x0, y0, cell);
  std::vector<double> predicted = trainer.predict(d.x);
  for (std::int64_t k = 0; k < d.size(); ++k) {
    auto idx = static_cast<std::size_t>(k);
    double px = x0 + (d.x[2 * idx] - lo) / span * kPanel;
    double py = y0 - (d.x[2 * idx + 1] - lo) / span * kPanel;
    bool label = d.y[idx] > 0.5;
    bool right = (predicted[idx] > 0.5) == label;
    svg << "<circle cx='" << fmt(px) << "' cy='" << fmt(py) << "' r='4' fill='"
        << (label ? "#b2182b" : "#2166ac") << "' stroke='" << (right ? "#fff" : "#ffd400")
        << "' stroke-width='" << (right ? 1 : 2.5) << "'/>\n";
  }
  svg << "<rect x='" << kMapX << "' y='" << kTop << "' width='" << kPanel << "' height='" << kPanel
      << "' fill='none' stroke='#999'/>\n";
  svg << "<text x='" << kMapX << "' y='" << kTop + kPanel + 15 << "' font-size='11'>" << fmt(lo)
      << "</text><text x='" << kMapX + kPanel << "' y='" << kTop + kPanel + 15
      << "' font-size='11' text-anchor='end'>" << fmt(hi) << "</text>\n";
  svg << "<text x='" << kMapX + kPanel / 2 << "' y='" << kTop + kPanel + 30
      << "' font-size='11' text-anchor='middle'>x1 (x2 upwards); ringed yellow = misclassified"
      << "</text>\n";
}

}  // namespace

void write_svg(const std::string& path, Trainer& trainer, const std::vector<double>& losses,
               const std::string& title) {
  std::ostringstream svg;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='900' height='460' "
         "font-family='sans-serif'>\n<rect width='900' height='460' fill='#fff'/>\n";
  svg << "<text x='450' y='22' font-size='15' text-anchor='middle'>minitorch train: "
      << escape(title) << "</text>\n";
  loss_panel(svg, losses);
  boundary_panel(svg, trainer);
  svg << "</svg>\n";
  std::ofstream out(path);
  out << svg.str();
  if (!out.flush()) {
    throw Error("--plot: cannot write '" + path + "'");
  }
}

}  // namespace minitorch::cli::train_detail
