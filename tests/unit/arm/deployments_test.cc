// Template deployments through the real ARM router: az's body, a CMG-like template running in
// virtual time (states, operations, timestamps, outputs), runtime failures, cancel, history.
#include "emulator/arm/deployments/engine.h"
#include "tests/unit/arm/deployments_fixture.h"

#include <gmock/gmock.h>

#include <chrono>

namespace emu::arm::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class DeploymentsTest : public DeploymentFixture {};

json empty_template() {
  return {{"$schema", "x"}, {"contentVersion", "1.0.0.0"}, {"resources", json::array()}};
}

// The operations of a deployment keyed by resource name.
std::map<std::string, json> ops_by_name(const json& list) {
  std::map<std::string, json> out;
  for (const json& op : list["value"])
    out[op["properties"]["targetResource"]["resourceName"].get<std::string>()] = op;
  return out;
}

TEST_F(DeploymentsTest, AcceptsTheNonStrictBodyAzSends) {
  const std::string body = R"({"properties": {"parameters": {}, "mode": "Incremental", template:{
    // a comment, as template files may have
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0", "resources": [], /* trailing comma */ }}})";
  auto res = call("PUT", kDeployments + "/d1", json(body));
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(body_of(res)["properties"]["provisioningState"], "Accepted");
  EXPECT_EQ(body_of(res)["type"], "Microsoft.Resources/deployments");
  const std::string status_url(res.headers.get_or("Azure-AsyncOperation", ""));
  EXPECT_THAT(status_url,
              HasSubstr("/providers/Microsoft.Resources/deployments/d1/operationStatuses/"));
  EXPECT_FALSE(std::string(res.headers.get_or("Retry-After", "")).empty());
  // An empty template finishes at once.
  const std::string path = status_url.substr(status_url.find("/subscriptions/"));
  EXPECT_EQ(body_of(call("GET", path, nullptr, "owner", false))["status"], "Succeeded");
  EXPECT_EQ(get_json(kDeployments + "/d1")["properties"]["provisioningState"], "Succeeded");
}

