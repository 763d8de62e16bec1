// Microsoft.Network rules: public IP addresses (DNS labels in cloudapp.azure.com, claimed per
// region), network security groups, and CheckDnsNameAvailability. Load balancers and virtual
// networks are in types/network_lb.cc.
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/types/internal.h"
#include "emulator/arm/types/types.h"
#include "emulator/core/text.h"

#include <chrono>
#include <regex>

namespace emu::arm {
namespace detail {
namespace {

using std::chrono::seconds;

constexpr const char* kPublicIpType = "Microsoft.Network/publicIPAddresses";
constexpr const char* kLabelPattern = "^[a-z][a-z0-9-]{1,61}[a-z0-9]$";

bool valid_label(const std::string& label) {
  static const std::regex kLabel(kLabelPattern);
  return std::regex_match(label, kLabel);
}

// A public address from 20.0.0.0/8 (a range Azure uses), from the seeded ID source.
std::string new_ip_address(const TypeContext& ctx) {
  const uint64_t v = ctx.ids.next_u64();
  return "20." + std::to_string(1 + (v & 0xff) % 254) + "." +
         std::to_string(1 + ((v >> 8) & 0xff) % 254) + "." +
         std::to_string(1 + ((v >> 16) & 0xff) % 254);
}

// Canonical "Basic"/"Standard" for a name given in any case; other names pass unchanged.
std::string canonical_sku(const std::string& name) {
  if (to_lower(name) == "basic") return "Basic";
  if (to_lower(name) == "standard") return "Standard";
  return name;
}

// Applies dnsSettings: label syntax, fqdn and the regional name claim.
Result<bool, ArmError> apply_dns(PutPlan& plan, const TypeContext& ctx) {
  json& props = plan.resource.body["properties"];
  json& dns = props["dnsSettings"];
  if (dns.is_null()) {
    props.erase("dnsSettings");
    return true;
  }
  const std::string label = string_member(dns, "domainNameLabel");
  if (!dns.is_object() || label.empty()) return true;
  if (!valid_label(label)) return errors::invalid_domain_name_label(label, kLabelPattern);
  const std::string key = label + "." + plan.resource.location;
  const std::string fqdn = key + ".cloudapp.azure.com";
  auto taken = ctx.store.find_name("dns", key);
  if (taken.ok() && to_lower(taken->owner) != to_lower(ctx.id))
    return errors::dns_record_in_use(fqdn);
  dns["fqdn"] = fqdn;
  plan.claims.push_back(NameClaim{"dns", key, ctx.id});
  return true;
}

class PublicIpRules final : public NetworkRules {
 public:
  std::string type() const override { return kPublicIpType; }

