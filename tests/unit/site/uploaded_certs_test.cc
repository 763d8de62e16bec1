// The Create CMG wizard's uploaded certificates: kept in memory, and for a persistent lab in
// the state folder (the key owner-only) so that a resumed lab finds them; reset removes them.
#include "emulator/site/cloud_manager/uploaded_certs.h"

#include "tests/testlib/temp_dir.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace emu::site {
namespace {

// Placeholders, not key material: the store keeps text as it is given.
const UploadedCertificate kCert{"chain text\n", "key text\n"};

TEST(UploadedCertificatesTest, InMemoryOnlyWithoutAStateFolder) {
  UploadedCertificates uploads("");
  EXPECT_FALSE(uploads.get("cmg.contoso.com").has_value());
  ASSERT_TRUE(uploads.put("CMG.contoso.com", kCert).ok());
  auto got = uploads.get("cmg.CONTOSO.com");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->chain_pem, kCert.chain_pem);
  EXPECT_EQ(got->key_pem, kCert.key_pem);
  uploads.clear();
  EXPECT_FALSE(uploads.get("cmg.contoso.com").has_value());
}

TEST(UploadedCertificatesTest, APersistentLabFindsThemAgainAndResetRemovesThem) {
  test::TempDir dir;
  {
    UploadedCertificates uploads(dir.path());
    ASSERT_TRUE(uploads.put("cmg.contoso.com", kCert).ok());
  }
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("cmg-upload-cmg.contoso.com.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  UploadedCertificates resumed(dir.path());
  auto got = resumed.get("CMG.contoso.com");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->chain_pem, kCert.chain_pem);
  EXPECT_EQ(got->key_pem, kCert.key_pem);
  resumed.clear();
  EXPECT_NE(::stat(dir.file("cmg-upload-cmg.contoso.com.key").c_str(), &st), 0);
  EXPECT_FALSE(UploadedCertificates(dir.path()).get("cmg.contoso.com").has_value());
}

}  // namespace
}  // namespace emu::site
