// MpFixture: a real MpService over an in-memory site database (site P01 on cm01.contoso.com,
// CB 2203, one MP), the site's token-signing and site-signing certificates (made once per
// process), a fake Entra ID validator and a test client key. Requests go through the "mp"
// listener's router in-process. Request builders follow the public tools' templates
// (SCCMSecrets utils/request_templates.py, PXEThief, the 2007 SDK's message schema;
// emulator/mp/README.md Sources), written byte by byte here, independently of the MP's codec
// framing.
#pragma once

#include "certs/pki.h"
#include "emulator/aad/public/token_validator.h"
#include "emulator/core/actions.h"
#include "emulator/core/clock.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/faults.h"
#include "emulator/core/ids.h"
#include "emulator/core/journal.h"
#include "emulator/core/store/database.h"
#include "emulator/core/text.h"
#include "emulator/mp/messaging/ccm_message.h"
#include "emulator/mp/mp_service.h"
#include "emulator/mp/sts/ccm_token.h"
#include "emulator/site/tokens/bulk_token_tool.h"
#include "emulator/site/tokens/signing_certs.h"
#include "emulator/sitedb/site_db.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace emu::mp::testing {

inline constexpr char kHierarchy[] = "4D6F7A3C-1B2A-4C5D-8E9F-0A1B2C3D4E5F";
inline constexpr char kTenant[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";
inline constexpr char kServerAppUri[] = "https://ConfigMgrService";
inline constexpr char kBoundary[] = "aAbBcCdDv1234567890VxXyYzZ";

inline TimePoint start_time() { return parse_iso8601("2026-01-01T00:00:00Z").value(); }

struct Signers {
  std::shared_ptr<const site::SiteSigningCert> token, site;
};
inline const Signers& signers() {
  static const Signers s = [] {
    Signers out;
    out.token = site::SiteSigningCert::ensure("", "P01", "token-signing", start_time()).value();
    out.site = site::SiteSigningCert::ensure("", "P01", "site-signing", start_time()).value();
    return out;
  }();
  return s;
}

// A client's self-signed key pair (SCCMSecrets utils/crypto.py: RSA-2048, CN "ConfigMgr Client").
struct TestClientKey {
  std::string key_pem, cert_der;
};
inline TestClientKey make_client_key(const std::string& cn = "ConfigMgr Client") {
  auto key = crypto::generate_rsa_key(2048).value();
  crypto::CertificateSpec spec;
  spec.common_name = cn;
  spec.not_before = start_time() - std::chrono::hours(24);
  spec.not_after = start_time() + std::chrono::hours(24 * 365);
  auto cert = crypto::build_cert(spec, key.get(), nullptr).value();
  return {crypto::key_to_pem(key.get()).value(), crypto::cert_to_der(cert.get()).value()};
}
inline const TestClientKey& client_key() {
  static const TestClientKey k = make_client_key();
  return k;
}
inline const TestClientKey& other_key() {
  static const TestClientKey k = make_client_key("Other");
  return k;
}

// Entra ID stand-in: tokens are unsigned JWT-shaped strings whose payload names the principal;
// the audience check is real (the MP must ask for the onboarded server app's URI).
class FakeAad final : public aad::TokenValidator {
 public:
  aad::TokenCheck validate(std::string_view token,
                           const aad::ValidationPolicy& policy) const override {
    aad::TokenCheck c;
    const size_t a = token.find('.'), b = token.rfind('.');
    auto text = base64url_decode(token.substr(a + 1, b - a - 1));
    nlohmann::json p = nlohmann::json::parse(text.ok() ? *text : "{}", nullptr, false);
    if (!p.is_object() || p.value("sig", "") != "good") {
      c.error = aad::TokenError::kBadSignature;
      c.message = "bad signature";
      return c;
    }
    bool aud_ok = false;
    for (const auto& want : policy.audiences)
      if (want == p.value("aud", "")) aud_ok = true;
    if (!aud_ok) {
      c.error = aad::TokenError::kBadAudience;
      c.message = "audience";
      return c;
    }
    c.principal.tenant_id = p.value("tid", "");
    c.principal.object_id = p.value("oid", "");
    c.principal.idtyp = p.value("idtyp", "user");
    c.principal.claims = p;
    return c;
  }
};
inline std::string fake_aad_token(const nlohmann::json& claims) {
  return "eyJhbGciOiJSUzI1NiJ9." + base64url_encode(claims.dump()) + ".c2ln";
}

class FakeActionContext final : public ActionContext {
 public:
  explicit FakeActionContext(Clock& clock) : clock_(clock) {}
  Clock& clock() override { return clock_; }
  IdSource& ids() override { return ids_; }
  Result<HttpExchange> http(const HttpCall&) override { return Unavailable("no http"); }
  const nlohmann::json& lab() const override { return lab_; }
  nlohmann::json& vars() override { return vars_; }
  std::string ca_path() const override { return ""; }
  std::string out_dir() const override { return ""; }
  FaultPlan& faults() override { return faults_; }
  Journal& journal() override { return journal_; }
  void run_on_io(const std::function<void()>& fn) override { fn(); }

 private:
  Clock& clock_;
  IdSource ids_{7};
  FaultPlan faults_{1};
  Journal journal_{16};
  nlohmann::json lab_ = nlohmann::json::object();
  nlohmann::json vars_ = nlohmann::json::object();
};

inline std::string utf16(const std::string& s) { return messaging::utf8_to_utf16le(s); }

class MpFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = sitedb::SiteDb::open(store::StateDir(""), "P01").value();
    sitedb::Site site;
    site.code = "P01";
    site.server = "cm01.contoso.com";
    site.version = "2203";
    site.type = "primary";
    site.hierarchy_id = kHierarchy;
    ASSERT_TRUE(db_->put_site(site).ok());
    for (int type :
         {int(sitedb::kSiteServer), int(sitedb::kSmsProvider), int(sitedb::kManagementPoint)}) {
      sitedb::SiteRole r;
      r.server = "cm01.contoso.com";
      r.role_type = type;
      r.enhanced_http = true;
      ASSERT_TRUE(db_->add_role(r).ok());
    }
    for (const auto& [type, signer] :
         {std::pair{"TokenSigning", signers().token}, std::pair{"SiteSigning", signers().site}}) {
      sitedb::SiteCertificate c;
      c.type = type;
      c.thumbprint = signer->thumbprint();
      c.subject = c.issuer = signer->subject();
      c.valid_from = format_iso8601(signer->not_before());
      c.valid_to = format_iso8601(signer->not_after());
      c.certificate_pem = signer->cert_pem();
      ASSERT_TRUE(db_->put_certificate(c).ok());
    }
    sitedb::ClientSettings cs;
    cs.name = "Default Client Settings";
    cs.settings = {
        {"Cloud Services", {{"Enable clients to use a cloud management gateway", "Yes"}}}};
    ASSERT_TRUE(db_->put_client_settings(cs).ok());
    sitedb::AadTenant t;
    t.tenant_id = kTenant;
    t.name = "Cloud Management";
    ASSERT_TRUE(db_->put_tenant(t).ok());
    sitedb::AadApplication app;
    app.tenant_id = kTenant;
    app.kind = "web";
    app.name = "CMG server app";
    app.client_id = "11111111-2222-4333-8444-555555555555";
    app.identifier_uri = kServerAppUri;
    ASSERT_TRUE(db_->put_application(app).ok());

    ServiceContext ctx{clock_, ids_, state_, pki_, "", nullptr, nullptr};
    MpDeps deps;
    deps.aad = &aad_;
    deps.site_db = [this] { return db_.get(); };
    deps.token_signer = []() -> Result<std::shared_ptr<const site::SiteSigningCert>> {
      return signers().token;
    };
    svc_ = MpService::create(ctx, std::move(deps)).value();
    ASSERT_TRUE(
        svc_->seed({{"site",
                     {{"code", "P01"},
                      {"server", "cm01.contoso.com"},
                      {"roles", {{"management_point", {{"server", "cm01.contoso.com"}}}}}}}})
            .ok());
    svc_->register_actions(registry_);
    auto listeners = svc_->listeners();
    ASSERT_EQ(listeners.size(), 1u);
    router_ = listeners[0].router;
  }

  http::Response call(const std::string& method, const std::string& target,
                      const std::string& body = "", const http::Headers& headers = {}) {
    http::Request req;
    req.method = method;
    req.target = target;
    const size_t q = target.find('?');
    req.path = target.substr(0, q);
    req.query_string = q == std::string::npos ? "" : target.substr(q + 1);
    req.query = http::parse_form(req.query_string);
    req.listener = "mp";
    req.host = "cm01.contoso.com";
    req.headers = headers;
    req.headers.set("Host", "cm01.contoso.com");
    req.body = body;
    return router_->dispatch(req);
  }

  ActionOutcome action(const std::string& name, const nlohmann::json& args) {
    const ActionDef* def = registry_.find(name);
    EXPECT_NE(def, nullptr) << name;
    if (def == nullptr || !def->run) return {};
    FakeActionContext ctx(clock_);
    return def->run(args, ctx);
  }

  std::string bulk_token(int lifetime_minutes = 60) {
    auto t = site::issue_bulk_token(*signers().token, kHierarchy, ids_.guid(), clock_.now(),
                                    lifetime_minutes)
                 .value();
    sitedb::BulkToken rec;
    rec.guid = t.guid;
    rec.issued = format_iso8601(t.not_before);
    rec.lifetime_minutes = lifetime_minutes;
    rec.expires = format_iso8601(t.expires);
    EXPECT_TRUE(db_->add_bulk_token(rec).ok());
    last_bulk_guid_ = t.guid;
    return t.token;
  }

  // CCM_STS with `token`; the JSON reply (null when not 200).
  nlohmann::json sts(const std::string& token, int* status = nullptr) {
    http::Headers h;
    h.set("Authorization", "Bearer " + token);
    http::Response r = call("POST", "/CCM_STS", "", h);
    if (status != nullptr) *status = r.status;
    if (r.status != 200) return nullptr;
    return nlohmann::json::parse(r.body);
  }

  // The <Msg> header of SCCMSecrets' SCCM_HEADER_TEMPLATE / POLICY_REQUEST_HEADER_TEMPLATE.
  static std::string registration_header(size_t body_length) {
    return "<Msg ReplyCompression=\"zlib\" SchemaVersion=\"1.1\"><Body Type=\"ByteRange\" "
           "Length=\"" +
           std::to_string(body_length) +
           "\" Offset=\"0\" /><CorrelationID>{00000000-0000-0000-0000-000000000000}"
           "</CorrelationID><Hooks><Hook3 Name=\"zlib-compress\" /></Hooks><ID>"
           "{5DD100CD-DF1D-45F5-BA17-A327F43465F8}</ID><Payload Type=\"inline\" /><Priority>0"
           "</Priority><Protocol>http</Protocol><ReplyMode>Sync</ReplyMode><ReplyTo>"
           "direct:CLIENT01:SccmMessaging</ReplyTo><SentTime>2026-01-01T00:00:00Z</SentTime>"
           "<SourceHost>CLIENT01</SourceHost><TargetAddress>mp:MP_ClientRegistration"
           "</TargetAddress><TargetEndpoint>MP_ClientRegistration</TargetEndpoint><TargetHost>"
           "cm01.contoso.com</TargetHost><Timeout>60000</Timeout></Msg>";
  }

  // Frames a message as SCCMSecrets does (request_templates.py): BOM + UTF-16LE header; zlib of
  // UTF-16LE(body) + 00 00 + CRLF; no CRLF after the closing delimiter.
  static std::string frame(const std::string& header_xml, const std::string& payload) {
    const std::string b = kBoundary;
    return "--" + b + "\r\ncontent-type: text/plain; charset=UTF-16\r\n\r\n" +
           std::string("\xFF\xFE", 2) + utf16(header_xml) + "\r\n--" + b +
           "\r\ncontent-type: application/octet-stream\r\n\r\n" + payload + "\r\n--" + b + "--";
  }
  static std::string payload_of(const std::string& body_xml) {
    return messaging::zlib_compress(utf16(body_xml) + std::string(2, '\0') + "\r\n");
  }

  // SCCMSecrets REGISTRATION_REQUEST_TEMPLATE, signed with `key` (or with `sign_key` if given).
  static std::string registration_data(const TestClientKey& key, const std::string& name) {
    const std::string hex = crypto::upper_hex(key.cert_der);
    return "<Data HashAlgorithm=\"1.2.840.113549.1.1.11\" SMSID=\"\" RequestType=\"Registration\" "
           "TimeStamp=\"2026-01-01T00:00:00Z\">\n<AgentInformation AgentIdentity=\"CCMSetup.exe\" "
           "AgentVersion=\"5.00.8325.0000\" AgentType=\"0\" />\n<Certificates><Encryption "
           "Encoding=\"HexBinary\" KeyType=\"1\">" +
           hex + "</Encryption><Signing Encoding=\"HexBinary\" KeyType=\"1\">" + hex +
           "</Signing></Certificates>\n<DiscoveryProperties><Property Name=\"Netbios Name\" "
           "Value=\"" +
           name + "\" />\n<Property Name=\"FQ Name\" Value=\"" + to_lower(name) +
           ".contoso.com\" />\n<Property Name=\"Locale ID\" Value=\"2057\" />\n<Property "
           "Name=\"InternetFlag\" Value=\"0\" />\n</DiscoveryProperties></Data>";
  }
  static std::string registration_body(const std::string& data, const std::string& signature) {
    return "<ClientRegistrationRequest>" + data + "<Signature><SignatureValue>" + signature +
           "</SignatureValue></Signature></ClientRegistrationRequest>";
  }
  static std::string registration_request(const TestClientKey& key, const std::string& name,
                                          const TestClientKey* sign_with = nullptr) {
    const std::string data = registration_data(key, name);
    const std::string sig =
        messaging::sign_reversed_hex((sign_with ? *sign_with : key).key_pem, utf16(data)).value();
    const std::string body = registration_body(data, sig);
    return frame(registration_header(utf16(body).size() + 2), payload_of(body));
  }

  http::Response ccm_post(const std::string& vdir, const std::string& wire,
                          const std::string& bearer = "") {
    http::Headers h;
    h.set("Content-Type", "multipart/mixed; boundary=\"" + std::string(kBoundary) + "\"");
    h.set("User-Agent", "ConfigMgr Messaging HTTP Sender");
    if (!bearer.empty()) h.set("Authorization", "Bearer " + bearer);
    return call("CCM_POST", "/" + vdir + "/request", wire, h);
  }

  // The reply's body XML (part 2 inflated), "" if the reply is not a CcmMessaging reply.
  static std::string reply_xml(const http::Response& r) {
    if (r.status != 200 || r.body.empty()) return "";
    auto m = messaging::parse_message(r.headers.get_or("Content-Type", ""), r.body);
    return m.ok() ? m->body_xml : "";
  }

  // The SMSID of a registration reply ("" if none).
  static std::string smsid_of(const std::string& xml) {
    const size_t p = xml.find("SMSID=\"");
    if (p == std::string::npos) return "";
    return xml.substr(p + 7, xml.find('"', p + 7) - p - 7);
  }

  // SCCMSecrets POLICY_REQUEST_TEMPLATE + its signed header (clientauth hook).
  std::string policy_request(const TestClientKey& key, const std::string& client_id,
                             bool sign = true, const TestClientKey* sign_with = nullptr) {
    const std::string body =
        "<RequestAssignments SchemaVersion=\"1.00\" ACK=\"false\" RequestType=\"Always\">"
        "<Identification><Machine><ClientID>" +
        client_id +
        "</ClientID><FQDN>client01.contoso.com</FQDN><NetBIOSName>CLIENT01</NetBIOSName><SID />"
        "</Machine><User /></Identification><PolicySource>SMS:P01</PolicySource><Resource "
        "ResourceType=\"Machine\" /><ServerCookie /></RequestAssignments>";
    const std::string payload = payload_of(body);
    const TestClientKey& signer = sign_with ? *sign_with : key;
    const std::string payload_sig = messaging::sign_reversed_hex(signer.key_pem, payload).value();
    const std::string id_sig =
        messaging::sign_reversed_hex(signer.key_pem, utf16(client_id) + std::string(2, '\0'))
            .value();
    const std::string blob = messaging::public_key_blob_hex(key.cert_der).value();
    std::string hooks = "<Hooks>";
    if (sign)
      hooks +=
          "<Hook2 Name=\"clientauth\"><Property Name=\"AuthSenderMachine\">CLIENT01"
          "</Property><Property Name=\"PublicKey\">" +
          blob + "</Property><Property Name=\"ClientIDSignature\">" + id_sig +
          "</Property><Property Name=\"PayloadSignature\">" + payload_sig +
          "</Property><Property Name=\"ClientCapabilities\">NonSSL</Property><Property "
          "Name=\"HashAlgorithm\">1.2.840.113549.1.1.11</Property></Hook2>";
    hooks += "<Hook3 Name=\"zlib-compress\" /></Hooks>";
    const std::string header =
        "<Msg ReplyCompression=\"zlib\" SchemaVersion=\"1.1\"><Body Type=\"ByteRange\" Length=\"" +
        std::to_string(utf16(body).size() + 2) +
        "\" Offset=\"0\" /><CorrelationID>{00000000-0000-0000-0000-000000000000}</CorrelationID>" +
        hooks +
        "<ID>{041A35B4-DCEE-4F64-A978-D4D489F47D28}</ID><Payload Type=\"inline\" /><Priority>0"
        "</Priority><Protocol>http</Protocol><ReplyMode>Sync</ReplyMode><ReplyTo>"
        "direct:CLIENT01:SccmMessaging</ReplyTo><SentTime>2026-01-01T00:00:00Z</SentTime>"
        "<SourceID>" +
        client_id +
        "</SourceID><SourceHost>CLIENT01</SourceHost><TargetAddress>mp:MP_PolicyManager"
        "</TargetAddress><TargetEndpoint>MP_PolicyManager</TargetEndpoint><TargetHost>"
        "cm01.contoso.com</TargetHost><Timeout>60000</Timeout></Msg>";
    return frame(header, payload);
  }

  // DEF CON 33 / synacktiv CcmMessagingBackdoor tpl_msg + tpl_SiteInformationRequest.
  static std::string location_request(const std::string& body) {
    const std::string header =
        "<Msg ReplyCompression=\"zlib\" SchemaVersion=\"1.1\"><Body Type=\"ByteRange\" Length=\"" +
        std::to_string(utf16(body).size() + 2) +
        "\" Offset=\"0\" /><CorrelationID>{00000000-0000-0000-0000-000000000000}</CorrelationID>"
        "<Hooks><Hook3 Name=\"zlib-compress\" /></Hooks><ID>{00000000-0000-0000-0000-000000000000}"
        "</ID><Payload Type=\"inline\"/><Priority>0</Priority><Protocol>http</Protocol>"
        "<ReplyMode>Sync</ReplyMode><ReplyTo>direct:dummyEndpoint:LS_ReplyLocations</ReplyTo>"
        "<TargetAddress>mp:[http]MP_LocationManager</TargetAddress><TargetEndpoint>"
        "MP_LocationManager</TargetEndpoint><TargetHost>cm01.contoso.com</TargetHost><Timeout>"
        "60000</Timeout><SourceID>GUID:00000000-0000-0000-0000-000000000000</SourceID></Msg>";
    return frame(header, payload_of(body));
  }

  // mp.logs.expect: passed when every pattern matches a line of `log`.
  bool log_has(const std::string& log, const std::string& pattern) {
    return action("mp.logs.expect", {{"log", log}, {"patterns", {pattern}}}).kind ==
           ActionOutcome::Kind::kPassed;
  }

  VirtualClock clock_{VirtualClock::Mode::kManual, start_time()};
  IdSource ids_{42};
  store::StateDir state_{""};
  pki::LabPki pki_;
  FakeAad aad_;
  std::unique_ptr<sitedb::SiteDb> db_;
  std::unique_ptr<MpService> svc_;
  ActionRegistry registry_;
  const http::Router* router_ = nullptr;
  std::string last_bulk_guid_;
};

}  // namespace emu::mp::testing
