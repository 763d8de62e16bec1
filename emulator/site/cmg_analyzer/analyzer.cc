// site.cmg.connection_analyzer: the six checks (analyzer.h), each made for real: site DB reads
// on the I/O thread, Entra ID sign-in on the lab's "aad" endpoint, and HTTPS requests to the
// CMG's own endpoint ("cmg-<service name>", SNI and Host = the service name, the server
// certificate verified against the lab CA) that go CMG -> connection point -> MP.
#include "emulator/site/cmg_analyzer/analyzer.h"

#include "emulator/core/azure_client.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/openssl.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/json_limits.h"
#include "emulator/core/text.h"
#include "emulator/sitedb/site_db.h"

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

namespace emu::site {
namespace {

using crypto::common_name;
using crypto::parse_cert_pem;
using crypto::parse_certs_pem;
using crypto::parse_key_pem;
using crypto::thumbprint;
using crypto::thumbprint_of_der;
using crypto::to_time_t;
using crypto::valid_at;
using nlohmann::json;

// The console's log thread (the Azure Services wizard uses the same one).
constexpr int kConsoleThread = 5312;
constexpr const char* kAzureAd = "azure_ad_user";
constexpr const char* kCertificate = "client_certificate";

// Texts: the CCM_STS failure is quoted from Configuration Manager release notes / KB (README
// Sources [S18]); "Unable to connect to the remote server" is .NET's WebException text; every
// other sentence is inferred.
constexpr const char* kTokenFailure = "Failed to get ConfigMgr token with Azure AD token.";

struct Mp {
  std::string server;
  int64_t role_id = 0;
  bool allowed = false;  // "Allow Configuration Manager cloud management gateway traffic"
};

struct Check {
  std::string result = "pass";  // "pass" | "fail" | "skipped"
  std::string description;
};

Check pass(std::string d) { return {"pass", std::move(d)}; }
Check fail(std::string d) { return {"fail", std::move(d)}; }
Check skipped(const std::string& after) {
  return {"skipped", "Not run: the check '" + after + "' did not pass."};
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

std::string str_arg(const json& args, const char* key, std::string fallback = "") {
  return args.contains(key) && args[key].is_string() ? args[key].get<std::string>() : fallback;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string resolve(const std::string& dir, const std::string& name) {
  return !name.empty() && name.front() == '/' ? name : dir + "/" + name;
}

// "Status code is '500' and status description is 'CMGConnector_InternalServerError'."
std::string status_text(const HttpExchange& ex) {
  return "Status code is '" + std::to_string(ex.status) + "' and status description is '" +
         ex.reason + "'.";
}

// A reply body as JSON (bounded: core/json_limits.h), null when it is not JSON.
json reply_json(const std::string& body) {
  auto parsed = parse_json_limited(body);
  return parsed.ok() ? std::move(parsed).value() : json();
}

// The first line of an Entra ID error reply ("AADSTS50126: Error validating credentials ...").
std::string aad_error(const HttpExchange& ex) {
  auto body = reply_json(ex.body);
  std::string text;
  if (body.is_object()) text = body.value("error_description", body.value("error", ""));
  if (text.empty()) return "HTTP " + std::to_string(ex.status) + " " + ex.reason;
  size_t eol = text.find_first_of("\r\n");
  return eol == std::string::npos ? text : text.substr(0, eol);
}

std::string hex_decode(const std::string& hex) {
  std::string out;
  if (hex.size() % 2 != 0) return out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return "";
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

class Analyzer {
 public:
  Analyzer(SiteEnv& env, const json& args, const ConnectionPointLookup& lookup)
      : env_(env), args_(args), lookup_(lookup) {
    cmg_ = str_arg(args, "cmg");
    aad_ = str_arg(args, "auth") == kAzureAd;
    endpoint_ = "cmg-" + to_lower(cmg_);
  }

  // Reads what the console knows; NotFound when the CMG does not exist.
  Status load() {
    return env_.io([&]() -> Status {
      auto service = env_.db.cloud_service(cmg_);
      if (!service.ok())
        return NotFound("cmg: no cloud management gateway named '" + cmg_ + "' in the site");
      service_ = *service;
      cmg_ = service->name;
      endpoint_ = "cmg-" + to_lower(cmg_);
      for (const auto& role : env_.db.roles())
        if (role.role_type == sitedb::kManagementPoint)
          mps_.push_back({role.server, role.id, role.allow_cmg_traffic});
      if (lookup_) connection_points_ = lookup_(cmg_);
      for (const auto& role : env_.db.roles())
        if (role.role_type == sitedb::kCmgConnectionPoint &&
            to_lower(role.cmg_service) == to_lower(cmg_))
          cp_roles_.push_back(role.server);
      auto signing = env_.db.certificate("SiteSigning");
      if (signing.ok()) site_signing_thumbprint_ = signing->thumbprint;
      for (const auto& t : env_.db.tenants()) tenants_.push_back(t);
      for (const auto& a : env_.db.applications()) apps_.push_back(a);
      return Status::Ok();
    });
  }

  Check service_status() {
    const std::string state = sitedb::state_name(service_.state);
    if (service_.state != sitedb::CloudServiceState::kReady) {
      return fail(
          "The status of the cloud management gateway service " + cmg_ + " is " + state +
          (service_.status_description.empty() ? "" : " (" + service_.status_description + ")") +
          ", not Ready.");
    }
    // ServiceMetadata is answered by the CMG itself, and a token-less request to it gets the
    // CMG's own 401 CMGService_Invalid_Token (support
    // client-management/cmg-communication-error.md): an answer from its pre-authentication also
    // proves that the service runs.
    const std::string url = "https://" + cmg_ + "/CCM_Proxy_ServerAuth/ServiceMetadata";
    auto ex = call("GET", "/CCM_Proxy_ServerAuth/ServiceMetadata", {}, false);
    if (!ex.ok())
      return fail("The cloud management gateway service " + cmg_ +
                  " is Ready in the site but does not answer at " + url +
                  ": Unable to connect to the remote server (" + ex.status().message() + ").");
    const bool own =
        (ex->status == 401 || ex->status == 403) &&
        (ex->reason.rfind("CMGService_", 0) == 0 || ex->reason.rfind("CMGConnector_", 0) == 0);
    if (ex->status != 200 && !own)
      return fail("The cloud management gateway service " + cmg_ + " answered " + url + ". " +
                  status_text(*ex));
    return pass("The cloud management gateway service " + cmg_ +
                " is Ready and answers at https://" + cmg_ +
                " with its server authentication certificate (thumbprint " +
                service_.certificate_thumbprint + ").");
  }

  Check connection_point() {
    if (!lookup_) {
      return fail("The state of the CMG connection points of " + cmg_ +
                  " is not available in this site.");
    }
    if (connection_points_.empty()) {
      return fail("No CMG connection point is configured for " + cmg_ +
                  (cp_roles_.empty() ? "" : " (role on " + cp_roles_.front() + ")") +
                  ". Add the CMG connection point role to a site system.");
    }
    std::vector<std::string> up, down;
    for (const auto& cp : connection_points_) {
      if (cp.connected) {
        up.push_back(cp.server);
      } else {
        down.push_back(cp.server + " (" + (cp.state.empty() ? "Disconnected" : cp.state) +
                       (cp.detail.empty() ? "" : ": " + cp.detail) + ")");
      }
    }
    if (up.empty())
      return fail("No CMG connection point is connected to " + cmg_ + ": " + join(down, ", ") +
                  ".");
    return pass("The CMG connection point " + join(up, ", ") + " is connected to " + cmg_ +
                (down.empty() ? "." : "; not connected: " + join(down, ", ") + "."));
  }

  Check sign_in() {
    const std::string upn = str_arg(args_, "signed_in_as");
    const std::string password = str_arg(args_, "password", kLabUserPassword);
    const std::string domain =
        upn.find('@') == std::string::npos ? "" : upn.substr(upn.find('@') + 1);
    const sitedb::AadTenant* tenant = nullptr;
    for (const auto& t : tenants_) {
      if (t.disabled) continue;
      if (tenant == nullptr || to_lower(t.domain) == to_lower(domain)) tenant = &t;
    }
    if (tenant == nullptr)
      return fail(
          "No Azure AD tenant is configured for Cloud Management. Configure the Azure "
          "Services (Cloud Management) first.");
    const sitedb::AadApplication *web = nullptr, *native = nullptr;
    for (const auto& a : apps_) {
      if (to_lower(a.tenant_id) != to_lower(tenant->tenant_id)) continue;
      if (a.kind == "web") web = &a;
      if (a.kind == "native") native = &a;
    }
    if (web == nullptr || native == nullptr)
      return fail("The Azure AD tenant " + tenant->tenant_id +
                  " has no server and client application for Cloud Management.");
    resource_ = web->identifier_uri;
    // The client app signs the user in for the server app (AADCLIENTAPPID / AADRESOURCEURI);
    // ROPC on the v1 endpoint stands in for the console's interactive prompt (inferred).
    AzureClient client(env_.ctx);
    auto ex =
        client.password_grant_v1(tenant->tenant_id, native->client_id, upn, password, resource_);
    if (!ex.ok())
      return fail("Failed to sign in to Azure AD as " + upn +
                  ": Unable to connect to the remote server (" + ex.status().message() + ").");
    if (ex->status != 200)
      return fail("Failed to sign in to Azure AD as " + upn + ": " + aad_error(*ex));
    auto body = reply_json(ex->body);
    if (!body.is_object() || !body.contains("access_token") || !body["access_token"].is_string())
      return fail("Failed to sign in to Azure AD as " + upn + ": the token reply has no token.");
    entra_token_ = body["access_token"].get<std::string>();
    return pass("Signed in to Azure AD as " + upn + " (tenant " + tenant->tenant_id +
                ") and got an Azure AD token for " + resource_ + " with the client app " +
                native->client_id + ".");
  }

  Check certificate() {
    const std::string name = str_arg(args_, "certificate", "client");
    std::string base = resolve(env_.pki_dir, name);
    if (base.size() > 4 && base.compare(base.size() - 4, 4, ".pem") == 0)
      base = base.substr(0, base.size() - 4);
    const std::string cert_pem = read_text(base + ".pem");
    const std::string key_pem = read_text(base + ".key");
    if (cert_pem.empty() || key_pem.empty())
      return fail("The client certificate " + base + ".pem (with its key " + base +
                  ".key) was not found.");
    auto cert = parse_cert_pem(cert_pem);
    auto key = parse_key_pem(key_pem);
    if (!cert.ok() || !key.ok())
      return fail("The client certificate " + base + ".pem or its key does not parse.");
    X509* x = cert->get();
    const std::string subject = "CN=" + common_name(x);
    const std::string thumb = thumbprint(x).ok() ? *thumbprint(x) : "";
    const std::string who = "The client certificate " + subject + " (thumbprint " + thumb + ")";
    if (X509_check_private_key(x, key->get()) != 1)
      return fail(who + " does not match its private key.");
    if (!valid_at(x, env_.ctx.clock().now())) return fail(who + " is not valid now.");
    if (X509_check_purpose(x, X509_PURPOSE_SSL_CLIENT, 0) != 1)
      return fail(who + " is not valid for client authentication.");
    // It must chain to one of the CMG's trusted roots (the wizard's Certificates page).
    std::vector<std::string> roots;
    if (service_.settings.contains("trusted_roots") &&
        service_.settings["trusted_roots"].is_array())
      for (const auto& r : service_.settings["trusted_roots"])
        if (r.is_string()) roots.push_back(r.get<std::string>());
    if (roots.empty())
      return fail(who + " cannot be used: the cloud management gateway " + cmg_ +
                  " has no trusted root certificate for client authentication.");
    if (!chains_to(x, roots))
      return fail(who +
                  " does not chain to a trusted root certificate of the cloud management "
                  "gateway " +
                  cmg_ + ".");
    cert_pem_ = cert_pem;
    key_pem_ = key_pem;
    return pass(who +
                " is valid for client authentication and chains to a trusted root "
                "certificate of the cloud management gateway.");
  }

  Check ccm_token() {
    const Mp* mp = first_mp();
    if (mp == nullptr)
      return fail(std::string(kTokenFailure) + " The site has no management point.");
    const std::string target = "/CCM_Proxy_ServerAuth/" + std::to_string(mp->role_id) + "/CCM_STS";
    http::Headers h;
    h.set("Authorization", "Bearer " + entra_token_);
    auto ex = call("POST", target, h, false);
    if (!ex.ok())
      return fail(std::string(kTokenFailure) + " Unable to connect to the remote server (" +
                  ex.status().message() + ").");
    if (ex->status != 200) return fail(std::string(kTokenFailure) + " " + status_text(*ex));
    auto body = reply_json(ex->body);
    if (!body.is_object() || !body.contains("token") || !body["token"].is_string())
      return fail(std::string(kTokenFailure) + " The reply of https://" + cmg_ + target +
                  " holds no token.");
    ccm_token_ = body["token"].get<std::string>();
    return pass("Got a ConfigMgr token with Azure AD token from https://" + cmg_ + target +
                " (token type " + body.value("token_type", std::string("?")) + ", expires on " +
                body.value("expires_on", std::string("?")) + ").");
  }

  // A request the CMG forwards only after its pre-authentication of the certificate (chain to
  // the trusted roots, revocation): the MP's key information (ServiceMetadata is answered
  // without one).
  Check mutual_auth() {
    const Mp* mp = first_mp();
    if (mp == nullptr) return fail("The site has no management point.");
    const std::string target = prefix(*mp) + "/SMS_MP/.sms_aut?MPKEYINFORMATION";
    const std::string what = "https://" + cmg_ + target;
    auto ex = call("GET", target, {}, true);
    if (!ex.ok())
      return fail("The cloud management gateway did not accept the client certificate at " + what +
                  ": Unable to connect to the remote server (" + ex.status().message() + ").");
    if (ex->status != 200)
      return fail("The cloud management gateway did not accept the client certificate at " + what +
                  ". " + status_text(*ex));
    return pass("The cloud management gateway accepted the client certificate: " + what +
                " answered 200.");
  }

  Check mp_channel() {
    if (mps_.empty()) return fail("The site has no management point.");
    std::vector<const Mp*> targets;
    for (const auto& mp : mps_)
      if (mp.allowed) targets.push_back(&mp);
    std::string not_allowed;
    if (targets.empty()) {
      // None is published: the request still goes out, and the CMG refuses it.
      for (const auto& mp : mps_) targets.push_back(&mp);
      not_allowed =
          "No management point allows Configuration Manager cloud management gateway "
          "traffic. ";
    }
    std::vector<std::string> ok, bad;
    for (const Mp* mp : targets) {
      const std::string target = prefix(*mp) + "/SMS_MP/.sms_aut?MPLIST";
      auto ex = call("GET", target, auth_headers(), !aad_);
      if (!ex.ok()) {
        bad.push_back("Failed to reach the management point " + mp->server + " at https://" + cmg_ +
                      target + ": Unable to connect to the remote server (" +
                      ex.status().message() + ").");
      } else if (ex->status != 200) {
        bad.push_back("Failed to reach the management point " + mp->server + " at https://" + cmg_ +
                      target + ". " + status_text(*ex));
      } else if (ex->body.find("<MPList") == std::string::npos) {
        bad.push_back("The management point " + mp->server + " answered https://" + cmg_ + target +
                      " without a management point list.");
      } else {
        size_t n = 0;
        for (size_t at = ex->body.find("<MP "); at != std::string::npos;
             at = ex->body.find("<MP ", at + 1))
          ++n;
        ok.push_back(mp->server + " (role ID " + std::to_string(mp->role_id) + ", " +
                     std::to_string(n) + " management point(s) in its list)");
      }
    }
    if (!not_allowed.empty() || !bad.empty()) return fail(not_allowed + join(bad, " "));
    return pass("The CMG channel to the management point " + join(ok, ", ") +
                " works: CMG, connection point and management point answered.");
  }

  Check location() {
    const Mp* mp = first_mp();
    if (mp == nullptr) return fail("The site has no management point.");
    const std::string target = prefix(*mp) + "/SMS_MP/.sms_aut?SITESIGNCERT";
    auto ex = call("GET", target, auth_headers(), !aad_);
    const std::string what = "The location request https://" + cmg_ + target;
    if (!ex.ok())
      return fail(what + " failed: Unable to connect to the remote server (" +
                  ex.status().message() + ").");
    if (ex->status != 200) return fail(what + " failed. " + status_text(*ex));
    static const std::regex kCert(R"(<X509Certificate[^>]*>\s*([0-9A-Fa-f]+)\s*<)");
    std::smatch m;
    if (!std::regex_search(ex->body, m, kCert))
      return fail(what + " returned no site signing certificate.");
    auto thumb = thumbprint_of_der(hex_decode(m[1].str()));
    if (!thumb.ok() || hex_decode(m[1].str()).empty())
      return fail(what + " returned a site signing certificate that does not decode.");
    if (site_signing_thumbprint_.empty() || to_upper(*thumb) != to_upper(site_signing_thumbprint_))
      return fail(what + " returned the certificate " + *thumb +
                  ", not the site signing certificate " + site_signing_thumbprint_ + ".");
    return pass(what + " returned the site signing certificate (thumbprint " + *thumb + ").");
  }

  bool aad() const { return aad_; }
  const std::string& cmg() const { return cmg_; }

 private:
  const Mp* first_mp() const {
    for (const auto& mp : mps_)
      if (mp.allowed) return &mp;
    return mps_.empty() ? nullptr : &mps_.front();
  }

  // "/CCM_Proxy_ServerAuth/<id>" with a ConfigMgr token (memdocs azure-ccmsetup.md),
  // "/CCM_Proxy_MutualAuth/<id>" with a certificate (README Sources [S8]).
  std::string prefix(const Mp& mp) const {
    return std::string(aad_ ? "/CCM_Proxy_ServerAuth/" : "/CCM_Proxy_MutualAuth/") +
           std::to_string(mp.role_id);
  }

  http::Headers auth_headers() const {
    http::Headers h;
    if (aad_) h.set("Authorization", "Bearer " + ccm_token_);
    return h;
  }

  Result<HttpExchange> call(const std::string& method, const std::string& target,
                            const http::Headers& headers, bool with_cert) {
    HttpCall c;
    c.endpoint = endpoint_;
    c.method = method;
    c.target = target;
    c.headers = headers;
    if (method == "POST") c.headers.set("Content-Length", "0");
    if (with_cert) {
      c.client_cert_pem = cert_pem_;
      c.client_key_pem = key_pem_;
    }
    return env_.ctx.http(c);
  }

  // Verifies `cert` against `roots_pem` (each may hold several certificates: roots and
  // intermediates) at the lab's virtual time.
  bool chains_to(X509* cert, const std::vector<std::string>& roots_pem) {
    X509_STORE* store = X509_STORE_new();
    if (store == nullptr) return false;
    for (const auto& pem : roots_pem) {
      auto certs = parse_certs_pem(pem);
      if (!certs.ok()) continue;
      for (const auto& c : *certs) X509_STORE_add_cert(store, c.get());
    }
    X509_STORE_CTX* ctx = X509_STORE_CTX_new();
    bool ok = false;
    if (ctx != nullptr && X509_STORE_CTX_init(ctx, store, cert, nullptr) == 1) {
      X509_STORE_CTX_set_time(ctx, 0, static_cast<time_t>(to_time_t(env_.ctx.clock().now())));
      ok = X509_verify_cert(ctx) == 1;
    }
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return ok;
  }

  SiteEnv& env_;
  const json& args_;
  const ConnectionPointLookup& lookup_;
  std::string cmg_, endpoint_;
  bool aad_ = true;
  sitedb::CloudService service_;
  std::vector<Mp> mps_;
  std::vector<ConnectionPointState> connection_points_;
  std::vector<std::string> cp_roles_;
  std::vector<sitedb::AadTenant> tenants_;
  std::vector<sitedb::AadApplication> apps_;
  std::string site_signing_thumbprint_;
  std::string resource_, entra_token_, ccm_token_;
  std::string cert_pem_, key_pem_;
};

void console_log(SiteEnv& env, const std::string& message,
                 TraceSeverity severity = TraceSeverity::kInfo) {
  env.log(kAdminUiLog, kAdminUiComponent, message, severity, kConsoleThread);
}

}  // namespace

const std::vector<AnalyzerCheck>& default_analyzer_checks() {
  static const std::vector<AnalyzerCheck> kChecks = {
      {"service", "CMG service status", "CMG service status"},
      {"connection_point", "CMG connection point status", "CMG connection point status"},
      {"identity", "Azure AD user sign-in and Azure AD token", "Client certificate"},
      {"authentication", "ConfigMgr token from the token service (CCM_STS)",
       "Client certificate authentication to the CMG"},
      {"mp_channel", "CMG channel for management point", "CMG channel for management point"},
      {"location", "Location request through the CMG", "Location request through the CMG"},
  };
  return kChecks;
}

Status validate_connection_analyzer_args(const json& args) {
  auto is_ref = [](const json& v) {
    return v.is_string() && v.get<std::string>().find("${") != std::string::npos;
  };
  if (args.contains("cmg") && !args["cmg"].is_string())
    return InvalidArgument("cmg: must be the CMG's service name");
  if (args.contains("auth") && !is_ref(args["auth"])) {
    if (!args["auth"].is_string() || (args["auth"] != kAzureAd && args["auth"] != kCertificate))
      return InvalidArgument("auth: must be \"azure_ad_user\" or \"client_certificate\"");
    if (args["auth"] == kAzureAd && !args.contains("signed_in_as"))
      return InvalidArgument("signed_in_as: required with auth \"azure_ad_user\"");
  }
  for (const char* key : {"signed_in_as", "password", "certificate"})
    if (args.contains(key) && !args[key].is_string())
      return InvalidArgument(std::string(key) + ": must be a string");
  if (args.contains("check_names")) {
    const json& names = args["check_names"];
    if (!names.is_array() || names.size() != default_analyzer_checks().size())
      return InvalidArgument("check_names: must be an array of " +
                             std::to_string(default_analyzer_checks().size()) + " names");
    for (const auto& n : names)
      if (!n.is_string()) return InvalidArgument("check_names: must hold strings");
  }
  if (args.contains("expect")) {
    const json& e = args["expect"];
    if (!e.is_object()) return InvalidArgument("expect: must be an object {checks, all}");
    for (const auto& [key, value] : e.items()) {
      if (key == "checks") {
        if (!value.is_number_integer() && !is_ref(value))
          return InvalidArgument("expect.checks: must be a number");
      } else if (key == "all") {
        if (value != "pass" && value != "fail" && !is_ref(value))
          return InvalidArgument("expect.all: must be \"pass\" or \"fail\"");
      } else {
        return InvalidArgument("expect." + key + ": unknown key (checks, all)");
      }
    }
  }
  return Status::Ok();
}

ActionOutcome run_connection_analyzer(SiteEnv& env, const json& args,
                                      const ConnectionPointLookup& connection_points) {
  if (Status st = validate_connection_analyzer_args(args); !st.ok())
    return action_failed(st.message());
  Analyzer a(env, args, connection_points);
  if (Status st = a.load(); !st.ok()) return action_failed(st.message());
  const std::string mode = a.aad() ? "Azure AD user " + str_arg(args, "signed_in_as")
                                   : "client certificate " + str_arg(args, "certificate", "client");
  console_log(env,
              "Connection analyzer: starting the analysis of cloud management gateway " + a.cmg() +
                  " as " + mode,
              TraceSeverity::kInfo);

  const auto& defs = default_analyzer_checks();
  std::vector<Check> results(defs.size());
  results[0] = a.service_status();
  results[1] = a.connection_point();
  results[2] = a.aad() ? a.sign_in() : a.certificate();
  // Check 4 needs the identity of check 3; checks 5-6 need check 4.
  const bool identity = results[2].result == "pass";
  auto name_of = [&](size_t i) {
    if (args.contains("check_names")) return args["check_names"][i].get<std::string>();
    return a.aad() ? defs[i].name_azure_ad : defs[i].name_certificate;
  };
  if (!identity) {
    results[3] = skipped(name_of(2));
  } else {
    results[3] = a.aad() ? a.ccm_token() : a.mutual_auth();
  }
  // The ConfigMgr token, or the CMG's acceptance of the certificate.
  const bool token = results[3].result == "pass";
  const size_t blocker = identity ? 3 : 2;
  results[4] = token ? a.mp_channel() : skipped(name_of(blocker));
  results[5] = token ? a.location() : skipped(name_of(blocker));

  json checks = json::array();
  int passed = 0, failed = 0, skipped_n = 0;
  for (size_t i = 0; i < defs.size(); ++i) {
    const Check& c = results[i];
    const std::string name = name_of(i);
    checks.push_back(
        {{"id", defs[i].id}, {"name", name}, {"result", c.result}, {"description", c.description}});
    if (c.result == "pass") ++passed;
    if (c.result == "fail") ++failed;
    if (c.result == "skipped") ++skipped_n;
    const std::string shown = c.result == "pass"   ? "Passed"
                              : c.result == "fail" ? "Failed"
                                                   : "Skipped";
    console_log(env,
                "Connection analyzer: [" + std::to_string(i + 1) + "/" +
                    std::to_string(defs.size()) + "] " + name + ": " + shown + ". " + c.description,
                c.result == "fail" ? TraceSeverity::kError : TraceSeverity::kInfo);
  }
  console_log(env, "Connection analyzer: completed for " + a.cmg() + ": " + std::to_string(passed) +
                       " passed, " + std::to_string(failed) + " failed, " +
                       std::to_string(skipped_n) + " skipped");

  json out = {{"cmg", a.cmg()},   {"auth", a.aad() ? kAzureAd : kCertificate},
              {"checks", checks}, {"passed", passed},
              {"failed", failed}, {"skipped", skipped_n}};
  std::vector<std::string> problems;
  if (args.contains("expect")) {
    const json& e = args["expect"];
    if (e.contains("checks") && e["checks"].is_number_integer() &&
        e["checks"].get<int>() != static_cast<int>(defs.size()))
      problems.push_back("expected " + std::to_string(e["checks"].get<int>()) + " checks, got " +
                         std::to_string(defs.size()));
    const std::string all = e.value("all", "");
    for (size_t i = 0; i < defs.size(); ++i) {
      if (!all.empty() && results[i].result != all)
        problems.push_back("check " + std::to_string(i + 1) + " '" + name_of(i) +
                           "': " + results[i].result + " (expected " + all +
                           "): " + results[i].description);
    }
  }
  const std::string summary = std::to_string(passed) + " of " + std::to_string(defs.size()) +
                              " checks passed, " + std::to_string(failed) + " failed, " +
                              std::to_string(skipped_n) + " skipped";
  if (!problems.empty()) return action_failed("connection analyzer: " + summary, out, problems);
  return action_passed("connection analyzer: " + summary, out);
}

}  // namespace emu::site
