// The Create Cloud Management Gateway wizard and the cloud service manager against the lab's
// Entra ID and ARM over real HTTPS, in virtual time: a CMG deployed to Ready, and the failures
// CMG setups hit (provider not registered, DNS label taken, soft-deleted vault, VM size not
// offered, quota, throttling, expired server-app secret), with their CloudMgr.log lines.
#include "emulator/core/faults.h"
#include "emulator/site/cloud_manager/cloud_manager.h"
#include "tests/integration/site_fixture.h"
#include "tests/testlib/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <chrono>

namespace emu {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kCmg = "cmg.contoso.com";
constexpr const char* kAdmin = "admin@contoso.onmicrosoft.com";

class CloudManagerTest : public test::SiteLabTest {
 protected:
  // The lab (with a server app holding a secret) and the site's Azure configuration: the
  // tenant and its web app, as the Azure Services wizard records them.
  void SetUpSite(bool registered = true, bool with_app = true) {
    json section = test::site_lab_section(registered);
    section["tenant"]["applications"] = json::array(
        {{{"display_name", "ConfigMgr CMG Server"},
          {"identifier_uris", {"https://ConfigMgrService"}},
          {"secrets", {{{"value", "server-secret"}, {"expires", "2027-06-01T00:00:00Z"}}}}}});
    SetUpLab(section);
    if (HasFatalFailure()) return;
    const json& tenant = summary_["aad"]["tenants"][0];
    tenant_id_ = tenant["id"].get<std::string>();
    const json& app = tenant["applications"][0];
    app_id_ = app["app_id"].get<std::string>();
    subscription_ = summary_["arm"]["subscriptions"][0]["id"].get<std::string>();
    if (!with_app) return;
    sitedb::AadTenant t;
    t.tenant_id = tenant_id_;
    t.name = "Cloud Management";
    t.domain = "contoso.onmicrosoft.com";
    t.environment = "AzurePublicCloud";
    ASSERT_TRUE(db_->put_tenant(t).ok());
    sitedb::AadApplication web;
    web.tenant_id = tenant_id_;
    web.kind = "web";
    web.name = "ConfigMgr CMG Server";
    web.client_id = app_id_;
    web.object_id = app["id"].get<std::string>();
    web.service_principal_id = app["service_principal_id"].get<std::string>();
    web.identifier_uri = "https://ConfigMgrService";
    web.secret = "server-secret";
    web.secret_expiry = "2027-06-01T00:00:00Z";
    ASSERT_TRUE(db_->put_application(web).ok());
  }

  json create_args(const std::string& wait_for = "Ready") {
    return {{"signed_in_as", kAdmin},
            {"certificate", {{"pfx", "cmg-cmg.contoso.com.pfx"}, {"password", "cmgemu"}}},
            {"region", "japaneast"},
            {"resource_group", {{"create", true}, {"name", "cmg-rg"}}},
            {"wait_for", wait_for}};
  }

  ActionOutcome action(const std::string& name, const json& args) {
    const ActionDef* def = lab_->actions().find(name);
    EXPECT_NE(def, nullptr) << name;
    if (def == nullptr || !def->run) {
      ActionOutcome missing;
      missing.kind = ActionOutcome::Kind::kFailed;
      return missing;
    }
    return def->run(args, *ctx_);
  }

  std::string cloudmgr() const { return log_text(site::kCloudMgrLog); }
  size_t services() { return db_->cloud_services().size(); }
  std::string rid(const std::string& type, const std::string& name) const {
    return "/subscriptions/" + subscription_ + "/resourceGroups/cmg-rg/providers/" + type + "/" +
           name;
  }

