// The arm.* action declarations: names, required arguments and load-time argument checks.
#include "emulator/arm/actions/actions.h"
#include "emulator/arm/arm_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::arm {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class ArmActionsTest : public ::testing::Test {
 protected:
  void SetUp() override { declare_arm_actions(registry_); }
  Status check(const std::string& name, const json& args) {
    const ActionDef* def = registry_.find(name);
    EXPECT_NE(def, nullptr) << name;
    if (def == nullptr || !def->validate) return Status::Ok();
    return def->validate(args);
  }
  ActionRegistry registry_;
};

TEST_F(ArmActionsTest, DeclaredWithoutImplementation) {
  for (const char* name : {"arm.providers.register", "arm.providers.unregister", "arm.group.create",
                           "arm.group.delete", "arm.deploy", "arm.sku.offer", "arm.quota.set",
                           "arm.durations.set", "arm.name.reserve", "arm.resource.expect"}) {
    const ActionDef* def = registry_.find(name);
    ASSERT_NE(def, nullptr) << name;
    EXPECT_FALSE(def->run) << name;
  }
  EXPECT_THAT(registry_.find("arm.deploy")->required_args,
              ::testing::ElementsAre("resource_group", "template"));
}

TEST_F(ArmActionsTest, ChecksTolerateMissingArgumentsTheLoaderReports) {
  EXPECT_TRUE(check("arm.providers.register", json::object()).ok());
  EXPECT_TRUE(check("arm.quota.set", json::object()).ok());
  EXPECT_TRUE(check("arm.durations.set", json::object()).ok());
  EXPECT_TRUE(check("arm.sku.offer", json::object()).ok());
}

TEST_F(ArmActionsTest, BadArgumentsAreNamed) {
  EXPECT_THAT(check("arm.providers.register", {{"namespaces", {"Contoso.Nothing"}}}).message(),
              HasSubstr("namespaces: unknown resource provider 'Contoso.Nothing'"));
  EXPECT_THAT(check("arm.providers.register", {{"namespaces", json::array()}}).message(),
              HasSubstr("namespaces: must be a non-empty array"));
  EXPECT_TRUE(check("arm.providers.register", {{"namespaces", {"microsoft.compute"}}}).ok());
  EXPECT_THAT(check("arm.name.reserve", {{"kind", "label"}, {"name", "x"}}).message(),
              HasSubstr("kind: must be dns, vault or storage"));
  EXPECT_THAT(
      check("arm.quota.set", {{"region", "japaneast"}, {"family", "x"}, {"limit", -1}}).message(),
      HasSubstr("limit: must be a non-negative integer"));
  EXPECT_FALSE(check("arm.durations.set", {{"type", "x"}, {"duration", "12 minutes"}}).ok());
  EXPECT_TRUE(check("arm.durations.set", {{"type", "x"}, {"duration", "PT12M"}}).ok());
  EXPECT_THAT(check("arm.sku.offer", {{"region", "japaneast"}, {"skus", "Standard_B2s"}}).message(),
              HasSubstr("skus: must be an array"));
}

}  // namespace
}  // namespace emu::arm
