// Fuzz target: the CcmMessaging codec (emulator/mp/messaging/ccm_message.h), i.e. everything an
// MP reads from a CCM_POST body. Bytes → parse_message (with the fixed boundary, and with a
// Content-Type taken from the first line), parse_multipart, zlib_decompress, UTF-16 decoding,
// the <Msg> header parser, hex and signature checks. Nothing may crash; limits must hold; and
// these properties must hold: UTF-16 → UTF-8 → UTF-16 is the identity (BOM aside), zlib
// round-trips, a parsed header renders to a header that parses to the same fields, and a
// reply built for a parsed request parses.
#include "emulator/mp/messaging/ccm_message.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace emu::mp::messaging;

constexpr size_t kMaxInflated = 1 << 20;

// Printable ASCII only: text that survives xml_escape and the UTF-16 round trip unchanged.
bool printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

void check_header_round_trip(const MsgHeader& h) {
  auto again = parse_msg_header(render_msg_header(h));
  if (!again.ok()) __builtin_trap();
  if (again->zlib_hook != h.zlib_hook || again->clientauth_hook != h.clientauth_hook ||
      again->body_length != h.body_length) {
    __builtin_trap();
  }
  if (printable(h.target_endpoint) && again->target_endpoint != h.target_endpoint) {
    __builtin_trap();
  }
}

void check_message(const emu::Result<CcmMessage>& msg) {
  if (!msg.ok()) {
    const auto code = msg.status().code();
    if (code != emu::StatusCode::kInvalidArgument && code != emu::StatusCode::kResourceExhausted) {
      __builtin_trap();
    }
    return;
  }
  if (msg->body_xml.size() > kMaxInflated) __builtin_trap();
  std::string content_type;
  const std::string reply = build_reply(msg->header, msg->body_xml, &content_type);
  MessageLimits big;
  big.max_request_bytes = 64u << 20;
  big.max_inflated_bytes = 64u << 20;
  auto parsed = parse_message(content_type, reply, big);
  if (!parsed.ok()) __builtin_trap();
  if (!msg->header.id.empty() && printable(msg->header.id) &&
      parsed->header.correlation_id != msg->header.id) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  MessageLimits limits;
  limits.max_inflated_bytes = kMaxInflated;

  check_message(parse_message(multipart_content_type(), input, limits));
  const size_t eol = input.find('\n');
  if (eol != std::string_view::npos) {
    check_message(parse_message(input.substr(0, eol), input.substr(eol + 1), limits));
  }
  if (auto parts = parse_multipart(multipart_content_type(), input, limits); parts.ok()) {
    if (parts->size() > limits.max_parts) __builtin_trap();
  }

  if (auto plain = zlib_decompress(input, kMaxInflated); plain.ok()) {
    if (plain->size() > kMaxInflated) __builtin_trap();
  }
  if (zlib_decompress(zlib_compress(input), size).value_or("x") != input && size > 0) {
    __builtin_trap();
  }

  if (auto utf8 = utf16le_to_utf8(input); utf8.ok()) {
    std::string_view units = input;
    if (units.substr(0, 2) == "\xFF\xFE") units.remove_prefix(2);
    if (utf8_to_utf16le(*utf8) != units) __builtin_trap();
  }
  (void)utf8_to_utf16le(input);

  if (auto h = parse_msg_header(input); h.ok()) check_header_round_trip(*h);

  if (auto bytes = from_hex(input); bytes.ok() && to_hex(*bytes).size() != input.size()) {
    __builtin_trap();
  }
  // Untrusted certificate and signature text: must fail cleanly.
  (void)verify_signature(input, "data", input.substr(0, 512));
  (void)public_key_blob_hex(input);
  return 0;
}
