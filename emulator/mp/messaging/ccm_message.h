// CcmMessaging, the wire format of `CCM_POST /ccm_system[_tokenauth]/request` (README Sources
// of emulator/mp): multipart/mixed with the boundary "aAbBcCdDv1234567890VxXyYzZ"; part 1 the
// UTF-16LE <Msg> header (with BOM); part 2 the body, a zlib (RFC 1950) stream of UTF-16LE XML
// + U+0000 + CRLF when the header has the "zlib-compress" hook, else plain UTF-16LE. Replies use
// the same framing. Parsing is lenient where real and common clients differ (any declared
// boundary, part headers in any case, parts by position, BOM or none, Body Length unchecked)
// and bounded by MessageLimits. Pure functions; thread-safe.
#pragma once

#include "emulator/core/http/message.h"
#include "emulator/core/status.h"
#include "emulator/core/xml.h"

#include <openssl/types.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace emu::mp::messaging {

inline constexpr std::string_view kBoundary = "aAbBcCdDv1234567890VxXyYzZ";
inline constexpr std::string_view kMethod = "CCM_POST";

struct MessageLimits {
  size_t max_request_bytes = 4 * 1024 * 1024;
  size_t max_inflated_bytes = 16 * 1024 * 1024;  // zlib output (bombs stop here)
  size_t max_parts = 16;
  XmlLimits xml;
};

// --- text and compression -------------------------------------------------------------------
std::string utf8_to_utf16le(std::string_view utf8);  // no BOM; invalid UTF-8 becomes U+FFFD
// Strips a leading BOM (FF FE) if present. InvalidArgument for an odd length or an unpaired
// surrogate.
Result<std::string> utf16le_to_utf8(std::string_view bytes);
std::string zlib_compress(std::string_view data);  // RFC 1950 (78 9C ... adler32)
// InvalidArgument for a stream that is not zlib or is corrupt (bad adler32 included);
// ResourceExhausted when the output would exceed `max_out`.
Result<std::string> zlib_decompress(std::string_view data, size_t max_out);

// --- multipart ------------------------------------------------------------------------------
struct Part {
  std::vector<std::pair<std::string, std::string>> headers;  // as sent
  std::string body;
  std::string header(std::string_view name) const;  // case-insensitive; "" if absent
};
// `content_type` is the request's Content-Type (boundary taken from it, quoted or not).
// InvalidArgument when it is not multipart or the body does not hold a closed part list.
Result<std::vector<Part>> parse_multipart(std::string_view content_type, std::string_view body,
                                          const MessageLimits& limits = {});
std::string build_multipart(const std::vector<Part>& parts, std::string_view boundary = kBoundary);
// "multipart/mixed; boundary=\"aAbBcCdDv1234567890VxXyYzZ\""
std::string multipart_content_type(std::string_view boundary = kBoundary);

// --- the <Msg> header -----------------------------------------------------------------------
struct MsgHeader {
  std::string schema_version = "1.1";
  std::string reply_compression;  // "zlib", "none" or "" (absent: zlib)
  std::string id;                 // "{GUID}"
  std::string correlation_id;
  std::string source_id;  // "GUID:..." ("" for registration)
  std::string source_host;
  std::string reply_to;    // "direct:HOST:SccmMessaging"
  std::string reply_mode;  // "Sync" | "ASync"
  std::string sent_time;
  std::string protocol = "http";
  std::string target_address;   // "mp:MP_ClientRegistration", "mp:[http]MP_LocationManager"
  std::string target_endpoint;  // what the MP dispatches on
  std::string target_host;
  std::string timeout = "60000";
  size_t body_length = 0;  // <Body Length>: UTF-16 bytes of body + NUL
  bool zlib_hook = false;  // <Hook3 Name="zlib-compress"/>
  bool clientauth_hook = false;
  std::map<std::string, std::string> clientauth;  // Hook2 properties: PayloadSignature, ...
};
// Parses the header XML (already UTF-8). InvalidArgument for a root other than Msg.
Result<MsgHeader> parse_msg_header(std::string_view xml, const XmlLimits& limits = {});
// The header as the real client writes it (element order of the published samples).
std::string render_msg_header(const MsgHeader& header);

// --- whole messages -------------------------------------------------------------------------
struct CcmMessage {
  MsgHeader header;
  std::string body_xml;  // UTF-8, trailing NULs and CR/LF stripped
  std::string payload;   // part 2 exactly as received (what PayloadSignature signs)
};
// Parses a CCM_POST request body. InvalidArgument (a client's mistake) with the reason;
// ResourceExhausted beyond `limits`.
Result<CcmMessage> parse_message(std::string_view content_type, std::string_view body,
                                 const MessageLimits& limits = {});
// Encodes `body_xml` (UTF-8) as part 2 (UTF-16LE + NUL + CRLF, zlib when `compress`), sets
// header.body_length and header.zlib_hook, and frames both parts. The returned message's
// payload is the part-2 bytes (to be signed before rendering when clientauth is needed: call
// encode_body, sign, then frame).
std::string encode_body(std::string_view body_xml, bool compress);  // part 2 bytes
// Frames a message whose part 2 is `payload` (from encode_body); header.body_length must be
// set by the caller (body_length_of).
std::string frame_message(const MsgHeader& header, std::string_view payload);
size_t body_length_of(std::string_view body_xml);  // UTF-16 bytes + 2 (NUL)
// A reply to `request`: header mirrors the request's ID into CorrelationID [inferred], swaps
// source/target; the body is compressed unless the request asked ReplyCompression="none".
// Sets *content_type to multipart_content_type().
std::string build_reply(const MsgHeader& request, std::string_view reply_body_xml,
                        std::string* content_type);

// --- signatures (README Sources [S1], [S10])
// ---------------------------------------------------------------- RSA PKCS#1 v1.5 over SHA-256,
// bytes reversed (CryptoAPI order), upper-case hex. `key_pem`: a private key PEM. Internal on an
// OpenSSL failure.
Result<std::string> sign_reversed_hex(std::string_view key_pem, std::string_view data);
// The same with a key parsed once (parsing a PEM key costs more than the signature).
Result<std::string> sign_reversed_hex(EVP_PKEY* key, std::string_view data);
// Verifies `hex_signature` (either case; reversed or not) over `data` with the public key of
// `cert_der` (DER X.509), accepting both the DigestInfo and the no-OID (CRYPT_NOHASHOID) forms.
bool verify_signature(std::string_view cert_der, std::string_view data,
                      std::string_view hex_signature);
// The RSA public key of a certificate, parsed once so that several signatures can be checked
// without parsing the certificate again. Immutable; safe to share between threads.
class CertPublicKey {
 public:
  // InvalidArgument for a certificate that does not parse or whose key is not RSA.
  static Result<std::shared_ptr<const CertPublicKey>> from_der(std::string_view cert_der);
  ~CertPublicKey();
  // verify_signature() with this key.
  bool verify(std::string_view data, std::string_view hex_signature) const;

 private:
  CertPublicKey();
  struct Handle;
  std::unique_ptr<Handle> handle_;
};
// The CryptoAPI PUBLICKEYBLOB of the certificate's RSA key, upper-case hex (README Sources [S1],
// [S3]).
Result<std::string> public_key_blob_hex(std::string_view cert_der);
// Upper-case hex <-> bytes. InvalidArgument for odd length or a non-hex digit.
std::string to_hex(std::string_view bytes);
Result<std::string> from_hex(std::string_view hex);

}  // namespace emu::mp::messaging