  std::string tenant_id_, app_id_, subscription_;
};

#define ASSERT_SITE(...)  \
  SetUpSite(__VA_ARGS__); \
  if (HasFatalFailure()) return

TEST_F(CloudManagerTest, DeploysTheCmgToReadyInVirtualTime) {
  ASSERT_SITE();
  const TimePoint start = lab_->clock().now();
  ActionOutcome o = site::create_cmg(*env_, create_args());
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  EXPECT_EQ(o.output["status"], "Ready");
  EXPECT_EQ(o.output["deployment_name"], "cmg.japaneast.cloudapp.azure.com");
  EXPECT_EQ(o.output["vm_size"], "Standard_A2_v2");
  EXPECT_EQ(o.output["subscription_id"], subscription_);
  const auto elapsed = lab_->clock().now() - start;
  EXPECT_GE(elapsed, std::chrono::minutes(10));  // the scale set takes 10 virtual minutes
  EXPECT_LT(elapsed, std::chrono::minutes(30));

  ASSERT_EQ(o.output["resources"].size(), 7u);
  for (const auto& [display, id] : o.output["resources"].items()) {
    ActionOutcome got = action("arm.resource.expect", {{"id", id}, {"state", "Succeeded"}});
    EXPECT_EQ(got.kind, ActionOutcome::Kind::kPassed) << display << ": " << got.message;
  }
  auto dns = dns_.resolve("cmg.japaneast.cloudapp.azure.com");
  ASSERT_TRUE(dns.ok()) << dns.status().to_string();
  EXPECT_EQ(dns->address, o.output["public_ip"]);

  auto row = db_->cloud_service(kCmg);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->state, sitedb::CloudServiceState::kReady);
  EXPECT_EQ(row->next_maintenance, "");
  EXPECT_EQ(row->tenant_id, tenant_id_);
  EXPECT_EQ(row->settings["resource_group_created"], true);
  // The record keeps where the .pfx was, never its password or key: the wizard uploaded the
  // certificate and key.
  EXPECT_THAT(row->settings.value("certificate_pfx", ""), HasSubstr("cmg-cmg.contoso.com.pfx"));
  auto everything = db_->query("SELECT * FROM [dbo].[Azure_CloudService]");
  ASSERT_TRUE(everything.ok()) << everything.status().to_string();
  for (const auto& r : everything->rows)
    for (const auto& value : r)
      if (value) {
        EXPECT_THAT(*value, Not(HasSubstr("cmgemu\"")));
        EXPECT_THAT(*value, Not(HasSubstr("password")));
        EXPECT_THAT(*value, Not(HasSubstr("PRIVATE KEY")));
      }
  auto uploaded = uploads_.get(kCmg);
  ASSERT_TRUE(uploaded.has_value());
  EXPECT_THAT(uploaded->key_pem, HasSubstr("BEGIN PRIVATE KEY"));
  EXPECT_THAT(uploaded->chain_pem, HasSubstr("BEGIN CERTIFICATE"));
  const std::string log = cloudmgr();
  EXPECT_THAT(log, HasSubstr("TaskManager: Starting task [CreateDeployment for service "
                             "cmg.contoso.com]"));
  EXPECT_THAT(log, HasSubstr("Resource Manager - Creating Public IP Address cmg with deployment "
                             "CreatePublicIPAddress"));
  EXPECT_THAT(log, HasSubstr("Resource Manager - Creating Virtual Machine Scale Set cmg"));
  EXPECT_THAT(log, HasSubstr("$$<SMS_CLOUD_SERVICES_MANAGER>"));
  EXPECT_THAT(log, Not(HasSubstr("ERROR")));

  // Stop / Start / status.
  EXPECT_EQ(site::stop_cmg(*env_, {{"cmg", kCmg}}).output["status"], "Stopped");
  ActionOutcome again = site::stop_cmg(*env_, {{"cmg", kCmg}});
  EXPECT_EQ(again.kind, ActionOutcome::Kind::kFailed);
  EXPECT_THAT(again.message, HasSubstr("its status is Stopped, not Ready"));
  EXPECT_EQ(site::start_cmg(*env_, {{"cmg", kCmg}}).output["status"], "Ready");
  EXPECT_EQ(site::cmg_status(*env_, {{"cmg", kCmg}}).output["public_ip"], o.output["public_ip"]);
  EXPECT_EQ(site::cmg_status(*env_, {{"cmg", "nope.contoso.com"}}).kind,
            ActionOutcome::Kind::kFailed);
}

