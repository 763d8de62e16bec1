// Seeding the Entra ID directory from a scenario's lab section (see seed.h).
#include "emulator/aad/seed.h"

#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/http/message.h"

#include <openssl/x509.h>

#include <memory>

namespace emu::aad {
namespace {

using nlohmann::json;

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// A directory refusal caused by the section's content (duplicate, unknown name) is the
// section's fault: InvalidArgument at `path`. Anything else keeps its code.
Status at_path(const Status& s, const std::string& path) {
  switch (s.code()) {
    case StatusCode::kAlreadyExists:
    case StatusCode::kNotFound:
    case StatusCode::kInvalidArgument:
      return InvalidArgument(path + ": " + s.message());
    default:
      return s.with_context(path);
  }
}

std::vector<std::string> strings(const json& spec, const char* key) {
  std::vector<std::string> out;
  if (auto it = spec.find(key); it != spec.end())
    for (const auto& v : *it) out.push_back(v.get<std::string>());
  return out;
}

// The application as the spec describes it, credentials included (not yet stored).
Application application_from_spec(const json& spec, const Tenant& tenant, SeedDeps deps) {
  const TimePoint now = deps.clock.now();
  Application a;
  a.tenant_id = tenant.id;
  a.display_name = spec["display_name"].get<std::string>();
  a.app_id = spec.value("app_id", std::string());
  a.identifier_uris = strings(spec, "identifier_uris");
  a.is_fallback_public_client = spec.value("public_client", false);
  a.access_token_version = spec.value("access_token_version", 1);
  if (auto r = spec.find("redirect_uris"); r != spec.end()) {
    a.web_redirect_uris = strings(*r, "web");
    a.spa_redirect_uris = strings(*r, "spa");
    a.public_client_redirect_uris = strings(*r, "public");
  }
  for (const auto& role : strings(spec, "app_roles"))
    a.app_roles.push_back({{"allowedMemberTypes", {"Application"}},
                           {"description", role},
                           {"displayName", role},
                           {"id", deps.ids.guid()},
                           {"isEnabled", true},
                           {"origin", "Application"},
                           {"value", role}});
  for (const auto& scope : strings(spec, "exposed_scopes"))
    a.oauth2_permission_scopes.push_back({{"adminConsentDescription", scope},
                                          {"adminConsentDisplayName", scope},
                                          {"id", deps.ids.guid()},
                                          {"isEnabled", true},
                                          {"type", "User"},
                                          {"userConsentDescription", scope},
                                          {"userConsentDisplayName", scope},
                                          {"value", scope}});
  for (const auto& s : spec.value("secrets", json::array())) {
    TimePoint end = now + kDefaultSecretLifetime;
    if (s.contains("expires")) end = parse_iso8601(s["expires"].get<std::string>()).value();
    a.password_credentials.push_back(make_password_credential(
        s["value"].get<std::string>(), s.value("display_name", std::string()), std::min(now, end),
        end, deps.ids));
  }
  for (const auto& c : spec.value("certificates", json::array()))
    a.key_credentials.push_back(
        key_credential_from_pem(c["pem"].get<std::string>(), deps.ids).value());
  a.created = now;
  return a;
}

// Adds {"id", "type"} for `resource_app_id` to the app's requiredResourceAccess (Graph shape).
void require_access(Application& app, const std::string& resource_app_id, const std::string& id,
                    const char* type) {
  json& rra = app.required_resource_access;
  if (!rra.is_array()) rra = json::array();
  json* entry = nullptr;
  for (auto& e : rra)
    if (e.value("resourceAppId", "") == resource_app_id) entry = &e;
  if (entry == nullptr) {
    rra.push_back({{"resourceAppId", resource_app_id}, {"resourceAccess", json::array()}});
    entry = &rra.back();
  }
  (*entry)["resourceAccess"].push_back({{"id", id}, {"type", type}});
}

// The id of the entry of `list` (Graph appRoles / oauth2PermissionScopes) whose value is
// `value`, or "".
std::string permission_id(const json& list, const std::string& value) {
  if (!list.is_array()) return "";
  for (const auto& p : list)
    if (p.is_object() && p.value("value", "") == value) return p.value("id", "");
  return "";
}

std::string known_values(const json& list) {
  std::string out;
  if (list.is_array())
    for (const auto& p : list) out += (out.empty() ? "" : ", ") + p.value("value", std::string());
  return out.empty() ? "none" : out;
}

struct Resource {
  Application app;
  ServicePrincipal sp;
};

Result<Resource> find_resource(const std::string& name, const Tenant& tenant,
                               const std::string& path, SeedDeps deps) {
  auto app = deps.directory.find_resource(tenant.id, name);
  if (!app.ok()) return at_path(app.status(), path);
  auto sp = deps.directory.find_service_principal(tenant.id, app->app_id);
  if (!sp.ok())
    return InvalidArgument(path + ": resource '" + name + "' has no service principal in tenant " +
                           tenant.domain);
  return Resource{*app, *sp};
}

// Admin consent for the spec's app_permissions (app role assignments) and
// delegated_permissions (an AllPrincipals grant per resource); records them in the app's
// requiredResourceAccess.
Status grant_permissions(const json& spec, Application& app, const ServicePrincipal& client,
                         const Tenant& tenant, const std::string& path, SeedDeps deps) {
  const json perms = spec.value("app_permissions", json::array());
  for (size_t i = 0; i < perms.size(); ++i) {
    const std::string p = at(join(path, "app_permissions"), i);
    EMU_ASSIGN_OR_RETURN(Resource res, find_resource(perms[i]["resource"].get<std::string>(),
                                                     tenant, join(p, "resource"), deps));
    for (size_t j = 0; j < perms[i]["roles"].size(); ++j) {
      const std::string role = perms[i]["roles"][j].get<std::string>();
      const std::string id = permission_id(res.app.app_roles, role);
      if (id.empty())
        return InvalidArgument(at(join(p, "roles"), j) + ": '" + role + "' is not an app role of " +
                               res.app.display_name +
                               " (known: " + known_values(res.app.app_roles) + ")");
      auto added = deps.directory.add_app_role_assignment({"", client.id, res.sp.id, id});
      if (!added.ok()) return at_path(added.status(), at(join(p, "roles"), j));
      require_access(app, res.app.app_id, id, "Role");
    }
  }
  const json delegated = spec.value("delegated_permissions", json::array());
  for (size_t i = 0; i < delegated.size(); ++i) {
    const std::string p = at(join(path, "delegated_permissions"), i);
    EMU_ASSIGN_OR_RETURN(Resource res, find_resource(delegated[i]["resource"].get<std::string>(),
                                                     tenant, join(p, "resource"), deps));
    std::string scope;
    for (size_t j = 0; j < delegated[i]["scopes"].size(); ++j) {
      const std::string value = delegated[i]["scopes"][j].get<std::string>();
      const std::string id = permission_id(res.app.oauth2_permission_scopes, value);
      if (id.empty())
        return InvalidArgument(at(join(p, "scopes"), j) + ": '" + value +
                               "' is not a delegated permission of " + res.app.display_name +
                               " (known: " + known_values(res.app.oauth2_permission_scopes) + ")");
      scope += (scope.empty() ? "" : " ") + value;
      require_access(app, res.app.app_id, id, "Scope");
    }
    PermissionGrant grant{"", client.id, res.sp.id, "AllPrincipals", "", scope};
    auto added = deps.directory.add_permission_grant(grant);
    if (!added.ok()) return at_path(added.status(), p);
  }
  if (perms.empty() && delegated.empty()) return Status::Ok();
  return deps.directory.update_application(app).with_context(path);
}

// Stores the application and its service principal; permissions come later (they may name
// an application of the same section).
Result<Resource> create_application(const json& spec, const Tenant& tenant, const std::string& path,
                                    SeedDeps deps) {
  EMU_RETURN_IF_ERROR(validate_app_spec(spec, path));
  auto app = deps.directory.create_application(application_from_spec(spec, tenant, deps));
  if (!app.ok()) return at_path(app.status(), path);
  Resource created{*app, {}};
  if (!spec.value("service_principal", true)) return created;
  ServicePrincipal sp;
  sp.app_id = app->app_id;
  sp.tenant_id = tenant.id;
  sp.display_name = app->display_name;
  sp.service_principal_names = app->identifier_uris;
  sp.service_principal_names.insert(sp.service_principal_names.begin(), app->app_id);
  auto stored = deps.directory.create_service_principal(sp);
  if (!stored.ok()) return at_path(stored.status(), path);
  created.sp = *stored;
  return created;
}

json app_summary(const Resource& r) {
  json j = {{"display_name", r.app.display_name}, {"app_id", r.app.app_id}, {"id", r.app.id}};
  if (!r.sp.id.empty()) j["service_principal_id"] = r.sp.id;
  return j;
}

}  // namespace

std::string generate_client_secret(IdSource& ids) {
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
  std::string s;
  for (int i = 0; i < 37; ++i) s += kChars[ids.next_u64() % 64];
  return s.substr(0, 3) + "8Q~" + s.substr(3, 34);
}

PasswordCredential make_password_credential(std::string secret, std::string display_name,
                                            TimePoint start, TimePoint end, IdSource& ids) {
  PasswordCredential c;
  c.key_id = ids.guid();
  c.display_name = std::move(display_name);
  c.hint = secret.substr(0, 3);
  c.secret = std::move(secret);
  c.start = start;
  c.end = end;
  return c;
}

Result<KeyCredential> key_credential_from_pem(std::string_view pem, IdSource& ids) {
  auto cert = crypto::parse_cert_pem(pem);
  if (!cert.ok()) return InvalidArgument("no PEM certificate (-----BEGIN CERTIFICATE-----) found");
  auto der = crypto::cert_to_der(cert->get());
  if (!der.ok()) return InvalidArgument("the certificate cannot be encoded as DER");
  auto x5t = crypto::x5t_of_der(*der);
  if (!x5t.ok()) return Internal("SHA-1 of the certificate failed");
  KeyCredential k;
  k.key_id = ids.guid();
  k.display_name = crypto::name_rfc2253(X509_get_subject_name(cert->get()));
  k.cert_der = std::move(der).value();
  k.thumbprint_b64 = std::move(x5t).value();
  k.start = crypto::asn1_to_time(X509_get0_notBefore(cert->get())).value_or(TimePoint{});
  k.end = crypto::asn1_to_time(X509_get0_notAfter(cert->get())).value_or(TimePoint{});
  return k;
}

Result<User> seed_user(const json& spec, const Tenant& tenant, const std::string& path,
                       SeedDeps deps) {
  EMU_RETURN_IF_ERROR(validate_user_spec(spec, path));
  User u;
  u.tenant_id = tenant.id;
  u.upn = spec["upn"].get<std::string>();
  const std::string domain = u.upn.substr(u.upn.find('@') + 1);
  if (!http::iequals(domain, tenant.domain))
    return InvalidArgument(join(path, "upn") + ": domain '" + domain +
                           "' is not the tenant's domain '" + tenant.domain + "'");
  u.display_name = spec.value("display_name", u.upn.substr(0, u.upn.find('@')));
  u.given_name = spec.value("given_name", std::string());
  u.surname = spec.value("surname", std::string());
  u.mail = spec.value("mail", std::string());
  u.password = spec.value("password", std::string(kDefaultUserPassword));
  u.directory_roles = strings(spec, "directory_roles");
  u.mfa_required = spec.value("mfa_required", false);
  u.enabled = spec.value("enabled", true);
  auto created = deps.directory.create_user(u);
  if (!created.ok()) return at_path(created.status(), join(path, "upn"));
  return created;
}

Result<json> seed_application(const json& spec, const Tenant& tenant, const std::string& path,
                              SeedDeps deps) {
  EMU_ASSIGN_OR_RETURN(Resource r, create_application(spec, tenant, path, deps));
  EMU_RETURN_IF_ERROR(grant_permissions(spec, r.app, r.sp, tenant, path, deps));
  return app_summary(r);
}

Result<json> seed_tenant(const json& spec, const std::string& path, SeedDeps deps) {
  EMU_RETURN_IF_ERROR(validate_tenant_spec(spec, path));
  Tenant t;
  t.id = spec.value("id", std::string());
  t.domain = spec["domain"].get<std::string>();
  t.display_name = spec.value("display_name", t.domain);
  auto tenant = deps.directory.create_tenant(t);
  if (!tenant.ok()) return at_path(tenant.status(), path);
  json summary = {{"id", tenant->id},
                  {"domain", tenant->domain},
                  {"users", json::array()},
                  {"applications", json::array()}};
  const json users = spec.value("users", json::array());
  for (size_t i = 0; i < users.size(); ++i) {
    EMU_ASSIGN_OR_RETURN(User u, seed_user(users[i], *tenant, at(join(path, "users"), i), deps));
    summary["users"].push_back({{"upn", u.upn}, {"id", u.id}});
  }
  const json apps = spec.value("applications", json::array());
  std::vector<Resource> created;
  for (size_t i = 0; i < apps.size(); ++i) {
    EMU_ASSIGN_OR_RETURN(
        Resource r, create_application(apps[i], *tenant, at(join(path, "applications"), i), deps));
    summary["applications"].push_back(app_summary(r));
    created.push_back(std::move(r));
  }
  for (size_t i = 0; i < apps.size(); ++i)
    EMU_RETURN_IF_ERROR(grant_permissions(apps[i], created[i].app, created[i].sp, *tenant,
                                          at(join(path, "applications"), i), deps));
  return summary;
}

Result<json> seed_lab(const json& lab, SeedDeps deps) {
  EMU_RETURN_IF_ERROR(validate_lab(lab));
  json summary = {{"tenants", json::array()}};
  if (!lab.is_object()) return summary;
  if (lab.contains("tenant")) {
    EMU_ASSIGN_OR_RETURN(json t, seed_tenant(lab["tenant"], "lab.tenant", deps));
    summary["tenants"].push_back(std::move(t));
  }
  const json tenants = lab.value("tenants", json::array());
  for (size_t i = 0; i < tenants.size(); ++i) {
    EMU_ASSIGN_OR_RETURN(json t, seed_tenant(tenants[i], at("lab.tenants", i), deps));
    summary["tenants"].push_back(std::move(t));
  }
  return summary;
}

}  // namespace emu::aad
