// Template resources: IDs, nested children, condition, dependsOn resolution and ordering,
// deferred reference() bodies and the errors of each.
#include "emulator/arm/templates/template.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace emu::arm {
namespace {

using Json = nlohmann::json;

constexpr char kRg[] = "/subscriptions/9b2c7f3e-1d2a-4c5b-8e6f-0a1b2c3d4e5f/resourceGroups/cmg-rg";

TemplateScope scope() {
  return {"9b2c7f3e-1d2a-4c5b-8e6f-0a1b2c3d4e5f",
          "Lab",
          "72f988bf-86f1-41af-91ab-2d7cd011db47",
          "cmg-rg",
          "westeurope",
          "cmgdeploy"};
}

std::string id(const std::string& tail) { return std::string(kRg) + "/providers/" + tail; }

Json res(const std::string& type, const std::string& name, Json extra = Json::object()) {
  Json r = {{"type", type}, {"apiVersion", "2022-07-01"}, {"name", name}};
  r.update(extra);
  return r;
}

Json tmpl_of(Json resources, Json params = Json::object()) {
  return {{"$schema",
           "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"},
          {"contentVersion", "1.0.0.0"},
          {"parameters", std::move(params)},
          {"resources", std::move(resources)}};
}

Result<ExpandedTemplate, ArmError> expand(const Json& tmpl, const Json& given = Json::object(),
                                          const ReferenceFn& ref = ReferenceFn()) {
  return expand_template(tmpl, given, scope(), ref);
}

std::vector<std::string> names(const ExpandedTemplate& x) {
  std::vector<std::string> out;
  for (const ExpandedResource& r : x.resources) out.push_back(r.name);
  return out;
}

std::string invalid(const Result<ExpandedTemplate, ArmError>& r, const std::string& target) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, "InvalidTemplate") << r.error().message;
  EXPECT_EQ(r.error().target, target) << r.error().message;
  return r.error().message;
}

TEST(TemplateResources, FieldsAndIds) {
  Json t = tmpl_of({res("Microsoft.Network/publicIPAddresses", "[concat('cmg', '-pip')]",
                        {{"location", "[resourceGroup().location]"},
                         {"sku", {{"name", "Standard"}}},
                         {"zones", {"1"}},
                         {"tags", {{"[k]", "v"}}},
                         {"comments", "ignored"},
                         {"properties", {{"publicIPAllocationMethod", "Static"}}}})});
  Result<ExpandedTemplate, ArmError> x = expand(t);
  ASSERT_TRUE(x.ok()) << x.error().message;
  ASSERT_EQ(x->resources.size(), 1U);
  const ExpandedResource& r = x->resources[0];
  EXPECT_EQ(r.path, "resources[0]");
  EXPECT_EQ(r.type, "Microsoft.Network/publicIPAddresses");
  EXPECT_EQ(r.api_version, "2022-07-01");
  EXPECT_EQ(r.name, "cmg-pip");
  EXPECT_EQ(r.id, id("Microsoft.Network/publicIPAddresses/cmg-pip"));
  EXPECT_FALSE(r.deferred);
  EXPECT_EQ(r.body, (Json{{"location", "westeurope"},
                          {"sku", {{"name", "Standard"}}},
                          {"zones", {"1"}},
                          {"tags", {{"[k]", "v"}}},
                          {"properties", {{"publicIPAllocationMethod", "Static"}}}}));
}

TEST(TemplateResources, ChildTypesAndNestedResources) {
  Json vnet = res("Microsoft.Network/virtualNetworks", "vnet",
                  {{"resources", {res("subnets", "default", {{"dependsOn", {"vnet"}}})}}});
  Json t = tmpl_of(
      {vnet, res("Microsoft.Network/virtualNetworks/subnets", "vnet/other",
                 {{"dependsOn", {"Microsoft.Network/virtualNetworks/vnet/subnets/default"}}})});
  Result<ExpandedTemplate, ArmError> x = expand(t);
  ASSERT_TRUE(x.ok()) << x.error().message;
  ASSERT_EQ(x->resources.size(), 3U);
  EXPECT_EQ(x->resources[1].depends_on,
            (std::vector<std::string>{id("Microsoft.Network/virtualNetworks/vnet")}));
  EXPECT_EQ(
      x->resources[2].depends_on,
      (std::vector<std::string>{id("Microsoft.Network/virtualNetworks/vnet/subnets/default")}));
  EXPECT_EQ(x->resources[1].path, "resources[0].resources[0]");
  EXPECT_EQ(x->resources[1].type, "Microsoft.Network/virtualNetworks/subnets");
  EXPECT_EQ(x->resources[1].name, "vnet/default");
  EXPECT_EQ(x->resources[1].id, id("Microsoft.Network/virtualNetworks/vnet/subnets/default"));
  EXPECT_EQ(x->resources[2].id, id("Microsoft.Network/virtualNetworks/vnet/subnets/other"));
  std::string m =
      invalid(expand(tmpl_of({res("Microsoft.Network/virtualNetworks/subnets", "only")})),
              "resources[0].name");
  EXPECT_NE(m.find("has incorrect segment lengths"), std::string::npos) << m;
  // A bare name shared by two resources is ambiguous.
  Json twins = tmpl_of({res("Microsoft.Network/publicIPAddresses", "cmg"),
                        res("Microsoft.Storage/storageAccounts", "cmg"),
                        res("Microsoft.KeyVault/vaults", "kv", {{"dependsOn", {"cmg"}}})});
  EXPECT_NE(invalid(expand(twins), "resources[2].dependsOn[0]").find("is ambiguous"),
            std::string::npos);
}

