// CCM_Client/ (the "CCM Client Deployment Pool" IIS application): GET/HEAD with single byte
// ranges (206 + Content-Range, 416 when unsatisfiable; RFC 9110 §14 — the Range header must
// pass a CMG: memdocs cmg/data-flow.md), and a minimal PROPFIND listing (DTS/BITS list the
// folder with PROPFIND [inferred from the verb list of the same page]).
#include "emulator/core/text.h"
#include "emulator/mp/internal.h"

namespace emu::mp::internal {
namespace {

const std::vector<ClientFile>& files_of(MpState& s) {
  std::string version = site_full_version("2203");
  if (sitedb::SiteDb* db = s.db()) {
    auto site = db->site();
    if (site.ok()) version = site_full_version(site->version);
  }
  if (s.client_files.empty() || s.client_files_version != version) {
    s.client_files = build_client_files(version);
    s.client_files_version = version;
  }
  return s.client_files;
}

http::Response propfind(const std::vector<ClientFile>& files, const std::string& base) {
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:multistatus xmlns:D=\"DAV:\">";
  x += "<D:response><D:href>" + base +
       "/</D:href><D:propstat><D:prop><D:resourcetype>"
       "<D:collection/></D:resourcetype></D:prop><D:status>HTTP/1.1 200 OK</D:status>"
       "</D:propstat></D:response>";
  for (const ClientFile& f : files)
    x += "<D:response><D:href>" + base + "/" + f.path +
         "</D:href><D:propstat><D:prop><D:getcontentlength>" + std::to_string(f.bytes.size()) +
         "</D:getcontentlength><D:resourcetype/></D:prop><D:status>HTTP/1.1 200 OK</D:status>"
         "</D:propstat></D:response>";
  x += "</D:multistatus>";
  return http::text_response(207, x, "text/xml; charset=\"utf-8\"");
}

}  // namespace

http::Response handle_ccm_client(MpState& s, http::Request& req) {
  const std::vector<std::string_view> segs = http::split_path(req.path);
  std::string rel;
  for (size_t i = 1; i < segs.size(); ++i) {
    if (!rel.empty()) rel += "/";
    rel += to_lower(http::url_decode(segs[i]));
  }
  const std::vector<ClientFile>& files = files_of(s);
  if (req.method == "PROPFIND") {
    if (!rel.empty()) return iis_error(404);
    return propfind(files, "/CCM_Client");
  }
  if (req.method != "GET" && req.method != "HEAD") return iis_error(405);
  const ClientFile* file = nullptr;
  for (const ClientFile& f : files)
    if (f.path == rel) file = &f;
  if (file == nullptr) return iis_error(404);
  const size_t size = file->bytes.size();
  http::Response r;
  r.headers.set("Content-Type", file->content_type);
  r.headers.set("Accept-Ranges", "bytes");
  r.headers.set("ETag", "\"" + file->sha256.substr(0, 16) + "\"");
  ByteRange range;
  const RangeResult rr = parse_range(req.headers.get_or("Range", ""), size, &range);
  if (rr == RangeResult::kUnsatisfiable) {
    r.status = 416;
    r.headers.set("Content-Range", "bytes */" + std::to_string(size));
    return r;
  }
  if (rr == RangeResult::kRange) {
    r.status = 206;
    r.headers.set("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                       std::to_string(range.last) + "/" + std::to_string(size));
    r.body = file->bytes.substr(range.first, range.last - range.first + 1);
  } else {
    r.status = 200;
    r.body = file->bytes;
  }
  if (req.method == "HEAD") {
    r.headers.set("Content-Length", std::to_string(r.body.size()));
    r.body.clear();
  }
  return r;
}

}  // namespace emu::mp::internal
