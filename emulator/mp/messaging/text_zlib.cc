// UTF-8 <-> UTF-16LE, zlib (RFC 1950) over Beast's raw deflate, and hex (ccm_message.h).
// Beast's zlib is compiled once in emu::http (core/http/asio_src.cc); only its headers are
// included here. Beast speaks raw deflate (RFC 1951), so the 2-byte zlib header and the
// Adler-32 trailer are written and checked here.
#include "emulator/core/utf8.h"
#include "emulator/mp/messaging/ccm_message.h"

#include <boost/beast/zlib/deflate_stream.hpp>
#include <boost/beast/zlib/inflate_stream.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace emu::mp::messaging {
namespace {

namespace bz = boost::beast::zlib;

void put_utf16(std::string& out, uint32_t cp) {
  auto unit = [&out](uint32_t u) {
    out += static_cast<char>(u & 0xFF);
    out += static_cast<char>((u >> 8) & 0xFF);
  };
  if (cp >= 0x10000) {
    cp -= 0x10000;
    unit(0xD800 | (cp >> 10));
    unit(0xDC00 | (cp & 0x3FF));
  } else {
    unit(cp);
  }
}

uint32_t adler32(std::string_view data) {
  constexpr uint32_t kMod = 65521;
  uint32_t a = 1, b = 0;
  size_t i = 0;
  while (i < data.size()) {
    // 5552 bytes is the most that cannot overflow b before the modulo (zlib's NMAX).
    size_t n = std::min<size_t>(5552, data.size() - i);
    for (size_t end = i + n; i < end; ++i) {
      a += static_cast<unsigned char>(data[i]);
      b += a;
    }
    a %= kMod;
    b %= kMod;
  }
  return (b << 16) | a;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string utf8_to_utf16le(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size() * 2);
  size_t i = 0;
  while (i < utf8.size()) {
    // A run of ASCII (most of every message): one 16-bit unit per byte, high bytes zero.
    size_t run = i;
    while (run < utf8.size() && static_cast<unsigned char>(utf8[run]) < 0x80) ++run;
    if (run > i) {
      const size_t at = out.size();
      out.resize(at + 2 * (run - i));
      for (size_t k = i; k < run; ++k) out[at + 2 * (k - i)] = utf8[k];
      i = run;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    uint32_t cp;
    size_t len;
    uint32_t min;
    if (c < 0x80) {
      cp = c, len = 1, min = 0;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F, len = 2, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F, len = 3, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07, len = 4, min = 0x10000;
    } else {
      put_utf16(out, 0xFFFD);
      ++i;
      continue;
    }
    bool ok = i + len <= utf8.size();
    for (size_t k = 1; ok && k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(utf8[i + k]);
      if ((cc & 0xC0) != 0x80) {
        ok = false;
      } else {
        cp = (cp << 6) | (cc & 0x3F);
      }
    }
    if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      put_utf16(out, 0xFFFD);  // one replacement per bad lead byte; resynchronise after it
      ++i;
      continue;
    }
    put_utf16(out, cp);
    i += len;
  }
  return out;
}

Result<std::string> utf16le_to_utf8(std::string_view bytes) {
  if (bytes.size() % 2 != 0) {
    return InvalidArgument("UTF-16: odd length (" + std::to_string(bytes.size()) + " bytes)");
  }
  if (bytes.size() >= 2 && bytes[0] == '\xFF' && bytes[1] == '\xFE') bytes.remove_prefix(2);
  std::string out;
  out.reserve(bytes.size() / 2);
  auto unit_at = [&bytes](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) |
           (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8);
  };
  for (size_t i = 0; i < bytes.size(); i += 2) {
    if (bytes[i + 1] == 0 && static_cast<unsigned char>(bytes[i]) < 0x80) {
      out += bytes[i];  // ASCII, the common case
      continue;
    }
    uint32_t u = unit_at(i);
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 2 >= bytes.size()) {
        return InvalidArgument("UTF-16: unpaired surrogate at byte " + std::to_string(i));
      }
      uint32_t lo = unit_at(i + 2);
      if (lo < 0xDC00 || lo > 0xDFFF) {
        return InvalidArgument("UTF-16: unpaired surrogate at byte " + std::to_string(i));
      }
      append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
      i += 2;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      return InvalidArgument("UTF-16: unpaired surrogate at byte " + std::to_string(i));
    } else {
      append_utf8(out, u);
    }
  }
  return out;
}

