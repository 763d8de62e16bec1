// Seeded identifiers. Every GUID, request ID and correlation ID the emulator issues comes from
// an IdSource, so the same seed yields the same identifiers in the same order.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

namespace emu {

// Thread-safe. Deterministic for a given seed and call order.
class IdSource {
 public:
  explicit IdSource(uint64_t seed);

  // Lower-case RFC 4122 version-4 GUID, e.g. "0f8fad5b-d9cb-469f-a165-70867728950e".
  std::string guid();
  // A uniformly distributed 64-bit value.
  uint64_t next_u64();
  // A value in [0, 1).
  double next_unit();
  // `n` random bytes rendered as lower-case hex (2n characters).
  std::string hex(size_t n);
  // Restarts the sequence from `seed`.
  void reseed(uint64_t seed);
  uint64_t seed() const { return seed_; }

 private:
  uint64_t next_locked();
  std::mutex mu_;
  uint64_t seed_;
  uint64_t state_[4];  // xoshiro256** state, guarded by mu_
};

}  // namespace emu
