#include "tests/testlib/test_pki.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <unistd.h>

namespace emu::test {
namespace {

struct SharedPki {
  pki::PkiOptions options;
  pki::LabPki pki;
};

std::string shared_dir() {
  const char* base = std::getenv("TMPDIR");
  return std::string(base && *base ? base : "/tmp") + "/cmgemu-test-pki-" +
         std::to_string(getuid());
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "shared_pki: %s\n", what.c_str());
  std::abort();
}

SharedPki make_shared_pki() {
  SharedPki s;
  s.options.now = system_now();
  // Scenarios run at the default virtual start; the same files must serve them.
  s.options.also_valid_at = parse_iso8601(kDefaultVirtualStart).value();
  s.options.cmg_names = {"cmg.contoso.com", "cmg.japaneast.cloudapp.azure.com"};
  const std::string dir = shared_dir();
  const std::string lock_path = dir + ".lock";
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) die("cannot open " + lock_path);
  while (flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) die("cannot lock " + lock_path);
  }
  auto result = pki::ensure_lab_pki(dir, s.options);
  flock(fd, LOCK_UN);
  close(fd);
  if (!result.ok()) die(result.status().to_string());
  s.pki = std::move(result).value();
  return s;
}

const SharedPki& instance() {
  static const SharedPki shared = make_shared_pki();
  return shared;
}

}  // namespace

const pki::LabPki& shared_pki() { return instance().pki; }

const pki::PkiOptions& shared_pki_options() { return instance().options; }

bool copy_pki_files(const std::string& from, const std::string& to,
                    const std::initializer_list<const char*>& suffixes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(from, ec)) {
    if (!e.is_regular_file(ec)) continue;
    const std::string name = e.path().filename().string();
    for (const char* suffix : suffixes) {
      const std::string sfx = suffix;
      if (name.size() < sfx.size() || name.compare(name.size() - sfx.size(), sfx.size(), sfx) != 0)
        continue;
      fs::copy_file(e.path(), fs::path(to) / name, fs::copy_options::overwrite_existing, ec);
      if (ec) return false;
      break;
    }
  }
  return !ec;
}

}  // namespace emu::test
