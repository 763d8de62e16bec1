#include "harness/lib/http_client.h"

#include "emulator/core/http/client.h"

namespace emu::harness {

Result<HttpExchange> send_http(const app::Endpoint& endpoint, const HttpCall& call,
                               const HttpClientOptions& options) {
  http::Destination to{.name = endpoint.name,
                       .host = endpoint.host,
                       .address = endpoint.address,
                       .port = endpoint.port,
                       .scheme = endpoint.scheme};
  http::ClientRequest request{
      .method = call.method, .target = call.target, .headers = call.headers, .body = call.body};
  http::ClientOptions client;
  client.ca_file = options.ca_file;
  client.verify_time = options.verify_time;
  client.cert_pem = call.client_cert_pem;
  client.key_pem = call.client_key_pem;
  client.timeout = options.timeout;
  client.user_agent = options.user_agent;
  client.body_limit = options.body_limit;
  EMU_ASSIGN_OR_RETURN(http::ClientResponse response, http::send_once(to, request, client));
  return HttpExchange{.status = response.status,
                      .headers = std::move(response.headers),
                      .body = std::move(response.body),
                      .reason = std::move(response.reason)};
}

}  // namespace emu::harness
