// Fuzz target: request-side helpers that see raw client bytes — form/query parsing, percent
// decoding, routing of arbitrary paths, journal masking — must never crash.
#include "emulator/core/faults.h"
#include "emulator/core/http/router.h"
#include "emulator/core/journal.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const emu::http::Router router = [] {
    emu::http::Router r({.case_insensitive = true, .not_found = nullptr});
    auto ok = [](emu::http::Request&) { return emu::http::text_response(200, "ok"); };
    r.get("/subscriptions/{sub}/resourcegroups/{rg}", ok);
    r.get("/CCM_Proxy_ServerAuth/{role}/{rest...}", ok);
    return r;
  }();
  std::string input(reinterpret_cast<const char*>(data), size);
  emu::http::Request req;
  req.method = "GET";
  req.path = input.substr(0, input.find('?'));
  req.query = emu::http::parse_form(input);
  (void)router.dispatch(req);
  (void)emu::http::url_decode(input, true);
  (void)emu::mask_target(input);
  (void)emu::mask_body("application/x-www-form-urlencoded", input);
  (void)emu::mask_body("application/json", input);
  (void)emu::glob_match(input.substr(0, 16), input, true);
  return 0;
}
