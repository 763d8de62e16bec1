// GET /subscriptions/{s}/providers/Microsoft.Compute/skus (declared in types/types.h): one entry
// per modelled VM size and region, in the shape of the Resource SKUs API (resourceType, name, tier,
// size, family, locations, locationInfo, capabilities, restrictions), with a
// NotAvailableForSubscription location restriction where the size is not offered.
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/types/types.h"
#include "emulator/core/text.h"

#include <cstdio>

namespace emu::arm {
namespace {

using nlohmann::json;

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

json capabilities(const VmSku& s) {
  const bool premium_io = s.size.find('s') != std::string::npos;  // "B2s", "D2s_v3", "DS1_v2"
  return json::array({{{"name", "vCPUs"}, {"value", std::to_string(s.vcpus)}},
                      {{"name", "vCPUsAvailable"}, {"value", std::to_string(s.vcpus)}},
                      {{"name", "MemoryGB"}, {"value", number_text(s.memory_gb)}},
                      {{"name", "MaxDataDiskCount"}, {"value", std::to_string(2 * s.vcpus)}},
                      {{"name", "PremiumIO"}, {"value", premium_io ? "True" : "False"}},
                      {{"name", "HyperVGenerations"}, {"value", "V1,V2"}},
                      {{"name", "LowPriorityCapable"}, {"value", "True"}}});
}

json sku_entry(const VmSku& s, const std::string& location, bool offered) {
  json restrictions = json::array();
  if (!offered) {
    restrictions.push_back({{"type", "Location"},
                            {"values", json::array({location})},
                            {"restrictionInfo", {{"locations", json::array({location})}}},
                            {"reasonCode", "NotAvailableForSubscription"}});
  }
  return {
      {"resourceType", "virtualMachines"},
      {"name", s.name},
      {"tier", s.tier},
      {"size", s.size},
      {"family", s.family},
      {"locations", json::array({location})},
      {"locationInfo",
       json::array(
           {{{"location", location}, {"zones", json::array()}, {"zoneDetails", json::array()}}})},
      {"capabilities", capabilities(s)},
      {"restrictions", restrictions}};
}

}  // namespace

json list_compute_skus(const ArmStore& store, std::string_view location_filter) {
  const Region* only = location_filter.empty() ? nullptr : find_region(location_filter);
  json value = json::array();
  if (!location_filter.empty() && only == nullptr) return json{{"value", value}};
  for (const Region& r : regions()) {
    if (only != nullptr && only != &r) continue;
    const std::vector<std::string> offered = offered_skus(store, r.name);
    for (const VmSku& s : vm_skus()) {
      bool is_offered = false;
      for (const std::string& o : offered)
        is_offered = is_offered || to_lower(o) == to_lower(s.name);
      value.push_back(sku_entry(s, r.name, is_offered));
    }
  }
  return json{{"value", value}};
}

}  // namespace emu::arm
