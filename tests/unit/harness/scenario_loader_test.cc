#include "harness/lib/generic_actions.h"
#include "harness/lib/scenario.h"
#include "tests/testlib/temp_dir.h"

#include <gtest/gtest.h>

namespace emu::harness {
namespace {

class LoaderTest : public ::testing::Test {
 protected:
  // The loader's message for `text` (which must fail with InvalidArgument).
  std::string error(const std::string& text) {
    auto s = load_scenario_text(text, "t.json", registry_);
    EXPECT_FALSE(s.ok());
    if (s.ok()) return "";
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    return s.status().message();
  }

  // A valid scenario whose steps array holds `steps` (which start on line 5).
  static std::string with_steps(const std::string& steps) {
    return "{\n"
           "  \"format\": \"cmgemu/scenario@1\",\n"
           "  \"name\": \"t\",\n"
           "  \"steps\": [\n" +
           steps + "\n  ]\n}\n";
  }

  ActionRegistry registry_ = scenario_action_registry();
};

TEST_F(LoaderTest, LoadsAValidScenarioWithDefaults) {
  auto s = load_scenario_text(
      "// comment\n{\n"
      "  \"format\": \"cmgemu/scenario@1\", \"name\": \"demo\", \"description\": \"d\",\n"
      "  \"seed\": 7, \"start\": \"2026-03-01T10:00:00Z\", \"lab\": {\"site\": {\"code\": "
      "\"P01\"}},\n"
      "  \"faults\": [{\"effect\": \"reset\", \"listener\": \"arm\"}],\n"
      "  \"steps\": [\n"
      "    {\"id\": \"wait\", \"name\": \"Wait\", \"action\": \"clock.advance\", \"args\": "
      "{\"by\": \"5m\"},\n"
      "     \"continue_on_failure\": true},\n"
      "    /* no id, no name */ {\"action\": \"site.sql\", \"args\": {\"query\": \"SELECT 1\"},\n"
      "     \"expect\": {\"output\": {\"/rows\": {\"$exists\": true}}}}\n"
      "  ]\n}\n",
      "demo.json", registry_);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->file, "demo.json");
  EXPECT_EQ(s->name, "demo");
  EXPECT_EQ(s->description, "d");
  EXPECT_EQ(s->seed, 7u);
  EXPECT_EQ(s->start, "2026-03-01T10:00:00Z");
  EXPECT_EQ(s->lab["site"]["code"], "P01");
  ASSERT_EQ(s->faults.size(), 1u);
  ASSERT_EQ(s->steps.size(), 2u);
  EXPECT_EQ(s->steps[0].index, 1);
  EXPECT_EQ(s->steps[0].line, 7);
  EXPECT_EQ(s->steps[0].id, "wait");
  EXPECT_EQ(s->steps[0].name, "Wait");
  EXPECT_EQ(s->steps[0].args["by"], "5m");
  EXPECT_TRUE(s->steps[0].continue_on_failure);
  EXPECT_EQ(s->steps[1].id, "step-2");
  EXPECT_EQ(s->steps[1].name, "site.sql");
  EXPECT_EQ(s->steps[1].line, 9);
  EXPECT_FALSE(s->steps[1].continue_on_failure);
}

TEST_F(LoaderTest, SeedDefaultsToOne) {
  auto s = load_scenario_text(with_steps("    {\"action\": \"fault.clear\"}"), "t.json", registry_);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->start, "");
}

TEST_F(LoaderTest, SyntaxErrorNamesLineAndColumn) {
  EXPECT_EQ(error("{\n  \"format\": \"cmgemu/scenario@1\",\n  \"name\": }\n"),
            "t.json:3:11: syntax error while parsing value - unexpected '}'; expected '[', '{', "
            "or a literal");
}

TEST_F(LoaderTest, SyntaxErrorAfterCommentsCountsTheirLines) {
  EXPECT_EQ(error("/* a\n b */\n// c\n{ \"a\": [1 2] }"),
            "t.json:4:11: syntax error while parsing array - unexpected number literal; "
            "expected ']'");
}

