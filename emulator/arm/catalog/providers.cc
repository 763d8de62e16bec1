// The resource providers the emulator serves (declared in catalog/catalog.h): namespaces, resource
// types, api-versions (newest first) and capabilities. The versions are real versions of each
// provider and include every version the target clients send (README Sources [S6]:
// 2019-11-01, 2021-04-01, 2022-09-01, 2022-07-01, 2022-11-01, 2020-06-01, 2025-04-01,
// 2026-03-01, 2025-05-01, ...); Azure's own lists are longer.
#include "emulator/arm/catalog/catalog.h"

namespace emu::arm {
namespace {

using Versions = std::vector<std::string>;

const Versions& compute_versions() {
  static const Versions k = {
      "2026-03-01", "2025-04-01", "2024-11-01",         "2024-07-01", "2024-03-01", "2023-09-01",
      "2023-07-01", "2023-03-01", "2022-11-01",         "2022-08-01", "2022-03-01", "2021-11-01",
      "2021-07-01", "2021-04-01", "2021-03-01",         "2020-12-01", "2020-06-01", "2019-12-01",
      "2019-07-01", "2019-03-01", "2018-10-01",         "2018-06-01", "2018-04-01", "2017-12-01",
      "2017-03-30", "2016-08-30", "2016-04-30-preview", "2016-03-30", "2015-06-15"};
  return k;
}

const Versions& network_versions() {
  static const Versions k = {
      "2025-05-01", "2025-03-01", "2025-01-01", "2024-10-01",        "2024-07-01", "2024-05-01",
      "2024-03-01", "2024-01-01", "2023-11-01", "2023-09-01",        "2023-06-01", "2023-05-01",
      "2023-04-01", "2023-02-01", "2022-11-01", "2022-09-01",        "2022-07-01", "2022-05-01",
      "2022-01-01", "2021-08-01", "2021-05-01", "2021-03-01",        "2021-02-01", "2020-11-01",
      "2020-08-01", "2020-07-01", "2020-06-01", "2020-05-01",        "2020-04-01", "2020-03-01",
      "2019-12-01", "2019-11-01", "2019-09-01", "2019-08-01",        "2019-07-01", "2019-06-01",
      "2019-04-01", "2019-02-01", "2018-12-01", "2018-11-01",        "2018-10-01", "2018-08-01",
      "2018-07-01", "2018-06-01", "2018-04-01", "2018-02-01",        "2018-01-01", "2017-11-01",
      "2017-10-01", "2017-09-01", "2017-08-01", "2017-06-01",        "2017-04-01", "2017-03-01",
      "2016-12-01", "2016-11-01", "2016-10-01", "2016-09-01",        "2016-08-01", "2016-07-01",
      "2016-06-01", "2016-03-30", "2015-06-15", "2015-05-01-preview"};
  return k;
}

const Versions& storage_versions() {
  static const Versions k = {"2025-01-01", "2024-01-01",         "2023-05-01",         "2023-04-01",
                             "2023-01-01", "2022-09-01",         "2022-05-01",         "2021-09-01",
                             "2021-08-01", "2021-06-01",         "2021-04-01",         "2021-02-01",
                             "2021-01-01", "2020-08-01-preview", "2019-06-01",         "2019-04-01",
                             "2018-11-01", "2018-07-01",         "2018-03-01-preview", "2018-02-01",
                             "2017-10-01", "2017-06-01",         "2016-12-01",         "2016-05-01",
                             "2016-01-01", "2015-06-15",         "2015-05-01-preview"};
  return k;
}

const Versions& keyvault_versions() {
  static const Versions k = {"2024-12-01-preview", "2024-11-01", "2024-04-01-preview",
                             "2023-08-01-preview", "2023-07-01", "2023-02-01",
                             "2022-11-01",         "2022-07-01", "2022-02-01-preview",
                             "2021-11-01-preview", "2021-10-01", "2021-06-01-preview",
                             "2021-04-01-preview", "2019-09-01", "2018-02-14",
                             "2018-02-14-preview", "2016-10-01", "2015-06-01"};
  return k;
}

const Versions& classic_versions() {
  static const Versions k = {"2016-11-01",         "2016-04-01", "2015-12-01",
                             "2015-10-01",         "2015-06-01", "2014-06-01",
                             "2014-04-01-preview", "2014-04-01", "2014-01-01"};
  return k;
}

const Versions& resources_versions() {
  static const Versions k = {
      "2025-04-01",         "2025-03-01", "2024-11-01", "2024-07-01", "2024-03-01", "2023-07-01",
      "2022-09-01",         "2021-04-01", "2021-01-01", "2020-10-01", "2020-08-01", "2020-06-01",
      "2019-10-01",         "2019-09-01", "2019-08-01", "2019-07-01", "2019-05-10", "2019-05-01",
      "2019-03-01",         "2018-09-01", "2018-08-01", "2018-07-01", "2018-05-01", "2018-02-01",
      "2018-01-01",         "2017-08-01", "2017-06-01", "2017-05-10", "2017-05-01", "2017-03-01",
      "2016-09-01",         "2016-07-01", "2016-06-01", "2016-02-01", "2015-11-01", "2015-01-01",
      "2014-04-01-preview", "2014-04-01", "2014-01-01"};
  return k;
}

const Versions& subscriptions_versions() {
  static const Versions k = {"2022-12-01", "2022-09-01", "2022-01-01", "2021-01-01",
                             "2020-01-01", "2019-11-01", "2019-06-01", "2019-05-01",
                             "2018-06-01", "2016-06-01", "2015-11-01", "2014-04-01-preview",
                             "2014-04-01", "2014-01-01"};
  return k;
}

const Versions& role_assignment_versions() {
  static const Versions k = {
      "2022-04-01",         "2022-01-01-preview", "2021-04-01-preview", "2020-10-01-preview",
      "2020-08-01-preview", "2020-04-01-preview", "2020-03-01-preview", "2019-04-01-preview",
      "2018-12-01-preview", "2018-09-01-preview", "2018-07-01",         "2018-01-01-preview",
      "2017-10-01-preview", "2017-09-01",         "2017-05-01",         "2016-07-01",
      "2015-07-01",         "2015-06-01",         "2015-05-01-preview", "2014-10-01-preview",
      "2014-07-01-preview", "2014-04-01-preview"};
  return k;
}

const Versions& role_definition_versions() {
  static const Versions k = {"2022-05-01-preview", "2022-04-01",         "2022-01-01-preview",
                             "2018-01-01-preview", "2017-09-01",         "2017-05-01",
                             "2016-07-01",         "2015-07-01",         "2015-06-01",
                             "2015-05-01-preview", "2014-10-01-preview", "2014-07-01-preview",
                             "2014-04-01-preview"};
  return k;
}

constexpr const char* kTracked = "SupportsTags, SupportsLocation";
constexpr const char* kMovable =
    "CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, SupportsTags, "
    "SupportsLocation";
constexpr const char* kMovableIdentity =
    "CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, "
    "SystemAssignedResourceIdentity, SupportsTags, SupportsLocation";

ResourceTypeInfo type(std::string name, const Versions& versions, bool global,
                      std::string capabilities = "None") {
  return ResourceTypeInfo{std::move(name), versions, global, std::move(capabilities)};
}

std::vector<ProviderInfo> make_providers() {
  const Versions& cv = compute_versions();
  const Versions& nv = network_versions();
  const Versions& sv = storage_versions();
  const Versions& kv = keyvault_versions();
  const Versions& rv = resources_versions();
  return {
      {"Microsoft.Authorization",
       true,
       {type("roleAssignments", role_assignment_versions(), true, "SupportsExtension"),
        type("roleDefinitions", role_definition_versions(), true, "SupportsExtension")}},
      {"Microsoft.ClassicCompute",
       false,
       {type("domainNames", classic_versions(), false, kTracked)}},
      {"Microsoft.Compute",
       false,
       {type("virtualMachineScaleSets", cv, false, kMovableIdentity),
        type("virtualMachineScaleSets/virtualMachines", cv, false),
        type("virtualMachines", cv, false, kMovableIdentity), type("skus", cv, true),
        type("locations", cv, true), type("locations/operations", cv, false)}},
      {"Microsoft.KeyVault",
       false,
       {type("vaults", kv, false, kMovable), type("deletedVaults", kv, true),
        type("locations/deletedVaults", kv, false), type("checkNameAvailability", kv, true),
        type("locations/operationResults", kv, false)}},
      {"Microsoft.Network",
       false,
       {type("publicIPAddresses", nv, false, kMovable), type("loadBalancers", nv, false, kMovable),
        type("networkSecurityGroups", nv, false, kMovable),
        type("virtualNetworks", nv, false, kMovable), type("virtualNetworks/subnets", nv, false),
        type("locations", nv, true), type("locations/CheckDnsNameAvailability", nv, false),
        type("locations/operations", nv, false)}},
      {"Microsoft.Resources",
       true,
       {type("resourceGroups", rv, false, kTracked), type("deployments", rv, true),
        type("deployments/operations", rv, true),
        type("subscriptions", subscriptions_versions(), true),
        type("tenants", subscriptions_versions(), true), type("resources", rv, true),
        type("locations", subscriptions_versions(), true)}},
      {"Microsoft.Storage",
       false,
       {type("storageAccounts", sv, false, kMovableIdentity),
        type("checkNameAvailability", sv, true), type("locations/asyncoperations", sv, false)}},
  };
}

}  // namespace

const std::vector<ProviderInfo>& providers() {
  static const std::vector<ProviderInfo> kProviders = make_providers();
  return kProviders;
}

}  // namespace emu::arm
