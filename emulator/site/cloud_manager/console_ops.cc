// The console's actions on an existing CMG (README Sources [S13]): run due maintenance, Stop
// service, Start service, Delete, and the status view.
//
// Stop/Start change the site's view only (the emulated ARM has no scale-set power actions).
// Delete removes the CMG's resources one by one in reverse deployment order with the server
// app's token (Key Vault keeps the name soft-deleted, as Azure does), then the resource group
// when the wizard created it (it held only the CMG), the lab DNS record and the site record.
#include "emulator/site/cloud_manager/internal.h"

#include <algorithm>
#include <exception>

namespace emu::site {
namespace {

using cloud::str_arg;
using nlohmann::json;

constexpr const char* kGroupsApi = "2021-04-01";

// Runs `fn`, turning an exception (a JSON value of an unexpected type) into a failure.
template <class F>
ActionOutcome guarded(F&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return action_failed(std::string("site.cmg: ") + e.what());
  }
}

ActionOutcome with_service(SiteEnv& env, const json& args,
                           ActionOutcome (*fn)(SiteEnv&, sitedb::CloudService)) {
  return guarded([&] {
    auto s = cloud::find_service(env, str_arg(args, "cmg"));
    if (!s.ok()) return action_failed(s.status().message());
    return fn(env, std::move(s).value());
  });
}

ActionOutcome change_state(SiteEnv& env, sitedb::CloudService s, sitedb::CloudServiceState from,
                           sitedb::CloudServiceState to, const std::string& verb) {
  if (s.state != from)  // inferred wording
    return action_failed("Cannot " + verb + " " + s.name + ": its status is " +
                         sitedb::state_name(s.state) + ", not " + sitedb::state_name(from) + ".");
  cloud::cloud_log(env, "Received request to " + verb + " service " + s.name + ".~~");  // inferred
  s.state = to;
  if (Status saved = cloud::save_service(env, s); !saved.ok())
    return action_failed(saved.message());
  cloud::cloud_log(env, "Service " + s.name + " is " + sitedb::state_name(to) + ".~~");
  return action_passed(s.name + " is " + sitedb::state_name(to), cloud::service_output(s));
}

ActionOutcome stop(SiteEnv& env, sitedb::CloudService s) {
  return change_state(env, std::move(s), sitedb::CloudServiceState::kReady,
                      sitedb::CloudServiceState::kStopped, "stop");
}

ActionOutcome start(SiteEnv& env, sitedb::CloudService s) {
  return change_state(env, std::move(s), sitedb::CloudServiceState::kStopped,
                      sitedb::CloudServiceState::kReady, "start");
}

ActionOutcome show_status(SiteEnv&, sitedb::CloudService s) {
  return action_passed(s.name + " is " + sitedb::state_name(s.state), cloud::service_output(s));
}

ActionOutcome remove_record(SiteEnv& env, const sitedb::CloudService& s) {
  (void)env.dns.remove(s.deployment_name);  // NotFound when it never became Ready
  if (Status removed = env.io([&] { return env.db.remove_cloud_service(s.id); }); !removed.ok())
    return action_failed(removed.message());
  cloud::cloud_log(env, "Service " + s.name + " was deleted.~~");  // inferred
  return action_passed(s.name + " deleted", {{"service_name", s.name}, {"status", "Deleted"}});
}

ActionOutcome remove_service(SiteEnv& env, sitedb::CloudService s) {
  cloud::cloud_log(env, "Starting to delete service " + s.name + ".~~");  // inferred
  // A CMG seeded as already deployed (lab.site.cmg) has no Azure resources in the lab.
  if (s.settings.value("seeded", false)) return remove_record(env, s);
  cloud::CloudOr<cloud::ServerAppToken> auth = cloud::server_app_token(env, s);
  if (!auth.ok()) {
    cloud::cloud_log(
        env, "ERROR: Failed to delete service " + s.name + ": " + auth.error->summary() + "~~",
        TraceSeverity::kError);
    return action_failed("Deleting " + s.name + " failed: " + auth.error->summary());
  }
  cloud::ArmSession arm(env, auth.value.token, &cloud::cloud_log);
  std::vector<cloud::CmgResource> resources =
      cloud::cmg_resources(cloud::plan_for(s, auth.value.app.service_principal_id));
  std::reverse(resources.begin(), resources.end());
  for (const cloud::CmgResource& r : resources) {
    cloud::cloud_log(env, "Resource Manager - Deleting " + r.display + " " + r.name + "~~");
    cloud::CloudOr<bool> gone = arm.remove(r.id, r.api_version);
    if (!gone.ok()) {
      cloud::cloud_log(env, "ERROR: Failed to delete " + r.id + ": " + gone.error->summary() + "~~",
                       TraceSeverity::kError);
      return action_failed("Deleting " + s.name + " failed: " + gone.error->summary());
    }
  }
  if (s.settings.value("resource_group_created", false)) {
    cloud::cloud_log(env, "Resource Manager - Deleting resource group " + s.resource_group + "~~");
    cloud::CloudOr<bool> gone = arm.remove(
        "/subscriptions/" + s.subscription_id + "/resourcegroups/" + s.resource_group, kGroupsApi);
    if (!gone.ok())  // the CMG itself is gone: keep going
      cloud::cloud_log(env,
                       "WARNING: The resource group " + s.resource_group +
                           " was not deleted: " + gone.error->summary() + "~~",
                       TraceSeverity::kWarning);
  }
  return remove_record(env, s);
}

ActionOutcome maintain_all(SiteEnv& env) {
  auto services = env.io([&] { return env.db.cloud_services(); });
  json out = {{"services", json::array()}, {"attempts", 0}};
  for (const sitedb::CloudService& s : services) {
    auto ran = cloud::run_due_task(env, s.name);
    if (!ran.ok()) return action_failed(ran.status().message());
    out["attempts"] = out["attempts"].get<int>() + (*ran ? 1 : 0);
    auto now = cloud::find_service(env, s.name);
    if (now.ok()) out["services"].push_back(cloud::service_output(*now));
  }
  return action_passed(std::to_string(out["attempts"].get<int>()) + " task(s) run", out);
}

ActionOutcome maintain(SiteEnv& env, const json& args) {
  const std::string name = str_arg(args, "cmg");
  const std::string want = str_arg(args, "wait_for");
  if (name.empty()) {
    if (!want.empty()) return action_failed("wait_for: needs cmg (the service name)");
    return maintain_all(env);
  }
  if (want.empty()) {
    auto ran = cloud::run_due_task(env, name);
    if (!ran.ok()) return action_failed(ran.status().message());
    auto s = cloud::find_service(env, name);
    if (!s.ok()) return action_failed(s.status().message());
    json out = cloud::service_output(*s);
    out["attempts"] = *ran ? 1 : 0;
    return action_passed(name + " is " + sitedb::state_name(s->state), out);
  }
  cloud::WaitOutcome waited = cloud::wait_for_status(env, name, want);
  json out = cloud::service_output(waited.service);
  out["attempts"] = waited.attempts;
  if (!waited.status.ok()) {
    ActionOutcome o = action_failed(waited.status.message());
    o.output = std::move(out);
    return o;
  }
  return action_passed(name + " is " + want, out);
}

}  // namespace

ActionOutcome run_cmg_maintenance(SiteEnv& env, const json& args) {
  return guarded([&] { return maintain(env, args); });
}

ActionOutcome stop_cmg(SiteEnv& env, const json& args) { return with_service(env, args, stop); }
ActionOutcome start_cmg(SiteEnv& env, const json& args) { return with_service(env, args, start); }
ActionOutcome delete_cmg(SiteEnv& env, const json& args) {
  return with_service(env, args, remove_service);
}
ActionOutcome cmg_status(SiteEnv& env, const json& args) {
  return with_service(env, args, show_status);
}

}  // namespace emu::site