// Found by the scenario_loader_fuzz campaign (tests/fuzz/regressions/scenario_loader_fuzz).
TEST_F(LoaderTest, NumberOverflowIsASyntaxErrorNotAnInternalError) {
  EXPECT_EQ(error("{\"format\": \"cmgemu/scenario@1\", \"seed\": 1e999999}"),
            "t.json: number overflow parsing '1e999999'");
}

TEST_F(LoaderTest, NestingDeeperThan64LevelsIsRefusedWithItsPosition) {
  std::string deep = "{\n  \"lab\": " + std::string(70, '[') + std::string(70, ']') + "}";
  EXPECT_EQ(error(deep), "t.json:2:73: JSON nested deeper than 64 levels");
}

TEST_F(LoaderTest, UnknownTopLevelKey) {
  EXPECT_EQ(error("{\n  \"format\": \"cmgemu/scenario@1\",\n  \"name\": \"t\",\n"
                  "  \"colour\": \"red\",\n  \"steps\": [{\"action\": \"fault.clear\"}]\n}"),
            "t.json:4: colour: unknown top-level key");
}

TEST_F(LoaderTest, UnknownTopLevelKeyGetsASuggestionAndErrorsAreSortedByLine) {
  EXPECT_EQ(error("{\n  \"format\": \"cmgemu/scenario@1\",\n  \"name\": \"t\",\n"
                  "  \"step\": []\n}"),
            "t.json:1: steps: missing\n"
            "t.json:4: step: unknown top-level key; did you mean 'steps'?");
}

TEST_F(LoaderTest, UnknownStepKey) {
  EXPECT_EQ(error(with_steps("    {\"id\": \"a\", \"action\": \"fault.clear\",\n"
                             "     \"expext\": {}}")),
            "t.json:6: step 1 (\"a\"): expext: unknown step key; did you mean 'expect'?");
}

TEST_F(LoaderTest, MisspeltActionGetsASuggestion) {
  EXPECT_EQ(error(with_steps(
                "    {\"id\": \"a\", \"action\": \"clock.advance\", \"args\": {\"by\": \"1s\"}},\n"
                "    {\"id\": \"b\", \"action\": \"fault.clear\"},\n"
                "    {\"id\": \"register\",\n"
                "     \"action\": \"arm.provider.register\",\n"
                "     \"args\": {\"namespaces\": []}}")),
            "t.json:8: step 3 (\"register\"): action: unknown action 'arm.provider.register'; "
            "did you mean 'arm.providers.register'?");
}

TEST_F(LoaderTest, UnknownActionWithoutNearName) {
  EXPECT_EQ(error(with_steps("    {\"id\": \"a\", \"action\": \"teleport\"}")),
            "t.json:5: step 1 (\"a\"): action: unknown action 'teleport'");
}

TEST_F(LoaderTest, MissingAction) {
  EXPECT_EQ(error(with_steps("    {\"action\": \"fault.clear\"},\n"
                             "    {\n      \"id\": \"second\"\n    }")),
            "t.json:6: step 2 (\"second\"): action: missing");
}

TEST_F(LoaderTest, WrongTypes) {
  EXPECT_EQ(error(with_steps("    {\"id\": \"a\", \"action\": 5,\n"
                             "     \"continue_on_failure\": \"yes\"}")),
            "t.json:5: step 1 (\"a\"): action: must be a string\n"
            "t.json:6: step 1 (\"a\"): continue_on_failure: must be true or false");
  EXPECT_EQ(error("{\"format\": \"cmgemu/scenario@1\", \"name\": \"t\", \"seed\": -3,\n"
                  " \"steps\": [{\"action\": \"fault.clear\", \"args\": [1]}]}"),
            "t.json:1: seed: must be a non-negative integer\n"
            "t.json:2: step 1 (\"step-1\"): args: must be an object");
}

