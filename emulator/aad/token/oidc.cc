// Discovery: OpenID configuration (v1, v2, /adfs), JWKS, instance discovery, user realm.
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/aad/token/token_internal.h"

#include <algorithm>

namespace emu::aad::internal {
namespace {

http::Response cached_json(const nlohmann::json& body) {
  http::Response r = http::json_response(200, body);
  r.headers.set("Cache-Control", "max-age=86400, private");
  r.headers.set("Access-Control-Allow-Origin", "*");
  return r;
}

// The endpoints of one authority as a discovery document names them.
struct Endpoints {
  std::string issuer, authorize, token, device, jwks, logout, kerberos;
};

Endpoints endpoints_for(const Call& call, int version) {
  Endpoints e;
  const Authority& a = call.authority;
  if (a.kind == AuthorityKind::kAdfs) {
    std::string base = call.origin + "/adfs";
    e = {base,
         base + "/oauth2/authorize",
         base + "/oauth2/token",
         base + "/oauth2/devicecode",
         base + "/discovery/keys",
         base + "/oauth2/logout",
         ""};
    return e;
  }
  // A named tenant (GUID or domain) is published under its GUID, as Entra does; the tenant-less
  // authorities keep their name and a "{tenantid}" issuer template. The endpoints follow the
  // origin the client used; the issuer is the real-world one, the `iss` of the tenant's tokens
  // (msal-node accepts it because login.microsoftonline.com is a known Microsoft host).
  std::string path = a.specific() ? a.tenant->id : http::to_lower(a.segment);
  std::string issuer_tenant = a.specific() ? a.tenant->id : "{tenantid}";
  std::string base = call.origin + "/" + path;
  e.kerberos = base + "/kerberos";
  if (version == 2) {
    e.issuer = v2_issuer(issuer_tenant);
    e.authorize = base + "/oauth2/v2.0/authorize";
    e.token = base + "/oauth2/v2.0/token";
    e.device = base + "/oauth2/v2.0/devicecode";
    e.jwks = base + "/discovery/v2.0/keys";
    e.logout = base + "/oauth2/v2.0/logout";
  } else {
    e.issuer = v1_issuer(issuer_tenant);
    e.authorize = base + "/oauth2/authorize";
    e.token = base + "/oauth2/token";
    e.device = base + "/oauth2/devicecode";
    e.jwks = base + "/discovery/keys";
    e.logout = base + "/oauth2/logout";
  }
  return e;
}

// "host[:port]" of an https URL, and the first path segment; false when not an https URL.
bool split_https_url(std::string_view url, std::string& host, std::string& first_segment) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() <= kScheme.size() || !http::iequals(url.substr(0, kScheme.size()), kScheme))
    return false;
  url.remove_prefix(kScheme.size());
  size_t slash = url.find('/');
  host = http::to_lower(url.substr(0, slash));
  if (host.empty()) return false;
  first_segment.clear();
  if (slash != std::string_view::npos) {
    std::string_view rest = url.substr(slash + 1);
    first_segment = std::string(rest.substr(0, rest.find_first_of("/?#")));
  }
  return true;
}

std::string without_port(const std::string& host) {
  size_t colon = host.rfind(':');
  return colon == std::string::npos || host.find(']') != std::string::npos ? host
                                                                           : host.substr(0, colon);
}

}  // namespace

