// Template expansion: parameters (types, defaults, constraints), variables, outputs, template
// shape checks and the template hash.
#include "emulator/arm/templates/template.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace emu::arm {
namespace {

using Json = nlohmann::json;

TemplateScope scope() {
  return {"9b2c7f3e-1d2a-4c5b-8e6f-0a1b2c3d4e5f",
          "Lab",
          "72f988bf-86f1-41af-91ab-2d7cd011db47",
          "cmg-rg",
          "westeurope",
          "cmgdeploy"};
}

Json base_template(Json params, Json outputs = Json::object()) {
  return {{"$schema",
           "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"},
          {"contentVersion", "1.0.0.0"},
          {"parameters", std::move(params)},
          {"resources", Json::array()},
          {"outputs", std::move(outputs)}};
}

Result<ExpandedTemplate, ArmError> expand(const Json& tmpl, const Json& given = Json::object()) {
  return expand_template(tmpl, given, scope(), ReferenceFn());
}

// Asserts an InvalidTemplate error with this target and returns its message.
std::string invalid(const Result<ExpandedTemplate, ArmError>& r, const std::string& target) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, "InvalidTemplate") << r.error().message;
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_EQ(r.error().target, target) << r.error().message;
  return r.error().message;
}

TEST(TemplateParameters, DefaultsGivenValuesAndReportedShape) {
  Json tmpl = base_template(
      {{"location", {{"type", "String"}, {"defaultValue", "[resourceGroup().location]"}}},
       {"count", {{"type", "int"}, {"defaultValue", 2}}},
       {"enabled", {{"type", "BOOL"}}},
       {"secret", {{"type", "securestring"}}},
       {"tags", {{"type", "object"}, {"defaultValue", {{"env", "lab"}}}}},
       {"zones", {{"type", "array"}, {"defaultValue", {"1"}}}}});
  Result<ExpandedTemplate, ArmError> r = expand(
      tmpl,
      {{"ENABLED", {{"value", true}}}, {"secret", {{"value", "p@ss"}}}, {"count", {{"value", 5}}}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->parameters, (Json{{"location", {{"type", "String"}, {"value", "westeurope"}}},
                                 {"count", {{"type", "Int"}, {"value", 5}}},
                                 {"enabled", {{"type", "Bool"}, {"value", true}}},
                                 {"secret", {{"type", "SecureString"}}},
                                 {"tags", {{"type", "Object"}, {"value", {{"env", "lab"}}}}},
                                 {"zones", {{"type", "Array"}, {"value", {"1"}}}}}));
  EXPECT_EQ(r->parameter_values["secret"], "p@ss");
  EXPECT_EQ(
      r->template_hash,
      expand(tmpl, {{"enabled", {{"value", false}}}, {"secret", {{"value", "x"}}}})->template_hash);
}

TEST(TemplateParameters, DefaultMayUseAnotherParameter) {
  Json tmpl = base_template(
      {{"prefix", {{"type", "string"}, {"defaultValue", "cmg"}}},
       {"name", {{"type", "string"}, {"defaultValue", "[concat(parameters('prefix'), 'pip')]"}}}});
  Result<ExpandedTemplate, ArmError> r = expand(tmpl, {{"prefix", {{"value", "lab"}}}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->parameters["name"]["value"], "labpip");
}

TEST(TemplateParameters, MissingRequiredValue) {
  std::string m =
      invalid(expand(base_template({{"dnsLabel", {{"type", "string"}}}})), "parameters.dnsLabel");
  EXPECT_EQ(m,
            "Deployment template validation failed: 'The value for the template parameter "
            "'dnsLabel' at 'parameters.dnsLabel' is not provided. Please see "
            "https://aka.ms/arm-create-parameter-file for usage details.'.");
}

TEST(TemplateParameters, UndeclaredParameterGiven) {
  std::string m = invalid(expand(base_template({{"a", {{"type", "string"}, {"defaultValue", ""}}}}),
                                 {{"zeta", {{"value", 1}}}, {"beta", {{"value", 2}}}}),
                          "properties.parameters.beta");
  EXPECT_EQ(m,
            "Deployment template validation failed: 'The template parameters 'beta, zeta' in "
            "the parameters file are not valid; they are not present in the original template "
            "and can therefore not be provided at deployment time. The only supported "
            "parameters for this template are 'a'. Please see "
            "https://aka.ms/arm-pass-parameter-values for usage details.'.");
}

TEST(TemplateParameters, WrongType) {
  std::string m =
      invalid(expand(base_template({{"n", {{"type", "int"}}}}), {{"n", {{"value", "3"}}}}),
              "properties.parameters.n");
  EXPECT_EQ(m,
            "Deployment template validation failed: 'The provided value for the template "
            "parameter 'n' is not valid. Expected a value of type 'Integer', but received a "
            "value of type 'String'. Please see https://aka.ms/arm-create-parameter-file for "
            "usage details.'.");
  invalid(expand(base_template({{"n", {{"type", "float"}}}})), "parameters.n.type");
}

TEST(TemplateParameters, AllowedValues) {
  Json decl = {{"type", "string"}, {"allowedValues", {"Standard_LRS", "Standard_GRS"}}};
  EXPECT_TRUE(expand(base_template({{"sku", decl}}), {{"sku", {{"value", "standard_lrs"}}}}).ok());
  std::string m =
      invalid(expand(base_template({{"sku", decl}}), {{"sku", {{"value", "Premium_LRS"}}}}),
              "properties.parameters.sku");
  EXPECT_EQ(m,
            "Deployment template validation failed: 'The provided value 'Premium_LRS' for the "
            "template parameter 'sku' at 'parameters.sku' is not valid. The parameter value is "
            "not part of the allowed value(s): 'Standard_LRS,Standard_GRS'. Please see "
            "https://aka.ms/arm-template/#parameters for usage details.'.");
  // A default outside allowedValues is reported at the declaration.
  decl["defaultValue"] = "Bad";
  invalid(expand(base_template({{"sku", decl}})), "parameters.sku");
  // Arrays: every element must be allowed.
  Json zones = {{"type", "array"}, {"allowedValues", {"1", "2", "3"}}};
  EXPECT_TRUE(expand(base_template({{"z", zones}}), {{"z", {{"value", {"1", "3"}}}}}).ok());
  invalid(expand(base_template({{"z", zones}}), {{"z", {{"value", {"1", "4"}}}}}),
          "properties.parameters.z");
}

TEST(TemplateParameters, ValueAndLengthBounds) {
  Json count = {{"type", "int"}, {"minValue", 1}, {"maxValue", 3}};
  EXPECT_TRUE(expand(base_template({{"c", count}}), {{"c", {{"value", 3}}}}).ok());
  EXPECT_NE(invalid(expand(base_template({{"c", count}}), {{"c", {{"value", 0}}}}),
                    "properties.parameters.c")
                .find("Value should be greater than or equal to '1'."),
            std::string::npos);
  EXPECT_NE(invalid(expand(base_template({{"c", count}}), {{"c", {{"value", 4}}}}),
                    "properties.parameters.c")
                .find("Value should be less than or equal to '3'."),
            std::string::npos);
  Json pw = {{"type", "secureString"}, {"minLength", 12}, {"maxLength", 16}};
  EXPECT_EQ(invalid(expand(base_template({{"pw", pw}}), {{"pw", {{"value", "short"}}}}),
                    "properties.parameters.pw"),
            "Deployment template validation failed: 'The provided value for the template "
            "parameter 'pw' at 'parameters.pw' is not valid. Length of the value should be "
            "greater than or equal to '12'. Please see https://aka.ms/arm-template/#parameters "
            "for usage details.'.");
  EXPECT_NE(
      invalid(expand(base_template({{"pw", pw}}), {{"pw", {{"value", std::string(17, 'x')}}}}),
              "properties.parameters.pw")
          .find("Length of the value should be less than or equal to '16'."),
      std::string::npos);
}

TEST(TemplateParameters, KeyVaultReferenceIsUnsupported) {
  Json given = {{"pw", {{"reference", {{"keyVault", {{"id", "/x"}}}, {"secretName", "s"}}}}}};
  invalid(expand(base_template({{"pw", {{"type", "securestring"}}}}), given),
          "properties.parameters.pw.reference");
}

TEST(TemplateParameters, DefaultMayNotUseVariablesOrReference) {
  Json tmpl = base_template({{"p", {{"type", "string"}, {"defaultValue", "[variables('v')]"}}}});
  tmpl["variables"] = {{"v", "x"}};
  EXPECT_EQ(invalid(expand(tmpl), "parameters.p.defaultValue"),
            "Deployment template validation failed: 'The template parameter 'p' at 'parameters.p' "
            "is not valid: The template function 'variables' is not expected at this location. "
            "Please see https://aka.ms/arm-template-expressions for usage details.'.");
}

TEST(TemplateVariables, CycleAndUnknownAreReportedAtTheVariable) {
  Json tmpl = base_template(Json::object());
  tmpl["variables"] = {{"a", "[variables('b')]"}, {"b", "[concat('x', variables('a'))]"}};
  std::string m = invalid(expand(tmpl), "variables.b");
  EXPECT_NE(m.find("Circular dependency detected on template variable 'a'"), std::string::npos)
      << m;
  tmpl["variables"] = {{"a", {{"nested", {"ok", "[variables('nope')]"}}}}};
  EXPECT_EQ(invalid(expand(tmpl), "variables.a.nested[1]"),
            "Deployment template validation failed: 'The template variable 'a' at 'variables.a' "
            "is not valid: The template variable 'nope' is not found. Please see "
            "https://aka.ms/arm-template/#variables for usage details. Please see "
            "https://aka.ms/arm-template-expressions for usage details.'.");
  tmpl["variables"] = {{"copy", Json::array()}};
  invalid(expand(tmpl), "variables.copy");
}

TEST(TemplateOutputs, ConditionSecureAndErrors) {
  Json tmpl = base_template(
      {{"pw", {{"type", "securestring"}, {"defaultValue", "s3cret"}}}},
      {{"shown", {{"type", "string"}, {"value", "[concat('v', '1')]"}}},
       {"hidden", {{"type", "string"}, {"condition", "[equals(1, 2)]"}, {"value", "x"}}},
       {"secret", {{"type", "securestring"}, {"value", "[parameters('pw')]"}}}});
  Result<ExpandedTemplate, ArmError> x = expand(tmpl);
  ASSERT_TRUE(x.ok());
  Result<Json, ArmError> out = evaluate_outputs(tmpl, x.value(), scope(), ReferenceFn());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.value(), (Json{{"shown", {{"type", "String"}, {"value", "v1"}}},
                               {"secret", {{"type", "SecureString"}}}}));

  tmpl["outputs"] = {
      {"bad", {{"type", "object"}, {"value", {{"k", {"[concat(createObject())]"}}}}}}};
  out = evaluate_outputs(tmpl, x.value(), scope(), ReferenceFn());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, "DeploymentOutputEvaluationFailed");
  ASSERT_EQ(out.error().details.size(), 1U);
  EXPECT_EQ(out.error().details[0].code, "InvalidTemplate");
  EXPECT_EQ(out.error().details[0].target, "outputs.bad.value.k[0]");
}

