// Pure parts of the Create Cloud Management Gateway wizard and the cloud service manager: VM
// size labels, service prefix and deployment name, the action's arg checks, the CMG resource
// set, the manager's error summary, and the .pfx loader on the lab PKI.
#include "emulator/site/cloud_manager/cloud_manager.h"

#include "emulator/site/cloud_manager/internal.h"
#include "tests/testlib/temp_dir.h"
#include "tests/testlib/test_pki.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace emu::site {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(VmSizeSku, MapsWizardLabelsAndArmNames) {
  EXPECT_EQ(vm_size_sku("Lab (B2s)").value(), "Standard_B2s");
  EXPECT_EQ(vm_size_sku("Standard (A2_v2)").value(), "Standard_A2_v2");
  EXPECT_EQ(vm_size_sku("Large (A4_v2)").value(), "Standard_A4_v2");
  EXPECT_EQ(vm_size_sku("standard_a4_V2").value(), "Standard_A4_v2");
  EXPECT_EQ(vm_size_sku("Standard_B2s").value(), "Standard_B2s");
}

TEST(VmSizeSku, RejectsOtherSizes) {
  auto r = vm_size_sku("Standard_D2s_v3");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("unknown VM size 'Standard_D2s_v3'"));
}

TEST(ServicePrefix, TakesTheFirstLabelLowerCased) {
  EXPECT_EQ(service_prefix("cmg.contoso.com").value(), "cmg");
  EXPECT_EQ(service_prefix("GraniteFalls.contoso.com").value(), "granitefalls");
  EXPECT_EQ(service_prefix("cmg-1.japaneast.cloudapp.azure.com").value(), "cmg-1");
}

TEST(ServicePrefix, WildcardNeedsAnExplicitName) {
  auto r = service_prefix("*.contoso.com");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("wildcard certificate"));
  EXPECT_THAT(r.status().message(), HasSubstr("Replace the asterisk (*)"));
}

TEST(ServicePrefix, RejectsBadNames) {
  EXPECT_THAT(service_prefix("cmg").status().message(), HasSubstr("not a fully qualified"));
  EXPECT_THAT(service_prefix("").status().message(), HasSubstr("empty"));
  for (const char* bad :
       {"1cmg.contoso.com", "cm.contoso.com", "cmg-.contoso.com", "c_mg.contoso.com"}) {
    auto r = service_prefix(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_THAT(r.status().message(), HasSubstr("not a valid DNS label")) << bad;
  }
}

TEST(DeploymentName, IsPrefixRegionCloudapp) {
  EXPECT_EQ(deployment_name("cmg", "JapanEast"), "cmg.japaneast.cloudapp.azure.com");
  EXPECT_EQ(deployment_name("granitefalls", "westus"), "granitefalls.westus.cloudapp.azure.com");
}

json good_args() {
  return {{"signed_in_as", "admin@contoso.onmicrosoft.com"},
          {"certificate", {{"pfx", "cmg-cmg.contoso.com.pfx"}, {"password", "cmgemu"}}},
          {"region", "japaneast"},
          {"resource_group", {{"create", true}, {"name", "cmg-rg"}}}};
}

std::string invalid(const json& args) {
  Status s = validate_create_cmg_args(args);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << args.dump();
  return s.message();
}

TEST(ValidateCreateCmgArgs, AcceptsTheWizardsFields) {
  EXPECT_TRUE(validate_create_cmg_args(good_args()).ok());
  json full = good_args();
  full.update({{"environment", "AzurePublicCloud"},
               {"service_name", "cmg.contoso.com"},
               {"description", "lab"},
               {"vm_size", "Lab (B2s)"},
               {"instances", 16},
               {"trusted_roots", {"cmgemu-lab-root-ca.pem"}},
               {"verify_revocation", false},
               {"enforce_tls12", true},
               {"cloud_dp", false},
               {"alerts", {{"outbound_gb", 10}, {"warning_pct", 50}, {"critical_pct", 90}}},
               {"wait_for", "Ready"},
               {"subscription", "Contoso Lab"}});
  EXPECT_TRUE(validate_create_cmg_args(full).ok());
  json refs = good_args();
  refs["instances"] = "${vars.n}";
  refs["vm_size"] = "${vars.size}";
  EXPECT_TRUE(validate_create_cmg_args(refs).ok());
}

TEST(ValidateCreateCmgArgs, NamesTheBadArgument) {
  json a = good_args();
  a.erase("region");
  EXPECT_EQ(invalid(a), "region: required");
  a = good_args();
  a["instances"] = 17;
  EXPECT_EQ(invalid(a), "instances: must be an integer from 1 to 16");
  a["instances"] = 0;
  EXPECT_EQ(invalid(a), "instances: must be an integer from 1 to 16");
  a = good_args();
  a["vm_size"] = "Huge";
  EXPECT_THAT(invalid(a), HasSubstr("vm_size: unknown VM size 'Huge'"));
  a = good_args();
  a["certificate"].erase("pfx");
  EXPECT_EQ(invalid(a), "certificate.pfx: required");
  a = good_args();
  a["certificate"]["pwd"] = "x";
  EXPECT_THAT(invalid(a), HasSubstr("certificate.pwd: unknown key"));
  a = good_args();
  a["resource_group"]["name"] = "bad/name";
  EXPECT_THAT(invalid(a), HasSubstr("resource_group.name: 'bad/name' is not a valid"));
  a = good_args();
  a["wait_for"] = "Running";
  EXPECT_THAT(invalid(a), HasSubstr("wait_for: must be"));
  a = good_args();
  a["environment"] = "AzureChinaCloud";
  EXPECT_THAT(invalid(a), HasSubstr("environment: must be"));
  a = good_args();
  a["alerts"] = {{"warning_pct", 150}};
  EXPECT_EQ(invalid(a), "alerts.warning_pct: must be a percentage (0-100)");
  a = good_args();
  a["verify_revocation"] = "yes";
  EXPECT_EQ(invalid(a), "verify_revocation: must be true or false");
  a = good_args();
  a["trusted_roots"] = "root.pem";
  EXPECT_EQ(invalid(a), "trusted_roots: must be an array of PEM file names");
  EXPECT_EQ(invalid(json::array()), "args: must be an object");
}

cloud::CmgPlan plan(int instances = 1) {
  cloud::CmgPlan p;
  p.prefix = "cmg-lab";
  p.region = "japaneast";
  p.subscription = "sub";
  p.resource_group = "cmg-rg";
  p.tenant_id = "00000000-0000-0000-0000-000000000001";
  p.server_app_object_id = "sp";
  p.vm_size = "Standard_A2_v2";
  p.instances = instances;
  return p;
}

TEST(CmgResources, SevenResourcesInDependencyOrder) {
  auto rs = cloud::cmg_resources(plan());
  ASSERT_EQ(rs.size(), 7u);
  std::vector<std::string> deployments;
  for (const auto& r : rs) deployments.push_back(r.deployment);
  EXPECT_EQ(deployments, (std::vector<std::string>{
                             "CreateStorageAccount", "CreateKeyVault", "CreateNetworkSecurityGroup",
                             "CreateVirtualNetwork", "CreatePublicIPAddress", "CreateLoadBalancer",
                             "CreateVirtualMachineScaleSet"}));
  EXPECT_EQ(rs[0].name, "cmglab");  // storage: no hyphens
  EXPECT_EQ(rs[1].name, "cmg-lab");
  EXPECT_EQ(rs[4].id,
            "/subscriptions/sub/resourceGroups/cmg-rg/providers/"
            "Microsoft.Network/publicIPAddresses/cmg-lab");
  const json& pip = rs[4].resource;
  EXPECT_EQ(pip["sku"]["name"], "Basic");
  EXPECT_EQ(pip["properties"]["publicIPAllocationMethod"], "Dynamic");
  EXPECT_EQ(pip["properties"]["dnsSettings"]["domainNameLabel"], "cmg-lab");
  EXPECT_EQ(rs[6].resource["sku"]["name"], "Standard_A2_v2");
  EXPECT_EQ(rs[6].resource["tags"]["vaultUri"], "https://cmg-lab.vault.azure.net/");
  EXPECT_EQ(rs[1].resource["properties"]["accessPolicies"][0]["objectId"], "sp");
}

TEST(CmgResources, OpensConnectionPointPortsForSeveralInstances) {
  EXPECT_EQ(cloud::cmg_resources(plan(1))[2].resource["properties"]["securityRules"].size(), 1u);
  const json rules = cloud::cmg_resources(plan(2))[2].resource["properties"]["securityRules"];
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[1]["properties"]["destinationPortRange"], "10124-10139");
  EXPECT_EQ(cloud::cmg_resources(plan(3))[6].resource["sku"]["capacity"], 3);
}