TEST_F(LoaderTest, DuplicateStepId) {
  EXPECT_EQ(error(with_steps("    {\"id\": \"a\", \"action\": \"fault.clear\"},\n"
                             "    {\"id\": \"b\", \"action\": \"fault.clear\"},\n"
                             "    {\"id\": \"a\", \"action\": \"fault.clear\"}")),
            "t.json:7: step 3 (\"a\"): id: duplicate step id 'a' (first used by step 1)");
}

TEST_F(LoaderTest, BadStepId) {
  EXPECT_EQ(error(with_steps("    {\"id\": \"has space\", \"action\": \"fault.clear\"}")),
            "t.json:5: step 1 (\"has space\"): id: must be a string of letters, digits, '-' and "
            "'_' (at most 64)");
}

TEST_F(LoaderTest, BadFaultRule) {
  EXPECT_EQ(error("{\"format\": \"cmgemu/scenario@1\", \"name\": \"t\",\n"
                  " \"faults\": [\n"
                  "   {\"effect\": \"reset\"},\n"
                  "   {\"effect\": \"explode\"}\n"
                  " ],\n"
                  " \"steps\": [{\"action\": \"fault.clear\"}]}"),
            "t.json:4: faults: rule 2: fault rule key 'effect' must be one of \"status\", "
            "\"throttle\", \"delay\", \"reset\"");
}

TEST_F(LoaderTest, BadFaultRuleInFaultAddArgs) {
  EXPECT_EQ(error(with_steps("    {\"id\": \"f\", \"action\": \"fault.add\",\n"
                             "     \"args\": {\"effect\": \"status\", \"delay\": \"1s\"}}")),
            "t.json:6: step 1 (\"f\"): args: fault rule key 'delay' does not apply to effect "
            "\"status\"");
}

TEST_F(LoaderTest, MissingRequiredArg) {
  EXPECT_EQ(error(with_steps("    {\"id\": \"providers\", \"action\": \"arm.providers.register\",\n"
                             "     \"args\": {}}")),
            "t.json:6: step 1 (\"providers\"): args: missing required argument 'namespaces' of "
            "action 'arm.providers.register'");
  EXPECT_EQ(error(with_steps("    {\"id\": \"p\", \"action\": \"arm.providers.register\"}")),
            "t.json:5: step 1 (\"p\"): args: missing required argument 'namespaces' of action "
            "'arm.providers.register'");
}

TEST_F(LoaderTest, UnknownArgGetsASuggestion) {
  EXPECT_EQ(error(with_steps("    {\"id\": \"h\", \"action\": \"http\",\n"
                             "     \"args\": {\"endpoint\": \"admin\",\n"
                             "              \"methd\": \"GET\"}}")),
            "t.json:7: step 1 (\"h\"): args: unknown argument 'methd' of action 'http'; did you "
            "mean 'method'?");
}

TEST_F(LoaderTest, ArgsValidatorRunsAtLoad) {
  EXPECT_EQ(
      error(with_steps(
          "    {\"id\": \"w\", \"action\": \"clock.advance\", \"args\": {\"by\": \"soon\"}}")),
      "t.json:5: step 1 (\"w\"): args: by: not a duration: 'soon' (use ISO 8601 like PT12M, "
      "or 90s, 12m, 2h, 3d, 250ms)");
}

TEST_F(LoaderTest, BadStartTime) {
  EXPECT_EQ(error("{\"format\": \"cmgemu/scenario@1\", \"name\": \"t\",\n"
                  " \"start\": \"yesterday\",\n"
                  " \"steps\": [{\"action\": \"fault.clear\"}]}"),
            "t.json:2: start: not an ISO 8601 UTC time: 'yesterday'");
}