TEST_F(CloudManagerTest, UnregisteredProviderFailsThenMaintenanceRecovers) {
  ASSERT_SITE(false);
  ActionOutcome o = site::create_cmg(*env_, create_args("Error"));
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  EXPECT_EQ(o.output["status"], "Error");
  EXPECT_EQ(o.output["status_description"], "Failed to provision the service");
  const std::string log = cloudmgr();
  EXPECT_THAT(log, HasSubstr("ErrorCode: MissingSubscriptionRegistration"));
  EXPECT_THAT(log, HasSubstr("ERROR: Exception occured for service cmg.contoso.com : "));
  EXPECT_THAT(log, HasSubstr("TaskManager: Task [CreateDeployment for service cmg.contoso.com] "
                             "status is Faulted~~"));
  EXPECT_THAT(log, HasSubstr("TaskManager: Scheduling task [Deployment Maintenance for service "
                             "cmg.contoso.com] for retry.~~"));
  const TimePoint failed_at = lab_->clock().now();

  // Nothing is due yet: maintenance runs nothing.
  ActionOutcome idle = site::run_cmg_maintenance(*env_, {{"cmg", kCmg}});
  EXPECT_EQ(idle.output["attempts"], 0);
  EXPECT_EQ(idle.output["status"], "Error");

  ActionOutcome reg =
      action("arm.providers.register",
             {{"signed_in_as", kAdmin},
              {"namespaces", {"Microsoft.Compute", "Microsoft.KeyVault", "Microsoft.Network"}}});
  ASSERT_EQ(reg.kind, ActionOutcome::Kind::kPassed) << reg.message;
  ActionOutcome m = site::run_cmg_maintenance(*env_, {{"cmg", kCmg}, {"wait_for", "Ready"}});
  ASSERT_EQ(m.kind, ActionOutcome::Kind::kPassed) << m.message;
  EXPECT_EQ(m.output["status"], "Ready");
  EXPECT_EQ(m.output["attempts"], 1);
  EXPECT_GE(lab_->clock().now() - failed_at, std::chrono::minutes(20));
  EXPECT_THAT(cloudmgr(), HasSubstr("TaskManager: Starting task [Deployment Maintenance for "
                                    "service cmg.contoso.com]"));
  EXPECT_TRUE(dns_.resolve("cmg.japaneast.cloudapp.azure.com").ok());
}

TEST_F(CloudManagerTest, DnsLabelTakenBeforeTheWizardIsRefused) {
  ASSERT_SITE();
  ASSERT_EQ(
      action("arm.name.reserve", {{"kind", "dns"}, {"name", "cmg"}, {"region", "japaneast"}}).kind,
      ActionOutcome::Kind::kPassed);
  ActionOutcome o = site::create_cmg(*env_, create_args());
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kFailed);
  EXPECT_THAT(o.message, HasSubstr("cmg.japaneast.cloudapp.azure.com is already in use"));
  EXPECT_EQ(services(), 0u);
  EXPECT_THAT(log_text(site::kAdminUiLog), HasSubstr("is already in use"));
}

TEST_F(CloudManagerTest, DnsLabelTakenDuringProvisioningFailsTheDeployment) {
  ASSERT_SITE();
  ActionOutcome o = site::create_cmg(*env_, create_args("Provisioning"));
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  EXPECT_EQ(o.output["status"], "Provisioning");
  EXPECT_EQ(services(), 1u);
  ASSERT_EQ(
      action("arm.name.reserve", {{"kind", "dns"}, {"name", "cmg"}, {"region", "japaneast"}}).kind,
      ActionOutcome::Kind::kPassed);
  ActionOutcome m = site::run_cmg_maintenance(*env_, {{"cmg", kCmg}, {"wait_for", "Error"}});
  ASSERT_EQ(m.kind, ActionOutcome::Kind::kPassed) << m.message;
  EXPECT_EQ(m.output["attempts"], 1);
  EXPECT_THAT(m.output["last_error"].get<std::string>(), HasSubstr("DnsRecordInUse"));
  const std::string log = cloudmgr();
  EXPECT_THAT(log, HasSubstr("Status: 200 (OK)~~ErrorCode: DeploymentFailed~~"));
  EXPECT_THAT(log, HasSubstr("DnsRecordInUse: DNS record cmg.japaneast.cloudapp.azure.com is "
                             "already used by another public IP."));
  EXPECT_THAT(log, HasSubstr("StartAndMonitorDeployment(String resourceGroupName"));
  // Still failing 20 minutes later: Deployment Maintenance, "Failed to perform maintenance".
  config_.max_wait = std::chrono::hours(1);
  ActionOutcome later = site::run_cmg_maintenance(*env_, {{"cmg", kCmg}, {"wait_for", "Ready"}});
  EXPECT_EQ(later.kind, ActionOutcome::Kind::kFailed);
  EXPECT_THAT(later.message, HasSubstr("after the maximum wait"));
  EXPECT_THAT(later.message, HasSubstr("DnsRecordInUse"));
  EXPECT_EQ(later.output["status_description"], "Failed to perform maintenance");
  EXPECT_GE(later.output["attempts"].get<int>(), 2);  // every 20 virtual minutes
  EXPECT_THAT(cloudmgr(), HasSubstr("TaskManager: Task [Deployment Maintenance for service "
                                    "cmg.contoso.com] status is Faulted~~"));
}

