// Static facts about public Azure the ARM emulator serves: regions, resource providers with
// their resource types, api-versions and locations, and the VM sizes a CMG may use. Pure data;
// lookups are case-insensitive as in ARM and return canonical casing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace emu::arm {

struct Region {
  std::string name;                   // "japaneast"
  std::string display_name;           // "Japan East"
  std::string regional_display_name;  // "(Asia Pacific) Japan East"
  std::string geography_group;        // "Asia Pacific"
  std::string paired_region;          // "japanwest", or "" for a region without a pair
  std::string latitude, longitude;    // as metadata.latitude/longitude show them
  std::string physical_location;      // "Tokyo, Saitama"
  bool recommended = false;           // metadata.regionCategory "Recommended" (else "Other")
};

struct ResourceTypeInfo {
  std::string resource_type;  // "virtualMachineScaleSets", "locations/CheckDnsNameAvailability"
  std::vector<std::string> api_versions;  // newest first
  bool global = false;                    // locations = [] / "global"
  std::string capabilities;               // e.g. "SupportsTags, SupportsLocation"
};

struct ProviderInfo {
  std::string ns;  // "Microsoft.Compute"
  // Registered in every new subscription and never needs (or allows) registration
  // (Microsoft.Resources, Microsoft.Authorization, ...): "RegistrationFree" policy.
  bool registration_free = false;
  std::vector<ResourceTypeInfo> types;
};

struct VmSku {
  std::string name;    // "Standard_B2s"
  std::string family;  // quota family: "standardBSFamily"
  std::string tier;    // "Standard"
  std::string size;    // "B2s"
  int vcpus = 0;
  double memory_gb = 0;
};

// Public regions (the "Azure" cloud), ordered as `az account list-locations` shows them.
const std::vector<Region>& regions();
// The names of regions(), in the same order.
std::vector<std::string> region_names();
// By name ("japaneast") or display name ("Japan East"), case-insensitive; nullptr if unknown.
const Region* find_region(std::string_view name_or_display);

// Providers the emulator knows, in namespace order.
const std::vector<ProviderInfo>& providers();
const ProviderInfo* find_provider(std::string_view ns);  // case-insensitive; nullptr if unknown
// The resource type of `ns` named `type` (may contain '/', e.g. "locations/deletedVaults"),
// case-insensitive; nullptr if unknown.
const ResourceTypeInfo* find_resource_type(const ProviderInfo& provider, std::string_view type);

// VM sizes the emulator models (the three CMG sizes plus a few common others).
const std::vector<VmSku>& vm_skus();
const VmSku* find_vm_sku(std::string_view name);  // case-insensitive

// SKUs a CMG may use, offered in every region unless a scenario says otherwise:
// Standard_B2s ("Lab"), Standard_A2_v2 ("Standard", the default), Standard_A4_v2 ("Large").
const std::vector<std::string>& default_offered_skus();
// Default regional vCPU quota per VM family (and the "cores" total), as a new pay-as-you-go
// subscription gets (inferred: 10 vCPUs per family, 20 total regional vCPUs).
int64_t default_family_quota(std::string_view family);
inline constexpr int64_t kDefaultRegionalVcpuQuota = 20;

// "YYYY-MM-DD" or "YYYY-MM-DD-<label>" (preview, beta, privatepreview...): the api-version
// syntax ARM accepts.
bool well_formed_api_version(std::string_view version);

}  // namespace emu::arm
