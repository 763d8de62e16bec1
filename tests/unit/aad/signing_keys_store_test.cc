// Signing keys over time: generation into the PKI folder (once, under a lock), reuse of the
// folder's keys by a fresh database, persistence of rolled and removed keys.
#include "emulator/aad/keys/signing_keys.h"
#include "tests/testlib/temp_dir.h"
#include "tests/unit/aad/signing_keys_test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <sys/stat.h>
#include <thread>

namespace emu::aad {
namespace {

using ::testing::ElementsAre;
using testing::open_test_keys;
using testing::shared_key_dir;

const TimePoint kStart = parse_iso8601("2026-03-01T12:00:00Z").value();

std::vector<std::string> kids_of(const SigningKeySet& keys) {
  std::vector<std::string> out;
  for (const SigningKeyInfo& k : keys.keys()) out.push_back(k.kid);
  return out;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 0777) : 0;
}

std::vector<std::string> file_names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class SigningKeysStoreTest : public ::testing::Test {
 protected:
  // A file database in the test's folder, with the signing_keys table.
  std::unique_ptr<store::Database> file_db(const std::string& name, bool create_table) {
    auto db = store::Database::open(dir_.file(name));
    EXPECT_TRUE(db.ok()) << db.status().to_string();
    if (!db.ok()) return nullptr;
    if (create_table) {
      EXPECT_TRUE((*db)->exec(kSigningKeysDdl).ok());
    }
    return std::move(db).value();
  }
  std::string pki_dir() const { return dir_.file("pki"); }

  VirtualClock clock_{VirtualClock::Mode::kManual, kStart};
  test::TempDir dir_;
};

TEST_F(SigningKeysStoreTest, GeneratesMissingKeysOnceAndAFreshDatabaseReusesThem) {
  testing::TestKeys first = open_test_keys(clock_, 1, pki_dir());
  ASSERT_NE(first.keys, nullptr);
  EXPECT_THAT(file_names(pki_dir()),
              ElementsAre(".aad-keys.lock", "aad-signing-1.crt", "aad-signing-1.key"));
  EXPECT_EQ(mode_of(pki_dir() + "/aad-signing-1.key"), 0600u);
  const std::string key_pem = test::read_file(pki_dir() + "/aad-signing-1.key");
  EXPECT_THAT(key_pem, ::testing::StartsWith("-----BEGIN "
                                             "PRIVATE KEY-----"));

  // Another lab start with an empty database, a day later: same key, same certificate, same kid.
  clock_.advance(std::chrono::hours(24));
  testing::TestKeys second = open_test_keys(clock_, 1, pki_dir());
  ASSERT_NE(second.keys, nullptr);
  EXPECT_EQ(kids_of(*second.keys), kids_of(*first.keys));
  EXPECT_EQ(test::read_file(pki_dir() + "/aad-signing-1.key"), key_pem);
}

TEST_F(SigningKeysStoreTest, ImportsAnExistingKeyFileWithoutItsCertificate) {
  ASSERT_TRUE(std::filesystem::create_directories(pki_dir()));
  std::filesystem::copy_file(shared_key_dir() + "/aad-signing-1.key",
                             pki_dir() + "/aad-signing-1.key");
  testing::TestKeys shared = open_test_keys(clock_, 1);
  testing::TestKeys t = open_test_keys(clock_, 1, pki_dir());
  ASSERT_NE(t.keys, nullptr);
  ASSERT_NE(shared.keys, nullptr);
  // Same key (modulus), certificate made here: a new kid, and the certificate is now saved.
  EXPECT_EQ(t.keys->jwks()["keys"][0]["n"], shared.keys->jwks()["keys"][0]["n"]);
  EXPECT_TRUE(std::filesystem::exists(pki_dir() + "/aad-signing-1.crt"));
  testing::TestKeys again = open_test_keys(clock_, 1, pki_dir());
  ASSERT_NE(again.keys, nullptr);
  EXPECT_EQ(kids_of(*again.keys), kids_of(*t.keys));
}

TEST_F(SigningKeysStoreTest, ConcurrentOpensOnAnEmptyFolderShareOneGeneratedKey) {
  std::vector<std::string> kids(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      testing::TestKeys t = open_test_keys(clock_, 1, pki_dir());
      if (t.keys) kids[i] = t.keys->active_kid();
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_FALSE(kids[0].empty());
  EXPECT_EQ(kids[0], kids[1]);
}

TEST_F(SigningKeysStoreTest, RollActivatesANewKeyAndOldTokensStillVerify) {
  testing::TestKeys t = open_test_keys(clock_, 2);
  ASSERT_NE(t.keys, nullptr);
  const std::vector<std::string> before = kids_of(*t.keys);
  auto old_jwt = parse_jwt(*t.keys->sign({{"n", 1}}));
  ASSERT_TRUE(old_jwt.ok());

  clock_.advance(std::chrono::hours(1));
  auto rolled = t.keys->roll();
  ASSERT_TRUE(rolled.ok()) << rolled.status().to_string();
  EXPECT_EQ(t.keys->active_kid(), *rolled);
  EXPECT_THAT(kids_of(*t.keys), ElementsAre(before[0], before[1], *rolled));
  auto infos = t.keys->keys();
  EXPECT_FALSE(infos[0].active);
  EXPECT_TRUE(infos[2].active);
  EXPECT_EQ(infos[2].created, kStart + std::chrono::hours(1));
  EXPECT_EQ(t.keys->jwks()["keys"][2]["kid"], *rolled);

  EXPECT_TRUE(t.keys->verify(before[0], old_jwt->signing_input, old_jwt->signature).ok());
  auto new_jwt = parse_jwt(*t.keys->sign({{"n", 2}}));
  ASSERT_TRUE(new_jwt.ok());
  EXPECT_EQ(new_jwt->header["kid"], *rolled);
  EXPECT_TRUE(t.keys->verify(*rolled, new_jwt->signing_input, new_jwt->signature).ok());

  // Removing the old key unpublishes it; the active key cannot be removed.
  ASSERT_TRUE(t.keys->remove(before[0]).ok());
  Status gone = t.keys->verify(before[0], old_jwt->signing_input, old_jwt->signature);
  EXPECT_EQ(gone.code(), StatusCode::kNotFound);
  EXPECT_THAT(kids_of(*t.keys), ElementsAre(before[1], *rolled));
  Status active = t.keys->remove(*rolled);
  EXPECT_EQ(active.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(active.message(), "signing key '" + *rolled +
                                  "' is the active key; roll to a new key before removing it");
  Status unknown = t.keys->remove(before[0]);
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.message(), "no signing key with kid '" + before[0] + "'");
}

TEST_F(SigningKeysStoreTest, ReopeningTheDatabaseKeepsRolledAndRemovedKeys) {
  std::vector<std::string> kids;
  {
    std::unique_ptr<store::Database> db = file_db("aad.db", true);
    ASSERT_NE(db, nullptr);
    auto keys = SigningKeySet::open(*db, shared_key_dir(), 2, clock_);
    ASSERT_TRUE(keys.ok()) << keys.status().to_string();
    auto rolled = (*keys)->roll();
    ASSERT_TRUE(rolled.ok()) << rolled.status().to_string();
    ASSERT_TRUE((*keys)->remove((*keys)->keys()[0].kid).ok());
    kids = kids_of(**keys);
  }
  std::unique_ptr<store::Database> db = file_db("aad.db", false);
  ASSERT_NE(db, nullptr);
  // The folder is not consulted again: an empty pki dir name would be refused otherwise.
  auto keys = SigningKeySet::open(*db, "", 2, clock_);
  ASSERT_TRUE(keys.ok()) << keys.status().to_string();
  EXPECT_EQ(kids_of(**keys), kids);
  EXPECT_EQ((*keys)->active_kid(), kids.back());
  auto jwt = parse_jwt(*(*keys)->sign({{"n", 1}}));
  ASSERT_TRUE(jwt.ok());
  EXPECT_TRUE((*keys)->verify(kids.back(), jwt->signing_input, jwt->signature).ok());
}

TEST_F(SigningKeysStoreTest, OpenRefusesATableWithoutAnActiveKey) {
  std::unique_ptr<store::Database> db = file_db("aad.db", true);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(SigningKeySet::open(*db, shared_key_dir(), 1, clock_).ok());
  ASSERT_TRUE(db->exec("UPDATE signing_keys SET active = 0").ok());
  auto keys = SigningKeySet::open(*db, shared_key_dir(), 1, clock_);
  EXPECT_EQ(keys.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(keys.status().message(), "no active signing key in the db");
}

TEST_F(SigningKeysStoreTest, SigningFromManyThreadsWhileRollingStaysValid) {
  testing::TestKeys t = open_test_keys(clock_, 2);
  ASSERT_NE(t.keys, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 10; ++n) {
        auto token = t.keys->sign({{"i", i}, {"n", n}});
        auto jwt = token.ok() ? parse_jwt(*token) : Result<ParsedJwt>(token.status());
        if (!jwt.ok() ||
            !t.keys
                 ->verify(jwt->header["kid"].get<std::string>(), jwt->signing_input, jwt->signature)
                 .ok()) {
          ++bad;
        }
      }
    });
  }
  auto rolled = t.keys->roll();
  for (std::thread& th : threads) th.join();
  ASSERT_TRUE(rolled.ok()) << rolled.status().to_string();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace emu::aad
