// The console's Azure Services wizard for "Cloud Management" (README Sources [S7]) and the Azure AD
// user discovery that follows it. The admin signs in interactively; the wizard then creates
// (through Microsoft Graph) or imports the web (server) app and the native (client) app and
// records the tenant and both apps in the site database; discovery pages through Graph users
// with the server app's app-only token and stores them.
#pragma once

#include "emulator/core/actions.h"
#include "emulator/site/env.h"

#include <nlohmann/json.hpp>

namespace emu::site {

// Action "site.azure_services.configure". Args (scenario JSON):
//   service ("Cloud Management"), name, environment ("AzurePublicCloud"),
//   signed_in_as (UPN), password (default the lab users' password), complete_mfa (default true),
//   web_app: {create: true, name, identifier_uri (default "https://ConfigMgrService"),
//             home_page_url (default the same), secret_years (1 | 2, default 1)} or
//            {import: true, tenant_id, tenant_name, name, client_id, secret, secret_expiry,
//             identifier_uri},
//   client_app: {create: true, name, reply_url (default "https://ConfigMgrService")} or
//               {import: true, name, client_id},
//   user_discovery (bool, default false), description.
// signed_in_as is required when an app is created; a pure import signs in with nothing but
// the server app's secret (the dialog's "Verify").
// Output: tenant_id, domain, web_app {name, app_id, object_id, identifier_uri, secret_expiry},
// client_app {name, app_id, object_id, redirect_uri}, discovered_users (count) when discovery
// ran, or discovery_error when it failed (the configuration stays recorded: discovery runs
// after the wizard). On failure nothing is recorded in the site database (apps already
// created in the directory stay, as in Entra ID) and the outcome names the service's error
// (Authorization_RequestDenied, AADSTS50076, ...); its output is {error, status, message}.
ActionOutcome configure_azure_services(SiteEnv& env, const nlohmann::json& args);
// The load-time check of those args (InvalidArgument naming the bad key).
Status validate_azure_services_args(const nlohmann::json& args);

// Action "site.azure_services.discover": one full Azure AD user discovery cycle for every
// tenant with discovery on (or `tenant`). Writes SMS_AZUREAD_DISCOVERY_AGENT.log; an expired
// server-app secret fails with the agent's error. Output: {tenants: [{tenant_id, users}]}
// ({tenant_id, error} for a tenant that failed; the outcome then fails, naming the first).
// A tenant that failed keeps its previously discovered users.
ActionOutcome run_user_discovery(SiteEnv& env, const nlohmann::json& args);

}  // namespace emu::site
