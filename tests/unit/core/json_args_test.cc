// Strict JSON argument reading: unknown keys with typo hints, typed members, JSON paths.
#include "emulator/core/json_args.h"

#include <gtest/gtest.h>

namespace emu {
namespace {

using nlohmann::json;

TEST(JsonArgs, UnknownKeyNamesPathAndNearestKnownKey) {
  const std::vector<std::string> known = {"name", "location", "tags"};
  EXPECT_TRUE(check_json_keys(json{{"name", "rg"}, {"tags", {}}}, "lab.group", known).ok());
  Status s = check_json_keys(json{{"nmae", "rg"}}, "lab.group", known);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "lab.group.nmae: unknown key; did you mean 'name'?");
  EXPECT_EQ(check_json_keys(json{{"zzzzzz", 1}}, "", known).message(), "zzzzzz: unknown key");
  EXPECT_EQ(check_json_keys(json::array(), "lab.group", known).message(),
            "lab.group: must be an object");
}

TEST(JsonArgs, DidYouMeanIsEmptyWithoutALikelyTypo) {
  const std::vector<std::string> known = {"create", "delete"};
  EXPECT_EQ(did_you_mean("craete", known), "; did you mean 'create'?");
  EXPECT_EQ(did_you_mean("zzzzzz", known), "");
  EXPECT_EQ(unknown_key_message("delet", known), "unknown key; did you mean 'delete'?");
}

TEST(JsonArgs, TypedMembers) {
  const json obj = {{"s", "x"}, {"b", true}, {"i", 7}, {"n", nullptr}, {"f", 1.5}};
  EXPECT_EQ(required_json_string(obj, "s", "args").value(), "x");
  EXPECT_FALSE(optional_json_string(obj, "missing", "args").value().has_value());
  EXPECT_FALSE(optional_json_string(obj, "n", "args").value().has_value());  // null = absent
  EXPECT_EQ(required_json_string(obj, "missing", "args").status().message(),
            "args.missing: required");
  EXPECT_EQ(optional_json_string(obj, "b", "args").status().message(), "args.b: must be a string");
  EXPECT_EQ(optional_json_bool(obj, "b", "args").value(), std::optional<bool>(true));
  EXPECT_EQ(optional_json_bool(obj, "s", "").status().message(), "s: must be true or false");
  EXPECT_EQ(optional_json_int(obj, "i", "args").value(), std::optional<int64_t>(7));
  EXPECT_EQ(optional_json_int(obj, "f", "args").status().message(), "args.f: must be an integer");
}

TEST(JsonArgs, Paths) {
  EXPECT_EQ(json_key_path("lab.tenant", "users"), "lab.tenant.users");
  EXPECT_EQ(json_index_path(json_key_path("lab.tenant", "users"), 1), "lab.tenant.users[1]");
}

}  // namespace
}  // namespace emu
