// Graph JSON shapes of directory objects (README Sources [S6], [S7]: what az 2.45 reads;
// other properties follow Graph's v1.0 resource types, with values the emulator does not model
// left null or empty).

#include "emulator/aad/graph/graph_internal.h"

#include <algorithm>

namespace emu::aad::graph {
namespace {

json null_if_empty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

std::string iso(TimePoint t) { return format_iso8601(std::chrono::floor<std::chrono::seconds>(t)); }

Status invalid_value(std::string_view property, std::string_view resource) {
  // [inferred: Graph's text for a property value it rejects]
  return InvalidArgument("Invalid value specified for property '" + std::string(property) +
                         "' of resource '" + std::string(resource) + "'.");
}

// Reads an array of strings at body[key] into `out` (absent = unchanged; null = empty); at
// most `max_items` values of at most `max_chars` characters each.
Status read_strings(const json& body, const char* key, std::vector<std::string>& out,
                    std::string_view property, std::string_view resource, size_t max_items,
                    size_t max_chars) {
  auto it = body.find(key);
  if (it == body.end()) return Status::Ok();
  if (it->is_null()) {
    out.clear();
    return Status::Ok();
  }
  if (!it->is_array() || it->size() > max_items) return invalid_value(property, resource);
  std::vector<std::string> values;
  for (const json& v : *it) {
    if (!v.is_string() || graph_length(v.get_ref<const std::string&>()) > max_chars)
      return invalid_value(property, resource);
    values.push_back(v.get<std::string>());
  }
  out = std::move(values);
  return Status::Ok();
}

// {"redirectUris": [...]} objects (web, spa, publicClient).
Status read_redirects(const json& body, const char* key, std::vector<std::string>& out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) return invalid_value(key, "Application");
  return read_strings(*it, "redirectUris", out, std::string(key) + ".redirectUris", "Application",
                      kGraphLimits.redirect_uris, kGraphLimits.redirect_uri_chars);
}

Status read_string(const json& body, const char* key, std::string& out, std::string_view resource,
                   bool required_non_empty, size_t max_chars) {
  auto it = body.find(key);
  if (it == body.end()) return Status::Ok();
  if (!it->is_string() || (required_non_empty && it->get_ref<const std::string&>().empty()) ||
      graph_length(it->get_ref<const std::string&>()) > max_chars) {
    return invalid_value(key, resource);
  }
  out = it->get<std::string>();
  return Status::Ok();
}

Status read_json_array(const json& body, const char* key, json& out, std::string_view property) {
  auto it = body.find(key);
  if (it == body.end()) return Status::Ok();
  if (!it->is_array()) return invalid_value(property, "Application");
  out = *it;
  return Status::Ok();
}

Status read_api(const json& body, Application& a) {
  auto it = body.find("api");
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) return invalid_value("api", "Application");
  if (auto v = it->find("requestedAccessTokenVersion"); v != it->end()) {
    if (v->is_null()) {
      a.access_token_version = 1;
    } else if (v->is_number_integer() && (*v == 1 || *v == 2)) {
      a.access_token_version = v->get<int>();
    } else {
      return invalid_value("api.requestedAccessTokenVersion", "Application");
    }
  }
  return read_json_array(*it, "oauth2PermissionScopes", a.oauth2_permission_scopes,
                         "api.oauth2PermissionScopes");
}

}  // namespace

const std::vector<std::string> kUserDefaultProperties = {
    "businessPhones", "displayName",       "givenName", "jobTitle",          "mail", "mobilePhone",
    "officeLocation", "preferredLanguage", "surname",   "userPrincipalName", "id"};

json user_json(const User& u) {
  return {{"id", u.id},
          {"businessPhones", json::array()},
          {"displayName", null_if_empty(u.display_name)},
          {"givenName", null_if_empty(u.given_name)},
          {"jobTitle", nullptr},
          {"mail", null_if_empty(u.mail)},
          {"mobilePhone", nullptr},
          {"officeLocation", nullptr},
          {"preferredLanguage", nullptr},
          {"surname", null_if_empty(u.surname)},
          {"userPrincipalName", u.upn},
          {"accountEnabled", u.enabled},
          {"createdDateTime", iso(u.created)},
          {"mailNickname", u.upn.substr(0, u.upn.find('@'))},
          {"userType", "Member"},
          {"usageLocation", nullptr},
          {"otherMails", json::array()},
          {"proxyAddresses", json::array()}};
}

