// Checkpoints: a bitwise round trip through safetensors (pure C++), the byte layout of the
// header, load() errors, one crafted file per class of malformed header (each must fail with a
// typed error naming the problem; see Note [safetensors header checks]), the JSON reader's
// limits, and interop with the reference Python package (safetensors + numpy), which is skipped
// when python3 cannot import them.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "minitorch/minitorch.h"
#include "nn/json.h"

namespace minitorch::nn {
namespace {

std::string temp_path(const std::string& name) { return ::testing::TempDir() + name; }

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A safetensors file: the 8-byte length (of header unless given), header, then data_bytes
// bytes of data (1, 2, 3, ...).
std::vector<std::byte> crafted(std::string_view header, std::size_t data_bytes = 0,
                               std::uint64_t length = ~std::uint64_t{0}) {
  if (length == ~std::uint64_t{0}) {
    length = header.size();
  }
  std::vector<std::byte> out(8 + header.size() + data_bytes);
  std::memcpy(out.data(), &length, 8);
  std::memcpy(out.data() + 8, header.data(), header.size());
  for (std::size_t i = 0; i < data_bytes; ++i) {
    out[8 + header.size() + i] = static_cast<std::byte>(i + 1);
  }
  return out;
}

// One tensor entry of a header.
std::string entry(std::string_view name, std::string_view dtype, std::string_view shape,
                  std::string_view offsets) {
  return "\"" + std::string(name) + "\":{\"dtype\":\"" + std::string(dtype) +
      "\",\"shape\":" + std::string(shape) + ",\"data_offsets\":" + std::string(offsets) + "}";
}

// Loading bytes throws exactly E (anything else escapes and fails the test), with a message
// "load_safetensors: ... (crafted.safetensors, ...)" that contains every one of needles.
template <class E>
void expect_rejected(const std::vector<std::byte>& bytes,
                     std::initializer_list<std::string_view> needles) {
  try {
    load_safetensors(bytes, "crafted.safetensors");
    ADD_FAILURE() << "loaded; expected an error mentioning " << *needles.begin();
  } catch (const E& e) {
    std::string message = e.what();
    EXPECT_EQ(typeid(e), typeid(E)) << message;
    EXPECT_EQ(message.rfind("load_safetensors: ", 0), 0u) << message;
    EXPECT_NE(message.find("crafted.safetensors"), std::string::npos) << message;
    for (std::string_view needle : needles) {
      EXPECT_NE(message.find(needle), std::string::npos) << "'" << needle << "' in " << message;
    }
  }
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
  EXPECT_THROW(load_safetensors(::testing::TempDir()), Error);
}

TEST(Safetensors, InMemoryRoundTripKeepsDataOrder) {
  Tensor a = arange(6.0).view({2, 3});
  Tensor b = arange(3.0, {.dtype = kFloat64});
  std::vector<std::byte> bytes =
      serialize_safetensors({{"a", a}, {"none", zeros({0, 5})}, {"b", b}}, {{"k", "v"}});
  SafetensorsFile file = load_safetensors(bytes);
  ASSERT_EQ(file.tensors.size(), 3u);
  EXPECT_EQ(file.tensors[0].first, "a");
  EXPECT_EQ(file.tensors[1].first, "none");
  EXPECT_EQ(file.tensors[2].first, "b");
  expect_bitwise_equal(file.tensors[0].second, a);
  expect_bitwise_equal(file.tensors[2].second, b);
  EXPECT_EQ(file.metadata.at("k"), "v");
  // Header order need not be data order: tensors come back sorted by offset.
  std::string header = "{" + entry("second", "F32", "[1]", "[4,8]") + "," +
      entry("first", "F32", "[1]", "[0,4]") + "}";
  file = load_safetensors(crafted(header, 8));
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors[0].first, "first");
  EXPECT_EQ(file.tensors[1].first, "second");
}

TEST(Safetensors, RejectsShapeThatDisagreesWithOffsets) {
  // A huge shape over an empty data range must not allocate 4 TB of uninitialised tensor.
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[1000000,1000000]", "[0,0]") + "}"),
                              {"data_offsets do not match the shape", "tensor 'w'",
                               "[1000000, 1000000]", "4000000000000 bytes"});
  expect_rejected<ValueError>(crafted("{" + entry("w", "F64", "[2]", "[0,8]") + "}", 8),
                              {"do not match the shape", "needs 16 bytes"});
}