TEST_F(LoaderTest, FormatAndNameAreRequired) {
  EXPECT_EQ(error("{\"steps\": [{\"action\": \"fault.clear\"}]}"),
            "t.json:1: format: missing (expected \"cmgemu/scenario@1\")\n"
            "t.json:1: name: missing");
  EXPECT_EQ(error("{\"format\": \"cmgemu/scenario@2\", \"name\": \"t\", \"steps\": "
                  "[{\"action\": \"fault.clear\"}]}"),
            "t.json:1: format: unsupported format \"cmgemu/scenario@2\" (expected "
            "\"cmgemu/scenario@1\")");
}

TEST_F(LoaderTest, RootMustBeAnObjectAndStepsNonEmpty) {
  EXPECT_EQ(error("[1]"), "t.json:1: scenario: must be a JSON object");
  EXPECT_EQ(error("{\"format\": \"cmgemu/scenario@1\", \"name\": \"t\",\n \"steps\": []}"),
            "t.json:2: steps: must be a non-empty array of steps");
}

TEST_F(LoaderTest, DuplicateKeysAreErrors) {
  EXPECT_EQ(error(with_steps("    {\"id\": \"a\", \"action\": \"fault.clear\",\n"
                             "     \"id\": \"b\"}")),
            "t.json:6: step 1 (\"b\"): id: duplicate key");
}

TEST_F(LoaderTest, ReferencesMustNameEarlierStepsOrExistingLabValues) {
  EXPECT_EQ(
      error(with_steps("    {\"id\": \"a\", \"action\": \"site.sql\",\n"
                       "     \"args\": {\"query\": \"${steps.b.sql}\"}},\n"
                       "    {\"id\": \"b\", \"action\": \"site.sql\",\n"
                       "     \"args\": {\"query\": \"x ${lab.site.code} ${steps.a.rows}\"}},\n"
                       "    {\"id\": \"c\", \"action\": \"site.sql\",\n"
                       "     \"args\": {\"query\": \"${lab.nothing}\"}}")),
      "t.json:6: step 1 (\"a\"): args: reference ${steps.b.sql} names no earlier step 'b'\n"
      "t.json:8: step 2 (\"b\"): args: unresolved reference ${lab.site.code}: lab has no "
      "'site'\n"
      "t.json:10: step 3 (\"c\"): args: unresolved reference ${lab.nothing}: lab has no "
      "'nothing'");
}

TEST_F(LoaderTest, MalformedReference) {
  EXPECT_EQ(error(with_steps("    {\"id\": \"a\", \"action\": \"site.sql\",\n"
                             "     \"args\": {\"query\": \"${env.HOME}\"}}")),
            "t.json:6: step 1 (\"a\"): args: reference '${env.HOME}' must start with 'steps.' or "
            "'lab.'");
}

TEST_F(LoaderTest, BadExpectations) {
  EXPECT_EQ(error(with_steps("    {\"id\": \"a\", \"action\": \"fault.clear\",\n"
                             "     \"expect\": {\"json\": {\n"
                             "       \"status\": 1}}}")),
            "t.json:7: step 1 (\"a\"): expect: json: 'status' is not a JSON pointer (start it "
            "with '/')");
  EXPECT_EQ(error(with_steps("    {\"id\": \"a\", \"action\": \"fault.clear\",\n"
                             "     \"expect\": {\"statuz\": 200}}")),
            "t.json:6: step 1 (\"a\"): expect: unknown section 'statuz' (use status, json, "
            "headers, output, failure)");
}

TEST_F(LoaderTest, FileErrors) {
  auto missing = load_scenario_file("/nonexistent/dir/x.json", registry_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "cannot read scenario '/nonexistent/dir/x.json'");

  test::TempDir dir;
  ASSERT_TRUE(test::write_file(dir.file("s.json"),
                               with_steps("    {\"id\": \"a\", \"action\": \"clok.advance\"}")));
  auto bad = load_scenario_file(dir.file("s.json"), registry_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            dir.file("s.json") +
                ":5: step 1 (\"a\"): action: unknown action 'clok.advance'; did you mean "
                "'clock.advance'?");
}

}  // namespace
}  // namespace emu::harness
