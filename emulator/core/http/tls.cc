#include "emulator/core/http/tls.h"

#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/openssl.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/http/message.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <exception>

namespace emu::http::internal {
namespace {

namespace ssl = boost::asio::ssl;

using crypto::openssl_errors;

Status tls_error(const ListenerConfig& config, std::string_view what, std::string reason = "") {
  if (reason.empty()) reason = openssl_errors();
  ERR_clear_error();
  std::string msg = "listener '" + config.name + "': " + std::string(what);
  if (!reason.empty()) msg += ": " + reason;
  return InvalidArgument(std::move(msg));
}

int verify_record_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// kOptional: accept any certificate, remember the first problem for the handler.
int accept_and_record(int preverify_ok, X509_STORE_CTX* store) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* record =
      ssl ? static_cast<ClientVerifyRecord*>(SSL_get_ex_data(ssl, verify_record_index())) : nullptr;
  if (record) {
    record->called = true;
    if (!preverify_ok && record->first_error == X509_V_OK) {
      int err = X509_STORE_CTX_get_error(store);
      record->first_error = err == X509_V_OK ? X509_V_ERR_UNSPECIFIED : err;
    }
  }
  return 1;
}

int on_servername(SSL* ssl, int* /*alert*/, void* arg) {
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (name == nullptr) return SSL_TLSEXT_ERR_OK;  // no SNI: keep the default certificate
  SSL_CTX* chosen = static_cast<const TlsContexts*>(arg)->select(name);
  if (chosen != nullptr && chosen != SSL_get_SSL_CTX(ssl)) SSL_set_SSL_CTX(ssl, chosen);
  return SSL_TLSEXT_ERR_OK;  // an unknown name gets the default certificate, like IIS
}

// Trust store, CA names and CRLs for client certificates, on one context.
Status load_client_trust(const ListenerConfig& config, SSL_CTX* ctx) {
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  if (!config.client_ca_pem.empty()) {
    auto roots = crypto::parse_certs_pem(config.client_ca_pem);
    if (!roots.ok()) {
      return tls_error(config, "client_ca_pem holds no certificate", "no PEM certificate found");
    }
    for (const crypto::X509Ptr& ca : *roots) {
      if (X509_STORE_add_cert(store, ca.get()) != 1 || SSL_CTX_add_client_CA(ctx, ca.get()) != 1) {
        return tls_error(config, "cannot add client CA");
      }
    }
  }
  if (config.client_crl_pem.empty()) return Status::Ok();
  auto crls = crypto::parse_crls_pem(config.client_crl_pem);
  if (!crls.ok()) return tls_error(config, "client_crl_pem holds no CRL", "no PEM CRL found");
  for (const crypto::X509CrlPtr& crl : *crls) {
    if (X509_STORE_add_crl(store, crl.get()) != 1) return tls_error(config, "cannot add CRL");
  }
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
  return Status::Ok();
}

Status configure_context(const ListenerConfig& config, const SniCertificate& cert,
                         ssl::context& context) {
  SSL_CTX* ctx = context.native_handle();
  context.set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                      ssl::context::single_dh_use);
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
    return tls_error(config, "cannot restrict protocol versions");
  }
  // No resumption: every connection presents (and has verified) its certificate, judged at
  // the virtual time of that connection; it also saves the ticket work per handshake.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx, 0);
  static constexpr unsigned char kSidContext[] = "cmgemu";
  SSL_CTX_set_session_id_context(ctx, kSidContext, sizeof kSidContext - 1);

  boost::system::error_code ec;
  context.use_certificate_chain(boost::asio::buffer(cert.cert_chain_pem), ec);
  if (ec) return tls_error(config, "bad certificate chain PEM", ec.message());
  auto key = crypto::parse_key_pem(cert.key_pem, "bad private key PEM");
  if (!key.ok())
    return InvalidArgument("listener '" + config.name + "': " + key.status().message());
  if (SSL_CTX_use_PrivateKey(ctx, key->get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return tls_error(config, "private key does not match the certificate");
  }

  switch (config.client_cert) {
    case ClientCertMode::kNone:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      return Status::Ok();
    case ClientCertMode::kOptional:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_and_record);
      break;
    case ClientCertMode::kRequired:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
  }
  return load_client_trust(config, ctx);
}

}  // namespace

