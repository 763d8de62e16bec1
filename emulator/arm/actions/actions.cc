// arm.* scenario actions. Actions "signed in" as a user or an application go through the real
// HTTP path (a token from the lab's Entra ID, then ARM's REST API, polling long-running
// operations while advancing the virtual clock by each Retry-After); setup actions without a
// principal act on ARM's own store directly.
#include "emulator/arm/actions/actions.h"
#include "emulator/arm/arm_service.h"

#include "emulator/arm/actions/http_actions.h"
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/store/provider_registration.h"
#include "emulator/arm/store/store.h"
#include "emulator/core/text.h"

#include <optional>

namespace emu::arm {

using nlohmann::json;

namespace {

const std::vector<std::string> kAuthArgs = {"subscription", "signed_in_as",  "password",
                                            "client_id",    "client_secret", "tenant"};

std::vector<std::string> with_auth(std::vector<std::string> args) {
  args.insert(args.end(), kAuthArgs.begin(), kAuthArgs.end());
  args.push_back("expect");
  return args;
}

Status check_namespaces(const json& args) {
  if (!args.is_object() || !args.contains("namespaces")) return Status::Ok();  // loader reports it
  if (!args["namespaces"].is_array() || args["namespaces"].empty())
    return InvalidArgument("namespaces: must be a non-empty array of provider namespaces");
  for (const auto& ns : args["namespaces"]) {
    if (!ns.is_string()) return InvalidArgument("namespaces: must hold strings");
    if (ns.get<std::string>().find("${") == std::string::npos &&
        find_provider(ns.get<std::string>()) == nullptr)
      return InvalidArgument("namespaces: unknown resource provider '" + ns.get<std::string>() +
                             "'");
  }
  return Status::Ok();
}

// --- Direct (store) implementations ---

ActionOutcome set_setting_entry(ActionContext& ctx, ArmStore& store, const std::string& key,
                                const std::string& region, const json& value,
                                const std::string& what) {
  Status s = on_io(ctx, [&]() -> Status {
    json all = store.setting(key).value_or(json::object());
    all[region] = value;
    return store.put_setting(key, all);
  });
  if (!s.ok()) return action_failed(s.message());
  return action_passed(what, {{"region", region}, {key, value}});
}

ActionOutcome run_sku_offer(const json& args, ActionContext& ctx, ArmStore& store) {
  const Region* r = find_region(args["region"].get<std::string>());
  if (r == nullptr) return action_failed("region: unknown region " + args["region"].dump());
  return set_setting_entry(ctx, store, "sku_offers", r->name, args["skus"],
                           "VM sizes offered in " + r->name + ": " + args["skus"].dump());
}

ActionOutcome run_quota_set(const json& args, ActionContext& ctx, ArmStore& store) {
  const Region* r = find_region(args["region"].get<std::string>());
  if (r == nullptr) return action_failed("region: unknown region " + args["region"].dump());
  Status s = on_io(ctx, [&]() -> Status {
    json all = store.setting("quota").value_or(json::object());
    all[r->name][args["family"].get<std::string>()] = args["limit"];
    return store.put_setting("quota", all);
  });
  if (!s.ok()) return action_failed(s.message());
  return action_passed("quota " + args["family"].get<std::string>() + " in " + r->name + " = " +
                           args["limit"].dump(),
                       {{"region", r->name}, {"family", args["family"]}, {"limit", args["limit"]}});
}

ActionOutcome run_durations_set(const json& args, ActionContext& ctx, ArmStore& store) {
  auto d = parse_duration(args["duration"].get<std::string>());
  if (!d.ok()) return action_failed("duration: " + d.status().message());
  const double secs = std::chrono::duration<double>(*d).count();
  const std::string type = args["type"].get<std::string>();
  Status s = on_io(ctx, [&]() -> Status {
    if (type == "providers") return store.put_setting("provider_delay", secs);
    json all = store.setting("durations").value_or(json::object());
    all[type] = secs;
    return store.put_setting("durations", all);
  });
  if (!s.ok()) return action_failed(s.message());
  return action_passed(type + " takes " + args["duration"].get<std::string>(),
                       {{"type", type}, {"seconds", secs}});
}

ActionOutcome run_name_reserve(const json& args, ActionContext& ctx, ArmStore& store) {
  const std::string kind = args["kind"].get<std::string>();
  std::string key = to_lower(args["name"].get<std::string>());
  if (kind == "dns") {
    const Region* r =
        args.contains("region") ? find_region(args["region"].get<std::string>()) : nullptr;
    if (r == nullptr) return action_failed("region: required for a DNS label (e.g. \"japaneast\")");
    key += "." + r->name;
  }
  Status s = on_io(ctx, [&] { return store.claim_name({kind, key, "reserved"}); });
  if (!s.ok()) return action_failed(s.message());
  return action_passed(kind + " name '" + key + "' is taken (outside the lab)",
                       {{"kind", kind}, {"key", key}});
}

ActionOutcome run_resource_expect(const json& args, ActionContext& ctx, ArmStore& store) {
  const std::string id = args["id"].get<std::string>();
  auto found = on_io(ctx, [&]() -> Result<Resource> {
    EMU_RETURN_IF_ERROR(store.settle(ctx.clock().now()));
    return store.find_resource(id);
  });
  json out = {{"id", id}, {"exists", found.ok()}};
  if (found.ok()) {
    out["provisioning_state"] = found->state;
    out["resource"] = found->view();
  }
  if (args.contains("state")) {
    const std::string want = args["state"].get<std::string>();
    const std::string got = found.ok() ? found->state : "(missing)";
    if (got != want)
      return action_failed(id + ": provisioningState is " + got + ", expected " + want);
  }
  return action_passed(id + (found.ok() ? ": " + found->state : ": not found"), std::move(out));
}

Status require_strings(const json& args, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (args.contains(k) && !args[k].is_string())
      return InvalidArgument(std::string(k) + ": must be a string");
  return Status::Ok();
}

}  // namespace

namespace {

std::vector<ActionDef> definitions(ArmStore* store) {
  auto impl = [store](ActionOutcome (*fn)(const json&, ActionContext&, ArmStore&)) -> ActionFn {
    if (store == nullptr) return nullptr;
    return [fn, store](const json& args, ActionContext& ctx) { return fn(args, ctx, *store); };
  };
  auto http_impl = [store](ActionOutcome (*fn)(const json&, ActionContext&)) -> ActionFn {
    if (store == nullptr) return nullptr;
    return fn;
  };
  return {
      {"arm.providers.register",
       "Check resource providers in the subscription, register the NotRegistered ones, wait "
       "until all are Registered (outputs: providers)",
       {"namespaces"},
       with_auth({"wait", "wait_timeout"}),
       http_impl(run_providers_register),
       check_namespaces},
      {"arm.providers.unregister",
       "Unregister resource providers and wait until they are Unregistered (outputs: providers)",
       {"namespaces"},
       with_auth({"wait", "wait_timeout"}),
       http_impl(run_providers_unregister),
       check_namespaces},
      {"arm.group.create",
       "Create (or update) a resource group (outputs: id, name, location)",
       {"name", "location"},
       with_auth({"tags"}),
       http_impl(run_group_create),
       [](const json& a) {
         return require_strings(a, {"name", "location"});
       }},
      {"arm.group.delete",
       "Delete a resource group and wait until it and everything in it is gone (key vaults "
       "stay soft-deleted)",
       {"name"},
       with_auth({"wait", "wait_timeout"}),
       http_impl(run_group_delete),
       [](const json& a) { return require_strings(a, {"name"}); }},
      {"arm.deploy",
       "Deploy an ARM template to a resource group and wait for the result in virtual time "
       "(outputs: name, provisioning_state, outputs, error, resources, virtual_seconds)",
       {"resource_group", "template"},
       with_auth({"name", "parameters", "mode", "wait", "wait_timeout"}),
       http_impl(run_deploy),
       [](const json& a) {
         return require_strings(a, {"resource_group", "name", "mode"});
       }},
      {"arm.sku.offer",
       "Set the VM sizes a region offers (others fail with SkuNotAvailable)",
       {"region", "skus"},
       {"expect"},
       impl(run_sku_offer),
       [](const json& a) {
         if (a.contains("skus") && !a["skus"].is_array())
           return InvalidArgument("skus: must be an array of VM sizes");
         return require_strings(a, {"region"});
       }},
      {"arm.quota.set",
       "Set a regional vCPU quota for a VM family, or \"cores\" for the regional total",
       {"region", "family", "limit"},
       {"expect"},
       impl(run_quota_set),
       [](const json& a) {
         if (a.contains("limit") &&
             (!a["limit"].is_number_integer() || a["limit"].get<int64_t>() < 0))
           return InvalidArgument("limit: must be a non-negative integer");
         return require_strings(a, {"region", "family"});
       }},
      {"arm.durations.set",
       "Set how long a resource type (or \"providers\" registration) takes in virtual time",
       {"type", "duration"},
       {"expect"},
       impl(run_durations_set),
       [](const json& a) {
         EMU_RETURN_IF_ERROR(require_strings(a, {"type", "duration"}));
         if (a.contains("duration") &&
             a["duration"].get<std::string>().find("${") == std::string::npos)
           return parse_duration(a["duration"].get<std::string>())
               .status()
               .with_context("duration");
         return Status::Ok();
       }},
      {"arm.name.reserve",
       "Take a globally unique name outside the lab: a DNS label (kind dns + region), a Key "
       "Vault name (vault) or a storage account name (storage)",
       {"kind", "name"},
       {"region", "expect"},
       impl(run_name_reserve),
       [](const json& a) {
         EMU_RETURN_IF_ERROR(require_strings(a, {"kind", "name", "region"}));
         const std::string k = a.value("kind", std::string("dns"));
         if (k != "dns" && k != "vault" && k != "storage")
           return InvalidArgument("kind: must be dns, vault or storage");
         return Status::Ok();
       }},
      {"arm.resource.expect",
       "Read a resource by ID (outputs: exists, provisioning_state, resource); fails when "
       "\"state\" is given and differs",
       {"id"},
       {"state", "expect"},
       impl(run_resource_expect),
       [](const json& a) {
         return require_strings(a, {"id", "state"});
       }},
  };
}

}  // namespace

void declare_arm_actions(ActionRegistry& registry) {
  for (ActionDef& d : definitions(nullptr))
    if (registry.find(d.name) == nullptr) registry.add(std::move(d));
}

void register_arm_actions(ActionRegistry& registry, const ActionDeps& deps) {
  for (ActionDef& d : definitions(&deps.store)) registry.add(std::move(d));
}

}  // namespace emu::arm
