// The cloud service manager (SMS_CLOUD_SERVICES_MANAGER, README Sources [S4]): its deployment task
// for one CMG ("CreateDeployment for service <name>" the first time, "Deployment Maintenance
// for service <name>" after a failure, every env.config.maintenance_retry), run with the server
// app's app-only token: one ARM deployment per resource in dependency order, each monitored to
// its end in virtual time; then the console status, the deployment facts and the lab DNS record
// of the deployment name. Failures are written to CloudMgr.log as README Sources [S5] shows them.
#include "emulator/core/http/message.h"
#include "emulator/site/cloud_manager/internal.h"

#include <chrono>
#include <cstdio>
#include <optional>

namespace emu::site::cloud {
namespace {

constexpr const char* kNetworkApi = "2022-07-01";

// What one run of the task achieved.
struct TaskResult {
  std::optional<CloudError> error;
  std::string failed_deployment;  // the deployment that failed, if any
  json facts = json::object();    // public_ip, fqdn, resources, ...
};

std::string admin_password(IdSource& ids) {
  return "Cmg!" + ids.hex(12) + "Aa1";  // meets Windows complexity rules
}

// An address for the DNS record when ARM gave none (it always does for a public IP it created):
// a deterministic 20.x.y.z from the ID source, in Azure's 20.0.0.0/8 public range.
std::string fallback_address(IdSource& ids) {
  const uint64_t v = ids.next_u64();
  char buf[32];
  std::snprintf(buf, sizeof buf, "20.%u.%u.%u", unsigned((v >> 16) & 0xff),
                unsigned((v >> 8) & 0xff), unsigned(v & 0xfe) + 1);
  return buf;
}

TaskResult deploy_service(SiteEnv& env, const sitedb::CloudService& s) {
  TaskResult out;
  CloudOr<ServerAppToken> auth = server_app_token(env, s);
  if (!auth.ok()) {
    out.error = auth.error;
    return out;
  }
  ArmSession arm(env, auth.value.token, &cloud_log);
  CmgPlan plan = plan_for(s, auth.value.app.service_principal_id);
  plan.admin_password = admin_password(env.ctx.ids());
  json ids = json::object();
  std::string pip_id;
  for (const CmgResource& r : cmg_resources(plan)) {
    const std::string name = r.deployment + env.ctx.ids().guid();
    // [C] README Sources [S5] for the public IP; the same pattern for the others (inferred).
    cloud_log(env, "Resource Manager - Creating " + r.display + " " + r.name + " with deployment " +
                       name + "~~");
    CloudOr<json> done = arm.deploy(s.subscription_id, s.resource_group, name, r.resource);
    if (!done.ok()) {
      out.error = done.error;
      out.failed_deployment = name;
      return out;
    }
    cloud_log(env, "Resource Manager - Deployment " + name + " succeeded.~~");  // inferred
    ids[r.display] = r.id;
    if (r.type == "Microsoft.Network/publicIPAddresses") pip_id = r.id;
  }
  CloudOr<AzureReply> pip = arm.request("GET", with_api(pip_id, kNetworkApi));
  const json props = pip.ok() ? pip.value.body.value("properties", json::object()) : json::object();
  std::string address = str_arg(props, "ipAddress");
  if (address.empty()) address = fallback_address(env.ctx.ids());
  out.facts = {{"public_ip", address},
               {"fqdn", str_arg(props.value("dnsSettings", json::object()), "fqdn",
                                deployment_name(plan.prefix, plan.region))},
               {"resources", ids},
               {"key_vault", plan.prefix},
               {"storage_account", storage_account_name(plan.prefix)},
               {"vmss", plan.prefix}};
  return out;
}

// Azure.RequestFailedException's message as Azure.Core renders it ("~~" = line break).
std::string exception_text(const CloudError& e) {
  if (e.exception != "Azure.RequestFailedException")
    return e.code.empty() ? e.message : e.code + ": " + e.message;
  std::string t = e.message + "~~Status: " + std::to_string(e.status) + " (" +
                  std::string(http::reason_phrase(e.status)) + ")~~ErrorCode: " + e.code + "~~~~";
  if (e.status < 400)
    return t +
           "Service request succeeded. Response content and headers are not included to "
           "avoid logging sensitive data.~~";
  return t + "Content:~~" + e.content + "~~";
}

void log_failure(SiteEnv& env, const sitedb::CloudService& s, const std::string& task,
                 const TaskResult& r) {
  const CloudError& e = *r.error;
  const auto kError = TraceSeverity::kError;
  if (!r.failed_deployment.empty() && !e.details.empty())  // inferred: the inner ARM errors
    cloud_log(env,
              "ERROR: Resource Manager - Deployment " + r.failed_deployment + " failed. " +
                  e.summary() + "~~",
              kError);
  const std::string text = exception_text(e);
  // [C] README Sources [S5] (the stack trace is shortened to ConfigMgr's frame).
  std::string where = r.failed_deployment.empty()
                          ? ""
                          : "~~   --- End of inner exception stack trace ---~~   at "
                            "Microsoft.ConfigurationManager.AzureManagement.ResourceManager."
                            "StartAndMonitorDeployment(String resourceGroupName, String "
                            "deploymentName, ArmDeploymentContent deploymentContent, Int32 "
                            "secondsToWait, Int32 timeoutInMinutes)~~";
  cloud_log(env,
            "ERROR: Exception occured for service " + s.name +
                " : System.AggregateException: One or more errors occurred.~~---> " + e.exception +
                ": " + text + where,
            kError);
  cloud_log(env, "TaskManager: Task [" + task + "] status is Faulted~~");
  cloud_log(env,
            "ERROR: TaskManager: Task [" + task + "] has failed. Exception " + e.exception + ", " +
                text + ".~~",
            kError);
  cloud_log(env, "TaskManager: Scheduling task [" + task_name(kTaskMaintenance, s.name) +
                     "] for retry.~~");
}

void apply_success(SiteEnv& env, sitedb::CloudService& s, const std::string& task,
                   const json& facts) {
  s.state = sitedb::CloudServiceState::kReady;
  s.status_description.clear();
  s.next_maintenance.clear();
  s.settings.erase("task");
  s.settings.erase("last_error");
  s.settings.update(facts);
  const std::string ip = str_arg(facts, "public_ip");
  if (Status dns = env.dns.set_a(s.deployment_name, ip); !dns.ok())
    cloud_log(env, "WARNING: lab DNS: " + dns.message(), TraceSeverity::kWarning);
  cloud_log(env, "Deployment of service " + s.name + " succeeded: " + s.deployment_name +
                     " has public IP address " + ip + ".~~");                      // inferred
  cloud_log(env, "TaskManager: Task [" + task + "] status is RanToCompletion~~");  // inferred
}

void apply_failure(SiteEnv& env, sitedb::CloudService& s, const std::string& kind,
                   const std::string& task, const TaskResult& r) {
  log_failure(env, s, task, r);
  s.state = sitedb::CloudServiceState::kError;
  s.status_description = kind == kTaskCreate ? kProvisionFailed : kMaintenanceFailed;
  s.next_maintenance = format_iso8601(env.ctx.clock().now() + env.config.maintenance_retry);
  s.settings["task"] = kTaskMaintenance;
  s.settings["last_error"] = r.error->summary();
}

// Runs the service's task now and records the outcome.
Status run_task(SiteEnv& env, sitedb::CloudService s) {
  const std::string kind = str_arg(s.settings, "task", kTaskMaintenance);
  const std::string task = task_name(kind, s.name);
  s.settings["attempts"] = s.settings.value("attempts", 0) + 1;
  cloud_log(env, "TaskManager: Starting task [" + task + "]~~");  // inferred
  TaskResult r = deploy_service(env, s);
  if (r.error) {
    apply_failure(env, s, kind, task, r);
  } else {
    apply_success(env, s, task, r.facts);
  }
  return save_service(env, s);
}

}  // namespace

CloudOr<ServerAppToken> server_app_token(SiteEnv& env, const sitedb::CloudService& s) {
  CloudOr<ServerAppToken> out;
  auto app = env.io([&] { return env.db.application(s.tenant_id, "web"); });
  if (!app.ok() || app->secret.empty()) {
    CloudError e;
    e.exception = "System.InvalidOperationException";  // inferred
    e.message = "Could not obtain the server app and its secret for tenant " + s.tenant_id + ".";
    out.error = e;
    return out;
  }
  cloud_log(env, "Getting an Azure Resource Manager token for the server app " + app->client_id +
                     " in tenant " + s.tenant_id + ".~~");  // inferred
  AzureClient client(env.ctx);
  AzureResult<AzureToken> token =
      client.app_token(s.tenant_id, app->client_id, app->secret, kArmScope);
  if (!token.ok()) {
    CloudError e = cloud_error(token.error, nullptr);
    e.exception = "Microsoft.Identity.Client.MsalServiceException";  // inferred
    out.error = e;
    return out;
  }
  out.value = {*app, token.value.access_token};
  return out;
}

Result<bool> run_due_task(SiteEnv& env, const std::string& name) {
  EMU_ASSIGN_OR_RETURN(sitedb::CloudService s, find_service(env, name));
  if (s.next_maintenance.empty()) return false;
  EMU_ASSIGN_OR_RETURN(TimePoint due, parse_iso8601(s.next_maintenance));
  if (due > env.ctx.clock().now()) return false;
  EMU_RETURN_IF_ERROR(run_task(env, std::move(s)));
  return true;
}

WaitOutcome wait_for_status(SiteEnv& env, const std::string& name, const std::string& want) {
  WaitOutcome out;
  Clock& clock = env.ctx.clock();
  const TimePoint deadline = clock.now() + env.config.max_wait;
  while (true) {
    auto s = find_service(env, name);
    if (!s.ok()) {
      out.status = s.status();
      return out;
    }
    out.service = *s;
    const std::string state = sitedb::state_name(s->state);
    if (state == want) return out;
    const std::string last = str_arg(s->settings, "last_error");
    const std::string why = last.empty() ? "" : " Last error: " + last;
    if (s->next_maintenance.empty()) {
      out.status = FailedPrecondition(name + " is " + state +
                                      " and no task is scheduled that "
                                      "could make it " +
                                      want + "." + why);
      return out;
    }
    auto due = parse_iso8601(s->next_maintenance);
    if (!due.ok()) {
      out.status = due.status();
      return out;
    }
    if (*due > deadline) {
      out.status = DeadlineExceeded(name + " is still " + state + " (not " + want +
                                    ") after the maximum wait." + why);
      return out;
    }
    if (*due > clock.now()) clock.advance(*due - clock.now());
    auto ran = run_due_task(env, name);
    if (!ran.ok()) {
      out.status = ran.status();
      return out;
    }
    out.attempts += *ran ? 1 : 0;
  }
}

}  // namespace emu::site::cloud
