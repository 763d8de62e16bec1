#include "emulator/client/net/winhttp.h"

#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdio>

namespace emu::client {
namespace {

// A CRL given as DER or PEM.
crypto::X509CrlPtr parse_crl_any(const std::string& crl) {
  if (crl.find("-----BEGIN") != std::string::npos) {
    auto pem = crypto::parse_crl_pem(crl);
    if (pem.ok()) return std::move(pem).value();
    ERR_clear_error();
    return nullptr;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(crl.data());
  crypto::X509CrlPtr out(d2i_X509_CRL(nullptr, &p, static_cast<long>(crl.size())));
  if (!out) ERR_clear_error();
  return out;
}

bool names_host(X509* leaf, const std::string& host) {
  if (crypto::is_ip_literal(host)) return X509_check_ip_asc(leaf, host.c_str(), 0) == 1;
  return X509_check_host(leaf, host.data(), host.size(), 0, nullptr) == 1;
}

std::string hex_flags(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", static_cast<unsigned>(v));
  return buf;
}

// "http://crl.cmgemu.test/pki/x.crl" -> host "crl.cmgemu.test", target "/pki/x.crl".
bool split_http_url(const std::string& url, std::string* host, std::string* target) {
  const std::string prefix = "http://";
  if (url.size() <= prefix.size() || !iequals(url.substr(0, prefix.size()), prefix)) return false;
  const size_t slash = url.find('/', prefix.size());
  *host = url.substr(prefix.size(),
                     slash == std::string::npos ? std::string::npos : slash - prefix.size());
  *target = slash == std::string::npos ? "/" : url.substr(slash);
  if (const size_t colon = host->find(':'); colon != std::string::npos) host->resize(colon);
  return !host->empty();
}

}  // namespace

uint32_t check_server_chain(const std::string& chain_pem, const std::string& roots_pem,
                            const std::string& host, TimePoint now, const std::string& crl,
                            bool revocation_unknown) {
  auto chain = crypto::parse_certs_pem(chain_pem);
  if (!chain.ok() || chain->empty()) {
    ERR_clear_error();
    return kFlagInvalidCert;
  }
  X509* leaf = (*chain)[0].get();
  uint32_t flags = 0;
  if (!names_host(leaf, host)) flags |= kFlagCertCnInvalid;
  if (!crypto::valid_at(leaf, now)) flags |= kFlagCertDateInvalid;

  crypto::X509StorePtr store(X509_STORE_new());
  size_t roots = 0;
  if (!roots_pem.empty()) {
    if (auto parsed = crypto::parse_certs_pem(roots_pem); parsed.ok()) {
      for (auto& root : *parsed) roots += X509_STORE_add_cert(store.get(), root.get()) == 1;
    }
    ERR_clear_error();
  }
  crypto::X509StackPtr untrusted(sk_X509_new_null());
  for (size_t i = 1; i < chain->size(); ++i) sk_X509_push(untrusted.get(), (*chain)[i].get());
  crypto::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  bool chained = false;
  if (roots > 0 && X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) == 1) {
    X509_STORE_CTX_set_time(ctx.get(), 0, crypto::to_time_t(now));
    chained = X509_verify_cert(ctx.get()) == 1;
    if (!chained) {
      const int err = X509_STORE_CTX_get_error(ctx.get());
      // Time errors anywhere in the chain are the date flag; the chain itself then is fine.
      chained = err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID;
      if (chained) flags |= kFlagCertDateInvalid;
    }
  }
  ERR_clear_error();
  if (!chained) flags |= kFlagInvalidCa;
  if (revocation_unknown) {
    flags |= kFlagCertRevFailed;
  } else if (!crl.empty()) {
    crypto::X509CrlPtr list = parse_crl_any(crl);
    if (!list) {
      flags |= kFlagCertRevFailed;
    } else {
      X509_REVOKED* entry = nullptr;
      if (X509_CRL_get0_by_cert(list.get(), &entry, leaf) == 1) flags |= kFlagCertRevoked;
    }
  }
  ERR_clear_error();
  return flags;
}

std::string crl_distribution_point(const std::string& chain_pem) {
  auto leaf = crypto::parse_cert_pem(chain_pem);
  if (!leaf.ok()) {
    ERR_clear_error();
    return "";
  }
  auto* points = static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(leaf->get(), NID_crl_distribution_points, nullptr, nullptr));
  std::string url;
  for (int i = 0; points != nullptr && url.empty() && i < sk_DIST_POINT_num(points); ++i) {
    const DIST_POINT* point = sk_DIST_POINT_value(points, i);
    if (point->distpoint == nullptr || point->distpoint->type != 0) continue;
    const GENERAL_NAMES* names = point->distpoint->name.fullname;
    for (int j = 0; url.empty() && j < sk_GENERAL_NAME_num(names); ++j) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, j);
      if (name->type != GEN_URI) continue;
      const ASN1_STRING* s = name->d.uniformResourceIdentifier;
      url.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
    }
  }
  CRL_DIST_POINTS_free(points);
  return url;
}

