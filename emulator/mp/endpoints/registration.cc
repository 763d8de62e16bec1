// MP_ClientRegistration (RegMessageHandler; visibility All). Request:
// (SCCMSecrets REGISTRATION_REQUEST_TEMPLATE, SDK 2007 cc143414); the SignatureValue is RSA
// SHA-256 over UTF-16LE of the exact <Data>...</Data> text (SCCMSecrets, Metasploit), bytes
// reversed, with or without the DigestInfo OID (codec verify_signature accepts both). Reply:
// SDK 2007 cc144675 ClientRegistrationResponse (ResponseType, TimeStamp, Status, SMSID) plus
// ApprovalStatus (Metasploit reads "-1" on refusal; memdocs azure-ccmsetup.md logs 3 for Entra
// ID) and, when the client registered through a token, its 90-day unique token in
// <ClientToken> (memdocs deploy-clients-cmg-token.md says the MP gives it one; element name
// inferred). The site database gets one System_DISC row per client (by signing certificate).
#include "emulator/core/text.h"
#include "emulator/core/xml.h"
#include "emulator/mp/endpoints/endpoints.h"

#include <cctype>

namespace emu::mp::internal {
namespace {

constexpr const char* kComponent = "MP_RegistrationManager";

std::string reply_root(const std::string& time, const std::string& attrs,
                       const std::string& inner) {
  std::string x = "<ClientRegistrationResponse ResponseType=\"Registration\" TimeStamp=\"" + time +
                  "\" " + attrs;
  return inner.empty() ? x + "/>" : x + ">" + inner + "</ClientRegistrationResponse>";
}

http::Response refuse(const CcmCall& call, const std::string& why) {
  call.s.log(kRegLog, kComponent, "MP Reg: " + why, TraceSeverity::kError);
  call.s.log(kRegLog, kComponent, "MP Reg: Processing completed. Completion state = 3");
  return ccm_reply(
      call,
      reply_root(format_iso8601(std::chrono::floor<std::chrono::seconds>(call.s.ctx.clock.now())),
                 "Status=\"3\" ApprovalStatus=\"-1\"", ""));
}

// The exact <Data ...>...</Data> text as sent ("" if absent).
std::string data_text(const std::string& body) {
  size_t start = body.find("<Data");
  while (start != std::string::npos && start + 5 < body.size() && body[start + 5] != ' ' &&
         body[start + 5] != '>' && body[start + 5] != '\t' && body[start + 5] != '\r' &&
         body[start + 5] != '\n')
    start = body.find("<Data", start + 5);
  if (start == std::string::npos) return "";
  const size_t end = body.find("</Data>", start);
  if (end == std::string::npos) return "";
  return body.substr(start, end + 7 - start);
}

std::string property(const XmlElement& data, std::string_view name) {
  const XmlElement* props = data.child("DiscoveryProperties", true);
  if (props == nullptr) return "";
  for (const XmlElement& p : props->children)
    if (iequals(p.name, "Property") && iequals(p.attr_or("Name", "", true), name))
      return p.attr_or("Value", "", true);
  return "";
}

// The client already registered with this signing certificate, or "".
std::string client_of_cert(MpState& s, sitedb::SiteDb& db, const std::string& cert_hex) {
  if (!s.cert_index_valid || s.cert_index_db != &db) {
    s.cert_index.clear();
    for (const auto& c : db.clients()) {
      if (!c.properties.is_object()) continue;
      auto it = c.properties.find("signing_certificate");
      if (it != c.properties.end() && it->is_string())
        s.cert_index[to_upper(it->get<std::string>())] = c.client_id;
    }
    s.cert_index_db = &db;
    s.cert_index_valid = true;
  }
  auto it = s.cert_index.find(cert_hex);
  if (it == s.cert_index.end()) return "";
  if (!db.has_client(it->second)) {  // the row went away (site reset): forget it
    s.cert_index.erase(it);
    return "";
  }
  return it->second;
}

}  // namespace

http::Response registration_request(const CcmCall& call) {
  MpState& s = call.s;
  const TimePoint now = std::chrono::floor<std::chrono::seconds>(s.ctx.clock.now());
  const std::string stamp = format_iso8601(now);
  auto root = parse_xml(call.msg.body_xml, messaging::MessageLimits{}.xml);
  if (!root.ok() || !iequals(root->name, "ClientRegistrationRequest"))
    return http::text_response(400, "Bad Request\r\n");
  const XmlElement* data = root->child("Data", true);
  if (data == nullptr) return refuse(call, "Registration request has no Data element");
  sitedb::SiteDb* db = s.db();
  if (db == nullptr || !db->site().ok()) return iis_500();
  const sitedb::Site site = *db->site();

  const std::string netbios = to_upper(trim(property(*data, "Netbios Name")));
  const std::string fqdn = trim(property(*data, "FQ Name"));
  const std::string request_type = data->attr_or("RequestType", "Registration", true);

  // Certificates and signature.
  const XmlElement* certs = data->child("Certificates", true);
  const XmlElement* signing = certs != nullptr ? certs->child("Signing", true) : nullptr;
  const XmlElement* encryption = certs != nullptr ? certs->child("Encryption", true) : nullptr;
  const XmlElement* sig_el = root->child("Signature", true);
  const XmlElement* sig_value = sig_el != nullptr ? sig_el->child("SignatureValue", true) : nullptr;
  if (signing == nullptr) return refuse(call, "Registration request has no signing certificate");
  const std::string cert_hex = to_upper(trim(signing->text));
  auto key = s.public_key_of(cert_hex);
  if (!key.ok()) {
    if (auto der = messaging::from_hex(cert_hex); !der.ok())
      return refuse(call, "The signing certificate is not hex: " + der.status().message());
  }
  if (sig_value == nullptr) return refuse(call, "Registration request is not signed");
  const std::string signed_text = data_text(call.msg.body_xml);
  const std::string utf16 = messaging::utf8_to_utf16le(signed_text);
  const std::string signature = trim(sig_value->text);
  if (signed_text.empty() || !key.ok() ||
      (!(*key)->verify(utf16, signature) &&
       !(*key)->verify(utf16 + std::string(2, '\0'), signature)))
    return refuse(call, "Registration request signature verification failed for client '" +
                            netbios + "'");  // wording [inferred]
  if (netbios.empty()) return refuse(call, "Registration request has no Netbios Name");

  // Who vouches for the client: a CCM token (TokenAuth), a verified TLS client certificate
  // (PKI), or nobody (anonymous HTTP: pending [inferred]).
  std::string auth = "None";
  int stored_approval = 0;            // IsApproved (SMS_FullCollectionMembership: 0, 1, 2)
  std::string client_approval = "0";  // the reply's ApprovalStatus
  bool token_client = false;
  if (call.token) {
    token_client = true;
    stored_approval = 1;
    if (!call.token->aad_tenant_id.empty()) {
      auth = "AzureAD";
      client_approval = "3";
    } else {
      auth = "BulkToken";
      client_approval = "1";
    }
  } else if ((call.req.cmg_client_cert ? *call.req.cmg_client_cert : call.req.client_cert)
                 .verified) {
    // A verified client certificate: the device's on the MP's own TLS, or the one the CMG
    // verified on a MutualAuth request (not the connection point's own certificate).
    auth = "PKI";
    stored_approval = 1;
    client_approval = "1";
  }

  // The client ID: the one registered with this signing certificate, else the one proposed
  // (Data@SMSID, SDK 2007), else a new one.
  std::string client_id = client_of_cert(s, *db, cert_hex);
  const bool known = !client_id.empty();
  if (!known) {
    const std::string proposed = normalize_client_id(data->attr_or("SMSID", "", true));
    if (!proposed.empty() && !db->has_client(proposed)) client_id = proposed;
  }
  if (client_id.empty()) client_id = "GUID:" + to_upper(s.ctx.ids.guid());
  s.log(kRegLog, kComponent, "Processing Registration request from Client '" + client_id + "'");
  if (auth == "AzureAD")
    s.log(kRegLog, kComponent,
          "Registering device using AAD auth: DeviceId='" + call.token->aad_device_id +
              " ', TenantId='" + call.token->aad_tenant_id + "'");

  sitedb::ClientRecord record;
  std::string registered = stamp;
  if (known) {
    auto existing = db->client(client_id);
    if (existing.ok()) {
      registered = existing->registered;
      record.properties = existing->properties;
      // A confirmation or an anonymous re-registration keeps what the client had.
      if (!token_client && auth == "None") {
        auth = existing->authentication;
        stored_approval = existing->approval;
        client_approval = existing->approval == 1 ? (auth == "AzureAD" ? "3" : "1") : "0";
      }
    }
  } else if (iequals(request_type, "Confirmation")) {
    return refuse(call, "Confirmation request from an unknown client");
  }
  record.client_id = client_id;
  record.name = netbios;
  record.approval = stored_approval;
  record.authentication = auth;
  record.registered = registered;
  if (!record.properties.is_object()) record.properties = nlohmann::json::object();
  record.properties["signing_certificate"] = cert_hex;
  if (encryption != nullptr)
    record.properties["encryption_certificate"] = to_upper(trim(encryption->text));
  record.properties["fqdn"] = fqdn;
  record.properties["netbios_name"] = netbios;
  record.properties["locale_id"] = trim(property(*data, "Locale ID"));
  record.properties["internet_flag"] = trim(property(*data, "InternetFlag"));
  if (const XmlElement* agent = data->child("AgentInformation", true)) {
    record.properties["agent_identity"] = agent->attr_or("AgentIdentity", "", true);
    record.properties["agent_version"] = agent->attr_or("AgentVersion", "", true);
  }
  record.properties["last_registration"] = stamp;
  if (call.token) {
    record.properties["token_type"] = call.token->token_type;
    if (!call.token->aad_tenant_id.empty()) {
      record.properties["aad_tenant_id"] = call.token->aad_tenant_id;
      record.properties["aad_device_id"] = call.token->aad_device_id;
    }
  }
  if (Status st = db->put_client(record); !st.ok()) {
    s.log(kRegLog, kComponent,
          "MP Reg: failed to store client '" + client_id + "': " + st.message(),
          TraceSeverity::kError);
    return iis_500();
  }
  s.cert_index[cert_hex] = client_id;
  ++s.registrations;

  std::string inner;
  if (token_client && s.deps.token_signer) {
    auto signer = s.deps.token_signer();
    if (signer.ok()) {
      CcmTokenClaims c;
      c.category = "SCCMClientToken";
      c.token_type = "ClientUnique";
      c.tenant_id = to_upper(site.hierarchy_id);
      c.device_id = client_id;
      c.unique_id = s.ctx.ids.guid();
      c.not_before = now;
      c.expires = now + s.config.client_token_lifetime;
      auto jwt = issue_ccm_token(**signer, c);
      if (jwt.ok()) {
        inner = "<ClientToken>" + *jwt + "</ClientToken>";
        s.log(kRegLog, kComponent,
              "MP Reg: issued a client token for '" + client_id + "', valid until " +
                  format_iso8601(c.expires));  // [inferred]
      }
    }
  }
  const std::string status = stored_approval == 0 ? "1" : "0";  // 1 = pending (SDK 2007)
  s.log(kRegLog, kComponent,
        "MP Reg: client '" + client_id + "' (" + netbios + ") registered, authentication " + auth +
            ", approval " + client_approval);  // [inferred]
  s.log(kRegLog, kComponent, "MP Reg: Processing completed. Completion state = 0");
  return ccm_reply(call, reply_root(stamp,
                                    "Status=\"" + status + "\" SMSID=\"" + client_id +
                                        "\" ApprovalStatus=\"" + client_approval + "\"",
                                    inner));
}

}  // namespace emu::mp::internal