TEST(Safetensors, RejectsShapeWhoseByteCountOverflowsInt64) {
  expect_rejected<ShapeError>(
      crafted("{" + entry("w", "F32", "[4611686018427387904,4]", "[0,0]") + "}"),
      {"more bytes than int64", "tensor 'w'", "[4611686018427387904, 4]"});
  // A zero size does not excuse the others: the strides would still overflow.
  expect_rejected<ShapeError>(
      crafted("{" + entry("w", "F32", "[0,4294967296,4294967296]", "[0,0]") + "}"),
      {"more bytes than int64", "tensor 'w'"});
}

TEST(Safetensors, RejectsOffsetsNearTwoToThe64) {
  expect_rejected<ValueError>(
      crafted("{" + entry("w", "F32", "[1]", "[18446744073709551612,18446744073709551616]") + "}"),
      {"data_offsets holds a number larger than int64", "tensor 'w'", "18446744073709551612"});
  expect_rejected<ValueError>(
      crafted("{" + entry("w", "F32", "[1]", "[0,99999999999999999999999999999]") + "}"),
      {"larger than int64", "data_offsets[1]"});
  expect_rejected<ValueError>(
      crafted("{" + entry("w", "F32", "[1]", "[9223372036854775803,9223372036854775807]") + "}", 4),
      {"run past the end of the data section", "tensor 'w'", "9223372036854775807"});
}

TEST(Safetensors, RejectsOffsetsPastTheFileEnd) {
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[4]", "[0,16]") + "}", 12),
                              {"run past the end of the data section", "tensor 'w'",
                               "data_offsets [0, 16]", "data section of 12 bytes"});
}

TEST(Safetensors, RejectsOverlappingEntries) {
  std::string header =
      "{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[4,12]") + "}";
  expect_rejected<ValueError>(crafted(header, 12),
                              {"tensors overlap", "tensor 'b'", "tensor 'a' ends at 8"});
  // Two names for the same bytes.
  header = "{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[0,8]") + "}";
  expect_rejected<ValueError>(crafted(header, 8), {"tensors overlap", "tensor 'b'"});
}

TEST(Safetensors, RejectsGapsInTheDataSection) {
  std::string header =
      "{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[8,12]") + "}";
  expect_rejected<ValueError>(crafted(header, 12),
                              {"a gap in the data section", "tensor 'b'", "tensor 'a' ends at 4"});
  expect_rejected<ValueError>(crafted("{" + entry("a", "F32", "[1]", "[4,8]") + "}", 8),
                              {"a gap", "tensor 'a'", "must begin at 0"});
  // Bytes after the last tensor, or data with no tensor at all.
  expect_rejected<ValueError>(crafted("{" + entry("a", "F32", "[1]", "[0,4]") + "}", 8),
                              {"bytes that no tensor claims", "data section of 8 bytes"});
  expect_rejected<ValueError>(crafted("{}", 4), {"bytes that no tensor claims"});
}

TEST(Safetensors, RejectsBeginAfterEnd) {
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[1]", "[8,4]") + "}", 8),
                              {"begin after they end", "tensor 'w'", "data_offsets [8, 4]"});
}

TEST(Safetensors, RejectsNegativeAndFractionalNumbers) {
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[-1]", "[0,0]") + "}"),
                              {"shape holds a negative number", "tensor 'w'", "shape[0] = -1"});
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[1.5]", "[0,4]") + "}", 4),
                              {"not written as an integer", "shape[0] = 1.5"});
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[1e0]", "[0,4]") + "}", 4),
                              {"not written as an integer", "shape[0] = 1e0"});
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[1]", "[-4,0]") + "}"),
                              {"data_offsets holds a negative number", "data_offsets[0] = -4"});
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[1]", "[0,4.0]") + "}", 4),
                              {"not written as an integer", "data_offsets[1] = 4.0"});
}