std::string zlib_compress(std::string_view data) {
  // 78 9C: deflate, 32 KiB window, default level; what Python's zlib.compress() writes.
  std::string out("\x78\x9C", 2);
  // Level 6 and 15 window bits (what the header says), raw deflate. memLevel 4: hash and
  // literal tables sized for messages of kilobytes (clearing the default 64 KB hash table cost
  // more than compressing a small message). One stream per thread, reset per call.
  thread_local bz::deflate_stream ds;
  ds.reset(6, 15, 4, bz::Strategy::normal);
  out.resize(2 + bz::deflate_upper_bound(data.size()));
  bz::z_params zs{};
  zs.next_in = data.data();
  zs.avail_in = data.size();
  zs.next_out = out.data() + 2;
  zs.avail_out = out.size() - 2;
  boost::beast::error_code ec;
  // The upper bound makes one finishing call enough; grow and go on if it ever is not.
  for (int round = 0; round < 64; ++round) {
    ds.write(zs, bz::Flush::finish, ec);
    if (ec == bz::error::end_of_stream || (ec && ec != bz::error::need_buffers)) break;
    if (zs.avail_out == 0) {
      const size_t used = out.size();
      out.resize(used * 2);
      zs.next_out = out.data() + used;
      zs.avail_out = out.size() - used;
    }
  }
  out.resize(2 + zs.total_out);
  uint32_t a = adler32(data);
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((a >> shift) & 0xFF);
  return out;
}

Result<std::string> zlib_decompress(std::string_view data, size_t max_out) {
  if (data.size() < 6) return InvalidArgument("zlib: stream too short");
  const auto cmf = static_cast<unsigned char>(data[0]);
  const auto flg = static_cast<unsigned char>(data[1]);
  if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0) {
    return InvalidArgument("zlib: not a zlib stream (bad header)");
  }
  if ((flg & 0x20) != 0) return InvalidArgument("zlib: preset dictionaries are not supported");
  bz::inflate_stream is;  // a 15-bit window inflates any smaller window too
  std::string out;
  bz::z_params zs{};
  zs.next_in = data.data() + 2;
  zs.avail_in = data.size() - 2;
  char buf[16384];
  boost::beast::error_code ec;
  while (true) {
    zs.next_out = buf;
    zs.avail_out = sizeof buf;
    const size_t in_before = zs.avail_in;
    is.write(zs, bz::Flush::sync, ec);
    const size_t produced = sizeof buf - zs.avail_out;
    if (out.size() + produced > max_out) {
      return ResourceExhausted("zlib: inflated data exceeds " + std::to_string(max_out) + " bytes");
    }
    out.append(buf, produced);
    if (ec == bz::error::end_of_stream) break;
    if (ec == bz::error::need_buffers) {
      if (zs.avail_in == 0) return InvalidArgument("zlib: truncated stream");
      continue;
    }
    if (ec) return InvalidArgument("zlib: corrupt stream (" + ec.message() + ")");
    // No progress at all: the input ends inside the stream.
    if (produced == 0 && zs.avail_in == in_before) return InvalidArgument("zlib: truncated stream");
  }
  // The Adler-32 trailer (big-endian) must follow the deflate data; only line ends and NULs
  // may trail it. Beast's inflater can keep a few whole bytes of look-ahead in its bit buffer
  // when the stream ends, so the trailer may start up to 8 bytes before the unread input.
  const size_t unread = data.size() - zs.avail_in;
  const uint32_t a = adler32(out);
  const char want[4] = {static_cast<char>(a >> 24), static_cast<char>((a >> 16) & 0xFF),
                        static_cast<char>((a >> 8) & 0xFF), static_cast<char>(a & 0xFF)};
  auto terminator = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
  size_t tail = data.size();  // data[tail..] are all line ends and NULs
  while (tail > 0 && terminator(data[tail - 1])) --tail;
  // The trailer ends at or after `tail` and starts at or after the look-ahead window.
  size_t p = std::max<size_t>(unread > 10 ? unread - 8 : 2, tail >= 4 ? tail - 4 : 0);
  for (; p + 4 <= data.size(); ++p) {
    if (data.substr(p, 4) == std::string_view(want, 4)) return out;
  }
  return InvalidArgument("zlib: Adler-32 trailer missing or wrong, or data after the stream");
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0x0F];
  }
  return out;
}

Result<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgument("hex: odd length");
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_value(hex[i]);
    int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgument("hex: not a hex digit at " + std::to_string(i));
    out += static_cast<char>((hi << 4) | lo);
  }
  return out;
}

}  // namespace emu::mp::messaging
