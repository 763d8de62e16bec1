// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
#pragma once

#include <string>

namespace emu::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string file(const std::string& name) const;

 private:
  std::string path_;
};

// Reads a whole file; "" if it can't be read.
std::string read_file(const std::string& path);
// Writes `text` to `path` (truncating). Returns false on failure.
bool write_file(const std::string& path, const std::string& text);

}  // namespace emu::test
