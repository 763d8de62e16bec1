// Message digests and the hex/base64url forms certificates are named by. Thread-safe.
#pragma once

#include "emulator/core/status.h"

#include <string>
#include <string_view>

namespace emu::crypto {

// Raw digests (20 and 32 bytes). Internal with OpenSSL's reason if the digest is unavailable.
Result<std::string> sha1(std::string_view data);
Result<std::string> sha256(std::string_view data);

// Upper-case hex of `bytes`, no separators ("0A1B..."): the form Windows shows thumbprints in.
std::string upper_hex(std::string_view bytes);

// The Windows certificate thumbprint of a DER certificate: upper_hex(SHA-1(der)).
Result<std::string> thumbprint_of_der(std::string_view der);
// The JWS "x5t" of a DER certificate (RFC 7515 §4.1.7): base64url(SHA-1(der)), no padding.
Result<std::string> x5t_of_der(std::string_view der);

}  // namespace emu::crypto