TEST(StorageAccountName, KeepsLowerCaseLettersAndDigits) {
  EXPECT_EQ(cloud::storage_account_name("cmg-lab-01"), "cmglab01");
  EXPECT_EQ(cloud::storage_account_name("a-very-long-service-prefix-name"),
            "averylongserviceprefixna");
}

TEST(CloudError, SummaryListsInnerErrors) {
  cloud::CloudError e = cloud::cloud_error(
      AzureError{400, "", "", ""},
      json{{"error",
            {{"code", "InvalidTemplateDeployment"},
             {"message", "not valid"},
             {"details", {{{"code", "QuotaExceeded"}, {"message", "over quota"}}}}}}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.summary(), "InvalidTemplateDeployment: not valid; QuotaExceeded: over quota");
  EXPECT_THAT(e.content, HasSubstr("\"QuotaExceeded\""));
}

TEST(LoadPfx, ReadsTheLabCmgCertificate) {
  const pki::LabPki& lab = test::shared_pki();
  const pki::IssuedCert& cmg = lab.cmg.at("cmg-cmg.contoso.com");
  auto pfx = cloud::load_pfx(cmg.pfx_path, "cmgemu");
  ASSERT_TRUE(pfx.ok()) << pfx.status().to_string();
  EXPECT_EQ(pfx->common_name, "cmg.contoso.com");
  EXPECT_EQ(pfx->thumbprint, cmg.thumbprint);
  EXPECT_THAT(pfx->cert_pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
}

TEST(LoadPfx, ReportsMissingFileWrongPasswordAndGarbage) {
  const pki::LabPki& lab = test::shared_pki();
  const std::string path = lab.cmg.at("cmg-cmg.contoso.com").pfx_path;
  EXPECT_EQ(cloud::load_pfx(path + ".missing", "cmgemu").status().code(), StatusCode::kNotFound);
  auto wrong = cloud::load_pfx(path, "nope");
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong.status().message(), HasSubstr("password is incorrect"));
  test::TempDir dir;
  ASSERT_TRUE(test::write_file(dir.file("junk.pfx"), "not a pfx"));
  auto junk = cloud::load_pfx(dir.file("junk.pfx"), "cmgemu");
  EXPECT_EQ(junk.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(junk.status().message(), HasSubstr("is not a PKCS #12"));
}

TEST(ResolvePath, RelativeToThePkiFolder) {
  EXPECT_EQ(cloud::resolve_path("/pki", "cmg.pfx"), "/pki/cmg.pfx");
  EXPECT_EQ(cloud::resolve_path("/pki", "/abs/cmg.pfx"), "/abs/cmg.pfx");
}

}  // namespace
}  // namespace emu::site