TEST(TemplateResources, DependsOnByNameTypeNameAndResourceIdOrdersStably) {
  Json t = tmpl_of({
      res("Microsoft.Compute/virtualMachineScaleSets", "vmss",
          {{"dependsOn",
            {"[resourceId('Microsoft.Network/loadBalancers', 'lb')]",
             "Microsoft.Network/virtualNetworks/vnet"}}}),
      res("Microsoft.Network/loadBalancers", "lb", {{"dependsOn", {"pip"}}}),
      res("Microsoft.Storage/storageAccounts", "st"),
      res("Microsoft.Network/publicIPAddresses", "pip"),
      res("Microsoft.Network/virtualNetworks", "vnet"),
  });
  Result<ExpandedTemplate, ArmError> x = expand(t);
  ASSERT_TRUE(x.ok()) << x.error().message;
  EXPECT_EQ(names(x.value()), (std::vector<std::string>{"st", "pip", "lb", "vnet", "vmss"}));
  EXPECT_EQ(x->resources[4].depends_on,
            (std::vector<std::string>{id("Microsoft.Network/loadBalancers/lb"),
                                      id("Microsoft.Network/virtualNetworks/vnet")}));
  EXPECT_EQ(x->resources[2].depends_on,
            (std::vector<std::string>{id("Microsoft.Network/publicIPAddresses/pip")}));
}

TEST(TemplateResources, CircularDependency) {
  Json t = tmpl_of({res("Microsoft.Storage/storageAccounts", "free"),
                    res("Microsoft.Network/loadBalancers", "lb", {{"dependsOn", {"nic"}}}),
                    res("Microsoft.Network/networkInterfaces", "nic", {{"dependsOn", {"lb"}}})});
  EXPECT_EQ(invalid(expand(t), "resources[1].dependsOn"),
            "Deployment template validation failed: 'Circular dependency detected on resource: '" +
                id("Microsoft.Network/loadBalancers/lb") +
                "'. Please see https://aka.ms/arm-syntax-resources for usage details.'.");
  Json self = tmpl_of({res("Microsoft.Network/loadBalancers", "lb", {{"dependsOn", {"lb"}}})});
  invalid(expand(self), "resources[0].dependsOn");
}

TEST(TemplateResources, MissingDependency) {
  Json t = tmpl_of(
      {res("Microsoft.Network/loadBalancers", "lb",
           {{"dependsOn", {"[resourceId('Microsoft.Network/publicIPAddresses', 'nope')]"}}})});
  EXPECT_EQ(invalid(expand(t), "resources[0].dependsOn[0]"),
            "Deployment template validation failed: 'The resource '" +
                id("Microsoft.Network/publicIPAddresses/nope") +
                "' is not defined in the template. Please see https://aka.ms/arm-template for "
                "usage details.'.");
}

TEST(TemplateResources, ConditionFalseSkipsAndDropsDependencies) {
  Json params = {{"withKv", {{"type", "bool"}, {"defaultValue", false}}}};
  Json t =
      tmpl_of({res("Microsoft.KeyVault/vaults", "kv", {{"condition", "[parameters('withKv')]"}}),
               res("Microsoft.Storage/storageAccounts", "st", {{"dependsOn", {"kv"}}})},
              params);
  Result<ExpandedTemplate, ArmError> x = expand(t);
  ASSERT_TRUE(x.ok()) << x.error().message;
  EXPECT_EQ(names(x.value()), (std::vector<std::string>{"st"}));
  EXPECT_TRUE(x->resources[0].depends_on.empty());
  x = expand(t, {{"withKv", {{"value", true}}}});
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(names(x.value()), (std::vector<std::string>{"kv", "st"}));
  invalid(expand(tmpl_of({res("Microsoft.KeyVault/vaults", "kv", {{"condition", "yes"}})})),
          "resources[0].condition");
}