json password_credential_json(const PasswordCredential& p, bool with_secret) {
  return {{"customKeyIdentifier", nullptr},
          {"displayName", null_if_empty(p.display_name)},
          {"endDateTime", iso(p.end)},
          {"hint", p.hint},
          {"keyId", p.key_id},
          {"secretText", with_secret ? json(p.secret) : json(nullptr)},
          {"startDateTime", iso(p.start)}};
}

json application_json(const Application& a, const Tenant& tenant) {
  json passwords = json::array();
  for (const auto& p : a.password_credentials)
    passwords.push_back(password_credential_json(p, false));
  json keys = json::array();
  for (const auto& k : a.key_credentials) {
    keys.push_back({{"customKeyIdentifier", nullptr},
                    {"displayName", null_if_empty(k.display_name)},
                    {"endDateTime", iso(k.end)},
                    {"key", nullptr},
                    {"keyId", k.key_id},
                    {"startDateTime", iso(k.start)},
                    {"type", "AsymmetricX509Cert"},
                    {"usage", "Verify"}});
  }
  return {{"id", a.id},
          {"appId", a.app_id},
          {"displayName", a.display_name},
          {"signInAudience", a.sign_in_audience},
          {"identifierUris", a.identifier_uris},
          {"createdDateTime", iso(a.created)},
          {"publisherDomain", tenant.domain},
          {"deletedDateTime", nullptr},
          {"description", nullptr},
          {"notes", nullptr},
          {"tags", json::array()},
          {"isFallbackPublicClient", a.is_fallback_public_client},
          {"passwordCredentials", passwords},
          {"keyCredentials", keys},
          {"web",
           {{"homePageUrl", nullptr},
            {"logoutUrl", nullptr},
            {"redirectUris", a.web_redirect_uris},
            {"implicitGrantSettings",
             {{"enableAccessTokenIssuance", false}, {"enableIdTokenIssuance", false}}}}},
          {"spa", {{"redirectUris", a.spa_redirect_uris}}},
          {"publicClient", {{"redirectUris", a.public_client_redirect_uris}}},
          {"api",
           {{"acceptMappedClaims", nullptr},
            {"knownClientApplications", json::array()},
            {"requestedAccessTokenVersion", a.access_token_version == 2 ? json(2) : json(nullptr)},
            {"oauth2PermissionScopes", a.oauth2_permission_scopes},
            {"preAuthorizedApplications", json::array()}}},
          {"appRoles", a.app_roles},
          {"requiredResourceAccess", a.required_resource_access}};
}

json service_principal_json(const ServicePrincipal& sp, const Application* app) {
  return {{"id", sp.id},
          {"appId", sp.app_id},
          {"displayName", sp.display_name},
          {"servicePrincipalNames", sp.service_principal_names},
          {"servicePrincipalType", "Application"},
          {"accountEnabled", sp.account_enabled},
          {"appOwnerOrganizationId", app ? json(app->tenant_id) : json(nullptr)},
          {"appDisplayName", app ? json(app->display_name) : json(nullptr)},
          {"appRoleAssignmentRequired", false},
          {"appRoles", app ? app->app_roles : json::array()},
          {"oauth2PermissionScopes", app ? app->oauth2_permission_scopes : json::array()},
          {"signInAudience", app ? json(app->sign_in_audience) : json(nullptr)},
          {"replyUrls", app ? json(app->web_redirect_uris) : json::array()},
          {"alternativeNames", json::array()},
          {"tags", json::array()},
          {"keyCredentials", json::array()},
          {"passwordCredentials", json::array()},
          {"deletedDateTime", nullptr}};
}

json permission_grant_json(const PermissionGrant& g) {
  return {{"id", g.id},
          {"clientId", g.client_id},
          {"consentType", g.consent_type},
          {"principalId", null_if_empty(g.principal_id)},
          {"resourceId", g.resource_id},
          {"scope", g.scope}};
}

json app_role_assignment_json(const AppRoleAssignment& a, const ServicePrincipal& principal,
                              const ServicePrincipal& resource) {
  return {{"id", a.id},
          {"appRoleId", a.app_role_id},
          {"createdDateTime", nullptr},
          {"deletedDateTime", nullptr},
          {"principalDisplayName", principal.display_name},
          {"principalId", a.principal_id},
          {"principalType", "ServicePrincipal"},
          {"resourceDisplayName", resource.display_name},
          {"resourceId", a.resource_id}};
}

