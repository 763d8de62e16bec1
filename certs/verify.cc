// verify_chain: OpenSSL's own chain verification, used by the emulator and the tests.
#include "certs/pki.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/openssl.h"
#include "emulator/core/crypto/pem.h"

#include <openssl/err.h>

namespace emu::pki {
namespace {

using crypto::is_ip_literal;
using crypto::openssl_error;
using crypto::parse_certs_pem;
using crypto::parse_crl_pem;
using crypto::to_time_t;
using crypto::X509CrlPtr;
using crypto::X509Ptr;
using crypto::X509StackPtr;
using crypto::X509StoreCtxPtr;
using crypto::X509StorePtr;

Status set_host(X509_VERIFY_PARAM* param, const std::string& host) {
  if (host.empty()) return Status::Ok();
  int ok = is_ip_literal(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                               : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (ok != 1) return openssl_error("setting the expected host '" + host + "'");
  return Status::Ok();
}

Result<X509StorePtr> make_store(const std::string& ca_pem, const std::string& crl_pem) {
  EMU_ASSIGN_OR_RETURN(std::vector<X509Ptr> anchors, parse_certs_pem(ca_pem));
  X509StorePtr store(X509_STORE_new());
  if (!store) return openssl_error("X509_STORE_new");
  for (const X509Ptr& ca : anchors) {
    if (X509_STORE_add_cert(store.get(), ca.get()) != 1)
      return openssl_error("X509_STORE_add_cert");
  }
  if (!crl_pem.empty()) {
    EMU_ASSIGN_OR_RETURN(X509CrlPtr crl, parse_crl_pem(crl_pem));
    if (X509_STORE_add_crl(store.get(), crl.get()) != 1) return openssl_error("X509_STORE_add_crl");
  }
  return store;
}

}  // namespace

Status verify_chain(const std::string& leaf_pem, const std::string& ca_pem, const std::string& host,
                    TimePoint at, const std::string& crl_pem) {
  EMU_ASSIGN_OR_RETURN(std::vector<X509Ptr> presented, parse_certs_pem(leaf_pem));
  EMU_ASSIGN_OR_RETURN(X509StorePtr store, make_store(ca_pem, crl_pem));
  X509StackPtr untrusted(sk_X509_new_null());
  if (!untrusted) return openssl_error("sk_X509_new_null");
  for (size_t i = 1; i < presented.size(); ++i) {
    if (sk_X509_push(untrusted.get(), presented[i].get()) == 0) return openssl_error("sk_push");
  }
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx ||
      X509_STORE_CTX_init(ctx.get(), store.get(), presented[0].get(), untrusted.get()) != 1) {
    return openssl_error("X509_STORE_CTX_init");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(to_time_t(at)));
  if (!crl_pem.empty()) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK);
  EMU_RETURN_IF_ERROR(set_host(param, host));
  int rc = X509_verify_cert(ctx.get());
  ERR_clear_error();
  if (rc == 1) return Status::Ok();
  int err = X509_STORE_CTX_get_error(ctx.get());
  return PermissionDenied(std::string("certificate verify failed: ") +
                          X509_verify_cert_error_string(err));
}

}  // namespace emu::pki
