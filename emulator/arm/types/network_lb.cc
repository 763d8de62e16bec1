// Microsoft.Network rules for load balancers (frontend IP configurations, backend pools,
// probes and rules get their sub-resource IDs; rules must reference this balancer's own
// children) and virtual networks (address space and subnets in CIDR notation, subnets inside
// the address space and not overlapping).
#include "emulator/arm/types/internal.h"
#include "emulator/arm/types/types.h"
#include "emulator/core/text.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <map>
#include <optional>
#include <set>

namespace emu::arm {
namespace detail {
namespace {

using std::chrono::seconds;

constexpr const char* kLbType = "Microsoft.Network/loadBalancers";
constexpr const char* kLbChildren[] = {
    "frontendIPConfigurations", "backendAddressPools", "probes",       "loadBalancingRules",
    "inboundNatRules",          "inboundNatPools",     "outboundRules"};

// Every reference {"id": ...} inside the balancer's rules must name one of its own children.
Result<bool, ArmError> check_internal_references(const json& props, const std::string& lb_id) {
  std::set<std::string> known;
  for (const char* c : kLbChildren) {
    for (const json& item : member(props, c)) known.insert(to_lower(string_member(item, "id")));
  }
  const std::string prefix = to_lower(lb_id) + "/";
  for (const char* c : {"loadBalancingRules", "inboundNatRules", "outboundRules"}) {
    for (const json& rule : member(props, c)) {
      for (const auto& [key, value] : member(rule, "properties").items()) {
        const std::string ref = string_member(value, "id");
        if (ref.empty() || to_lower(ref).rfind(prefix, 0) != 0) continue;
        if (known.count(to_lower(ref)) == 0)
          return errors::invalid_resource_reference(ref, string_member(rule, "id"));
      }
    }
  }
  return true;
}

class LoadBalancerRules final : public NetworkRules {
 public:
  std::string type() const override { return kLbType; }

