#include "emulator/core/json_limits.h"

#include <gtest/gtest.h>

#include <string>

namespace emu {
namespace {

std::string nested_arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonLimits, ParsesOrdinaryDocuments) {
  auto doc = parse_json_limited(R"({"a":[1,{"b":"x"}],"c":null})");
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ((*doc)["a"][1]["b"], "x");
}

TEST(JsonLimits, DepthAtTheLimitIsAcceptedOneMoreIsRefused) {
  JsonLimits limits;
  limits.max_depth = 8;
  EXPECT_TRUE(parse_json_limited(nested_arrays(8), limits).ok());
  auto deep = parse_json_limited(nested_arrays(9), limits);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(deep.status().message(), "JSON nesting deeper than 8 levels at byte 8");
}

TEST(JsonLimits, TwentyThousandDeepArrayIsRefusedWithoutRecursion) {
  auto deep = parse_json_limited(R"({"variables":{"v":)" + nested_arrays(20000) + "}}");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), StatusCode::kResourceExhausted);
}

TEST(JsonLimits, BracketsInsideStringsDoNotCount) {
  JsonLimits limits;
  limits.max_depth = 1;
  auto doc = parse_json_limited(R"(["[[[[\"{{{{", "\\"])", limits);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ((*doc)[0], "[[[[\"{{{{");
}

TEST(JsonLimits, SizeLimitIsChecked) {
  JsonLimits limits;
  limits.max_bytes = 10;
  auto big = parse_json_limited(R"(["0123456789"])", limits);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(big.status().message(), "JSON document is 14 bytes; the limit is 10 bytes");
}

TEST(JsonLimits, NumberOverflowIsMalformedInputNotAFault) {
  auto doc = parse_json_limited(R"({"seconds": 1e999999})");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(doc.status().message().find("number overflow"), std::string::npos);
}

TEST(JsonLimits, SyntaxErrorNamesTheByte) {
  auto doc = parse_json_limited(R"({"a": tru})");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(doc.status().message().rfind("malformed JSON at byte ", 0), 0u);
}

TEST(JsonLimits, CommentsAreSkippedOnlyWhenAllowed) {
  JsonLimits limits;
  limits.max_depth = 1;
  const std::string text = "// a \"quote and [[[\n[1 /* ]]] [[ */, 2]";
  EXPECT_EQ(json_depth_violation(text, 1, JsonSyntax::kWithComments), std::string::npos);
  auto doc = parse_json_limited(text, limits, JsonSyntax::kWithComments);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(doc->size(), 2u);
  EXPECT_FALSE(parse_json_limited(text, limits).ok());
}

TEST(JsonLimits, DepthOfBuiltValues) {
  EXPECT_EQ(json_depth(nlohmann::json(3)), 0);
  EXPECT_EQ(json_depth(nlohmann::json::parse(R"({"a":[[1]],"b":{}})")), 3);
}

}  // namespace
}  // namespace emu
