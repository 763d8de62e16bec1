// ArmStore: the ARM party's state in its own SQLite database ("arm" in the StateDir):
// subscriptions, provider registrations, resource groups, resources, deployments, long-running
// operations, role assignments, globally unique names (DNS labels, vault and storage account
// names), soft-deleted vaults and the scenario knobs (SKU offers, quotas, delays).
//
// Time-driven changes (a provider finishing registration, a resource finishing provisioning,
// a resource group finishing deletion) are stored with the virtual time they happen at and
// applied by settle(now), which every request and action calls first: the state is a pure
// function of the operations and the clock, so runs are deterministic.
//
// Keys: IDs are compared case-insensitively (stored with a lower-case key column), and kept
// in the casing they were created with for replies. Not thread-safe: the lab's I/O thread.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/status.h"
#include "emulator/core/store/database.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::arm {

struct Subscription {
  std::string id;  // GUID
  std::string display_name;
  std::string tenant_id;
  std::string state = "Enabled";
};

// A provider's registration in one subscription. Providers without a row are NotRegistered
// (registration-free ones are always Registered).
struct ProviderRegistration {
  std::string subscription_id;
  std::string ns;             // canonical namespace
  std::string state;          // Registered, NotRegistered, Registering, Unregistering, Unregistered
  std::string pending_state;  // "" or the state reached at settles_at
  TimePoint settles_at{};
};

struct ResourceGroup {
  std::string subscription_id;
  std::string name;  // as created
  std::string location;
  nlohmann::json tags = nlohmann::json::object();
  std::string managed_by;
  std::string state = "Succeeded";  // "Deleting" while a delete runs
  TimePoint deleted_at{};           // when state == "Deleting": when it is gone
  std::string id() const;           // /subscriptions/{s}/resourceGroups/{name}
};

struct Resource {
  std::string id;  // canonical: /subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}
  std::string subscription_id;
  std::string resource_group;
  std::string type;  // "Microsoft.Network/publicIPAddresses"
  std::string name;
  std::string location;
  // The resource as GET returns it, except properties.provisioningState (filled from `state`).
  nlohmann::json body = nlohmann::json::object();
  std::string state = "Succeeded";  // provisioningState now: Creating/Updating/Deleting/...
  std::string final_state;          // "" or the state reached at settles_at (Succeeded/Failed)
  TimePoint settles_at{};
  bool delete_when_settled = false;  // a running delete: the row goes at settles_at
  TimePoint created_at{}, changed_at{};
  std::string deployment;  // name of the deployment that created it, or ""
  // The body with properties.provisioningState = state.
  nlohmann::json view() const;
};

struct Deployment {
  std::string id;  // .../resourceGroups/{rg}/providers/Microsoft.Resources/deployments/{name}
  std::string subscription_id;
  std::string resource_group;
  std::string name;
  // properties as GET returns them, except provisioningState, timestamp and duration.
  nlohmann::json properties = nlohmann::json::object();
  // [{"operationId","resourceId","resourceType","resourceName","state","startsAt","settlesAt",
  //   "statusCode","error"?}] in start order: the deployment operations.
  nlohmann::json operations = nlohmann::json::array();
  std::string state = "Accepted";  // Accepted/Running until settles_at, then final_state
  std::string final_state = "Succeeded";
  TimePoint created_at{}, settles_at{};
  nlohmann::json error;  // null, or the DeploymentFailed error object once failed
};

// A long-running operation a client polls (Azure-AsyncOperation / Location URLs).
struct Operation {
  std::string id;  // GUID
  std::string subscription_id;
  std::string kind;      // "resource.put", "resource.delete", "group.delete", "deployment"...
  std::string target;    // the resource / group / deployment ID
  std::string location;  // region of the resource ("" for group/deployment ops)
  TimePoint started_at{}, settles_at{};
  std::string final_status = "Succeeded";  // Succeeded / Failed / Canceled
  nlohmann::json error;                    // null, or the error object when Failed
  // "InProgress" before settles_at (deployments show "Running"), final_status after.
  std::string status_at(TimePoint now) const;
};

struct RoleAssignment {
  std::string id;              // GUID (the name of the roleAssignments resource)
  std::string scope;           // "/subscriptions/{s}" or ".../resourceGroups/{rg}" or a resource ID
  std::string role;            // "Owner", "Contributor", "Reader"
  std::string principal_id;    // object ID (user or service principal)
  std::string principal_type;  // "User", "ServicePrincipal"
  TimePoint created_at{};
};

