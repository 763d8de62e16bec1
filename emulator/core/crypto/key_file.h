// An RSA key kept in a file that several labs may share (the lab PKI folder), so that every run
// of a scenario signs with the same key and its transcript repeats byte for byte.
#pragma once

#include "emulator/core/crypto/openssl.h"
#include "emulator/core/status.h"

#include <string>

namespace emu::crypto {

// The RSA-2048 key in `path`, or a new one written there (mode 0600). The first writer wins
// (link(2) never replaces a file), so labs creating the same key in parallel all end up with
// one key. A file that does not parse is replaced. Internal on a file or OpenSSL failure.
Result<EvpPkeyPtr> load_or_create_rsa_key(const std::string& path);

}  // namespace emu::crypto
