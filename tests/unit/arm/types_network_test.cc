// Tests for the Microsoft.Network rules: public IPs (DNS labels claimed per region), NSGs,
// load balancers, virtual networks and CheckDnsNameAvailability.
#include "tests/unit/arm/types_test_util.h"

#include <regex>

namespace emu::arm::types_testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kPip = "Microsoft.Network/publicIPAddresses";
constexpr const char* kNsg = "Microsoft.Network/networkSecurityGroups";
constexpr const char* kLb = "Microsoft.Network/loadBalancers";
constexpr const char* kVnet = "Microsoft.Network/virtualNetworks";

json pip_body(const std::string& location, const std::string& label = "") {
  json b = {{"location", location}, {"properties", {{"publicIPAllocationMethod", "Dynamic"}}}};
  if (!label.empty()) b["properties"]["dnsSettings"] = {{"domainNameLabel", label}};
  return b;
}

using NetworkTypesTest = TypesTest;

TEST_F(NetworkTypesTest, PublicIpGetsDefaultsAndComputedFields) {
  Result<PutPlan, ArmError> p = plan(kPip, "pip1", {{"location", "Japan East"}});
  ASSERT_TRUE(p.ok()) << p.error().message;
  const Resource& r = p->resource;
  EXPECT_EQ(r.id, id_of(kPip, "pip1"));
  EXPECT_EQ(r.type, kPip);
  EXPECT_EQ(r.location, "japaneast");
  EXPECT_EQ(r.resource_group, "rg1");
  const json& b = r.body;
  EXPECT_EQ(b["location"], "japaneast");
  EXPECT_EQ(b["name"], "pip1");
  EXPECT_EQ(b["tags"], json::object());
  EXPECT_EQ(b["sku"], (json{{"name", "Basic"}, {"tier", "Regional"}}));
  const json& props = b["properties"];
  EXPECT_EQ(props["publicIPAllocationMethod"], "Dynamic");
  EXPECT_EQ(props["publicIPAddressVersion"], "IPv4");
  EXPECT_EQ(props["idleTimeoutInMinutes"], 4);
  EXPECT_TRUE(
      std::regex_match(props["ipAddress"].get<std::string>(), std::regex(R"(20\.\d+\.\d+\.\d+)")));
  EXPECT_EQ(props["resourceGuid"].get<std::string>().size(), 36u);
  EXPECT_EQ(b["etag"].get<std::string>().rfind("W/\"", 0), 0u);
  EXPECT_FALSE(props.contains("provisioningState"));
  EXPECT_FALSE(props.contains("dnsSettings"));
  EXPECT_TRUE(p->claims.empty());
  EXPECT_EQ(p->duration, seconds(10));
  EXPECT_EQ(p->create_status, 201);
}

TEST_F(NetworkTypesTest, PublicIpPlanDoesNotWriteTheStore) {
  Result<PutPlan, ArmError> p = plan(kPip, "pip1", pip_body("japaneast", "cmg1"));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(store_->find_resource(id_of(kPip, "pip1")).ok());
  EXPECT_FALSE(store_->find_name("dns", "cmg1.japaneast").ok());
}

TEST_F(NetworkTypesTest, DnsLabelGivesFqdnAndRegionalClaim) {
  Result<PutPlan, ArmError> p = plan(kPip, "pip1", pip_body("japaneast", "cmg1"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->resource.body["properties"]["dnsSettings"]["fqdn"],
            "cmg1.japaneast.cloudapp.azure.com");
  ASSERT_EQ(p->claims.size(), 1u);
  EXPECT_EQ(p->claims[0].kind, "dns");
  EXPECT_EQ(p->claims[0].key, "cmg1.japaneast");
  EXPECT_EQ(p->claims[0].owner, id_of(kPip, "pip1"));
}

TEST_F(NetworkTypesTest, DnsLabelTakenInSameRegionIsDnsRecordInUse) {
  create(kPip, "pip1", pip_body("japaneast", "cmg1"));
  Result<PutPlan, ArmError> p = plan(kPip, "pip2", pip_body("japaneast", "cmg1"), "rg2");
  EXPECT_ARM_ERROR(p, 400, "DnsRecordInUse");
  EXPECT_EQ(p.error().message,
            "DNS record cmg1.japaneast.cloudapp.azure.com is already used by another public IP.");
  // The same label in another region is free.
  Result<PutPlan, ArmError> west = plan(kPip, "pip3", pip_body("japanwest", "cmg1"));
  ASSERT_TRUE(west.ok());
  EXPECT_EQ(west->claims[0].key, "cmg1.japanwest");
}

TEST_F(NetworkTypesTest, DnsLabelReservedByScenarioIsInUse) {
  ASSERT_TRUE(store_->claim_name({"dns", "taken.eastus", "reserved"}).ok());
  EXPECT_ARM_ERROR(plan(kPip, "pip1", pip_body("East US", "taken")), 400, "DnsRecordInUse");
}

TEST_F(NetworkTypesTest, UpdateKeepsLabelAddressAndGuid) {
  PutPlan first = create(kPip, "pip1", pip_body("japaneast", "cmg1"));
  Result<PutPlan, ArmError> again = plan(kPip, "PIP1", pip_body("japaneast", "cmg1"));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->resource.body["properties"]["ipAddress"],
            first.resource.body["properties"]["ipAddress"]);
  EXPECT_EQ(again->resource.body["properties"]["resourceGuid"],
            first.resource.body["properties"]["resourceGuid"]);
}