TEST(Safetensors, RejectsHeaderLengthLargerThanTheFile) {
  std::string header = "{" + entry("w", "F32", "[1]", "[0,4]") + "}";
  expect_rejected<ValueError>(crafted(header, 4, 1000),
                              {"header length 1000 runs past the end of the file"});
  expect_rejected<ValueError>(crafted(header, 4, ~std::uint64_t{0} - 1),
                              {"header length 18446744073709551614 is above the limit"});
  // Through the file loader the path names the file.
  std::string path = temp_path("long_header.safetensors");
  std::vector<std::byte> bytes = crafted(header, 4, 1000);
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  try {
    load_safetensors(path);
    ADD_FAILURE() << "loaded";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(Safetensors, RejectsTruncatedFiles) {
  std::vector<std::byte> whole = serialize_safetensors({{"w", arange(4.0)}});
  auto cut = [&](std::size_t n) {
    return std::vector<std::byte>(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
  };
  expect_rejected<ValueError>(cut(0), {"file is 0 bytes, shorter than the 8-byte header length"});
  expect_rejected<ValueError>(cut(5), {"file is 5 bytes"});
  expect_rejected<ValueError>(cut(20), {"runs past the end of the file", "file of 20 bytes"});
  expect_rejected<ValueError>(cut(whole.size() - 1),
                              {"run past the end of the data section", "tensor 'w'"});
  EXPECT_EQ(load_safetensors(whole).tensors.size(), 1u);
}

TEST(Safetensors, RejectsDeepJsonNesting) {
  // Recursion is capped: 100000 '[' must fail cleanly, not overflow the stack.
  expect_rejected<ValueError>(crafted(std::string(100000, '[')),
                              {"malformed JSON", "nesting deeper than 64 levels"});
  std::string deep = "{\"w\":" + std::string(70, '[') + std::string(70, ']') + "}";
  expect_rejected<ValueError>(crafted(deep), {"nesting deeper than 64"});
}

TEST(Safetensors, RejectsDuplicateNames) {
  std::string header =
      "{" + entry("w", "F32", "[1]", "[0,4]") + "," + entry("w", "F32", "[1]", "[4,8]") + "}";
  expect_rejected<ValueError>(crafted(header, 8), {"tensor name appears twice", "tensor 'w'"});
  expect_rejected<ValueError>(crafted(R"({"__metadata__":{"k":"a","k":"b"}})"),
                              {"__metadata__ key appears twice", "key 'k'"});
  expect_rejected<ValueError>(crafted(R"({"__metadata__":{},"__metadata__":{}})"),
                              {"__metadata__ appears twice"});
}

TEST(Safetensors, Int64AndBoolRoundTrip) {
  const std::int64_t big = (std::int64_t{1} << 60) + 1;
  Tensor indices = from_vector(std::vector<std::int64_t>{big, -3, 0}, {3});
  Tensor mask = from_vector(std::vector<std::int64_t>{1, 0, 0, 1}, {2, 2}, {.dtype = kBool});
  std::vector<std::byte> bytes =
      serialize_safetensors({{"indices", indices}, {"mask", mask.transpose(0, 1)}});
  std::string header(reinterpret_cast<const char*>(bytes.data()) + 8, 120);
  EXPECT_NE(header.find("\"indices\":{\"dtype\":\"I64\",\"shape\":[3]"), std::string::npos);
  EXPECT_NE(header.find("\"mask\":{\"dtype\":\"BOOL\",\"shape\":[2,2]"), std::string::npos);
  SafetensorsFile file = load_safetensors(bytes);
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors[0].second.dtype(), kInt64);
  EXPECT_EQ(file.tensors[0].second.to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{big, -3, 0}));
  EXPECT_EQ(file.tensors[1].second.dtype(), kBool);
  EXPECT_EQ(file.tensors[1].second.to_vector<bool>(),
            (std::vector<bool>{true, false, false, true}));
}

TEST(Safetensors, BoolBytesOtherThanOneReadAsTrue) {
  // crafted() fills the data with 1, 2, 3, ...; a C++ bool may only hold 0 or 1.
  SafetensorsFile file =
      load_safetensors(crafted("{" + entry("m", "BOOL", "[3]", "[0,3]") + "}", 3));
  Tensor m = file.tensors.at(0).second;
  EXPECT_EQ(m.to_vector<bool>(), (std::vector<bool>{true, true, true}));
  EXPECT_EQ(m.to(kInt64).to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 1, 1}));
  expect_rejected<ValueError>(crafted("{" + entry("i", "I64", "[2]", "[0,8]") + "}", 8),
                              {"tensor 'i'"});
}

