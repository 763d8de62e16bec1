// The token service's routes (make_token_router) and the helpers its handlers share:
// requests, authorities and tenants, users, replies.
#include "emulator/aad/token/token_service.h"

#include "emulator/aad/token/token_internal.h"

#include <memory>

namespace emu::aad {
namespace internal {
namespace {

std::string domain_of(std::string_view username) {
  size_t at = username.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(username.substr(at + 1));
}

}  // namespace

std::optional<std::string> Call::param(std::string_view name) const {
  for (const auto& [k, v] : form)
    if (k == name) return v;
  return std::nullopt;
}

std::string Call::get(std::string_view name) const { return param(name).value_or(""); }

bool ScopeRequest::has(std::string_view oidc_scope) const {
  for (const auto& s : oidc)
    if (s == oidc_scope) return true;
  return false;
}

bool Client::allows_public_flows() const {
  return app.is_fallback_public_client || (app.first_party && app.app_id == kAzureCliAppId);
}

std::string TokenService::origin_of(const http::Request& req) {
  std::string host = req.headers.get_or("Host", req.host);
  if (host.empty()) host = "login.microsoftonline.com";
  return "https://" + http::to_lower(host);
}

std::string TokenService::tenant_label(const Tenant& t) {
  return t.display_name.empty() ? t.domain : t.display_name;
}

AadOr<Authority> TokenService::resolve_authority(std::string_view segment,
                                                 std::string_view oauth_error) {
  Authority a;
  a.segment = std::string(segment);
  std::string lower = http::to_lower(segment);
  if (lower == "common") {
    a.kind = AuthorityKind::kCommon;
  } else if (lower == "organizations") {
    a.kind = AuthorityKind::kOrganizations;
  } else if (lower == "consumers") {
    a.kind = AuthorityKind::kConsumers;
  } else if (lower == "adfs") {
    a.kind = AuthorityKind::kAdfs;
  } else {
    auto tenant = d_.directory.find_tenant(segment);
    if (!tenant.ok()) {
      if (tenant.status().code() == StatusCode::kNotFound)
        return aadsts::tenant_not_found(segment, oauth_error);
      return aadsts::server_error(tenant.status().message());
    }
    a.tenant = std::move(tenant).value();
  }
  return a;
}

AadOr<Authority> TokenService::make_call(http::Request& req, int version, Call& call,
                                         std::string_view oauth_error) {
  call.req = &req;
  call.origin = origin_of(req);
  auto params = read_oauth_params(req);
  if (params.ok()) call.form = std::move(params).value();
  call.err = make_error_context(req, d_.clock, d_.ids, call.get("client-request-id"));
  if (!params.ok()) return params.error();
  auto authority = resolve_authority(req.param("tenant"), oauth_error);
  call.version = version;
  if (authority.ok()) {
    call.authority = authority.value();
    if (call.authority.kind == AuthorityKind::kAdfs) call.version = 2;  // v2-like replies
  }
  return authority;
}

AadOr<Tenant> TokenService::settle_tenant(const Authority& authority, std::string_view client_id,
                                          std::string_view username) {
  if (authority.specific()) return *authority.tenant;
  std::string tenant_id;
  if (!username.empty()) {
    auto user = d_.directory.find_user_any_tenant(username);
    if (!user.ok()) {
      std::string domain = domain_of(username);
      return aadsts::user_not_found(username, domain.empty() ? authority.segment : domain);
    }
    tenant_id = user->tenant_id;
  } else {
    auto app = d_.directory.find_application_any_tenant(client_id);
    if (!app.ok()) return aadsts::application_not_found(client_id, authority.segment);
    // A tenant-less authority with a first-party client and no user names no tenant.
    if (app->first_party) return aadsts::tenant_not_found(authority.segment);
    tenant_id = app->tenant_id;
  }
  auto tenant = d_.directory.find_tenant(tenant_id);
  if (!tenant.ok()) return aadsts::tenant_not_found(tenant_id);
  return std::move(tenant).value();
}

AadOr<User> TokenService::find_sign_in_user(const Authority& authority, std::string_view username) {
  if (authority.specific()) {
    auto user = d_.directory.find_user(authority.tenant->id, username);
    if (!user.ok()) return aadsts::user_not_found(username, authority.tenant->domain);
    return std::move(user).value();
  }
  auto user = d_.directory.find_user_any_tenant(username);
  if (!user.ok()) {
    std::string domain = domain_of(username);
    return aadsts::user_not_found(username, domain.empty() ? authority.segment : domain);
  }
  return std::move(user).value();
}

std::optional<AadError> TokenService::check_user(const User& user,
                                                 std::string_view password) const {
  if (password != user.password) return aadsts::invalid_username_or_password();
  if (!user.enabled) return aadsts::user_disabled();
  return std::nullopt;
}

std::string TokenService::opaque(std::string_view prefix, size_t n) {
  return std::string(prefix) + random_b64url(d_.ids, n);
}

http::Response TokenService::token_reply(const Call& call, const nlohmann::json& body) const {
  http::Response r = http::json_response(200, body);
  r.headers.set("Cache-Control", "no-store, no-cache");
  r.headers.set("Pragma", "no-cache");
  r.headers.set("x-ms-request-id", call.err.trace_id);
  r.headers.set("client-request-id", call.err.correlation_id);
  r.headers.set("x-ms-ests-server", kEstsServer);
  return r;
}

http::Response TokenService::token(http::Request& req, int version) {
  Call call;
  auto authority = make_call(req, version, call);
  if (!authority.ok()) return aad_error_response(authority.error(), call.err);
  auto grant_type = call.param("grant_type");
  if (!grant_type || grant_type->empty())
    return aad_error_response(aadsts::missing_parameter("grant_type"), call.err);
  const std::string& gt = *grant_type;
  std::optional<AadOr<http::Response>> result;
  if (gt == "client_credentials") {
    result = client_credentials(call);
  } else if (gt == "password") {
    result = password(call);
  } else if (gt == "refresh_token") {
    result = refresh_token(call);
  } else if (gt == "authorization_code") {
    result = authorization_code(call);
  } else if (gt == "urn:ietf:params:oauth:grant-type:device_code" || gt == "device_code") {
    result = device_code(call);  // "device_code" is ADAL's v1 spelling
  } else if (gt == "srv_challenge") {
    result = srv_challenge(call);
  } else if (gt == "urn:ietf:params:oauth:grant-type:jwt-bearer" && call.param("request")) {
    result = device_token(call);
  } else {
    return aad_error_response(aadsts::unsupported_grant_type(gt), call.err);
  }
  if (!result->ok()) return aad_error_response(result->error(), call.err);
  return std::move(result->value());
}

}  // namespace internal

http::Router make_token_router(TokenServiceDeps deps) {
  using internal::TokenService;
  auto svc = std::make_shared<TokenService>(deps);
  http::Router::Options options;
  options.case_insensitive = true;  // Entra ID matches its paths without regard to case
  http::Router r(options);
  auto on = [&](const char* method, const char* pattern, auto fn) {
    r.add(method, "*", pattern, [svc, fn](http::Request& req) { return fn(*svc, req); });
  };
  on("GET", "/common/discovery/instance",
     [](TokenService& s, http::Request& q) { return s.instance_discovery(q); });
  on("GET", "/common/userrealm/{user}",
     [](TokenService& s, http::Request& q) { return s.user_realm(q); });
  on("GET", "/{tenant}/v2.0/.well-known/openid-configuration",
     [](TokenService& s, http::Request& q) { return s.openid_configuration(q, 2); });
  on("GET", "/{tenant}/.well-known/openid-configuration",
     [](TokenService& s, http::Request& q) { return s.openid_configuration(q, 1); });
  for (const char* p : {"/{tenant}/discovery/v2.0/keys", "/{tenant}/discovery/keys"})
    on("GET", p, [](TokenService& s, http::Request& q) { return s.jwks(q); });
  on("POST", "/{tenant}/oauth2/v2.0/token",
     [](TokenService& s, http::Request& q) { return s.token(q, 2); });
  on("POST", "/{tenant}/oauth2/token",
     [](TokenService& s, http::Request& q) { return s.token(q, 1); });
  on("POST", "/{tenant}/oauth2/v2.0/devicecode",
     [](TokenService& s, http::Request& q) { return s.device_authorization(q, 2); });
  on("POST", "/{tenant}/oauth2/devicecode",
     [](TokenService& s, http::Request& q) { return s.device_authorization(q, 1); });
  for (const char* m : {"GET", "POST"}) {
    on(m, "/{tenant}/oauth2/v2.0/authorize",
       [](TokenService& s, http::Request& q) { return s.authorize(q, 2); });
    on(m, "/{tenant}/oauth2/authorize",
       [](TokenService& s, http::Request& q) { return s.authorize(q, 1); });
    on(m, "/{tenant}/oauth2/deviceauth",
       [](TokenService& s, http::Request& q) { return s.device_login(q); });
  }
  for (const char* p : {"/{tenant}/oauth2/v2.0/logout", "/{tenant}/oauth2/logout"})
    on("GET", p, [](TokenService& s, http::Request& q) { return s.logout(q); });
  return r;
}

}  // namespace emu::aad