TEST_F(NetworkTypesTest, MalformedLabelIsInvalidDomainNameLabel) {
  for (const char* label : {"Cmg1", "ab", "1cmg", "cmg-", "cmg_1", "cmg.1"}) {
    Result<PutPlan, ArmError> p = plan(kPip, "pip1", pip_body("japaneast", label));
    EXPECT_ARM_ERROR(p, 400, "InvalidDomainNameLabel");
    EXPECT_EQ(p.error().message,
              std::string("The domain name label ") + label +
                  " is invalid. It must conform to the following regular expression: "
                  "^[a-z][a-z0-9-]{1,61}[a-z0-9]$.");
  }
  EXPECT_TRUE(plan(kPip, "pip1", pip_body("japaneast", "abc")).ok());
  EXPECT_TRUE(plan(kPip, "pip1", pip_body("japaneast", std::string(63, 'a'))).ok());
  EXPECT_FALSE(plan(kPip, "pip1", pip_body("japaneast", std::string(64, 'a'))).ok());
}

TEST_F(NetworkTypesTest, StandardSkuMustBeStatic) {
  json b = {{"location", "japaneast"}, {"sku", {{"name", "Standard"}}}};
  Result<PutPlan, ArmError> p = plan(kPip, "pip1", b);
  EXPECT_ARM_ERROR(p, 400, "StandardSkuPublicIPAddressesMustBeStatic");
  EXPECT_EQ(p.error().message, "Standard sku publicIp " + id_of(kPip, "pip1") +
                                   " must have AllocationMethod set to Static.");
  b["properties"] = {{"publicIPAllocationMethod", "Static"}};
  Result<PutPlan, ArmError> ok = plan(kPip, "pip1", b);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->resource.body["sku"]["name"], "Standard");
}

TEST_F(NetworkTypesTest, LocationMissingOrUnknown) {
  Result<PutPlan, ArmError> missing = plan(kPip, "pip1", json::object());
  EXPECT_ARM_ERROR(missing, 400, "LocationRequired");
  Result<PutPlan, ArmError> unknown = plan(kPip, "pip1", {{"location", "mars"}});
  EXPECT_ARM_ERROR(unknown, 400, "LocationNotAvailableForResourceType");
  EXPECT_EQ(unknown.error().message.rfind("The provided location 'mars' is not available for "
                                          "resource type 'Microsoft.Network/publicIPAddresses'. "
                                          "List of available regions for the resource type is "
                                          "'eastus,eastus2,",
                                          0),
            0u);
  EXPECT_ARM_ERROR(plan(kPip, "pip1", {{"location", "global"}}), 400,
                   "LocationNotAvailableForResourceType");
  EXPECT_ARM_ERROR(plan(kPip, "pip1", {{"location", 5}}), 400, "InvalidRequestContent");
  EXPECT_ARM_ERROR(plan(kPip, "pip1", json::array()), 400, "InvalidRequestContent");
  EXPECT_ARM_ERROR(plan(kPip, "pip1", {{"location", "eastus"}, {"tags", "x"}}), 400,
                   "InvalidRequestContent");
}

