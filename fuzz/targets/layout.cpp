// Layout math under random views. The input bytes pick a base tensor (rank 0-4, sizes 0-5,
// float64 values 0, 1, 2, ... so each element names its own position) and then a sequence
// of views with arbitrary arguments, small or extreme (+-2^40, +-2^62, INT64_MIN/MAX). A
// plain model keeps, for every element of the current view, its position in the base, and
// decides by the documented rules whether each op is valid. The library must agree: a valid
// op gives the model's shape and values; an invalid one throws a minitorch::Error (view may
// also refuse a valid shape whose dims cannot be merged: it must then throw ShapeError).
// Any other exception, crash or sanitizer report is a finding.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <vector>

#include "minitorch/minitorch.h"

namespace {

using minitorch::Shape;
using minitorch::Tensor;

// Checked elements stay small; views past this are checked by shape only and end the run.
constexpr std::int64_t kMaxChecked = 1 << 12;

class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // Mostly small values around the interesting range, sometimes extreme ones.
  std::int64_t arg() {
    std::uint8_t b = byte();
    if (b < 224) {
      return static_cast<std::int64_t>(b % 14) - 5;  // -5..8
    }
    constexpr std::int64_t kExtreme[] = {std::numeric_limits<std::int64_t>::min(),
                                         std::numeric_limits<std::int64_t>::max(),
                                         std::int64_t{1} << 40,
                                         -(std::int64_t{1} << 40),
                                         std::int64_t{1} << 62,
                                         -(std::int64_t{1} << 62),
                                         std::int64_t{1} << 31,
                                         std::int64_t{1} << 20};
    return kExtreme[b % 8];
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "layout fuzz: %s\n", what);
  std::abort();
}

// The model: a shape and, row-major over it, each element's position in the base.
struct Model {
  std::vector<std::int64_t> shape;
  std::vector<std::int64_t> pos;
  int ndim() const { return static_cast<int>(shape.size()); }
};

// The element count of a shape a float64 tensor can have (docs/guarantees.md, Sizes): no
// negative size, and the product of the non-zero sizes times 8 bytes fits in int64.
std::optional<std::int64_t> product(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  bool empty = false;
  for (std::int64_t s : shape) {
    if (s < 0 || (s > 0 && __builtin_mul_overflow(n, s, &n))) {
      return std::nullopt;
    }
    empty = empty || s == 0;
  }
  std::int64_t bytes = 0;
  if (__builtin_mul_overflow(n, std::int64_t{8}, &bytes)) {
    return std::nullopt;
  }
  return empty ? 0 : n;
}

std::optional<int> wrap(std::int64_t dim, int ndim) {
  std::int64_t range = std::max(ndim, 1);
  if (dim < -range || dim >= range) {
    return std::nullopt;
  }
  return static_cast<int>(dim < 0 ? dim + range : dim);
}

// Builds the element positions of a view: out element with index i (row-major over shape)
// comes from source element source_of(i).
template <class Fn>
Model gather(const std::vector<std::int64_t>& shape, Fn source_of) {
  Model out{shape, {}};
  std::int64_t n = product(shape).value_or(0);
  std::vector<std::int64_t> index(shape.size(), 0);
  for (std::int64_t k = 0; k < n; ++k) {
    out.pos.push_back(source_of(index));
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
      if (++index[static_cast<std::size_t>(d)] < shape[static_cast<std::size_t>(d)]) {
        break;
      }
      index[static_cast<std::size_t>(d)] = 0;
    }
  }
  return out;
}

std::int64_t flat(const Model& m, const std::vector<std::int64_t>& index) {
  std::int64_t k = 0;
  for (std::size_t d = 0; d < index.size(); ++d) {
    k = k * m.shape[d] + index[d];
  }
  return m.pos[static_cast<std::size_t>(k)];
}

bool too_big(const std::vector<std::int64_t>& shape) {
  std::optional<std::int64_t> n = product(shape);
  return !n || *n > kMaxChecked;
}

