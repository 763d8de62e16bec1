// The bounded XML reader (emulator/core/xml.h) on real ConfigMgr bodies and on hostile input.
#include "emulator/core/xml.h"

#include <gtest/gtest.h>

#include <string>

namespace emu {
namespace {

// SCCMSecrets' REGISTRATION_REQUEST_TEMPLATE (github.com/synacktiv/SCCMSecrets, commit
// 55f9b96, utils/request_templates.py) with its placeholders filled, line breaks as sent.
constexpr const char* kRegistrationData =
    "<Data HashAlgorithm=\"1.2.840.113549.1.1.11\" SMSID=\"\" RequestType=\"Registration\" "
    "TimeStamp=\"2025-01-15T10:20:30Z\">\n"
    "<AgentInformation AgentIdentity=\"CCMSetup.exe\" AgentVersion=\"5.00.8325.0000\" "
    "AgentType=\"0\" />\n"
    "<Certificates><Encryption Encoding=\"HexBinary\" KeyType=\"1\">3082ABCD</Encryption>"
    "<Signing Encoding=\"HexBinary\" KeyType=\"1\">3082ABCD</Signing></Certificates>\n"
    "<DiscoveryProperties><Property Name=\"Netbios Name\" Value=\"DESKTOP-FAKE01\" />\n"
    "<Property Name=\"FQ Name\" Value=\"DESKTOP-FAKE01.contoso.com\" />\n"
    "<Property Name=\"Locale ID\" Value=\"2057\" />\n"
    "<Property Name=\"InternetFlag\" Value=\"0\" />\n"
    "</DiscoveryProperties></Data>";

TEST(XmlTest, ParsesTheSccmSecretsRegistrationData) {
  auto doc = parse_xml(kRegistrationData);
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  EXPECT_EQ(doc->name, "Data");
  EXPECT_EQ(doc->attr_or("RequestType"), "Registration");
  ASSERT_NE(doc->attr("SMSID"), nullptr);
  EXPECT_EQ(*doc->attr("SMSID"), "");
  ASSERT_EQ(doc->children.size(), 3u);
  const XmlElement* certs = doc->child("Certificates");
  ASSERT_NE(certs, nullptr);
  ASSERT_NE(certs->child("Signing"), nullptr);
  EXPECT_EQ(certs->child("Signing")->text, "3082ABCD");
  EXPECT_EQ(certs->child("signing"), nullptr);
  EXPECT_NE(certs->child("signing", /*ci=*/true), nullptr);
  const XmlElement* props = doc->child("DiscoveryProperties");
  ASSERT_NE(props, nullptr);
  ASSERT_EQ(props->children.size(), 4u);
  EXPECT_EQ(props->children[1].attr_or("Value"), "DESKTOP-FAKE01.contoso.com");
  EXPECT_EQ(props->children[2].attr_or("name", "none", /*ci=*/true), "Locale ID");
  EXPECT_EQ(props->children[2].attr_or("name", "none"), "none");
  // The root's own character data: the line breaks between its children.
  EXPECT_EQ(doc->text, "\n\n\n");
}

TEST(XmlTest, ParsesTheSccmSecretsPolicyRequestAndSynacktivLocationRequest) {
  // SCCMSecrets POLICY_REQUEST_TEMPLATE (utils/request_templates.py) filled in.
  auto ra = parse_xml(
      "<RequestAssignments SchemaVersion=\"1.00\" ACK=\"false\" RequestType=\"Always\">"
      "<Identification><Machine><ClientID>GUID:C66EE0FD-08E7-4B38-B282-7E6954B71139</ClientID>"
      "<FQDN>desktop.contoso.com</FQDN><NetBIOSName>DESKTOP</NetBIOSName><SID /></Machine><User />"
      "</Identification><PolicySource>SMS:PRI</PolicySource><Resource ResourceType=\"Machine\" />"
      "<ServerCookie /></RequestAssignments>");
  ASSERT_TRUE(ra.ok()) << ra.status().to_string();
  const XmlElement* machine = ra->child("Identification")->child("Machine");
  ASSERT_NE(machine, nullptr);
  EXPECT_EQ(machine->child("ClientID")->text, "GUID:C66EE0FD-08E7-4B38-B282-7E6954B71139");
  EXPECT_EQ(ra->child("PolicySource")->text, "SMS:PRI");
  EXPECT_EQ(ra->child("Resource")->attr_or("ResourceType"), "Machine");
  // synacktiv/CcmMessagingBackdoor ccmmessaging_backdoor_client.py tpl_SiteInformationRequest.
  auto si = parse_xml("<SiteInformationRequest><SiteCode Name=\"PS1\" /></SiteInformationRequest>");
  ASSERT_TRUE(si.ok());
  EXPECT_EQ(si->child("SiteCode")->attr_or("Name"), "PS1");
}

TEST(XmlTest, CdataEntitiesAndCharacterReferences) {
  // A PolicyLocation as SCCMSecrets reads it (policy[0].text, CDATA with the <mp> placeholder).
  auto doc = parse_xml(
      "<Policy PolicyID=\"{B040D195-8FA8-48D3-953F-17E878DAB23D}\" PolicyVersion=\"1.00\">"
      "<PolicyLocation><![CDATA[http://<mp>/SMS_MP/.sms_pol?{B040D195}.SHA256:0EE4]]>"
      "</PolicyLocation><Note a=\"&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x20AC;&#x1D11E;\">"
      "x &lt; y &amp;&amp; &#x3C;z&#62;</Note></Policy>");
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  EXPECT_EQ(doc->child("PolicyLocation")->text,
            "http://<mp>/SMS_MP/.sms_pol?{B040D195}.SHA256:0EE4");
  EXPECT_EQ(doc->child("Note")->attr_or("a"), "<>&\"'AB\xE2\x82\xAC\xF0\x9D\x84\x9E");
  EXPECT_EQ(doc->child("Note")->text, "x < y && <z>");
}

TEST(XmlTest, TextAndCdataConcatenateAroundChildren) {
  auto doc = parse_xml("<a>one<b/>two<![CDATA[<three>]]><!-- c --><?pi x?>four</a>");
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  EXPECT_EQ(doc->text, "onetwo<three>four");
  EXPECT_EQ(doc->children.size(), 1u);
}

TEST(XmlTest, SkipsDeclarationBomCommentsAndTrailingNuls) {
  std::string doc_text =
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- hi -->"
      "<?pi?><Msg SchemaVersion='1.1'/>\r\n<!-- after -->";
  doc_text.append(3, '\0');
  auto doc = parse_xml(doc_text);
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  EXPECT_EQ(doc->name, "Msg");
  EXPECT_EQ(doc->attr_or("SchemaVersion"), "1.1");
}

TEST(XmlTest, NormalisesLineEnds) {
  auto doc = parse_xml("<a v=\"x\r\ny\tz\">l1\r\nl2\rl3<![CDATA[\r\n]]></a>");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->attr_or("v"), "x y z");
  EXPECT_EQ(doc->text, "l1\nl2\nl3\n");
}

TEST(XmlTest, RefusesDoctypeSoNoEntityExpansion) {
  // The "billion laughs" document: refused before any entity is looked at.
  auto doc = parse_xml(
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(doc.status().message().find("DOCTYPE"), std::string::npos);
  EXPECT_EQ(parse_xml("<a><!DOCTYPE x></a>").status().code(), StatusCode::kInvalidArgument);
  // An undeclared entity is an error, not an expansion.
  EXPECT_EQ(parse_xml("<a>&lol;</a>").status().code(), StatusCode::kInvalidArgument);
}

TEST(XmlTest, MalformedInputIsInvalidArgumentWithOffset) {
  const char* bad[] = {
      "",
      "   ",
      "text<a/>",
      "<a>",
      "<a></b>",
      "<a><b></a></b>",
      "<a/><b/>",
      "<a/>junk",
      "<a x=1/>",
      "<a x=\"1\" x=\"2\"/>",
      "<a x=\"<\"/>",
      "<a x=\"1\"y=\"2\"/>",
      "<a>&#0;</a>",
      "<a>&#xD800;</a>",
      "<a>&#x110000;</a>",
      "<a>&#xZZ;</a>",
      "<a>&amp</a>",
      "<a><![CDATA[x</a>",
      "<a><!-- x</a>",
      "<a><!-- a -- b --></a>",
      "<1a/>",
      "<a",
      "<a b",
  };
  for (const char* text : bad) {
    auto doc = parse_xml(text);
    ASSERT_FALSE(doc.ok()) << "accepted: " << text;
    EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(doc.status().message().find("at offset"), std::string::npos) << text;
  }
}

std::string nested(size_t depth) {
  std::string s;
  for (size_t i = 0; i < depth; ++i) s += "<e>";
  for (size_t i = 0; i < depth; ++i) s += "</e>";
  return s;
}

TEST(XmlTest, DepthIsBounded) {
  XmlLimits limits;
  limits.max_depth = 32;
  auto ok = parse_xml(nested(32), limits);
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  const XmlElement* e = &*ok;
  size_t depth = 1;
  while (!e->children.empty()) e = &e->children[0], ++depth;
  EXPECT_EQ(depth, 32u);
  EXPECT_EQ(parse_xml(nested(33), limits).status().code(), StatusCode::kResourceExhausted);
  // Far deeper than any stack would take if the reader recursed: refused, not crashed.
  std::string deep;
  for (int i = 0; i < 1000000; ++i) deep += "<e>";
  EXPECT_EQ(parse_xml(deep).status().code(), StatusCode::kResourceExhausted);
}

TEST(XmlTest, SizeNodesAndAttributesAreBounded) {
  XmlLimits limits;
  limits.max_bytes = 64;
  EXPECT_EQ(parse_xml("<a>" + std::string(100, 'x') + "</a>", limits).status().code(),
            StatusCode::kResourceExhausted);
  limits = XmlLimits{};
  limits.max_nodes = 10;
  std::string many = "<r>";
  for (int i = 0; i < 9; ++i) many += "<c/>";
  many += "</r>";
  EXPECT_TRUE(parse_xml(many, limits).ok());
  many.insert(3, "<c/>");
  EXPECT_EQ(parse_xml(many, limits).status().code(), StatusCode::kResourceExhausted);
  limits = XmlLimits{};
  limits.max_attributes = 3;
  EXPECT_TRUE(parse_xml("<a x='1' y='2' z='3'/>", limits).ok());
  EXPECT_EQ(parse_xml("<a x='1' y='2' z='3' w='4'/>", limits).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(XmlTest, EscapeRoundTripsThroughTheParser) {
  const std::string value = "a<b>&\"c'd\xE2\x82\xAC";
  EXPECT_EQ(xml_escape(value), "a&lt;b&gt;&amp;&quot;c&apos;d\xE2\x82\xAC");
  auto doc = parse_xml("<x v=\"" + xml_escape(value) + "\">" + xml_escape(value) + "</x>");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->attr_or("v"), value);
  EXPECT_EQ(doc->text, value);
}

}  // namespace
}  // namespace emu
