// DeploymentFixture: ArmFixture with a file-backed state folder, so a test can reach the ARM
// store through a second connection (reserve names, change SKU offers, quotas and provider
// states the way scenario actions do), fixed provisioning durations per resource type, and a
// CMG-like template (vnet, NSG, public IP with a DNS label, load balancer, storage account,
// key vault, VM scale set) with helpers for deployment paths.
#pragma once

#include "tests/testlib/temp_dir.h"
#include "tests/unit/arm/arm_fixture.h"

#include <memory>
#include <string>

namespace emu::arm::testing {

inline const std::string kRg = std::string("/subscriptions/") + kSub + "/resourceGroups/rg1";
inline const std::string kDeployments =
    std::string("/subscriptions/") + kSub +
    "/resourcegroups/rg1/providers/Microsoft.Resources/deployments";

// Resource IDs of the CMG template.
inline const std::string kNsgId =
    kRg + "/providers/Microsoft.Network/networkSecurityGroups/cmg-nsg";
inline const std::string kVnetId = kRg + "/providers/Microsoft.Network/virtualNetworks/cmg-vnet";
inline const std::string kPipId = kRg + "/providers/Microsoft.Network/publicIPAddresses/cmg-pip";
inline const std::string kLbId = kRg + "/providers/Microsoft.Network/loadBalancers/cmg-lb";
inline const std::string kStorageId =
    kRg + "/providers/Microsoft.Storage/storageAccounts/cmgcontosostore";
inline const std::string kVaultId = kRg + "/providers/Microsoft.KeyVault/vaults/cmgcontosokv";
inline const std::string kVmssId =
    kRg + "/providers/Microsoft.Compute/virtualMachineScaleSets/cmgcontoso";

// The CMG-like template: parameters dnsLabel (default "cmgcontoso") and vmSize (default
// Standard_B2s); output "fqdn" = reference(public IP).dnsSettings.fqdn. The scale set's tags
// call reference() on the vault (a deferred body).
inline nlohmann::json cmg_template() {
  static const char* kText = R"json({
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "dnsLabel": {"type": "string", "defaultValue": "cmgcontoso"},
    "vmSize": {"type": "string", "defaultValue": "Standard_B2s"},
    "location": {"type": "string", "defaultValue": "[resourceGroup().location]"}
  },
  "variables": {
    "pipId": "[resourceId('Microsoft.Network/publicIPAddresses', 'cmg-pip')]",
    "lbId": "[resourceId('Microsoft.Network/loadBalancers', 'cmg-lb')]",
    "vaultId": "[resourceId('Microsoft.KeyVault/vaults', 'cmgcontosokv')]"
  },
  "resources": [
    {"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2022-07-01",
     "name": "cmg-nsg", "location": "[parameters('location')]",
     "properties": {"securityRules": [{"name": "https", "properties": {
       "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
       "sourcePortRange": "*", "destinationPortRange": "443", "sourceAddressPrefix": "*",
       "destinationAddressPrefix": "*"}}]}},
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2022-07-01",
     "name": "cmg-vnet", "location": "[parameters('location')]",
     "dependsOn": ["[resourceId('Microsoft.Network/networkSecurityGroups', 'cmg-nsg')]"],
     "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
       "subnets": [{"name": "default", "properties": {"addressPrefix": "10.0.0.0/24",
         "networkSecurityGroup": {"id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'cmg-nsg')]"}}}]}},
    {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2022-07-01",
     "name": "cmg-pip", "location": "[parameters('location')]", "sku": {"name": "Basic"},
     "properties": {"publicIPAllocationMethod": "Dynamic",
                    "dnsSettings": {"domainNameLabel": "[parameters('dnsLabel')]"}}},
    {"type": "Microsoft.Network/loadBalancers", "apiVersion": "2022-07-01",
     "name": "cmg-lb", "location": "[parameters('location')]",
     "dependsOn": ["[variables('pipId')]"],
     "properties": {
       "frontendIPConfigurations": [{"name": "fe", "properties": {"publicIPAddress": {"id": "[variables('pipId')]"}}}],
       "backendAddressPools": [{"name": "pool"}],
       "probes": [{"name": "probe", "properties": {"protocol": "Tcp", "port": 443, "intervalInSeconds": 5, "numberOfProbes": 2}}],
       "loadBalancingRules": [{"name": "https", "properties": {
         "frontendIPConfiguration": {"id": "[concat(variables('lbId'), '/frontendIPConfigurations/fe')]"},
         "backendAddressPool": {"id": "[concat(variables('lbId'), '/backendAddressPools/pool')]"},
         "probe": {"id": "[concat(variables('lbId'), '/probes/probe')]"},
         "protocol": "Tcp", "frontendPort": 443, "backendPort": 443}}]}},
    {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01",
     "name": "cmgcontosostore", "location": "[parameters('location')]",
     "sku": {"name": "Standard_LRS"}, "kind": "StorageV2",
     "properties": {"minimumTlsVersion": "TLS1_2", "supportsHttpsTrafficOnly": true}},
    {"type": "Microsoft.KeyVault/vaults", "apiVersion": "2022-07-01",
     "name": "cmgcontosokv", "location": "[parameters('location')]",
     "properties": {"tenantId": "[subscription().tenantId]",
                    "sku": {"family": "A", "name": "standard"}, "accessPolicies": []}},
    {"type": "Microsoft.Compute/virtualMachineScaleSets", "apiVersion": "2022-11-01",
     "name": "cmgcontoso", "location": "[parameters('location')]",
     "dependsOn": ["[variables('lbId')]",
                   "[resourceId('Microsoft.Network/virtualNetworks', 'cmg-vnet')]"],
     "tags": {"vaultUri": "[reference(variables('vaultId')).vaultUri]"},
     "sku": {"name": "[parameters('vmSize')]", "tier": "Standard", "capacity": 1},
     "identity": {"type": "SystemAssigned"},
     "properties": {"upgradePolicy": {"mode": "Manual"}, "virtualMachineProfile": {
       "osProfile": {"computerNamePrefix": "cmg", "adminUsername": "cmgadmin", "adminPassword": "P@ssw0rd-not-real"},
       "networkProfile": {"networkInterfaceConfigurations": [{"name": "nic", "properties": {
         "primary": true, "ipConfigurations": [{"name": "ip", "properties": {
           "subnet": {"id": "[concat(resourceId('Microsoft.Network/virtualNetworks', 'cmg-vnet'), '/subnets/default')]"},
           "loadBalancerBackendAddressPools": [{"id": "[concat(variables('lbId'), '/backendAddressPools/pool')]"}]}}]}}]}}}}
  ],
  "outputs": {
    "fqdn": {"type": "string", "value": "[reference(variables('pipId')).dnsSettings.fqdn]"}
  }
})json";
  return nlohmann::json::parse(kText);
}

