// Internals of the Create Cloud Management Gateway wizard and the cloud service manager
// (cloud_manager/*.cc): the certificate loader, the ARM session the manager and the wizard
// share (429 retries, long-running operations in virtual time), the CMG resource set, the
// task runner and the small helpers they have in common. Not part of the site's API.
#pragma once

#include "emulator/site/azure_client.h"
#include "emulator/site/cloud_manager/cloud_manager.h"
#include "emulator/site/env.h"
#include "emulator/sitedb/site_db.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace emu::site::cloud {

using nlohmann::json;

// Task kinds of the cloud service manager ("CreateDeployment for service <name>" [C3]:
// community CloudMgr.log posts; "Deployment Maintenance for service <name>" [C]: README
// Sources [S5]).
inline constexpr const char* kTaskCreate = "CreateDeployment";
inline constexpr const char* kTaskMaintenance = "Deployment Maintenance";
// "<kind> for service <name>".
std::string task_name(const std::string& kind, const std::string& service);

// Console status descriptions of a failed task: maintenance [C] (README Sources [S5]); the first
// deployment's wording is inferred from the docs' "fails to provision the service in Azure".
inline constexpr const char* kMaintenanceFailed = "Failed to perform maintenance";
inline constexpr const char* kProvisionFailed = "Failed to provision the service";

inline constexpr const char* kArmScope = "https://management.azure.com/.default";
inline constexpr const char* kConsoleScope = "https://management.azure.com/.default offline_access";

// --- args ---

// args[key] as a string when it is one, else `fallback`.
std::string str_arg(const json& args, const char* key, std::string fallback = "");
// The console's view of a cloud service (the output of every site.cmg.* action).
json service_output(const sitedb::CloudService& service);
// Appends to CloudMgr.log / SMSAdminUI.log.
void cloud_log(SiteEnv& env, const std::string& message,
               TraceSeverity severity = TraceSeverity::kInfo);
void console_log(SiteEnv& env, const std::string& message,
                 TraceSeverity severity = TraceSeverity::kInfo);
// The site DB's cloud service `name` (NotFound naming it).
Result<sitedb::CloudService> find_service(SiteEnv& env, const std::string& name);
Status save_service(SiteEnv& env, const sitedb::CloudService& service);

// --- the server-authentication certificate (.pfx) ---

struct PfxCertificate {
  std::string common_name;  // subject CN, e.g. "cmg.contoso.com" or "*.contoso.com"
  std::string thumbprint;   // SHA-1 of the DER, upper-case hex
  std::string cert_pem;     // the certificate, then the .pfx's other certificates
  std::string key_pem;      // its private key (unencrypted PKCS#8)
};
// Opens a PKCS#12 file with `password`: NotFound if the file is missing, InvalidArgument if
// it does not parse / the password is wrong / it holds no certificate, private key or CN.
Result<PfxCertificate> load_pfx(const std::string& path, const std::string& password);
// `name` when absolute, else "<dir>/<name>".
std::string resolve_path(const std::string& dir, const std::string& name);

// --- ARM ---

// A failed Azure call as the manager reports it: the .NET exception it would have caught and
// the service's error (with the inner errors of a failed deployment).
struct CloudError {
  std::string exception = "Azure.RequestFailedException";
  int status = 0;    // HTTP status of the reply that carried the error (200 for a
                     // DeploymentFailed read from the operation status)
  std::string code;  // ARM error code, or AADSTS... for a token failure
  std::string message;
  std::string content;  // the reply body (compact JSON) of a refused request, or ""
  std::vector<std::pair<std::string, std::string>> details;  // inner (code, message)
  // "<code>: <message>" followed by "; <inner code>: <inner message>" for each inner error.
  std::string summary() const;
};

template <class T>
struct CloudOr {
  bool ok() const { return !error.has_value(); }
  T value{};
  std::optional<CloudError> error;
};

// Maps an AzureClient failure (and the reply body, if any) to a CloudError.
CloudError cloud_error(const AzureError& error, const json& body);

// Bearer calls to ARM as one principal. Throttled requests (429) are retried after their
// Retry-After (virtual time advances by it), at most kMaxThrottleRetries times; each retry is
// logged with `log` (CloudMgr.log or SMSAdminUI.log). Runs on the action's thread.
class ArmSession {
 public:
  static constexpr int kMaxThrottleRetries = 8;
  using LogFn = void (*)(SiteEnv&, const std::string&, TraceSeverity);
  ArmSession(SiteEnv& env, std::string token, LogFn log)
      : env_(env), client_(env.ctx), token_(std::move(token)), log_(log) {}

