// The authorize form's MFA outcome: a user with mfa_required signs in interactively (MFA counts
// as done) unless the form POST carries mfa=not_completed, which redirects AADSTS50076.
#include "tests/unit/aad/token_test_fixture.h"

namespace emu::aad::testing {
namespace {

using ::testing::StartsWith;

class AuthorizeMfaTest : public TokenServiceFixture {
 protected:
  void SetUp() override {
    TokenServiceFixture::SetUp();
    User u = user_;
    u.mfa_required = true;
    ASSERT_TRUE(dir_->update_user(u).ok());
  }

  // The authorize POST of the Azure CLI for a Graph token, plus `extra` form fields.
  http::Response sign_in(const Fields& extra) {
    Fields form = {{"client_id", kAzureCliAppId},
                   {"response_type", "code"},
                   {"redirect_uri", "http://localhost:5123"},
                   {"scope", "https://graph.microsoft.com/.default openid"},
                   {"state", "st"},
                   {"username", user_.upn},
                   {"password", kPassword}};
    form.insert(form.end(), extra.begin(), extra.end());
    return post("/organizations/oauth2/v2.0/authorize", form);
  }

  static std::string location_param(const http::Response& r, const std::string& name) {
    std::string loc = r.headers.get_or("Location", "");
    size_t q = loc.find('?');
    if (q == std::string::npos) return "";
    for (const auto& [k, v] : http::parse_form(loc.substr(q + 1)))
      if (k == name) return v;
    return "";
  }
};

TEST_F(AuthorizeMfaTest, InteractiveSignInCountsAsMfaDone) {
  auto r = sign_in({});
  ASSERT_EQ(r.status, 302) << r.body;
  EXPECT_THAT(location_param(r, "code"), StartsWith("0.A"));
  EXPECT_EQ(location_param(r, "error"), "");
}

TEST_F(AuthorizeMfaTest, MfaNotCompletedRedirectsAadsts50076) {
  auto r = sign_in({{"mfa", "not_completed"}});
  ASSERT_EQ(r.status, 302) << r.body;
  EXPECT_EQ(location_param(r, "code"), "");
  EXPECT_EQ(location_param(r, "error"), "interaction_required");
  EXPECT_THAT(location_param(r, "error_description"),
              StartsWith("AADSTS50076: Due to a configuration change made by your administrator"));
  EXPECT_EQ(location_param(r, "state"), "st");
}

TEST_F(AuthorizeMfaTest, MfaFieldIsIgnoredForUsersWithoutMfa) {
  User u = user_;
  u.mfa_required = false;
  ASSERT_TRUE(dir_->update_user(u).ok());
  auto r = sign_in({{"mfa", "not_completed"}});
  ASSERT_EQ(r.status, 302) << r.body;
  EXPECT_THAT(location_param(r, "code"), StartsWith("0.A"));
}

}  // namespace
}  // namespace emu::aad::testing
