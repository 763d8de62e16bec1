// Key helpers of the getauth replies: CryptoAPI PUBLICKEYBLOB of a key (layout
// from MS-MQQB as SCCMSecrets builds it), CryptoAPI-order RSA signatures and the detached CMS
// SignedData of MPKEYINFORMATION (ConfigManBearPig's sample decodes as SignedData v1, SHA-256,
// one signer by issuer and serial, no certificates, no signed attributes).
#pragma once

#include "emulator/core/crypto/openssl.h"
#include "emulator/core/status.h"

#include <string>
#include <string_view>

namespace emu::mp::internal {

// 06 02 00 00 00 A4 00 00 "RSA1" bitlen pubexp modulus(little-endian), upper-case hex.
Result<std::string> public_key_blob(EVP_PKEY* key);
// RSA PKCS#1 v1.5 SHA-256 over `data`, bytes reversed (CryptoAPI order), upper-case hex.
Result<std::string> sign_reversed(EVP_PKEY* key, std::string_view data);
// DER CMS SignedData over `data` (detached), signed by cert/key; upper-case hex.
Result<std::string> cms_detached_hex(X509* cert, EVP_PKEY* key, std::string_view data);

}  // namespace emu::mp::internal