  // `target` is the path with its query (api-version included). Statuses < 400 are replies.
  CloudOr<AzureReply> request(const std::string& method, const std::string& target,
                              const json& body = nullptr);
  // PUT a one-resource template deployment `name` into `group` and monitor it to its end,
  // advancing virtual time by max(Retry-After, kMonitorInterval) between polls. A preflight
  // refusal, a Failed/Canceled deployment or a monitoring timeout is the error.
  CloudOr<json> deploy(const std::string& subscription, const std::string& group,
                       const std::string& name, const json& resource);
  // DELETE `id` (api-version `api`) and wait for its long-running operation, if any.
  CloudOr<bool> remove(const std::string& id, const std::string& api);
  SiteEnv& env() { return env_; }

 private:
  SiteEnv& env_;
  AzureClient client_;
  std::string token_;
  LogFn log_;
};

// "<path>?api-version=<v>" (or "&api-version=" when `path` has a query).
std::string with_api(const std::string& path, const std::string& api_version);

// --- the CMG resource set (README Sources [S4]) ---

struct CmgPlan {
  std::string prefix;  // the service prefix: VMSS, Key Vault and DNS label name
  std::string region;  // ARM location
  std::string subscription, resource_group, tenant_id;
  std::string server_app_object_id;  // service principal of the server app (vault access)
  std::string vm_size;
  int instances = 1;
  bool enforce_tls12 = true;
  std::string admin_password;  // VMSS local administrator (kept in the Key Vault in Azure)
};

struct CmgResource {
  std::string display;     // "Public IP Address" (the CloudMgr.log wording)
  std::string deployment;  // deployment name prefix, "CreatePublicIPAddress"
  std::string type;        // "Microsoft.Network/publicIPAddresses"
  std::string name;
  std::string api_version;
  std::string id;  // full resource ID
  json resource;   // the template resource
};

// The plan of an existing service (prefix, region, group, size... from its site record).
CmgPlan plan_for(const sitedb::CloudService& service, const std::string& server_app_object_id);

// The seven resources in deployment order: storage account, key vault, NSG, virtual network,
// public IP (DNS label = prefix), load balancer, scale set.
std::vector<CmgResource> cmg_resources(const CmgPlan& plan);
// The storage account name for a prefix (3-24 lower-case letters and digits; inferred).
std::string storage_account_name(const std::string& prefix);

// --- the wizard ---

// What the Create Cloud Management Gateway wizard has gathered so far.
struct WizardState {
  explicit WizardState(SiteEnv& e, const json& a) : env(e), args(a) {}
  SiteEnv& env;
  const json& args;
  PfxCertificate cert;
  std::string service_name, prefix, vm_size;
  int instances = 1;
  sitedb::AadApplication server_app;  // the web app of the onboarded tenant
  std::string admin_token, admin_upn;
  std::string subscription, subscription_name;
  std::string region, region_display;  // ARM name and display name ("West US 3")
  std::string resource_group;
  bool create_group = false, group_created = false;
};

// The Azure pages of the wizard, with the admin's token (each returns the wizard's message as
// an error): pick the subscription, resolve the region, check that the region offers the VM
// size and that the DNS label is free, create or check the resource group, and give the
// server app Contributor on the group and Reader on the subscription.
Status choose_subscription(WizardState& w, ArmSession& arm);
Status check_region(WizardState& w, ArmSession& arm);
Status check_vm_size(WizardState& w, ArmSession& arm);
Status check_service_name(WizardState& w, ArmSession& arm);
Status prepare_resource_group(WizardState& w, ArmSession& arm);
Status assign_server_app_roles(WizardState& w, ArmSession& arm);

// --- the cloud service manager's tasks ---

// The server app's app-only ARM token for the service's tenant, and the app (for its service
// principal). The error is the token service's (AADSTS7000222 for an expired secret).
struct ServerAppToken {
  sitedb::AadApplication app;
  std::string token;
};
CloudOr<ServerAppToken> server_app_token(SiteEnv& env, const sitedb::CloudService& service);

// Runs the task of `name` if one is due at the current virtual time. Returns whether a task
// ran; NotFound for an unknown service.
Result<bool> run_due_task(SiteEnv& env, const std::string& name);

struct WaitOutcome {
  Status status;  // OK when the service reached the wanted status
  sitedb::CloudService service;
  int attempts = 0;  // tasks run
};
// Runs due tasks of `name`, advancing virtual time to the next scheduled one, until the
// service is in status `want` ("Ready", "Error", "Provisioning", ...) or env.config.max_wait
// passed (DeadlineExceeded with the last error) or nothing is scheduled any more
// (FailedPrecondition).
WaitOutcome wait_for_status(SiteEnv& env, const std::string& name, const std::string& want);

}  // namespace emu::site::cloud
