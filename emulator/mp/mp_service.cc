// The management point party: routing of its IIS applications, seed/reset, shared helpers.
#include "emulator/mp/mp_service.h"

#include "certs/pki.h"
#include "emulator/core/clock.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/key_file.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/files.h"
#include "emulator/core/text.h"
#include "emulator/mp/internal.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <thread>
#include <unistd.h>

namespace emu::mp {

namespace internal {

void MpState::log(const char* log_name, const char* component, const std::string& message,
                  TraceSeverity severity) {
  if (!logs) return;
  TraceRecord r;
  r.component = component;
  r.message = message;
  r.severity = severity;
  // Thread ids are fixed per log [inferred: any decimal id is valid in the CCM format].
  r.thread = std::string_view(log_name) == kStsLog ? 5212 : 4736;
  (void)logs->write(log_name, r);
}

Result<MpKeys*> MpState::ensure_keys() {
  if (keys) return keys.get();
  auto k = std::make_unique<MpKeys>();
  const std::string netbios = netbios_of(mp_server.empty() ? "MP" : mp_server);
  // Kept in the PKI folder, like the site's signing certificates: a restarted lab, and every
  // run of a scenario, answers MPCERT / MPKEYINFORMATION with the same keys.
  const std::string base = ctx.pki.dir + "/mp-" + to_lower(netbios);
  EMU_ASSIGN_OR_RETURN(k->mp_key, crypto::load_or_create_rsa_key(base + "-signing.key"));
  EMU_ASSIGN_OR_RETURN(k->root_key, crypto::load_or_create_rsa_key(base + "-trusted-root.key"));
  crypto::CertificateSpec spec;
  spec.serial_from_key = true;
  spec.common_name = netbios;
  spec.not_before = ctx.clock.now() - std::chrono::hours(24);
  spec.not_after = ctx.clock.now() + std::chrono::hours(24 * 365 * 5);  // [inferred]
  EMU_ASSIGN_OR_RETURN(k->mp_cert, crypto::build_cert(spec, k->mp_key.get(), nullptr));
  // Subject = issuer = "CN=<NETBIOS>, CN=SMS" in DER order (the MPKEYINFORMATION signer of
  // ConfigManBearPig's sample log decodes as CN=PS1-MP, CN=SMS).
  crypto::X509NamePtr name(X509_NAME_new());
  if (!name ||
      X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(netbios.c_str()), -1, -1,
                                 0) != 1 ||
      X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("SMS"), -1, -1, 0) != 1 ||
      X509_set_subject_name(k->mp_cert.get(), name.get()) != 1 ||
      X509_set_issuer_name(k->mp_cert.get(), name.get()) != 1 ||
      X509_sign(k->mp_cert.get(), k->mp_key.get(), EVP_sha256()) <= 0)
    return crypto::openssl_error("MP certificate");
  EMU_ASSIGN_OR_RETURN(k->mp_cert_der, crypto::cert_to_der(k->mp_cert.get()));
  keys = std::move(k);
  return keys.get();
}

Result<std::shared_ptr<const messaging::CertPublicKey>> MpState::public_key_of(
    const std::string& cert_hex) {
  const std::string key = to_upper(cert_hex);
  if (auto it = key_cache.find(key); it != key_cache.end()) return it->second;
  EMU_ASSIGN_OR_RETURN(std::string der, messaging::from_hex(key));
  EMU_ASSIGN_OR_RETURN(std::shared_ptr<const messaging::CertPublicKey> parsed,
                       messaging::CertPublicKey::from_der(der));
  if (key_cache.size() >= kKeyCacheSize) key_cache.clear();
  key_cache.emplace(key, parsed);
  return parsed;
}

namespace {

std::string iis_page(const std::string& title, const std::string& detail, bool server_error) {
  // IIS 10's custom error page (ConfigManBearPig logged the 500 one for an unknown site code).
  return "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
         "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n"
         "<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n<head>\r\n"
         "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"/>\r\n"
         "<title>" +
         title + "</title>\r\n</head>\r\n<body>\r\n<div id=\"header\"><h1>" +
         std::string(server_error ? "Server Error" : "Server Error in Application") +
         "</h1></div>\r\n<div id=\"content\">\r\n <div class=\"content-container\"><fieldset>\r\n"
         "  <h2>" +
         title + "</h2>\r\n  <h3>" + detail +
         "</h3>\r\n </fieldset></div>\r\n</div>\r\n</body>\r\n</html>\r\n";
}

}  // namespace

