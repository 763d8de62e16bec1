// The Azure Services wizard's arguments: strict key and type checks (load time and run time).

#include "emulator/core/clock.h"
#include "emulator/core/json_args.h"
#include "emulator/site/azure_services/azure_services.h"
#include "emulator/site/azure_services/internal.h"

#include <algorithm>
#include <set>

namespace emu::site {
namespace azsvc {
namespace {

using nlohmann::json;

// Reads `obj` into typed fields, checking keys; `prefix` names the object ("web_app.").
class Reader {
 public:
  Reader(const json& obj, std::string prefix, bool allow_refs)
      : obj_(obj), prefix_(std::move(prefix)), allow_refs_(allow_refs) {}

  Status keys(const std::set<std::string>& allowed) const {
    for (const auto& [key, value] : obj_.items()) {
      if (allowed.count(key) == 0) {
        std::vector<std::string> names(allowed.begin(), allowed.end());
        return InvalidArgument(prefix_ + key + ": " + unknown_key_message(key, names));
      }
    }
    return Status::Ok();
  }
  bool has(const char* key) const { return obj_.contains(key) && !obj_[key].is_null(); }
  bool is_ref(const char* key) const {
    if (!allow_refs_ || !has(key) || !obj_[key].is_string()) return false;
    return obj_[key].get_ref<const std::string&>().rfind("${", 0) == 0;
  }
  Status str(const char* key, std::string& out, bool required = false) const {
    if (!has(key)) return required ? error(key, "required") : Status::Ok();
    if (!obj_[key].is_string() || obj_[key].get_ref<const std::string&>().empty())
      return error(key, "must be a non-empty string");
    out = obj_[key].get<std::string>();
    return Status::Ok();
  }
  Status boolean(const char* key, bool& out) const {
    if (!has(key) || is_ref(key)) return Status::Ok();
    if (!obj_[key].is_boolean()) return error(key, "must be true or false");
    out = obj_[key].get<bool>();
    return Status::Ok();
  }
  Status error(const char* key, const std::string& what) const {
    return InvalidArgument(prefix_ + key + ": " + what);
  }
  const json& at(const char* key) const { return obj_[key]; }

