// stream_store.h with AVX2 (Note [SIMD files]): 32-byte non-temporal stores from the first
// aligned address, plain stores for the head and the tail, one sfence at the end so the
// streamed lines are ordered before the thread pool's completion flag.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "backends/cpu/stream_store.h"

namespace minitorch::cpu {
namespace {

constexpr std::size_t kVector = 32;

// Bytes before the first kVector-aligned address of p, at most bytes.
std::size_t head_bytes(const void* p, std::size_t bytes) {
  const std::size_t misalign = reinterpret_cast<std::uintptr_t>(p) % kVector;
  return std::min((kVector - misalign) % kVector, bytes);
}

}  // namespace

void copy_streaming(void* dst, const void* src, std::size_t bytes) {
  auto* d = static_cast<std::byte*>(dst);
  const auto* s = static_cast<const std::byte*>(src);
  std::size_t i = head_bytes(d, bytes);
  std::memcpy(d, s, i);
  // Four vectors per step: two full cache lines in flight per iteration.
  for (; i + 4 * kVector <= bytes; i += 4 * kVector) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i + kVector));
    const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i + 2 * kVector));
    const __m256i e = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i + 3 * kVector));
    _mm256_stream_si256(reinterpret_cast<__m256i*>(d + i), a);
    _mm256_stream_si256(reinterpret_cast<__m256i*>(d + i + kVector), b);
    _mm256_stream_si256(reinterpret_cast<__m256i*>(d + i + 2 * kVector), c);
    _mm256_stream_si256(reinterpret_cast<__m256i*>(d + i + 3 * kVector), e);
  }
  for (; i + kVector <= bytes; i += kVector) {
    _mm256_stream_si256(reinterpret_cast<__m256i*>(d + i),
                        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i)));
  }
  std::memcpy(d + i, s + i, bytes - i);
  _mm_sfence();
}

void fill_streaming(void* dst, const void* value, std::size_t elem_size, std::size_t count) {
  auto* d = static_cast<std::byte*>(dst);
  const std::size_t bytes = elem_size * count;
  // The value repeated over one vector; an aligned address is a whole number of elements
  // past dst (elements are aligned to their size), so the pattern stays in phase.
  alignas(kVector) std::byte pattern[kVector];
  for (std::size_t k = 0; k < kVector; k += elem_size) {
    std::memcpy(pattern + k, value, elem_size);
  }
  const __m256i v = _mm256_load_si256(reinterpret_cast<const __m256i*>(pattern));
  std::size_t i = head_bytes(d, bytes);
  for (std::size_t k = 0; k < i; k += elem_size) {
    std::memcpy(d + k, value, elem_size);
  }
  for (; i + kVector <= bytes; i += kVector) {
    _mm256_stream_si256(reinterpret_cast<__m256i*>(d + i), v);
  }
  for (; i < bytes; i += elem_size) {
    std::memcpy(d + i, value, elem_size);
  }
  _mm_sfence();
}

}  // namespace minitorch::cpu