TEST(Safetensors, RejectsUnknownDtype) {
  expect_rejected<DTypeError>(
      crafted("{" + entry("w", "F8_E4M3", "[1]", "[0,1]") + "}", 1),
      {"dtype 'F8_E4M3' is not supported", "F32, F64, F16, BF16, I64 and BOOL", "tensor 'w'"});
}

TEST(Safetensors, RejectsRankAboveMaxDims) {
  std::string ones = "[1,1,1,1,1,1,1,1,1,1,1,1,1]";
  expect_rejected<ShapeError>(crafted("{" + entry("w", "F32", ones, "[0,4]") + "}", 4),
                              {"shape has 13 dims, more than kMaxDims = 12", "tensor 'w'"});
}

TEST(Safetensors, RejectsWrongJsonKinds) {
  expect_rejected<ValueError>(crafted("[]"), {"header is not a JSON object"});
  expect_rejected<ValueError>(crafted(R"({"w":[1]})"), {"entry is not a JSON object", "'w'"});
  expect_rejected<ValueError>(
      crafted(R"({"w":{"dtype":"F32","shape":[]}})"),
      {"exactly the members dtype, shape and data_offsets", "has: dtype, shape"});
  expect_rejected<ValueError>(
      crafted(R"({"w":{"dtype":"F32","shape":[],"data_offsets":[0,4],"x":1}})", 4),
      {"exactly the members", "has: dtype, shape, data_offsets, x"});
  expect_rejected<ValueError>(crafted(R"({"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}})", 4),
                              {"dtype is not a string", "tensor 'w'"});
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "\"1\"", "[0,4]") + "}", 4),
                              {"shape is not an array", "tensor 'w'"});
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[\"1\"]", "[0,4]") + "}", 4),
                              {"shape holds something other than a number", "shape[0]"});
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[1]", "{\"a\":0}") + "}", 4),
                              {"data_offsets is not an array of two integers"});
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[1]", "[0,4,8]") + "}", 4),
                              {"data_offsets is not an array of two integers"});
  expect_rejected<ValueError>(crafted("{" + entry("w", "F32", "[1]", "[0,null]") + "}", 4),
                              {"data_offsets holds something other than a number"});
  expect_rejected<ValueError>(crafted(R"({"__metadata__":[]})"),
                              {"__metadata__ is not a JSON object"});
  expect_rejected<ValueError>(crafted(R"({"__metadata__":{"k":1}})"),
                              {"__metadata__ value is not a string", "key 'k'"});
}

TEST(Safetensors, RejectsMalformedJson) {
  expect_rejected<ValueError>(crafted("{\"w\":\"abc"), {"unterminated string"});
  expect_rejected<ValueError>(crafted(R"({"w\q":1})"), {"bad escape"});
  expect_rejected<ValueError>(crafted(R"({"\ud800":1})"), {"lone high surrogate"});
  expect_rejected<ValueError>(crafted("{\"\xff\":1}"), {"invalid UTF-8"});
  expect_rejected<ValueError>(crafted("{\"a\tb\":1}"), {"raw control character"});
  expect_rejected<ValueError>(crafted(R"({"__metadata__":{"k":"v"}} x)"), {"trailing characters"});
  expect_rejected<ValueError>(crafted(""), {"malformed JSON", "unexpected end"});
}

// The JSON reader on its own (it also reads profiler traces).
TEST(SafetensorsJson, DepthLimitIsExact) {
  std::string ok = std::string(json::kMaxDepth, '[') + std::string(json::kMaxDepth, ']');
  EXPECT_EQ(json::parse(ok, "test").kind, json::Value::Kind::Array);
  std::string deep = "[" + ok + "]";
  EXPECT_THROW(json::parse(deep, "test"), ValueError);
}