http::Response iis_500() {
  return http::text_response(
      500,
      iis_page("500 - Internal server error.",
               "There is a problem with the resource you are looking for, and it cannot be "
               "displayed.",
               true),
      "text/html");
}

http::Response iis_error(int status) {
  switch (status) {
    case 500:
      return iis_500();
    case 401: {
      http::Response r = http::text_response(
          401,
          iis_page("401 - Unauthorized: Access is denied due to invalid credentials.",
                   "You do not have permission to view this directory or page using the "
                   "credentials that you supplied.",
                   true),
          "text/html");
      return r;
    }
    case 405: {
      http::Response r = http::text_response(
          405,
          iis_page("405 - HTTP verb used to access this page is not allowed.",
                   "The page you are looking for cannot be displayed because an invalid method "
                   "(HTTP verb) was used to attempt access.",
                   true),
          "text/html");
      return r;
    }
    case 400:
      return http::text_response(400, "Bad Request\r\n", "text/html");
    case 503:
      return http::text_response(503, "Service Unavailable\r\n", "text/html");
    default:
      return http::text_response(
          status,
          iis_page("404 - File or directory not found.",
                   "The resource you are looking for might have been removed, had its name "
                   "changed, or is temporarily unavailable.",
                   true),
          "text/html");
  }
}

std::optional<http::Response> require_https(const http::Request& req, const std::string& vdir) {
  auto forbidden = [](const char* reason, const std::string& detail) {
    http::Response r = http::text_response(
        403, iis_page("403 - Forbidden: Access is denied.", detail, true), "text/html");
    r.reason = reason;
    return r;
  };
  if (!req.tls)
    return forbidden("Forbidden",
                     "The page you are trying to access is secured with Secure Sockets Layer "
                     "(SSL).");  // IIS 403.4 wording [inferred]
  static const char* const kNeedCertificate[] = {"sms_mp", "sms_mp_windowsauth", "ccm_system",
                                                 "ccm_system_windowsauth"};
  const bool needs = std::any_of(std::begin(kNeedCertificate), std::end(kNeedCertificate),
                                 [&](const char* v) { return vdir == v; });
  if (needs && !req.client_cert.verified)
    return forbidden(
        "Client certificate required",
        "The page requires a client certificate that the Web server trusts.");  // 403.7
  return std::nullopt;
}

std::string site_build(const std::string& version) {
  // Current-branch versions and their builds (memdocs: "Versions of Configuration Manager").
  static const std::pair<const char*, const char*> kBuilds[] = {
      {"2103", "9049"}, {"2107", "9058"}, {"2111", "9068"}, {"2203", "9078"},
      {"2207", "9088"}, {"2211", "9096"}, {"2303", "9106"}, {"2309", "9122"},
      {"2403", "9128"}, {"2409", "9132"}, {"2503", "9135"}};
  for (const auto& [v, b] : kBuilds)
    if (version == v) return b;
  return version;
}

std::string site_full_version(const std::string& version) {
  return "5.00." + site_build(version) + ".1000";
}

std::string netbios_of(const std::string& fqdn) { return to_upper(fqdn.substr(0, fqdn.find('.'))); }

std::vector<Policy> site_policies(MpState& s) {
  sitedb::SiteDb* db = s.db();
  if (db == nullptr) return {};
  auto site = db->site();
  if (!site.ok()) return {};
  auto settings = db->client_settings("Default Client Settings");
  return build_policies(site->code, site->hierarchy_id,
                        settings.ok() ? settings->settings : nlohmann::json::object());
}

}  // namespace internal

using internal::MpState;

