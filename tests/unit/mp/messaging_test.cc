// The CcmMessaging codec (emulator/mp/messaging/ccm_message.h) against bytes made by other
// implementations: Python's zlib, the SCCMSecrets request builder (testdata/, made by
// testdata/make_sccmsecrets_vectors.py with SCCMSecrets' own code), the openssl CLI; and round
// trips of our own encoder. Sample bodies are from public clients of the MP protocol, cited
// where they are used.
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/xml.h"
#include "emulator/mp/messaging/ccm_message.h"
#include "tests/testlib/temp_dir.h"

#include <gtest/gtest.h>
#include <openssl/rsa.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace emu::mp::messaging {
namespace {

using std::string_literals::operator""s;

std::string unhex(std::string_view hex) {
  auto r = from_hex(hex);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : std::string();
}

std::string testdata(const std::string& name) {
  std::string hex =
      test::read_file(std::string(CMGEMU_SOURCE_DIR) + "/tests/unit/mp/testdata/" + name);
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  EXPECT_FALSE(hex.empty()) << name;
  return unhex(hex);
}

// Text between the first `open` and the following `close` (exclusive), or "".
std::string between(const std::string& s, const std::string& open, const std::string& close) {
  size_t a = s.find(open);
  if (a == std::string::npos) return "";
  a += open.size();
  size_t b = s.find(close, a);
  return b == std::string::npos ? "" : s.substr(a, b - a);
}

// ---- published samples (emulator/mp/README.md Sources [S1], [S6], [S7], [S9], [S10])
// ------------------------------------

// synacktiv/SCCMSecrets (commit 55f9b96) utils/request_templates.py SCCM_HEADER_TEMPLATE,
// placeholders filled (the same template is sccmhunter lib/scripts/sccmwtf.py msgHeader).
const std::string kRegistrationHeader =
    "<Msg ReplyCompression=\"zlib\" SchemaVersion=\"1.1\"><Body Type=\"ByteRange\" "
    "Length=\"3710\" Offset=\"0\" /><CorrelationID>{00000000-0000-0000-0000-000000000000}"
    "</CorrelationID><Hooks><Hook3 Name=\"zlib-compress\" /></Hooks><ID>"
    "{5DD100CD-DF1D-45F5-BA17-A327F43465F8}</ID><Payload Type=\"inline\" /><Priority>0"
    "</Priority><Protocol>http</Protocol><ReplyMode>Sync</ReplyMode><ReplyTo>"
    "direct:DESKTOP-FAKE01:SccmMessaging</ReplyTo><SentTime>2025-01-15T10:20:30Z</SentTime>"
    "<SourceHost>DESKTOP-FAKE01</SourceHost><TargetAddress>mp:MP_ClientRegistration"
    "</TargetAddress><TargetEndpoint>MP_ClientRegistration</TargetEndpoint><TargetHost>"
    "cm01.contoso.com</TargetHost><Timeout>60000</Timeout></Msg>";

// SCCMSecrets utils/request_templates.py POLICY_REQUEST_HEADER_TEMPLATE, filled (signatures
// shortened to placeholders; sccmhunter msgHeaderPolicy is the same).
const std::string kPolicyHeader =
    "<Msg ReplyCompression=\"zlib\" SchemaVersion=\"1.1\"><Body Type=\"ByteRange\" "
    "Length=\"620\" Offset=\"0\" /><CorrelationID>{00000000-0000-0000-0000-000000000000}"
    "</CorrelationID><Hooks><Hook2 Name=\"clientauth\"><Property Name=\"AuthSenderMachine\">"
    "DESKTOP-FAKE01</Property><Property Name=\"PublicKey\">0602000000A40000525341310008"
    "</Property><Property Name=\"ClientIDSignature\">0A1B2C</Property><Property "
    "Name=\"PayloadSignature\">3D4E5F</Property><Property Name=\"ClientCapabilities\">NonSSL"
    "</Property><Property Name=\"HashAlgorithm\">1.2.840.113549.1.1.11</Property></Hook2>"
    "<Hook3 Name=\"zlib-compress\" /></Hooks><ID>{041A35B4-DCEE-4F64-A978-D4D489F47D28}</ID>"
    "<Payload Type=\"inline\" /><Priority>0</Priority><Protocol>http</Protocol><ReplyMode>Sync"
    "</ReplyMode><ReplyTo>direct:DESKTOP-FAKE01:SccmMessaging</ReplyTo><SentTime>"
    "2025-01-15T10:20:30Z</SentTime><SourceID>GUID:C66EE0FD-08E7-4B38-B282-7E6954B71139"
    "</SourceID><SourceHost>DESKTOP-FAKE01</SourceHost><TargetAddress>mp:MP_PolicyManager"
    "</TargetAddress><TargetEndpoint>MP_PolicyManager</TargetEndpoint><TargetHost>"
    "cm01.contoso.com</TargetHost><Timeout>60000</Timeout></Msg>";

// synacktiv/CcmMessagingBackdoor ccmmessaging_backdoor_client.py tpl_msg (location header,
// also on the DEF CON 33 deck slide 26), filled.
const std::string kLocationHeader =
    "<Msg ReplyCompression=\"zlib\" SchemaVersion=\"1.1\"><Body Type=\"ByteRange\" "
    "Length=\"148\" Offset=\"0\" /><CorrelationID>{00000000-0000-0000-0000-000000000000}"
    "</CorrelationID><Hooks><Hook3 Name=\"zlib-compress\" /></Hooks><ID>"
    "{00000000-0000-0000-0000-000000000000}</ID><Payload Type=\"inline\"/><Priority>0"
    "</Priority><Protocol>http</Protocol><ReplyMode>Sync</ReplyMode><ReplyTo>"
    "direct:dummyEndpoint:LS_ReplyLocations</ReplyTo><TargetAddress>"
    "mp:[http]MP_LocationManager</TargetAddress><TargetEndpoint>MP_LocationManager"
    "</TargetEndpoint><TargetHost>cm01.contoso.com</TargetHost><Timeout>60000</Timeout>"
    "<SourceID>UID:12345678-1234-1234-1234-123456789012</SourceID></Msg>";

// The same repository's tpl_SiteInformationRequest, with its NUL terminator.
const std::string kSiteInformationRequest =
    "<SiteInformationRequest><SiteCode Name=\"PS1\" /></SiteInformationRequest>";

// MWR-CyberSec/PXEThief pxethief.py: the OSD policy request header (README Sources [S6]).
const std::string kPxeThiefHeader =
    "<Msg><ID/><SourceID>{F1E2D3C4-0000-1111-2222-333344445555}</SourceID><ReplyTo>direct:OSD"
    "</ReplyTo><Body Type=\"ByteRange\" Offset=\"0\" Length=\"728\"/><Hooks><Hook2 "
    "Name=\"clientauth\"><Property Name=\"Token\"><![CDATA[ClientToken:{F1E2D3C4-0000-1111-2222-"
    "333344445555};2025-01-15T10:20:30Z\r\nClientTokenSignature:ABCDEF\r\n]]></Property></Hook2>"
    "</Hooks><Payload Type=\"inline\"/><TargetEndpoint>MP_PolicyManager</TargetEndpoint>"
    "<ReplyMode>Sync</ReplyMode></Msg>";

// PXEThief's RequestAssignments body ([S6]), as that tool fills it.
const std::string kPxeThiefRequestAssignments =
    "<RequestAssignments SchemaVersion=\"1.00\" RequestType=\"Always\" Ack=\"False\" "
    "ValidationRequested=\"CRC\"><PolicySource>SMS:PS1</PolicySource><ServerCookie/><Resource "
    "ResourceType=\"Machine\"/><Identification><Machine><ClientID>"
    "{F1E2D3C4-0000-1111-2222-333344445555}</ClientID><NetBIOSName></NetBIOSName><FQDN></FQDN>"
    "<SID/></Machine></Identification></RequestAssignments>";

// ---- UTF-16 ----------------------------------------------------------------------------------

TEST(Utf16Test, EncodesBmpAndSupplementaryCharacters) {
  // "A€𝄞": U+0041, U+20AC, U+1D11E (surrogates D834 DD1E).
  EXPECT_EQ(utf8_to_utf16le("A\xE2\x82\xAC\xF0\x9D\x84\x9E"), "\x41\x00\xAC\x20\x34\xD8\x1E\xDD"s);
  auto back = utf16le_to_utf8("\x41\x00\xAC\x20\x34\xD8\x1E\xDD"s);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "A\xE2\x82\xAC\xF0\x9D\x84\x9E");
}