TEST_F(DeploymentsTest, CmgTemplateRunsInVirtualTime) {
  auto res = deploy("cmg", cmg_template());
  ASSERT_EQ(res.status, 201) << res.body;
  const json created = body_of(res);
  EXPECT_EQ(created["properties"]["provisioningState"], "Accepted");
  EXPECT_EQ(created["properties"]["mode"], "Incremental");
  EXPECT_FALSE(created["properties"].contains("outputs"));
  EXPECT_EQ(created["properties"]["parameters"]["vmSize"]["value"], "Standard_B2s");
  const std::string status_url(res.headers.get_or("Azure-AsyncOperation", ""));
  const std::string status_path = status_url.substr(status_url.find("/subscriptions/"));

  advance(seconds(1));
  EXPECT_EQ(get_json(kDeployments + "/cmg")["properties"]["provisioningState"], "Running");
  EXPECT_EQ(body_of(call("GET", status_path, nullptr, "owner", false))["status"], "Running");
  auto early = ops_by_name(get_json(kDeployments + "/cmg/operations"));
  EXPECT_EQ(early.size(), 4u);  // NSG, IP, storage and vault start at once
  EXPECT_EQ(early.count("cmg-lb"), 0u);
  EXPECT_EQ(early["cmg-pip"]["properties"]["provisioningState"], "Running");
  EXPECT_EQ(resource_state(kPipId), "Creating");

  advance(seconds(29));  // t = 30 s
  auto mid = ops_by_name(get_json(kDeployments + "/cmg/operations"));
  EXPECT_EQ(mid.size(), 7u);
  EXPECT_EQ(mid["cmg-lb"]["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(mid["cmgcontoso"]["properties"]["provisioningState"], "Running");
  EXPECT_EQ(resource_state(kLbId), "Succeeded");
  EXPECT_EQ(resource_state(kVmssId), "Creating");
  EXPECT_FALSE(get_json(kDeployments + "/cmg")["properties"].contains("outputs"));

  advance(seconds(55));  // t = 85 s: the scale set (25-85 s) finished
  const json done = get_json(kDeployments + "/cmg");
  EXPECT_EQ(done["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(done["properties"]["duration"], "PT1M25S");
  EXPECT_EQ(done["properties"]["timestamp"], "2026-01-01T00:01:25.0000000Z");
  EXPECT_EQ(done["properties"]["outputs"]["fqdn"]["value"],
            "cmgcontoso.japaneast.cloudapp.azure.com");
  EXPECT_EQ(done["properties"]["outputResources"].size(), 7u);
  EXPECT_EQ(body_of(call("GET", status_path, nullptr, "owner", false))["status"], "Succeeded");
  for (const std::string& id : {kNsgId, kVnetId, kPipId, kLbId, kStorageId, kVaultId, kVmssId})
    EXPECT_EQ(resource_state(id), "Succeeded") << id;
  // The scale set's body was evaluated with the vault's view (deferred reference()).
  EXPECT_EQ(get_json(kVmssId)["tags"]["vaultUri"], "https://cmgcontosokv.vault.azure.net/");
}

TEST_F(DeploymentsTest, OperationsFollowDependenciesWithTheirTimes) {
  ASSERT_EQ(deploy("cmg", cmg_template()).status, 201);
  advance(seconds(100));
  const json list = get_json(kDeployments + "/cmg/operations");
  ASSERT_EQ(list["value"].size(), 7u);
  std::vector<std::string> order;
  for (const json& op : list["value"])
    order.push_back(op["properties"]["targetResource"]["resourceName"]);
  const auto pos = [&](const std::string& n) { return std::find(order.begin(), order.end(), n); };
  EXPECT_LT(pos("cmg-pip"), pos("cmg-lb"));
  EXPECT_LT(pos("cmg-nsg"), pos("cmg-vnet"));
  EXPECT_EQ(order.back(), "cmgcontoso");
  auto ops = ops_by_name(list);
  const json& lb = ops["cmg-lb"]["properties"];
  EXPECT_EQ(lb["provisioningOperation"], "Create");
  EXPECT_EQ(lb["provisioningState"], "Succeeded");
  EXPECT_EQ(lb["timestamp"], "2026-01-01T00:00:25.0000000Z");  // 10 s after the IP + 15 s
  EXPECT_EQ(lb["duration"], "PT15S");
  EXPECT_EQ(lb["statusCode"], "Created");
  EXPECT_EQ(lb["targetResource"]["id"], kLbId);
  EXPECT_EQ(lb["targetResource"]["resourceType"], "Microsoft.Network/loadBalancers");
  EXPECT_EQ(ops["cmgcontoso"]["properties"]["timestamp"], "2026-01-01T00:01:25.0000000Z");
  EXPECT_EQ(ops["cmgcontoso"]["properties"]["duration"], "PT1M");
  const std::string op_id = ops["cmg-lb"]["operationId"];
  EXPECT_EQ(ops["cmg-lb"]["id"],
            kRg + "/providers/Microsoft.Resources/deployments/cmg/operations/" + op_id);
  EXPECT_EQ(get_json(kDeployments + "/cmg/operations/" + op_id)["operationId"], op_id);
  auto missing = call("GET", kDeployments + "/cmg/operations/0000000000000000");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(code_of(missing), "DeploymentOperationNotFound");
}

// The REST specification and the SDKs (az deployment operation group list) address deployment
// operations as /subscriptions/{s}/resourcegroups/{rg}/deployments/{name}/operations (without
// providers/Microsoft.Resources); ARM answers both forms, ignoring the case of the segments.
TEST_F(DeploymentsTest, ServesTheShortPathFormOfDeploymentsAndTheirOperations) {
  ASSERT_EQ(deploy("cmg", cmg_template()).status, 201);
  advance(seconds(100));
  const std::string short_form =
      std::string("/subscriptions/") + kSub + "/resourcegroups/rg1/deployments/cmg";
  const json list = get_json(short_form + "/operations");
  ASSERT_EQ(list["value"].size(), 7u);
  EXPECT_EQ(list, get_json(kDeployments + "/cmg/operations"));
  const std::string op_id = list["value"][0]["operationId"];
  EXPECT_EQ(get_json(short_form + "/operations/" + op_id), list["value"][0]);
  EXPECT_EQ(get_json(kRg + "/Deployments/cmg/Operations")["value"].size(), 7u);  // resourceGroups
  const json d = get_json(short_form);
  EXPECT_EQ(d["name"], "cmg");
  EXPECT_EQ(d["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(call("HEAD", short_form).status, 204);
  EXPECT_EQ(
      get_json(std::string("/subscriptions/") + kSub + "/resourceGroups/rg1/deployments")["value"]
          .size(),
      1u);
  auto missing = call("GET", short_form + "/operations/0000000000000000");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(code_of(missing), "DeploymentOperationNotFound");
  EXPECT_EQ(code_of(call("GET", kRg + "/deployments/nope/operations")), "DeploymentNotFound");
}

TEST_F(DeploymentsTest, ReportsProvidersAndDependencies) {
  const json d = body_of(deploy("cmg", cmg_template()));
  bool network = false;
  for (const json& p : d["properties"]["providers"]) {
    if (p["namespace"] != "Microsoft.Network") continue;
    network = true;
    EXPECT_EQ(p["resourceTypes"].size(), 4u);
    EXPECT_EQ(p["resourceTypes"][0]["locations"], json::array({"japaneast"}));
  }
  EXPECT_TRUE(network);
  bool vmss = false;
  for (const json& dep : d["properties"]["dependencies"]) {
    if (dep["resourceName"] != "cmgcontoso") continue;
    vmss = true;
    EXPECT_EQ(dep["dependsOn"].size(), 3u);  // LB, vnet, and the vault through reference()
  }
  EXPECT_TRUE(vmss);
}

TEST_F(DeploymentsTest, TakenDnsLabelFailsAtRunTimeAndDependentsAreNotDeployed) {
  ASSERT_TRUE(store().claim_name({"dns", "cmgcontoso.japaneast", "reserved"}).ok());
  auto res = deploy("cmg", cmg_template());
  ASSERT_EQ(res.status, 201) << res.body;  // preflight does not see name conflicts
  advance(seconds(20));  // vnet (15 s), storage and vault (20 s) are the last to finish
  const json d = get_json(kDeployments + "/cmg");
  EXPECT_EQ(d["properties"]["provisioningState"], "Failed");
  const json& error = d["properties"]["error"];
  EXPECT_EQ(error["code"], "DeploymentFailed");
  EXPECT_EQ(error["message"],
            "At least one resource deployment operation failed. Please list deployment "
            "operations for details. Please see https://aka.ms/arm-deployment-operations for "
            "usage details.");
  ASSERT_EQ(error["details"].size(), 1u);
  EXPECT_EQ(error["details"][0]["code"], "DnsRecordInUse");
  auto ops = ops_by_name(get_json(kDeployments + "/cmg/operations"));
  EXPECT_EQ(ops.size(), 5u);
  EXPECT_EQ(ops.count("cmg-lb"), 0u);
  EXPECT_EQ(ops.count("cmgcontoso"), 0u);
  EXPECT_EQ(ops["cmg-pip"]["properties"]["provisioningState"], "Failed");
  EXPECT_EQ(ops["cmg-pip"]["properties"]["statusMessage"]["error"]["code"], "DnsRecordInUse");
  EXPECT_EQ(ops["cmg-vnet"]["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(resource_state(kPipId), "");
  EXPECT_EQ(resource_state(kLbId), "");
  EXPECT_EQ(resource_state(kVmssId), "");
  EXPECT_EQ(resource_state(kVaultId), "Succeeded");
  EXPECT_FALSE(d["properties"].contains("outputs"));
}

TEST_F(DeploymentsTest, StatusUrlReportsTheFailure) {
  ASSERT_TRUE(store().claim_name({"dns", "cmgcontoso.japaneast", "reserved"}).ok());
  auto res = deploy("cmg", cmg_template());
  const std::string url(res.headers.get_or("Azure-AsyncOperation", ""));
  advance(seconds(60));
  const json status =
      body_of(call("GET", url.substr(url.find("/subscriptions/")), nullptr, "owner", false));
  EXPECT_EQ(status["status"], "Failed");
  EXPECT_EQ(status["error"]["code"], "DeploymentFailed");
  EXPECT_EQ(status["error"]["details"][0]["code"], "DnsRecordInUse");
}

TEST_F(DeploymentsTest, CancelStopsWhatHasNotStarted) {
  ASSERT_EQ(deploy("cmg", cmg_template()).status, 201);
  advance(seconds(1));
  auto res = call("POST", kDeployments + "/cmg/cancel");
  EXPECT_EQ(res.status, 204) << res.body;
  const json d = get_json(kDeployments + "/cmg");
  EXPECT_EQ(d["properties"]["provisioningState"], "Canceled");
  EXPECT_EQ(resource_state(kVmssId), "");  // had not started: removed
  EXPECT_EQ(resource_state(kLbId), "");
  EXPECT_EQ(resource_state(kPipId), "Creating");  // running resource operations go on
  EXPECT_EQ(get_json(kDeployments + "/cmg/operations")["value"].size(), 4u);
  advance(seconds(100));
  EXPECT_EQ(get_json(kDeployments + "/cmg")["properties"]["provisioningState"], "Canceled");
  EXPECT_EQ(resource_state(kPipId), "Succeeded");
  auto again = call("POST", kDeployments + "/cmg/cancel");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(code_of(again), "DeploymentCannotBeCancelled");
}

TEST_F(DeploymentsTest, RePutWhileRunningIsRefusedAndAfterwardsReplaces) {
  ASSERT_EQ(deploy("cmg", cmg_template()).status, 201);
  auto busy = deploy("cmg", cmg_template());
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(code_of(busy), "DeploymentActive");
  EXPECT_THAT(body_of(busy)["error"]["message"].get<std::string>(),
              StartsWith("Unable to edit or replace deployment 'cmg': previous deployment from "
                         "'1/1/2026 12:00:00 AM' is still active (expiration time is "
                         "'1/8/2026 12:00:00 AM')."));
  advance(seconds(100));
  auto again = deploy("cmg", cmg_template());
  EXPECT_EQ(again.status, 200) << again.body;  // the same resources, updated
  advance(seconds(100));
  EXPECT_EQ(get_json(kDeployments + "/cmg")["properties"]["provisioningState"], "Succeeded");
}

TEST_F(DeploymentsTest, ListHeadDeleteAndNotFound) {
  ASSERT_EQ(deploy("one", empty_template()).status, 201);
  ASSERT_EQ(deploy("two", cmg_template()).status, 201);
  const json list = get_json(kDeployments + "/");  // az's trailing slash
  ASSERT_EQ(list["value"].size(), 2u);
  EXPECT_EQ(list["value"][0]["name"], "one");
  EXPECT_EQ(call("HEAD", kDeployments + "/one").status, 204);
  EXPECT_EQ(call("HEAD", kDeployments + "/nope").status, 404);
  auto running = call("DELETE", kDeployments + "/two");
  EXPECT_EQ(running.status, 409);
  EXPECT_EQ(code_of(running), "DeploymentActive");
  advance(seconds(100));
  EXPECT_EQ(call("DELETE", kDeployments + "/two").status, 204);
  auto gone = call("GET", kDeployments + "/two");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(code_of(gone), "DeploymentNotFound");
  EXPECT_EQ(body_of(gone)["error"]["message"], "Deployment 'two' could not be found.");
  EXPECT_EQ(resource_state(kVmssId), "Succeeded");  // history delete keeps the resources
  EXPECT_EQ(code_of(call("GET", kDeployments + "/two/operations")), "DeploymentNotFound");
  EXPECT_EQ(code_of(call("POST", kDeployments + "/two/cancel")), "DeploymentNotFound");
}

TEST_F(DeploymentsTest, CorrelationIdIsMadeUpWhenTheRequestHasNone) {
  // The fixture sends no x-ms-correlation-request-id (az doesn't either): a GUID is made up.
  const json d = body_of(deploy("one", empty_template()));
  EXPECT_EQ(d["properties"]["correlationId"].get<std::string>().size(), 36u);
}

TEST(DeploymentViewTest, IsoDurationsAsArmPrintsThem) {
  using internal::iso_duration;
  EXPECT_EQ(iso_duration(Duration(0)), "PT0S");
  EXPECT_EQ(iso_duration(seconds(85)), "PT1M25S");
  EXPECT_EQ(iso_duration(std::chrono::milliseconds(1500)), "PT1.5S");
  EXPECT_EQ(iso_duration(std::chrono::hours(25) + std::chrono::minutes(1)), "P1DT1H1M");
  EXPECT_EQ(iso_duration(std::chrono::microseconds(1234567)), "PT1.234567S");
}

}  // namespace
}  // namespace emu::arm::testing
