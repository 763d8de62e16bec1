#include "harness/lib/interpolate.h"

#include <gtest/gtest.h>

namespace emu::harness {
namespace {

using nlohmann::json;

const json kSteps = {
    {"bulk-token", {{"token", "eyJ.abc.def"}, {"lifetime", 4320}}},
    {"mutual-auth-path",
     {{"rows", {{{"MutualAuthPath", "cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939"}}}}}}};
const json kLab = {{"site", {{"code", "P01"}, {"server", "cm01.contoso.com"}}}};

TEST(Interpolate, ReplacesReferencesInsideStrings) {
  json args = {{"command_line",
                "ccmsetup.exe SMSSITECODE=${lab.site.code} "
                "CCMHOSTNAME=\"${steps.mutual-auth-path.rows.0.MutualAuthPath}\" "
                "/regtoken:${steps.bulk-token.token} /lifetime:${steps.bulk-token.lifetime}"},
               {"nested", {{"list", {"${lab.site.server}", 3}}}}};
  auto out = interpolate(args, kSteps, kLab);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)["command_line"],
            "ccmsetup.exe SMSSITECODE=P01 "
            "CCMHOSTNAME=\"cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939\" "
            "/regtoken:eyJ.abc.def /lifetime:4320");
  EXPECT_EQ((*out)["nested"]["list"], json({"cm01.contoso.com", 3}));
}

TEST(Interpolate, AWholeStringReferenceKeepsTheValueType) {
  auto out = interpolate({{"n", "${steps.bulk-token.lifetime}"},
                          {"o", "${steps.bulk-token}"},
                          {"s", "x${steps.bulk-token.lifetime}"}},
                         kSteps, kLab);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)["n"], 4320);
  EXPECT_EQ((*out)["o"], kSteps["bulk-token"]);
  EXPECT_EQ((*out)["s"], "x4320");
}

TEST(Interpolate, DollarDollarIsALiteral) {
  auto out = interpolate("cost $${lab.site.code} ${lab.site.code} $5", kSteps, kLab);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "cost ${lab.site.code} P01 $5");
}

TEST(Interpolate, MissingValuesAreNotFound) {
  auto no_step = interpolate("${steps.create-cmg.service_name}", kSteps, kLab);
  ASSERT_FALSE(no_step.ok());
  EXPECT_EQ(no_step.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(no_step.status().message(),
            "unresolved reference ${steps.create-cmg.service_name}: step 'create-cmg' has no "
            "output");
  auto no_key = interpolate("a ${steps.bulk-token.tokn}", kSteps, kLab);
  ASSERT_FALSE(no_key.ok());
  EXPECT_EQ(no_key.status().message(),
            "unresolved reference ${steps.bulk-token.tokn}: steps.bulk-token has no 'tokn'");
  auto bad_index = interpolate("${steps.mutual-auth-path.rows.1}", kSteps, kLab);
  ASSERT_FALSE(bad_index.ok());
  EXPECT_EQ(bad_index.status().message(),
            "unresolved reference ${steps.mutual-auth-path.rows.1}: "
            "steps.mutual-auth-path.rows has no '1'");
}

TEST(Interpolate, SyntaxErrors) {
  auto check = [](const std::string& s, const std::string& message) {
    auto refs = parse_references(s);
    ASSERT_FALSE(refs.ok()) << s;
    EXPECT_EQ(refs.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(refs.status().message(), message);
  };
  check("x ${steps.a", "unterminated reference '${steps.a'");
  check("${steps..a}", "empty name in reference '${steps..a}'");
  check("${}", "empty name in reference '${}'");
  check("${steps}", "reference '${steps}' names no step (${steps.<id>...})");
  check("${env.HOME}", "reference '${env.HOME}' must start with 'steps.' or 'lab.'");
}

TEST(Interpolate, CollectsReferencesFromNestedValues) {
  auto refs = collect_references({{"a", {"${steps.x.y}", 1}}, {"b", "${lab.k} and ${steps.z}"}});
  ASSERT_TRUE(refs.ok());
  ASSERT_EQ(refs->size(), 3u);
  EXPECT_EQ((*refs)[0].text, "${steps.x.y}");
  EXPECT_EQ((*refs)[0].root, "steps");
  EXPECT_EQ((*refs)[0].path, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ((*refs)[1].root, "lab");
  EXPECT_EQ((*refs)[2].path, (std::vector<std::string>{"z"}));
}

TEST(Interpolate, ValuesWithoutReferencesAreUnchanged) {
  json v = {{"a", {1, nullptr, true}}, {"b", "plain $ {text}"}};
  auto out = interpolate(v, kSteps, kLab);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, v);
}

}  // namespace
}  // namespace emu::harness