bool host_name_matches(std::string_view pattern, std::string_view host) {
  if (pattern.size() > 2 && pattern.substr(0, 2) == "*.") {
    std::string_view suffix = pattern.substr(1);  // ".x.y"
    if (host.size() <= suffix.size()) return false;
    std::string_view label = host.substr(0, host.size() - suffix.size());
    return label.find('.') == std::string_view::npos && iequals(host.substr(label.size()), suffix);
  }
  return iequals(pattern, host);
}

Result<std::unique_ptr<TlsContexts>> TlsContexts::create(const ListenerConfig& config) {
  if (config.certificates.empty()) {
    return InvalidArgument("listener '" + config.name + "': tls requires a certificate");
  }
  if (config.client_cert == ClientCertMode::kRequired && config.client_ca_pem.empty()) {
    return InvalidArgument("listener '" + config.name +
                           "': client_cert kRequired needs client_ca_pem");
  }
  std::unique_ptr<TlsContexts> out(new TlsContexts());
  out->mode_ = config.client_cert;
  ERR_clear_error();
  for (const SniCertificate& cert : config.certificates) {
    std::unique_ptr<ssl::context> context;
    try {
      context = std::make_unique<ssl::context>(ssl::context::tls_server);
    } catch (const std::exception& e) {
      return tls_error(config, "cannot create SSL context", e.what());
    }
    EMU_RETURN_IF_ERROR(configure_context(config, cert, *context));
    // Every context gets the callback: OpenSSL may consult the current context's.
    SSL_CTX_set_tlsext_servername_callback(context->native_handle(), on_servername);
    SSL_CTX_set_tlsext_servername_arg(context->native_handle(), out.get());
    std::vector<std::string> names;
    names.reserve(cert.host_names.size());
    for (const std::string& n : cert.host_names) names.push_back(to_lower(n));
    out->contexts_.push_back(std::move(context));
    out->names_.push_back(std::move(names));
  }
  return out;
}

TlsContexts::~TlsContexts() = default;

SSL_CTX* TlsContexts::select(std::string_view server_name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    for (const std::string& n : names_[i]) {
      if (n.empty() || n[0] == '*') continue;
      if (iequals(n, server_name)) return contexts_[i]->native_handle();
    }
  }
  for (size_t i = 0; i < names_.size(); ++i) {
    for (const std::string& n : names_[i]) {
      if (!n.empty() && n[0] == '*' && host_name_matches(n, server_name)) {
        return contexts_[i]->native_handle();
      }
    }
  }
  return nullptr;
}

void prepare_connection(SSL* ssl, TimePoint now, ClientVerifyRecord* record) {
  X509_VERIFY_PARAM_set_time(SSL_get0_param(ssl), static_cast<time_t>(unix_seconds(now)));
  if (record != nullptr) SSL_set_ex_data(ssl, verify_record_index(), record);
}

ClientCertInfo client_cert_info(SSL* ssl, ClientCertMode mode, const ClientVerifyRecord& record) {
  ClientCertInfo info;
  if (mode == ClientCertMode::kNone) return info;
  crypto::X509Ptr cert(SSL_get1_peer_certificate(ssl));
  if (!cert) return info;
  info.presented = true;
  long result = SSL_get_verify_result(ssl);
  int error = record.first_error != X509_V_OK ? record.first_error : static_cast<int>(result);
  info.verified = error == X509_V_OK;
  if (!info.verified) info.verify_error = X509_verify_cert_error_string(error);
  info.subject = crypto::name_rfc2253(X509_get_subject_name(cert.get()));
  info.issuer = crypto::name_rfc2253(X509_get_issuer_name(cert.get()));
  info.thumbprint_sha1 = crypto::thumbprint(cert.get()).value_or("");
  info.der = crypto::cert_to_der(cert.get()).value_or("");
  return info;
}

std::string server_name(SSL* ssl) {
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  return name ? std::string(name) : std::string();
}

}  // namespace emu::http::internal
