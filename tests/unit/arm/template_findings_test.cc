// Issue 11, findings 1 (a template nested ~20,000 deep overflowed the stack of the template
// evaluator) and 2 (forty doubling `concat` variables ran for 30 s and took 3 GB): each hostile
// template is refused with an ARM error. Written against the engine's entry points only, so
// that the same file shows the crash and the run-away before the fix.
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

// Expansion, then outputs (what a deployment PUT runs).
Result<Json, ArmError> run(const Json& tmpl, const Json& given = Json::object()) {
  Result<ExpandedTemplate, ArmError> x = expand_template(tmpl, given, scope(), ReferenceFn());
  if (!x.ok()) return x.error();
  return evaluate_outputs(tmpl, x.value(), scope(), ReferenceFn());
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

// --- Finding 1: nesting ---------------------------------------------------------------------

TEST(ArmTemplateLimits, Finding1_DeepArrayInVariablesIsRefusedNotACrash) {
  Json tmpl = base();
  tmpl["variables"] = {{"deep", nested_arrays(20000)}};
  Result<Json, ArmError> r = run(tmpl);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidTemplate");
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_THAT(r.error().message, HasSubstr("nested deeper than 64 levels"));
}

TEST(ArmTemplateLimits, Finding1_DeepArrayInDefaultValueOrOutputsIsRefusedNotACrash) {
  Json with_default = base();
  with_default["parameters"] = {{"p", {{"type", "array"}, {"defaultValue", nested_arrays(20000)}}}};
  EXPECT_EQ(inner_code(run(with_default)), "InvalidTemplate");
  Json with_output = base();
  with_output["outputs"] = {{"o", {{"type", "array"}, {"value", nested_arrays(20000)}}}};
  EXPECT_EQ(inner_code(run(with_output)), "InvalidTemplate");
  Json deep_given = base();
  deep_given["parameters"] = {{"p", {{"type", "array"}}}};
  EXPECT_EQ(inner_code(run(deep_given, {{"p", {{"value", nested_arrays(20000)}}}})),
            "InvalidTemplate");
}

TEST(ArmTemplateLimits, Finding1_DeepRequestBodyIsRefusedByTheParse) {
  const std::string open(20000, '[');
  const std::string close(20000, ']');
  const std::string body =
      R"({"properties":{"template":{"resources":[],"variables":{"v":)" + open + close + "}}}}";
  Result<Json> parsed = parse_lenient_json(body);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(parsed.status().message(), HasSubstr("64"));
  // The az (JSONC) path is bounded too.
  Result<Json> relaxed = parse_lenient_json("{properties: {template: " + open + close + "}}");
  ASSERT_FALSE(relaxed.ok());
  EXPECT_EQ(relaxed.status().code(), StatusCode::kResourceExhausted);
}

TEST(ArmTemplateLimits, Finding1_DeeplyNestedExpressionIsAParseError) {
  auto nested_concat = [](int depth) {
    std::string e = "[";
    for (int i = 0; i < depth; ++i) e += "concat(";
    e += "'a'";
    for (int i = 0; i < depth; ++i) e += ")";
    return e + "]";
  };
  Json tmpl = base();
  tmpl["outputs"] = {{"o", {{"type", "string"}, {"value", nested_concat(20000)}}}};
  EXPECT_EQ(inner_code(run(tmpl)), "InvalidTemplate");  // also longer than 24,576 characters
  tmpl["outputs"]["o"]["value"] = nested_concat(2000);
  Result<Json, ArmError> r = run(tmpl);
  EXPECT_EQ(inner_code(r), "InvalidTemplate");
  EXPECT_THAT(all_messages(r), HasSubstr("nested deeper than 64 levels"));
  // The innermost literal sits at the depth given: 64 is accepted, 65 is not.
  tmpl["outputs"]["o"]["value"] = nested_concat(64);
  Result<Json, ArmError> at = run(tmpl);
  ASSERT_TRUE(at.ok()) << all_messages(at);
  EXPECT_EQ(at.value()["o"]["value"], "a");
  tmpl["outputs"]["o"]["value"] = nested_concat(65);
  EXPECT_EQ(inner_code(run(tmpl)), "InvalidTemplate");
}

// Variables v000 <- v001 <- ... <- v<n-1> = "x": evaluating v000 (the first, as ARM evaluates
// every variable) walks the whole chain. `wrap` puts each link one array deeper.
Json variable_chain(int n, bool wrap) {
  auto name = [](int i) {
    std::string digits = std::to_string(i);
    return "v" + std::string(3 - digits.size(), '0') + digits;
  };
  Json vars = Json::object();
  for (int i = 0; i + 1 < n; ++i) {
    Json link = "[variables('" + name(i + 1) + "')]";
    vars[name(i)] = wrap ? Json::array({link}) : link;
  }
  vars[name(n - 1)] = "x";
  Json tmpl = base();
  tmpl["variables"] = vars;
  tmpl["outputs"] = {{"o", {{"type", "object"}, {"value", "[variables('v000')]"}}}};
  return tmpl;
}

TEST(ArmTemplateLimits, Finding1_LongVariableChainIsBoundedNotACrash) {
  // Each link one level deeper: the values outgrow the nesting limit.
  Result<Json, ArmError> wrapped = run(variable_chain(100, true));
  ASSERT_FALSE(wrapped.ok());
  EXPECT_EQ(wrapped.error().code, "InvalidTemplate");
  EXPECT_THAT(wrapped.error().message, HasSubstr("nested deeper than 64 levels"));
  // Flat links: the evaluation nesting bound stops the chain, not the end of the stack.
  Result<Json, ArmError> flat = run(variable_chain(500, false));
  ASSERT_FALSE(flat.ok());
  EXPECT_EQ(flat.error().code, "InvalidTemplate");
  EXPECT_THAT(flat.error().message, HasSubstr("nested deeper than 512 levels"));
  // 200 links are fine.
  Result<Json, ArmError> ok = run(variable_chain(200, false));
  ASSERT_TRUE(ok.ok()) << all_messages(ok);
  EXPECT_EQ(ok.value()["o"]["value"], "x");
}

// --- Finding 2: work and size -----------------------------------------------------------------

// The reported bomb: forty variables, each the concat of the previous one with itself.
Json concat_bomb() {
  Json tmpl = base();
  Json vars = Json::object();
  vars["v0"] = std::string(1000, 'a');
  for (int i = 1; i <= 40; ++i) {
    const std::string prev = "variables('v" + std::to_string(i - 1) + "')";
    vars["v" + std::to_string(i)] = "[concat(" + prev + ", " + prev + ")]";
  }
  tmpl["variables"] = vars;
  tmpl["outputs"] = {{"o", {{"type", "int"}, {"value", "[length(variables('v40'))]"}}}};
  return tmpl;
}

TEST(ArmTemplateLimits, Finding2_DoublingConcatVariablesAreRefused) {
  Result<Json, ArmError> r = run(concat_bomb());
  ASSERT_FALSE(r.ok());
  // Stopped by the expanded-template size (4 MB with the resolved variables) or the size of
  // one value, whichever comes first: both are refusals, with the variable named.
  EXPECT_THAT(r.error().code, ::testing::AnyOf("DeploymentJobSizeExceeded", "InvalidTemplate"));
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_THAT(r.error().target, HasSubstr("variables.v"));
}

TEST(ArmTemplateLimits, Finding2_RepeatedLargeCopiesExhaustTheWorkBudget) {
  // Small values, large work: every variable reads a 1 MB string ten times.
  Json tmpl = base();
  Json vars = Json::object();
  vars["big"] = std::string(1024 * 1024, 'b');
  std::string sum = "[add(length(variables('big')), 0)]";
  for (int i = 0; i < 200; ++i) vars["n" + std::to_string(i)] = sum;
  tmpl["variables"] = vars;
  Result<Json, ArmError> r = run(tmpl);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidTemplate");
  EXPECT_THAT(r.error().message, HasSubstr("work units"));
}

TEST(ArmTemplateLimits, Finding2_AmplifyingFunctionsAreRefusedBeforeTheyBuild) {
  Json tmpl = base();
  tmpl["variables"] = {{"a", std::string(4096, 'a')}, {"wide", std::string(2048, 'w')}};
  auto output = [&](const std::string& expr) {
    Json t = tmpl;
    t["outputs"] = {{"o", {{"type", "object"}, {"value", expr}}}};
    return run(t);
  };
  // 4096 replacements of 2 KB: 8 MB.
  Result<Json, ArmError> replaced = output("[replace(variables('a'), 'a', variables('wide'))]");
  EXPECT_EQ(inner_code(replaced), "InvalidTemplate");
  EXPECT_THAT(all_messages(replaced), HasSubstr("larger than"));
  // format() repeating a large argument.
  std::string fmt;
  for (int i = 0; i < 3000; ++i) fmt += "{0}";
  EXPECT_EQ(inner_code(output("[format('" + fmt + "', variables('wide'))]")), "InvalidTemplate");
  // A split into millions of pieces stops early.
  Json commas = base();
  commas["variables"] = {{"c", std::string(3 * 1024 * 1024, ',')}};
  commas["outputs"] = {{"o", {{"type", "int"}, {"value", "[length(split(variables('c'), ','))]"}}}};
  EXPECT_EQ(inner_code(run(commas)), "InvalidTemplate");
  // union() of two large arrays compares every pair.
  Json pairs = base();
  std::string list;
  for (int i = 0; i < 20000; ++i) list += std::to_string(i) + ",";
  pairs["variables"] = {{"l", list}};
  pairs["outputs"] = {
      {"o",
       {{"type", "int"},
        {"value", "[length(union(split(variables('l'), ','), split(variables('l'), ',')))]"}}}};
  Result<Json, ArmError> unioned = run(pairs);
  EXPECT_EQ(inner_code(unioned), "InvalidTemplate");
  EXPECT_THAT(all_messages(unioned), HasSubstr("work units"));
}

}  // namespace
}  // namespace emu::arm
