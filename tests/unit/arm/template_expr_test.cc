// Template language expressions and built-in functions, evaluated through a template output.
#include "emulator/arm/templates/template.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace emu::arm {
namespace {

using Json = nlohmann::json;

constexpr char kSub[] = "9b2c7f3e-1d2a-4c5b-8e6f-0a1b2c3d4e5f";

TemplateScope scope() {
  return {kSub,     "Lab subscription", "72f988bf-86f1-41af-91ab-2d7cd011db47",
          "cmg-rg", "westeurope",       "cmgdeploy"};
}

class ExprTest : public ::testing::Test {
 protected:
  // Evaluates `expr` as the value of output "o"; the template declares `params` and `vars`.
  Result<Json, ArmError> eval(const Json& expr) {
    Json tmpl = {
        {"$schema",
         "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"},
        {"contentVersion", "1.0.0.0"},
        {"parameters", params},
        {"variables", vars},
        {"resources", Json::array()},
        {"outputs", {{"o", {{"type", "object"}, {"value", expr}}}}}};
    Result<ExpandedTemplate, ArmError> x = expand_template(tmpl, given, scope(), reference);
    if (!x.ok()) return x.error();
    Result<Json, ArmError> out = evaluate_outputs(tmpl, x.value(), scope(), reference);
    if (!out.ok()) return out.error();
    return out.value()["o"]["value"];
  }
  Json value(const Json& expr) {
    Result<Json, ArmError> v = eval(expr);
    if (!v.ok()) {
      ADD_FAILURE() << expr << ": " << v.error().to_json().dump();
      return nullptr;
    }
    return v.value();
  }
  // The inner InvalidTemplate message of a failing output.
  std::string error(const Json& expr) {
    Result<Json, ArmError> v = eval(expr);
    if (v.ok()) {
      ADD_FAILURE() << expr << " unexpectedly gave " << v.value();
      return "";
    }
    EXPECT_EQ(v.error().code, "DeploymentOutputEvaluationFailed");
    if (v.error().details.empty()) return v.error().message;
    EXPECT_EQ(v.error().details[0].code, "InvalidTemplate");
    return v.error().details[0].message;
  }

