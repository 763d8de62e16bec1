// The Azure Services wizard (Cloud Management): the admin's interactive sign-in, creating or
// importing the web and native apps through Graph, then recording the Azure environment, the
// tenant and both apps in the site database (only once every step succeeded).

#include "emulator/site/azure_services/azure_services.h"
#include "emulator/site/azure_services/internal.h"

namespace emu::site {
namespace azsvc {
namespace {

using nlohmann::json;

constexpr const char* kSignInScope = "https://graph.microsoft.com/.default offline_access openid";

void ui_log(SiteEnv& env, const std::string& message,
            TraceSeverity severity = TraceSeverity::kInfo) {
  env.log(kAdminUiLog, kAdminUiComponent, message, severity, kAdminUiThread);
}

ActionOutcome wizard_failed(SiteEnv& env, const std::string& step, const AzureError& e) {
  ui_log(env, "ERROR: Azure Services Wizard failed: " + step + ": " + e.text(),
         TraceSeverity::kError);
  ActionOutcome o;
  o.kind = ActionOutcome::Kind::kFailed;
  o.message = step + ": " + e.text();
  o.output = {{"error", e.code}, {"status", e.status}, {"message", e.message}};
  return o;
}

AzureError wizard_error(std::string code, std::string message) {
  AzureError e;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

// The MSAL exception the console reports for a failed sign-in (class names from README
// Sources [S10]; which errors map to which class is inferred).
std::string msal_exception(const AzureError& e) {
  static const char* kUiRequired[] = {"AADSTS50076", "AADSTS50079", "AADSTS50074", "AADSTS65001",
                                      "AADSTS50058"};
  for (const char* code : kUiRequired) {
    if (e.code == code) return "Microsoft.Identity.Client.MsalUiRequiredException";
  }
  return "Microsoft.Identity.Client.MsalServiceException";
}

AzureResult<AzureToken> sign_in(SiteEnv& env, AzureClient& client, const WizardArgs& w) {
  ui_log(env, "Signing in to Azure AD (https://login.microsoftonline.com/organizations) as " +
                  w.signed_in_as + " to get a Microsoft Graph token");
  auto token = client.sign_in_interactive(
      env.config.console_client_id, env.config.console_redirect_uri, w.signed_in_as, w.password,
      kSignInScope, "organizations", w.complete_mfa);
  if (!token.ok()) {
    ui_log(env, "ERROR: " + msal_exception(token.error) + ": " + token.error.text(),
           TraceSeverity::kError);
  } else {
    ui_log(env, "Signed in as " + token.value.upn + " to tenant " + token.value.tenant_id);
  }
  return token;
}

std::string upn_domain(const std::string& upn) {
  size_t at = upn.find('@');
  return at == std::string::npos ? "" : upn.substr(at + 1);
}

// Everything the wizard gathered before it records anything.
struct Gathered {
  std::string tenant_id, domain;
  AppRecord web, client;
};

// Creates or imports both apps; the failing step's error otherwise.
std::optional<std::pair<std::string, AzureError>> gather(SiteEnv& env, const WizardArgs& w,
                                                         AzureClient& client, Gathered& out) {
  GraphSession g{env, client, "", ""};
  if (w.needs_sign_in()) {
    auto token = sign_in(env, client, w);
    if (!token.ok()) return std::make_pair(std::string("Sign-in"), token.error);
    g.token = token.value.access_token;
    g.tenant_id = token.value.tenant_id;
    auto domain = tenant_domain(g);
    out.domain = domain.ok() && !domain.value.empty() ? domain.value : upn_domain(token.value.upn);
  }
  if (w.web.create) {
    auto web = create_web_app(g, w.web);
    if (!web.ok()) return std::make_pair(std::string("Create server application"), web.error);
    out.web = std::move(web.value);
  } else {
    GraphSession app{env, client, "", ""};
    auto web = import_web_app(app, w.web);
    if (!web.ok()) return std::make_pair(std::string("Import server application"), web.error);
    out.web = std::move(web.value);
    if (w.needs_sign_in() && g.tenant_id != w.web.tenant_id) {
      return std::make_pair(std::string("Sign-in"),
                            wizard_error("TenantMismatch",
                                         "The signed-in account belongs to "
                                         "tenant " +
                                             g.tenant_id + ", not the server app's tenant " +
                                             w.web.tenant_id + "."));  // inferred
    }
    if (!w.needs_sign_in()) {
      g.token = app.token;
      g.tenant_id = app.tenant_id;
    }
    if (!w.web.tenant_name.empty()) {
      out.domain = w.web.tenant_name;
    } else if (out.domain.empty()) {
      auto domain = tenant_domain(app);
      if (domain.ok()) out.domain = domain.value;
    }
  }
  out.tenant_id = g.tenant_id;
  if (w.client.create) {
    if (out.web.scope_id.empty()) {
      auto scope = web_app_scope_id(g, out.web.row.client_id);
      if (!scope.ok()) return std::make_pair(std::string("Create client application"), scope.error);
      out.web.scope_id = scope.value;
    }
    auto native = create_client_app(g, w.client, out.web);
    if (!native.ok()) return std::make_pair(std::string("Create client application"), native.error);
    out.client = std::move(native.value);
  } else {
    auto native = import_client_app(g, w.client);
    if (!native.ok()) return std::make_pair(std::string("Import client application"), native.error);
    out.client = std::move(native.value);
  }
  return std::nullopt;
}

Status record(SiteEnv& env, const WizardArgs& w, const Gathered& got) {
  sitedb::AzureEnvironment azure{w.environment, "https://login.microsoftonline.com/",
                                 "https://graph.microsoft.com/", "https://management.azure.com/",
                                 "https://graph.microsoft.com/"};
  sitedb::AadTenant tenant;
  tenant.tenant_id = got.tenant_id;
  tenant.name = w.name;
  tenant.domain = got.domain;
  tenant.environment = w.environment;
  tenant.user_discovery = w.user_discovery;
  return env.io([&] {
    EMU_RETURN_IF_ERROR(env.db.put_environment(azure));
    EMU_RETURN_IF_ERROR(env.db.put_tenant(tenant));
    EMU_RETURN_IF_ERROR(env.db.put_application(got.web.row));
    return env.db.put_application(got.client.row);
  });
}

json output_of(const Gathered& got) {
  const auto& web = got.web.row;
  const auto& native = got.client.row;
  return {{"tenant_id", got.tenant_id},
          {"domain", got.domain},
          {"web_app",
           {{"name", web.name},
            {"app_id", web.client_id},
            {"object_id", web.object_id},
            {"identifier_uri", web.identifier_uri},
            {"secret_expiry", web.secret_expiry}}},
          {"client_app",
           {{"name", native.name},
            {"app_id", native.client_id},
            {"object_id", native.object_id},
            {"redirect_uri", got.client.redirect_uri}}}};
}

}  // namespace
}  // namespace azsvc

ActionOutcome configure_azure_services(SiteEnv& env, const nlohmann::json& args) {
  using namespace azsvc;
  auto parsed = parse_wizard_args(args, /*allow_refs=*/false);
  if (!parsed.ok()) {
    ActionOutcome o;
    o.kind = ActionOutcome::Kind::kFailed;
    o.message = parsed.status().message();
    return o;
  }
  const WizardArgs& w = *parsed;
  ui_log(env, "Azure Services Wizard: configuring '" + w.name + "' (" + w.service + ") in " +
                  w.environment);
  AzureClient client(env.ctx);
  Gathered got;
  if (auto failure = gather(env, w, client, got)) {
    return wizard_failed(env, failure->first, failure->second);
  }
  if (Status s = record(env, w, got); !s.ok()) {
    return wizard_failed(env, "Save", wizard_error("SiteDatabase", s.message()));
  }
  ui_log(env, "Azure Services Wizard completed: tenant " + got.tenant_id + " (" + got.domain +
                  "), server application " + got.web.row.client_id + ", client application " +
                  got.client.row.client_id);
  ActionOutcome o;
  o.message = "'" + w.name + "' configured for tenant " + got.domain;
  o.output = output_of(got);
  if (w.user_discovery) {
    // Discovery runs after the wizard, as the discovery agent does; its failure is reported
    // but does not undo the configuration.
    ActionOutcome d = run_user_discovery(env, {{"tenant", got.tenant_id}});
    const json& tenants = d.output.is_object() ? d.output["tenants"] : json();
    if (d.kind == ActionOutcome::Kind::kPassed && tenants.is_array() && !tenants.empty()) {
      o.output["discovered_users"] = tenants[0]["users"];
    } else {
      o.output["discovery_error"] = d.message;
      o.details.push_back("Azure AD user discovery failed: " + d.message);
    }
  }
  return o;
}

}  // namespace emu::site
