// The template engine's limits (emulator/arm/README.md "Limits"): ARM's published template
// limits at the limit (accepted) and one past it (refused with ARM's code), and the
// emulator's own bounds on nesting, value sizes and evaluation work. Issue 11, findings 1
// (deep nesting overflowed the stack) and 2 (a doubling-concat template ran for 30 s).
#include "emulator/arm/templates/limits.h"
#include "emulator/arm/templates/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>

namespace emu::arm {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

const TemplateLimits& kLimits = kTemplateLimits;

TemplateScope scope() {
  return {"9b2c7f3e-1d2a-4c5b-8e6f-0a1b2c3d4e5f",
          "Lab",
          "72f988bf-86f1-41af-91ab-2d7cd011db47",
          "cmg-rg",
          "westeurope",
          "cmgdeploy"};
}

Json base() {
  return {{"$schema",
           "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"},
          {"contentVersion", "1.0.0.0"},
          {"resources", Json::array()}};
}

// Expansion, then outputs (what a deployment PUT runs), with one budget.
Result<Json, ArmError> run(const Json& tmpl, const Json& given = Json::object()) {
  EvalBudget budget;
  Result<ExpandedTemplate, ArmError> x =
      expand_template(tmpl, given, scope(), ReferenceFn(), &budget);
  if (!x.ok()) return x.error();
  return evaluate_outputs(tmpl, x.value(), scope(), ReferenceFn(), &budget);
}

// `depth` arrays nested in each other around `inner`, built without recursion.
Json nested_arrays(int depth, Json inner = "x") {
  Json v = std::move(inner);
  for (int i = 0; i < depth; ++i) {
    Json outer = Json::array();
    outer.push_back(std::move(v));
    v = std::move(outer);
  }
  return v;
}

// The error code of a refused run, also looking into DeploymentOutputEvaluationFailed.
std::string inner_code(const Result<Json, ArmError>& r) {
  if (r.ok()) return "";
  if (r.error().code == "DeploymentOutputEvaluationFailed" && !r.error().details.empty())
    return r.error().details[0].code;
  return r.error().code;
}

std::string all_messages(const Result<Json, ArmError>& r) {
  if (r.ok()) return "";
  return r.error().to_json().dump();
}

TEST(ArmTemplateLimits, JsonNestingAtTheLimitIsAcceptedAndOnePastIsRefused) {
  auto body = [](int depth) { return nested_arrays(depth, 1).dump(); };
  EXPECT_TRUE(parse_lenient_json(body(kLimits.max_json_depth)).ok());
  EXPECT_EQ(parse_lenient_json(body(kLimits.max_json_depth + 1)).status().code(),
            StatusCode::kResourceExhausted);
  // Inside a template: the variable's value counts from the template's root (+1 for
  // "variables", +1 for the template object).
  Json ok = base();
  ok["variables"] = {{"v", nested_arrays(kLimits.max_json_depth - 2)}};
  EXPECT_TRUE(run(ok).ok()) << all_messages(run(ok));
  Json deep = base();
  deep["variables"] = {{"v", nested_arrays(kLimits.max_json_depth - 1)}};
  EXPECT_EQ(inner_code(run(deep)), "InvalidTemplate");
}

TEST(ArmTemplateLimits, ValuesOfOrdinarySizeStillWork) {
  Json tmpl = base();
  tmpl["variables"] = {{"list", "a,b,c"}, {"text", std::string(10000, 't')}};
  tmpl["outputs"] = {
      {"n",
       {{"type", "int"},
        {"value",
         "[length(union(split(variables('list'), ','), "
         "createArray('d')))]"}}},
      {"s", {{"type", "int"}, {"value", "[length(replace(variables('text'), 't', 'uu'))]"}}},
      {"j", {{"type", "object"}, {"value", "[json('{\"a\":[1,2]}')]"}}}};
  Result<Json, ArmError> r = run(tmpl);
  ASSERT_TRUE(r.ok()) << all_messages(r);
  EXPECT_EQ(r.value()["n"]["value"], 4);
  EXPECT_EQ(r.value()["s"]["value"], 20000);
  EXPECT_EQ(r.value()["j"]["value"], (Json{{"a", {1, 2}}}));
}

TEST(ArmTemplateLimits, JsonFunctionIsBounded) {
  Json tmpl = base();
  tmpl["outputs"] = {
      {"o",
       {{"type", "array"},
        {"value", "[json('" + std::string(5000, '[') + std::string(5000, ']') + "')]"}}}};
  EXPECT_EQ(inner_code(run(tmpl)), "InvalidTemplate");
}

// --- ARM's published counts -------------------------------------------------------------------

Json with_parameters(size_t n) {
  Json tmpl = base();
  Json params = Json::object();
  for (size_t i = 0; i < n; ++i)
    params["p" + std::to_string(i)] = {{"type", "int"}, {"defaultValue", 1}};
  tmpl["parameters"] = params;
  return tmpl;
}

Json with_variables(size_t n) {
  Json tmpl = base();
  Json vars = Json::object();
  for (size_t i = 0; i < n; ++i) vars["v" + std::to_string(i)] = "[concat('x', 'y')]";
  tmpl["variables"] = vars;
  return tmpl;
}

Json with_outputs(size_t n) {
  Json tmpl = base();
  Json outs = Json::object();
  for (size_t i = 0; i < n; ++i) outs["o" + std::to_string(i)] = {{"type", "int"}, {"value", 1}};
  tmpl["outputs"] = outs;
  return tmpl;
}

// `n` resources: public IPs, every second one with a child (a nested resource counts too).
Json with_resources(size_t n) {
  Json tmpl = base();
  Json list = Json::array();
  for (size_t i = 0; i < n;) {
    Json r = {{"type", "Microsoft.Network/virtualNetworks"},
              {"apiVersion", "2022-07-01"},
              {"name", "vnet" + std::to_string(i)},
              {"location", "westeurope"}};
    ++i;
    if (i < n) {
      r["resources"] = Json::array({{{"type", "subnets"},
                                     {"apiVersion", "2022-07-01"},
                                     {"name", "default"},
                                     {"properties", {{"addressPrefix", "10.0.0.0/24"}}}}});
      ++i;
    }
    list.push_back(std::move(r));
  }
  tmpl["resources"] = list;
  return tmpl;
}

void expect_count_limit(const Json& at, const Json& past, const std::string& section,
                        size_t limit) {
  Result<Json, ArmError> ok = run(at);
  EXPECT_TRUE(ok.ok()) << section << ": " << all_messages(ok);
  Result<Json, ArmError> refused = run(past);
  ASSERT_FALSE(refused.ok()) << section;
  EXPECT_EQ(refused.error().code, "InvalidTemplate");
  EXPECT_EQ(refused.error().http_status, 400);
  EXPECT_EQ(refused.error().target, section);
  EXPECT_EQ(refused.error().message,
            "Deployment template validation failed: 'The number of template " + section +
                " limit exceeded. Limit: '" + std::to_string(limit) + "' and actual: '" +
                std::to_string(limit + 1) + "'. Please see https://aka.ms/arm-template/#" +
                section + " for usage details.'.");
}

TEST(ArmTemplateLimits, ParametersAtTheLimitAndOnePast) {
  expect_count_limit(with_parameters(256), with_parameters(257), "parameters",
                     kLimits.max_parameters);
}

TEST(ArmTemplateLimits, VariablesAtTheLimitAndOnePast) {
  expect_count_limit(with_variables(512), with_variables(513), "variables", kLimits.max_variables);
}

TEST(ArmTemplateLimits, ResourcesAtTheLimitAndOnePastNestedOnesIncluded) {
  expect_count_limit(with_resources(800), with_resources(801), "resources", kLimits.max_resources);
}

TEST(ArmTemplateLimits, OutputsAtTheLimitAndOnePast) {
  expect_count_limit(with_outputs(64), with_outputs(65), "outputs", kLimits.max_outputs);
}

TEST(ArmTemplateLimits, ExpressionLengthAtTheLimitAndOnePast) {
  // "[concat('aaa…')]": 12 characters around the literal.
  auto expr = [](size_t chars) { return "[concat('" + std::string(chars - 12, 'a') + "')]"; };
  ASSERT_EQ(expr(24576).size(), 24576u);
  Json tmpl = base();
  tmpl["outputs"] = {{"o", {{"type", "string"}, {"value", expr(kLimits.max_expression_chars)}}}};
  Result<Json, ArmError> at = run(tmpl);
  ASSERT_TRUE(at.ok()) << all_messages(at);
  tmpl["outputs"]["o"]["value"] = expr(kLimits.max_expression_chars + 1);
  Result<Json, ArmError> past = run(tmpl);
  EXPECT_EQ(inner_code(past), "InvalidTemplate");
  EXPECT_THAT(all_messages(past), HasSubstr("24577 characters long; the limit is 24576"));
  // A literal string ("[[" or no brackets) is not an expression.
  tmpl["outputs"]["o"]["value"] = "[[" + std::string(30000, 'a') + "]";
  EXPECT_TRUE(run(tmpl).ok());
}

// --- ARM's expanded-template sizes --------------------------------------------------------------

TEST(ArmTemplateLimits, ExpandedTemplateSizeAtTheLimitAndOnePast) {
  // Two resolved variables whose JSON sizes add up to exactly 4 MB, then one byte more.
  auto tmpl_of = [](size_t total) {
    const size_t overhead = json_shape(Json("")).bytes;  // quotes and separator
    const size_t first = kTemplateLimits.max_expanded_bytes / 2;
    Json t = base();
    t["variables"] = {{"a", std::string(first - overhead, 'a')},
                      {"b", std::string(total - first - overhead, 'b')}};
    return t;
  };
  Result<Json, ArmError> at = run(tmpl_of(kLimits.max_expanded_bytes));
  EXPECT_TRUE(at.ok()) << all_messages(at).substr(0, 300);
  Result<Json, ArmError> past = run(tmpl_of(kLimits.max_expanded_bytes + 1));
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code, "DeploymentJobSizeExceeded");
  EXPECT_EQ(past.error().http_status, 400);
  EXPECT_EQ(past.error().target, "variables.b");
}

