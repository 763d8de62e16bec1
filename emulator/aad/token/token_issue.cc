// Scopes and resources: parsing v2 scope strings and v1 resources, resolving the resource
// application, app roles and delegated permissions (consent), and minting the token reply.
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/aad/token/token_internal.h"

#include <algorithm>

namespace emu::aad::internal {
namespace {

constexpr std::string_view kGraphResource = "https://graph.microsoft.com";
constexpr std::string_view kDefaultSuffix = "/.default";

bool is_oidc_scope(std::string_view lower) {
  return lower == "openid" || lower == "profile" || lower == "email" || lower == "offline_access";
}

bool contains_ci(const std::vector<std::string>& v, std::string_view s) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& x) { return http::iequals(x, s); });
}

// `values` of a Graph-shaped permission list (oauth2PermissionScopes or appRoles) that are
// enabled, in order; with `ids`, the parallel list of their ids.
std::vector<std::string> enabled_values(const nlohmann::json& list,
                                        std::vector<std::string>* ids = nullptr) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& p : list) {
    if (!p.is_object() || !p.contains("value") || !p["value"].is_string()) continue;
    if (p.contains("isEnabled") && p["isEnabled"].is_boolean() && !p["isEnabled"].get<bool>())
      continue;
    out.push_back(p["value"].get<std::string>());
    if (ids)
      ids->push_back(p.contains("id") && p["id"].is_string() ? p["id"].get<std::string>() : "");
  }
  return out;
}

std::vector<std::string> split_spaces(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace

std::optional<std::string> TokenService::requested_scope(const Call& call) const {
  if (call.version == 2) return call.param("scope");
  auto resource = call.param("resource");
  if (!resource || resource->empty()) return std::nullopt;
  std::string scope = *resource + std::string(kDefaultSuffix);
  if (auto extra = call.param("scope"); extra && !extra->empty()) scope += " " + *extra;
  return scope;
}

AadOr<ScopeRequest> TokenService::parse_scope(std::string_view scope) const {
  ScopeRequest r;
  r.raw = std::string(scope);
  for (const std::string& token : split_spaces(scope)) {
    std::string lower = http::to_lower(token);
    if (is_oidc_scope(lower)) {
      if (!r.has(lower)) r.oidc.push_back(lower);
      continue;
    }
    std::string resource, permission;
    if (lower.size() > kDefaultSuffix.size() &&
        lower.compare(lower.size() - kDefaultSuffix.size(), kDefaultSuffix.size(),
                      kDefaultSuffix) == 0) {
      resource = token.substr(0, token.size() - kDefaultSuffix.size());
      r.default_scope = true;
    } else if (size_t slash = token.rfind('/'); slash == std::string::npos) {
      resource = std::string(kGraphResource);  // "User.Read" is Graph's shorthand
      permission = token;
      r.implicit_graph = true;
    } else {
      resource = token.substr(0, slash);
      permission = token.substr(slash + 1);
      if (permission.empty() || resource.empty() || resource.back() == ':' ||
          (resource.size() >= 2 && resource.compare(resource.size() - 2, 2, ":/") == 0))
        return aadsts::invalid_scope(token);
    }
    if (!permission.empty()) r.permissions.push_back(permission);
    if (std::find(r.resources.begin(), r.resources.end(), resource) == r.resources.end())
      r.resources.push_back(resource);
  }
  // ".default" stands for every consented permission and cannot be mixed with named ones.
  if (r.default_scope && !r.permissions.empty()) return aadsts::invalid_scope(scope);
  if (r.resources.empty()) {  // only OpenID Connect scopes: a Graph token for the profile
    r.resources.push_back(std::string(kGraphResource));
    r.permissions.push_back("User.Read");
    r.implicit_graph = true;
  }
  return r;
}

AadOr<Resource> TokenService::resolve_resource(const Tenant& tenant, const ScopeRequest& request) {
  Resource out;
  bool first = true;
  for (const std::string& name : request.resources) {
    auto app = d_.directory.find_resource(tenant.id, name);
    if (!app.ok() && !name.empty()) {  // "https://x" and "https://x/" name the same resource
      std::string alt = name.back() == '/' ? name.substr(0, name.size() - 1) : name + "/";
      app = d_.directory.find_resource(tenant.id, alt);
    }
    if (!app.ok()) return aadsts::resource_not_found(name, tenant_label(tenant));
    if (!first && app->app_id != out.app.app_id) return aadsts::multiple_resources(request.raw);
    out.app = std::move(app).value();
    first = false;
  }
  auto sp = d_.directory.find_service_principal(tenant.id, out.app.app_id);
  if (!sp.ok()) return aadsts::resource_not_found(request.resource(), tenant_label(tenant));
  out.sp = std::move(sp).value();
  return out;
}

void TokenService::grant_app_roles(Issue& issue) const {
  if (!issue.client.sp) return;
  std::vector<std::string> ids;
  std::vector<std::string> values = enabled_values(issue.resource.app.app_roles, &ids);
  for (const auto& a : d_.directory.app_role_assignments(issue.client.sp->id)) {
    if (a.resource_id != issue.resource.sp.id) continue;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (http::iequals(ids[i], a.app_role_id) && !contains_ci(issue.roles, values[i]))
        issue.roles.push_back(values[i]);
    }
  }
}

