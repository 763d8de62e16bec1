#include "emulator/core/files.h"

#include "tests/testlib/temp_dir.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace emu {
namespace {

TEST(Files, WriteAtomicThenReadBack) {
  test::TempDir dir;
  const std::string path = dir.file("a.key");
  EXPECT_EQ(read_file(path).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(write_file_atomic(path, std::string("one\0two", 7), 0600).ok());
  EXPECT_EQ(read_file(path).value(), std::string("one\0two", 7));
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(write_file_atomic(path, "replaced", 0644).ok());
  EXPECT_EQ(read_file(path).value(), "replaced");
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(Files, WriteIntoAMissingFolderFailsWithoutLeavingATemporary) {
  test::TempDir dir;
  Status s = write_file_atomic(dir.file("missing/x"), "data", 0644);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("cannot create"), std::string::npos);
}

}  // namespace
}  // namespace emu
