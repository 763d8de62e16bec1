// The token endpoint's grants: client_credentials, password (ROPC), refresh_token,
// authorization_code (+ PKCE) and the device code poll.
#include "emulator/aad/token/token_internal.h"

namespace emu::aad::internal {
namespace {

// Either the required parameter's value or the 900144 error naming it.
AadOr<std::string> required(const Call& call, std::string_view name) {
  auto v = call.param(name);
  if (!v || v->empty()) return aadsts::missing_parameter(name);
  return *v;
}

std::string_view scope_param_name(const Call& call) {
  return call.version == 1 ? "resource" : "scope";
}

// True for a SPA or mobile-and-desktop (public client) redirect URI of `app`.
bool is_public_redirect(const Application& app, std::string_view redirect_uri) {
  for (const auto* list : {&app.spa_redirect_uris, &app.public_client_redirect_uris})
    for (const auto& uri : *list)
      if (uri == redirect_uri) return true;
  return false;
}

}  // namespace

AadOr<http::Response> TokenService::client_credentials(const Call& call) {
  auto client_id = required(call, "client_id");
  if (!client_id.ok()) return client_id.error();
  auto scope = requested_scope(call);
  if (!scope || scope->empty()) return aadsts::missing_parameter(scope_param_name(call));
  auto tenant = settle_tenant(call.authority, client_id.value(), "");
  if (!tenant.ok()) return tenant.error();
  auto client = find_client(tenant.value(), client_id.value());
  if (!client.ok()) return client.error();
  if (auto e = authenticate_client(call, tenant.value(), client.value(), true, true)) return *e;
  auto request = parse_scope(*scope);
  if (!request.ok()) return request.error();
  ScopeRequest& sr = request.value();
  if (!sr.default_scope || !sr.permissions.empty()) return aadsts::default_scope_required(*scope);
  if (!client.value().sp)
    return aadsts::service_principal_missing(client_id.value(), tenant.value().id);
  auto resource = resolve_resource(tenant.value(), sr);
  if (!resource.ok()) return resource.error();
  Issue issue;
  issue.tenant = tenant.value();
  issue.client = std::move(client.value());
  issue.scopes = std::move(sr);
  issue.resource = std::move(resource.value());
  grant_app_roles(issue);
  return mint(call, issue);
}

AadOr<http::Response> TokenService::password(const Call& call) {
  auto client_id = required(call, "client_id");
  if (!client_id.ok()) return client_id.error();
  auto username = required(call, "username");
  if (!username.ok()) return username.error();
  auto pass = required(call, "password");
  if (!pass.ok()) return pass.error();
  auto scope = requested_scope(call);
  if (!scope || scope->empty()) return aadsts::missing_parameter(scope_param_name(call));
  auto tenant = settle_tenant(call.authority, client_id.value(), username.value());
  if (!tenant.ok()) return tenant.error();
  auto client = find_client(tenant.value(), client_id.value());
  if (!client.ok()) return client.error();
  Client& c = client.value();
  if (auto e = authenticate_client(call, tenant.value(), c, !c.allows_public_flows(), false))
    return *e;
  auto user = d_.directory.find_user(tenant.value().id, username.value());
  if (!user.ok()) return aadsts::user_not_found(username.value(), tenant.value().domain);
  if (auto e = check_user(*user, pass.value())) return *e;
  auto request = parse_scope(*scope);
  if (!request.ok()) return request.error();
  Issue issue;
  issue.tenant = tenant.value();
  issue.client = std::move(c);
  issue.user = std::move(user).value();
  issue.scopes = std::move(request.value());
  return finish_user_grant(call, std::move(issue), true);
}

AadOr<http::Response> TokenService::refresh_token(const Call& call) {
  auto client_id = required(call, "client_id");
  if (!client_id.ok()) return client_id.error();
  auto token = required(call, "refresh_token");
  if (!token.ok()) return token.error();
  auto rt = d_.directory.find_refresh_token(token.value());
  if (!rt.ok()) return aadsts::malformed_grant();
  if (rt->revoked) return aadsts::code_expired();
  if (d_.clock.now() >= rt->expires) return aadsts::refresh_token_expired();
  if (!http::iequals(rt->client_id, client_id.value()))
    return aadsts::grant_invalid("The refresh token was issued to a different client.");
  auto tenant = d_.directory.find_tenant(rt->tenant_id);
  if (!tenant.ok()) return aadsts::tenant_not_found(rt->tenant_id);
  auto user = d_.directory.find_user(rt->tenant_id, rt->user_id);
  if (!user.ok()) return aadsts::user_not_found(rt->user_id, tenant->domain);
  // Guests are not modelled: a user's refresh token works in the user's own tenant only.
  if (call.authority.specific() && call.authority.tenant->id != tenant->id)
    return aadsts::user_not_found(user->upn, call.authority.tenant->domain);
  if (!user->enabled) return aadsts::user_disabled();
  auto client = find_client(*tenant, client_id.value());
  if (!client.ok()) return client.error();
  // Credentials are checked when sent; a refresh without them is accepted (the emulator does
  // not record whether the token went to a confidential client).
  if (auto e = authenticate_client(call, *tenant, client.value(), false, false)) return *e;
  std::string scope = requested_scope(call).value_or("");
  if (scope.empty()) scope = rt->scope;
  Issue issue;
  issue.always_refresh = true;
  return finish_redeemed_grant(call, std::move(issue), *tenant, std::move(client.value()),
                               std::move(user).value(), scope);
}

AadOr<http::Response> TokenService::authorization_code(const Call& call) {
  auto client_id = required(call, "client_id");
  if (!client_id.ok()) return client_id.error();
  auto code = required(call, "code");
  if (!code.ok()) return code.error();
  auto redirect_uri = required(call, "redirect_uri");
  if (!redirect_uri.ok()) return redirect_uri.error();
  auto ac = d_.directory.find_auth_code(code.value());
  if (!ac.ok()) return aadsts::malformed_grant();
  if (ac->redeemed) return aadsts::code_redeemed();
  if (d_.clock.now() >= ac->expires) return aadsts::code_expired();
  if (!http::iequals(ac->client_id, client_id.value()))
    return aadsts::grant_invalid("The authorization code was issued to a different client.");
  if (redirect_uri.value() != ac->redirect_uri)
    return aadsts::reply_address_mismatch(redirect_uri.value(), ac->redirect_uri);
  if (!ac->code_challenge.empty()) {
    auto verifier = call.param("code_verifier");
    std::string method = ac->code_challenge_method.empty() ? "plain" : ac->code_challenge_method;
    bool ok = verifier && ((method == "S256" && pkce_s256(*verifier) == ac->code_challenge) ||
                           (method == "plain" && *verifier == ac->code_challenge));
    if (!ok) return aadsts::pkce_mismatch();
  }
  auto tenant = d_.directory.find_tenant(ac->tenant_id);
  if (!tenant.ok()) return aadsts::tenant_not_found(ac->tenant_id);
  auto client = find_client(*tenant, client_id.value());
  if (!client.ok()) return client.error();
  Client& c = client.value();
  // Codes sent to a web redirect URI belong to a confidential client, which must authenticate;
  // SPA / mobile-and-desktop redirect URIs (and first-party public clients) need not.
  bool public_redirect = c.allows_public_flows() || is_public_redirect(c.app, ac->redirect_uri);
  if (auto e = authenticate_client(call, *tenant, c, !public_redirect, false)) return *e;
  auto user = d_.directory.find_user(ac->tenant_id, ac->user_id);
  if (!user.ok()) return aadsts::user_not_found(ac->user_id, tenant->domain);
  if (!user->enabled) return aadsts::user_disabled();
  if (Status s = d_.directory.mark_auth_code_redeemed(ac->code); !s.ok())
    return aadsts::server_error(s.message());
  std::string scope = requested_scope(call).value_or("");
  if (scope.empty()) scope = ac->scope;
  Issue issue;
  issue.nonce = ac->nonce;
  return finish_redeemed_grant(call, std::move(issue), *tenant, std::move(c),
                               std::move(user).value(), scope);
}

AadOr<http::Response> TokenService::device_code(const Call& call) {
  auto client_id = required(call, "client_id");
  if (!client_id.ok()) return client_id.error();
  // MSAL sends device_code; ADAL's v1 device flow sends it as "code".
  std::string device_code = call.get("device_code");
  if (device_code.empty()) device_code = call.get("code");
  if (device_code.empty()) return aadsts::missing_parameter("device_code");
  auto dc = d_.directory.find_device_code(device_code);
  if (!dc.ok() || !http::iequals(dc->client_id, client_id.value()))
    return aadsts::bad_verification_code();
  if (dc->denied) return aadsts::authorization_declined();
  if (d_.clock.now() >= dc->expires) return aadsts::device_code_expired();
  if (dc->user_id.empty()) return aadsts::authorization_pending();
  auto tenant = d_.directory.find_tenant(dc->tenant_id);
  if (!tenant.ok()) return aadsts::tenant_not_found(dc->tenant_id);
  auto client = find_client(*tenant, client_id.value());
  if (!client.ok()) return client.error();
  Client& c = client.value();
  if (auto e = authenticate_client(call, *tenant, c, !c.allows_public_flows(), false)) return *e;
  auto user = d_.directory.find_user(dc->tenant_id, dc->user_id);
  if (!user.ok()) return aadsts::user_not_found(dc->user_id, tenant->domain);
  if (!user->enabled) return aadsts::user_disabled();
  // One redemption per device code: later polls see it expired.
  DeviceCode used = *dc;
  used.expires = d_.clock.now();
  if (Status s = d_.directory.save_device_code(used); !s.ok())
    return aadsts::server_error(s.message());
  return finish_redeemed_grant(call, Issue{}, *tenant, std::move(c), std::move(user).value(),
                               dc->scope);
}

AadOr<http::Response> TokenService::finish_redeemed_grant(const Call& call, Issue issue,
                                                          Tenant tenant, Client client, User user,
                                                          std::string_view scope) {
  auto request = parse_scope(scope);
  if (!request.ok()) return request.error();
  issue.tenant = std::move(tenant);
  issue.client = std::move(client);
  issue.user = std::move(user);
  issue.scopes = std::move(request.value());
  return finish_user_grant(call, std::move(issue), false);
}

}  // namespace emu::aad::internal
