// Load-time checks of the Azure Services wizard's args (site.azure_services.configure).
#include "emulator/site/azure_services/azure_services.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::site {
namespace {

using nlohmann::json;

json valid_create() {
  return {{"service", "Cloud Management"},
          {"environment", "AzurePublicCloud"},
          {"signed_in_as", "admin@contoso.onmicrosoft.com"},
          {"web_app", {{"create", true}, {"name", "Server"}, {"secret_years", 2}}},
          {"client_app", {{"create", true}, {"name", "Client"}}},
          {"user_discovery", true},
          {"expect", {{"status", "passed"}}}};
}

json valid_import() {
  return {{"service", "Cloud Management"},
          {"web_app",
           {{"import", true},
            {"tenant_id", "t"},
            {"name", "Server"},
            {"client_id", "c"},
            {"secret", "s"},
            {"secret_expiry", "2027-01-01T00:00:00Z"},
            {"identifier_uri", "https://ConfigMgrService"}}},
          {"client_app", {{"import", true}, {"name", "Client"}, {"client_id", "n"}}}};
}

TEST(AzureServicesArgsTest, AcceptsCreateImportAndReferences) {
  EXPECT_TRUE(validate_azure_services_args(valid_create()).ok());
  EXPECT_TRUE(validate_azure_services_args(valid_import()).ok());  // no sign-in needed
  json refs = valid_create();
  refs["web_app"]["secret_years"] = "${vars.years}";
  refs["user_discovery"] = "${vars.discover}";
  EXPECT_TRUE(validate_azure_services_args(refs).ok());
}

struct BadCase {
  const char* name;
  const char* patch;  // JSON patch applied to valid_create()
  const char* message;
};

class AzureServicesBadArgsTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(AzureServicesBadArgsTest, NamesTheBadKey) {
  json args = valid_create().patch(json::parse(GetParam().patch));
  Status s = validate_azure_services_args(args);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AzureServicesBadArgsTest,
    ::testing::Values(
        BadCase{"UnknownKey", R"([{"op":"add","path":"/signedin_as","value":"x"}])",
                "signedin_as: unknown key; did you mean 'signed_in_as'?"},
        BadCase{"OtherService",
                R"([{"op":"replace","path":"/service","value":"Log Analytics Connector"}])",
                "service: 'Log Analytics Connector' is not emulated (only 'Cloud Management' is)"},
        BadCase{"OtherCloud",
                R"([{"op":"replace","path":"/environment","value":"AzureUSGovernmentCloud"}])",
                "environment: 'AzureUSGovernmentCloud' is not emulated (only 'AzurePublicCloud' "
                "is)"},
        BadCase{"SecretYears", R"([{"op":"replace","path":"/web_app/secret_years","value":3}])",
                "web_app.secret_years: must be 1 or 2"},
        BadCase{"CreateAndImport", R"([{"op":"add","path":"/web_app/import","value":true}])",
                "web_app.create: give exactly one of create: true or import: true"},
        BadCase{"ImportKeyOnCreate", R"([{"op":"add","path":"/client_app/client_id","value":"x"}])",
                "client_app.client_id: unknown key"},
        BadCase{"MissingWebApp", R"([{"op":"remove","path":"/web_app"}])", "web_app: required"},
        BadCase{"NotBool", R"([{"op":"replace","path":"/user_discovery","value":"yes"}])",
                "user_discovery: must be true or false"},
        BadCase{"NoSignIn", R"([{"op":"remove","path":"/signed_in_as"}])",
                "signed_in_as: required to create an app (the admin who signs in)"},
        BadCase{"EmptyName", R"([{"op":"replace","path":"/web_app/name","value":""}])",
                "web_app.name: must be a non-empty string"}),
    [](const ::testing::TestParamInfo<BadCase>& p) { return p.param.name; });

TEST(AzureServicesArgsTest, ImportNeedsItsFields) {
  json args = valid_import();
  args["web_app"].erase("secret");
  EXPECT_EQ(validate_azure_services_args(args).message(), "web_app.secret: required");
  args = valid_import();
  args["web_app"]["secret_expiry"] = "next year";
  EXPECT_EQ(validate_azure_services_args(args).message(),
            "web_app.secret_expiry: not an ISO 8601 date: 'next year'");
  args = valid_import();
  args["client_app"].erase("client_id");
  EXPECT_EQ(validate_azure_services_args(args).message(), "client_app.client_id: required");
}

}  // namespace
}  // namespace emu::site
