// Finding 9 of issue 11: databases hold secrets, so the state folder is 0700 and every database
// file (with its SQLite companions) 0600, whatever the process umask.
#include "emulator/core/store/database.h"
#include "tests/testlib/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>

namespace emu::store {
namespace {

unsigned mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 01000;  // "missing": never a valid mode
  return st.st_mode & 0777;
}

// Sets a permissive umask for the test's lifetime, as a user's shell commonly has.
class PermissiveUmask {
 public:
  PermissiveUmask() : saved_(::umask(022)) {}
  ~PermissiveUmask() { ::umask(saved_); }

 private:
  mode_t saved_;
};

TEST(PrivateFiles, Finding9_StateFolderAndDatabaseFilesAreOwnerOnly) {
  PermissiveUmask umask;
  test::TempDir tmp;
  const std::string dir = tmp.file("state");
  StateDir state(dir);
  auto db = state.open("aad");
  ASSERT_TRUE(db.ok()) << db.status().to_string();
  ASSERT_TRUE((*db)->exec("CREATE TABLE k(v); INSERT INTO k VALUES ('private key')").ok());
  EXPECT_EQ(mode_of(dir), 0700u);
  EXPECT_EQ(mode_of(dir + "/aad.db"), 0600u);
  // WAL mode: the companions exist while the connection is open.
  ASSERT_TRUE(std::filesystem::exists(dir + "/aad.db-wal"));
  EXPECT_EQ(mode_of(dir + "/aad.db-wal"), 0600u);
  EXPECT_EQ(mode_of(dir + "/aad.db-shm"), 0600u);
}

TEST(PrivateFiles, Finding9_ExistingFilesAreTightenedOnOpen) {
  PermissiveUmask umask;
  test::TempDir tmp;
  const std::string dir = tmp.file("state");
  std::filesystem::create_directories(dir);
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  {
    auto db = Database::open(dir + "/arm.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("CREATE TABLE t(v)").ok());
  }
  ASSERT_EQ(::chmod((dir + "/arm.db").c_str(), 0644), 0);  // as written by an older build
  auto db = StateDir(dir).open("arm");
  ASSERT_TRUE(db.ok()) << db.status().to_string();
  EXPECT_EQ(mode_of(dir), 0700u);
  EXPECT_EQ(mode_of(dir + "/arm.db"), 0600u);
  EXPECT_EQ(mode_of(dir + "/arm.db-wal"), 0600u);
}

TEST(PrivateFiles, Finding9_PrepareForAttachCreatesAPrivateFile) {
  PermissiveUmask umask;
  test::TempDir tmp;
  StateDir state(tmp.file("s"));
  auto path = state.prepare("CM_P01");
  ASSERT_TRUE(path.ok()) << path.status().to_string();
  EXPECT_EQ(*path, tmp.file("s") + "/CM_P01.db");
  EXPECT_EQ(mode_of(*path), 0600u);
  EXPECT_EQ(mode_of(tmp.file("s")), 0700u);
  EXPECT_FALSE(state.prepare("../x").ok());
  EXPECT_EQ(*StateDir("").prepare("x"), ":memory:");
}

}  // namespace
}  // namespace emu::store
