// The Create Cloud Management Gateway wizard (README Sources [S1]) and the cloud service
// manager (SMS_CLOUD_SERVICES_MANAGER on the service connection point, [S4], [S11]) that
// deploys the CMG through ARM with the server app's app-only token, polls the operations, and keeps
// the console status (Provisioning -> Ready, or Error with a status description) in the site
// database, retrying failed work as "Deployment Maintenance" every 20 virtual minutes. Everything
// it does is written to CloudMgr.log.
#pragma once

#include "emulator/core/actions.h"
#include "emulator/site/env.h"

#include <nlohmann/json.hpp>

#include <string>

namespace emu::site {

// VM sizes of the wizard: label -> ARM SKU (README Sources [S1], [S6]).
// "Lab (B2s)" -> Standard_B2s, "Standard (A2_v2)" (default) -> Standard_A2_v2,
// "Large (A4_v2)" -> Standard_A4_v2. The ARM SKU names are accepted too.
Result<std::string> vm_size_sku(const std::string& label);
// "cmg" from "cmg.contoso.com"; InvalidArgument for a wildcard CN without an explicit
// service name, or a prefix that is not a valid DNS label.
Result<std::string> service_prefix(const std::string& service_name);
// "<prefix>.<region>.cloudapp.azure.com" (lower-case region).
std::string deployment_name(const std::string& prefix, const std::string& region);

// Action "site.cmg.create". Args: signed_in_as, password, environment, certificate {pfx
// (path, relative to the lab PKI folder unless absolute), password}, service_name (required for
// a wildcard certificate), description, region, resource_group {create: bool, name},
// vm_size (label or SKU, default "Standard (A2_v2)"), instances (1-16, default 1),
// trusted_roots (array of PEM file names), verify_revocation (default true), enforce_tls12
// (default true), cloud_dp (default true), alerts (false or {outbound_gb, warning_pct,
// critical_pct, storage_gb}), wait_for ("Ready" | "Error" | "Provisioning"; default
// "Provisioning" = return once submitted).
// subscription (ID or display name; default the first one the admin sees).
// Output: service_name, deployment_name, region, resource_group, vm_size, instances, status,
// status_description, id (+ subscription_id, next_maintenance, public_ip, fqdn, resources,
// last_error when known, attempts with wait_for). Validation failures (as the wizard shows
// them, e.g. the VM-size dialog, README Sources [S6]), a failed sign-in or a failed admin-side
// Azure step (resource group, role assignments) record nothing in the site database (a resource
// group the wizard already created stays in Azure). The service prefix is lower-cased.
ActionOutcome create_cmg(SiteEnv& env, const nlohmann::json& args);
Status validate_create_cmg_args(const nlohmann::json& args);

// Action "site.cmg.maintenance": runs every cloud-service task that is due at the current
// virtual time (and, with `wait_for`, advances virtual time by the retry interval until the
// CMG reaches that status or max_wait passes). Args: cmg (service name; without it every
// service's due task runs and the output is {services: [...], attempts}), wait_for.
// Output: service_name, status, status_description, attempts.
ActionOutcome run_cmg_maintenance(SiteEnv& env, const nlohmann::json& args);

// Actions "site.cmg.stop", "site.cmg.start", "site.cmg.delete" (args: cmg). Stop needs Ready,
// Start needs Stopped; they change the site's status only (the emulated ARM has no scale-set
// power actions). Delete removes the Azure resources of the CMG with the server app's token
// (the Key Vault name stays soft-deleted, as in Azure), then the resource group if the wizard
// created it, the lab DNS record and the site's record; if Azure refuses, the record stays.
// Output: service_name, status (or "Deleted").
ActionOutcome stop_cmg(SiteEnv& env, const nlohmann::json& args);
ActionOutcome start_cmg(SiteEnv& env, const nlohmann::json& args);
ActionOutcome delete_cmg(SiteEnv& env, const nlohmann::json& args);

// Action "site.cmg.status" (args: cmg): the console's view of the CMG (status, description,
// deployment facts) without running any task.
ActionOutcome cmg_status(SiteEnv& env, const nlohmann::json& args);

}  // namespace emu::site
