// OpenSSL plumbing for the lab PKI: RAII owners for OpenSSL objects, error mapping to
// emu::Status, PEM/DER conversion, SHA-1 thumbprints, ASN.1 time helpers and atomic file
// writes. Internal to emu::pki (and its tests); everything here is thread-compatible.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/status.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace emu::pki {

// unique_ptr owners calling the matching OpenSSL free function.
template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using OpenSslPtr = std::unique_ptr<T, OpenSslDeleter<T, Free>>;

using BioPtr = OpenSslPtr<BIO, BIO_free_all>;
using X509Ptr = OpenSslPtr<X509, X509_free>;
using X509CrlPtr = OpenSslPtr<X509_CRL, X509_CRL_free>;
using X509NamePtr = OpenSslPtr<X509_NAME, X509_NAME_free>;
using X509ExtensionPtr = OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free>;
using X509RevokedPtr = OpenSslPtr<X509_REVOKED, X509_REVOKED_free>;
using X509StorePtr = OpenSslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OpenSslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using EvpPkeyPtr = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using Asn1IntegerPtr = OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1TimePtr = OpenSslPtr<ASN1_TIME, ASN1_TIME_free>;
using Asn1EnumeratedPtr = OpenSslPtr<ASN1_ENUMERATED, ASN1_ENUMERATED_free>;
using Asn1OctetStringPtr = OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using GeneralNamesPtr = OpenSslPtr<GENERAL_NAMES, GENERAL_NAMES_free>;
using GeneralNamePtr = OpenSslPtr<GENERAL_NAME, GENERAL_NAME_free>;
using BignumPtr = OpenSslPtr<BIGNUM, BN_free>;
using Pkcs12Ptr = OpenSslPtr<PKCS12, PKCS12_free>;

// Frees a STACK_OF(X509) without freeing its elements (they stay owned elsewhere).
struct X509StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

// Internal("<what>: <OpenSSL error queue text>"); drains the calling thread's error queue.
Status openssl_error(std::string_view what);

// PEM text <-> objects. Parsing failures are InvalidArgument with OpenSSL's reason.
Result<X509Ptr> parse_cert_pem(std::string_view pem);
// Every certificate in `pem`, in order; InvalidArgument if there is none.
Result<std::vector<X509Ptr>> parse_certs_pem(std::string_view pem);
Result<EvpPkeyPtr> parse_key_pem(std::string_view pem);  // unencrypted PKCS#8 or traditional
Result<X509CrlPtr> parse_crl_pem(std::string_view pem);
Result<std::string> cert_to_pem(X509* cert);
Result<std::string> key_to_pem(EVP_PKEY* key);  // unencrypted PKCS#8
Result<std::string> crl_to_pem(X509_CRL* crl);
Result<std::string> crl_to_der(X509_CRL* crl);
Result<std::string> pkcs12_to_der(PKCS12* p12);

// SHA-1 of the certificate's DER, upper-case hex (the Windows thumbprint).
Result<std::string> thumbprint(X509* cert);

// Whole seconds since the Unix epoch (floor).
int64_t to_time_t(TimePoint t);
// Compares an ASN.1 time with `t`: -1 earlier, 0 equal, 1 later; -2 if unparsable.
int compare_asn1_time(const ASN1_TIME* asn1, TimePoint t);

// True for an IPv4/IPv6 literal (then it belongs in an iPAddress SAN entry).
bool is_ip_literal(const std::string& name);

// Reads a whole file; NotFound if it does not exist, Internal on another I/O error.
Result<std::string> read_file(const std::string& path);
// Writes `data` to a temporary sibling with `mode` permissions and renames it over `path`,
// so readers see the old or the new content, never a torn file. Internal on I/O error.
Status write_file_atomic(const std::string& path, std::string_view data, unsigned mode);

}  // namespace emu::pki
