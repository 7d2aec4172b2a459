// Internals of the mpi process group that its tests reach: the largest element count one
// MPI call carries (MPI counts are int), lowered by tests to exercise the chunked path.
#pragma once

#include <cstdint>

namespace minitorch::dist::detail {

/// Elements per MPI call: 2^30 unless a test lowers it. Every rank must use the same value
/// (the chunk boundaries fix the reduction order; see Note [MPI bitwise results]).
std::int64_t mpi_chunk_elements();
/// Test hook: chunk (>= 1) replaces the limit for later collectives, on this rank.
void set_mpi_chunk_elements_for_testing(std::int64_t chunk);

}  // namespace minitorch::dist::detail