TEST(ArmTemplateLimits, ResourceDefinitionSizeAtTheLimitAndOnePast) {
  auto tmpl_of = [](size_t bytes) {
    Json body = {{"properties", {{"blob", ""}}}};
    const size_t empty = json_shape(body).bytes;
    Json t = base();
    t["resources"] = Json::array({{{"type", "Microsoft.Storage/storageAccounts"},
                                   {"apiVersion", "2022-09-01"},
                                   {"name", "store"},
                                   {"properties", {{"blob", std::string(bytes - empty, 'z')}}}}});
    return t;
  };
  Result<Json, ArmError> at = run(tmpl_of(kLimits.max_resource_bytes));
  EXPECT_TRUE(at.ok()) << all_messages(at).substr(0, 300);
  Result<Json, ArmError> past = run(tmpl_of(kLimits.max_resource_bytes + 1));
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code, "DeploymentJobSizeExceeded");
  EXPECT_EQ(past.error().target, "resources[0]");
}

TEST(ArmTemplateLimits, RequestBodySizeAtTheLimitAndOnePast) {
  std::string body = R"({"properties":{"template":{"resources":[]}}})";
  std::string at = body + std::string(kLimits.max_request_bytes - body.size(), ' ');
  ASSERT_EQ(at.size(), kLimits.max_request_bytes);
  EXPECT_TRUE(parse_lenient_json(at).ok());
  Result<Json> past = parse_lenient_json(at + " ");
  EXPECT_EQ(past.status().code(), StatusCode::kResourceExhausted);
}

TEST(ArmTemplateLimits, BudgetIsSharedByExpansionAndOutputs) {
  Json tmpl = base();
  tmpl["variables"] = {{"big", std::string(512 * 1024, 'b')}};
  tmpl["outputs"] = {{"o", {{"type", "int"}, {"value", "[length(variables('big'))]"}}}};
  EvalBudget budget;
  Result<ExpandedTemplate, ArmError> x =
      expand_template(tmpl, Json::object(), scope(), ReferenceFn(), &budget);
  ASSERT_TRUE(x.ok());
  const uint64_t after_expansion = budget.left();
  EXPECT_LT(after_expansion, kLimits.max_work_units);
  ASSERT_TRUE(evaluate_outputs(tmpl, x.value(), scope(), ReferenceFn(), &budget).ok());
  EXPECT_LT(budget.left(), after_expansion);
  EvalBudget tiny(1000);
  Result<ExpandedTemplate, ArmError> starved =
      expand_template(tmpl, Json::object(), scope(), ReferenceFn(), &tiny);
  ASSERT_FALSE(starved.ok());
  EXPECT_THAT(starved.error().message, HasSubstr("work units"));
}

}  // namespace
}  // namespace emu::arm