// A globally unique name claimed by a resource, or pre-taken by a scenario ("reserved").
//   kind "dns":     key "<label>.<region>"   (public IP domainNameLabel, per region)
//   kind "vault":   key "<name>"             (Key Vault names, worldwide; kept while soft-deleted)
//   kind "storage": key "<name>"             (storage account names, worldwide)
struct NameClaim {
  std::string kind;
  std::string key;    // lower-case
  std::string owner;  // resource ID, "reserved", or "deleted:<vault ID>"
};

struct DeletedVault {
  std::string name;
  std::string subscription_id;
  std::string location;
  std::string vault_id;  // the ID it had
  TimePoint deleted_at{}, scheduled_purge_at{};
  nlohmann::json tags = nlohmann::json::object();
};

class ArmStore {
 public:
  // Creates the tables (migrations) in `db`, which must outlive the store.
  static Result<std::unique_ptr<ArmStore>> open(store::Database& db);
  ~ArmStore();

  // Applies every change due at or before `now` (see the header comment).
  Status settle(TimePoint now);
  // Drops everything (Lab reset).
  Status clear();

  // Subscriptions.
  Status put_subscription(const Subscription& s);
  Result<Subscription> find_subscription(std::string_view id) const;  // NotFound
  std::vector<Subscription> subscriptions() const;                    // ordered by id

  // Providers.
  Status put_provider(const ProviderRegistration& p);
  // NotFound when the subscription has no row for `ns`.
  Result<ProviderRegistration> find_provider(std::string_view subscription_id,
                                             std::string_view ns) const;
  std::vector<ProviderRegistration> providers(std::string_view subscription_id) const;

  // Resource groups.
  Status put_group(const ResourceGroup& g);  // insert or replace (key: subscription + name ci)
  Result<ResourceGroup> find_group(std::string_view subscription_id, std::string_view name) const;
  std::vector<ResourceGroup> groups(std::string_view subscription_id) const;     // by name
  Status delete_group(std::string_view subscription_id, std::string_view name);  // + contents

  // Resources.
  Status put_resource(const Resource& r);                     // insert or replace (key: id ci)
  Result<Resource> find_resource(std::string_view id) const;  // NotFound
  // Filters: empty = any. Ordered by id (case-insensitive).
  std::vector<Resource> resources(std::string_view subscription_id, std::string_view group,
                                  std::string_view type) const;
  Status delete_resource(std::string_view id);  // also frees its name claims

  // Deployments.
  Status put_deployment(const Deployment& d);
  Result<Deployment> find_deployment(std::string_view subscription_id, std::string_view group,
                                     std::string_view name) const;
  std::vector<Deployment> deployments(std::string_view subscription_id,
                                      std::string_view group) const;
  Status delete_deployment(std::string_view id);

  // Operations.
  Status put_operation(const Operation& op);
  Result<Operation> find_operation(std::string_view id) const;

  // Role assignments.
  Status put_role_assignment(const RoleAssignment& a);
  Result<RoleAssignment> find_role_assignment(std::string_view id) const;
  // Every assignment of `principal_id` (any scope); every assignment at or under `scope`
  // when principal_id is empty.
  std::vector<RoleAssignment> role_assignments(std::string_view principal_id,
                                               std::string_view scope) const;
  Status delete_role_assignment(std::string_view id);

  // Global names.
  Status claim_name(const NameClaim& c);  // AlreadyExists when taken (by anyone)
  Result<NameClaim> find_name(std::string_view kind, std::string_view key) const;
  Status release_name(std::string_view kind, std::string_view key);
  Status release_names_of(std::string_view owner);  // every claim of a resource ID

  // Soft-deleted vaults (key: name ci).
  Status put_deleted_vault(const DeletedVault& v);
  Result<DeletedVault> find_deleted_vault(std::string_view name) const;
  std::vector<DeletedVault> deleted_vaults(std::string_view subscription_id) const;
  Status purge_deleted_vault(std::string_view name);  // also frees the "vault" name
  // Deletes the vault resource and keeps it as a DeletedVault (retention from
  // properties.softDeleteRetentionInDays, default 90 days) whose name stays claimed
  // (owner "deleted:<vault ID>") until purged.
  Status soft_delete_vault(const Resource& vault, TimePoint now);

  // Scenario knobs, as JSON values by key: "provider_delay" (seconds), "sku_offers"
  // ({region: [sku names]}), "quota" ({region: {family: limit}}), "durations" ({type: seconds}).
  Result<nlohmann::json> setting(std::string_view key) const;  // NotFound when unset
  Status put_setting(std::string_view key, const nlohmann::json& value);

 private:
  explicit ArmStore(store::Database& db);
  Status refresh_next_due();
  store::Database& db_;
  // Earliest settles_at / deleted_at of anything pending; settle() is a no-op before it.
  TimePoint next_due_{};
};

}  // namespace emu::arm