  Result<PutPlan, ArmError> plan_put(const json& body, const TypeContext& ctx) const override {
    BaseOptions options;
    options.default_duration = seconds(10);  // inferred
    Result<PutPlan, ArmError> plan = base_plan(type(), body, ctx, options);
    if (!plan.ok()) return plan;
    json& b = plan->resource.body;
    json& sku = b["sku"];
    if (!sku.is_object()) sku = json::object();
    sku["name"] =
        canonical_sku(string_member(sku, "name").empty() ? "Basic" : string_member(sku, "name"));
    if (!sku.contains("tier")) sku["tier"] = "Regional";
    json& props = b["properties"];
    std::string method = string_member(props, "publicIPAllocationMethod");
    method = method.empty() || to_lower(method) == "dynamic" ? "Dynamic" : "Static";
    if (sku["name"] == "Standard" && method != "Static")
      return errors::standard_public_ip_must_be_static(ctx.id);
    props["publicIPAllocationMethod"] = method;
    if (!props.contains("publicIPAddressVersion")) props["publicIPAddressVersion"] = "IPv4";
    if (!props.contains("idleTimeoutInMinutes")) props["idleTimeoutInMinutes"] = 4;
    if (!props.contains("ipTags")) props["ipTags"] = json::array();
    Result<bool, ArmError> dns = apply_dns(plan.value(), ctx);
    if (!dns.ok()) return dns.error();
    // The address is assigned at once, also for Dynamic (documented simplification: Azure
    // assigns a dynamic address only once the IP is attached to a running resource).
    const std::string ip = existing_string(ctx, "/properties/ipAddress");
    props["ipAddress"] = ip.empty() ? new_ip_address(ctx) : ip;
    stamp_network_resource(b, ctx);
    return plan;
  }
};

// The six rules every NSG carries (names, priorities and prefixes as Azure shows them).
json default_security_rules(const std::string& nsg_id, const TypeContext& ctx) {
  struct Rule {
    const char* name;
    const char* description;
    const char* source;
    const char* destination;
    const char* access;
    int priority;
    const char* direction;
  };
  static const Rule kRules[] = {
      {"AllowVnetInBound", "Allow inbound traffic from all VMs in VNET", "VirtualNetwork",
       "VirtualNetwork", "Allow", 65000, "Inbound"},
      {"AllowAzureLoadBalancerInBound", "Allow inbound traffic from azure load balancer",
       "AzureLoadBalancer", "*", "Allow", 65001, "Inbound"},
      {"DenyAllInBound", "Deny all inbound traffic", "*", "*", "Deny", 65500, "Inbound"},
      {"AllowVnetOutBound", "Allow outbound traffic from all VMs to all VMs in VNET",
       "VirtualNetwork", "VirtualNetwork", "Allow", 65000, "Outbound"},
      {"AllowInternetOutBound", "Allow outbound traffic from all VMs to Internet", "*", "Internet",
       "Allow", 65001, "Outbound"},
      {"DenyAllOutBound", "Deny all outbound traffic", "*", "*", "Deny", 65500, "Outbound"},
  };
  json out = json::array();
  for (const Rule& r : kRules) {
    out.push_back({{"name", r.name},
                   {"id", nsg_id + "/defaultSecurityRules/" + r.name},
                   {"etag", network_etag(ctx)},
                   {"type", "Microsoft.Network/networkSecurityGroups/defaultSecurityRules"},
                   {"properties",
                    {{"provisioningState", "Succeeded"},
                     {"description", r.description},
                     {"protocol", "*"},
                     {"sourcePortRange", "*"},
                     {"destinationPortRange", "*"},
                     {"sourceAddressPrefix", r.source},
                     {"destinationAddressPrefix", r.destination},
                     {"access", r.access},
                     {"priority", r.priority},
                     {"direction", r.direction},
                     {"sourcePortRanges", json::array()},
                     {"destinationPortRanges", json::array()},
                     {"sourceAddressPrefixes", json::array()},
                     {"destinationAddressPrefixes", json::array()}}}});
  }
  return out;
}

// [inferred] wording of the Network RP's priority check.
Result<bool, ArmError> check_rule_priorities(const json& rules) {
  for (const json& rule : rules) {
    const json& p = member(member(rule, "properties"), "priority");
    const int64_t priority = p.is_number_integer() ? p.get<int64_t>() : -1;
    if (priority < 100 || priority > 4096) {
      return errors::security_rule_invalid_priority(p.is_null() ? std::string("null") : p.dump(),
                                                    string_member(rule, "id"));
    }
  }
  return true;
}

class NsgRules final : public NetworkRules {
 public:
  std::string type() const override { return "Microsoft.Network/networkSecurityGroups"; }

  Result<PutPlan, ArmError> plan_put(const json& body, const TypeContext& ctx) const override {
    BaseOptions options;
    options.default_duration = seconds(5);  // inferred
    Result<PutPlan, ArmError> plan = base_plan(type(), body, ctx, options);
    if (!plan.ok()) return plan;
    json& b = plan->resource.body;
    json& props = b["properties"];
    Result<bool, ArmError> named =
        name_children(props, "securityRules", ctx.id,
                      "Microsoft.Network/networkSecurityGroups/securityRules", ctx);
    if (!named.ok()) return named.error();
    Result<bool, ArmError> priorities = check_rule_priorities(props["securityRules"]);
    if (!priorities.ok()) return priorities.error();
    props["defaultSecurityRules"] = default_security_rules(ctx.id, ctx);
    stamp_network_resource(b, ctx);
    return plan;
  }
};

}  // namespace

std::unique_ptr<ResourceTypeRules> make_public_ip_rules() {
  return std::make_unique<PublicIpRules>();
}
std::unique_ptr<ResourceTypeRules> make_nsg_rules() { return std::make_unique<NsgRules>(); }

}  // namespace detail

Result<nlohmann::json, ArmError> check_dns_name_availability(const ArmStore& store,
                                                             std::string_view location,
                                                             std::string_view label) {
  const Region* region = find_region(location);
  if (region == nullptr) {
    return detail::location_not_available(location,
                                          "Microsoft.Network/locations/CheckDnsNameAvailability");
  }
  const std::string l(label);
  if (l.empty()) {
    // [inferred] wording for the missing query parameter.
    return errors::invalid_parameter("domainNameLabel",
                                     "Required query parameter 'domainNameLabel' is missing.");
  }
  if (!detail::valid_label(l)) return errors::invalid_domain_name_label(l, detail::kLabelPattern);
  const bool taken = store.find_name("dns", l + "." + region->name).ok();
  return nlohmann::json{{"available", !taken}};
}

}  // namespace emu::arm
