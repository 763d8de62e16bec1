// Tests for the static catalog (emulator/arm/catalog/catalog.h): regions, providers, VM sizes,
// quota defaults and api-version syntax.
#include "emulator/arm/catalog/catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace emu::arm {
namespace {

TEST(CatalogRegionsTest, HasThePublicRegionsWithUniqueNames) {
  EXPECT_GE(regions().size(), 50u);
  std::set<std::string> names;
  for (const Region& r : regions()) {
    EXPECT_TRUE(names.insert(r.name).second) << r.name;
    EXPECT_EQ(r.regional_display_name, "(" + r.geography_group + ") " + r.display_name);
    EXPECT_FALSE(r.latitude.empty()) << r.name;
    EXPECT_FALSE(r.longitude.empty()) << r.name;
  }
  // Every pair names a known region.
  for (const Region& r : regions()) {
    if (!r.paired_region.empty()) {
      EXPECT_NE(find_region(r.paired_region), nullptr) << r.name;
    }
  }
}

TEST(CatalogRegionsTest, JapanAndEuropeAndUsAreRight) {
  const Region* je = find_region("japaneast");
  ASSERT_NE(je, nullptr);
  EXPECT_EQ(je->display_name, "Japan East");
  EXPECT_EQ(je->regional_display_name, "(Asia Pacific) Japan East");
  EXPECT_EQ(je->geography_group, "Asia Pacific");
  EXPECT_EQ(je->paired_region, "japanwest");
  EXPECT_EQ(je->latitude, "35.68");
  EXPECT_EQ(je->longitude, "139.77");
  EXPECT_TRUE(je->recommended);

  const Region* jw = find_region("japanwest");
  ASSERT_NE(jw, nullptr);
  EXPECT_EQ(jw->paired_region, "japaneast");
  EXPECT_EQ(jw->physical_location, "Osaka");
  EXPECT_FALSE(jw->recommended);

  const Region* we = find_region("westeurope");
  ASSERT_NE(we, nullptr);
  EXPECT_EQ(we->regional_display_name, "(Europe) West Europe");
  EXPECT_EQ(we->paired_region, "northeurope");

  const Region* eu = find_region("eastus");
  ASSERT_NE(eu, nullptr);
  EXPECT_EQ(eu->regional_display_name, "(US) East US");
  EXPECT_EQ(eu->paired_region, "westus");
  EXPECT_EQ(eu->latitude, "37.3719");
  EXPECT_EQ(regions().front().name, "eastus");
}

TEST(CatalogRegionsTest, LookupIsCaseInsensitiveByNameOrDisplayName) {
  EXPECT_EQ(find_region("JapanEast"), find_region("japaneast"));
  EXPECT_EQ(find_region("Japan East"), find_region("japaneast"));
  EXPECT_EQ(find_region("JAPAN EAST"), find_region("japaneast"));
  EXPECT_EQ(find_region("west us 2")->name, "westus2");
  EXPECT_EQ(find_region("mars"), nullptr);
  EXPECT_EQ(find_region(""), nullptr);
  EXPECT_EQ(find_region("global"), nullptr);
}

TEST(CatalogProvidersTest, ProvidersAreInNamespaceOrderAndCaseInsensitive) {
  std::vector<std::string> names;
  for (const ProviderInfo& p : providers()) names.push_back(p.ns);
  EXPECT_EQ(names, (std::vector<std::string>{"Microsoft.Authorization", "Microsoft.ClassicCompute",
                                             "Microsoft.Compute", "Microsoft.KeyVault",
                                             "Microsoft.Network", "Microsoft.Resources",
                                             "Microsoft.Storage"}));
  const ProviderInfo* compute = find_provider("microsoft.compute");
  ASSERT_NE(compute, nullptr);
  EXPECT_EQ(compute->ns, "Microsoft.Compute");
  EXPECT_FALSE(compute->registration_free);
  EXPECT_TRUE(find_provider("MICROSOFT.RESOURCES")->registration_free);
  EXPECT_TRUE(find_provider("Microsoft.Authorization")->registration_free);
  EXPECT_EQ(find_provider("Microsoft.Nope"), nullptr);
}

TEST(CatalogProvidersTest, ResourceTypesAndVersionsClientsUse) {
  struct Case {
    const char* ns;
    const char* type;
    const char* version;
  };
  const Case cases[] = {
      {"Microsoft.Compute", "virtualMachineScaleSets", "2020-06-01"},
      {"Microsoft.Compute", "virtualMachineScaleSets", "2022-11-01"},
      {"Microsoft.Compute", "virtualMachineScaleSets", "2026-03-01"},
      {"Microsoft.Compute", "virtualMachineScaleSets/virtualMachines", "2025-04-01"},
      {"Microsoft.Compute", "skus", "2021-07-01"},
      {"Microsoft.Network", "publicIPAddresses", "2022-07-01"},
      {"Microsoft.Network", "publicIPAddresses", "2025-05-01"},
      {"Microsoft.Network", "locations/CheckDnsNameAvailability", "2022-07-01"},
      {"Microsoft.Network", "virtualNetworks/subnets", "2022-01-01"},
      {"Microsoft.Storage", "storageAccounts", "2022-09-01"},
      {"Microsoft.Storage", "checkNameAvailability", "2019-06-01"},
      {"Microsoft.KeyVault", "vaults", "2022-07-01"},
      {"Microsoft.KeyVault", "locations/deletedVaults", "2022-07-01"},
      {"Microsoft.ClassicCompute", "domainNames", "2016-11-01"},
      {"Microsoft.Resources", "resourceGroups", "2021-04-01"},
      {"Microsoft.Resources", "deployments", "2025-04-01"},
      {"Microsoft.Resources", "subscriptions", "2019-11-01"},
      {"Microsoft.Resources", "subscriptions", "2022-12-01"},
      {"Microsoft.Authorization", "roleAssignments", "2022-04-01"},
  };
  for (const Case& c : cases) {
    const ProviderInfo* p = find_provider(c.ns);
    ASSERT_NE(p, nullptr) << c.ns;
    const ResourceTypeInfo* t = find_resource_type(*p, c.type);
    ASSERT_NE(t, nullptr) << c.ns << "/" << c.type;
    EXPECT_NE(std::find(t->api_versions.begin(), t->api_versions.end(), c.version),
              t->api_versions.end())
        << c.ns << "/" << c.type << " " << c.version;
  }
}

TEST(CatalogProvidersTest, VersionsAreWellFormedAndNewestFirst) {
  for (const ProviderInfo& p : providers()) {
    for (const ResourceTypeInfo& t : p.types) {
      ASSERT_FALSE(t.api_versions.empty()) << p.ns << "/" << t.resource_type;
      for (size_t i = 0; i < t.api_versions.size(); ++i) {
        EXPECT_TRUE(well_formed_api_version(t.api_versions[i])) << t.api_versions[i];
        if (i > 0) {
          // Compare the date part; a preview may share its date with a GA version.
          EXPECT_GE(t.api_versions[i - 1].substr(0, 10), t.api_versions[i].substr(0, 10))
              << p.ns << "/" << t.resource_type << " at " << i;
        }
      }
    }
  }
}

TEST(CatalogProvidersTest, TypeLookupIsCaseInsensitiveAndGlobalFlagged) {
  const ProviderInfo* network = find_provider("Microsoft.Network");
  const ResourceTypeInfo* check =
      find_resource_type(*network, "LOCATIONS/checkdnsnameavailability");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->resource_type, "locations/CheckDnsNameAvailability");
  EXPECT_EQ(find_resource_type(*network, "virtualMachines"), nullptr);
  const ProviderInfo* kv = find_provider("Microsoft.KeyVault");
  EXPECT_TRUE(find_resource_type(*kv, "deletedVaults")->global);
  EXPECT_FALSE(find_resource_type(*kv, "vaults")->global);
  EXPECT_NE(find_resource_type(*kv, "vaults")->capabilities.find("SupportsLocation"),
            std::string::npos);
}

