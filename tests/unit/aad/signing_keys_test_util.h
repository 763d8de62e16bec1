// Test helpers for the Entra ID signing keys: a folder of pre-generated token-signing keys
// shared by every test process of this machine user (RSA key generation is slow), and a
// SigningKeySet over a fresh in-memory database that imports them.
#pragma once

#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/clock.h"
#include "emulator/core/store/database.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <unistd.h>

namespace emu::aad::testing {

// "$TMPDIR/cmgemu-test-aad-keys-<uid>" (or /tmp/...), holding aad-signing-{1,2}.{key,crt}.
// The first call in a process makes sure they exist (SigningKeySet::open() generates them
// under its flock on first use on this machine) and aborts with a message if it cannot.
// Thread-safe. Tests must not write into it: copy the files to a TempDir to mutate them.
inline std::string shared_key_dir() {
  static const std::string dir = [] {
    const char* base = std::getenv("TMPDIR");
    std::string d = std::string(base && *base ? base : "/tmp") + "/cmgemu-test-aad-keys-" +
                    std::to_string(::getuid());
    VirtualClock clock(VirtualClock::Mode::kManual, parse_iso8601(kDefaultVirtualStart).value());
    auto db = store::Database::open(":memory:");
    Status s = db.ok() ? (*db)->exec(kSigningKeysDdl) : db.status();
    if (s.ok()) s = SigningKeySet::open(**db, d, 2, clock).status();
    if (!s.ok()) {
      std::fprintf(stderr, "shared_key_dir: %s\n", s.to_string().c_str());
      std::abort();
    }
    return d;
  }();
  return dir;
}

// A fresh in-memory database with the signing_keys table, and the keys of `dir`.
struct TestKeys {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<SigningKeySet> keys;
};

// Fails the current test (keys == nullptr) if anything goes wrong.
inline TestKeys open_test_keys(const Clock& clock, int count = 2,
                               const std::string& dir = shared_key_dir()) {
  TestKeys t;
  auto db = store::Database::open(":memory:");
  if (!db.ok()) {
    ADD_FAILURE() << db.status().to_string();
    return t;
  }
  t.db = std::move(db).value();
  Status ddl = t.db->exec(kSigningKeysDdl);
  if (!ddl.ok()) {
    ADD_FAILURE() << ddl.to_string();
    return t;
  }
  auto keys = SigningKeySet::open(*t.db, dir, count, clock);
  if (!keys.ok()) {
    ADD_FAILURE() << keys.status().to_string();
    return t;
  }
  t.keys = std::move(keys).value();
  return t;
}

}  // namespace emu::aad::testing