TEST_F(CloudManagerTest, DeleteRemovesResourcesAndTheVaultNameStaysSoftDeleted) {
  ASSERT_SITE();
  ActionOutcome o = site::create_cmg(*env_, create_args());
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  ActionOutcome d = site::delete_cmg(*env_, {{"cmg", kCmg}});
  ASSERT_EQ(d.kind, ActionOutcome::Kind::kPassed) << d.message;
  EXPECT_EQ(d.output["status"], "Deleted");
  EXPECT_EQ(services(), 0u);
  EXPECT_FALSE(dns_.resolve("cmg.japaneast.cloudapp.azure.com").ok());
  ActionOutcome vmss = action("arm.resource.expect",
                              {{"id", rid("Microsoft.Compute/virtualMachineScaleSets", "cmg")}});
  EXPECT_EQ(vmss.output["exists"], false);

  // The same name again: the Key Vault deployment hits the soft-deleted vault.
  ActionOutcome again = site::create_cmg(*env_, create_args("Error"));
  ASSERT_EQ(again.kind, ActionOutcome::Kind::kPassed) << again.message;
  EXPECT_EQ(again.output["status"], "Error");
  EXPECT_THAT(again.output["last_error"].get<std::string>(), HasSubstr("ConflictError"));
  EXPECT_THAT(cloudmgr(), HasSubstr("already exists in deleted state"));
}

TEST_F(CloudManagerTest, VaultNameTakenElsewhere) {
  ASSERT_SITE();
  ASSERT_EQ(action("arm.name.reserve", {{"kind", "vault"}, {"name", "cmg"}}).kind,
            ActionOutcome::Kind::kPassed);
  ActionOutcome o = site::create_cmg(*env_, create_args("Error"));
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  EXPECT_THAT(o.output["last_error"].get<std::string>(), HasSubstr("VaultAlreadyExists"));
  EXPECT_THAT(cloudmgr(), HasSubstr("Resource Manager - Creating Key Vault cmg with deployment "
                                    "CreateKeyVault"));
}

TEST_F(CloudManagerTest, VmSizeNotOfferedShowsTheWizardDialog) {
  ASSERT_SITE();
  ASSERT_EQ(action("arm.sku.offer", {{"region", "westus3"}, {"skus", {"Standard_B2s"}}}).kind,
            ActionOutcome::Kind::kPassed);
  json args = create_args();
  args["region"] = "westus3";
  ActionOutcome o = site::create_cmg(*env_, args);
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kFailed);
  EXPECT_EQ(o.message,
            "The VM size Standard_A2_V2 is currently not available in the region West US 3 for "
            "this subscription. Please deploy the service in other regions or choose a different "
            "VM size.");
  EXPECT_EQ(services(), 0u);
  args["vm_size"] = "Lab (B2s)";
  args["wait_for"] = "Provisioning";
  EXPECT_EQ(site::create_cmg(*env_, args).output["deployment_name"],
            "cmg.westus3.cloudapp.azure.com");
}

TEST_F(CloudManagerTest, QuotaExceededFailsTheScaleSet) {
  ASSERT_SITE();
  ASSERT_EQ(action("arm.quota.set",
                   {{"region", "japaneast"}, {"family", "standardAv2Family"}, {"limit", 1}})
                .kind,
            ActionOutcome::Kind::kPassed);
  ActionOutcome o = site::create_cmg(*env_, create_args("Error"));
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  EXPECT_THAT(o.output["last_error"].get<std::string>(), HasSubstr("QuotaExceeded"));
  const std::string log = cloudmgr();
  EXPECT_THAT(log, HasSubstr("Status: 400 (Bad Request)~~ErrorCode: InvalidTemplateDeployment"));
  EXPECT_THAT(log, HasSubstr("Resource Manager - Creating Virtual Machine Scale Set cmg"));
}

TEST_F(CloudManagerTest, ThrottledArmIsRetriedAfterRetryAfter) {
  ASSERT_SITE();
  auto id = lab_->faults().add_json({{"listener", "arm"},
                                     {"method", "PUT"},
                                     {"path", "*/providers/Microsoft.Resources/deployments/*"},
                                     {"effect", "throttle"},
                                     {"retry_after", 7},
                                     {"count", 2}});
  ASSERT_TRUE(id.ok()) << id.status().to_string();
  ActionOutcome o = site::create_cmg(*env_, create_args());
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  EXPECT_EQ(o.output["status"], "Ready");
  EXPECT_EQ(lab_->faults().rules()[0].hits, 2);
  EXPECT_THAT(cloudmgr(), HasSubstr("was throttled (429 TooManyRequests). Retrying after 7 "
                                    "seconds."));
}

