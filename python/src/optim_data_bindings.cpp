// minitorch.optim's SGD, Adam and AdamW (the C++ optimisers over the parameters' shared
// tensors) and its lr schedulers, and minitorch.data's course datasets and mini-batches.
#include <nanobind/stl/pair.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "minitorch/data/data.h"
#include "minitorch/optim/optim.h"
#include "without_gil.h"

namespace minitorch::python {
namespace {

// torch.optim.lr_scheduler's StepLR and CosineAnnealingLR. A scheduler holds its optimizer by
// reference, so the Python scheduler keeps the optimizer alive (keep_alive<1, 2>).
void bind_lr_schedulers(nb::module_& o) {
  nb::class_<optim::LRScheduler>(o, "LRScheduler")
      .def("step", &optim::LRScheduler::step)
      .def("get_last_lr",
           [](const optim::LRScheduler& s) { return std::vector<double>{s.last_lr()}; })
      .def_prop_ro("base_lrs",
                   [](const optim::LRScheduler& s) { return std::vector<double>{s.base_lr()}; })
      .def_prop_ro("last_epoch", &optim::LRScheduler::last_epoch)
      .def("lr_at", &optim::LRScheduler::lr_at, nb::arg("epoch"));
  nb::class_<optim::StepLR, optim::LRScheduler>(o, "StepLR")
      .def(nb::init<optim::Optimizer&, std::int64_t, double>(), nb::arg("optimizer"),
           nb::arg("step_size"), nb::arg("gamma") = 0.1, nb::keep_alive<1, 2>());
  nb::class_<optim::CosineAnnealingLR, optim::LRScheduler>(o, "CosineAnnealingLR")
      .def(nb::init<optim::Optimizer&, std::int64_t, double>(), nb::arg("optimizer"),
           nb::arg("T_max"), nb::arg("eta_min") = 0.0, nb::keep_alive<1, 2>());
}

}  // namespace

void bind_optim(nb::module_& m) {
  nb::module_ o = m.def_submodule("_optim", "C++ parts of minitorch.optim");
  nb::class_<optim::Optimizer>(o, "Optimizer")
      .def("step", &optim::Optimizer::step, ReleaseGil())
      .def("zero_grad", &optim::Optimizer::zero_grad)
      .def_prop_rw("lr", &optim::Optimizer::lr, &optim::Optimizer::set_lr)
      .def_prop_ro("steps", &optim::Optimizer::steps)
      .def_prop_ro("params", &optim::Optimizer::params);
  nb::class_<optim::SGD, optim::Optimizer>(o, "SGD").def(
      "__init__",
      [](optim::SGD* self, std::vector<Tensor> params, double lr, double momentum, double dampening,
         double weight_decay, bool nesterov) {
        new (self) optim::SGD(std::move(params),
                              {.lr = lr,
                               .momentum = momentum,
                               .dampening = dampening,
                               .weight_decay = weight_decay,
                               .nesterov = nesterov});
      },
      nb::arg("params"), nb::arg("lr") = 0.01, nb::arg("momentum") = 0.0,
      nb::arg("dampening") = 0.0, nb::arg("weight_decay") = 0.0, nb::arg("nesterov") = false);
  nb::class_<optim::Adam, optim::Optimizer>(o, "Adam").def(
      "__init__",
      [](optim::Adam* self, std::vector<Tensor> params, double lr, std::pair<double, double> betas,
         double eps, double weight_decay) {
        new (self) optim::Adam(std::move(params),
                               {.lr = lr,
                                .beta1 = betas.first,
                                .beta2 = betas.second,
                                .eps = eps,
                                .weight_decay = weight_decay});
      },
      nb::arg("params"), nb::arg("lr") = 1e-3, nb::arg("betas") = std::make_pair(0.9, 0.999),
      nb::arg("eps") = 1e-8, nb::arg("weight_decay") = 0.0);
  nb::class_<optim::AdamW, optim::Adam>(o, "AdamW")
      .def(
          "__init__",
          [](optim::AdamW* self, std::vector<Tensor> params, double lr,
             std::pair<double, double> betas, double eps, double weight_decay) {
            new (self) optim::AdamW(std::move(params),
                                    {.lr = lr,
                                     .beta1 = betas.first,
                                     .beta2 = betas.second,
                                     .eps = eps,
                                     .weight_decay = weight_decay});
          },
          nb::arg("params"), nb::arg("lr") = 1e-3, nb::arg("betas") = std::make_pair(0.9, 0.999),
          nb::arg("eps") = 1e-8, nb::arg("weight_decay") = 0.01);
  bind_lr_schedulers(o);
}

void bind_data(nb::module_& m) {
  nb::module_ d = m.def_submodule("_data", "C++ parts of minitorch.data");
  // The 2-D course datasets (data::PointDataset), Dataset in Python as before the interface.
  nb::class_<data::PointDataset>(d, "Dataset")
      .def_ro("name", &data::PointDataset::name)
      .def_ro("features", &data::PointDataset::features)
      .def("__len__", &data::PointDataset::size)
      .def(
          "x_tensor",
          [](const data::PointDataset& ds, nb::handle dtype) {
            return ds.x_tensor({.dtype = to_dtype_or(dtype, kFloat32)});
          },
          nb::arg("dtype") = nb::none())
      .def(
          "y_tensor",
          [](const data::PointDataset& ds, nb::handle dtype) {
            return ds.y_tensor({.dtype = to_dtype_or(dtype, kFloat32)});
          },
          nb::arg("dtype") = nb::none());
  d.def("make_dataset", &data::make_dataset, nb::arg("name"), nb::arg("n"), nb::arg("seed") = 0);
  d.def("dataset_names", &data::dataset_names);
  nb::class_<data::Batches>(d, "Batches")
      .def(
          "__init__",
          [](data::Batches* self, const data::PointDataset& ds, std::int64_t batch_size,
             std::uint64_t seed, nb::handle dtype, bool shuffle) {
            new (self) data::Batches(ds, batch_size, seed, {.dtype = to_dtype_or(dtype, kFloat32)},
                                     shuffle);
          },
          nb::arg("dataset"), nb::arg("batch_size"), nb::arg("seed") = 0,
          nb::arg("dtype") = nb::none(), nb::arg("shuffle") = true, nb::keep_alive<1, 2>())
      .def("__len__", &data::Batches::size)
      .def("epoch", [](data::Batches& b) {
        std::vector<data::Batch> batches = without_gil([&] { return b.epoch(); });
        std::vector<std::pair<Tensor, Tensor>> out;
        out.reserve(batches.size());
        for (data::Batch& batch : batches) {
          out.emplace_back(std::move(batch.x), std::move(batch.y));
        }
        return out;
      });
}

}  // namespace minitorch::python
