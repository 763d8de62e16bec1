// A ConfigMgr client's registration request as the test clients send it: a self-signed
// signing/encryption certificate, the SCCMSecrets-style ClientRegistrationRequest signed with
// it (reversed-byte hex over the UTF-16LE <Data>), framed as CcmMessaging (multipart, zlib).
#pragma once

#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/http/message.h"
#include "emulator/mp/messaging/ccm_message.h"

#include <chrono>
#include <string>

namespace emu::test {

struct CcmRegistration {
  std::string wire;                 // the CCM_POST body
  http::Headers headers;            // Content-Type (multipart) and User-Agent ccmhttp
  mp::messaging::MsgHeader header;  // its <Msg> header (a start for the client's next messages)
  std::string cert_der;             // the client's signing certificate
  std::string key_pem;              // and its key
};

inline CcmRegistration make_ccm_registration(TimePoint now, const std::string& netbios) {
  namespace messaging = mp::messaging;
  auto key = crypto::generate_rsa_key(2048).value();
  crypto::CertificateSpec spec;
  spec.common_name = "ConfigMgr Client";
  spec.not_before = now - std::chrono::hours(1);
  spec.not_after = now + std::chrono::hours(24 * 365);
  auto cert = crypto::build_cert(spec, key.get(), nullptr).value();
  const std::string der = crypto::cert_to_der(cert.get()).value();
  const std::string key_pem = crypto::key_to_pem(key.get()).value();
  const std::string hex = messaging::to_hex(der);
  const std::string data =
      "<Data HashAlgorithm=\"1.2.840.113549.1.1.11\" SMSID=\"\" RequestType=\"Registration\" "
      "TimeStamp=\"2026-01-01T00:00:00Z\"><AgentInformation AgentIdentity=\"CCMSetup.exe\" "
      "AgentVersion=\"5.00.9078.1000\" AgentType=\"0\" /><Certificates><Encryption "
      "Encoding=\"HexBinary\" KeyType=\"1\">" +
      hex + "</Encryption><Signing Encoding=\"HexBinary\" KeyType=\"1\">" + hex +
      "</Signing></Certificates><DiscoveryProperties><Property Name=\"Netbios Name\" "
      "Value=\"" +
      netbios + "\" /><Property Name=\"FQ Name\" Value=\"" + netbios +
      "\" /><Property Name=\"Locale ID\" Value=\"1033\" /><Property Name=\"InternetFlag\" "
      "Value=\"0\" /></DiscoveryProperties></Data>";
  const std::string sig =
      messaging::sign_reversed_hex(key_pem, messaging::utf8_to_utf16le(data)).value();
  const std::string body = "<ClientRegistrationRequest>" + data + "<Signature><SignatureValue>" +
                           sig + "</SignatureValue></Signature></ClientRegistrationRequest>";
  messaging::MsgHeader h;
  h.reply_compression = "zlib";
  h.id = "{5DD100CD-DF1D-45F5-BA17-A327F43465F8}";
  h.correlation_id = "{00000000-0000-0000-0000-000000000000}";
  h.source_host = netbios;
  h.reply_to = "direct:" + netbios + ":SccmMessaging";
  h.reply_mode = "Sync";
  h.sent_time = "2026-01-01T00:00:00Z";
  h.target_address = "mp:MP_ClientRegistration";
  h.target_endpoint = "MP_ClientRegistration";
  h.target_host = "cm01.contoso.com";
  h.zlib_hook = true;
  h.body_length = messaging::body_length_of(body);
  CcmRegistration out;
  out.header = h;
  out.cert_der = der;
  out.key_pem = key_pem;
  out.wire = messaging::frame_message(h, messaging::encode_body(body, true));
  out.headers.set("Content-Type", messaging::multipart_content_type());
  out.headers.set("User-Agent", "ccmhttp");
  return out;
}

}  // namespace emu::test
