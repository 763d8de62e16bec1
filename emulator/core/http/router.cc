#include "emulator/core/http/router.h"

#include <exception>

namespace emu::http {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

namespace {

Response default_not_found(Request& req, bool path_matched) {
  if (path_matched) return text_response(405, "Method Not Allowed: " + req.method + "\n");
  return text_response(404, "Not Found: " + req.path + "\n");
}

}  // namespace

Router::Router() : Router(Options{}) {}

Router::Router(Options options) : options_(std::move(options)) {
  if (!options_.not_found) options_.not_found = default_not_found;
}

void Router::add(std::string method, std::string host, std::string pattern, Handler handler) {
  Route route;
  route.method = std::move(method);
  route.host = to_lower(host);
  for (auto part : split_path(pattern)) {
    Segment seg;
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      seg.param = true;
      std::string_view name = part.substr(1, part.size() - 2);
      if (name.size() > 3 && name.substr(name.size() - 3) == "...") {
        seg.rest = true;
        name.remove_suffix(3);
      }
      seg.text = std::string(name);
    } else {
      seg.text = options_.case_insensitive ? to_lower(part) : std::string(part);
    }
    route.segments.push_back(std::move(seg));
  }
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

bool Router::match(const Route& route, const std::vector<std::string_view>& parts,
                   Request& req) const {
  std::map<std::string, std::string> params;
  size_t i = 0;
  for (; i < route.segments.size(); ++i) {
    const Segment& seg = route.segments[i];
    if (seg.rest) {
      if (i >= parts.size()) return false;
      std::string rest;
      for (size_t k = i; k < parts.size(); ++k) {
        if (k > i) rest.push_back('/');
        rest += url_decode(parts[k]);
      }
      params[seg.text] = std::move(rest);
      req.params = std::move(params);
      return true;
    }
    if (i >= parts.size()) return false;
    if (seg.param) {
      params[seg.text] = url_decode(parts[i]);
    } else if (options_.case_insensitive ? !iequals(seg.text, parts[i]) : seg.text != parts[i]) {
      return false;
    }
  }
  if (i != parts.size()) return false;
  req.params = std::move(params);
  return true;
}

Response Router::dispatch(Request& req) const {
  auto parts = split_path(req.path);
  bool path_matched = false;
  try {
    for (const auto& route : routes_) {
      if (route.host != "*" && route.host != req.host) continue;
      if (!match(route, parts, req)) continue;
      if (route.method != "*" && route.method != req.method) {
        path_matched = true;
        continue;
      }
      return route.handler(req);
    }
    req.params.clear();
    return options_.not_found(req, path_matched);
  } catch (const std::exception& e) {
    return text_response(500, std::string("Internal Server Error: ") + e.what() + "\n");
  } catch (...) {
    return text_response(500, "Internal Server Error\n");
  }
}

}  // namespace emu::http
