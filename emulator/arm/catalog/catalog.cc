// Static facts about public Azure (declared in catalog/catalog.h).
//
// Regions: names, display names, geography groups, pairs and coordinates as
// `az account list-locations` printed them in 2021 (a recorded dump of the real output) for the
// regions that existed then; regions opened later (Sweden, Qatar, Poland, Italy, Israel, Spain,
// Mexico, New Zealand, Indonesia, Malaysia, Chile, Jio India Central) carry names and display
// names as the real list shows them, and coordinates of their city (inferred, marked below).
// Order: "Recommended" regions first, then "Other", as the real list does.
//
// api-versions: the real versions of each provider, newest first, including every version the
// target clients send (README Sources [S6]); the exact lists Azure returns differ slightly.
#include "emulator/arm/catalog/catalog.h"

#include "emulator/core/text.h"

#include <algorithm>
#include <cctype>

namespace emu::arm {
namespace {

Region region(std::string name, std::string display, std::string group, std::string paired,
              std::string lat, std::string lon, std::string place, bool recommended) {
  Region r;
  r.name = std::move(name);
  r.display_name = std::move(display);
  r.regional_display_name = "(" + group + ") " + r.display_name;
  r.geography_group = std::move(group);
  r.paired_region = std::move(paired);
  r.latitude = std::move(lat);
  r.longitude = std::move(lon);
  r.physical_location = std::move(place);
  r.recommended = recommended;
  return r;
}

std::vector<Region> make_regions() {
  constexpr bool kRec = true, kOther = false;
  return {
      region("eastus", "East US", "US", "westus", "37.3719", "-79.8164", "Virginia", kRec),
      region("eastus2", "East US 2", "US", "centralus", "36.6681", "-78.3889", "Virginia", kRec),
      region("southcentralus", "South Central US", "US", "northcentralus", "29.4167", "-98.5",
             "Texas", kRec),
      region("westus2", "West US 2", "US", "westcentralus", "47.233", "-119.852", "Washington",
             kRec),
      region("westus3", "West US 3", "US", "eastus", "33.448376", "-112.074036", "Phoenix", kRec),
      region("australiaeast", "Australia East", "Asia Pacific", "australiasoutheast", "-33.86",
             "151.2094", "New South Wales", kRec),
      region("southeastasia", "Southeast Asia", "Asia Pacific", "eastasia", "1.283", "103.833",
             "Singapore", kRec),
      region("northeurope", "North Europe", "Europe", "westeurope", "53.3478", "-6.2597", "Ireland",
             kRec),
      region("swedencentral", "Sweden Central", "Europe", "swedensouth", "60.67488", "17.14127",
             "Gävle", kRec),
      region("uksouth", "UK South", "Europe", "ukwest", "50.941", "-0.799", "London", kRec),
      region("westeurope", "West Europe", "Europe", "northeurope", "52.3667", "4.9", "Netherlands",
             kRec),
      region("centralus", "Central US", "US", "eastus2", "41.5908", "-93.6208", "Iowa", kRec),
      region("southafricanorth", "South Africa North", "Africa", "southafricawest", "-25.731340",
             "28.218370", "Johannesburg", kRec),
      region("centralindia", "Central India", "Asia Pacific", "southindia", "18.5822", "73.9197",
             "Pune", kRec),
      region("eastasia", "East Asia", "Asia Pacific", "southeastasia", "22.267", "114.188",
             "Hong Kong", kRec),
      // inferred coordinates
      region("indonesiacentral", "Indonesia Central", "Asia Pacific", "", "-6.2088", "106.8456",
             "Jakarta", kRec),
      region("japaneast", "Japan East", "Asia Pacific", "japanwest", "35.68", "139.77",
             "Tokyo, Saitama", kRec),
      region("koreacentral", "Korea Central", "Asia Pacific", "koreasouth", "37.5665", "126.9780",
             "Seoul", kRec),
      // inferred coordinates
      region("malaysiawest", "Malaysia West", "Asia Pacific", "", "3.1390", "101.6869",
             "Kuala Lumpur", kRec),
      region("newzealandnorth", "New Zealand North", "Asia Pacific", "", "-36.8485", "174.7633",
             "Auckland", kRec),
      region("canadacentral", "Canada Central", "Canada", "canadaeast", "43.653", "-79.383",
             "Toronto", kRec),
      region("francecentral", "France Central", "Europe", "francesouth", "46.3772", "2.3730",
             "Paris", kRec),
      region("germanywestcentral", "Germany West Central", "Europe", "germanynorth", "50.110924",
             "8.682127", "Frankfurt", kRec),
      // inferred coordinates
      region("italynorth", "Italy North", "Europe", "", "45.46888", "9.18109", "Milan", kRec),
      region("norwayeast", "Norway East", "Europe", "norwaywest", "59.913868", "10.752245",
             "Norway", kRec),
      // inferred coordinates
      region("polandcentral", "Poland Central", "Europe", "", "52.23334", "21.01666", "Warsaw",
             kRec),
      region("spaincentral", "Spain Central", "Europe", "", "40.4259", "-3.4209", "Madrid", kRec),
      region("switzerlandnorth", "Switzerland North", "Europe", "switzerlandwest", "47.451542",
             "8.564572", "Zurich", kRec),
      // inferred coordinates
      region("mexicocentral", "Mexico Central", "Mexico", "", "20.588818", "-100.389888",
             "Querétaro State", kRec),
      region("uaenorth", "UAE North", "Middle East", "uaecentral", "25.266666", "55.316666",
             "Dubai", kRec),
      region("brazilsouth", "Brazil South", "South America", "southcentralus", "-23.55", "-46.633",
             "Sao Paulo State", kRec),
      // inferred coordinates
      region("chilecentral", "Chile Central", "South America", "", "-33.448", "-70.6693",
             "Santiago", kRec),
      region("israelcentral", "Israel Central", "Middle East", "", "31.2655698", "33.4506633",
             "Israel", kRec),
      region("qatarcentral", "Qatar Central", "Middle East", "", "25.551462", "51.439327", "Doha",
             kRec),
      // "Other" regions.
      region("northcentralus", "North Central US", "US", "southcentralus", "41.8819", "-87.6278",
             "Illinois", kOther),
      region("westus", "West US", "US", "eastus", "37.783", "-122.417", "California", kOther),
      region("jioindiawest", "Jio India West", "Asia Pacific", "jioindiacentral", "22.470701",
             "70.05773", "Jamnagar", kOther),
      region("westcentralus", "West Central US", "US", "westus2", "40.890", "-110.234", "Wyoming",
             kOther),
      region("southafricawest", "South Africa West", "Africa", "southafricanorth", "-34.075691",
             "18.843266", "Cape Town", kOther),
      // The 2021 dump paired the two Australia Central regions with themselves; the documented
      // pair (each other) is used here.
      region("australiacentral", "Australia Central", "Asia Pacific", "australiacentral2",
             "-35.3075", "149.1244", "Canberra", kOther),
      region("australiacentral2", "Australia Central 2", "Asia Pacific", "australiacentral",
             "-35.3075", "149.1244", "Canberra", kOther),
      region("australiasoutheast", "Australia Southeast", "Asia Pacific", "australiaeast",
             "-37.8136", "144.9631", "Victoria", kOther),
      region("japanwest", "Japan West", "Asia Pacific", "japaneast", "34.6939", "135.5022", "Osaka",
             kOther),
      // inferred coordinates
      region("jioindiacentral", "Jio India Central", "Asia Pacific", "jioindiawest", "21.146633",
             "79.08886", "Nagpur", kOther),
      region("koreasouth", "Korea South", "Asia Pacific", "koreacentral", "35.1796", "129.0756",
             "Busan", kOther),
      region("southindia", "South India", "Asia Pacific", "centralindia", "12.9822", "80.1636",
             "Chennai", kOther),
      region("westindia", "West India", "Asia Pacific", "southindia", "19.088", "72.868", "Mumbai",
             kOther),
      region("canadaeast", "Canada East", "Canada", "canadacentral", "46.817", "-71.217", "Quebec",
             kOther),
      region("francesouth", "France South", "Europe", "francecentral", "43.8345", "2.1972",
             "Marseille", kOther),
      region("germanynorth", "Germany North", "Europe", "germanywestcentral", "53.073635",
             "8.806422", "Berlin", kOther),
      region("norwaywest", "Norway West", "Europe", "norwayeast", "58.969975", "5.733107", "Norway",
             kOther),
      // inferred coordinates
      region("swedensouth", "Sweden South", "Europe", "swedencentral", "55.60587", "13.00073",
             "Malmo", kOther),
      region("switzerlandwest", "Switzerland West", "Europe", "switzerlandnorth", "46.204391",
             "6.143158", "Geneva", kOther),
      region("ukwest", "UK West", "Europe", "uksouth", "53.427", "-3.084", "Cardiff", kOther),
      region("uaecentral", "UAE Central", "Middle East", "uaenorth", "24.466667", "54.366669",
             "Abu Dhabi", kOther),
      region("brazilsoutheast", "Brazil Southeast", "South America", "brazilsouth", "-22.90278",
             "-43.2075", "Rio", kOther),
  };
}

}  // namespace

const std::vector<Region>& regions() {
  static const std::vector<Region> kRegions = make_regions();
  return kRegions;
}

std::vector<std::string> region_names() {
  std::vector<std::string> names;
  for (const Region& r : regions()) names.push_back(r.name);
  return names;
}

const Region* find_region(std::string_view name_or_display) {
  for (const Region& r : regions()) {
    if (iequals(r.name, name_or_display) || iequals(r.display_name, name_or_display)) return &r;
  }
  return nullptr;
}

const ProviderInfo* find_provider(std::string_view ns) {
  for (const ProviderInfo& p : providers()) {
    if (iequals(p.ns, ns)) return &p;
  }
  return nullptr;
}

const ResourceTypeInfo* find_resource_type(const ProviderInfo& provider, std::string_view type) {
  for (const ResourceTypeInfo& t : provider.types) {
    if (iequals(t.resource_type, type)) return &t;
  }
  return nullptr;
}

const std::vector<VmSku>& vm_skus() {
  // vCPUs, memory and quota families as Microsoft.Compute/skus reports them.
  static const std::vector<VmSku> kSkus = {
      {"Standard_B1s", "standardBSFamily", "Standard", "B1s", 1, 1},
      {"Standard_B2s", "standardBSFamily", "Standard", "B2s", 2, 4},
      {"Standard_B2ms", "standardBSFamily", "Standard", "B2ms", 2, 8},
      {"Standard_A1_v2", "standardAv2Family", "Standard", "A1_v2", 1, 2},
      {"Standard_A2_v2", "standardAv2Family", "Standard", "A2_v2", 2, 4},
      {"Standard_A4_v2", "standardAv2Family", "Standard", "A4_v2", 4, 8},
      {"Standard_A8_v2", "standardAv2Family", "Standard", "A8_v2", 8, 16},
      {"Standard_DS1_v2", "standardDSv2Family", "Standard", "DS1_v2", 1, 3.5},
      {"Standard_D2s_v3", "standardDSv3Family", "Standard", "D2s_v3", 2, 8},
      {"Standard_D4s_v3", "standardDSv3Family", "Standard", "D4s_v3", 4, 16},
  };
  return kSkus;
}

const VmSku* find_vm_sku(std::string_view name) {
  for (const VmSku& s : vm_skus()) {
    if (iequals(s.name, name)) return &s;
  }
  return nullptr;
}

const std::vector<std::string>& default_offered_skus() {
  static const std::vector<std::string> kOffered = {"Standard_B2s", "Standard_A2_v2",
                                                    "Standard_A4_v2"};
  return kOffered;
}

int64_t default_family_quota(std::string_view family) {
  if (iequals(family, "cores")) return kDefaultRegionalVcpuQuota;
  return 10;  // inferred: a new pay-as-you-go subscription's per-family limit
}

bool well_formed_api_version(std::string_view v) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i)
      if (!std::isdigit(static_cast<unsigned char>(v[i]))) return false;
    return true;
  };
  if (v.size() < 10 || !digits(0, 4) || v[4] != '-' || !digits(5, 2) || v[7] != '-' ||
      !digits(8, 2))
    return false;
  const int month = (v[5] - '0') * 10 + (v[6] - '0');
  const int day = (v[8] - '0') * 10 + (v[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (v.size() == 10) return true;
  if (v[10] != '-' || v.size() == 11) return false;
  for (size_t i = 11; i < v.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(v[i]))) return false;
  return std::isalpha(static_cast<unsigned char>(v[11])) != 0;
}

}  // namespace emu::arm
