#include "harness/lib/json_locator.h"

#include <gtest/gtest.h>

namespace emu::harness {
namespace {

TEST(JsonLocator, MembersMapToTheLineOfTheirKey) {
  const char* text =
      "{\n"                           // 1
      "  \"name\": \"x\",\n"          // 2
      "  \"steps\": [\n"              // 3
      "    { \"id\": \"a\",\n"        // 4
      "      \"action\": \"http\"\n"  // 5
      "    },\n"                      // 6
      "    {\n"                       // 7
      "      \"id\": \"b\"\n"         // 8
      "    }\n"                       // 9
      "  ]\n"                         // 10
      "}\n";
  JsonLocator loc(text);
  EXPECT_EQ(loc.line(""), 1);
  EXPECT_EQ(loc.line("/name"), 2);
  EXPECT_EQ(loc.line("/steps"), 3);
  EXPECT_EQ(loc.line("/steps/0"), 4);
  EXPECT_EQ(loc.line("/steps/0/id"), 4);
  EXPECT_EQ(loc.line("/steps/0/action"), 5);
  EXPECT_EQ(loc.line("/steps/1"), 7);
  EXPECT_EQ(loc.line("/steps/1/id"), 8);
}

TEST(JsonLocator, ValueOnTheNextLineKeepsTheKeyLine) {
  JsonLocator loc("{\"a\":\n\n  [1,\n 2]}");
  EXPECT_EQ(loc.line("/a"), 1);
  EXPECT_EQ(loc.line("/a/0"), 3);
  EXPECT_EQ(loc.line("/a/1"), 4);
}

TEST(JsonLocator, SkipsBothCommentStylesAndCountsTheirLines) {
  const char* text =
      "// header comment with { and \"\n"            // 1
      "{\n"                                          // 2
      "  /* block\n"                                 // 3
      "     \"fake\": 1,\n"                          // 4
      "     end */ \"real\": 1, // tail \"x\": [\n"  // 5
      "  \"next\" /* inline */ : 2\n"                // 6
      "}\n";
  JsonLocator loc(text);
  EXPECT_EQ(loc.line(""), 2);
  EXPECT_FALSE(loc.contains("/fake"));
  EXPECT_EQ(loc.line("/real"), 5);
  EXPECT_EQ(loc.line("/next"), 6);
}

TEST(JsonLocator, StringsWithEscapesDoNotConfuseTheScanner) {
  const char* text =
      "{\"a\\\"b\": \"x // not a comment \\\" }\",\n"  // 1: key a"b
      " \"c/d~e\": \"/* nor this\",\n"                 // 2
      " \"\\u0041\\n\": {\"k\": [\"]\", \"\\\\\"]}\n"  // 3: key "A\n"
      "}";
  JsonLocator loc(text);
  EXPECT_EQ(loc.line("/a\"b"), 1);
  EXPECT_EQ(loc.line("/c~1d~0e"), 2);
  EXPECT_EQ(loc.line("/A\n/k/1"), 3);
  EXPECT_TRUE(loc.contains("/A\n/k/1"));
}

TEST(JsonLocator, UnknownPointerFallsBackToNearestAncestor) {
  JsonLocator loc("{\n \"steps\": [\n  {\n   \"id\": 1\n  }\n ]\n}");
  EXPECT_EQ(loc.line("/steps/0/args/x"), 3);
  EXPECT_EQ(loc.line("/nothing"), 1);
  EXPECT_FALSE(loc.contains("/steps/0/args"));
}

TEST(JsonLocator, MalformedTextKeepsWhatWasScanned) {
  JsonLocator loc("{\n \"a\": 1,\n \"b\": [1, \n");
  EXPECT_EQ(loc.line("/a"), 2);
  EXPECT_EQ(loc.line("/b"), 3);
  EXPECT_EQ(loc.line("/b/5"), 3);
}

TEST(JsonLocator, ReportsDuplicateKeys) {
  JsonLocator loc("{\"a\": 1,\n \"b\": {\"x\": 1, \"x\": 2},\n \"a\": 3}");
  EXPECT_EQ(loc.duplicate_keys(), (std::vector<std::string>{"/b/x", "/a"}));
  EXPECT_EQ(loc.line("/a"), 3);
}

TEST(JsonLocator, PositionAtCountsLinesAndBytes) {
  std::string text = "ab\ncd\n\nx";
  EXPECT_EQ(position_at(text, 0).line, 1);
  EXPECT_EQ(position_at(text, 0).column, 1);
  EXPECT_EQ(position_at(text, 4).line, 2);
  EXPECT_EQ(position_at(text, 4).column, 2);
  EXPECT_EQ(position_at(text, 7).line, 4);
  EXPECT_EQ(position_at(text, 100).line, 4);
  EXPECT_EQ(position_at(text, 100).column, 2);
}

}  // namespace
}  // namespace emu::harness