TEST_F(CloudManagerTest, ExpiredServerAppSecretFailsWithAadsts7000222) {
  ASSERT_SITE();
  ASSERT_EQ(action("aad.app.expire_secret", {{"app", app_id_}}).kind, ActionOutcome::Kind::kPassed);
  ActionOutcome o = site::create_cmg(*env_, create_args("Error"));
  ASSERT_EQ(o.kind, ActionOutcome::Kind::kPassed) << o.message;
  EXPECT_EQ(o.output["status"], "Error");
  EXPECT_THAT(o.output["last_error"].get<std::string>(), HasSubstr("AADSTS7000222"));
  EXPECT_THAT(cloudmgr(), HasSubstr("Microsoft.Identity.Client.MsalServiceException"));
  EXPECT_THAT(cloudmgr(), HasSubstr("AADSTS7000222"));
}

TEST_F(CloudManagerTest, WithoutAServerAppTheWizardStops) {
  ASSERT_SITE(true, false);
  ActionOutcome no_app = site::create_cmg(*env_, create_args());
  EXPECT_EQ(no_app.kind, ActionOutcome::Kind::kFailed);
  EXPECT_THAT(no_app.message, HasSubstr("Configure the Azure Services for Cloud Management"));
  EXPECT_EQ(services(), 0u);
}

TEST_F(CloudManagerTest, AdminSideFailuresRecordNothing) {
  ASSERT_SITE();
  ASSERT_EQ(action("arm.group.create",
                   {{"signed_in_as", kAdmin}, {"name", "west-rg"}, {"location", "westus"}})
                .kind,
            ActionOutcome::Kind::kPassed);
  json args = create_args();
  args["resource_group"] = {{"name", "west-rg"}};
  ActionOutcome wrong_region = site::create_cmg(*env_, args);
  EXPECT_EQ(wrong_region.kind, ActionOutcome::Kind::kFailed);
  EXPECT_THAT(wrong_region.message, HasSubstr("The resource group west-rg is in westus"));
  args["resource_group"] = {{"name", "missing-rg"}};
  EXPECT_THAT(site::create_cmg(*env_, args).message, HasSubstr("does not exist"));
  json bad_password = create_args();
  bad_password["password"] = "wrong";
  EXPECT_THAT(site::create_cmg(*env_, bad_password).message, HasSubstr("Sign in to Azure failed"));
  json bad_pfx = create_args();
  bad_pfx["certificate"]["password"] = "wrong";
  EXPECT_THAT(site::create_cmg(*env_, bad_pfx).message, HasSubstr("password is incorrect"));
  EXPECT_EQ(services(), 0u);
}

// A self-signed *.contoso.com certificate (EC P-256, quick to make) as a .pfx in `dir`.
std::string wildcard_pfx(const test::TempDir& dir) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400L * 365);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("*.contoso.com"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  PKCS12* p12 = PKCS12_create("cmgemu", "wildcard", key, cert, nullptr, 0, 0, 0, 0, 0);
  unsigned char* der = nullptr;
  const int n = i2d_PKCS12(p12, &der);
  std::string bytes(reinterpret_cast<char*>(der), n > 0 ? static_cast<size_t>(n) : 0);
  OPENSSL_free(der);
  PKCS12_free(p12);
  X509_free(cert);
  EVP_PKEY_free(key);
  const std::string path = dir.file("wildcard.pfx");
  EXPECT_TRUE(test::write_file(path, bytes));
  return path;
}

TEST_F(CloudManagerTest, WildcardCertificateNeedsAServiceName) {
  ASSERT_SITE();
  test::TempDir dir;
  json args = create_args("Provisioning");
  args["certificate"]["pfx"] = wildcard_pfx(dir);
  ActionOutcome o = site::create_cmg(*env_, args);
  EXPECT_EQ(o.kind, ActionOutcome::Kind::kFailed);
  EXPECT_THAT(o.message, HasSubstr("is a wildcard certificate"));
  args["service_name"] = "cmgwild.fabrikam.com";
  EXPECT_THAT(site::create_cmg(*env_, args).message, HasSubstr("does not match the certificate"));
  EXPECT_EQ(services(), 0u);
  args["service_name"] = "CmgWild.contoso.com";
  ActionOutcome ok = site::create_cmg(*env_, args);
  ASSERT_EQ(ok.kind, ActionOutcome::Kind::kPassed) << ok.message;
  EXPECT_EQ(ok.output["service_name"], "CmgWild.contoso.com");
  EXPECT_EQ(ok.output["deployment_name"], "cmgwild.japaneast.cloudapp.azure.com");
}

}  // namespace
}  // namespace emu
