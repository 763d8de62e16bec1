// multipart/mixed (RFC 2046 §5.1) as CcmMessaging uses it (ccm_message.h; README Sources [S1],
// [S6]): parsing takes whatever boundary the Content-Type declares, quoted or not (PXEThief and
// SharpSCCM send random ones), part headers in any case, LF or CRLF line ends, an optional
// preamble and epilogue; building writes exactly the SCCMSecrets layout (lower-case
// "content-type" headers, no CRLF after the closing delimiter).
#include "emulator/core/text.h"
#include "emulator/mp/messaging/ccm_message.h"

#include <string>
#include <string_view>
#include <vector>

namespace emu::mp::messaging {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The boundary parameter of a multipart Content-Type, unquoted.
Result<std::string> boundary_of(std::string_view content_type) {
  const size_t semi = content_type.find(';');
  std::string_view type = trim(content_type.substr(0, semi));
  if (type.size() < 10 || !iequals(type.substr(0, 10), "multipart/")) {
    return InvalidArgument("multipart: Content-Type '" + std::string(type) + "' is not multipart");
  }
  size_t pos = semi;
  while (pos != std::string_view::npos && pos < content_type.size()) {
    ++pos;  // past ';'
    size_t eq = content_type.find('=', pos);
    if (eq == std::string_view::npos) break;
    std::string_view name = trim(content_type.substr(pos, eq - pos));
    size_t v = eq + 1;
    while (v < content_type.size() && (content_type[v] == ' ' || content_type[v] == '\t')) ++v;
    std::string value;
    size_t next;
    if (v < content_type.size() && content_type[v] == '"') {
      size_t i = v + 1;
      bool closed = false;
      for (; i < content_type.size(); ++i) {
        char c = content_type[i];
        if (c == '\\' && i + 1 < content_type.size()) {
          value += content_type[++i];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return InvalidArgument("multipart: unterminated quoted parameter");
      next = content_type.find(';', i);
    } else {
      next = content_type.find(';', v);
      value = std::string(trim(content_type.substr(
          v, next == std::string_view::npos ? std::string_view::npos : next - v)));
    }
    if (iequals(name, "boundary")) {
      if (value.empty() || value.size() > 200) {
        return InvalidArgument("multipart: bad boundary length");
      }
      return value;
    }
    pos = next;
  }
  return InvalidArgument("multipart: Content-Type has no boundary");
}

// Position of the next delimiter line "--boundary" at or after `from` that starts a line
// (at `from` itself when `at_line_start`). npos when none.
size_t find_delimiter(std::string_view body, std::string_view dash_boundary, size_t from,
                      bool at_line_start) {
  size_t pos = from;
  while (true) {
    size_t hit = body.find(dash_boundary, pos);
    if (hit == std::string_view::npos) return hit;
    if ((hit == from && at_line_start) || (hit > 0 && body[hit - 1] == '\n')) return hit;
    pos = hit + 1;
  }
}

}  // namespace

std::string Part::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return "";
}

Result<std::vector<Part>> parse_multipart(std::string_view content_type, std::string_view body,
                                          const MessageLimits& limits) {
  if (body.size() > limits.max_request_bytes) {
    return ResourceExhausted("multipart: body of " + std::to_string(body.size()) +
                             " bytes exceeds " + std::to_string(limits.max_request_bytes));
  }
  EMU_ASSIGN_OR_RETURN(std::string boundary, boundary_of(content_type));
  const std::string dash = "--" + boundary;
  size_t pos = find_delimiter(body, dash, 0, /*at_line_start=*/true);
  if (pos == std::string_view::npos) return InvalidArgument("multipart: no opening delimiter");
  std::vector<Part> parts;
  while (true) {
    pos += dash.size();
    if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter; epilogue ignored
    // Transport padding, then the line end.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) == "\r\n") {
      pos += 2;
    } else if (body.substr(pos, 1) == "\n") {
      pos += 1;
    } else {
      return InvalidArgument("multipart: malformed delimiter line");
    }
    if (parts.size() >= limits.max_parts) {
      return ResourceExhausted("multipart: more than " + std::to_string(limits.max_parts) +
                               " parts");
    }
    Part part;
    // Header lines until an empty line.
    while (true) {
      size_t eol = body.find('\n', pos);
      if (eol == std::string_view::npos) return InvalidArgument("multipart: unterminated headers");
      std::string_view line = body.substr(pos, eol - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      pos = eol + 1;
      if (line.empty()) break;
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;  // not a header: ignored
      if (part.headers.size() >= 64) return ResourceExhausted("multipart: too many part headers");
      part.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                std::string(trim(line.substr(colon + 1))));
    }
    size_t next = find_delimiter(body, dash, pos, /*at_line_start=*/true);
    if (next == std::string_view::npos) {
      return InvalidArgument("multipart: part " + std::to_string(parts.size() + 1) +
                             " is not closed by a delimiter");
    }
    // The line end before the delimiter belongs to the delimiter.
    size_t end = next;
    if (end > pos && body[end - 1] == '\n') --end;
    if (end > pos && body[end - 1] == '\r') --end;
    part.body = std::string(body.substr(pos, end - pos));
    parts.push_back(std::move(part));
    pos = next;
  }
}

std::string build_multipart(const std::vector<Part>& parts, std::string_view boundary) {
  std::string out;
  for (const Part& p : parts) {
    out += "--";
    out += boundary;
    out += "\r\n";
    for (const auto& [k, v] : p.headers) {
      out += k;
      out += ": ";
      out += v;
      out += "\r\n";
    }
    out += "\r\n";
    out += p.body;
    out += "\r\n";
  }
  out += "--";
  out += boundary;
  out += "--";
  return out;
}

std::string multipart_content_type(std::string_view boundary) {
  return "multipart/mixed; boundary=\"" + std::string(boundary) + "\"";
}

}  // namespace emu::mp::messaging