namespace {

// Serves the MP's and the site server's names on the Intranet (once each).
void serve_hosts(MpState& s) {
  if (s.ctx.intranet == nullptr) return;
  for (const std::string& host : {s.mp_server, s.site_server}) {
    if (host.empty()) continue;
    if (std::find(s.served_hosts.begin(), s.served_hosts.end(), host) != s.served_hosts.end())
      continue;
    s.ctx.intranet->serve(host, "mp");
    s.served_hosts.push_back(host);
  }
}

constexpr const char* kHttpsListener = "mp-https";

// The MP role's HTTPS setting from the site database; an HTTPS MP opens its TLS listener (a
// server certificate issued by the lab CA for its name, as an admin enrols one from the PKI),
// an HTTP one closes it.
Status apply_https_setting(MpState& s) {
  bool https = false;
  if (sitedb::SiteDb* db = s.db())
    for (const auto& role : db->roles())
      if (role.role_type == sitedb::kManagementPoint && iequals(role.server, s.mp_server))
        https = role.https;
  ListenerHost* listeners = s.ctx.listeners;
  if (!https || s.mp_server.empty() || listeners == nullptr) {
    if (listeners != nullptr) listeners->close(kHttpsListener);
    s.https = false;
    return Status::Ok();
  }
  s.https = true;
  if (listeners->is_open(kHttpsListener)) return Status::Ok();
  EMU_ASSIGN_OR_RETURN(
      pki::IssuedCert cert,
      pki::issue_server_cert(s.ctx.pki, {s.mp_server, internal::netbios_of(s.mp_server)},
                             {s.ctx.clock.now(), system_now()}));
  DynamicListenerSpec spec;
  spec.name = kHttpsListener;
  spec.host = s.mp_server;
  spec.certificate = http::SniCertificate{{s.mp_server}, cert.cert_pem, cert.key_pem};
  spec.client_cert = http::ClientCertMode::kOptional;  // IIS "Accept": the vdirs decide
  spec.client_ca_pem = s.ctx.pki.ca.cert_pem;
  spec.client_crl_pem = s.ctx.pki.crl_pem;  // IIS checks revocation by default
  spec.router = s.router;
  return listeners->open(spec);
}

// A resumed lab (persistent state, no seed): the names come from the site database.
void adopt_site_database(MpState& s) {
  sitedb::SiteDb* db = s.db();
  if (db == nullptr) return;
  auto site = db->site();
  if (!site.ok()) return;
  s.site_server = to_lower(site->server);
  s.mp_server = s.site_server;
  for (const auto& role : db->roles()) {
    if (role.role_type == sitedb::kManagementPoint) {
      s.mp_server = to_lower(role.server);
      break;
    }
  }
  serve_hosts(s);
  (void)apply_https_setting(s);  // a lab that cannot open it answers as an HTTP MP
}

}  // namespace

struct MpService::Impl {
  explicit Impl(const ServiceContext& ctx, MpDeps deps) : s(ctx, std::move(deps)) {}
  MpState s;
  http::Router router;
  http::Response dispatch(http::Request& req);
};

http::Response MpService::Impl::dispatch(http::Request& req) {
  if (s.down) {
    // mp.down: the MP answers nothing; the connection is dropped (the CP sees a failure).
    http::Response r = internal::iis_error(503);
    r.reset_connection = true;
    return r;
  }
  ++s.requests;
  const std::vector<std::string_view> segs = http::split_path(req.path);
  if (segs.empty()) return internal::iis_error(404);
  const std::string vdir = to_lower(http::url_decode(segs[0]));
  const std::string file = segs.size() > 1 ? to_lower(http::url_decode(segs[1])) : "";
  if (s.https) {
    if (auto refused = internal::require_https(req, vdir)) return *refused;
  }
  if (vdir == "sms_mp" || vdir == "sms_mp_tokenauth" || vdir == "sms_mp_altauth" ||
      vdir == "sms_mp_windowsauth") {
    if (segs.size() != 2) return internal::iis_error(404);
    if (vdir == "sms_mp_windowsauth") {
      // Windows authentication is not emulated: IIS asks for it [inferred].
      http::Response r = internal::iis_error(401);
      r.headers.set("WWW-Authenticate", "Negotiate");
      return r;
    }
    if (vdir == "sms_mp_tokenauth") {
      // A CCM token of a registered client or user; PreAuth is for registration only.
      auto token = internal::check_ccm_token(s, req);
      if (!token.ok() || token->token_type == "PreAuth") return internal::iis_error(401);
    }
    if (file == ".sms_aut") return internal::handle_getauth(s, req);
    if (file == ".sms_pol") return internal::handle_sms_pol(s, req);
    return internal::iis_error(404);
  }
  if (vdir == "ccm_system" || vdir == "ccm_system_tokenauth" || vdir == "ccm_system_altauth" ||
      vdir == "ccm_system_windowsauth") {
    if (segs.size() != 2 || file != "request") return internal::iis_error(404);
    if (vdir == "ccm_system_windowsauth") {
      http::Response r = internal::iis_error(401);
      r.headers.set("WWW-Authenticate", "Negotiate");
      return r;
    }
    return internal::handle_ccm_post(s, req, vdir == "ccm_system_tokenauth");
  }
  if (vdir == "ccm_sts") {
    if (segs.size() != 1) return internal::iis_error(404);
    return internal::handle_ccm_sts(s, req);
  }
  if (vdir == "ccm_client") return internal::handle_ccm_client(s, req);
  return internal::iis_error(404);
}