TEST_F(NetworkTypesTest, DurationsSettingOverridesDefault) {
  ASSERT_TRUE(store_->put_setting("durations", {{"MICROSOFT.NETWORK/PUBLICIPADDRESSES", 3}}).ok());
  EXPECT_EQ(plan(kPip, "pip1", pip_body("eastus"))->duration, seconds(3));
  ASSERT_TRUE(store_->put_setting("durations", {{kPip, "PT2M"}}).ok());
  EXPECT_EQ(plan(kPip, "pip1", pip_body("eastus"))->duration, seconds(120));
  ASSERT_TRUE(store_->put_setting("durations", {{kPip, "nonsense"}}).ok());
  EXPECT_EQ(plan(kPip, "pip1", pip_body("eastus"))->duration, seconds(10));
  EXPECT_EQ(provisioning_duration(*store_, kNsg, seconds(7)), seconds(7));
}

TEST_F(NetworkTypesTest, CheckDnsNameAvailability) {
  auto free = check_dns_name_availability(*store_, "japaneast", "cmg1");
  ASSERT_TRUE(free.ok());
  EXPECT_EQ(free.value(), (json{{"available", true}}));
  create(kPip, "pip1", pip_body("japaneast", "cmg1"));
  EXPECT_EQ(check_dns_name_availability(*store_, "Japan East", "cmg1").value(),
            (json{{"available", false}}));
  EXPECT_EQ(check_dns_name_availability(*store_, "japanwest", "cmg1").value(),
            (json{{"available", true}}));
  EXPECT_ARM_ERROR(check_dns_name_availability(*store_, "japaneast", "CMG1"), 400,
                   "InvalidDomainNameLabel");
  auto missing = check_dns_name_availability(*store_, "japaneast", "");
  EXPECT_ARM_ERROR(missing, 400, "InvalidParameter");
  EXPECT_EQ(missing.error().target, "domainNameLabel");
  EXPECT_ARM_ERROR(check_dns_name_availability(*store_, "mars", "cmg1"), 400,
                   "LocationNotAvailableForResourceType");
}

TEST_F(NetworkTypesTest, NetworkDeletesAreAsynchronous) {
  PutPlan p = create(kPip, "pip1", pip_body("eastus"));
  DeletePlan d = find_type_rules(kPip)->plan_delete(p.resource, ctx(kPip, "pip1"));
  EXPECT_EQ(d.duration, seconds(5));
  EXPECT_FALSE(d.soft_delete_vault);
}

TEST_F(NetworkTypesTest, NsgRulesGetIdsAndDefaults) {
  json body = {{"location", "japaneast"},
               {"properties",
                {{"securityRules",
                  {{{"name", "AllowHttps"},
                    {"properties",
                     {{"priority", 100},
                      {"direction", "Inbound"},
                      {"access", "Allow"},
                      {"protocol", "Tcp"},
                      {"destinationPortRange", "443"}}}}}}}}};
  Result<PutPlan, ArmError> p = plan(kNsg, "nsg1", body);
  ASSERT_TRUE(p.ok()) << p.error().message;
  const json& props = p->resource.body["properties"];
  EXPECT_EQ(props["securityRules"][0]["id"], id_of(kNsg, "nsg1") + "/securityRules/AllowHttps");
  EXPECT_EQ(props["securityRules"][0]["properties"]["provisioningState"], "Succeeded");
  ASSERT_EQ(props["defaultSecurityRules"].size(), 6u);
  EXPECT_EQ(props["defaultSecurityRules"][2]["name"], "DenyAllInBound");
  EXPECT_EQ(props["defaultSecurityRules"][2]["properties"]["priority"], 65500);
  EXPECT_EQ(p->duration, seconds(5));
}

TEST_F(NetworkTypesTest, NsgRejectsBadPriorityAndNamelessRules) {
  json body = {
      {"location", "japaneast"},
      {"properties", {{"securityRules", {{{"name", "r"}, {"properties", {{"priority", 50}}}}}}}}};
  Result<PutPlan, ArmError> p = plan(kNsg, "nsg1", body);
  EXPECT_ARM_ERROR(p, 400, "SecurityRuleInvalidPriority");
  EXPECT_EQ(p.error().message,
            "Security rule has invalid Priority. Value provided: 50 Allowed range 100-4096.");
  body["properties"]["securityRules"][0].erase("name");
  EXPECT_ARM_ERROR(plan(kNsg, "nsg1", body), 400, "InvalidRequestFormat");
}