 private:
  const json& obj_;
  std::string prefix_;
  bool allow_refs_;
};

// Exactly one of create: true / import: true.
Result<bool> create_or_import(const Reader& r) {
  bool create = false, import = false;
  EMU_RETURN_IF_ERROR(r.boolean("create", create));
  EMU_RETURN_IF_ERROR(r.boolean("import", import));
  if (r.is_ref("create") || r.is_ref("import")) return !import;
  if (create == import)
    return r.error("create", "give exactly one of create: true or import: true");
  return create;
}

Status parse_web(const json& obj, bool allow_refs, WebAppArgs& web) {
  if (!obj.is_object()) return InvalidArgument("web_app: must be an object");
  Reader r(obj, "web_app.", allow_refs);
  EMU_ASSIGN_OR_RETURN(web.create, create_or_import(r));
  EMU_RETURN_IF_ERROR(r.str("name", web.name, !web.create));
  EMU_RETURN_IF_ERROR(r.str("identifier_uri", web.identifier_uri));
  if (web.create) {
    EMU_RETURN_IF_ERROR(
        r.keys({"create", "name", "identifier_uri", "home_page_url", "secret_years"}));
    EMU_RETURN_IF_ERROR(r.str("home_page_url", web.home_page_url));
    if (r.has("secret_years") && !r.is_ref("secret_years")) {
      const json& y = r.at("secret_years");
      if (!y.is_number_integer() || (y != 1 && y != 2))
        return r.error("secret_years", "must be 1 or 2");
      web.secret_years = y.get<int>();
    }
    if (web.name.empty()) web.name = "ConfigMgr Server App";  // inferred default
    return Status::Ok();
  }
  EMU_RETURN_IF_ERROR(r.keys({"import", "tenant_id", "tenant_name", "name", "client_id", "secret",
                              "secret_expiry", "identifier_uri"}));
  EMU_RETURN_IF_ERROR(r.str("tenant_id", web.tenant_id, true));
  EMU_RETURN_IF_ERROR(r.str("tenant_name", web.tenant_name));
  EMU_RETURN_IF_ERROR(r.str("client_id", web.client_id, true));
  EMU_RETURN_IF_ERROR(r.str("secret", web.secret, true));
  EMU_RETURN_IF_ERROR(r.str("secret_expiry", web.secret_expiry, true));
  if (!r.is_ref("secret_expiry") && !parse_iso8601(web.secret_expiry).ok())
    return r.error("secret_expiry", "not an ISO 8601 date: '" + web.secret_expiry + "'");
  return Status::Ok();
}

Status parse_client(const json& obj, bool allow_refs, ClientAppArgs& client) {
  if (!obj.is_object()) return InvalidArgument("client_app: must be an object");
  Reader r(obj, "client_app.", allow_refs);
  EMU_ASSIGN_OR_RETURN(client.create, create_or_import(r));
  if (client.create) {
    EMU_RETURN_IF_ERROR(r.keys({"create", "name", "reply_url"}));
    EMU_RETURN_IF_ERROR(r.str("name", client.name));
    EMU_RETURN_IF_ERROR(r.str("reply_url", client.reply_url));
    if (client.name.empty()) client.name = "ConfigMgr Client App";  // inferred default
    return Status::Ok();
  }
  EMU_RETURN_IF_ERROR(r.keys({"import", "name", "client_id"}));
  EMU_RETURN_IF_ERROR(r.str("name", client.name, true));
  return r.str("client_id", client.client_id, true);
}

}  // namespace

Result<WizardArgs> parse_wizard_args(const json& args, bool allow_refs) {
  if (!args.is_object()) return InvalidArgument("args: must be an object");
  Reader r(args, "", allow_refs);
  EMU_RETURN_IF_ERROR(
      r.keys({"service", "name", "description", "environment", "signed_in_as", "password",
              "complete_mfa", "web_app", "client_app", "user_discovery", "expect"}));
  WizardArgs w;
  EMU_RETURN_IF_ERROR(r.str("service", w.service));
  if (!r.is_ref("service") && w.service != "Cloud Management") {
    return r.error("service", "'" + w.service + "' is not emulated (only 'Cloud Management' is)");
  }
  EMU_RETURN_IF_ERROR(r.str("name", w.name));
  if (w.name.empty()) w.name = w.service;
  if (r.has("description") && !r.at("description").is_string())
    return r.error("description", "must be a string");
  if (r.has("description")) w.description = r.at("description").get<std::string>();
  EMU_RETURN_IF_ERROR(r.str("environment", w.environment));
  if (!r.is_ref("environment") && w.environment != "AzurePublicCloud") {
    return r.error("environment",
                   "'" + w.environment + "' is not emulated (only 'AzurePublicCloud' is)");
  }
  EMU_RETURN_IF_ERROR(r.str("signed_in_as", w.signed_in_as));
  EMU_RETURN_IF_ERROR(r.str("password", w.password));
  EMU_RETURN_IF_ERROR(r.boolean("complete_mfa", w.complete_mfa));
  EMU_RETURN_IF_ERROR(r.boolean("user_discovery", w.user_discovery));
  if (!r.has("web_app")) return r.error("web_app", "required");
  if (!r.has("client_app")) return r.error("client_app", "required");
  EMU_RETURN_IF_ERROR(parse_web(r.at("web_app"), allow_refs, w.web));
  EMU_RETURN_IF_ERROR(parse_client(r.at("client_app"), allow_refs, w.client));
  if (w.needs_sign_in() && w.signed_in_as.empty())
    return r.error("signed_in_as", "required to create an app (the admin who signs in)");
  return w;
}

}  // namespace azsvc

Status validate_azure_services_args(const nlohmann::json& args) {
  return azsvc::parse_wizard_args(args, /*allow_refs=*/true).status();
}

}  // namespace emu::site