  Result<PutPlan, ArmError> plan_put(const json& body, const TypeContext& ctx) const override {
    BaseOptions options;
    options.default_duration = seconds(10);  // inferred
    Result<PutPlan, ArmError> plan = base_plan(type(), body, ctx, options);
    if (!plan.ok()) return plan;
    json& b = plan->resource.body;
    json& sku = b["sku"];
    if (!sku.is_object()) sku = json::object();
    if (string_member(sku, "name").empty()) sku["name"] = "Basic";
    if (!sku.contains("tier")) sku["tier"] = "Regional";
    json& props = b["properties"];
    for (const char* c : kLbChildren) {
      Result<bool, ArmError> named =
          name_children(props, c, ctx.id, std::string(kLbType) + "/" + c, ctx);
      if (!named.ok()) return named.error();
    }
    for (json& fe : props["frontendIPConfigurations"]) {
      json& p = fe["properties"];
      if (!p.contains("privateIPAllocationMethod")) p["privateIPAllocationMethod"] = "Dynamic";
    }
    Result<bool, ArmError> refs = check_internal_references(props, ctx.id);
    if (!refs.ok()) return refs.error();
    stamp_network_resource(b, ctx);
    return plan;
  }
};

struct Cidr {
  uint32_t address = 0;
  int bits = 0;
  uint32_t mask() const { return bits == 0 ? 0 : ~uint32_t{0} << (32 - bits); }
  bool contains(const Cidr& o) const {
    return o.bits >= bits && (o.address & mask()) == (address & mask());
  }
  bool overlaps(const Cidr& o) const { return contains(o) || o.contains(*this); }
};

std::optional<Cidr> parse_cidr(const std::string& text) {
  unsigned a = 0, b = 0, c = 0, d = 0, bits = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &bits, &tail) != 5 || a > 255 ||
      b > 255 || c > 255 || d > 255 || bits > 32)
    return std::nullopt;
  return Cidr{(a << 24) | (b << 16) | (c << 8) | d, static_cast<int>(bits)};
}

// The subnet's prefixes (addressPrefix and/or addressPrefixes).
std::vector<std::string> subnet_prefixes(const json& subnet) {
  const json& p = member(subnet, "properties");
  std::vector<std::string> out;
  if (!string_member(p, "addressPrefix").empty()) out.push_back(string_member(p, "addressPrefix"));
  for (const json& v : member(p, "addressPrefixes"))
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

// Sources: NetcfgSubnetRangeOutsideVnet / NetcfgSubnetRangesOverlap wording quoted in
// MicrosoftDocs/azure-docs#123869 [C-doc].
Result<bool, ArmError> check_subnets(const json& props, const TypeContext& ctx) {
  // O(n log n) for any number of prefixes (a request body may hold many thousands): CIDR
  // blocks are nested or disjoint, so "inside the space" is "an ancestor is in the space" and
  // the subnets seen so far are disjoint ranges.
  std::set<std::pair<uint32_t, int>> space;  // (masked address, bits)
  for (const json& v : member(member(props, "addressSpace"), "addressPrefixes")) {
    const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
    auto cidr = parse_cidr(text);
    if (!cidr) return errors::invalid_address_prefix(text, ctx.id);
    space.emplace(cidr->address & cidr->mask(), cidr->bits);
  }
  std::map<uint32_t, uint32_t> seen;  // first address -> last address
  for (const json& subnet : member(props, "subnets")) {
    const std::string name = string_member(subnet, "name");
    for (const std::string& text : subnet_prefixes(subnet)) {
      auto cidr = parse_cidr(text);
      if (!cidr) return errors::invalid_address_prefix(text, string_member(subnet, "id"));
      bool inside = false;
      for (int bits = 0; bits <= cidr->bits && !inside; ++bits) {
        const Cidr ancestor{cidr->address, bits};
        inside = space.count({cidr->address & ancestor.mask(), bits}) != 0;
      }
      if (!inside) {
        return errors::subnet_outside_vnet(name, ctx.name);
      }
      const uint32_t first = cidr->address & cidr->mask();
      const uint32_t last = first | ~cidr->mask();
      auto after = seen.upper_bound(last);
      if (after != seen.begin() && std::prev(after)->second >= first) {
        return errors::subnets_overlap(name, ctx.name);
      }
      seen.emplace(first, last);
    }
  }
  return true;
}

class VnetRules final : public NetworkRules {
 public:
  std::string type() const override { return "Microsoft.Network/virtualNetworks"; }

  Result<PutPlan, ArmError> plan_put(const json& body, const TypeContext& ctx) const override {
    BaseOptions options;
    options.default_duration = seconds(10);  // inferred
    Result<PutPlan, ArmError> plan = base_plan(type(), body, ctx, options);
    if (!plan.ok()) return plan;
    json& b = plan->resource.body;
    json& props = b["properties"];
    Result<bool, ArmError> named =
        name_children(props, "subnets", ctx.id, "Microsoft.Network/virtualNetworks/subnets", ctx);
    if (!named.ok()) return named.error();
    Result<bool, ArmError> subnets = check_subnets(props, ctx);
    if (!subnets.ok()) return subnets.error();
    for (json& subnet : props["subnets"]) {
      json& p = subnet["properties"];
      if (!p.contains("delegations")) p["delegations"] = json::array();
      if (!p.contains("privateEndpointNetworkPolicies"))
        p["privateEndpointNetworkPolicies"] = "Disabled";
      if (!p.contains("privateLinkServiceNetworkPolicies"))
        p["privateLinkServiceNetworkPolicies"] = "Enabled";
    }
    if (!props.contains("dhcpOptions")) props["dhcpOptions"] = {{"dnsServers", json::array()}};
    if (!props.contains("virtualNetworkPeerings")) props["virtualNetworkPeerings"] = json::array();
    if (!props.contains("enableDdosProtection")) props["enableDdosProtection"] = false;
    stamp_network_resource(b, ctx);
    return plan;
  }
};

}  // namespace

std::unique_ptr<ResourceTypeRules> make_load_balancer_rules() {
  return std::make_unique<LoadBalancerRules>();
}
std::unique_ptr<ResourceTypeRules> make_vnet_rules() { return std::make_unique<VnetRules>(); }

}  // namespace detail
}  // namespace emu::arm
