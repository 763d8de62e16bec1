// Text encodings: markup escaping and base64url (RFC 4648 §5 test vectors, canonical decoding).
#include "emulator/core/text.h"

#include <gtest/gtest.h>

namespace emu {
namespace {

TEST(AsciiCase, MapsOnlyAsciiLetters) {
  EXPECT_EQ(to_lower("CMG.Contoso.COM-01"), "cmg.contoso.com-01");
  EXPECT_EQ(to_upper("cmg.contoso.com-01"), "CMG.CONTOSO.COM-01");
  EXPECT_EQ(to_upper("\xc3\xa9t\xc3\xa9"), "\xc3\xa9T\xc3\xa9");  // UTF-8 bytes unchanged
  EXPECT_TRUE(iequals("Content-Type", "content-TYPE"));
  EXPECT_FALSE(iequals("abc", "abd"));
  EXPECT_FALSE(iequals("abc", "ab"));
  EXPECT_EQ(ascii_lower('['), '[');  // between 'Z' and 'a'
  EXPECT_EQ(ascii_upper('`'), '`');
}

TEST(Trim, DropsAsciiWhitespaceAtBothEnds) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim("\v\fx"), "x");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0");  // UTF-8 NBSP is not ASCII space
}

TEST(Base64Url, Rfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  // The URL-safe alphabet: 0xfb 0xff -> "-_8" (standard base64 would give "+/8=").
  EXPECT_EQ(base64url_encode(std::string("\xfb\xff", 2)), "-_8");
}

TEST(Base64Url, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 37) {
    auto back = base64url_decode(base64url_encode(all.substr(0, n)));
    ASSERT_TRUE(back.ok()) << n;
    EXPECT_EQ(*back, all.substr(0, n));
  }
}

TEST(Base64Url, RefusesNonCanonicalText) {
  EXPECT_EQ(base64url_decode("Zg").value(), "f");
  EXPECT_EQ(base64url_decode("Z").status().code(), StatusCode::kInvalidArgument);      // length
  EXPECT_EQ(base64url_decode("Zm9v+").status().code(), StatusCode::kInvalidArgument);  // '+'
  EXPECT_EQ(base64url_decode("Zg==").status().code(), StatusCode::kInvalidArgument);   // padding
  EXPECT_EQ(base64url_decode("Zh").status().code(), StatusCode::kInvalidArgument);     // bits
}

TEST(Base64, StandardAlphabetWithPadding) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(base64_decode("+/8=").value(), "\xfb\xff");
  EXPECT_EQ(base64_decode("+/8").value(), "\xfb\xff");  // padding optional
  EXPECT_EQ(base64_decode("-_8").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(base64_decode("Z===").status().code(), StatusCode::kInvalidArgument);
}

TEST(Escape, XmlAndHtml) {
  EXPECT_EQ(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(html_escape("<'>"), "&lt;&#39;&gt;");
}

}  // namespace
}  // namespace emu
