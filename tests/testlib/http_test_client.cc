#include "tests/testlib/http_test_client.h"

namespace emu::test {

Result<TestResponse> fetch(uint16_t port, const TestClientOptions& options,
                           const std::string& method, const std::string& target,
                           const http::Headers& headers, const std::string& body) {
  EMU_ASSIGN_OR_RETURN(auto conn, TestConnection::open("127.0.0.1", port, options));
  return conn->request(method, target, headers, body);
}

}  // namespace emu::test
