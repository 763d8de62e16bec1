// A realistic CMG-like template (as az sends it: JSONC, unquoted `template`) expanded end to
// end: parameters, variables, uniqueString names, dependency order, IDs, a deferred
// reference() and the outputs.
#include "emulator/arm/templates/template.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace emu::arm {
namespace {

using Json = nlohmann::json;

constexpr char kSub[] = "9b2c7f3e-1d2a-4c5b-8e6f-0a1b2c3d4e5f";
constexpr char kRg[] = "/subscriptions/9b2c7f3e-1d2a-4c5b-8e6f-0a1b2c3d4e5f/resourceGroups/cmg-rg";

constexpr char kBody[] = R"({"properties": {"parameters": {"cmgName": {"value": "contosocmg"},
  "adminPassword": {"value": "Pa55w.rd!Pa55w.rd"}}, "mode": "Incremental", template: {
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "cmgName": {"type": "string", "minLength": 3, "maxLength": 24},
    "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
    "instanceCount": {"type": "int", "defaultValue": 2, "minValue": 1, "maxValue": 16},
    "vmSize": {"type": "string", "defaultValue": "Standard_B2s",
               "allowedValues": ["Standard_B2s", "Standard_A2_v2"]},
    "adminPassword": {"type": "securestring"}
  },
  "variables": {
    "storageName": "[concat('cmg', uniqueString(resourceGroup().id))]",
    "pipName": "[concat(parameters('cmgName'), '-pip')]",
    "lbName": "[concat(parameters('cmgName'), '-lb')]",
    "vnetName": "[concat(parameters('cmgName'), '-vnet')]",
    "subnetId": "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnetName'), 'default')]",
    "kvName": "[take(concat(parameters('cmgName'), '-kv-', uniqueString(subscription().id)), 24)]"
  },
  "resources": [
    {"type": "Microsoft.Compute/virtualMachineScaleSets", "apiVersion": "2022-08-01",
     "name": "[parameters('cmgName')]", "location": "[parameters('location')]",
     "sku": {"name": "[parameters('vmSize')]", "capacity": "[parameters('instanceCount')]"},
     "dependsOn": ["[resourceId('Microsoft.Network/loadBalancers', variables('lbName'))]",
                   "[variables('vnetName')]", "Microsoft.KeyVault/vaults/contosocmg-kv-placeholder"],
     "properties": {"virtualMachineProfile": {"networkProfile": {"networkInterfaceConfigurations": [
       {"name": "nic", "properties": {"ipConfigurations": [{"name": "ip", "properties": {
         "subnet": {"id": "[variables('subnetId')]"},
         "loadBalancerBackendAddressPools": [{"id": "[concat(resourceId('Microsoft.Network/loadBalancers', variables('lbName')), '/backendAddressPools/pool')]"}]
       }}]}}]},
       "osProfile": {"adminPassword": "[parameters('adminPassword')]"}}}},
    {"type": "Microsoft.Network/loadBalancers", "apiVersion": "2022-07-01", "name": "[variables('lbName')]",
     "location": "[parameters('location')]",
     "dependsOn": ["[resourceId('Microsoft.Network/publicIPAddresses', variables('pipName'))]"],
     "properties": {"frontendIPConfigurations": [{"name": "fe", "properties": {
       "publicIPAddress": {"id": "[resourceId('Microsoft.Network/publicIPAddresses', variables('pipName'))]"}}}]}},
    {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01", "name": "[variables('storageName')]",
     "location": "[parameters('location')]", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}},
    {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2022-07-01", "name": "[variables('pipName')]",
     "location": "[parameters('location')]", "sku": {"name": "Standard"},
     "properties": {"publicIPAllocationMethod": "Static",
                    "dnsSettings": {"domainNameLabel": "[parameters('cmgName')]"}}},
    {"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2022-07-01", "name": "cmg-nsg",
     "location": "[parameters('location')]",
     "properties": {"securityRules": [{"name": "https", "properties": {"priority": 100,
       "destinationPortRange": "443", "access": "Allow", "direction": "Inbound", "protocol": "Tcp",
       "sourceAddressPrefix": "*", "destinationAddressPrefix": "*", "sourcePortRange": "*"}}]}},
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2022-07-01", "name": "[variables('vnetName')]",
     "location": "[parameters('location')]", "dependsOn": ["cmg-nsg"],
     "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
       "subnets": [{"name": "default", "properties": {"addressPrefix": "10.0.0.0/24",
         "networkSecurityGroup": {"id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'cmg-nsg')]"}}}]}},
    {"type": "Microsoft.KeyVault/vaults", "apiVersion": "2022-07-01", "name": "contosocmg-kv-placeholder",
     "location": "[parameters('location')]",
     "properties": {"tenantId": "[subscription().tenantId]", "sku": {"family": "A", "name": "standard"},
                    "accessPolicies": [], // filled by CM
                    "vaultUri": "[concat('https://contosocmg-kv-placeholder', environment().suffixes.keyvaultDns, '/')]"}},
    {"type": "Microsoft.Storage/storageAccounts/blobServices/containers", "apiVersion": "2022-09-01",
     "name": "[concat(variables('storageName'), '/default/content')]",
     "dependsOn": ["[variables('storageName')]"]}
  ],
  "outputs": {
    "fqdn": {"type": "string", "value": "[reference(variables('pipName')).dnsSettings.fqdn]"},
    "storageEndpoint": {"type": "string",
      "value": "[concat('https://', variables('storageName'), '.blob.', environment().suffixes.storage)]"}
  }
}}})";