  Json params = Json::object();
  Json vars = Json::object();
  Json given = Json::object();
  ReferenceFn reference;
};

TEST_F(ExprTest, LiteralsAndEscapes) {
  EXPECT_EQ(value("plain text"), "plain text");
  EXPECT_EQ(value("[[not an expression]"), "[not an expression]");
  EXPECT_EQ(value("['it''s']"), "it's");
  EXPECT_EQ(value("[-42]"), -42);
  EXPECT_EQ(value("[ concat( 'a' ,  'b' ) ]"), "ab");
  EXPECT_EQ(value("[true()]"), true);
  EXPECT_EQ(value("[null()]"), nullptr);
  EXPECT_EQ(value(Json{{"nested", {"[concat('x', 'y')]", 3}}}), (Json{{"nested", {"xy", 3}}}));
}

TEST_F(ExprTest, FunctionNamesAreCaseInsensitive) {
  EXPECT_EQ(value("[CONCAT('a', ToLower('B'))]"), "ab");
}

TEST_F(ExprTest, PropertyAndIndexAccess) {
  params = {{"list", {{"type", "array"}, {"defaultValue", {"zero", "one"}}}},
            {"obj", {{"type", "object"}, {"defaultValue", {{"a", {{"b", {10, 20}}}}}}}}};
  EXPECT_EQ(value("[parameters('list')[1]]"), "one");
  EXPECT_EQ(value("[parameters('obj').a.b[0]]"), 10);
  EXPECT_EQ(value("[parameters('obj')['a'].B[1]]"), 20);  // property names case-insensitive
  EXPECT_EQ(value("[resourceGroup().location]"), "westeurope");
  EXPECT_EQ(error("[parameters('obj').missing]"),
            "Deployment template validation failed: 'The template output 'o' is not valid: The "
            "language expression property 'missing' doesn't exist, available properties are "
            "'a'. Please see https://aka.ms/arm-template-expressions for usage details.'.");
  EXPECT_NE(error("[parameters('list')[2]]")
                .find("The language expression property array index '2' is out of bounds."),
            std::string::npos);
}

TEST_F(ExprTest, ParseErrorsNameTheToken) {
  EXPECT_NE(error("[concat('a']")
                .find("Unable to parse language expression 'concat('a'': expected token "
                      "'RightParenthesis' and actual 'EndOfData'."),
            std::string::npos);
  EXPECT_NE(error("[concat('a') x]").find("expected token 'EndOfData' and actual 'Identifier'"),
            std::string::npos);
  EXPECT_NE(error("['open]").find("the string literal is not terminated"), std::string::npos);
}

TEST_F(ExprTest, UnknownFunctionAndArity) {
  EXPECT_NE(
      error("[listKeys('x', '2021-01-01')]").find("The template function 'listKeys' is not valid."),
      std::string::npos);
  EXPECT_NE(error("[toLower('a', 'b')]")
                .find("Unable to evaluate template language function 'toLower': function "
                      "requires 1 argument(s) while 2 were provided."),
            std::string::npos);
}

TEST_F(ExprTest, StringFunctions) {
  EXPECT_EQ(value("[concat('a', 1, true())]"), "a1True");
  EXPECT_EQ(value("[format('{0}-{1}-{0}', 'x', 7)]"), "x-7-x");
  EXPECT_EQ(value("[format('{{literal}} {0:D3}', 7)]"), "{literal} 007");
  EXPECT_NE(error("[format('{2}', 'a')]").find("Index (zero based)"), std::string::npos);
  EXPECT_EQ(value("[toUpper('MixedCase')]"), "MIXEDCASE");
  EXPECT_EQ(value("[string(42)]"), "42");
  EXPECT_EQ(value("[string(createObject('a', 1))]"), "{\"a\":1}");
  EXPECT_EQ(value("[int('17')]"), 17);
  EXPECT_EQ(value("[bool('TRUE')]"), true);
  EXPECT_EQ(value("[length('héllo')]"), 5);
  EXPECT_EQ(value("[contains('CloudGateway', 'Gate')]"), true);
  EXPECT_EQ(value("[contains('CloudGateway', 'gate')]"), false);
  EXPECT_EQ(value("[replace('a-b-c', '-', '')]"), "abc");
  EXPECT_EQ(value("[split('a,b;c', createArray(',', ';'))]"), (Json{"a", "b", "c"}));
  EXPECT_EQ(value("[split('a,,b', ',')]"), (Json{"a", "", "b"}));
  EXPECT_EQ(value("[substring('hello', 1, 3)]"), "ell");
  EXPECT_NE(error("[substring('hello', 3, 5)]")
                .find("The index and length parameters must refer to a location within the "
                      "string. The index parameter: '3', the length parameter: '5', the length "
                      "of the string parameter: '5'"),
            std::string::npos);
  EXPECT_EQ(value("[startsWith('CloudGateway', 'cloud')]"), true);
  EXPECT_EQ(value("[endsWith('CloudGateway', 'WAY')]"), true);
  EXPECT_EQ(value("[indexOf('abcabc', 'C')]"), 2);
  EXPECT_EQ(value("[lastIndexOf('abcabc', 'c')]"), 5);
  EXPECT_EQ(value("[trim('  x y  ')]"), "x y");
  EXPECT_EQ(value("[padLeft(7, 3, '0')]"), "007");
  EXPECT_EQ(value("[uri('https://a.blob.core.windows.net/c/old.txt', 'new.txt')]"),
            "https://a.blob.core.windows.net/c/new.txt");
  EXPECT_EQ(value("[uri('https://host/a/b', '/root')]"), "https://host/root");
  EXPECT_EQ(value("[json('{\"k\":[1]}').k[0]]"), 1);
  EXPECT_EQ(value("[empty('')]"), true);
  EXPECT_EQ(value("[empty(createArray(1))]"), false);
}

TEST_F(ExprTest, LogicAndComparison) {
  EXPECT_EQ(value("[equals(createArray(1, 'a'), createArray(1, 'a'))]"), true);
  EXPECT_EQ(value("[equals('a', 'A')]"), false);
  EXPECT_EQ(value("[not(and(true(), or(false(), true())))]"), false);
  EXPECT_EQ(value("[if(equals(1, 1), 'yes', 'no')]"), "yes");
  // Only the chosen branch is evaluated.
  EXPECT_EQ(value("[if(false(), parameters('nope'), 'safe')]"), "safe");
  EXPECT_EQ(value("[coalesce(null(), null(), 'third')]"), "third");
  EXPECT_EQ(value("[greater(3, 2)]"), true);
  EXPECT_EQ(value("[lessOrEquals('a', 'b')]"), true);
  EXPECT_NE(error("[not('x')]").find("must be of type 'Boolean', not 'String'"), std::string::npos);
}

TEST_F(ExprTest, Arithmetic) {
  EXPECT_EQ(value("[add(2, 3)]"), 5);
  EXPECT_EQ(value("[sub(2, 3)]"), -1);
  EXPECT_EQ(value("[mul(4, 3)]"), 12);
  EXPECT_EQ(value("[div(7, 2)]"), 3);
  EXPECT_EQ(value("[mod(7, 2)]"), 1);
  EXPECT_EQ(value("[min(4, 2, 8)]"), 2);
  EXPECT_EQ(value("[max(createArray(4, 9, 8))]"), 9);
  EXPECT_NE(error("[div(1, 0)]").find("the divisor must not be zero"), std::string::npos);
  EXPECT_NE(error("[mul(9223372036854775807, 2)]").find("overflows"), std::string::npos);
}

TEST_F(ExprTest, ArraysAndObjects) {
  EXPECT_EQ(value("[concat(createArray(1), createArray(2, 3))]"), (Json{1, 2, 3}));
  EXPECT_EQ(value("[createObject('a', 1, 'b', createArray())]"),
            (Json{{"a", 1}, {"b", Json::array()}}));
  EXPECT_EQ(value("[union(createObject('a', 1, 'n', createObject('x', 1)), createObject('b', 2, "
                  "'n', createObject('y', 2)))]"),
            (Json{{"a", 1}, {"b", 2}, {"n", {{"x", 1}, {"y", 2}}}}));
  EXPECT_EQ(value("[union(createArray(1, 2), createArray(2, 3))]"), (Json{1, 2, 3}));
  EXPECT_EQ(value("[intersection(createArray(1, 2, 3), createArray(3, 2))]"), (Json{2, 3}));
  EXPECT_EQ(value("[first(createArray('a', 'b'))]"), "a");
  EXPECT_EQ(value("[last('xyz')]"), "z");
  EXPECT_EQ(value("[take(createArray(1, 2, 3), 2)]"), (Json{1, 2}));
  EXPECT_EQ(value("[skip('abcdef', 4)]"), "ef");
  EXPECT_EQ(value("[length(createObject('a', 1))]"), 1);
  EXPECT_EQ(value("[contains(createObject('Key', 1), 'key')]"), true);
  EXPECT_EQ(value("[array('x')]"), (Json{"x"}));
}

TEST_F(ExprTest, ScopeFunctions) {
  EXPECT_EQ(value("[resourceGroup()]"),
            (Json{{"id", std::string("/subscriptions/") + kSub + "/resourceGroups/cmg-rg"},
                  {"name", "cmg-rg"},
                  {"type", "Microsoft.Resources/resourceGroups"},
                  {"location", "westeurope"},
                  {"tags", Json::object()},
                  {"properties", {{"provisioningState", "Succeeded"}}}}));
  EXPECT_EQ(value("[subscription().id]"), std::string("/subscriptions/") + kSub);
  EXPECT_EQ(value("[subscription().subscriptionId]"), kSub);
  EXPECT_EQ(value("[subscription().tenantId]"), "72f988bf-86f1-41af-91ab-2d7cd011db47");
  EXPECT_EQ(value("[subscription().displayName]"), "Lab subscription");
  EXPECT_EQ(value("[tenant().tenantId]"), "72f988bf-86f1-41af-91ab-2d7cd011db47");
  EXPECT_EQ(value("[deployment().name]"), "cmgdeploy");
  EXPECT_FALSE(value("[deployment().properties.templateHash]").get<std::string>().empty());
  EXPECT_EQ(value("[environment().name]"), "AzureCloud");
  EXPECT_EQ(value("[environment().suffixes.storage]"), "core.windows.net");
  EXPECT_EQ(value("[environment().suffixes.keyvaultDns]"), ".vault.azure.net");
  EXPECT_EQ(value("[environment().resourceManager]"), "https://management.azure.com/");
  EXPECT_EQ(value("[uniqueString('hello', 'world')]"), "a7wkljktk6wne");
  EXPECT_EQ(value("[guid('a', 'b', 'c')]"), "a98fa280-e03f-5afa-8d8e-92d0a9c201e8");
}

TEST_F(ExprTest, ResourceId) {
  const std::string rg = std::string("/subscriptions/") + kSub + "/resourceGroups/cmg-rg";
  EXPECT_EQ(value("[resourceId('Microsoft.Network/publicIPAddresses', 'pip')]"),
            rg + "/providers/Microsoft.Network/publicIPAddresses/pip");
  EXPECT_EQ(value("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'sn')]"),
            rg + "/providers/Microsoft.Network/virtualNetworks/vnet/subnets/sn");
  EXPECT_EQ(value("[resourceId('other-rg', 'Microsoft.Storage/storageAccounts', 'st')]"),
            std::string("/subscriptions/") + kSub +
                "/resourceGroups/other-rg/providers/Microsoft.Storage/storageAccounts/st");
  EXPECT_EQ(value("[resourceId('s2', 'g2', 'Microsoft.KeyVault/vaults', 'kv')]"),
            "/subscriptions/s2/resourceGroups/g2/providers/Microsoft.KeyVault/vaults/kv");
  EXPECT_EQ(value("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r1')]"),
            std::string("/subscriptions/") + kSub +
                "/providers/Microsoft.Authorization/roleDefinitions/r1");
  EXPECT_NE(error("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet')]")
                .find("Unable to evaluate template language function 'resourceId': the type "
                      "'Microsoft.Network/virtualNetworks/subnets' requires '2' resource name "
                      "argument(s)."),
            std::string::npos);
  EXPECT_NE(error("[resourceId('pip', 'x')]")
                .find("function requires exactly one multi-segmented argument"),
            std::string::npos);
}

TEST_F(ExprTest, ReferenceGoesThroughTheCallback) {
  const std::string id = std::string("/subscriptions/") + kSub +
                         "/resourceGroups/cmg-rg/providers/Microsoft.Network/publicIPAddresses/pip";
  std::vector<std::pair<std::string, bool>> calls;
  reference = [&](const std::string& rid, bool full) -> std::optional<Json> {
    calls.emplace_back(rid, full);
    if (rid != id) return std::nullopt;
    Json props = {{"dnsSettings", {{"fqdn", "cmg.westeurope.cloudapp.azure.com"}}}};
    if (!full) return props;
    return Json{{"id", rid}, {"properties", props}};
  };
  EXPECT_EQ(
      value(
          "[reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip')).dnsSettings.fqdn]"),
      "cmg.westeurope.cloudapp.azure.com");
  EXPECT_EQ(value("[reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip'), "
                  "'2022-07-01', 'Full').id]"),
            id);
  ASSERT_EQ(calls.size(), 2U);
  EXPECT_FALSE(calls[0].second);
  EXPECT_TRUE(calls[1].second);
  EXPECT_NE(error("[reference(resourceId('Microsoft.Network/publicIPAddresses', 'gone'))]")
                .find("The Resource 'Microsoft.Network/publicIPAddresses/gone' under resource "
                      "group 'cmg-rg' was not found."),
            std::string::npos);
  EXPECT_NE(error("[reference('notInTemplate')]")
                .find("The template reference 'notInTemplate' is not valid: could not find "
                      "template resource or resource copy with this name."),
            std::string::npos);
}

TEST_F(ExprTest, VariablesReferenceParametersAndEachOther) {
  params = {{"prefix", {{"type", "string"}, {"defaultValue", "cmg"}}}};
  vars = {{"a", "[concat(parameters('prefix'), '-', variables('b'))]"},
          {"b", "[toUpper(variables('c'))]"},
          {"c", "x"},
          {"obj", {{"k", "[variables('c')]"}, {"[notAKey]", 1}}}};
  EXPECT_EQ(value("[variables('a')]"), "cmg-X");
  EXPECT_EQ(value("[variables('OBJ')]"), (Json{{"k", "x"}, {"[notAKey]", 1}}));  // keys literal
}

}  // namespace
}  // namespace emu::arm