struct WinHttpSession::Open {
  std::unique_ptr<http::ClientConnection> connection;
};

WinHttpSession::WinHttpSession(const Clock& clock, WinHttpConfig config)
    : clock_(clock), config_(std::move(config)) {}

WinHttpSession::~WinHttpSession() = default;

void WinHttpSession::set_client_certificate(const std::string& cert_pem,
                                            const std::string& key_pem) {
  config_.client_cert_pem = cert_pem;
  config_.client_key_pem = key_pem;
  open_.clear();
}

void WinHttpSession::set_check_revocation(bool on) {
  config_.check_revocation = on;
  open_.clear();
}

WinHttpResult WinHttpSession::connect(const std::string& host, Open** out) {
  WinHttpResult r;
  auto route = config_.resolve ? config_.resolve(host) : Result<Route>(NotFound(host));
  if (!route.ok()) {
    r.error = route.status().code() == StatusCode::kNotFound ? kErrorWinHttpNameNotResolved
                                                             : kErrorWinHttpCannotConnect;
    r.detail = route.status().message();
    return r;
  }
  http::ClientOptions options;
  options.tls = true;
  options.sni = host;
  options.timeout = config_.timeout;
  options.user_agent = config_.user_agent;
  options.cert_pem = config_.client_cert_pem;
  options.key_pem = config_.client_key_pem;
  // No verification in the TLS layer: the machine's own checks below decide, as WinHTTP's
  // certificate callback does.
  auto connection = http::ClientConnection::open(route->address, route->port, options);
  if (!connection.ok()) {
    r.error = connection.status().message().rfind("connect", 0) == 0 ? kErrorWinHttpCannotConnect
                                                                     : kErrorWinHttpSecureFailure;
    if (r.error == kErrorWinHttpSecureFailure) r.secure_flags = kFlagInvalidCert;
    r.detail = connection.status().message();
    return r;
  }
  const std::string chain = (*connection)->peer_chain_pem();
  std::string crl;
  bool revocation_unknown = false;
  if (config_.check_revocation) {
    // The CRL of the certificate's distribution point, fetched over plain HTTP through the lab
    // DNS as CryptoAPI fetches it; unreachable -> revocation unknown (CERT_REV_FAILED).
    std::string crl_host, crl_target;
    const std::string cdp = crl_distribution_point(chain);
    revocation_unknown = true;
    if (split_http_url(cdp, &crl_host, &crl_target) && config_.resolve) {
      if (auto crl_route = config_.resolve(crl_host); crl_route.ok()) {
        http::ClientOptions plain;
        plain.tls = false;
        plain.timeout = config_.timeout;
        plain.user_agent = "Microsoft-CryptoAPI/10.0";
        auto answer =
            http::send_once({"crl", crl_host, crl_route->address, crl_route->port, "http"},
                            {"GET", crl_target, {}, ""}, plain);
        if (answer.ok() && answer->status == 200) {
          crl = answer->body;
          revocation_unknown = false;
        }
      }
    }
  }
  r.secure_flags = check_server_chain(chain, config_.trusted_roots_pem, host, clock_.now(), crl,
                                      revocation_unknown);
  if (r.secure_flags != 0) {
    r.error = kErrorWinHttpSecureFailure;
    r.detail =
        "server certificate of " + host + " not trusted (flags " + hex_flags(r.secure_flags) + ")";
    return r;
  }
  auto open = std::make_unique<Open>();
  open->connection = std::move(connection).value();
  *out = open.get();
  open_[to_lower(host)] = std::move(open);
  return r;
}