TEST(Utf16Test, StripsBomAndRoundTrips) {
  const std::string text = "<Msg a=\"\xC3\xA9\"/>";
  auto back = utf16le_to_utf8("\xFF\xFE" + utf8_to_utf16le(text));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, text);
}

TEST(Utf16Test, OddLengthAndUnpairedSurrogatesAreInvalid) {
  EXPECT_EQ(utf16le_to_utf8("\x41\x00\x42"s).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(utf16le_to_utf8("\x34\xD8"s).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(utf16le_to_utf8("\x34\xD8\x41\x00"s).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(utf16le_to_utf8("\x1E\xDD\x41\x00"s).status().code(), StatusCode::kInvalidArgument);
}

TEST(Utf16Test, InvalidUtf8BecomesReplacementCharacters) {
  // A lone continuation byte, a truncated sequence, an overlong '/', an encoded surrogate.
  EXPECT_EQ(utf8_to_utf16le("a\x80"), "a\x00\xFD\xFF"s);
  EXPECT_EQ(utf8_to_utf16le("\xE2\x82"), "\xFD\xFF\xFD\xFF"s);
  EXPECT_EQ(utf8_to_utf16le("\xC0\xAF"), "\xFD\xFF\xFD\xFF"s);
  EXPECT_EQ(utf8_to_utf16le("\xED\xA0\x80").substr(0, 2), "\xFD\xFF"s);
}

// ---- zlib ------------------------------------------------------------------------------------

// Made with CPython 3 (zlib 1.2.x/1.3, default level):
//   zlib.compress('<SiteInformationRequest><SiteCode Name="PS1" /></SiteInformationRequest>\x00'
//                 .encode('utf-16')[2:] + b'\r\n').hex().upper()
// i.e. the SYN SiteInformationRequest encoded the way SCCMSecrets encodes bodies.
constexpr std::string_view kPythonZlibSiteInfo =
    "789CB3610866C86428614865F064C8634863C8672862C86548048A6402D9790C41409942865220590C14B363B081"
    "AB7706CAA7006905063FA0FA5C20CB9641892100286F08A41518F4C1AAF549349F8181970B00DCFD1A12";
// zlib.compress(b'hello hello hello hello', 9): the 78 DA header of level 9.
constexpr std::string_view kPythonZlibLevel9 = "78DACB48CDC9C957C8402701680308B1";
// zlib.compress(b''): an empty stream.
constexpr std::string_view kPythonZlibEmpty = "789C030000000001";

TEST(ZlibTest, InflatesStreamsMadeByPython) {
  auto plain = zlib_decompress(unhex(kPythonZlibSiteInfo), 1 << 20);
  ASSERT_TRUE(plain.ok()) << plain.status().to_string();
  EXPECT_EQ(*plain, utf8_to_utf16le(kSiteInformationRequest) + "\0\0\r\n"s);
  EXPECT_EQ(plain->size(), 148u);
  auto l9 = zlib_decompress(unhex(kPythonZlibLevel9), 100);
  ASSERT_TRUE(l9.ok()) << l9.status().to_string();
  EXPECT_EQ(*l9, "hello hello hello hello");
  auto empty = zlib_decompress(unhex(kPythonZlibEmpty), 100);
  ASSERT_TRUE(empty.ok()) << empty.status().to_string();
  EXPECT_EQ(*empty, "");
}

TEST(ZlibTest, CompressWritesRfc1950AndRoundTrips) {
  std::string big;
  for (int i = 0; i < 200000; ++i) big += static_cast<char>((i * 7919) % 251);
  for (const std::string& data : {std::string(), std::string("x"), big,
                                  utf8_to_utf16le(kSiteInformationRequest) + "\0\0\r\n"s}) {
    const std::string z = zlib_compress(data);
    ASSERT_GE(z.size(), 6u);
    EXPECT_EQ(z.substr(0, 2), "\x78\x9C");
    auto back = zlib_decompress(z, data.size() + 1);
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(*back, data);
  }
}

TEST(ZlibTest, CorruptStreamsAreInvalid) {
  std::string good = unhex(kPythonZlibSiteInfo);
  std::string bad_adler = good;
  bad_adler.back() ^= 0x01;
  EXPECT_EQ(zlib_decompress(bad_adler, 1 << 20).status().code(), StatusCode::kInvalidArgument);
  std::string bad_header = good;
  bad_header[1] = 0x00;  // FCHECK wrong
  EXPECT_EQ(zlib_decompress(bad_header, 1 << 20).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(zlib_decompress(good.substr(0, good.size() - 6), 1 << 20).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(zlib_decompress(good.substr(0, good.size() - 2), 1 << 20).status().code(),
            StatusCode::kInvalidArgument);
  std::string bad_data = good;
  bad_data[5] ^= 0x5A;
  EXPECT_FALSE(zlib_decompress(bad_data, 1 << 20).ok());
  EXPECT_EQ(zlib_decompress("not zlib at all", 100).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(zlib_decompress(good + "junk", 1 << 20).status().code(), StatusCode::kInvalidArgument);
  // Line ends after the trailer (a client's stray CRLF) are tolerated.
  EXPECT_TRUE(zlib_decompress(good + "\r\n", 1 << 20).ok());
}

TEST(ZlibTest, BombStopsAtTheLimit) {
  const std::string bomb = zlib_compress(std::string(17u << 20, '\0'));  // 17 MiB of zeros
  EXPECT_LT(bomb.size(), 64u * 1024);
  auto r = zlib_decompress(bomb, MessageLimits{}.max_inflated_bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(zlib_decompress(bomb, 1000).status().code(), StatusCode::kResourceExhausted);
}

// ---- multipart -------------------------------------------------------------------------------

TEST(MultipartTest, BuildsTheSccmSecretsLayout) {
  std::vector<Part> parts(2);
  parts[0].headers = {{"content-type", "text/plain; charset=UTF-16"}};
  parts[0].body = "H";
  parts[1].headers = {{"content-type", "application/octet-stream"}};
  parts[1].body = "B";
  // SCCMSecrets policies_dumper.py generate_registration_request_payload, byte for byte.
  EXPECT_EQ(build_multipart(parts),
            "--aAbBcCdDv1234567890VxXyYzZ\r\ncontent-type: text/plain; charset=UTF-16\r\n\r\nH"
            "\r\n--aAbBcCdDv1234567890VxXyYzZ\r\ncontent-type: application/octet-stream\r\n\r\nB"
            "\r\n--aAbBcCdDv1234567890VxXyYzZ--");
  EXPECT_EQ(multipart_content_type(), "multipart/mixed; boundary=\"aAbBcCdDv1234567890VxXyYzZ\"");
  auto back = parse_multipart(multipart_content_type(), build_multipart(parts));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].body, "H");
  EXPECT_EQ((*back)[1].body, "B");
  EXPECT_EQ((*back)[1].header("Content-Type"), "application/octet-stream");
  EXPECT_EQ((*back)[1].header("x-missing"), "");
}

TEST(MultipartTest, AcceptsAnyDeclaredBoundaryAndHeaderCase) {
  // A random boundary unquoted (requests-toolbelt, as PXEThief sends), capitalised headers
  // (Metasploit's Rex::MIME), a preamble, LF-only line ends and a trailing CRLF (MPR).
  const std::string body =
      "preamble\r\n--0a1b2c3d\r\nContent-Disposition: form-data; name=\"Msg\"\r\n"
      "CONTENT-TYPE: text/plain; charset=UTF-16\r\n\r\nfirst\r\n--0a1b2c3d\n"
      "Content-Disposition: form-data; name=\"RequestAssignments\"\n\nsecond\r\n\r\n"
      "--0a1b2c3d--\r\n";
  auto parts = parse_multipart("Multipart/Mixed; charset=x; boundary=0a1b2c3d", body);
  ASSERT_TRUE(parts.ok()) << parts.status().to_string();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].body, "first");
  EXPECT_EQ((*parts)[0].header("content-type"), "text/plain; charset=UTF-16");
  EXPECT_EQ((*parts)[1].header("content-disposition"), "form-data; name=\"RequestAssignments\"");
  EXPECT_EQ((*parts)[1].body, "second\r\n");
  // Quoted with an escape.
  auto quoted =
      parse_multipart("multipart/mixed; boundary=\"a\\\"b\"", "--a\"b\r\n\r\nx\r\n--a\"b--");
  ASSERT_TRUE(quoted.ok()) << quoted.status().to_string();
  EXPECT_EQ((*quoted)[0].body, "x");
}

TEST(MultipartTest, RefusesWhatIsNotAClosedPartList) {
  const std::string ct = multipart_content_type();
  EXPECT_EQ(parse_multipart("text/xml", "--a\r\n\r\nx\r\n--a--").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_multipart("multipart/mixed", "--a\r\n\r\nx\r\n--a--").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_multipart("multipart/mixed; boundary=\"", "x").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_multipart(ct, "no delimiter").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_multipart(ct, "--aAbBcCdDv1234567890VxXyYzZ\r\n\r\nunclosed").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      parse_multipart(ct, "--aAbBcCdDv1234567890VxXyYzZ\r\nheaders never end").status().code(),
      StatusCode::kInvalidArgument);
}

TEST(MultipartTest, PartCountAndSizeAreBounded) {
  std::vector<Part> many(17);
  MessageLimits limits;
  EXPECT_EQ(
      parse_multipart(multipart_content_type(), build_multipart(many), limits).status().code(),
      StatusCode::kResourceExhausted);
  many.resize(16);
  EXPECT_TRUE(parse_multipart(multipart_content_type(), build_multipart(many), limits).ok());
  limits.max_request_bytes = 10;
  EXPECT_EQ(
      parse_multipart(multipart_content_type(), build_multipart(many), limits).status().code(),
      StatusCode::kResourceExhausted);
}

// ---- <Msg> header ----------------------------------------------------------------------------

TEST(MsgHeaderTest, ParsesAndRendersTheSccmSecretsRegistrationHeader) {
  auto h = parse_msg_header(kRegistrationHeader);
  ASSERT_TRUE(h.ok()) << h.status().to_string();
  EXPECT_EQ(h->schema_version, "1.1");
  EXPECT_EQ(h->reply_compression, "zlib");
  EXPECT_EQ(h->id, "{5DD100CD-DF1D-45F5-BA17-A327F43465F8}");
  EXPECT_EQ(h->correlation_id, "{00000000-0000-0000-0000-000000000000}");
  EXPECT_EQ(h->source_id, "");
  EXPECT_EQ(h->source_host, "DESKTOP-FAKE01");
  EXPECT_EQ(h->reply_to, "direct:DESKTOP-FAKE01:SccmMessaging");
  EXPECT_EQ(h->reply_mode, "Sync");
  EXPECT_EQ(h->sent_time, "2025-01-15T10:20:30Z");
  EXPECT_EQ(h->target_address, "mp:MP_ClientRegistration");
  EXPECT_EQ(h->target_endpoint, "MP_ClientRegistration");
  EXPECT_EQ(h->target_host, "cm01.contoso.com");
  EXPECT_EQ(h->timeout, "60000");
  EXPECT_EQ(h->body_length, 3710u);
  EXPECT_TRUE(h->zlib_hook);
  EXPECT_FALSE(h->clientauth_hook);
  // Rendering gives the template back byte for byte.
  EXPECT_EQ(render_msg_header(*h), kRegistrationHeader);
}

TEST(MsgHeaderTest, ParsesAndRendersTheSccmSecretsSignedPolicyHeader) {
  auto h = parse_msg_header(kPolicyHeader);
  ASSERT_TRUE(h.ok()) << h.status().to_string();
  EXPECT_TRUE(h->clientauth_hook);
  EXPECT_TRUE(h->zlib_hook);
  EXPECT_EQ(h->source_id, "GUID:C66EE0FD-08E7-4B38-B282-7E6954B71139");
  EXPECT_EQ(h->target_endpoint, "MP_PolicyManager");
  ASSERT_EQ(h->clientauth.size(), 6u);
  EXPECT_EQ(h->clientauth.at("AuthSenderMachine"), "DESKTOP-FAKE01");
  EXPECT_EQ(h->clientauth.at("PayloadSignature"), "3D4E5F");
  EXPECT_EQ(h->clientauth.at("ClientIDSignature"), "0A1B2C");
  EXPECT_EQ(h->clientauth.at("HashAlgorithm"), "1.2.840.113549.1.1.11");
  EXPECT_EQ(render_msg_header(*h), kPolicyHeader);
}

TEST(MsgHeaderTest, ParsesTheLocationAndPxeThiefHeaders) {
  auto loc = parse_msg_header(kLocationHeader);
  ASSERT_TRUE(loc.ok()) << loc.status().to_string();
  EXPECT_EQ(loc->target_address, "mp:[http]MP_LocationManager");
  EXPECT_EQ(loc->target_endpoint, "MP_LocationManager");
  EXPECT_EQ(loc->source_id, "UID:12345678-1234-1234-1234-123456789012");
  EXPECT_EQ(loc->reply_to, "direct:dummyEndpoint:LS_ReplyLocations");
  EXPECT_EQ(loc->body_length, 148u);
  auto pt = parse_msg_header(kPxeThiefHeader);
  ASSERT_TRUE(pt.ok()) << pt.status().to_string();
  EXPECT_EQ(pt->reply_compression, "");
  EXPECT_EQ(pt->target_endpoint, "MP_PolicyManager");
  EXPECT_TRUE(pt->clientauth_hook);
  EXPECT_FALSE(pt->zlib_hook);
  EXPECT_EQ(pt->body_length, 728u);
  EXPECT_EQ(pt->clientauth.at("Token"),
            "ClientToken:{F1E2D3C4-0000-1111-2222-333344445555};2025-01-15T10:20:30Z\n"
            "ClientTokenSignature:ABCDEF");
}

TEST(MsgHeaderTest, RenderParseRoundTripAndErrors) {
  MsgHeader h;
  h.reply_compression = "none";
  h.id = "{11111111-2222-3333-4444-555555555555}";
  h.correlation_id = "{AAAAAAAA-2222-3333-4444-555555555555}";
  h.source_id = "GUID:X&Y";
  h.source_host = "HOST<1>";
  h.reply_to = "direct:HOST:SccmMessaging";
  h.reply_mode = "ASync";
  h.sent_time = "2025-01-15T10:20:30Z";
  h.target_address = "mp:MP_DdrEndpoint";
  h.target_endpoint = "MP_DdrEndpoint";
  h.target_host = "cm01";
  h.timeout = "600";
  h.body_length = 42;
  h.clientauth_hook = true;
  h.clientauth = {{"PayloadSignature", "AB"}, {"Zeta", "\"q\""}, {"AuthSenderMachine", "H"}};
  const std::string xml = render_msg_header(h);
  // SCCMSecrets' property order, then the others.
  EXPECT_LT(xml.find("AuthSenderMachine"), xml.find("PayloadSignature"));
  EXPECT_LT(xml.find("PayloadSignature"), xml.find("Zeta"));
  auto back = parse_msg_header(xml);
  ASSERT_TRUE(back.ok()) << back.status().to_string() << "\n" << xml;
  EXPECT_EQ(back->reply_compression, h.reply_compression);
  EXPECT_EQ(back->id, h.id);
  EXPECT_EQ(back->correlation_id, h.correlation_id);
  EXPECT_EQ(back->source_id, h.source_id);
  EXPECT_EQ(back->source_host, h.source_host);
  EXPECT_EQ(back->reply_mode, h.reply_mode);
  EXPECT_EQ(back->target_endpoint, h.target_endpoint);
  EXPECT_EQ(back->timeout, h.timeout);
  EXPECT_EQ(back->body_length, 42u);
  EXPECT_FALSE(back->zlib_hook);
  EXPECT_TRUE(back->clientauth_hook);
  EXPECT_EQ(back->clientauth, h.clientauth);
  EXPECT_EQ(parse_msg_header("<Message/>").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_msg_header("<Msg>").status().code(), StatusCode::kInvalidArgument);
  // Body Length is informative: garbage there is 0, not an error.
  auto junk_len = parse_msg_header("<Msg><Body Length=\"12x\"/></Msg>");
  ASSERT_TRUE(junk_len.ok());
  EXPECT_EQ(junk_len->body_length, 0u);
}

// ---- whole messages --------------------------------------------------------------------------

// The registration request exactly as SCCMSecrets builds it (testdata/*.py).
TEST(MessageTest, ParsesTheSccmSecretsRegistrationAndVerifiesItsSignature) {
  const std::string body = testdata("sccmsecrets_registration.hex");
  ASSERT_FALSE(body.empty());
  auto msg = parse_message(multipart_content_type(), body);
  ASSERT_TRUE(msg.ok()) << msg.status().to_string();
  EXPECT_EQ(msg->header.target_endpoint, "MP_ClientRegistration");
  EXPECT_EQ(msg->header.source_host, "DESKTOP-FAKE01.contoso.com");
  EXPECT_EQ(msg->header.target_host, "http://cm01.contoso.com");
  EXPECT_TRUE(msg->header.zlib_hook);
  EXPECT_EQ(msg->payload.substr(0, 2), "\x78\x9C");
  const std::string& xml = msg->body_xml;
  EXPECT_EQ(xml.substr(0, 32), "<ClientRegistrationRequest><Data");
  EXPECT_EQ(xml.substr(xml.size() - 28), "</ClientRegistrationRequest>");
  // SCCMSecrets' Body Length: UTF-16 of the XML + NUL.
  EXPECT_EQ(msg->header.body_length, body_length_of(xml));
  auto doc = parse_xml(xml);
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  const std::string cert_hex = doc->child("Data")->child("Certificates")->child("Signing")->text;
  const std::string sig_hex = doc->child("Signature")->child("SignatureValue")->text;
  ASSERT_EQ(sig_hex.size(), 512u);
  // The signature covers the <Data> element as embedded, UTF-16LE (SCCMSecrets, [S1]).
  const std::string data = "<Data" + between(xml, "<Data", "</Data>") + "</Data>";
  const std::string cert = unhex(cert_hex);
  EXPECT_TRUE(verify_signature(cert, utf8_to_utf16le(data), sig_hex));
  std::string tampered = data;
  tampered.replace(tampered.find("2057"), 4, "1033");
  EXPECT_FALSE(verify_signature(cert, utf8_to_utf16le(tampered), sig_hex));
}

// The signed policy request as SCCMSecrets builds it, with the key of the registration above.
TEST(MessageTest, ParsesTheSccmSecretsPolicyRequestAndVerifiesItsHook) {
  auto reg = parse_message(multipart_content_type(), testdata("sccmsecrets_registration.hex"));
  ASSERT_TRUE(reg.ok()) << reg.status().to_string();
  auto reg_doc = parse_xml(reg->body_xml);
  ASSERT_TRUE(reg_doc.ok());
  const std::string cert =
      unhex(reg_doc->child("Data")->child("Certificates")->child("Signing")->text);

  auto msg = parse_message(multipart_content_type(), testdata("sccmsecrets_policy.hex"));
  ASSERT_TRUE(msg.ok()) << msg.status().to_string();
  const MsgHeader& h = msg->header;
  EXPECT_EQ(h.target_endpoint, "MP_PolicyManager");
  EXPECT_EQ(h.source_id, "GUID:C66EE0FD-08E7-4B38-B282-7E6954B71139");
  ASSERT_TRUE(h.clientauth_hook);
  EXPECT_EQ(h.body_length, body_length_of(msg->body_xml));
  auto ra = parse_xml(msg->body_xml);
  ASSERT_TRUE(ra.ok()) << ra.status().to_string();
  EXPECT_EQ(ra->name, "RequestAssignments");
  EXPECT_EQ(ra->child("Identification")->child("Machine")->child("ClientID")->text,
            "GUID:C66EE0FD-08E7-4B38-B282-7E6954B71139");
  // PayloadSignature is over part 2 exactly as sent (the zlib bytes).
  EXPECT_TRUE(verify_signature(cert, msg->payload, h.clientauth.at("PayloadSignature")));
  std::string other_payload = msg->payload;
  other_payload[3] ^= 1;
  EXPECT_FALSE(verify_signature(cert, other_payload, h.clientauth.at("PayloadSignature")));
  // ClientIDSignature: UTF-16LE("GUID:<ID>") + 00 00.
  EXPECT_TRUE(verify_signature(cert, utf8_to_utf16le(h.source_id) + "\0\0"s,
                               h.clientauth.at("ClientIDSignature")));
  // PublicKey: SCCMSecrets' build_MS_public_key_blob equals ours for the same key.
  auto blob = public_key_blob_hex(cert);
  ASSERT_TRUE(blob.ok()) << blob.status().to_string();
  EXPECT_EQ(*blob, h.clientauth.at("PublicKey"));
}

TEST(MessageTest, EncodeFrameParseRoundTrip) {
  const std::string xml = kSiteInformationRequest;
  for (bool compress : {true, false}) {
    MsgHeader h;
    h.reply_compression = "zlib";
    h.id = "{00000000-0000-0000-0000-000000000001}";
    h.reply_to = "direct:dummyEndpoint:LS_ReplyLocations";
    h.reply_mode = "Sync";
    h.target_address = "mp:[http]MP_LocationManager";
    h.target_endpoint = "MP_LocationManager";
    h.target_host = "cm01.contoso.com";
    h.zlib_hook = compress;
    h.body_length = body_length_of(xml);
    EXPECT_EQ(h.body_length, 148u - 2);  // XML + NUL, CRLF excluded (PXEThief's Length values)
    const std::string payload = encode_body(xml, compress);
    if (compress) {
      // The same plain bytes as Python's vector (SCCMSecrets' encoding of the same body).
      EXPECT_EQ(zlib_decompress(payload, 1 << 20).value_or(""),
                zlib_decompress(unhex(kPythonZlibSiteInfo), 1 << 20).value_or("x"));
    } else {
      EXPECT_EQ(payload, utf8_to_utf16le(xml) + "\0\0\r\n"s);
    }
    const std::string framed = frame_message(h, payload);
    const std::string prefix =
        "--aAbBcCdDv1234567890VxXyYzZ\r\ncontent-type: text/plain; charset=UTF-16\r\n\r\n"
        "\xFF\xFE"s;
    EXPECT_EQ(framed.substr(0, prefix.size()), prefix);
    auto msg = parse_message(multipart_content_type(), framed);
    ASSERT_TRUE(msg.ok()) << msg.status().to_string();
    EXPECT_EQ(msg->body_xml, xml);
    EXPECT_EQ(msg->payload, payload);
    EXPECT_EQ(msg->header.target_endpoint, "MP_LocationManager");
    EXPECT_EQ(msg->header.zlib_hook, compress);
    EXPECT_EQ(msg->header.body_length, h.body_length);
  }
}

TEST(MessageTest, ParsesAPxeThiefStyleMessage) {
  // PXEThief: random boundary, form-data part headers, no content-type on part 2, no BOM on
  // part 1 here, uncompressed UTF-16LE body + CRLF + three NULs ([S1], [S6]).
  std::vector<Part> parts(2);
  parts[0].headers = {{"Content-Disposition", "form-data; name=\"Msg\""},
                      {"Content-Type", "text/plain; charset=UTF-16"}};
  parts[0].body = utf8_to_utf16le(kPxeThiefHeader);
  parts[1].headers = {{"Content-Disposition", "form-data; name=\"RequestAssignments\""}};
  parts[1].body = utf8_to_utf16le(kPxeThiefRequestAssignments) + "\r\n\0\0\0"s;
  // PXEThief hard-codes Length="728": this body's UTF-16 + NUL.
  EXPECT_EQ(body_length_of(kPxeThiefRequestAssignments), 728u);
  auto msg = parse_message("multipart/form-data; boundary=5c6f1e0d9a8b4c3d",
                           build_multipart(parts, "5c6f1e0d9a8b4c3d"));
  ASSERT_TRUE(msg.ok()) << msg.status().to_string();
  EXPECT_EQ(msg->body_xml, kPxeThiefRequestAssignments);
  EXPECT_EQ(msg->header.clientauth.count("Token"), 1u);
}

TEST(MessageTest, BuildReplyIsReadableTheWaySccmSecretsReadsIt) {
  auto req = parse_msg_header(kRegistrationHeader);
  ASSERT_TRUE(req.ok());
  const std::string reply_xml =
      "<ClientRegistrationResponse ResponseType=\"Registration\" "
      "TimeStamp=\"2025-01-15T10:20:31Z\" "
      "Status=\"0\" SMSID=\"GUID:C66EE0FD-08E7-4B38-B282-7E6954B71139\" ApprovalStatus=\"1\"/>";
  std::string content_type;
  const std::string reply = build_reply(*req, reply_xml, &content_type);
  EXPECT_EQ(content_type, multipart_content_type());
  auto parts = parse_multipart(content_type, reply);
  ASSERT_TRUE(parts.ok()) << parts.status().to_string();
  ASSERT_EQ(parts->size(), 2u);
  // SCCMSecrets picks the part whose content-type is exactly application/octet-stream, inflates
  // it, decodes UTF-16 and drops one trailing character (the NUL).
  EXPECT_EQ((*parts)[1].header("content-type"), "application/octet-stream");
  auto plain = zlib_decompress((*parts)[1].body, 1 << 20);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, utf8_to_utf16le(reply_xml) + "\0\0"s);
  EXPECT_EQ((*parts)[0].body.substr(0, 2), "\xFF\xFE");
  auto msg = parse_message(content_type, reply);
  ASSERT_TRUE(msg.ok()) << msg.status().to_string();
  EXPECT_EQ(msg->body_xml, reply_xml);
  EXPECT_EQ(msg->header.correlation_id, req->id);
  EXPECT_NE(msg->header.id, req->id);
  EXPECT_EQ(msg->header.id.size(), 38u);
  EXPECT_EQ(msg->header.target_host, req->source_host);
  EXPECT_EQ(msg->header.source_host, req->target_host);
  EXPECT_EQ(msg->header.target_address, req->reply_to);
  EXPECT_EQ(msg->header.target_endpoint, "SccmMessaging");
  EXPECT_EQ(msg->header.body_length, body_length_of(reply_xml));
  EXPECT_TRUE(msg->header.zlib_hook);
  // Deterministic: the same request and reply give the same bytes.
  EXPECT_EQ(build_reply(*req, reply_xml, nullptr), reply);

  // ReplyCompression="none" (SharpSCCM): plain UTF-16LE + NUL.
  MsgHeader none = *req;
  none.reply_compression = "none";
  const std::string plain_reply = build_reply(none, reply_xml, &content_type);
  auto plain_parts = parse_multipart(content_type, plain_reply);
  ASSERT_TRUE(plain_parts.ok());
  EXPECT_EQ((*plain_parts)[1].body, utf8_to_utf16le(reply_xml) + "\0\0"s);
  auto plain_msg = parse_message(content_type, plain_reply);
  ASSERT_TRUE(plain_msg.ok()) << plain_msg.status().to_string();
  EXPECT_FALSE(plain_msg->header.zlib_hook);
  EXPECT_EQ(plain_msg->body_xml, reply_xml);
}

MsgHeader location_header(bool zlib) {
  MsgHeader h;
  h.target_endpoint = "MP_LocationManager";
  h.zlib_hook = zlib;
  return h;
}

TEST(MessageTest, MalformedMessagesAreInvalidArgument) {
  const std::string ct = multipart_content_type();
  // One part only.
  std::vector<Part> one(1);
  one[0].body = "\xFF\xFE" + utf8_to_utf16le(kRegistrationHeader);
  EXPECT_EQ(parse_message(ct, build_multipart(one)).status().code(), StatusCode::kInvalidArgument);
  // Odd-length UTF-16 in part 1 (not terminator bytes at its end).
  std::vector<Part> odd(2);
  odd[0].body = "\xFF\xFE" + utf8_to_utf16le(kRegistrationHeader) + "\x41"s;
  odd[1].body = encode_body(kSiteInformationRequest, true);
  auto r = parse_message(ct, build_multipart(odd));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("UTF-16"), std::string::npos);
  // The zlib hook with a part 2 that is not zlib.
  const std::string not_zlib =
      frame_message(location_header(true), utf8_to_utf16le(kSiteInformationRequest));
  EXPECT_EQ(parse_message(ct, not_zlib).status().code(), StatusCode::kInvalidArgument);
  // A header that is not <Msg>.
  std::vector<Part> wrong(2);
  wrong[0].body = utf8_to_utf16le("<Message/>");
  EXPECT_EQ(parse_message(ct, build_multipart(wrong)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_message("application/xml", "<Msg/>").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(MessageTest, LimitsGiveResourceExhausted) {
  const std::string ct = multipart_content_type();
  // A zlib bomb in part 2: 17 MiB of zeros against the 16 MiB default.
  const std::string bomb =
      frame_message(location_header(true), zlib_compress(std::string(17u << 20, '\0')));
  auto r = parse_message(ct, bomb);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  // An oversized request.
  MessageLimits small;
  small.max_request_bytes = 100;
  const std::string framed =
      frame_message(location_header(true), encode_body(kSiteInformationRequest, true));
  EXPECT_EQ(parse_message(ct, framed, small).status().code(), StatusCode::kResourceExhausted);
  // A header nested deeper than the XML limit.
  std::string deep = "<Msg>";
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  deep += "</Msg>";
  std::vector<Part> parts(2);
  parts[0].body = "\xFF\xFE" + utf8_to_utf16le(deep);
  parts[1].body = encode_body(kSiteInformationRequest, false);
  EXPECT_EQ(parse_message(ct, build_multipart(parts)).status().code(),
            StatusCode::kResourceExhausted);
  // An uncompressed body above the inflated limit.
  MessageLimits tiny;
  tiny.max_inflated_bytes = 16;
  EXPECT_EQ(
      parse_message(
          ct, frame_message(location_header(false), encode_body(kSiteInformationRequest, false)),
          tiny)
          .status()
          .code(),
      StatusCode::kResourceExhausted);
}

// ---- signatures ------------------------------------------------------------------------------

struct TestKey {
  std::string key_pem;
  std::string cert_der;
  crypto::EvpPkeyPtr key;
};

// A fresh RSA-2048 key and a self-signed certificate for it, made at test time.
TestKey make_key() {
  TestKey k;
  auto key = crypto::generate_rsa_key(2048);
  EXPECT_TRUE(key.ok());
  if (!key.ok()) return k;
  crypto::CertificateSpec spec;
  spec.common_name = "ConfigMgr Client";
  spec.not_before =
      std::chrono::time_point_cast<TimePoint::duration>(std::chrono::system_clock::now()) -
      std::chrono::hours(1);
  spec.not_after = spec.not_before + std::chrono::hours(24 * 365);
  auto cert = crypto::build_cert(spec, key->get(), nullptr);
  EXPECT_TRUE(cert.ok());
  if (!cert.ok()) return k;
  k.key_pem = crypto::key_to_pem(key->get()).value_or("");
  k.cert_der = crypto::cert_to_der(cert->get()).value_or("");
  k.key = std::move(key).value();
  return k;
}

// One key for the signature tests (RSA key generation is slow in a Debug build).
const TestKey& shared_key() {
  static const TestKey k = make_key();
  return k;
}

std::string reversed(std::string s) { return std::string(s.rbegin(), s.rend()); }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(SignatureTest, SignReversedHexVerifiesInEveryAcceptedForm) {
  const TestKey& k = shared_key();
  ASSERT_FALSE(k.cert_der.empty());
  const std::string data = utf8_to_utf16le("GUID:C66EE0FD-08E7-4B38-B282-7E6954B71139") + "\0\0"s;
  auto sig = sign_reversed_hex(k.key_pem, data);
  ASSERT_TRUE(sig.ok()) << sig.status().to_string();
  ASSERT_EQ(sig->size(), 512u);
  EXPECT_EQ(*sig, to_hex(unhex(*sig)));  // upper case
  EXPECT_TRUE(verify_signature(k.cert_der, data, *sig));
  EXPECT_TRUE(verify_signature(k.cert_der, data, lower(*sig)));
  EXPECT_TRUE(verify_signature(k.cert_der, data, to_hex(reversed(unhex(*sig)))));  // not reversed
  // The reversed bytes are an RS256 signature in the usual order.
  EXPECT_TRUE(crypto::rs256_verify(k.key.get(), data, reversed(unhex(*sig))));
  // Tampering.
  EXPECT_FALSE(verify_signature(k.cert_der, data + "x", *sig));
  std::string flipped = unhex(*sig);
  flipped[100] ^= 0x01;
  EXPECT_FALSE(verify_signature(k.cert_der, data, to_hex(flipped)));
  EXPECT_FALSE(verify_signature(k.cert_der, data, sig->substr(2)));
  EXPECT_FALSE(verify_signature(k.cert_der, data, sig->substr(0, 510) + "ZZ"));
  EXPECT_FALSE(verify_signature(k.cert_der, data, ""));
  EXPECT_FALSE(verify_signature("not a certificate", data, *sig));
  static const TestKey other = make_key();
  EXPECT_FALSE(verify_signature(other.cert_der, data, *sig));
  // The parsed key checks any number of signatures; a certificate that does not parse has none.
  auto key = CertPublicKey::from_der(k.cert_der);
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_TRUE((*key)->verify(data, *sig));
  EXPECT_FALSE((*key)->verify(data + "x", *sig));
  EXPECT_TRUE((*key)->verify(data, lower(*sig)));
  EXPECT_EQ(CertPublicKey::from_der("not a certificate").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(sign_reversed_hex("not a key", data).status().code(), StatusCode::kInvalidArgument);
}

// PXEThief's CryptSignHash(CRYPT_NOHASHOID): PKCS#1 v1.5 type 1 padding over the bare SHA-256
// digest, no DigestInfo (SCCMSecrets utils/crypto.py, [S1]). Made here with EVP_PKEY_sign and no
// digest set.
TEST(SignatureTest, NoOidSignaturesVerify) {
  const TestKey& k = shared_key();
  ASSERT_FALSE(k.cert_der.empty());
  const std::string data = "payload bytes";
  auto sign_raw = [&](const std::string& input) {
    crypto::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(k.key.get(), nullptr));
    std::string sig(256, '\0');
    size_t len = sig.size();
    EXPECT_EQ(EVP_PKEY_sign_init(ctx.get()), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), 1);
    EXPECT_EQ(EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                            reinterpret_cast<const unsigned char*>(input.data()), input.size()),
              1);
    sig.resize(len);
    return sig;
  };
  const std::string digest = crypto::sha256(data).value_or("");
  ASSERT_EQ(digest.size(), 32u);
  const std::string sig = sign_raw(digest);
  EXPECT_TRUE(verify_signature(k.cert_der, data, to_hex(reversed(sig))));  // CryptoAPI order
  EXPECT_TRUE(verify_signature(k.cert_der, data, to_hex(sig)));
  EXPECT_FALSE(verify_signature(k.cert_der, "other payload", to_hex(reversed(sig))));
  // A no-OID signature over a SHA-1 digest is not a SHA-256 signature.
  const std::string sha1_sig = sign_raw(crypto::sha1(data).value_or(""));
  EXPECT_FALSE(verify_signature(k.cert_der, data, to_hex(reversed(sha1_sig))));
}

// `openssl dgst -sha256 -sign` (the openssl CLI, run now, on a key made now): reversed and
// upper-cased as SCCMSecrets does, it verifies; tampered, it does not.
TEST(SignatureTest, OpensslCliSignatureVerifiesReversed) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
  const TestKey& k = shared_key();
  ASSERT_FALSE(k.cert_der.empty());
  test::TempDir dir;
  const std::string data = encode_body(kSiteInformationRequest, true);
  ASSERT_TRUE(test::write_file(dir.file("key.pem"), k.key_pem));
  ASSERT_TRUE(test::write_file(dir.file("data.bin"), data));
  const std::string cmd = "openssl dgst -sha256 -sign '" + dir.file("key.pem") + "' -out '" +
                          dir.file("sig.bin") + "' '" + dir.file("data.bin") + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const std::string sig = test::read_file(dir.file("sig.bin"));
  ASSERT_EQ(sig.size(), 256u);
  EXPECT_TRUE(verify_signature(k.cert_der, data, to_hex(reversed(sig))));
  EXPECT_TRUE(verify_signature(k.cert_der, data, to_hex(sig)));
  std::string bad = reversed(sig);
  bad[0] ^= 0x80;
  EXPECT_FALSE(verify_signature(k.cert_der, data, to_hex(bad)));
  EXPECT_FALSE(verify_signature(k.cert_der, data.substr(1), to_hex(reversed(sig))));
  // Our signer and the CLI agree (PKCS#1 v1.5 is deterministic).
  EXPECT_EQ(sign_reversed_hex(k.key_pem, data).value_or(""), to_hex(reversed(sig)));
}

TEST(SignatureTest, PublicKeyBlobLayout) {
  const TestKey& k = shared_key();
  ASSERT_FALSE(k.cert_der.empty());
  auto blob_hex = public_key_blob_hex(k.cert_der);
  ASSERT_TRUE(blob_hex.ok()) << blob_hex.status().to_string();
  const std::string blob = unhex(*blob_hex);
  ASSERT_EQ(blob.size(), 20u + 256u);
  // [S1], [S3]: PUBLICKEYBLOB, v2, CALG_RSA_KEYX, "RSA1", 2048 bits, e = 65537.
  EXPECT_EQ(blob_hex->substr(0, 40), "0602000000A40000525341310008000001000100");
  BIGNUM* n_raw = nullptr;
  ASSERT_EQ(EVP_PKEY_get_bn_param(k.key.get(), "n", &n_raw), 1);
  crypto::BignumPtr n(n_raw);
  std::string be(256, '\0');
  ASSERT_EQ(BN_bn2binpad(n.get(), reinterpret_cast<unsigned char*>(be.data()), 256), 256);
  EXPECT_EQ(blob.substr(20), reversed(be));
  EXPECT_FALSE(public_key_blob_hex("junk").ok());
}

TEST(HexTest, RoundTripsAndRefusesBadInput) {
  EXPECT_EQ(to_hex("\x00\x1F\xA0\xFF"s), "001FA0FF");
  EXPECT_EQ(from_hex("001fa0FF").value_or(""), "\x00\x1F\xA0\xFF"s);
  EXPECT_EQ(from_hex("").value_or("x"), "");
  EXPECT_EQ(from_hex("ABC").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(from_hex("0G").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace emu::mp::messaging