std::optional<AadError> TokenService::grant_delegated(Issue& issue) const {
  const Application& resource = issue.resource.app;
  const Application& client = issue.client.app;
  std::vector<std::string> defined = enabled_values(resource.oauth2_permission_scopes);
  // Consent: tenant-wide (AllPrincipals) or the user's own grants. An app needs none for its
  // own API. First-party clients (Azure CLI) are pre-authorised by Microsoft: the directory
  // seeds that as grants; without them every permission of the resource counts as granted.
  std::vector<std::string> granted;
  if (client.app_id == resource.app_id) {
    granted = defined;
  } else if (issue.client.sp) {
    for (const auto& g : d_.directory.permission_grants(issue.client.sp->id)) {
      if (g.resource_id != issue.resource.sp.id) continue;
      if (g.consent_type != "AllPrincipals" && g.principal_id != issue.user->id) continue;
      for (const auto& s : split_spaces(g.scope))
        if (!contains_ci(granted, s)) granted.push_back(s);
    }
  }
  if (granted.empty() && client.first_party) {
    granted = defined;
    if (granted.empty()) granted = {"user_impersonation"};
  }
  if (issue.scopes.default_scope) {
    if (granted.empty()) return aadsts::consent_required(client.app_id, client.display_name);
    issue.scp = granted;
    return std::nullopt;
  }
  for (const std::string& p : issue.scopes.permissions) {
    auto def = std::find_if(defined.begin(), defined.end(),
                            [&](const std::string& d) { return http::iequals(d, p); });
    bool builtin = def == defined.end() && client.first_party && defined.empty();
    if (def == defined.end() && !builtin)
      return aadsts::invalid_scope(issue.scopes.implicit_graph ? p
                                                               : issue.scopes.resource() + "/" + p);
    if (!client.first_party && !contains_ci(granted, p))  // first party: pre-authorised
      return aadsts::consent_required(client.app_id, client.display_name);
    std::string value = builtin ? p : *def;
    if (!contains_ci(issue.scp, value)) issue.scp.push_back(value);
  }
  return std::nullopt;
}

AadOr<http::Response> TokenService::finish_user_grant(const Call& call, Issue issue,
                                                      bool password_grant) {
  auto resource = resolve_resource(issue.tenant, issue.scopes);
  if (!resource.ok()) return resource.error();
  issue.resource = std::move(resource.value());
  // ROPC cannot satisfy MFA; interactive flows (authorize form, device login) count as done.
  if (password_grant && issue.user->mfa_required)
    return aadsts::mfa_required(issue.resource.app.app_id);
  if (!password_grant && issue.user->mfa_required) issue.amr = {"pwd", "mfa"};
  if (auto error = grant_delegated(issue)) return *error;
  return mint(call, issue);
}

