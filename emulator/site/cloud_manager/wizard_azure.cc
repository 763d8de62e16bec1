// The Azure pages of the Create Cloud Management Gateway wizard (README Sources [S1], [S7]),
// run with the signed-in administrator's ARM token. Checks the wizard could not make (a provider
// that is not registered yet answers the SKU or DNS check with MissingSubscriptionRegistration) are
// skipped with a warning in SMSAdminUI.log: the deployment reports the problem later (inferred).
#include "emulator/core/http/message.h"
#include "emulator/core/text.h"
#include "emulator/site/cloud_manager/internal.h"

#include <algorithm>
#include <cctype>

namespace emu::site::cloud {
namespace {

constexpr const char* kSubscriptionsApi = "2022-12-01";
constexpr const char* kSkusApi = "2021-07-01";
constexpr const char* kNetworkApi = "2022-07-01";
constexpr const char* kGroupsApi = "2021-04-01";
constexpr const char* kRolesApi = "2022-04-01";
// Built-in role definition IDs (learn.microsoft.com "Azure built-in roles").
constexpr const char* kContributorRole = "b24988ac-6180-42a0-ab88-20f7382dd24c";
constexpr const char* kReaderRole = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

Status azure_failure(const std::string& what, const CloudError& e) {
  return FailedPrecondition(what + ": " + e.summary());
}

// True when the check cannot be made because the namespace is not registered yet.
bool skipped(WizardState& w, const CloudError& e, const std::string& check) {
  if (e.code != "MissingSubscriptionRegistration") return false;
  console_log(w.env, "Skipping the " + check + " check: " + e.message, TraceSeverity::kWarning);
  return true;
}

// "Standard_A2_V2": the wizard's dialog writes the size part in upper case (README Sources [S6]).
std::string dialog_size(const std::string& sku) {
  const std::string prefix = "Standard_";
  return prefix + to_upper(sku.rfind(prefix, 0) == 0 ? sku.substr(prefix.size()) : sku);
}

bool restricted_in(const json& sku, const std::string& region) {
  for (const json& r : sku.value("restrictions", json::array())) {
    if (str_arg(r, "type") != "Location") continue;
    for (const json& v : r.value("values", json::array()))
      if (v.is_string() && to_lower(v.get<std::string>()) == region) return true;
  }
  return false;
}

Status put_role(WizardState& w, ArmSession& arm, const std::string& scope,
                const std::string& role_id, const std::string& role_name) {
  const json body = {
      {"properties",
       {{"roleDefinitionId", "/subscriptions/" + w.subscription +
                                 "/providers/Microsoft.Authorization/roleDefinitions/" + role_id},
        {"principalId", w.server_app.service_principal_id},
        {"principalType", "ServicePrincipal"}}}};
  CloudOr<AzureReply> put =
      arm.request("PUT",
                  with_api(scope + "/providers/Microsoft.Authorization/roleAssignments/" +
                               w.env.ctx.ids().guid(),
                           kRolesApi),
                  body);
  if (!put.ok() && put.error->code != "RoleAssignmentExists")
    return azure_failure("Assigning " + role_name + " to " + w.server_app.name, *put.error);
  console_log(w.env, "Assigned role " + role_name + " on " + scope + " to the server app " +
                         w.server_app.name + " (" + w.server_app.client_id + ")");
  return Status::Ok();
}

}  // namespace

Status choose_subscription(WizardState& w, ArmSession& arm) {
  CloudOr<AzureReply> list = arm.request("GET", with_api("/subscriptions", kSubscriptionsApi));
  if (!list.ok()) return azure_failure("Listing the Azure subscriptions", *list.error);
  const std::string want = str_arg(w.args, "subscription");
  for (const json& s : list.value.body.value("value", json::array())) {
    const std::string id = str_arg(s, "subscriptionId"), name = str_arg(s, "displayName");
    if (!want.empty() && !iequals(want, id) && !iequals(want, name)) continue;
    w.subscription = id;
    w.subscription_name = name;
    return Status::Ok();
  }
  if (!want.empty())
    return NotFound("The subscription '" + want + "' is not available to " + w.admin_upn + ".");
  return FailedPrecondition("No Azure subscription is available to " + w.admin_upn +
                            ".");  // inferred
}

Status check_region(WizardState& w, ArmSession& arm) {
  const std::string want = str_arg(w.args, "region");
  CloudOr<AzureReply> list = arm.request(
      "GET", with_api("/subscriptions/" + w.subscription + "/locations", kSubscriptionsApi));
  if (!list.ok()) return azure_failure("Listing the regions", *list.error);
  for (const json& r : list.value.body.value("value", json::array())) {
    const std::string name = str_arg(r, "name"), display = str_arg(r, "displayName");
    if (!iequals(want, name) && !iequals(want, display)) continue;
    w.region = name;
    w.region_display = display;
    return Status::Ok();
  }
  return InvalidArgument("The region '" + want + "' is not available for the subscription " +
                         w.subscription_name + ".");  // inferred
}

Status check_vm_size(WizardState& w, ArmSession& arm) {
  const std::string filter = http::url_encode("location eq '" + w.region + "'");
  CloudOr<AzureReply> list =
      arm.request("GET", with_api("/subscriptions/" + w.subscription +
                                      "/providers/Microsoft.Compute/skus?%24filter=" + filter,
                                  kSkusApi));
  if (!list.ok()) {
    if (skipped(w, *list.error, "VM size")) return Status::Ok();
    return azure_failure("Listing the VM sizes of " + w.region_display, *list.error);
  }
  for (const json& sku : list.value.body.value("value", json::array())) {
    if (to_lower(str_arg(sku, "name")) != to_lower(w.vm_size)) continue;
    if (str_arg(sku, "resourceType", "virtualMachines") != "virtualMachines") continue;
    if (!restricted_in(sku, w.region)) return Status::Ok();
  }
  // The wizard's dialog, verbatim ([C] README Sources [S6]).
  return FailedPrecondition("The VM size " + dialog_size(w.vm_size) +
                            " is currently not available in the region " + w.region_display +
                            " for this subscription. Please deploy the service in other regions "
                            "or choose a different VM size.");
}

Status check_service_name(WizardState& w, ArmSession& arm) {
  CloudOr<AzureReply> got = arm.request(
      "GET", with_api("/subscriptions/" + w.subscription +
                          "/providers/Microsoft.Network/locations/" + w.region +
                          "/CheckDnsNameAvailability?domainNameLabel=" + http::url_encode(w.prefix),
                      kNetworkApi));
  if (!got.ok()) {
    if (skipped(w, *got.error, "service name availability")) return Status::Ok();
    return azure_failure("Checking the service name " + w.prefix, *got.error);
  }
  if (got.value.body.value("available", true)) return Status::Ok();
  // Inferred wording: the real dialog text is not published.
  return AlreadyExists("The service name " + w.prefix + "." + w.region +
                       ".cloudapp.azure.com is already in use. Specify a different, globally "
                       "unique service name.");
}

Status prepare_resource_group(WizardState& w, ArmSession& arm) {
  const std::string path =
      "/subscriptions/" + w.subscription + "/resourcegroups/" + http::url_encode(w.resource_group);
  CloudOr<AzureReply> got = arm.request("GET", with_api(path, kGroupsApi));
  if (got.ok()) {
    const std::string location = str_arg(got.value.body, "location");
    if (to_lower(location) != w.region)  // inferred wording
      return FailedPrecondition("The resource group " + w.resource_group + " is in " + location +
                                ". Choose a resource group in " + w.region_display +
                                ", the region of the service.");
    return Status::Ok();
  }
  if (got.error->status != 404) return azure_failure("Reading the resource group", *got.error);
  if (!w.create_group)  // inferred wording
    return NotFound("The resource group " + w.resource_group + " does not exist in the " +
                    "subscription " + w.subscription_name + ".");
  CloudOr<AzureReply> put =
      arm.request("PUT", with_api(path, kGroupsApi), json{{"location", w.region}});
  if (!put.ok()) return azure_failure("Creating the resource group", *put.error);
  w.group_created = true;
  console_log(w.env, "Created resource group " + w.resource_group + " in " + w.region);
  return Status::Ok();
}

// Since 1810 the server app gets Contributor on the resource group and Reader on the
// subscription ([C] README Sources [S7]).
Status assign_server_app_roles(WizardState& w, ArmSession& arm) {
  const std::string sub = "/subscriptions/" + w.subscription;
  EMU_RETURN_IF_ERROR(put_role(w, arm, sub + "/resourceGroups/" + w.resource_group,
                               kContributorRole, "Contributor"));
  return put_role(w, arm, sub, kReaderRole, "Reader");
}

}  // namespace emu::site::cloud
