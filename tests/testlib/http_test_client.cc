#include "tests/testlib/http_test_client.h"

namespace emu::test {

TestClientOptions tls_to(const std::string& host, const std::string& ca_file,
                         const std::string& cert_pem, const std::string& key_pem) {
  TestClientOptions o;
  o.sni = host;
  o.ca_file = ca_file;
  o.verify_host = true;
  o.cert_pem = cert_pem;
  o.key_pem = key_pem;
  return o;
}

Result<TestResponse> fetch(uint16_t port, const TestClientOptions& options,
                           const std::string& method, const std::string& target,
                           const http::Headers& headers, const std::string& body) {
  EMU_ASSIGN_OR_RETURN(auto conn, TestConnection::open("127.0.0.1", port, options));
  return conn->request(method, target, headers, body);
}

}  // namespace emu::test