json lb_body(const std::string& pool_ref) {
  const std::string lb = TypesTest::id_of(kLb, "lb1");
  return {{"location", "japaneast"},
          {"properties",
           {{"frontendIPConfigurations",
             {{{"name", "fe"},
               {"properties", {{"publicIPAddress", {{"id", TypesTest::id_of(kPip, "pip1")}}}}}}}},
            {"backendAddressPools", {{{"name", "pool"}}}},
            {"probes", {{{"name", "probe"}, {"properties", {{"protocol", "Tcp"}, {"port", 443}}}}}},
            {"loadBalancingRules",
             {{{"name", "https"},
               {"properties",
                {{"frontendIPConfiguration", {{"id", lb + "/frontendIPConfigurations/fe"}}},
                 {"backendAddressPool", {{"id", lb + "/backendAddressPools/" + pool_ref}}},
                 {"probe", {{"id", lb + "/probes/probe"}}},
                 {"protocol", "Tcp"},
                 {"frontendPort", 443},
                 {"backendPort", 443}}}}}}}}};
}

TEST_F(NetworkTypesTest, LoadBalancerChildrenGetIds) {
  Result<PutPlan, ArmError> p = plan(kLb, "lb1", lb_body("pool"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  const json& b = p->resource.body;
  const std::string lb = id_of(kLb, "lb1");
  EXPECT_EQ(b["sku"]["name"], "Basic");
  EXPECT_EQ(b["properties"]["frontendIPConfigurations"][0]["id"],
            lb + "/frontendIPConfigurations/fe");
  EXPECT_EQ(
      b["properties"]["frontendIPConfigurations"][0]["properties"]["privateIPAllocationMethod"],
      "Dynamic");
  EXPECT_EQ(b["properties"]["backendAddressPools"][0]["id"], lb + "/backendAddressPools/pool");
  EXPECT_EQ(b["properties"]["probes"][0]["id"], lb + "/probes/probe");
  EXPECT_EQ(b["properties"]["loadBalancingRules"][0]["id"], lb + "/loadBalancingRules/https");
  EXPECT_EQ(b["properties"]["inboundNatRules"], json::array());
}

TEST_F(NetworkTypesTest, LoadBalancerRuleReferencingMissingChild) {
  Result<PutPlan, ArmError> p = plan(kLb, "lb1", lb_body("nopool"));
  EXPECT_ARM_ERROR(p, 400, "InvalidResourceReference");
  EXPECT_NE(p.error().message.find("/backendAddressPools/nopool referenced by resource"),
            std::string::npos);
}

json vnet_body(const std::string& a, const std::string& b) {
  return {{"location", "japaneast"},
          {"properties",
           {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
            {"subnets",
             {{{"name", "a"}, {"properties", {{"addressPrefix", a}}}},
              {{"name", "b"}, {"properties", {{"addressPrefix", b}}}}}}}}};
}

TEST_F(NetworkTypesTest, VirtualNetworkSubnetsGetIds) {
  Result<PutPlan, ArmError> p = plan(kVnet, "vnet1", vnet_body("10.0.0.0/24", "10.0.1.0/24"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  const json& subnets = p->resource.body["properties"]["subnets"];
  EXPECT_EQ(subnets[1]["id"], id_of(kVnet, "vnet1") + "/subnets/b");
  EXPECT_EQ(subnets[1]["type"], "Microsoft.Network/virtualNetworks/subnets");
  EXPECT_EQ(subnets[1]["properties"]["privateEndpointNetworkPolicies"], "Disabled");
  EXPECT_EQ(p->resource.body["properties"]["dhcpOptions"]["dnsServers"], json::array());
}

TEST_F(NetworkTypesTest, VirtualNetworkSubnetChecks) {
  Result<PutPlan, ArmError> outside = plan(kVnet, "vnet1", vnet_body("10.0.0.0/24", "10.1.0.0/24"));
  EXPECT_ARM_ERROR(outside, 400, "NetcfgSubnetRangeOutsideVnet");
  EXPECT_EQ(outside.error().message,
            "Subnet 'b' is not valid because its IP address range is outside the IP address "
            "range of virtual network 'vnet1'.");
  Result<PutPlan, ArmError> overlap =
      plan(kVnet, "vnet1", vnet_body("10.0.0.0/24", "10.0.0.128/25"));
  EXPECT_ARM_ERROR(overlap, 400, "NetcfgSubnetRangesOverlap");
  EXPECT_ARM_ERROR(plan(kVnet, "vnet1", vnet_body("10.0.0.0/24", "10.0.1.0")), 400,
                   "InvalidAddressPrefixFormat");
  EXPECT_ARM_ERROR(plan(kVnet, "vnet1", vnet_body("10.0.0.0/24", "10.0.300.0/24")), 400,
                   "InvalidAddressPrefixFormat");
}

}  // namespace
}  // namespace emu::arm::types_testing
