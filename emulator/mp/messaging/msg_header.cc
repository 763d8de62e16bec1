// The <Msg> header of CcmMessaging (ccm_message.h; README Sources [S1], [S9]). Rendering follows
// the element order of the SCCMSecrets templates SCCM_HEADER_TEMPLATE and
// POLICY_REQUEST_HEADER_TEMPLATE (github.com/synacktiv/SCCMSecrets, utils/request_templates.py,
// commit 55f9b96), which equal sccmhunter's and xpn/sccmwtf's; parsing is by element name in any
// order and any case.
#include "emulator/core/text.h"
#include "emulator/mp/messaging/ccm_message.h"

#include <string>
#include <string_view>

namespace emu::mp::messaging {
namespace {

constexpr std::string_view kZeroGuid = "{00000000-0000-0000-0000-000000000000}";

// The clientauth properties in the order SCCMSecrets writes them; others follow by name.
constexpr std::string_view kClientAuthOrder[] = {"AuthSenderMachine",  "PublicKey",
                                                 "ClientIDSignature",  "PayloadSignature",
                                                 "ClientCapabilities", "HashAlgorithm"};

std::string_view trim_ws(std::string_view s) {
  auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && sp(s.front())) s.remove_prefix(1);
  while (!s.empty() && sp(s.back())) s.remove_suffix(1);
  return s;
}

// Sets *field to the trimmed text of msg's child `name`; an absent child keeps the default.
void text_of(const XmlElement& msg, std::string_view name, std::string* field) {
  const XmlElement* e = msg.child(name, /*ci=*/true);
  if (e != nullptr) *field = std::string(trim_ws(e->text));
}

void element(std::string& out, std::string_view name, std::string_view value) {
  out += '<';
  out += name;
  out += '>';
  out += xml_escape(value);
  out += "</";
  out += name;
  out += '>';
}

}  // namespace

Result<MsgHeader> parse_msg_header(std::string_view xml, const XmlLimits& limits) {
  EMU_ASSIGN_OR_RETURN(XmlElement msg, parse_xml(xml, limits));
  if (!iequals(msg.name, "Msg")) {
    return InvalidArgument("CcmMessaging: header root is <" + msg.name + ">, not <Msg>");
  }
  MsgHeader h;
  h.schema_version = msg.attr_or("SchemaVersion", h.schema_version, /*ci=*/true);
  h.reply_compression = msg.attr_or("ReplyCompression", "", /*ci=*/true);
  text_of(msg, "ID", &h.id);
  text_of(msg, "CorrelationID", &h.correlation_id);
  text_of(msg, "SourceID", &h.source_id);
  text_of(msg, "SourceHost", &h.source_host);
  text_of(msg, "ReplyTo", &h.reply_to);
  text_of(msg, "ReplyMode", &h.reply_mode);
  text_of(msg, "SentTime", &h.sent_time);
  text_of(msg, "Protocol", &h.protocol);
  text_of(msg, "TargetAddress", &h.target_address);
  text_of(msg, "TargetEndpoint", &h.target_endpoint);
  text_of(msg, "TargetHost", &h.target_host);
  text_of(msg, "Timeout", &h.timeout);
  // Body@Length is informative only (no public source says whether the MP checks it), so a
  // missing or unreadable value is 0, not an error.
  if (const XmlElement* body = msg.child("Body", true); body != nullptr) {
    const std::string length = body->attr_or("Length", "", true);
    std::string_view len = trim_ws(length);
    size_t n = 0;
    bool ok = !len.empty() && len.size() <= 12;
    for (char c : len) {
      if (c < '0' || c > '9') {
        ok = false;
        break;
      }
      n = n * 10 + static_cast<size_t>(c - '0');
    }
    h.body_length = ok ? n : 0;
  }
  if (const XmlElement* hooks = msg.child("Hooks", true); hooks != nullptr) {
    // Hooks are told apart by Name (Hook2 = clientauth, Hook3 = zlib-compress in every sample).
    for (const XmlElement& hook : hooks->children) {
      const std::string name = hook.attr_or("Name", "", true);
      if (iequals(name, "zlib-compress")) {
        h.zlib_hook = true;
      } else if (iequals(name, "clientauth")) {
        h.clientauth_hook = true;
        for (const XmlElement& prop : hook.children) {
          if (!iequals(prop.name, "Property")) continue;
          const std::string* pname = prop.attr("Name", true);
          if (pname == nullptr) continue;
          // Values as sent (PXEThief's Token property keeps its line ends), outer blanks off.
          h.clientauth.emplace(*pname, std::string(trim_ws(prop.text)));
        }
      }
    }
  }
  return h;
}

std::string render_msg_header(const MsgHeader& h) {
  std::string out = "<Msg";
  if (!h.reply_compression.empty()) {
    out += " ReplyCompression=\"" + xml_escape(h.reply_compression) + "\"";
  }
  out += " SchemaVersion=\"" + xml_escape(h.schema_version) + "\">";
  out +=
      "<Body Type=\"ByteRange\" Length=\"" + std::to_string(h.body_length) + "\" Offset=\"0\" />";
  // The templates always carry a CorrelationID, all zeros in requests.
  element(out, "CorrelationID", h.correlation_id.empty() ? kZeroGuid : h.correlation_id);
  if (h.clientauth_hook || h.zlib_hook) {
    out += "<Hooks>";
    if (h.clientauth_hook) {
      out += "<Hook2 Name=\"clientauth\">";
      auto prop = [&out](std::string_view name, std::string_view value) {
        out += "<Property Name=\"" + xml_escape(name) + "\">" + xml_escape(value) + "</Property>";
      };
      for (std::string_view name : kClientAuthOrder) {
        if (auto it = h.clientauth.find(std::string(name)); it != h.clientauth.end()) {
          prop(name, it->second);
        }
      }
      for (const auto& [name, value] : h.clientauth) {
        bool known = false;
        for (std::string_view k : kClientAuthOrder) known = known || k == name;
        if (!known) prop(name, value);
      }
      out += "</Hook2>";
    }
    if (h.zlib_hook) out += "<Hook3 Name=\"zlib-compress\" />";
    out += "</Hooks>";
  }
  element(out, "ID", h.id.empty() ? kZeroGuid : h.id);
  out += "<Payload Type=\"inline\" /><Priority>0</Priority>";
  element(out, "Protocol", h.protocol);
  element(out, "ReplyMode", h.reply_mode);
  element(out, "ReplyTo", h.reply_to);
  if (!h.sent_time.empty()) element(out, "SentTime", h.sent_time);
  if (!h.source_id.empty()) element(out, "SourceID", h.source_id);
  if (!h.source_host.empty()) element(out, "SourceHost", h.source_host);
  element(out, "TargetAddress", h.target_address);
  element(out, "TargetEndpoint", h.target_endpoint);
  element(out, "TargetHost", h.target_host);
  element(out, "Timeout", h.timeout);
  out += "</Msg>";
  return out;
}

}  // namespace emu::mp::messaging