WinHttpResult WinHttpSession::send(const std::string& host, const http::ClientRequest& request) {
  const std::string key = to_lower(host);
  for (int attempt = 0; attempt < 2; ++attempt) {
    Open* open = nullptr;
    if (auto it = open_.find(key); it != open_.end()) {
      open = it->second.get();
    } else {
      WinHttpResult r = connect(host, &open);
      if (!r.ok()) return r;
    }
    auto response = open->connection->request(request.method.empty() ? "GET" : request.method,
                                              request.target.empty() ? "/" : request.target,
                                              request.headers, request.body);
    if (!response.ok()) {
      open_.erase(key);
      if (attempt == 0) continue;  // a kept-alive connection the server closed: reconnect once
      WinHttpResult r;
      r.error = response.status().code() == StatusCode::kDeadlineExceeded
                    ? kErrorWinHttpTimeout
                    : kErrorWinHttpConnectionError;
      r.detail = response.status().message();
      return r;
    }
    WinHttpResult r;
    r.response = std::move(response).value();
    if (!r.response.keep_alive) open_.erase(key);
    return r;
  }
  return {};
}

std::string winhttp_error_name(uint32_t code) {
  switch (code) {
    case kErrorWinHttpTimeout:
      return "ERROR_WINHTTP_TIMEOUT";
    case kErrorWinHttpNameNotResolved:
      return "ERROR_WINHTTP_NAME_NOT_RESOLVED";
    case kErrorWinHttpCannotConnect:
      return "ERROR_WINHTTP_CANNOT_CONNECT";
    case kErrorWinHttpConnectionError:
      return "ERROR_WINHTTP_CONNECTION_ERROR";
    case kErrorWinHttpSecureFailure:
      return "ERROR_WINHTTP_SECURE_FAILURE";
    default:
      return "";
  }
}

uint32_t failure_hresult(const WinHttpResult& r) {
  if (r.error != 0) return 0x80070000u | r.error;  // HRESULT_FROM_WIN32
  if (r.response.status != 200) return kCcmEBadHttpStatusCode;
  return 0;
}

std::vector<std::string> ccmhttp_failure_lines(const std::string& url, int options,
                                               const WinHttpResult& r) {
  std::vector<std::string> lines;
  const std::string head =
      "[CCMHTTP] ERROR: URL=" + url + ", Port=443, Options=" + std::to_string(options) + ", ";
  if (r.error == kErrorWinHttpSecureFailure) {
    lines.push_back(
        "[CCMHTTP] AsyncCallback(): WINHTTP_CALLBACK_STATUS_SECURE_FAILURE Encountered");
    lines.push_back("[CCMHTTP] : dwStatusInformationLength is 4");
    lines.push_back("[CCMHTTP] : lpvStatusInformation is " + hex_flags(r.secure_flags));
    static const std::pair<uint32_t, const char*> kNames[] = {
        {kFlagCertRevFailed, "CERT_REV_FAILED"}, {kFlagInvalidCert, "INVALID_CERT"},
        {kFlagCertRevoked, "CERT_REVOKED"},      {kFlagInvalidCa, "INVALID_CA"},
        {kFlagCertCnInvalid, "CERT_CN_INVALID"}, {kFlagCertDateInvalid, "CERT_DATE_INVALID"}};
    for (const auto& [flag, name] : kNames)
      if (r.secure_flags & flag)
        lines.push_back(std::string("[CCMHTTP] : WINHTTP_CALLBACK_STATUS_FLAG_") + name +
                        " is set");
  }
  if (r.error != 0) {
    lines.push_back(head + "Code=" + std::to_string(r.error) +
                    ", Text=" + winhttp_error_name(r.error));
  } else if (r.response.status != 200) {
    lines.push_back(head + "Code=0, Text=CCM_E_BAD_HTTP_STATUS_CODE");
    lines.push_back("[CCMHTTP] ERROR INFO: StatusCode=" + std::to_string(r.response.status) +
                    " StatusText=" + r.response.reason);
  }
  return lines;
}

}  // namespace emu::client
