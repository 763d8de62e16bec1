// CCM_Client files and byte ranges (emulator/mp/client_files).
#include "emulator/mp/client_files/client_files.h"

#include "emulator/core/crypto/digest.h"
#include "tests/unit/mp/mp_fixture.h"

#include <gmock/gmock.h>

namespace emu::mp {
namespace {

TEST(ClientFilesTest, DeterministicWithManifestHashes) {
  const auto a = build_client_files("5.00.9078.1000");
  const auto b = build_client_files("5.00.9078.1000");
  ASSERT_EQ(a.size(), b.size());
  ASSERT_GE(a.size(), 4u);
  const ClientFile& manifest = a.back();
  EXPECT_EQ(manifest.path, "ccmsetup.xml");
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].bytes, b[i].bytes);
    EXPECT_EQ(a[i].sha256, crypto::upper_hex(crypto::sha256(a[i].bytes).value()));
    if (i + 1 < a.size()) {
      EXPECT_GE(a[i].bytes.size(), 64u * 1024) << a[i].path;
      EXPECT_THAT(manifest.bytes,
                  ::testing::HasSubstr("Name=\"" + a[i].path + "\" Size=\"" +
                                       std::to_string(a[i].bytes.size()) +
                                       "\" HashAlgorithm=\"SHA256\" Hash=\"" + a[i].sha256 + "\""));
    }
  }
  EXPECT_EQ(a[1].bytes.substr(0, 4), "MSCF");  // cabinet signature
  EXPECT_NE(build_client_files("5.00.9088.1000")[2].sha256, a[2].sha256);
}

TEST(ClientFilesTest, ParseRange) {
  ByteRange r;
  EXPECT_EQ(parse_range("bytes=0-99", 1000, &r), RangeResult::kRange);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 99u);
  EXPECT_EQ(parse_range("bytes=900-", 1000, &r), RangeResult::kRange);
  EXPECT_EQ(r.first, 900u);
  EXPECT_EQ(r.last, 999u);
  EXPECT_EQ(parse_range("bytes=-100", 1000, &r), RangeResult::kRange);
  EXPECT_EQ(r.first, 900u);
  EXPECT_EQ(parse_range("bytes=990-2000", 1000, &r), RangeResult::kRange);
  EXPECT_EQ(r.last, 999u);
  EXPECT_EQ(parse_range("bytes=1000-", 1000, &r), RangeResult::kUnsatisfiable);
  EXPECT_EQ(parse_range("bytes=-0", 1000, &r), RangeResult::kUnsatisfiable);
  EXPECT_EQ(parse_range("", 1000, &r), RangeResult::kNone);
  EXPECT_EQ(parse_range("items=0-1", 1000, &r), RangeResult::kNone);
  EXPECT_EQ(parse_range("bytes=0-1,5-6", 1000, &r), RangeResult::kNone);
  EXPECT_EQ(parse_range("bytes=5-1", 1000, &r), RangeResult::kNone);
  EXPECT_EQ(parse_range("bytes=x-1", 1000, &r), RangeResult::kNone);
  EXPECT_EQ(parse_range("bytes=99999999999999999999-", 1000, &r), RangeResult::kNone);
}

class CcmClientTest : public testing::MpFixture {};

TEST_F(CcmClientTest, ServesFilesWithRangesAndHead) {
  const auto files = build_client_files("5.00.9078.1000");
  const ClientFile& cab = files[1];
  http::Response full = call("GET", "/CCM_Client/ccmsetup.cab");
  ASSERT_EQ(full.status, 200);
  EXPECT_EQ(full.body, cab.bytes);
  EXPECT_EQ(full.headers.get_or("Accept-Ranges", ""), "bytes");

  http::Headers h;
  h.set("Range", "bytes=100-199");
  http::Response part = call("GET", "/ccm_client/CCMSETUP.CAB", "", h);
  ASSERT_EQ(part.status, 206);
  EXPECT_EQ(part.body, cab.bytes.substr(100, 100));
  EXPECT_EQ(part.headers.get_or("Content-Range", ""),
            "bytes 100-199/" + std::to_string(cab.bytes.size()));

  h.set("Range", "bytes=" + std::to_string(cab.bytes.size()) + "-");
  http::Response bad = call("GET", "/CCM_Client/ccmsetup.cab", "", h);
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad.headers.get_or("Content-Range", ""), "bytes */" + std::to_string(cab.bytes.size()));

  http::Response head = call("HEAD", "/CCM_Client/x64/client.msi");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.headers.get_or("Content-Length", ""), std::to_string(files[3].bytes.size()));

  http::Response manifest = call("GET", "/CCM_Client/ccmsetup.xml");
  EXPECT_EQ(manifest.status, 200);
  EXPECT_THAT(manifest.body, ::testing::HasSubstr(cab.sha256));
  EXPECT_EQ(call("GET", "/CCM_Client/nope.exe").status, 404);
  EXPECT_EQ(call("DELETE", "/CCM_Client/ccmsetup.cab").status, 405);
}

}  // namespace
}  // namespace emu::mp
