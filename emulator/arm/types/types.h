// Resource-type rules: what each resource provider the emulator models checks and stores on a
// PUT (direct or from a deployment), how long it provisions in virtual time, which globally
// unique names it claims, and what a delete does. One ResourceTypeRules per type; types
// without rules are stored as sent (generic tracked resources).
//
// The checks and error codes follow the real providers (README Sources [S1], [S5]; the name
// rules from memdocs "CMG server authentication certificate"; StorageAccountAlreadyTaken and
// VaultAlreadyExists wording inferred): DnsRecordInUse, VaultAlreadyExists,
// StorageAccountAlreadyTaken, AccountNameInvalid, SkuNotAvailable, QuotaExceeded,
// InvalidParameter, ...
#pragma once

#include "emulator/arm/errors.h"
#include "emulator/arm/store/store.h"
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace emu::arm {

// Everything a rule may read or use for one write. References outlive the call; I/O thread.
struct TypeContext {
  ArmStore& store;
  TimePoint now{};
  IdSource& ids;
  std::string subscription_id;
  std::string tenant_id;       // the subscription's tenant
  std::string resource_group;  // canonical name
  std::string group_location;  // the group's region
  std::string id;              // canonical ID of the resource being written
  std::string name;            // last segment of the ID
  std::string api_version;
  const Resource* existing = nullptr;  // the current resource on an update, else nullptr
  // True for a PUT on the resource's own URL, false while a deployment validates or runs it.
  // Only changes how a quota failure is named: Compute answers a direct PUT with 409
  // OperationNotAllowed and a deployment's preflight with QuotaExceeded (same message).
  bool direct_request = false;
};

// What a PUT will do, computed before anything is written.
struct PutPlan {
  // The resource to store: id, subscription_id, resource_group, type, name, location and a
  // body in the shape GET returns (id, name, type, location, tags, sku/kind/identity/zones when
  // given, properties with defaults and computed fields such as fqdn or vaultUri); the
  // provisioning state fields are filled by the caller.
  Resource resource;
  std::vector<NameClaim> claims;  // globally unique names this resource takes (owner = id)
  Duration duration{0};           // virtual time until provisioningState reaches Succeeded
  int create_status = 201;        // reply to a PUT that creates (storage: 202 async, no body)
  int update_status = 200;
};

// What a DELETE will do.
struct DeletePlan {
  Duration duration{0};  // 0 = gone at once (reply 200); else 202 + polling until it is gone
  // A Key Vault is soft-deleted: its name stays claimed (owner "deleted:<id>") and a
  // DeletedVault row keeps it until purged.
  bool soft_delete_vault = false;
};

class ResourceTypeRules {
 public:
  virtual ~ResourceTypeRules() = default;
  // Canonical type, e.g. "Microsoft.Network/publicIPAddresses".
  virtual std::string type() const = 0;
  // Checks `body` (the PUT request body) against the provider's rules and builds the plan,
  // or returns the ARM error the real provider answers. Pure with respect to the store: it may
  // read (names, quotas, existing resources) but never writes.
  virtual Result<PutPlan, ArmError> plan_put(const nlohmann::json& body,
                                             const TypeContext& ctx) const = 0;
  virtual DeletePlan plan_delete(const Resource& existing, const TypeContext& ctx) const;
};

// The rules for `type` (case-insensitive), or nullptr for a type without special rules.
const ResourceTypeRules* find_type_rules(std::string_view type);

// The plan for a tracked resource of a type without rules: location defaults to the group's
// ("global" or a known region, else LocationNotAvailableForResourceType), tags/sku/kind/
// identity/zones/plan/properties copied, duration from the "durations" setting else 0.
Result<PutPlan, ArmError> plan_generic_put(std::string_view type, const nlohmann::json& body,
                                           const TypeContext& ctx);

// Virtual time a PUT of `type` provisions: the store setting "durations" ({type: seconds},
// type matched case-insensitively; seconds a number or a duration string such as "90s" or
// "PT2M"), else `fallback`. Defaults per type (inferred from what Azure takes): public IP
// 10 s, NSG 5 s, virtual network 10 s, load balancer 10 s, vault 20 s, storage 25 s,
// scale set 600 s.
Duration provisioning_duration(const ArmStore& store, std::string_view type, Duration fallback);

// --- Provider operations that are not resource CRUD (all read or write `store`) ---

// GET .../providers/Microsoft.Network/locations/{loc}/CheckDnsNameAvailability
//   ?domainNameLabel= -> {"available": bool}. InvalidParameter-style errors for a missing or
//   malformed label (^[a-z][a-z0-9-]{1,61}[a-z0-9]$).
Result<nlohmann::json, ArmError> check_dns_name_availability(const ArmStore& store,
                                                             std::string_view location,
                                                             std::string_view label);
// POST .../providers/Microsoft.Storage/checkNameAvailability {"name","type"} ->
//   {"nameAvailable":bool,"reason"?:"AccountNameInvalid"|"AlreadyExists","message"?}
Result<nlohmann::json, ArmError> check_storage_name(const ArmStore& store,
                                                    const nlohmann::json& body);
// POST .../providers/Microsoft.KeyVault/checkNameAvailability {"name","type"} ->
//   {"nameAvailable":bool,"reason"?:"AccountNameInvalid"|"AlreadyExists","message"?}
Result<nlohmann::json, ArmError> check_vault_name(const ArmStore& store,
                                                  const nlohmann::json& body);
// The deletedVaults resource as GET returns it (id .../providers/Microsoft.KeyVault/locations/
// {loc}/deletedVaults/{name}, properties.vaultId/location/deletionDate/scheduledPurgeDate/tags).
nlohmann::json deleted_vault_view(const DeletedVault& v);
// GET /subscriptions/{s}/providers/Microsoft.Compute/skus -> {"value":[...]} for the VM sizes
// in every region (or `location_filter`), with a "NotAvailableForSubscription" restriction
// where a size is not offered (see offered_skus).
nlohmann::json list_compute_skus(const ArmStore& store, std::string_view location_filter);

// The VM sizes offered in `region` (store setting "sku_offers" {region: [names]}, where the
// key "*" applies to regions not named; else default_offered_skus()). Canonical casing.
std::vector<std::string> offered_skus(const ArmStore& store, std::string_view region);
// The regional vCPU limit for `family` ("cores" = the regional total) in `region` (store
// setting "quota" {region: {family: limit}}, region "*" for regions not named; else the
// catalog default). Region and family match case-insensitively.
int64_t quota_limit(const ArmStore& store, std::string_view region, std::string_view family);
// vCPUs used in `region` by `family` ("cores" = all) across the subscription's scale sets,
// ignoring the resource with ID `except_id`.
int64_t quota_usage(const ArmStore& store, std::string_view subscription_id,
                    std::string_view region, std::string_view family, std::string_view except_id);

}  // namespace emu::arm
