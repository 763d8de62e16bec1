#include "emulator/cmg/proxy_url.h"

#include <gtest/gtest.h>

namespace emu::cmg {
namespace {

TEST(ProxyUrlTest, ParsesARoleUrlWithVdirRestAndQuery) {
  // The getauth call forwarded through the CMG (support
  // cmg-communication-error).
  ProxyUrl u =
      parse_proxy_url("/CCM_PROXY_MUTUALAUTH/72057594037927939/SMS_MP/.sms_aut", "SITESIGNCERT");
  EXPECT_EQ(u.prefix, ProxyPrefix::kMutualAuth);
  EXPECT_EQ(u.target, ProxyTarget::kRole);
  EXPECT_EQ(u.role_id, 72057594037927939LL);
  EXPECT_EQ(u.role_id_text, "72057594037927939");
  EXPECT_EQ(u.vdir, "SMS_MP");
  EXPECT_EQ(u.internal_path, "/SMS_MP/.sms_aut?SITESIGNCERT");
  EXPECT_EQ(u.external_prefix, "/CCM_PROXY_MUTUALAUTH/72057594037927939/SMS_MP");
}

TEST(ProxyUrlTest, ServerAuthTokenPathKeepsTheClientsSpelling) {
  // memdocs azure-ccmsetup.md: Path=/CCM_Proxy_ServerAuth/<id>/ccm_system_tokenauth/request
  ProxyUrl u =
      parse_proxy_url("/CCM_Proxy_ServerAuth/72057594037927939/ccm_system_tokenauth/request", "");
  EXPECT_EQ(u.prefix, ProxyPrefix::kServerAuth);
  EXPECT_EQ(u.vdir, "ccm_system_tokenauth");
  EXPECT_EQ(u.internal_path, "/ccm_system_tokenauth/request");
  ProxyUrl sts = parse_proxy_url("/CCM_Proxy_ServerAuth/72057594037927939/CCM_STS", "");
  EXPECT_EQ(sts.internal_path, "/CCM_STS");
}

TEST(ProxyUrlTest, SpecialPaths) {
  EXPECT_EQ(parse_proxy_url("/CCM_Proxy_MutualAuth/ServiceMetadata", "").target,
            ProxyTarget::kServiceMetadata);
  EXPECT_EQ(parse_proxy_url("/ccm_proxy_serverauth/servicemetadata", "").target,
            ProxyTarget::kServiceMetadata);
  EXPECT_EQ(parse_proxy_url("/CCM_Proxy_ServerAuth/AADAuthInfo", "TenantID=x").target,
            ProxyTarget::kAadAuthInfo);
  // AADAuthInfo exists on the ServerAuth prefix only (memdocs azure-ccmsetup.md,
  // emulator/cmg/README.md [S8]).
  EXPECT_EQ(parse_proxy_url("/CCM_Proxy_MutualAuth/AADAuthInfo", "").target, ProxyTarget::kUnknown);
}

TEST(ProxyUrlTest, RefusesWhatIsNotARoleUrl) {
  EXPECT_EQ(parse_proxy_url("/SMS_MP/.sms_aut", "MPLIST").prefix, ProxyPrefix::kNone);
  EXPECT_EQ(parse_proxy_url("/CCM_Proxy_MutualAuth/", "").target, ProxyTarget::kUnknown);
  EXPECT_EQ(parse_proxy_url("/CCM_Proxy_MutualAuth/72057594037927939", "").target,
            ProxyTarget::kUnknown);  // no vdir
  EXPECT_EQ(parse_proxy_url("/CCM_Proxy_MutualAuth/-3/SMS_MP", "").target, ProxyTarget::kUnknown);
  EXPECT_EQ(parse_proxy_url("/CCM_Proxy_MutualAuth/0x0100/SMS_MP", "").target,
            ProxyTarget::kUnknown);
  EXPECT_EQ(parse_proxy_url("/CCM_Proxy_MutualAuth/99999999999999999999999/SMS_MP", "").target,
            ProxyTarget::kUnknown);  // out of range
}

TEST(ProxyUrlTest, FindsTheMappingByRoleIdAndPublishedVdir) {
  Publication p;
  Mapping mp;
  mp.role_id = 72057594037927939LL;
  mp.server = "cm01.contoso.com";
  mp.vdirs = {"CCM_System_TokenAuth", "SMS_MP", "CCM_STS"};
  p.mappings.push_back(mp);
  auto found = [&](const char* path) {
    return find_mapping(p, parse_proxy_url(path, "")) != nullptr;
  };
  EXPECT_TRUE(found("/CCM_Proxy_ServerAuth/72057594037927939/ccm_system_tokenauth/request"));
  EXPECT_TRUE(found("/CCM_Proxy_ServerAuth/72057594037927939/sms_mp/.sms_aut"));
  EXPECT_FALSE(found("/CCM_Proxy_ServerAuth/72057594037927940/SMS_MP/.sms_aut"));  // other role
  EXPECT_FALSE(found("/CCM_Proxy_ServerAuth/72057594037927939/CCM_Incoming/x"));   // not published
  EXPECT_FALSE(found("/CCM_Proxy_ServerAuth/ServiceMetadata"));
  EXPECT_EQ(published_vdir(mp, "ccm_sts"), "CCM_STS");
}

}  // namespace
}  // namespace emu::cmg