TEST(CatalogVmSkusTest, CmgSizesHaveTheirFamiliesAndSizes) {
  const VmSku* b2s = find_vm_sku("standard_b2s");
  ASSERT_NE(b2s, nullptr);
  EXPECT_EQ(b2s->name, "Standard_B2s");
  EXPECT_EQ(b2s->family, "standardBSFamily");
  EXPECT_EQ(b2s->vcpus, 2);
  EXPECT_EQ(b2s->memory_gb, 4);
  const VmSku* a2 = find_vm_sku("Standard_A2_V2");
  ASSERT_NE(a2, nullptr);
  EXPECT_EQ(a2->family, "standardAv2Family");
  EXPECT_EQ(a2->vcpus, 2);
  EXPECT_EQ(a2->memory_gb, 4);
  const VmSku* a4 = find_vm_sku("Standard_A4_v2");
  ASSERT_NE(a4, nullptr);
  EXPECT_EQ(a4->family, "standardAv2Family");
  EXPECT_EQ(a4->vcpus, 4);
  EXPECT_EQ(a4->memory_gb, 8);
  EXPECT_EQ(find_vm_sku("Standard_D2s_v3")->family, "standardDSv3Family");
  EXPECT_EQ(find_vm_sku("Standard_B1s")->vcpus, 1);
  EXPECT_EQ(find_vm_sku("Standard_Z99"), nullptr);
  EXPECT_EQ(default_offered_skus(),
            (std::vector<std::string>{"Standard_B2s", "Standard_A2_v2", "Standard_A4_v2"}));
}

TEST(CatalogQuotaTest, DefaultsPerFamilyAndRegionalTotal) {
  EXPECT_EQ(default_family_quota("standardBSFamily"), 10);
  EXPECT_EQ(default_family_quota("cores"), kDefaultRegionalVcpuQuota);
  EXPECT_EQ(default_family_quota("Cores"), 20);
}

TEST(CatalogApiVersionTest, AcceptsDatesAndLabels) {
  for (const char* v : {"2021-04-01", "2015-05-01-preview", "2020-01-01-privatepreview",
                        "2021-01-01-beta", "2019-12-31", "2016-04-30-preview"}) {
    EXPECT_TRUE(well_formed_api_version(v)) << v;
  }
}

TEST(CatalogApiVersionTest, RejectsMalformedVersions) {
  for (const char* v :
       {"", "2021", "2021-04", "2021-4-01", "21-04-01", "2021-13-01", "2021-00-10", "2021-04-32",
        "2021-04-00", "2021-04-01-", "2021-04-01x", "2021-04-01-pre view", "2021-04-01-1preview",
        "2021/04/01", "abcd-ef-gh", "latest"}) {
    EXPECT_FALSE(well_formed_api_version(v)) << v;
  }
}

}  // namespace
}  // namespace emu::arm
