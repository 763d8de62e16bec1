// The tests' HTTP(S) client is the emulator's one client (emulator/core/http/client.h): these
// names keep the tests short. fetch() is open() + request() on a fresh loopback connection.
#pragma once

#include "emulator/core/http/client.h"
#include "emulator/core/http/message.h"
#include "emulator/core/status.h"

#include <cstdint>
#include <string>

namespace emu::test {

using TestClientOptions = http::ClientOptions;
using TestResponse = http::ClientResponse;
using TestConnection = http::ClientConnection;

// TLS to a lab name: SNI (and so Host) = `host`, the server certificate verified for that name
// against `ca_file`; with a client certificate when `cert_pem`/`key_pem` are given.
TestClientOptions tls_to(const std::string& host, const std::string& ca_file,
                         const std::string& cert_pem = "", const std::string& key_pem = "");

// open() + request() on a fresh connection to 127.0.0.1:port.
Result<TestResponse> fetch(uint16_t port, const TestClientOptions& options,
                           const std::string& method, const std::string& target,
                           const http::Headers& headers = {}, const std::string& body = "");

}  // namespace emu::test