MpService::MpService() = default;
MpService::~MpService() = default;

Result<std::unique_ptr<MpService>> MpService::create(const ServiceContext& ctx, MpDeps deps) {
  std::unique_ptr<MpService> svc(new MpService());
  svc->impl_ = std::make_unique<Impl>(ctx, std::move(deps));
  Impl* impl = svc->impl_.get();
  TraceLogs::Options options;
  options.format = TraceFormat::kCcm;
  // The MP's log folder (real: SMS_CCM\Logs; README Sources [S15]).
  if (!ctx.logs_dir.empty()) options.dir = ctx.logs_dir + "/mp";
  options.bias_minutes = impl->s.config.bias_minutes;
  impl->s.logs = std::make_unique<TraceLogs>(ctx.clock, options);
  http::Router::Options ro;
  ro.case_insensitive = true;
  // Every path goes to dispatch(): IIS applications are matched case-insensitively there.
  ro.not_found = [impl](http::Request& req, bool) { return impl->dispatch(req); };
  impl->router = http::Router(std::move(ro));
  impl->s.router = &impl->router;
  adopt_site_database(impl->s);
  return svc;
}

std::vector<ListenerSpec> MpService::listeners() {
  // Plain HTTP (an Enhanced HTTP site's MP); an HTTPS MP adds the dynamic "mp-https".
  return {{"mp", "mp.intranet", false, http::ClientCertMode::kNone, &impl_->router}};
}

void MpService::register_actions(ActionRegistry& registry) {
  internal::add_mp_actions(&impl_->s, registry);
}

Status MpService::reset() {
  MpState& s = impl_->s;
  if (s.ctx.listeners != nullptr) s.ctx.listeners->close(kHttpsListener);
  s.https = false;
  if (s.ctx.intranet != nullptr)
    for (const auto& host : s.served_hosts) s.ctx.intranet->forget(host);
  s.served_hosts.clear();
  s.mp_server.clear();
  s.site_server.clear();
  s.down = false;
  s.sts_broken = false;
  s.keys.reset();
  s.cert_index.clear();
  s.cert_index_valid = false;
  s.cert_index_db = nullptr;
  s.requests = s.registrations = s.tokens_issued = 0;
  s.logs->clear();
  return Status::Ok();
}

Status MpService::seed(const nlohmann::json& lab) {
  MpState& s = impl_->s;
  if (!lab.is_object() || !lab.contains("site") || !lab["site"].is_object()) {
    adopt_site_database(s);  // a site kept in the state folder
    return Status::Ok();
  }
  const nlohmann::json& site = lab["site"];
  if (site.contains("server") && site["server"].is_string())
    s.site_server = to_lower(site["server"].get<std::string>());
  s.mp_server = s.site_server;
  if (site.contains("roles") && site["roles"].is_object() &&
      site["roles"].contains("management_point") && site["roles"]["management_point"].is_object() &&
      site["roles"]["management_point"].contains("server") &&
      site["roles"]["management_point"]["server"].is_string())
    s.mp_server = to_lower(site["roles"]["management_point"]["server"].get<std::string>());
  serve_hosts(s);
  return apply_https_setting(s);
}

void declare_mp_actions(ActionRegistry& registry) { internal::add_mp_actions(nullptr, registry); }

}  // namespace emu::mp