http::Response TokenService::openid_configuration(http::Request& req, int version) {
  Call call;
  auto authority = make_call(req, version, call, "invalid_tenant");
  if (!authority.ok()) return aad_error_response(authority.error(), call.err);
  const Authority& a = call.authority;
  Endpoints e = endpoints_for(call, a.kind == AuthorityKind::kAdfs ? 2 : version);
  nlohmann::json doc = {
      {"token_endpoint", e.token},
      {"token_endpoint_auth_methods_supported",
       {"client_secret_post", "private_key_jwt", "client_secret_basic"}},
      {"jwks_uri", e.jwks},
      {"response_modes_supported", {"query", "fragment", "form_post"}},
      {"subject_types_supported", {"pairwise"}},
      {"id_token_signing_alg_values_supported", {"RS256"}},
      {"response_types_supported", {"code", "id_token", "code id_token", "id_token token"}},
      {"scopes_supported", {"openid", "profile", "email", "offline_access"}},
      {"issuer", e.issuer},
      {"request_uri_parameter_supported", false},
      {"userinfo_endpoint", "https://graph.microsoft.com/oidc/userinfo"},
      {"authorization_endpoint", e.authorize},
      {"device_authorization_endpoint", e.device},
      {"http_logout_supported", true},
      {"frontchannel_logout_supported", true},
      {"end_session_endpoint", e.logout},
      {"claims_supported",
       {"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
        "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username",
        "name", "tid", "ver", "at_hash", "c_hash", "email"}},
      {"tenant_region_scope", a.specific() ? nlohmann::json("NA") : nlohmann::json(nullptr)},
      {"cloud_instance_name", "microsoftonline.com"},
      {"cloud_graph_host_name", "graph.windows.net"},
      {"msgraph_host", "graph.microsoft.com"},
      {"rbac_url", "https://pas.windows.net"},
  };
  if (!e.kerberos.empty()) doc["kerberos_endpoint"] = e.kerberos;
  if (a.kind != AuthorityKind::kAdfs && version == 1) doc["microsoft_multi_refresh_token"] = true;
  return cached_json(doc);
}

http::Response TokenService::jwks(http::Request& req) {
  Call call;
  auto authority = make_call(req, 2, call, "invalid_tenant");
  if (!authority.ok()) return aad_error_response(authority.error(), call.err);
  nlohmann::json doc = d_.keys.jwks();
  // v2 keys name the issuer they sign for, as Entra's v2 JWKS does.
  if (req.path.find("/v2.0/") != std::string::npos && doc.contains("keys")) {
    std::string tenant = call.authority.specific() ? call.authority.tenant->id : "{tenantid}";
    for (auto& key : doc["keys"]) key["issuer"] = v2_issuer(tenant);
  }
  return cached_json(doc);
}

http::Response TokenService::instance_discovery(http::Request& req) {
  Call call;
  call.req = &req;
  call.origin = origin_of(req);
  call.err = make_error_context(req, d_.clock, d_.ids);
  std::string own_host = call.origin.substr(std::string_view("https://").size());
  std::string host = own_host, tenant = "common";
  if (auto ep = req.query_param("authorization_endpoint")) {
    if (!split_https_url(*ep, host, tenant) || tenant.empty())
      return aad_error_response(aadsts::unknown_instance(), call.err);
  }
  nlohmann::json metadata = nlohmann::json::array();
  std::vector<std::string> public_aliases = {"login.microsoftonline.com", "login.windows.net",
                                             "login.microsoft.com", "sts.windows.net"};
  metadata.push_back({{"preferred_network", "login.microsoftonline.com"},
                      {"preferred_cache", "login.windows.net"},
                      {"aliases", public_aliases}});
  // The emulator's own names (with and without the port) are an instance of their own.
  std::vector<std::string> own;
  for (const std::string& h : {host, without_port(host), own_host, without_port(own_host)}) {
    if (std::find(public_aliases.begin(), public_aliases.end(), h) == public_aliases.end() &&
        std::find(own.begin(), own.end(), h) == own.end())
      own.push_back(h);
  }
  if (!own.empty())
    metadata.push_back(
        {{"preferred_network", own.front()}, {"preferred_cache", own.front()}, {"aliases", own}});
  nlohmann::json doc = {
      {"tenant_discovery_endpoint",
       "https://" + host + "/" + tenant + "/v2.0/.well-known/openid-configuration"},
      {"api-version", "1.1"},
      {"metadata", metadata},
  };
  return cached_json(doc);
}

// Known domain: "Managed" (README Sources [S1]); unknown domain: "Unknown", which real Entra
// answers for domains it does not know (inferred) and which MSAL treats like Managed (plain ROPC).
http::Response TokenService::user_realm(http::Request& req) {
  std::string user = req.param("user");
  size_t at = user.rfind('@');
  std::string domain = at == std::string::npos ? user : user.substr(at + 1);
  nlohmann::json doc = {{"ver", "1.0"}};
  auto tenant = d_.directory.find_tenant(domain);
  if (tenant.ok()) {
    doc["account_type"] = "Managed";
    doc["domain_name"] = tenant->domain;
  } else {
    doc["account_type"] = "Unknown";
  }
  doc["cloud_instance_name"] = "microsoftonline.com";
  doc["cloud_audience_urn"] = "urn:federation:MicrosoftOnline";
  return http::json_response(200, doc);
}

}  // namespace emu::aad::internal
