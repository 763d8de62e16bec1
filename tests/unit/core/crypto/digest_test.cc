#include "emulator/core/crypto/digest.h"

#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"
#include "tests/unit/core/crypto/fixtures.h"

#include <gtest/gtest.h>

namespace emu::crypto {
namespace {

TEST(Digest, KnownVectors) {
  // FIPS 180-2 examples ("abc").
  EXPECT_EQ(upper_hex(sha1("abc").value()), "A9993E364706816ABA3E25717850C26C9CD0D89D");
  EXPECT_EQ(upper_hex(sha256("abc").value()),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  EXPECT_EQ(sha1("").value().size(), 20u);
}

TEST(Digest, UpperHexHasNoSeparators) {
  EXPECT_EQ(upper_hex(std::string("\x00\x0a\xff\x10", 4)), "000AFF10");
  EXPECT_EQ(upper_hex(""), "");
}

TEST(Digest, ThumbprintAndX5tOfDerMatchTheOpensslCli) {
  auto cert = parse_cert_pem(testing::kCertPem);
  ASSERT_TRUE(cert.ok()) << cert.status().to_string();
  std::string der = cert_to_der(cert->get()).value();
  EXPECT_EQ(thumbprint_of_der(der).value(), testing::kThumbprint);
  EXPECT_EQ(x5t_of_der(der).value(), testing::kX5t);
  EXPECT_EQ(x5t_of_der(der).value(), base64url_encode(sha1(der).value()));
}

}  // namespace
}  // namespace emu::crypto