class DeploymentFixture : public ArmFixture {
 protected:
  void SetUp() override;

  // Provisioning durations (seconds): NSG 5, vnet 10, public IP 10, LB 15, storage 20,
  // vault 20, scale set 60. So: NSG 0-5, vnet 5-15, IP 0-10, LB 10-25, storage 0-20,
  // vault 0-20, scale set 25-85.
  nlohmann::json lab() const override;

  // PUT of `tmpl` as deployment `name` with az's body shape.
  http::Response deploy(const std::string& name, const nlohmann::json& tmpl,
                        const nlohmann::json& parameters = nlohmann::json::object(),
                        const std::string& token = "owner");
  http::Response validate(const std::string& name, const nlohmann::json& tmpl,
                          const nlohmann::json& parameters = nlohmann::json::object());
  nlohmann::json get_json(const std::string& path);
  // provisioningState of the resource (GET), or "" when it does not exist.
  std::string resource_state(const std::string& id);

  ArmStore& store() { return *store_; }

  emu::test::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ArmStore> store_;
};

inline std::string code_of(const http::Response& res) {
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

inline void DeploymentFixture::SetUp() {
  state_ = store::StateDir(dir_.path());
  ArmFixture::SetUp();
  auto db = state_.open("arm");
  ASSERT_TRUE(db.ok()) << db.status().message();
  db_ = std::move(db).value();
  auto opened = ArmStore::open(*db_);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  store_ = std::move(opened).value();
}

inline nlohmann::json DeploymentFixture::lab() const {
  nlohmann::json lab = ArmFixture::lab();
  lab["subscription"]["durations"] = {
      {"Microsoft.Network/networkSecurityGroups", 5},   {"Microsoft.Network/virtualNetworks", 10},
      {"Microsoft.Network/publicIPAddresses", 10},      {"Microsoft.Network/loadBalancers", 15},
      {"Microsoft.Storage/storageAccounts", 20},        {"Microsoft.KeyVault/vaults", 20},
      {"Microsoft.Compute/virtualMachineScaleSets", 60}};
  return lab;
}

inline http::Response DeploymentFixture::deploy(const std::string& name, const nlohmann::json& tmpl,
                                                const nlohmann::json& parameters,
                                                const std::string& token) {
  const nlohmann::json body = {
      {"properties", {{"template", tmpl}, {"parameters", parameters}, {"mode", "Incremental"}}}};
  return call("PUT", kDeployments + "/" + name, body, token);
}

inline http::Response DeploymentFixture::validate(const std::string& name,
                                                  const nlohmann::json& tmpl,
                                                  const nlohmann::json& parameters) {
  const nlohmann::json body = {
      {"properties", {{"template", tmpl}, {"parameters", parameters}, {"mode", "Incremental"}}}};
  return call("POST", kDeployments + "/" + name + "/validate", body);
}

inline nlohmann::json DeploymentFixture::get_json(const std::string& path) {
  return body_of(call("GET", path));
}

inline std::string DeploymentFixture::resource_state(const std::string& id) {
  auto res = call("GET", id);
  if (res.status != 200) return "";
  return body_of(res)["properties"].value("provisioningState", "?");
}

}  // namespace emu::arm::testing
