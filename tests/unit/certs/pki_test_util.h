// Helpers shared by the emu::pki unit tests: parsing the PEM/DER the PKI produced and
// reading certificate fields with OpenSSL directly (independently of the code under test).
#pragma once

#include "certs/issue.h"
#include "certs/pki.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/openssl.h"
#include "emulator/core/crypto/pem.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include <chrono>
#include <string>
#include <vector>

namespace emu::pki {

// The emu::crypto names the PKI tests use unqualified.
using crypto::Asn1EnumeratedPtr;
using crypto::Asn1TimePtr;
using crypto::BignumPtr;
using crypto::cert_to_pem;
using crypto::common_name;
using crypto::EvpPkeyPtr;
using crypto::GeneralNamesPtr;
using crypto::parse_cert_pem;
using crypto::parse_crl_pem;
using crypto::parse_key_pem;
using crypto::pfx_opens_with;
using crypto::Pkcs12Ptr;
using crypto::Signer;
using crypto::thumbprint;
using crypto::to_time_t;
using crypto::X509CrlPtr;
using crypto::X509Ptr;

}  // namespace emu::pki

namespace emu::pki::testing {

inline constexpr std::chrono::hours kDay{24};
inline const std::string kVerifyFailed = "certificate verify failed: ";

inline X509Ptr cert_of(const IssuedCert& c) {
  auto cert = parse_cert_pem(c.cert_pem);
  EXPECT_TRUE(cert.ok()) << c.name << ": " << cert.status().to_string();
  return cert.ok() ? std::move(cert).value() : X509Ptr(X509_new());
}

// Seconds from `t` to the ASN.1 time (positive if the ASN.1 time is later).
inline int64_t seconds_from(TimePoint t, const ASN1_TIME* asn1) {
  Asn1TimePtr ref(ASN1_TIME_set(nullptr, static_cast<time_t>(to_time_t(t))));
  int days = 0, secs = 0;
  EXPECT_EQ(ASN1_TIME_diff(&days, &secs, ref.get(), asn1), 1);
  return int64_t{days} * 86400 + secs;
}

// The message verify_chain returns for a failure with OpenSSL's reason `reason`.
inline std::string verify_error(const std::string& reason) { return kVerifyFailed + reason; }

// The entries of `cert`'s subjectAltName with type `type` (GEN_DNS or GEN_IPADD) as text.
inline std::vector<std::string> san_of_type(X509* cert, int type) {
  std::vector<std::string> out;
  GeneralNamesPtr gens(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens.get()); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(gens.get(), i);
    if (g->type != type) continue;
    const ASN1_STRING* s = type == GEN_DNS ? g->d.dNSName : g->d.iPAddress;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
  }
  return out;
}

}  // namespace emu::pki::testing
