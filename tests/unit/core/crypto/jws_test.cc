#include "emulator/core/crypto/jws.h"

#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"
#include "tests/unit/core/crypto/fixtures.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

namespace emu::crypto {
namespace {

std::string b64_decode(const std::string& b64) {
  std::string out(b64.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  size_t pad = b64.size() - b64.find_last_not_of('=') - 1;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

class Rs256Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = parse_key_pem(testing::kKeyPem);
    auto cert = parse_cert_pem(testing::kCertPem);
    ASSERT_TRUE(key.ok() && cert.ok());
    key_ = std::move(key).value();
    cert_ = std::move(cert).value();
  }
  EVP_PKEY* public_key() { return X509_get0_pubkey(cert_.get()); }
  EvpPkeyPtr key_;
  X509Ptr cert_;
};

TEST_F(Rs256Test, SignatureEqualsTheOpensslCliSignature) {
  const std::string expected = b64_decode(testing::kSignatureB64);
  ASSERT_EQ(expected.size(), 256u);
  auto sig = rs256_sign(key_.get(), testing::kSigningInput);
  ASSERT_TRUE(sig.ok()) << sig.status().to_string();
  EXPECT_EQ(base64url_encode(*sig), base64url_encode(expected));
}

TEST_F(Rs256Test, VerifiesTheCliSignatureWithTheCertificateKeyOnly) {
  const std::string sig = b64_decode(testing::kSignatureB64);
  EXPECT_TRUE(rs256_verify(public_key(), testing::kSigningInput, sig));
  EXPECT_TRUE(rs256_verify(key_.get(), testing::kSigningInput, sig));
  EXPECT_FALSE(rs256_verify(public_key(), testing::kSigningInput + "x", sig));
  std::string flipped = sig;
  flipped[10] = static_cast<char>(flipped[10] ^ 1);
  EXPECT_FALSE(rs256_verify(public_key(), testing::kSigningInput, flipped));
  EXPECT_FALSE(rs256_verify(public_key(), testing::kSigningInput, ""));
  EXPECT_FALSE(ps256_verify(public_key(), testing::kSigningInput, sig));  // other padding
  EXPECT_FALSE(rs256_verify(nullptr, testing::kSigningInput, sig));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(Rs256Test, RoundTripAndOtherKeysAreRefused) {
  auto sig = rs256_sign(key_.get(), "payload");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(rs256_verify(public_key(), "payload", *sig));
  EvpPkeyPtr other(EVP_RSA_gen(2048));
  ASSERT_TRUE(other);
  EXPECT_FALSE(rs256_verify(other.get(), "payload", *sig));
  EvpPkeyPtr ec(EVP_EC_gen("P-256"));
  ASSERT_TRUE(ec);
  EXPECT_FALSE(rs256_verify(ec.get(), "payload", *sig));
  EXPECT_EQ(rs256_sign(ec.get(), "payload").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(Rs256Test, Ps256VerifiesAPssSignature) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  ASSERT_EQ(EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key_.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST), 1);
  std::string sig(256, '\0');
  size_t len = sig.size();
  const std::string input = "pss input";
  ASSERT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  sig.resize(len);
  EXPECT_TRUE(ps256_verify(public_key(), input, sig));
  EXPECT_FALSE(rs256_verify(public_key(), input, sig));
  EXPECT_FALSE(ps256_verify(public_key(), input + "x", sig));
}

}  // namespace
}  // namespace emu::crypto