TemplateScope scope() {
  return {kSub, "Lab", "72f988bf-86f1-41af-91ab-2d7cd011db47", "cmg-rg", "westeurope", "cmgdeploy"};
}

std::string id(const std::string& tail) { return std::string(kRg) + "/providers/" + tail; }

TEST(CmgTemplate, ExpandsInDependencyOrderWithArmIds) {
  Result<Json> body = parse_lenient_json(kBody);
  ASSERT_TRUE(body.ok()) << body.status().message();
  const Json& props = body.value()["properties"];
  const Json& tmpl = props["template"];
  const std::string storage = "cmg" + unique_string({kRg});
  Result<ExpandedTemplate, ArmError> x =
      expand_template(tmpl, props["parameters"], scope(), ReferenceFn());
  ASSERT_TRUE(x.ok()) << x.error().message;

  std::vector<std::string> order;
  for (const ExpandedResource& r : x->resources) order.push_back(r.name);
  EXPECT_EQ(order, (std::vector<std::string>{storage, "contosocmg-pip", "contosocmg-lb", "cmg-nsg",
                                             "contosocmg-vnet", "contosocmg-kv-placeholder",
                                             "contosocmg", storage + "/default/content"}));
  const ExpandedResource& vmss = x->resources[6];
  EXPECT_EQ(vmss.id, id("Microsoft.Compute/virtualMachineScaleSets/contosocmg"));
  EXPECT_EQ(vmss.depends_on,
            (std::vector<std::string>{id("Microsoft.Network/loadBalancers/contosocmg-lb"),
                                      id("Microsoft.Network/virtualNetworks/contosocmg-vnet"),
                                      id("Microsoft.KeyVault/vaults/contosocmg-kv-placeholder")}));
  EXPECT_EQ(vmss.body["sku"], (Json{{"name", "Standard_B2s"}, {"capacity", 2}}));
  const Json& ipconf = vmss.body["properties"]["virtualMachineProfile"]["networkProfile"]
                                ["networkInterfaceConfigurations"][0]["properties"]
                                ["ipConfigurations"][0]["properties"];
  EXPECT_EQ(ipconf["subnet"]["id"],
            id("Microsoft.Network/virtualNetworks/contosocmg-vnet/subnets/default"));
  EXPECT_EQ(ipconf["loadBalancerBackendAddressPools"][0]["id"],
            id("Microsoft.Network/loadBalancers/contosocmg-lb/backendAddressPools/pool"));
  EXPECT_EQ(vmss.body["properties"]["virtualMachineProfile"]["osProfile"]["adminPassword"],
            "Pa55w.rd!Pa55w.rd");

  const ExpandedResource& pip = x->resources[1];
  EXPECT_EQ(pip.body["properties"]["dnsSettings"]["domainNameLabel"], "contosocmg");
  EXPECT_EQ(pip.body["location"], "westeurope");
  EXPECT_EQ(x->resources[5].body["properties"]["vaultUri"],
            "https://contosocmg-kv-placeholder.vault.azure.net/");
  EXPECT_EQ(x->resources[7].id, id("Microsoft.Storage/storageAccounts/" + storage +
                                   "/blobServices/default/containers/content"));
  EXPECT_EQ(x->parameters["adminPassword"], (Json{{"type", "SecureString"}}));
  EXPECT_EQ(x->parameters["location"]["value"], "westeurope");

  std::map<std::string, Json> deployed = {
      {id("Microsoft.Network/publicIPAddresses/contosocmg-pip"),
       {{"dnsSettings",
         {{"domainNameLabel", "contosocmg"},
          {"fqdn", "contosocmg.westeurope.cloudapp.azure.com"}}}}}};
  ReferenceFn ref = [&](const std::string& rid, bool) -> std::optional<Json> {
    auto it = deployed.find(rid);
    if (it == deployed.end()) return std::nullopt;
    return it->second;
  };
  Result<Json, ArmError> outputs = evaluate_outputs(tmpl, x.value(), scope(), ref);
  ASSERT_TRUE(outputs.ok()) << outputs.error().to_json().dump();
  EXPECT_EQ(outputs.value()["fqdn"],
            (Json{{"type", "String"}, {"value", "contosocmg.westeurope.cloudapp.azure.com"}}));
  EXPECT_EQ(outputs.value()["storageEndpoint"]["value"],
            "https://" + storage + ".blob.core.windows.net");
}

}  // namespace
}  // namespace emu::arm
