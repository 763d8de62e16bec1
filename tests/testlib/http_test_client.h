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

// open() + request() on a fresh connection to 127.0.0.1:port.
Result<TestResponse> fetch(uint16_t port, const TestClientOptions& options,
                           const std::string& method, const std::string& target,
                           const http::Headers& headers = {}, const std::string& body = "");

}  // namespace emu::test
