// Whole CcmMessaging messages (ccm_message.h): parsing a CCM_POST body, encoding part 2,
// framing, and replies (README Sources [S1], [S6], [S14]).
#include "emulator/core/crypto/digest.h"
#include "emulator/core/text.h"
#include "emulator/mp/messaging/ccm_message.h"

#include <string>
#include <string_view>
#include <vector>

namespace emu::mp::messaging {
namespace {

constexpr std::string_view kUtf16ContentType = "text/plain; charset=UTF-16";
constexpr std::string_view kOctetStream = "application/octet-stream";

bool is_terminator_byte(char c) { return c == '\0' || c == '\r' || c == '\n'; }

// Decodes a part's text: UTF-16LE with or without BOM (UTF-8 with its BOM, or starting with
// '<' followed by a non-NUL byte, is taken as UTF-8 [inferred leniency]), without the
// terminators clients append: SCCMSecrets' NUL + ASCII CRLF, PXEThief's CRLF + three NULs,
// UTF-16 CRLF or NUL ([S1], [S6]).
Result<std::string> decode_text(std::string_view bytes) {
  std::string text;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    text = std::string(bytes.substr(3));
  } else if (bytes.size() >= 2 && bytes[0] == '<' && bytes[1] != '\0') {
    text = std::string(bytes);
  } else {
    // Strip terminator bytes; when that leaves an odd length, the last one stripped was the
    // high (zero) byte of the final character ('>' is 3E 00): put it back.
    size_t n = bytes.size();
    while (n > 0 && is_terminator_byte(bytes[n - 1])) --n;
    std::string units(bytes.substr(0, n));
    if (units.size() % 2 != 0 && n < bytes.size()) units += '\0';
    EMU_ASSIGN_OR_RETURN(text, utf16le_to_utf8(units));
  }
  while (!text.empty() &&
         (is_terminator_byte(text.back()) || text.back() == ' ' || text.back() == '\t')) {
    text.pop_back();
  }
  return text;
}

// UTF-16LE of `xml` and its NUL terminator.
std::string utf16_with_nul(std::string_view xml) {
  std::string out = utf8_to_utf16le(xml);
  out.append(2, '\0');
  return out;
}

// "{8-4-4-4-12}" upper-case GUID (version 4 bits set) from the first 16 bytes of `seed`.
std::string guid_from(std::string_view seed) {
  std::string b(seed.substr(0, 16));
  b.resize(16, '\0');
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);
  const std::string h = to_hex(b);
  return "{" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
         h.substr(16, 4) + "-" + h.substr(20) + "}";
}

}  // namespace

Result<CcmMessage> parse_message(std::string_view content_type, std::string_view body,
                                 const MessageLimits& limits) {
  if (body.size() > limits.max_request_bytes) {
    return ResourceExhausted("CcmMessaging: request of " + std::to_string(body.size()) +
                             " bytes exceeds " + std::to_string(limits.max_request_bytes));
  }
  EMU_ASSIGN_OR_RETURN(std::vector<Part> parts, parse_multipart(content_type, body, limits));
  if (parts.size() < 2) {
    return InvalidArgument("CcmMessaging: expected a header part and a body part, got " +
                           std::to_string(parts.size()) + " part(s)");
  }
  // Parts by position: PXEThief's part headers are form-data ones ([S6]).
  Result<std::string> header_xml = decode_text(parts[0].body);
  if (!header_xml.ok()) return header_xml.status().with_context("CcmMessaging header");
  Result<MsgHeader> header = parse_msg_header(*header_xml, limits.xml);
  if (!header.ok()) return header.status().with_context("CcmMessaging header");
  CcmMessage msg;
  msg.header = std::move(header).value();
  msg.payload = std::move(parts[1].body);
  std::string plain;
  if (msg.header.zlib_hook && !msg.payload.empty()) {
    Result<std::string> inflated = zlib_decompress(msg.payload, limits.max_inflated_bytes);
    if (!inflated.ok()) return inflated.status().with_context("CcmMessaging body");
    plain = std::move(inflated).value();
  } else {
    if (msg.payload.size() > limits.max_inflated_bytes) {
      return ResourceExhausted("CcmMessaging body: larger than " +
                               std::to_string(limits.max_inflated_bytes) + " bytes");
    }
    plain = msg.payload;
  }
  Result<std::string> body_xml = decode_text(plain);
  if (!body_xml.ok()) return body_xml.status().with_context("CcmMessaging body");
  msg.body_xml = std::move(body_xml).value();
  return msg;
}

std::string encode_body(std::string_view body_xml, bool compress) {
  // SCCMSecrets: encode_UTF16_strip_BOM(wrapper ending in "\x00") + "\r\n", then zlib.
  std::string raw = utf16_with_nul(body_xml);
  raw += "\r\n";
  return compress ? zlib_compress(raw) : raw;
}

size_t body_length_of(std::string_view body_xml) { return utf8_to_utf16le(body_xml).size() + 2; }

std::string frame_message(const MsgHeader& header, std::string_view payload) {
  std::vector<Part> parts(2);
  parts[0].headers = {{"content-type", std::string(kUtf16ContentType)}};
  parts[0].body = "\xFF\xFE" + utf8_to_utf16le(render_msg_header(header));
  parts[1].headers = {
      {"content-type", std::string(header.zlib_hook ? kOctetStream : kUtf16ContentType)}};
  parts[1].body = std::string(payload);
  return build_multipart(parts);
}

std::string build_reply(const MsgHeader& request, std::string_view reply_body_xml,
                        std::string* content_type) {
  // The reply header is not in any public source (no public source): this one is inferred from
  // the request's fields. Its ID is derived from the request ID and the reply so that the
  // function stays pure.
  const bool compress = !iequals(request.reply_compression, "none");
  MsgHeader r;
  r.schema_version = "1.1";
  Result<std::string> seed = crypto::sha256(request.id + "\n" + std::string(reply_body_xml));
  r.id = guid_from(seed.ok() ? *seed : request.id);
  r.correlation_id = request.id;
  r.source_host = request.target_host;
  r.target_host = request.source_host;
  r.target_address = request.reply_to;  // "direct:HOST:SccmMessaging"
  const size_t colon = request.reply_to.rfind(':');
  r.target_endpoint =
      colon == std::string::npos ? request.reply_to : request.reply_to.substr(colon + 1);
  r.reply_to = "direct:" + request.target_host + ":" + request.target_endpoint;
  r.reply_mode = request.reply_mode.empty() ? "Sync" : request.reply_mode;
  r.protocol = request.protocol.empty() ? "http" : request.protocol;
  r.timeout = request.timeout.empty() ? "60000" : request.timeout;
  r.body_length = body_length_of(reply_body_xml);
  r.zlib_hook = compress;
  // Part 2: UTF-16LE XML + one NUL, no CRLF (SCCMSecrets decodes it and drops the last
  // character before parsing, [S14]).
  std::string payload = utf16_with_nul(reply_body_xml);
  if (compress) payload = zlib_compress(payload);
  if (content_type != nullptr) *content_type = multipart_content_type();
  return frame_message(r, payload);
}

}  // namespace emu::mp::messaging