TEST(TemplateShape, UnsupportedFeaturesAreNamed) {
  Json tmpl = base_template(Json::object());
  tmpl["functions"] = Json::array();  // what Bicep emits: tolerated
  tmpl.erase("contentVersion");       // tolerated
  EXPECT_TRUE(expand(tmpl).ok());
  tmpl["functions"] = {{{"namespace", "ns"}, {"members", Json::object()}}};
  EXPECT_NE(invalid(expand(tmpl), "functions").find("user-defined functions are not supported"),
            std::string::npos);
  tmpl.erase("functions");
  tmpl["apiProfile"] = "2019-03-01-hybrid";
  invalid(expand(tmpl), "apiProfile");
  tmpl.erase("apiProfile");
  tmpl["languageVersion"] = "2.0";
  EXPECT_NE(invalid(expand(tmpl), "languageVersion").find("languageVersion 2.0"),
            std::string::npos);
  tmpl.erase("languageVersion");
  tmpl["resources"] = {{"pip", {{"type", "Microsoft.Network/publicIPAddresses"}}}};
  invalid(expand(tmpl), "resources");
  tmpl.erase("resources");
  Result<ExpandedTemplate, ArmError> r = expand(tmpl);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidRequestContent");
  EXPECT_FALSE(expand(Json::array()).ok());
}

TEST(TemplateHash, StableDecimalAndTemplateSensitive) {
  Json a = base_template({{"x", {{"type", "string"}, {"defaultValue", "1"}}}});
  Json b = base_template({{"x", {{"type", "string"}, {"defaultValue", "2"}}}});
  std::string ha = expand(a)->template_hash;
  EXPECT_EQ(ha, expand(a)->template_hash);
  EXPECT_NE(ha, expand(b)->template_hash);
  EXPECT_FALSE(ha.empty());
  EXPECT_EQ(ha.find_first_not_of("0123456789"), std::string::npos);
}

}  // namespace
}  // namespace emu::arm