// One op: the library's result (or its exception) against the model's. Returns false when
// the run should stop (the view grew past what the model checks).
bool step(Bytes& in, Tensor& t, Model& m) {
  const int nd = m.ndim();
  std::uint8_t op = in.byte() % 11;
  std::optional<Model> want;  // nullopt: the op is invalid
  bool view_may_refuse = false;
  auto run = [&](auto&& library) {
    try {
      Tensor r = library();
      if (!want) {
        finding("the library accepted an op the model calls invalid");
      }
      if (r.ndim() != want->ndim() ||
          !std::equal(r.shape().begin(), r.shape().end(), want->shape.begin())) {
        finding("shape differs from the model");
      }
      std::vector<double> values = r.to_vector();
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i] != static_cast<double>(want->pos[i])) {
          finding("value differs from the model");
        }
      }
      t = r;
      m = *want;
    } catch (const minitorch::ShapeError&) {
      if (want && !view_may_refuse) {
        finding("ShapeError for an op the model calls valid");
      }
    } catch (const minitorch::Error&) {
      if (want) {
        finding("minitorch::Error for an op the model calls valid");
      }
    }
  };
  switch (op) {
    case 0: {  // permute
      int n = in.byte() % 2 == 0 ? nd : static_cast<int>(in.byte() % 6);
      std::vector<std::int64_t> order;
      for (int i = 0; i < n; ++i) {
        order.push_back(in.byte() % 3 == 0 ? in.arg() : static_cast<std::int64_t>(in.byte() % 5));
      }
      std::vector<int> wrapped;
      bool ok = n == nd;
      for (std::int64_t o : order) {
        std::optional<int> d = wrap(o, nd);
        ok = ok && d && std::find(wrapped.begin(), wrapped.end(), *d) == wrapped.end();
        if (d) {
          wrapped.push_back(*d);
        }
      }
      if (ok) {
        std::vector<std::int64_t> shape;
        for (int d : wrapped) {
          shape.push_back(m.shape[static_cast<std::size_t>(d)]);
        }
        want = gather(shape, [&](const std::vector<std::int64_t>& i) {
          std::vector<std::int64_t> src(m.shape.size());
          for (std::size_t k = 0; k < wrapped.size(); ++k) {
            src[static_cast<std::size_t>(wrapped[k])] = i[k];
          }
          return flat(m, src);
        });
      }
      run([&] { return t.permute(Shape(order)); });
      break;
    }
    case 1: {  // transpose
      std::int64_t a = in.arg();
      std::int64_t b = in.arg();
      std::optional<int> da = wrap(a, nd);
      std::optional<int> db = wrap(b, nd);
      if (da && db) {
        if (nd < 2) {
          want = m;
        } else {
          std::vector<std::int64_t> shape = m.shape;
          std::swap(shape[static_cast<std::size_t>(*da)], shape[static_cast<std::size_t>(*db)]);
          want = gather(shape, [&](std::vector<std::int64_t> i) {
            std::swap(i[static_cast<std::size_t>(*da)], i[static_cast<std::size_t>(*db)]);
            return flat(m, i);
          });
        }
      }
      run([&] { return t.transpose(a, b); });
      break;
    }
    case 2:  // slice
    case 3:  // narrow
    case 4: {  // select
      std::int64_t dim = in.arg();
      std::int64_t a = in.arg();
      std::int64_t b = in.arg();
      std::int64_t step_size = op == 2 ? in.arg() : 1;
      std::optional<int> d = wrap(dim, nd);
      if (d && nd > 0) {
        std::int64_t size = m.shape[static_cast<std::size_t>(*d)];
        std::optional<std::pair<std::int64_t, std::int64_t>> range;  // begin, length
        if (op == 2 && step_size > 0) {
          auto clamp = [size](std::int64_t i) {
            if (i < 0) {
              i += size;
            }
            return std::clamp<std::int64_t>(i, 0, size);
          };
          std::int64_t lo = clamp(a);
          std::int64_t hi = clamp(b);
          range = {lo, hi > lo ? (hi - lo - 1) / step_size + 1 : 0};
        } else if (op == 3) {
          std::int64_t begin = a < 0 ? a + size : a;
          if (begin >= 0 && begin <= size && b >= 0 && b <= size - begin) {
            range = {begin, b};
          }
        } else if (op == 4) {
          if (a >= -size && a < size) {
            range = {a < 0 ? a + size : a, 1};
          }
        }
        if (range) {
          std::vector<std::int64_t> shape = m.shape;
          shape[static_cast<std::size_t>(*d)] = range->second;
          want = gather(shape, [&](std::vector<std::int64_t> i) {
            auto& k = i[static_cast<std::size_t>(*d)];
            k = range->first + k * step_size;
            return flat(m, i);
          });
          if (op == 4) {
            want->shape.erase(want->shape.begin() + *d);
          }
        }
      }
      if (op == 2) {
        run([&] { return t.slice(dim, a, b, step_size); });
      } else if (op == 3) {
        run([&] { return t.narrow(dim, a, b); });
      } else {
        run([&] { return t.select(dim, a); });
      }
      break;
    }
    case 5: {  // expand
      int extra = in.byte() % 3;
      std::vector<std::int64_t> target;
      for (int i = 0; i < nd + extra; ++i) {
        std::uint8_t how = in.byte() % 4;
        std::int64_t same = i >= extra ? m.shape[static_cast<std::size_t>(i - extra)] : 1;
        target.push_back(how == 0 ? -1 : (how == 1 ? same : in.arg()));
      }
      std::vector<std::int64_t> shape = target;
      bool ok = static_cast<int>(target.size()) <= minitorch::kMaxDims;
      for (int i = 0; i < static_cast<int>(target.size()) && ok; ++i) {
        if (i < extra) {
          ok = target[static_cast<std::size_t>(i)] >= 0;
          continue;
        }
        std::int64_t size = m.shape[static_cast<std::size_t>(i - extra)];
        std::int64_t want_size =
            target[static_cast<std::size_t>(i)] == -1 ? size : target[static_cast<std::size_t>(i)];
        shape[static_cast<std::size_t>(i)] = want_size;
        ok = want_size >= 0 && (want_size == size || size == 1);
      }
      ok = ok && product(shape).has_value();
      if (ok && too_big(shape)) {
        // Valid but past what the model checks: the library must accept it; then stop.
        try {
          Tensor r = t.expand(Shape(target));
          if (r.numel() != *product(shape)) {
            finding("expand: numel differs");
          }
        } catch (const minitorch::Error&) {
          finding("expand refused a valid large shape");
        }
        return false;
      }
      if (ok) {
        want = gather(shape, [&](const std::vector<std::int64_t>& i) {
          std::vector<std::int64_t> src;
          for (int k = extra; k < static_cast<int>(i.size()); ++k) {
            src.push_back(m.shape[static_cast<std::size_t>(k - extra)] == 1
                              ? 0
                              : i[static_cast<std::size_t>(k)]);
          }
          return flat(m, src);
        });
      }
      if (target.size() > static_cast<std::size_t>(minitorch::kMaxDims)) {
        return false;  // Shape itself refuses it; nothing to compare
      }
      run([&] { return t.expand(Shape(target)); });
      break;
    }
    case 6: {  // unsqueeze
      std::int64_t dim = in.arg();
      std::optional<int> d = wrap(dim, nd + 1);
      if (d && nd < minitorch::kMaxDims) {
        std::vector<std::int64_t> shape = m.shape;
        shape.insert(shape.begin() + *d, 1);
        want = Model{shape, m.pos};
      }
      run([&] { return t.unsqueeze(dim); });
      break;
    }
    case 7: {  // squeeze, squeeze(dim)
      bool all = in.byte() % 2 == 0;
      std::int64_t dim = in.arg();
      std::vector<std::int64_t> shape;
      if (all) {
        for (std::int64_t s : m.shape) {
          if (s != 1) {
            shape.push_back(s);
          }
        }
        want = Model{shape, m.pos};
        run([&] { return t.squeeze(); });
      } else {
        std::optional<int> d = wrap(dim, nd);
        if (d) {
          shape = m.shape;
          if (nd > 0 && shape[static_cast<std::size_t>(*d)] == 1) {
            shape.erase(shape.begin() + *d);
          }
          want = Model{shape, m.pos};
        }
        run([&] { return t.squeeze(dim); });
      }
      break;
    }
    case 8:  // view
    case 9: {  // reshape
      int n = static_cast<int>(in.byte() % 6);
      std::vector<std::int64_t> target;
      for (int i = 0; i < n; ++i) {
        target.push_back(in.byte() % 5 == 0 ? -1 : in.arg());
      }
      std::int64_t numel = static_cast<std::int64_t>(m.pos.size());
      std::vector<std::int64_t> shape = target;
      int infer_at = -1;
      std::int64_t known = 1;
      bool ok = true;
      for (int i = 0; i < n && ok; ++i) {
        std::int64_t s = target[static_cast<std::size_t>(i)];
        if (s == -1 && infer_at < 0) {
          infer_at = i;
        } else if (s < 0 || __builtin_mul_overflow(known, s, &known)) {
          ok = false;
        }
      }
      if (ok && infer_at >= 0) {
        ok = known != 0 && numel % known == 0;
        if (ok) {
          shape[static_cast<std::size_t>(infer_at)] = numel / known;
        }
      }
      ok = ok && product(shape) == numel;
      if (ok) {
        want = Model{shape, m.pos};
      }
      view_may_refuse = op == 8;
      if (op == 8) {
        run([&] { return t.view(Shape(target)); });
      } else {
        run([&] { return t.reshape(Shape(target)); });
      }
      break;
    }
    default: {  // contiguous
      want = m;
      run([&] { return t.contiguous(); });
      if (!t.is_contiguous()) {
        finding("contiguous() gave a non-contiguous tensor");
      }
      break;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  int rank = in.byte() % 5;
  std::vector<std::int64_t> shape;
  for (int i = 0; i < rank; ++i) {
    shape.push_back(in.byte() % 6);
  }
  std::int64_t n = product(shape).value_or(0);
  Tensor t = minitorch::arange(static_cast<double>(n), {.dtype = minitorch::kFloat64})
                 .reshape(Shape(shape));
  Model m = gather(
      shape, [&, k = std::int64_t{0}](const std::vector<std::int64_t>&) mutable { return k++; });
  for (int ops = 0; ops < 16 && !in.empty(); ++ops) {
    if (!step(in, t, m)) {
      break;
    }
  }
  return 0;
}
