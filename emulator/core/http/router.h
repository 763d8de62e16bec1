// Router: maps (method, host, path pattern) to a synchronous handler.
// Patterns are literal segments and {param} segments, e.g.
//   "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}"
// A final "{param...}" segment captures the rest of the path (slashes included).
// Matching is case-insensitive for literal segments when the router is built so (ARM is).
#pragma once

#include "emulator/core/http/message.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::http {

// Splits a path into its non-empty '/'-separated segments ("//a/b/" -> {"a","b"}): empty
// segments are ignored, as Azure front ends do for "//metadata/endpoints". The views point
// into `path`, which must outlive them. Pure; never throws except std::bad_alloc.
std::vector<std::string_view> split_path(std::string_view path);

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  struct Options {
    bool case_insensitive = false;
    // Called for a path no route matches, or a method no route on a matching path allows.
    // `path_matched` tells which (a service may answer 405 or its own 404 shape).
    std::function<Response(Request&, bool path_matched)> not_found;
  };
  Router();
  explicit Router(Options options);

  // `method` is an HTTP method or "*" for any; `host` is a lower-case host name or "*".
  // Routes are tried in insertion order; the first match wins.
  void add(std::string method, std::string host, std::string pattern, Handler handler);
  void get(std::string pattern, Handler h) { add("GET", "*", std::move(pattern), std::move(h)); }
  void post(std::string pattern, Handler h) { add("POST", "*", std::move(pattern), std::move(h)); }
  void put(std::string pattern, Handler h) { add("PUT", "*", std::move(pattern), std::move(h)); }
  void del(std::string pattern, Handler h) { add("DELETE", "*", std::move(pattern), std::move(h)); }

  // Finds the route for `req` (method, host, path), fills req.params and calls it; otherwise
  // calls the not_found handler (default: 404 text). Never throws: a handler exception becomes
  // a 500 response.
  Response dispatch(Request& req) const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool param = false;
    bool rest = false;  // "{name...}": matches the remainder
  };
  struct Route {
    std::string method;
    std::string host;
    std::vector<Segment> segments;
    Handler handler;
  };
  bool match(const Route& route, const std::vector<std::string_view>& parts, Request& req) const;

  Options options_;
  std::vector<Route> routes_;
};

}  // namespace emu::http
