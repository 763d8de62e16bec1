#include "emulator/mp/client_files/client_files.h"

#include "emulator/core/crypto/digest.h"
#include "emulator/core/text.h"

#include <charconv>
#include <cstdint>

namespace emu::mp {
namespace {

// `size` bytes: `magic` then xorshift64* filler seeded from the name (deterministic).
std::string filler_bytes(std::string_view name, std::string_view magic, size_t size) {
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (unsigned char c : name) x = (x ^ c) * 0x100000001B3ULL;
  std::string out(magic.substr(0, size));
  out.reserve(size);
  while (out.size() < size) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    const uint64_t v = x * 0x2545F4914F6CDD1DULL;
    for (int i = 0; i < 8 && out.size() < size; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  }
  return out;
}

ClientFile make(std::string path, std::string content_type, std::string bytes) {
  ClientFile f{std::move(path), std::move(content_type), std::move(bytes), ""};
  auto d = crypto::sha256(f.bytes);
  if (d.ok()) f.sha256 = crypto::upper_hex(*d);
  return f;
}

bool parse_size(std::string_view s, size_t* out) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc();
}

}  // namespace

std::vector<ClientFile> build_client_files(const std::string& client_version) {
  // Signatures: MZ (PE), MSCF (cabinet), D0 CF 11 E0 A1 B1 1A E1 (OLE compound file, MSI).
  const std::string ole("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  std::vector<ClientFile> files;
  files.push_back(make("ccmsetup.exe", "application/octet-stream",
                       filler_bytes("ccmsetup.exe" + client_version, "MZ\x90\0", 196608)));
  files.push_back(make("ccmsetup.cab", "application/vnd.ms-cab-compressed",
                       filler_bytes("ccmsetup.cab" + client_version, "MSCF", 65536)));
  files.push_back(make("client.msi", "application/octet-stream",
                       filler_bytes("client.msi" + client_version, ole, 393216)));
  files.push_back(make("x64/client.msi", "application/octet-stream",
                       filler_bytes("x64/client.msi" + client_version, ole, 425984)));
  // The manifest [inferred shape: the real one ships inside ccmsetup.cab].
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<ClientManifest Version=\"" +
                    client_version + "\">\r\n";
  for (const ClientFile& f : files)
    xml += "  <File Name=\"" + f.path + "\" Size=\"" + std::to_string(f.bytes.size()) +
           "\" HashAlgorithm=\"SHA256\" Hash=\"" + f.sha256 + "\"/>\r\n";
  xml += "</ClientManifest>\r\n";
  files.push_back(make("ccmsetup.xml", "text/xml", xml));
  return files;
}

RangeResult parse_range(std::string_view header, size_t size, ByteRange* out) {
  const std::string_view unit = "bytes=";
  if (header.size() < unit.size() || !iequals(header.substr(0, unit.size()), unit))
    return RangeResult::kNone;
  std::string_view spec = header.substr(unit.size());
  while (!spec.empty() && spec.front() == ' ') spec.remove_prefix(1);
  while (!spec.empty() && spec.back() == ' ') spec.remove_suffix(1);
  if (spec.find(',') != std::string_view::npos) return RangeResult::kNone;
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeResult::kNone;
  const std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  size_t first = 0, last = 0;
  if (a.empty()) {  // suffix range: the last n bytes
    size_t n = 0;
    if (!parse_size(b, &n)) return RangeResult::kNone;
    if (n == 0 || size == 0) return RangeResult::kUnsatisfiable;
    first = n >= size ? 0 : size - n;
    last = size - 1;
  } else {
    if (!parse_size(a, &first)) return RangeResult::kNone;
    if (b.empty()) {
      last = size == 0 ? 0 : size - 1;
    } else {
      if (!parse_size(b, &last) || last < first) return RangeResult::kNone;
      if (size > 0 && last >= size) last = size - 1;
    }
    if (first >= size) return RangeResult::kUnsatisfiable;
  }
  out->first = first;
  out->last = last;
  return RangeResult::kRange;
}

}  // namespace emu::mp
