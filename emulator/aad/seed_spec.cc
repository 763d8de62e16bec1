// Strict structural checks of the Entra ID seed specs (see seed.h): every key known, every
// value of the right type, messages naming the JSON path.
#include "emulator/aad/seed.h"
#include "emulator/core/json_args.h"

#include <cctype>
#include <span>
#include <string_view>
#include <vector>

namespace emu::aad {
namespace {

using nlohmann::json;

enum class Type {
  kString,  // any string
  kText,    // non-empty string
  kBool,
  kStrings,  // array of strings
  kObject,
  kArray,
  kTime,     // ISO 8601 string
  kGuid,     // GUID string
  kVersion,  // 1 or 2
};

struct Field {
  std::string_view name;
  Type type;
  bool required = false;
};

bool is_guid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

Status check_value(const json& v, Type type, const std::string& where) {
  switch (type) {
    case Type::kString:
      if (!v.is_string()) return InvalidArgument(where + ": must be a string");
      return Status::Ok();
    case Type::kText:
      if (!v.is_string() || v.get<std::string>().empty())
        return InvalidArgument(where + ": must be a non-empty string");
      return Status::Ok();
    case Type::kBool:
      if (!v.is_boolean()) return InvalidArgument(where + ": must be true or false");
      return Status::Ok();
    case Type::kStrings:
      if (!v.is_array()) return InvalidArgument(where + ": must be an array of strings");
      for (size_t i = 0; i < v.size(); ++i)
        if (!v[i].is_string())
          return InvalidArgument(json_index_path(where, i) + ": must be a string");
      return Status::Ok();
    case Type::kObject:
      if (!v.is_object()) return InvalidArgument(where + ": must be an object");
      return Status::Ok();
    case Type::kArray:
      if (!v.is_array()) return InvalidArgument(where + ": must be an array");
      return Status::Ok();
    case Type::kTime: {
      if (!v.is_string()) return InvalidArgument(where + ": must be an ISO 8601 time string");
      auto t = parse_iso8601(v.get<std::string>());
      return t.ok() ? Status::Ok() : InvalidArgument(where + ": " + t.status().message());
    }
    case Type::kGuid:
      if (!v.is_string() || !is_guid(v.get<std::string>()))
        return InvalidArgument(where + ": must be a GUID");
      return Status::Ok();
    case Type::kVersion:
      if (!v.is_number_integer() || (v.get<int64_t>() != 1 && v.get<int64_t>() != 2))
        return InvalidArgument(where + ": must be 1 or 2");
      return Status::Ok();
  }
  return Status::Ok();
}

// Every key of `obj` must be one of `fields`, of its type; required ones present.
Status check_fields(const json& obj, const std::string& path, std::span<const Field> fields) {
  if (!obj.is_object())
    return InvalidArgument((path.empty() ? "args" : path) + ": must be an object");
  std::vector<std::string> names;
  for (const Field& f : fields) names.emplace_back(f.name);
  for (const auto& [key, value] : obj.items()) {
    const Field* field = nullptr;
    for (const Field& f : fields)
      if (f.name == key) field = &f;
    if (field == nullptr)
      return InvalidArgument(json_key_path(path, key) + ": " + unknown_key_message(key, names));
    EMU_RETURN_IF_ERROR(check_value(value, field->type, json_key_path(path, key)));
  }
  for (const Field& f : fields)
    if (f.required && !obj.contains(f.name))
      return InvalidArgument(json_key_path(path, f.name) + ": required");
  return Status::Ok();
}

// Checks each element of the array `obj[key]` (if present) with `check`.
template <typename F>
Status check_each(const json& obj, std::string_view key, const std::string& path, F&& check) {
  auto it = obj.find(key);
  if (it == obj.end()) return Status::Ok();
  for (size_t i = 0; i < it->size(); ++i)
    EMU_RETURN_IF_ERROR(check((*it)[i], json_index_path(json_key_path(path, key), i)));
  return Status::Ok();
}

constexpr Field kTenantFields[] = {
    {"id", Type::kGuid},     {"domain", Type::kText, true},  {"display_name", Type::kString},
    {"users", Type::kArray}, {"applications", Type::kArray},
};

constexpr Field kUserFields[] = {
    {"upn", Type::kText, true},
    {"display_name", Type::kString},
    {"given_name", Type::kString},
    {"surname", Type::kString},
    {"mail", Type::kString},
    {"password", Type::kText},
    {"directory_roles", Type::kStrings},
    {"mfa_required", Type::kBool},
    {"enabled", Type::kBool},
};

constexpr Field kAppFields[] = {
    {"display_name", Type::kText, true},      {"app_id", Type::kGuid},
    {"identifier_uris", Type::kStrings},      {"public_client", Type::kBool},
    {"redirect_uris", Type::kObject},         {"secrets", Type::kArray},
    {"certificates", Type::kArray},           {"service_principal", Type::kBool},
    {"access_token_version", Type::kVersion}, {"app_roles", Type::kStrings},
    {"exposed_scopes", Type::kStrings},       {"app_permissions", Type::kArray},
    {"delegated_permissions", Type::kArray},
};

constexpr Field kRedirectFields[] = {
    {"web", Type::kStrings}, {"spa", Type::kStrings}, {"public", Type::kStrings}};
constexpr Field kSecretFields[] = {
    {"value", Type::kText, true}, {"display_name", Type::kString}, {"expires", Type::kTime}};
constexpr Field kCertificateFields[] = {{"pem", Type::kText, true}};
constexpr Field kAppPermissionFields[] = {{"resource", Type::kText, true},
                                          {"roles", Type::kStrings, true}};
constexpr Field kDelegatedPermissionFields[] = {{"resource", Type::kText, true},
                                                {"scopes", Type::kStrings, true}};

Status check_certificate(const json& cert, const std::string& path) {
  EMU_RETURN_IF_ERROR(check_fields(cert, path, kCertificateFields));
  IdSource scratch(0);
  auto parsed = key_credential_from_pem(cert["pem"].get<std::string>(), scratch);
  return parsed.ok()
             ? Status::Ok()
             : InvalidArgument(json_key_path(path, "pem") + ": " + parsed.status().message());
}

}  // namespace

Status validate_user_spec(const json& spec, const std::string& path) {
  EMU_RETURN_IF_ERROR(check_fields(spec, path, kUserFields));
  const std::string upn = spec["upn"].get<std::string>();
  const size_t atsign = upn.find('@');
  if (atsign == 0 || atsign == std::string::npos || atsign + 1 == upn.size() ||
      upn.find('@', atsign + 1) != std::string::npos)
    return InvalidArgument(json_key_path(path, "upn") + ": must be <name>@<domain>, got '" + upn +
                           "'");
  return Status::Ok();
}

Status validate_app_spec(const json& spec, const std::string& path) {
  EMU_RETURN_IF_ERROR(check_fields(spec, path, kAppFields));
  if (spec.contains("redirect_uris"))
    EMU_RETURN_IF_ERROR(
        check_fields(spec["redirect_uris"], json_key_path(path, "redirect_uris"), kRedirectFields));
  EMU_RETURN_IF_ERROR(check_each(spec, "secrets", path, [](const json& s, const std::string& p) {
    return check_fields(s, p, kSecretFields);
  }));
  EMU_RETURN_IF_ERROR(check_each(spec, "certificates", path, check_certificate));
  EMU_RETURN_IF_ERROR(
      check_each(spec, "app_permissions", path, [](const json& s, const std::string& p) {
        return check_fields(s, p, kAppPermissionFields);
      }));
  EMU_RETURN_IF_ERROR(
      check_each(spec, "delegated_permissions", path, [](const json& s, const std::string& p) {
        return check_fields(s, p, kDelegatedPermissionFields);
      }));
  const bool wants_permissions =
      spec.contains("app_permissions") || spec.contains("delegated_permissions");
  if (wants_permissions && !spec.value("service_principal", true))
    return InvalidArgument(
        json_key_path(path, "service_principal") +
        ": permissions are granted to the service principal; it cannot be false");
  return Status::Ok();
}

Status validate_tenant_spec(const json& spec, const std::string& path) {
  EMU_RETURN_IF_ERROR(check_fields(spec, path, kTenantFields));
  const std::string domain = spec["domain"].get<std::string>();
  if (domain.find('.') == std::string::npos || domain.find('@') != std::string::npos ||
      domain.find('/') != std::string::npos)
    return InvalidArgument(json_key_path(path, "domain") + ": not a domain name: '" + domain + "'");
  EMU_RETURN_IF_ERROR(check_each(spec, "users", path, validate_user_spec));
  return check_each(spec, "applications", path, validate_app_spec);
}

Status validate_lab(const json& lab) {
  if (lab.is_null()) return Status::Ok();
  if (!lab.is_object()) return InvalidArgument("lab: must be an object");
  const bool one = lab.contains("tenant"), many = lab.contains("tenants");
  if (one && many) return InvalidArgument("lab: give either 'tenant' or 'tenants', not both");
  if (one) return validate_tenant_spec(lab["tenant"], "lab.tenant");
  if (!many) return Status::Ok();
  if (!lab["tenants"].is_array()) return InvalidArgument("lab.tenants: must be an array");
  for (size_t i = 0; i < lab["tenants"].size(); ++i)
    EMU_RETURN_IF_ERROR(validate_tenant_spec(lab["tenants"][i], json_index_path("lab.tenants", i)));
  return Status::Ok();
}

}  // namespace emu::aad