TEST(SafetensorsJson, NumbersFollowTheGrammarAndKeepTheirText) {
  std::string huge(400, '9');
  EXPECT_EQ(json::parse(huge, "test").text, huge);
  EXPECT_EQ(json::parse("-0.5e+10", "test").text, "-0.5e+10");
  for (const char* bad : {"01", "1.", ".5", "-", "1e", "+1", "--1", "1e+", "0x10", "NaN"}) {
    EXPECT_THROW(json::parse(bad, "test"), ValueError) << bad;
  }
}

TEST(SafetensorsJson, StringsAndEscapes) {
  EXPECT_EQ(json::parse(R"("a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00")", "test").text,
            "a\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
  for (const char* bad : {R"("\x")", R"("\u12")", R"("\u12g4")", R"("\udc00")", R"("\ud800\u0041")",
                          "\"abc", "\"a\\", "\"\xc0\xaf\"", "\"\xed\xa0\x80\""}) {
    EXPECT_THROW(json::parse(bad, "test"), ValueError) << bad;
  }
  std::string text = std::string("q\"\\\x01\x1f") + "\xe2\x82\xac";
  EXPECT_EQ(json::parse(json::quote(text), "test").text, text);
  try {
    json::parse("[1,]", "trace", "t.json");
    ADD_FAILURE();
  } catch (const ValueError& e) {
    EXPECT_EQ(std::string(e.what()),
              "trace: malformed JSON, unexpected character (t.json, JSON byte 3)");
  }
}

TEST(Safetensors, FailedModuleLoadLeavesParametersUntouched) {
  Net net(kFloat32, 5);
  std::vector<std::vector<double>> before;
  for (const auto& [name, parameter] : net.named_parameters()) {
    before.push_back(parameter.to_vector());
  }
  auto expect_untouched = [&] {
    auto after = net.named_parameters();
    for (std::size_t i = 0; i < after.size(); ++i) {
      EXPECT_EQ(after[i].second.to_vector(), before[i]) << after[i].first;
    }
  };
  // A well-formed file for this model whose last tensor claims bytes past the end.
  Net other(kFloat32, 6);
  std::string path = temp_path("malformed_module.safetensors");
  save(other, path);
  std::string bytes = read_bytes(path);
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() - 4);
  EXPECT_THROW(load(net, path), ValueError);
  expect_untouched();
  // A name the model lacks: nothing is written either.
  save_safetensors(path, {{"layers.0.weight", zeros({3, 2})}, {"extra", zeros({1})}});
  EXPECT_THROW(load(net, path), ValueError);
  expect_untouched();
}

TEST(Safetensors, ModuleLoadConvertsDtype) {
  Net saved(kFloat64, 7);
  Net loaded(kFloat32, 8);
  std::string path = temp_path("convert.safetensors");
  save(saved, path);
  load(loaded, path);
  auto a = saved.named_parameters();
  auto b = loaded.named_parameters();
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(b[i].second.dtype(), kFloat32);
    EXPECT_EQ(b[i].second.to_vector(), a[i].second.to(kFloat32).to_vector()) << a[i].first;
  }
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
      "'b': np.array([1.5], dtype=np.float32), 'z': np.zeros((0, 3), dtype=np.float32)}, "
      "sys.argv[2], metadata={'k': 'v'})\n";
  std::string script_path = temp_path("interop.py");
  std::ofstream(script_path) << script;
  std::string command = "python3 " + script_path + " " + ours + " " + theirs + " " + w00;
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  SafetensorsFile file = load_safetensors(theirs);
  ASSERT_EQ(file.tensors.size(), 3u);
  std::map<std::string, Tensor> by_name(file.tensors.begin(), file.tensors.end());
  EXPECT_EQ(by_name.at("a").shape(), Shape({2, 3}));
  EXPECT_EQ(by_name.at("a").dtype(), kFloat64);
  EXPECT_EQ(by_name.at("a").to_vector(), (std::vector<double>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(by_name.at("b").to_vector(), (std::vector<double>{1.5}));
  EXPECT_EQ(by_name.at("z").shape(), Shape({0, 3}));
  EXPECT_EQ(file.metadata.at("k"), "v");
}

}  // namespace
}  // namespace minitorch::nn