json organization_json(const Tenant& t) {
  return {{"id", t.id},
          {"displayName", t.display_name},
          {"tenantType", "AAD"},
          {"createdDateTime", nullptr},
          {"verifiedDomains",
           {{{"capabilities", "Email, OfficeCommunicationsOnline"},
             {"isDefault", true},
             {"isInitial", true},
             {"name", t.domain},
             {"type", "Managed"}}}}};
}

size_t graph_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;  // a lead byte: one more code point
    if (c >= 0xF0) ++n;           // outside the BMP: two UTF-16 code units
  }
  return n;
}

Status apply_application_body(const json& body, Application& a) {
  EMU_RETURN_IF_ERROR(read_string(body, "displayName", a.display_name, "Application", true,
                                  kGraphLimits.display_name));
  if (auto it = body.find("signInAudience"); it != body.end()) {
    static const std::vector<std::string> kAudiences = {"AzureADMyOrg", "AzureADMultipleOrgs",
                                                        "AzureADandPersonalMicrosoftAccount",
                                                        "PersonalMicrosoftAccount"};
    if (!it->is_string() || std::find(kAudiences.begin(), kAudiences.end(),
                                      it->get<std::string>()) == kAudiences.end()) {
      return invalid_value("signInAudience", "Application");
    }
    a.sign_in_audience = it->get<std::string>();
  }
  EMU_RETURN_IF_ERROR(read_strings(body, "identifierUris", a.identifier_uris, "identifierUris",
                                   "Application", kGraphLimits.identifier_uris,
                                   kGraphLimits.identifier_uri_chars));
  EMU_RETURN_IF_ERROR(read_redirects(body, "web", a.web_redirect_uris));
  EMU_RETURN_IF_ERROR(read_redirects(body, "spa", a.spa_redirect_uris));
  EMU_RETURN_IF_ERROR(read_redirects(body, "publicClient", a.public_client_redirect_uris));
  if (auto it = body.find("isFallbackPublicClient"); it != body.end()) {
    if (!it->is_boolean() && !it->is_null()) {
      return invalid_value("isFallbackPublicClient", "Application");
    }
    a.is_fallback_public_client = it->is_boolean() && it->get<bool>();
  }
  EMU_RETURN_IF_ERROR(read_api(body, a));
  EMU_RETURN_IF_ERROR(read_json_array(body, "appRoles", a.app_roles, "appRoles"));
  return read_json_array(body, "requiredResourceAccess", a.required_resource_access,
                         "requiredResourceAccess");
}

Status apply_user_body(const json& body, User& u) {
  const GraphLimits& l = kGraphLimits;
  EMU_RETURN_IF_ERROR(
      read_string(body, "displayName", u.display_name, "User", true, l.display_name));
  EMU_RETURN_IF_ERROR(read_string(body, "givenName", u.given_name, "User", false, l.name_part));
  EMU_RETURN_IF_ERROR(read_string(body, "surname", u.surname, "User", false, l.name_part));
  EMU_RETURN_IF_ERROR(read_string(body, "mail", u.mail, "User", false, l.mail));
  EMU_RETURN_IF_ERROR(read_string(body, "userPrincipalName", u.upn, "User", true, l.upn));
  if (u.upn.find('@') != std::string::npos && u.upn.find('@') > l.upn_local_part) {
    return invalid_value("userPrincipalName", "User");
  }
  if (auto it = body.find("mailNickname"); it != body.end() && !it->is_null()) {
    // Accepted and checked, not stored: user_json derives it from the UPN.
    std::string nickname;
    EMU_RETURN_IF_ERROR(read_string(body, "mailNickname", nickname, "User", true, l.mail_nickname));
  }
  if (auto it = body.find("accountEnabled"); it != body.end()) {
    if (!it->is_boolean()) return invalid_value("accountEnabled", "User");
    u.enabled = it->get<bool>();
  }
  if (auto it = body.find("passwordProfile"); it != body.end()) {
    if (!it->is_object()) return invalid_value("passwordProfile", "User");
    EMU_RETURN_IF_ERROR(read_string(*it, "password", u.password, "User", true, l.password));
  }
  return Status::Ok();
}

}  // namespace emu::aad::graph
