// Azure AD user discovery (SMS_AZUREAD_DISCOVERY_AGENT): an app-only Graph token with the
// server app's secret, every page of /v1.0/users, then the users stored per tenant. Log wording
// is inferred except the secret error line (README Sources [S9]).

#include "emulator/core/http/message.h"
#include "emulator/site/azure_services/azure_services.h"
#include "emulator/site/azure_services/internal.h"

namespace emu::site {
namespace azsvc {
namespace {

using nlohmann::json;

constexpr const char* kUsersQuery =
    "/v1.0/users?$select=id,userPrincipalName,displayName,mail,accountEnabled&$top=100";
constexpr int kMaxPages = 10000;  // a guard against a nextLink loop

void agent_log(SiteEnv& env, const std::string& message,
               TraceSeverity severity = TraceSeverity::kInfo) {
  env.log(kDiscoveryLog, kDiscoveryComponent, message, severity, kDiscoveryThread);
}

std::string str(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

// Appends the users of one Graph page; the next page's target or "".
std::string read_page(const json& body, const std::string& tenant_id, const std::string& now,
                      std::vector<sitedb::AadUser>& users) {
  if (!body.is_object()) return "";
  auto value = body.find("value");
  if (value != body.end() && value->is_array()) {
    for (const json& u : *value) {
      sitedb::AadUser user;
      user.tenant_id = tenant_id;
      user.object_id = str(u, "id");
      user.upn = str(u, "userPrincipalName");
      user.display_name = str(u, "displayName");
      user.mail = str(u, "mail");
      user.discovered = now;
      if (!user.object_id.empty()) users.push_back(std::move(user));
    }
  }
  std::string next = str(body, "@odata.nextLink");
  return next.empty() ? "" : url_path(next);
}

ActionOutcome outcome(bool ok, std::string message, json output) {
  ActionOutcome o;
  o.kind = ok ? ActionOutcome::Kind::kPassed : ActionOutcome::Kind::kFailed;
  o.message = std::move(message);
  o.output = std::move(output);
  return o;
}

// The tenants a discovery cycle covers: `wanted` (ID or domain) or every tenant with
// discovery on. NotFound when `wanted` is not onboarded.
Result<std::vector<sitedb::AadTenant>> cycle_tenants(SiteEnv& env, const std::string& wanted) {
  std::vector<sitedb::AadTenant> all = env.io([&] { return env.db.tenants(); });
  std::vector<sitedb::AadTenant> out;
  for (const auto& t : all) {
    bool named =
        !wanted.empty() && (http::iequals(t.tenant_id, wanted) || http::iequals(t.domain, wanted));
    if (named || (wanted.empty() && t.user_discovery && !t.disabled)) out.push_back(t);
  }
  if (!wanted.empty() && out.empty())
    return NotFound("tenant '" + wanted + "' is not onboarded to the site");
  return out;
}

// Discovers one tenant and stores its users; the error text on failure ("" on success).
std::string discover_tenant(SiteEnv& env, sitedb::AadTenant tenant, size_t& count) {
  auto web = env.io([&] { return env.db.application(tenant.tenant_id, "web"); });
  if (!web.ok()) {
    agent_log(env, "ERROR: No server application is configured for tenant " + tenant.tenant_id,
              TraceSeverity::kError);
    return web.status().message();
  }
  auto users = discover_users(env, *web);
  if (!users.ok()) return users.error.text();
  tenant.last_discovery = now_iso(env);
  Status stored = env.io([&] {
    Status s = env.db.replace_users(tenant.tenant_id, users.value);
    return s.ok() ? env.db.put_tenant(tenant) : s;
  });
  if (!stored.ok()) {
    agent_log(env, "ERROR: Failed to store discovered users: " + stored.message(),
              TraceSeverity::kError);
    return stored.message();
  }
  count = users.value.size();
  return "";
}

}  // namespace

AzureResult<std::vector<sitedb::AadUser>> discover_users(SiteEnv& env,
                                                         const sitedb::AadApplication& web) {
  AzureResult<std::vector<sitedb::AadUser>> out;
  const std::string& tid = web.tenant_id;
  agent_log(env, "Starting Azure AD user full discovery for tenant " + tid + ".");
  AzureClient client(env.ctx);
  auto token = client.app_token(tid, web.client_id, web.secret, kGraphDefaultScope);
  if (!token.ok()) {
    agent_log(env,
              "ERROR: Failed to acquire a token for application " + web.client_id + ": " +
                  token.error.text(),
              TraceSeverity::kError);
    agent_log(env,
              "Could not obtain application secret for tenant " + tid +
                  ". If this is after a site expansion, please run \"Renew Secret Key\" from "
                  "admin console.",
              TraceSeverity::kError);
    out.error = token.error;
    return out;
  }
  const std::string now = now_iso(env);
  std::string target = kUsersQuery;
  for (int page = 1; !target.empty() && page <= kMaxPages; ++page) {
    auto reply = client.call("graph", "GET", target, token.value.access_token);
    if (!reply.ok()) {
      agent_log(env,
                "ERROR: Microsoft Graph query for users of tenant " + tid +
                    " failed: " + reply.error.text(),
                TraceSeverity::kError);
      out.error = reply.error;
      return out;
    }
    size_t before = out.value.size();
    target = read_page(reply.value.body, tid, now, out.value);
    agent_log(env, "Received " + std::to_string(out.value.size() - before) +
                       " users from Microsoft Graph (page " + std::to_string(page) + ").");
  }
  agent_log(env, "Azure AD user full discovery for tenant " + tid +
                     " completed: " + std::to_string(out.value.size()) + " users discovered.");
  return out;
}

}  // namespace azsvc

ActionOutcome run_user_discovery(SiteEnv& env, const nlohmann::json& args) {
  std::string wanted;
  if (args.is_object() && args.contains("tenant")) {
    if (!args["tenant"].is_string()) return azsvc::outcome(false, "tenant: must be a string", {});
    wanted = args["tenant"].get<std::string>();
  }
  auto tenants = azsvc::cycle_tenants(env, wanted);
  if (!tenants.ok()) return azsvc::outcome(false, tenants.status().message(), nullptr);
  nlohmann::json list = nlohmann::json::array();
  std::string first_error;
  for (const auto& t : *tenants) {
    size_t count = 0;
    std::string error = azsvc::discover_tenant(env, t, count);
    if (error.empty()) {
      list.push_back({{"tenant_id", t.tenant_id}, {"users", count}});
    } else {
      list.push_back({{"tenant_id", t.tenant_id}, {"error", error}});
      if (first_error.empty()) first_error = "tenant " + t.tenant_id + ": " + error;
    }
  }
  nlohmann::json output = {{"tenants", list}};
  if (!first_error.empty()) return azsvc::outcome(false, first_error, output);
  if (list.empty())
    return azsvc::outcome(true, "no tenant has Azure AD user discovery enabled", output);
  return azsvc::outcome(true, "discovered users of " + std::to_string(list.size()) + " tenant(s)",
                        output);
}

}  // namespace emu::site