AadOr<http::Response> TokenService::mint(const Call& call, const Issue& issue) {
  const TimePoint now = d_.clock.now();
  const TokenLifetimes& lt = d_.lifetimes;
  AccessTokenSpec spec;
  spec.version = issue.resource.app.access_token_version == 2 ? 2 : 1;
  // v1 tokens carry the resource as requested; v2 tokens always the resource's appId.
  spec.audience = spec.version == 2 ? issue.resource.app.app_id : issue.scopes.resource();
  spec.tenant_id = issue.tenant.id;
  spec.client_app_id = issue.client.app.app_id;
  spec.client_auth = issue.client.auth;
  if (issue.client.sp) spec.client_sp_object_id = issue.client.sp->id;
  spec.user = issue.user;
  spec.scopes = issue.scp;
  spec.roles = issue.roles;
  spec.amr = issue.amr;
  spec.issued_at = now;
  spec.lifetime = lt.access_token;
  spec.opaque = make_opaque_ids(d_.ids);
  if (issue.device && !issue.user) spec.client_sp_object_id = issue.device->id;
  nlohmann::json claims = access_token_claims(spec);
  if (issue.device) claims["deviceid"] = issue.device->device_id;
  auto access = d_.keys.sign(claims);
  if (!access.ok()) return aadsts::server_error(access.status().message());

  const int64_t expires_in =
      std::chrono::duration_cast<std::chrono::seconds>(lt.access_token).count();
  nlohmann::json body = {{"token_type", "Bearer"}};
  if (call.version == 2) {
    if (issue.user) {
      std::vector<std::string> rendered;
      // Graph's permissions come back in their short form, others prefixed by the resource.
      const bool bare = issue.resource.app.app_id == kGraphAppId;
      for (const auto& v : issue.scp)
        rendered.push_back(bare ? v : issue.scopes.resource() + "/" + v);
      if (issue.scopes.default_scope)
        rendered.push_back(issue.scopes.resource() + std::string(kDefaultSuffix));
      for (const auto& o : issue.scopes.oidc)
        if (o != "offline_access") rendered.push_back(o);
      body["scope"] = join(rendered);
    }
    body["expires_in"] = expires_in;
    body["ext_expires_in"] = expires_in;
  } else {
    if (issue.user) body["scope"] = join(issue.scp);
    body["expires_in"] = std::to_string(expires_in);
    body["ext_expires_in"] = std::to_string(expires_in);
    body["expires_on"] = std::to_string(unix_seconds(now + lt.access_token));
    body["not_before"] = std::to_string(unix_seconds(now));
    body["resource"] = issue.scopes.resource();
  }
  body["access_token"] = *access;
  if (!issue.user) return token_reply(call, body);

  const User& user = *issue.user;
  if (call.version == 1 || issue.scopes.has("offline_access") || issue.always_refresh) {
    RefreshToken rt{opaque("1.A", 96),
                    issue.tenant.id,
                    issue.client.app.app_id,
                    user.id,
                    issue.scopes.raw,
                    now + lt.refresh_token,
                    false};
    if (Status s = d_.directory.save_refresh_token(rt); !s.ok())
      return aadsts::server_error(s.message());
    body["refresh_token"] = rt.token;
  }
  if (issue.scopes.has("openid")) {
    IdTokenSpec id;
    if (call.authority.kind == AuthorityKind::kAdfs) {
      id.issuer = call.origin + "/adfs";
    } else if (call.version == 1) {
      id.issuer = v1_issuer(issue.tenant.id);
      id.version = "1.0";
    } else {
      id.issuer = v2_issuer(issue.tenant.id);
    }
    id.client_id = issue.client.app.app_id;
    id.tenant_id = issue.tenant.id;
    id.user = user;
    id.nonce = issue.nonce;
    id.issued_at = now;
    id.lifetime = lt.id_token;
    id.opaque = make_opaque_ids(d_.ids);
    auto id_token = d_.keys.sign(id_token_claims(id));
    if (!id_token.ok()) return aadsts::server_error(id_token.status().message());
    body["id_token"] = *id_token;
  }
  if (call.get("client_info") == "1") body["client_info"] = client_info(user.id, issue.tenant.id);
  return token_reply(call, body);
}

}  // namespace emu::aad::internal
