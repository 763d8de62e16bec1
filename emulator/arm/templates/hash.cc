// Deterministic hashes of the template engine: uniqueString(), guid() and the template hash.

#include "emulator/arm/templates/internal.h"
#include "emulator/arm/templates/template.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace emu::arm {
namespace tmpl {
namespace {

uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bU;
  h ^= h >> 13;
  h *= 0xc2b2ae35U;
  h ^= h >> 16;
  return h;
}

// Little-endian load of up to 4 bytes.
uint32_t load_le(const unsigned char* p, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n && i < 4; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

uint32_t mix_k1(uint32_t k) { return rotl32(k * 0x239b961bU, 15) * 0xab0e9789U; }
uint32_t mix_k2(uint32_t k) { return rotl32(k * 0xab0e9789U, 17) * 0x239b961bU; }

}  // namespace

// The 64-bit hash behind ARM's uniqueString() (and Bicep's templateHash): two 32-bit
// MurmurHash3-style lanes over 8-byte blocks, seed 0, Microsoft constants. Reconstructed from
// the public descriptions of Microsoft.WindowsAzure.ResourceStack.Common.Algorithms.ComputeHash
// / Azure.Deployments.Expression UniqueStringFunction (MIT): the "Calculating the Bicep
// uniqueString hash locally" gist (gist.github.com/maskati/23f329e7db43c00184143f04498e537c),
// github.com/JasonWhall/go-azure-uniquestring ("hello-world" -> 571013382255652050) and a
// pure-bash port ("uniquestring.sh", verified against Bicep output). Test vectors in
// tests/unit/arm/template_hash_test.cc come from those sources and from real deployments.
uint64_t resource_stack_murmur64(std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const size_t len = data.size();
  uint32_t h1 = 0;
  uint32_t h2 = 0;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    h1 ^= mix_k1(load_le(p + i, 4));
    h1 = rotl32(h1, 19) + h2;
    h1 = h1 * 5 + 0x561ccd1bU;
    h2 ^= mix_k2(load_le(p + i + 4, 4));
    h2 = rotl32(h2, 13) + h1;
    h2 = h2 * 5 + 0x0bcaa747U;
  }
  const size_t rest = len - i;
  if (rest > 0) h1 ^= mix_k1(load_le(p + i, rest));
  if (rest > 4) h2 ^= mix_k2(load_le(p + i + 4, rest - 4));
  const auto n = static_cast<uint32_t>(len);
  h1 ^= n;
  h2 ^= n;
  h1 += h2;
  h2 += h1;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h1 += h2;
  h2 += h1;
  return (static_cast<uint64_t>(h2) << 32) | h1;
}

// ARM guid(): an RFC 4122 version-5 UUID (SHA-1) of the arguments joined with '-' under the
// namespace 11fb06fb-712d-4ddd-98c7-e71bbd588830 (as documented for Bicep's guid() and used by
// the Terraform/Python ports that reproduce ARM role-assignment names).
std::string deterministic_guid(const std::vector<std::string>& parts) {
  static constexpr std::array<unsigned char, 16> kNamespace = {0x11, 0xfb, 0x06, 0xfb, 0x71, 0x2d,
                                                               0x4d, 0xdd, 0x98, 0xc7, 0xe7, 0x1b,
                                                               0xbd, 0x58, 0x88, 0x30};
  std::string data(kNamespace.begin(), kNamespace.end());
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) data += '-';
    data += parts[i];
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &md_len, EVP_sha1(), nullptr) != 1 || md_len < 16) {
    return "00000000-0000-0000-0000-000000000000";
  }
  md[6] = static_cast<unsigned char>((md[6] & 0x0f) | 0x50);
  md[8] = static_cast<unsigned char>((md[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int b = 0; b < 16; ++b) {
    if (b == 4 || b == 6 || b == 8 || b == 10) out += '-';
    out += kHex[md[b] >> 4];
    out += kHex[md[b] & 0x0f];
  }
  return out;
}

// FNV-1a 64 as a decimal string. The emulator's templateHash: stable for the same template,
// but NOT the value Azure computes (see README.template.md).
std::string fnv1a64_decimal(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return std::to_string(h);
}

}  // namespace tmpl

std::string unique_string(const std::vector<std::string>& parts) {
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) joined += '-';
    joined += parts[i];
  }
  uint64_t h = tmpl::resource_stack_murmur64(joined);
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  out.reserve(13);
  for (int i = 0; i < 13; ++i) {
    out += kAlphabet[(h >> 59) & 31];
    h <<= 5;
  }
  return out;
}

}  // namespace emu::arm
