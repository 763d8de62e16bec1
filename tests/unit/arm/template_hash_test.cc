// uniqueString() against values published from real Azure/Bicep deployments.
#include "emulator/arm/templates/template.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace emu::arm {
namespace {

struct Known {
  std::vector<std::string> args;
  const char* expected;
};

TEST(UniqueString, MatchesPublishedAzureValues) {
  const Known kKnown[] = {
      // github.com/JasonWhall/go-azure-uniquestring README.
      {{"hello", "world"}, "a7wkljktk6wne"},
      // Outputs of real deployments quoted in KingslandConsulting/Kingsland.ArmLinter
      // (ArmFunctions_UniqueString.cs).
      {{"aaa"}, "zavj67f3en4hc"},
      {{"bbb"}, "w5eragfxe33cy"},
      {{"zzz"}, "cryksdzzzawae"},
      {{"xxx", "yyy", "zzz"}, "lghi7k5js7itq"},
      // Stack Overflow 43295720 (value from Azure.Deployments.Expression).
      {{"tyeth"}, "zcztcwvu6iyg6"},
      // uniquestring.sh self-test, "verified against Bicep uniqueString() output".
      {{"test"}, "rbgf3xv4ufgzg"},
      {{"abc"}, "cgtzqvhu4i23s"},
      {{"foo", "bar", "baz"}, "xzi4ioaxtmth4"},
      {{"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg"},
       "bmg7c6xu4tw46"},
  };
  for (const Known& k : kKnown) EXPECT_EQ(unique_string(k.args), k.expected) << k.args[0];
}

TEST(UniqueString, ShapeAndSensitivity) {
  std::string s = unique_string({""});
  EXPECT_EQ(s.size(), 13U);
  EXPECT_EQ(s.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"), std::string::npos);
  EXPECT_NE(unique_string({"ABC"}), unique_string({"abc"}));     // case-sensitive
  EXPECT_EQ(unique_string({"a", "b"}), unique_string({"a-b"}));  // arguments joined with '-'
  // Every tail length of the 8-byte block loop.
  for (int n = 0; n < 17; ++n) EXPECT_EQ(unique_string({std::string(n, 'q')}).size(), 13U);
}

}  // namespace
}  // namespace emu::arm
