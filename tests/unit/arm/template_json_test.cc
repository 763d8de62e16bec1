// parse_lenient_json: strict JSON and the JSONC body `az deployment group create` sends.
#include "emulator/arm/templates/template.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace emu::arm {
namespace {

using Json = nlohmann::json;

TEST(LenientJson, StrictJsonIsParsedAsIs) {
  Result<Json> r = parse_lenient_json(R"({"a": [1, "two", {"b": null}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), (Json{{"a", {1, "two", {{"b", nullptr}}}}}));
}

TEST(LenientJson, AzCliDeploymentBody) {
  // The shape az 2.45 sends: unquoted `template` key and the raw template file (JSONC).
  const std::string body =
      R"({"properties": {"parameters": {"dnsLabel": {"value": "cmg"}}, "mode": "Incremental", template:{
  // CMG template
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0", /* block
  comment */
  "resources": [
    {"type": "Microsoft.Network/publicIPAddresses", "name": "pip", "apiVersion": "2022-07-01",},
  ],
}}})";
  Result<Json> r = parse_lenient_json(body);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Json& t = r.value()["properties"]["template"];
  EXPECT_EQ(t["contentVersion"], "1.0.0.0");
  EXPECT_EQ(t["resources"][0]["name"], "pip");
  EXPECT_EQ(r.value()["properties"]["parameters"]["dnsLabel"]["value"], "cmg");
}

TEST(LenientJson, StringContentsAreNeverRewritten) {
  const std::string body =
      R"({key: "a // not a comment, /* nor this */ ,}", other: "template: \"x\", ]", "n": [1,],})";
  Result<Json> r = parse_lenient_json(body);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value()["key"], "a // not a comment, /* nor this */ ,}");
  EXPECT_EQ(r.value()["other"], "template: \"x\", ]");
  EXPECT_EQ(r.value()["n"], Json({1}));
}

TEST(LenientJson, LiteralsAndNumbersStayIntact) {
  Result<Json> r = parse_lenient_json("{a: true, b: false, c: null, d: 1e3, e: -2, // x\n}");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value(), (Json{{"a", true}, {"b", false}, {"c", nullptr}, {"d", 1000.0}, {"e", -2}}));
}

TEST(LenientJson, GarbageGivesInvalidArgumentWithPosition) {
  Result<Json> r = parse_lenient_json(R"({"a": 1, "b": @})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "The request body is not valid JSON: syntax error at byte 14.");
  // Positions refer to the original text even after comments were removed.
  r = parse_lenient_json("{/* long comment here */ a: 1, b: ?}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "The request body is not valid JSON: syntax error at byte 34.");
  r = parse_lenient_json("{a: 1 /* never closed");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "The request body is not valid JSON: unterminated comment at byte 6.");
  EXPECT_FALSE(parse_lenient_json("").ok());
  EXPECT_FALSE(parse_lenient_json("{a b: 1}").ok());
}

}  // namespace
}  // namespace emu::arm
