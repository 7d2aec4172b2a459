// Checkpoints: a bitwise round trip through safetensors (pure C++), the byte layout of the
// header, load() errors, and interop with the reference Python package (safetensors +
// numpy), which is skipped when python3 cannot import them.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "minitorch/minitorch.h"

namespace minitorch::nn {
namespace {

std::string temp_path(const std::string& name) { return ::testing::TempDir() + name; }

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class Net : public Module {
 public:
  explicit Net(DType dtype, std::uint64_t seed) {
    Generator gen(seed);
    layers_ = register_module(
        "layers",
        std::make_shared<Sequential>(std::vector<std::shared_ptr<Module>>{
            std::make_shared<Linear>(2, 3, LinearOptions{.dtype = dtype, .generator = &gen}),
            std::make_shared<ReLU>(),
            std::make_shared<Linear>(3, 1, LinearOptions{.dtype = dtype, .generator = &gen})}));
  }
  Tensor forward(const Tensor& x) override { return layers_->forward(x); }

 private:
  std::shared_ptr<Sequential> layers_;
};

void expect_bitwise_equal(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape(), b.shape());
  ASSERT_EQ(a.dtype(), b.dtype());
  Tensor ca = a.contiguous();
  Tensor cb = b.contiguous();
  EXPECT_EQ(std::memcmp(ca.data().data_ptr(), cb.data().data_ptr(),
                        static_cast<std::size_t>(a.numel() * element_size(a.dtype()))),
            0);
}

TEST(Safetensors, ModuleRoundTripIsBitwise) {
  for (DType dtype : {kFloat32, kFloat64}) {
    Net saved(dtype, 1);
    Net loaded(dtype, 2);
    std::string path = temp_path("roundtrip.safetensors");
    save(saved, path, {{"note", "a \"quoted\" value"}});
    auto metadata = load(loaded, path);
    EXPECT_EQ(metadata.at("note"), "a \"quoted\" value");
    auto a = saved.named_parameters();
    auto b = loaded.named_parameters();
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].first, b[i].first);
      expect_bitwise_equal(a[i].second, b[i].second);
    }
    // Loading writes in place: the parameters stay leaves that require grad.
    EXPECT_TRUE(b[0].second.requires_grad());
  }
}

TEST(Safetensors, HeaderLayout) {
  Net net(kFloat32, 3);
  std::string path = temp_path("layout.safetensors");
  save(net, path);
  std::string bytes = read_bytes(path);
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) {
    n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  }
  EXPECT_EQ(n % 8, 0u);
  std::string header = bytes.substr(8, n);
  EXPECT_NE(header.find("\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[3,2],"
                        "\"data_offsets\":[0,24]}"),
            std::string::npos)
      << header;
  EXPECT_NE(header.find("\"layers.2.bias\""), std::string::npos);
  // Data: 6 + 3 + 3 + 1 floats, no gaps.
  EXPECT_EQ(bytes.size(), 8 + n + 13 * 4);
}

TEST(Safetensors, StridedAndRawTensors) {
  Tensor t = arange(12.0, {.dtype = kFloat64}).view({3, 4}).transpose(0, 1);
  std::string path = temp_path("raw.safetensors");
  save_safetensors(path, {{"t", t}, {"empty", zeros({0, 2})}});
  SafetensorsFile file = load_safetensors(path);
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors[0].first, "t");
  EXPECT_EQ(file.tensors[0].second.to_vector(), t.to_vector());
  EXPECT_EQ(file.tensors[1].second.shape(), Shape({0, 2}));
  EXPECT_THROW(save_safetensors(path, {{"a", t}, {"a", t}}), Error);
}

TEST(Safetensors, LoadErrors) {
  Net net(kFloat32, 1);
  std::string path = temp_path("errors.safetensors");
  save_safetensors(path, {{"layers.0.weight", zeros({3, 2})}});
  EXPECT_THROW(load(net, path), Error);  // the other tensors are missing
  save_safetensors(path,
                   {{"layers.0.weight", zeros({2, 3})},
                    {"layers.0.bias", zeros({3})},
                    {"layers.2.weight", zeros({1, 3})},
                    {"layers.2.bias", zeros({1})}});
  Tensor before = net.named_parameters()[1].second.clone();
  EXPECT_THROW(load(net, path), ShapeError);
  // Nothing was written by the failed load.
  EXPECT_EQ(net.named_parameters()[1].second.to_vector(), before.to_vector());
  std::ofstream(temp_path("short.safetensors"), std::ios::binary) << "abc";
  EXPECT_THROW(load_safetensors(temp_path("short.safetensors")), Error);
  std::string truncated = read_bytes(path).substr(0, 40);
  std::ofstream(temp_path("trunc.safetensors"), std::ios::binary) << truncated;
  EXPECT_THROW(load_safetensors(temp_path("trunc.safetensors")), Error);
  EXPECT_THROW(load_safetensors(temp_path("does_not_exist.safetensors")), Error);
}

bool python_has_safetensors() {
  return std::system("python3 -c 'import safetensors.numpy, numpy' > /dev/null 2>&1") == 0;
}

TEST(Safetensors, InteropWithThePythonPackage) {
  if (!python_has_safetensors()) {
    GTEST_SKIP() << "python3 with safetensors and numpy not available "
                    "(pip install safetensors numpy)";
  }
  Net net(kFloat32, 4);
  std::string ours = temp_path("ours.safetensors");
  std::string theirs = temp_path("theirs.safetensors");
  save(net, ours, {{"producer", "test"}});
  // Python reads ours, checks a value, and writes a file of its own for us.
  std::string w00 = std::to_string(net.named_parameters()[0].second.at({0, 0}));
  std::string script =
      "import numpy as np, sys\n"
      "from safetensors.numpy import load_file, save_file\n"
      "from safetensors import safe_open\n"
      "t = load_file(sys.argv[1])\n"
      "assert sorted(t) == ['layers.0.bias', 'layers.0.weight', 'layers.2.bias', "
      "'layers.2.weight'], sorted(t)\n"
      "assert t['layers.0.weight'].shape == (3, 2) and t['layers.0.weight'].dtype == np.float32\n"
      "assert abs(float(t['layers.0.weight'][0, 0]) - float(sys.argv[3])) < 1e-5\n"
      "assert safe_open(sys.argv[1], 'np').metadata() == {'producer': 'test'}\n"
      "save_file({'a': np.arange(6, dtype=np.float64).reshape(2, 3), "
      "'b': np.array([1.5], dtype=np.float32)}, sys.argv[2], metadata={'k': 'v'})\n";
  std::string script_path = temp_path("interop.py");
  std::ofstream(script_path) << script;
  std::string command = "python3 " + script_path + " " + ours + " " + theirs + " " + w00;
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  SafetensorsFile file = load_safetensors(theirs);
  ASSERT_EQ(file.tensors.size(), 2u);
  std::map<std::string, Tensor> by_name(file.tensors.begin(), file.tensors.end());
  EXPECT_EQ(by_name.at("a").shape(), Shape({2, 3}));
  EXPECT_EQ(by_name.at("a").dtype(), kFloat64);
  EXPECT_EQ(by_name.at("a").to_vector(), (std::vector<double>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(by_name.at("b").to_vector(), (std::vector<double>{1.5}));
  EXPECT_EQ(file.metadata.at("k"), "v");
}

}  // namespace
}  // namespace minitorch::nn