TEST(TemplateResources, ExpressionErrorsNameThePath) {
  Json t =
      tmpl_of({res("Microsoft.Storage/storageAccounts", "st"),
               res("Microsoft.Network/publicIPAddresses", "pip",
                   {{"properties", {{"dnsSettings", {{"domainNameLabel", "[bogus('x')]"}}}}}})});
  EXPECT_EQ(invalid(expand(t), "resources[1].properties.dnsSettings.domainNameLabel"),
            "Deployment template validation failed: 'The template resource 'pip' at "
            "'resources[1]' is not valid: The template function 'bogus' is not valid. Please see "
            "https://aka.ms/arm-template-expressions for usage details.'.");
  Json byref = tmpl_of({res("Microsoft.Storage/storageAccounts", "[reference('x').name]")});
  EXPECT_NE(invalid(expand(byref), "resources[0].name")
                .find("The template function 'reference' is not expected at this location."),
            std::string::npos);
}

TEST(TemplateResources, UnsupportedResourceFeatures) {
  invalid(expand(tmpl_of({res("Microsoft.Storage/storageAccounts", "st",
                              {{"copy", {{"name", "c"}, {"count", 2}}}})})),
          "resources[0].copy");
  std::string m =
      invalid(expand(tmpl_of({res("Microsoft.Resources/deployments", "nested",
                                  {{"properties", {{"templateLink", {{"uri", "https://x"}}}}}})})),
              "resources[0].type");
  EXPECT_NE(m.find("nested deployments"), std::string::npos);
  Json loop = {{"copy", {{{"name", "subnets"}, {"count", 2}, {"input", {{"name", "x"}}}}}}};
  invalid(expand(tmpl_of({res("Microsoft.Network/virtualNetworks", "v", {{"properties", loop}})})),
          "resources[0].properties.copy");
  invalid(expand(tmpl_of({res("Microsoft.Authorization/locks", "l", {{"scope", "x"}})})),
          "resources[0].scope");
  invalid(expand(tmpl_of({res("Microsoft.Storage/storageAccounts", "st"),
                          res("Microsoft.Storage/storageAccounts", "ST")})),
          "resources[1]");
}

TEST(TemplateResources, ReferenceToATemplateResourceIsDeferred) {
  Json t = tmpl_of({
      res("Microsoft.Network/publicIPAddresses", "pip"),
      res("Microsoft.Storage/storageAccounts", "st",
          {{"location", "[resourceGroup().location]"},
           {"properties",
            {{"label",
              "[concat(reference('pip').dnsSettings.fqdn, '|', "
              "reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip2'), '2022-07-01', "
              "'Full').id)]"}}}}),
      res("Microsoft.Network/publicIPAddresses", "pip2"),
  });
  int calls = 0;
  ReferenceFn ref = [&](const std::string& rid, bool full) -> std::optional<Json> {
    ++calls;
    if (full) return Json{{"id", rid}};
    return Json{{"dnsSettings", {{"fqdn", "cmg.westeurope.cloudapp.azure.com"}}}};
  };
  Result<ExpandedTemplate, ArmError> x = expand(t, Json::object(), ref);
  ASSERT_TRUE(x.ok()) << x.error().message;
  EXPECT_EQ(calls, 0);  // not answered before the resources are deployed
  EXPECT_EQ(names(x.value()), (std::vector<std::string>{"pip", "pip2", "st"}));
  const ExpandedResource& st = x->resources[2];
  EXPECT_TRUE(st.deferred);
  EXPECT_EQ(st.depends_on,
            (std::vector<std::string>{id("Microsoft.Network/publicIPAddresses/pip"),
                                      id("Microsoft.Network/publicIPAddresses/pip2")}));
  Result<Json, ArmError> body = evaluate_resource_body(t, x.value(), st, scope(), ref);
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_EQ(body.value(),
            (Json{{"location", "westeurope"},
                  {"properties",
                   {{"label", "cmg.westeurope.cloudapp.azure.com|" +
                                  id("Microsoft.Network/publicIPAddresses/pip2")}}}}));
  // A resource without reference() comes back as is.
  EXPECT_EQ(evaluate_resource_body(t, x.value(), x->resources[0], scope(), ref).value(),
            x->resources[0].body);
  // A failing late evaluation names the resource and the path.
  ReferenceFn missing = [](const std::string&, bool) { return std::optional<Json>(); };
  body = evaluate_resource_body(t, x.value(), st, scope(), missing);
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().code, "InvalidTemplate");
  EXPECT_EQ(body.error().target, "resources[1].properties.label");
  EXPECT_NE(
      body.error().message.find("Unable to process template language expressions for resource '" +
                                id("Microsoft.Storage/storageAccounts/st") + "'"),
      std::string::npos);
}

}  // namespace
}  // namespace emu::arm
