// The resources of a VMSS CMG (README Sources [S4]), one ARM template resource each, deployed one
// deployment per resource ("Create<Type><GUID>", [C] for the public IP, inferred for the
// others). Names: the scale set, the Key Vault and the public IP's DNS label are the service
// prefix ([C] server-auth-cert.md: check those names for global uniqueness); the other
// resources carry the prefix too (inferred), and the storage account the prefix without
// hyphens (inferred; storage names allow only lower-case letters and digits). Shapes and API
// versions follow scenarios/examples/arm-cmg-deployment.json.
#include "emulator/core/text.h"
#include "emulator/site/cloud_manager/internal.h"

#include <algorithm>
#include <cctype>

namespace emu::site::cloud {
namespace {

constexpr const char* kNetworkApi = "2022-07-01";

std::string resource_id(const CmgPlan& p, const std::string& type, const std::string& name) {
  return "/subscriptions/" + p.subscription + "/resourceGroups/" + p.resource_group +
         "/providers/" + type + "/" + name;
}

CmgResource make(const CmgPlan& p, const char* display, const char* deployment, const char* type,
                 const std::string& name, const char* api, json body) {
  CmgResource r;
  r.display = display;
  r.deployment = deployment;
  r.type = type;
  r.name = name;
  r.api_version = api;
  r.id = resource_id(p, type, name);
  body["type"] = type;
  body["apiVersion"] = api;
  body["name"] = name;
  body["location"] = p.region;
  body["tags"] = {{"ServiceName", p.prefix}, {"CreatedBy", "ConfigMgr"}};  // inferred
  r.resource = std::move(body);
  return r;
}

json storage(const CmgPlan& p) {
  return {{"sku", {{"name", "Standard_LRS"}}},  // LRS [C] README Sources [S4]
          {"kind", "StorageV2"},
          {"properties",
           {{"minimumTlsVersion", p.enforce_tls12 ? "TLS1_2" : "TLS1_0"},
            {"supportsHttpsTrafficOnly", true},
            {"allowBlobPublicAccess", false}}}};
}

// Only the server app and the scale set's identity may read the vault ([C] README Sources [S4]);
// the identity's policy is added by the VMSS extension in Azure, not modelled here.
json vault(const CmgPlan& p) {
  json policies = json::array();
  if (!p.server_app_object_id.empty())
    policies.push_back({{"tenantId", p.tenant_id},
                        {"objectId", p.server_app_object_id},
                        {"permissions",
                         {{"secrets", {"get", "list", "set", "delete"}},
                          {"certificates", {"get", "list", "import", "delete"}}}}});
  return {{"properties",
           {{"tenantId", p.tenant_id},
            {"sku", {{"family", "A"}, {"name", "standard"}}},
            {"enabledForDeployment", true},
            {"accessPolicies", policies}}}};
}

json nsg_rule(const std::string& name, int priority, const std::string& ports) {
  return {{"name", name},
          {"properties",
           {{"priority", priority},
            {"direction", "Inbound"},
            {"access", "Allow"},
            {"protocol", "Tcp"},
            {"sourcePortRange", "*"},
            {"destinationPortRange", ports},
            {"sourceAddressPrefix", "*"},
            {"destinationAddressPrefix", "*"}}}};
}

// HTTPS from clients; with two or more VMs the CMG connection point also uses 10124-10139
// ([C] README Sources [S15]).
json nsg(const CmgPlan& p) {
  json rules = json::array({nsg_rule("HTTPS", 100, "443")});
  if (p.instances > 1) rules.push_back(nsg_rule("CMGConnectionPoint", 110, "10124-10139"));
  return {{"properties", {{"securityRules", rules}}}};
}

json vnet(const CmgPlan& p) {
  return {{"properties",
           {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
            {"subnets",
             {{{"name", "default"},
               {"properties",
                {{"addressPrefix", "10.0.0.0/24"},
                 {"networkSecurityGroup",
                  {{"id",
                    resource_id(p, "Microsoft.Network/networkSecurityGroups", p.prefix)}}}}}}}}}}};
}

// One Basic, dynamic public IP per CMG ([C] README Sources [S4]), without availability zone.
json public_ip(const CmgPlan& p) {
  return {{"sku", {{"name", "Basic"}}},
          {"properties",
           {{"publicIPAllocationMethod", "Dynamic"},
            {"dnsSettings", {{"domainNameLabel", p.prefix}}}}}};
}

json load_balancer(const CmgPlan& p) {
  const std::string lb = resource_id(p, "Microsoft.Network/loadBalancers", p.prefix);
  return {{"sku", {{"name", "Basic"}}},
          {"properties",
           {{"frontendIPConfigurations",
             {{{"name", "LoadBalancerFrontEnd"},
               {"properties",
                {{"publicIPAddress",
                  {{"id", resource_id(p, "Microsoft.Network/publicIPAddresses", p.prefix)}}}}}}}},
            {"backendAddressPools", {{{"name", "BackendPool"}}}},
            {"probes",
             {{{"name", "HttpsProbe"},
               {"properties",
                {{"protocol", "Tcp"},
                 {"port", 443},
                 {"intervalInSeconds", 5},
                 {"numberOfProbes", 2}}}}}},
            {"loadBalancingRules",
             {{{"name", "HTTPS"},
               {"properties",
                {{"frontendIPConfiguration",
                  {{"id", lb + "/frontendIPConfigurations/LoadBalancerFrontEnd"}}},
                 {"backendAddressPool", {{"id", lb + "/backendAddressPools/BackendPool"}}},
                 {"probe", {{"id", lb + "/probes/HttpsProbe"}}},
                 {"protocol", "Tcp"},
                 {"frontendPort", 443},
                 {"backendPort", 443}}}}}}}}};
}

json scale_set(const CmgPlan& p) {
  const std::string lb = resource_id(p, "Microsoft.Network/loadBalancers", p.prefix);
  const std::string subnet =
      resource_id(p, "Microsoft.Network/virtualNetworks", p.prefix) + "/subnets/default";
  json ip_config = {
      {"name", "ipconfig"},
      {"properties",
       {{"subnet", {{"id", subnet}}},
        {"loadBalancerBackendAddressPools", {{{"id", lb + "/backendAddressPools/BackendPool"}}}}}}};
  return {{"sku", {{"name", p.vm_size}, {"tier", "Standard"}, {"capacity", p.instances}}},
          {"identity", {{"type", "SystemAssigned"}}},
          {"properties",
           {{"upgradePolicy", {{"mode", "Manual"}}},
            {"virtualMachineProfile",
             {{"osProfile",
               {{"computerNamePrefix", "cmg"},  // inferred
                {"adminUsername", "cmgadmin"},  // inferred
                {"adminPassword", p.admin_password}}},
              {"storageProfile",
               {{"imageReference",
                 {{"publisher", "MicrosoftWindowsServer"},
                  {"offer", "WindowsServer"},
                  {"sku", "2019-Datacenter"},
                  {"version", "latest"}}},
                {"osDisk", {{"createOption", "FromImage"}, {"caching", "ReadWrite"}}}}},
              {"networkProfile",
               {{"networkInterfaceConfigurations",
                 {{{"name", "nic"},
                   {"properties",
                    {{"primary", true}, {"ipConfigurations", json::array({ip_config})}}}}}}}}}}}}};
}

}  // namespace

std::string storage_account_name(const std::string& prefix) {
  std::string name;
  for (char c : prefix)
    if (std::isalnum(static_cast<unsigned char>(c))) name += ascii_lower(c);
  return name.substr(0, 24);
}

CmgPlan plan_for(const sitedb::CloudService& s, const std::string& server_app_object_id) {
  CmgPlan plan;
  plan.prefix = str_arg(s.settings, "prefix");
  if (plan.prefix.empty()) plan.prefix = service_prefix(s.name).value_or(s.name);
  plan.region = s.region;
  plan.subscription = s.subscription_id;
  plan.resource_group = s.resource_group;
  plan.tenant_id = s.tenant_id;
  plan.server_app_object_id = server_app_object_id;
  plan.vm_size = s.vm_size;
  plan.instances = s.instances;
  plan.enforce_tls12 = s.settings.value("enforce_tls12", true);
  return plan;
}

std::vector<CmgResource> cmg_resources(const CmgPlan& p) {
  std::vector<CmgResource> out;
  out.push_back(make(p, "Storage Account", "CreateStorageAccount",
                     "Microsoft.Storage/storageAccounts", storage_account_name(p.prefix),
                     "2022-09-01", storage(p)));
  json v = vault(p);
  json vmss = scale_set(p);
  out.push_back(make(p, "Key Vault", "CreateKeyVault", "Microsoft.KeyVault/vaults", p.prefix,
                     "2022-07-01", std::move(v)));
  out.push_back(make(p, "Network Security Group", "CreateNetworkSecurityGroup",
                     "Microsoft.Network/networkSecurityGroups", p.prefix, kNetworkApi, nsg(p)));
  out.push_back(make(p, "Virtual Network", "CreateVirtualNetwork",
                     "Microsoft.Network/virtualNetworks", p.prefix, kNetworkApi, vnet(p)));
  out.push_back(make(p, "Public IP Address", "CreatePublicIPAddress",
                     "Microsoft.Network/publicIPAddresses", p.prefix, kNetworkApi, public_ip(p)));
  out.push_back(make(p, "Load Balancer", "CreateLoadBalancer", "Microsoft.Network/loadBalancers",
                     p.prefix, kNetworkApi, load_balancer(p)));
  CmgResource set =
      make(p, "Virtual Machine Scale Set", "CreateVirtualMachineScaleSet",
           "Microsoft.Compute/virtualMachineScaleSets", p.prefix, "2022-11-01", std::move(vmss));
  set.resource["tags"]["vaultUri"] = "https://" + p.prefix + ".vault.azure.net/";
  out.push_back(std::move(set));
  return out;
}

}  // namespace emu::site::cloud
