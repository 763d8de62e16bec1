// Rendering of AADSTS errors (declared in errors.h): JSON body, error page, redirect params.
#include "emulator/aad/errors.h"

#include <chrono>

namespace emu::aad {
std::string AadError::headline() const { return "AADSTS" + std::to_string(code) + ": " + message; }

ErrorContext make_error_context(const http::Request& req, const Clock& clock, IdSource& ids,
                                std::string_view client_request_id) {
  ErrorContext ctx;
  ctx.now = clock.now();
  ctx.trace_id = req.request_id.empty() ? ids.guid() : req.request_id;
  if (!client_request_id.empty()) {
    ctx.correlation_id = std::string(client_request_id);
  } else if (auto h = req.headers.get("client-request-id"); h && !h->empty()) {
    ctx.correlation_id = std::string(*h);
  } else if (auto q = req.query_param("client-request-id"); q && !q->empty()) {
    ctx.correlation_id = *q;
  } else {
    ctx.correlation_id = ids.guid();
  }
  return ctx;
}

std::string aad_timestamp(TimePoint t) {
  std::string iso = format_iso8601(std::chrono::floor<std::chrono::seconds>(t));
  // "2026-01-01T00:00:00Z" -> "2026-01-01 00:00:00Z"
  if (iso.size() > 10 && iso[10] == 'T') iso[10] = ' ';
  return iso;
}

nlohmann::json aad_error_body(const AadError& e, const ErrorContext& ctx) {
  std::string ts = aad_timestamp(ctx.now);
  nlohmann::json body = {
      {"error", e.error},
      {"error_description", e.headline() + "\r\nTrace ID: " + ctx.trace_id +
                                "\r\nCorrelation ID: " + ctx.correlation_id +
                                "\r\nTimestamp: " + ts},
      {"error_codes", nlohmann::json::array({e.code})},
      {"timestamp", ts},
      {"trace_id", ctx.trace_id},
      {"correlation_id", ctx.correlation_id},
      {"error_uri", "https://login.microsoftonline.com/error?code=" + std::to_string(e.code)},
  };
  if (!e.suberror.empty()) body["suberror"] = e.suberror;
  for (const auto& [k, v] : e.extra) body[k] = v;
  return body;
}

http::Response aad_error_response(const AadError& e, const ErrorContext& ctx) {
  http::Response r = http::json_response(e.http_status, aad_error_body(e, ctx));
  r.headers.set("Cache-Control", "no-store, no-cache");
  r.headers.set("Pragma", "no-cache");
  r.headers.set("x-ms-request-id", ctx.trace_id);
  r.headers.set("client-request-id", ctx.correlation_id);
  r.headers.set("x-ms-ests-server", kEstsServer);
  r.headers.set("x-ms-clitelem", "1," + std::to_string(e.code) + ",0,,");
  return r;
}

http::Response aad_error_page(const AadError& e, const ErrorContext& ctx) {
  std::string body =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sign in to your account</title>"
      "</head><body>\n<h1>Sign in</h1>\n<p>Sorry, but we're having trouble signing you in.</p>\n"
      "<p id=\"error\">" +
      html_escape(e.headline()) +
      "</p>\n<dl>"
      "<dt>Request Id</dt><dd id=\"request-id\">" +
      html_escape(ctx.trace_id) +
      "</dd>"
      "<dt>Correlation Id</dt><dd id=\"correlation-id\">" +
      html_escape(ctx.correlation_id) + "</dd><dt>Timestamp</dt><dd>" +
      html_escape(format_iso8601(ctx.now)) +
      "</dd></dl>\n"
      "</body></html>\n";
  http::Response r = http::text_response(400, std::move(body), "text/html");
  r.headers.set("Cache-Control", "no-store, no-cache");
  r.headers.set("x-ms-request-id", ctx.trace_id);
  r.headers.set("x-ms-ests-server", kEstsServer);
  return r;
}

std::vector<std::pair<std::string, std::string>> aad_error_params(const AadError& e,
                                                                  const ErrorContext& ctx) {
  nlohmann::json body = aad_error_body(e, ctx);
  return {{"error", e.error},
          {"error_description", body["error_description"].get<std::string>()},
          {"error_uri", body["error_uri"].get<std::string>()}};
}

}  // namespace emu::aad
