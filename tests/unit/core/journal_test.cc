#include "emulator/core/journal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace emu {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

JournalEntry entry(std::string listener, std::string method, std::string target, int status) {
  JournalEntry e;
  e.listener = std::move(listener);
  e.method = std::move(method);
  e.target = std::move(target);
  e.status = status;
  return e;
}

std::vector<uint64_t> seqs(const std::vector<JournalEntry>& entries) {
  std::vector<uint64_t> out;
  for (const auto& e : entries) out.push_back(e.seq);
  return out;
}

TEST(JournalTest, CapacityBoundDropsOldestAndKeepsNumbering) {
  Journal journal(100);
  for (int i = 0; i < 10000; ++i) journal.record(entry("arm", "GET", "/x", 200));
  EXPECT_EQ(journal.size(), 100u);
  EXPECT_EQ(journal.capacity(), 100u);
  EXPECT_EQ(journal.total_recorded(), 10000u);
  auto all = journal.query({});
  ASSERT_EQ(all.size(), 100u);
  EXPECT_EQ(all.front().seq, 9901u);
  EXPECT_EQ(all.back().seq, 10000u);

  journal.clear();
  EXPECT_EQ(journal.size(), 0u);
  EXPECT_EQ(journal.record(entry("arm", "GET", "/x", 200)), 10001u);
  EXPECT_EQ(journal.total_recorded(), 10001u);
}

TEST(JournalTest, ZeroCapacityKeepsNothingButNumbers) {
  Journal journal(0);
  EXPECT_EQ(journal.record(entry("arm", "GET", "/", 200)), 1u);
  EXPECT_EQ(journal.record(entry("arm", "GET", "/", 200)), 2u);
  EXPECT_EQ(journal.size(), 0u);
  EXPECT_EQ(journal.total_recorded(), 2u);
}

TEST(JournalTest, QueryFilters) {
  Journal journal(50);
  journal.record(entry("arm", "GET", "/subscriptions/1?api-version=1", 200));      // 1
  journal.record(entry("arm", "PUT", "/subscriptions/1/resourceGroups/rg", 201));  // 2
  journal.record(entry("aad", "POST", "/tenant/oauth2/v2.0/token", 400));          // 3
  journal.record(entry("arm", "get", "/Subscriptions/2", 404));                    // 4
  journal.record(entry("arm", "GET", "/providers", 200));                          // 5

  auto find = [&](auto&& set) {
    JournalQuery q;
    set(q);
    return seqs(journal.query(q));
  };
  EXPECT_THAT(find([](auto& q) { q.listener = "arm"; }), ElementsAre(1, 2, 4, 5));
  EXPECT_THAT(find([](auto& q) { q.method = "get"; }), ElementsAre(1, 4, 5));
  // Glob over the path only (the query string is ignored), case-insensitive.
  EXPECT_THAT(find([](auto& q) { q.path = "/subscriptions/?"; }), ElementsAre(1, 4));
  EXPECT_THAT(find([](auto& q) { q.path = "/subscriptions/*"; }), ElementsAre(1, 2, 4));
  EXPECT_THAT(find([](auto& q) { q.status = 200; }), ElementsAre(1, 5));
  EXPECT_THAT(find([](auto& q) { q.after_seq = 3; }), ElementsAre(4, 5));
  EXPECT_THAT(find([](auto& q) { q.limit = 2; }), ElementsAre(4, 5));
  EXPECT_THAT(find([](auto& q) {
                q.listener = "arm";
                q.status = 200;
                q.limit = 1;
              }),
              ElementsAre(5));
  EXPECT_THAT(find([](auto& q) {
                q.method = "GET";
                q.after_seq = 1;
                q.limit = 5;
              }),
              ElementsAre(4, 5));
  EXPECT_THAT(find([](auto& q) { q.listener = "cmg"; }), ElementsAre());
}

TEST(JournalMaskTest, AuthorizationKeepsScheme) {
  http::Headers headers;
  headers.add("Authorization", "Bearer abc");
  headers.add("proxy-authorization", "opaque");
  headers.add("Cookie", "a=b");
  headers.add("x-ms-storage-key", "k");
  headers.add("ClientToken", "tok");
  headers.add("Content-Type", "text/plain");
  auto masked = mask_headers(headers);
  EXPECT_THAT(masked.items(),
              ElementsAre(Pair("Authorization", "Bearer ***"), Pair("proxy-authorization", "***"),
                          Pair("Cookie", "***"), Pair("x-ms-storage-key", "***"),
                          Pair("ClientToken", "***"), Pair("Content-Type", "text/plain")));
}

TEST(JournalMaskTest, FormBodyMasksOnlySecrets) {
  EXPECT_EQ(mask_body("application/x-www-form-urlencoded",
                      "grant_type=client_credentials&client_secret=s3cr3t&client_id=x"),
            "grant_type=client_credentials&client_secret=***&client_id=x");
  // Parameter names are matched after decoding and without case.
  EXPECT_EQ(mask_body("application/x-www-form-urlencoded; charset=UTF-8", "Pass%77ord=p&&a"),
            "Pass%77ord=***&&a");
  // Not a form: left alone.
  EXPECT_EQ(mask_body("text/plain", "client_secret=s"), "client_secret=s");
}

TEST(JournalMaskTest, JsonBodyMasksRecursively) {
  EXPECT_EQ(mask_body("application/json", R"({"password":"p","user":"u"})"),
            R"({"password":"***","user":"u"})");
  EXPECT_EQ(mask_body("application/merge-patch+json",
                      R"({"a":[{"secretText":"x","n":1}],"b":{"c":{"TOKEN":5}}})"),
            R"({"a":[{"n":1,"secretText":"***"}],"b":{"c":{"TOKEN":"***"}}})");
  // No content type but a JSON-looking body is still masked.
  EXPECT_EQ(mask_body("", R"({"refresh_token":"r"})"), R"({"refresh_token":"***"})");
  // Unchanged bytes when nothing is secret, or when it does not parse.
  EXPECT_EQ(mask_body("application/json", "{ \"user\" : \"u\" }"), "{ \"user\" : \"u\" }");
  EXPECT_EQ(mask_body("application/json", "{\"password\":"), "{\"password\":");
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(mask_body("application/json", deep),
            "(JSON body nested too deeply to mask; not recorded)");
  // A multi-megabyte JSON body is not parsed on the I/O thread to be masked: it is left out.
  const std::string big = R"({"password":")" + std::string(100 * 1024, 'p') + "\"}";
  EXPECT_EQ(mask_body("application/json", big), "(JSON body too large to mask; not recorded)");
}

TEST(JournalMaskTest, TargetMasksSecretQueryValues) {
  EXPECT_EQ(mask_target("/token?code=abc&state=1"), "/token?code=***&state=1");
  EXPECT_EQ(mask_target("/blob?sv=2021&sig=abc%3D"), "/blob?sv=2021&sig=***");
  EXPECT_EQ(mask_target("/plain/path"), "/plain/path");
  EXPECT_EQ(mask_target("/p?"), "/p?");
}

TEST(JournalMaskTest, SecretFieldList) {
  for (std::string_view name :
       {"client_secret", "CLIENT_SECRET", "password", "client_assertion", "assertion",
        "refresh_token", "access_token", "id_token", "code", "code_verifier", "secretText",
        "secret", "passwd", "regtoken", "token", "key", "sig"}) {
    EXPECT_TRUE(is_secret_field(name)) << name;
  }
  for (std::string_view name : {"client_id", "grant_type", "scope", "state", "user", "keys", ""}) {
    EXPECT_FALSE(is_secret_field(name)) << name;
  }
}

TEST(JournalTest, RecordMasksAndTruncates) {
  Journal journal(10);
  JournalEntry e = entry("aad", "POST", "/t/oauth2/token?code=c", 200);
  e.request_headers.add("Authorization", "Basic Zm9vOmJhcg==");
  e.request_headers.add("Content-Type", "application/x-www-form-urlencoded");
  e.request_body = "client_secret=s&pad=" + std::string(5000, 'a');
  e.response_headers.add("Set-Cookie", "session=1");
  journal.record(std::move(e));
  auto got = journal.query({});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/t/oauth2/token?code=***");
  EXPECT_EQ(got[0].request_headers.get_or("Authorization", ""), "Basic ***");
  EXPECT_EQ(got[0].response_headers.get_or("Set-Cookie", ""), "***");
  EXPECT_EQ(got[0].request_body.size(), Journal::kMaxBodyBytes);
  EXPECT_EQ(got[0].request_body.substr(0, 22), "client_secret=***&pad=");
  EXPECT_TRUE(got[0].request_body_truncated);
}

TEST(JournalTest, TruncationKeepsUtf8Whole) {
  Journal journal(1);
  JournalEntry e = entry("arm", "PUT", "/", 200);
  e.request_body = std::string(Journal::kMaxBodyBytes - 1, 'a') + "\xC3\xA9";  // 'é' straddles
  journal.record(std::move(e));
  auto got = journal.query({});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].request_body, std::string(Journal::kMaxBodyBytes - 1, 'a'));
  EXPECT_TRUE(got[0].request_body_truncated);
}

TEST(JournalTest, ToJsonIsStable) {
  JournalEntry e = entry("arm", "GET", "/x", 200);
  e.seq = 7;
  e.time = TimePoint(std::chrono::seconds(1767225600));  // 2026-01-01T00:00:00Z
  e.host = "management.azure.com";
  e.request_id = "rid";
  e.request_headers.add("Accept", "a");
  e.request_headers.add("accept", "b");
  e.request_headers.add("Accept", "c");
  e.request_body = "bad \xFF byte";
  e.response_bytes = 12;
  nlohmann::json j = to_json(e);
  EXPECT_EQ(j.dump(),
            R"({"fault_id":null,"host":"management.azure.com","listener":"arm","method":"GET",)"
            R"("request_body":"bad )"
            "\xEF\xBF\xBD"
            R"( byte","request_body_truncated":false,)"
            R"("request_headers":{"Accept":"a, c","accept":"b"},"request_id":"rid",)"
            R"("response_bytes":12,"response_headers":{},"seq":7,"status":200,"target":"/x",)"
            R"("time":"2026-01-01T00:00:00Z"})");
  e.fault_id = "fault-1";
  EXPECT_EQ(to_json(e)["fault_id"], "fault-1");
}

// ---- Finding 6: the journal is bounded in bytes, not only in entries ----

JournalEntry large_entry(size_t body_bytes, size_t header_bytes) {
  JournalEntry e = entry("arm", "PUT", "/subscriptions/1?api-version=1", 201);
  e.request_headers.add("Content-Type", "application/octet-stream");
  e.request_headers.add("x-pad", std::string(header_bytes, 'h'));
  e.request_body = std::string(body_bytes, 'b');
  return e;
}

TEST(JournalTest, Finding6_TotalBytesStayUnderTheBudget) {
  JournalLimits limits;
  limits.max_entries = 10000;
  limits.max_bytes = 1024 * 1024;
  limits.max_body_bytes = 64 * 1024;
  Journal journal(limits);
  for (int i = 0; i < 300; ++i) {
    journal.record(large_entry(1024 * 1024, 12 * 1024));  // 1 MiB bodies, 12 KiB headers
    ASSERT_LE(journal.bytes(), limits.max_bytes);
  }
  EXPECT_EQ(journal.total_recorded(), 300u);
  const auto held = journal.query({});
  ASSERT_FALSE(held.empty());
  EXPECT_LT(held.size(), 20u);  // ~77 KiB each
  EXPECT_EQ(held.back().seq, 300u);
  size_t sum = 0;
  for (const auto& e : held) sum += journal_entry_bytes(e);
  EXPECT_EQ(sum, journal.bytes());
  // Oldest went first: what is held is the newest, contiguous.
  EXPECT_EQ(held.front().seq, 300u - held.size() + 1);
  journal.clear();
  EXPECT_EQ(journal.bytes(), 0u);
}

TEST(JournalTest, Finding6_CutBodiesKeepTheirOriginalSize) {
  JournalLimits limits;
  limits.max_body_bytes = 64 * 1024;
  Journal journal(limits);
  journal.record(large_entry(3 * 1024 * 1024, 0));
  journal.record(large_entry(100, 0));
  auto held = journal.query({});
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].request_body.size(), 64u * 1024);
  EXPECT_TRUE(held[0].request_body_truncated);
  EXPECT_EQ(held[0].request_body_bytes, 3u * 1024 * 1024);
  EXPECT_LT(journal_entry_bytes(held[0]), 66u * 1024);
  nlohmann::json cut = to_json(held[0]);
  EXPECT_EQ(cut["request_body_truncated"], true);
  EXPECT_EQ(cut["request_body_bytes"], 3 * 1024 * 1024);
  // An uncut body keeps the old JSON form (no request_body_bytes key).
  EXPECT_FALSE(held[1].request_body_truncated);
  EXPECT_FALSE(to_json(held[1]).contains("request_body_bytes"));
}

TEST(JournalTest, DeepJsonBodyIsPlaceholderNotParsedRecursively) {
  Journal journal(1);
  JournalEntry e = entry("arm", "PUT", "/", 400);
  e.request_headers.add("Content-Type", "application/json");
  e.request_body = std::string(20000, '[') + std::string(20000, ']');
  journal.record(std::move(e));
  auto held = journal.query({});
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].request_body.rfind("(JSON body nested too deeply", 0), 0u);
  EXPECT_EQ(held[0].request_body_bytes, 40000u);
}

TEST(JournalTest, Finding6_PagesCoverTheSelectionOnceWhileEntriesArrive) {
  Journal journal(1000);
  for (int i = 0; i < 50; ++i) journal.record(entry(i % 2 ? "arm" : "aad", "GET", "/x", 200));
  JournalQuery q;
  q.listener = "arm";
  std::vector<uint64_t> seen;
  for (int round = 0;; ++round) {
    JournalPage page = journal.page(q, 4, SIZE_MAX);
    for (const auto& e : page.entries) seen.push_back(e.seq);
    if (round == 1)
      for (int i = 0; i < 10; ++i) journal.record(entry("arm", "GET", "/y", 200));
    if (!page.more) break;
    EXPECT_EQ(page.entries.size(), 4u);
    q.after_seq = page.entries.back().seq;
  }
  std::vector<uint64_t> want;
  for (const auto& e : journal.query({}))
    if (e.listener == "arm") want.push_back(e.seq);
  EXPECT_EQ(seen, want);
  EXPECT_EQ(want.size(), 35u);

  // A byte bound: one large entry still makes progress; smaller pages follow it.
  Journal sized(100);
  sized.record(large_entry(4000, 0));
  for (int i = 0; i < 5; ++i) sized.record(entry("arm", "GET", "/z", 200));
  JournalPage first = sized.page({}, 100, 100);
  ASSERT_EQ(first.entries.size(), 1u);
  EXPECT_TRUE(first.more);
  JournalQuery rest;
  rest.limit = 3;
  JournalPage newest = sized.page(rest, 2, SIZE_MAX);
  EXPECT_THAT(seqs(newest.entries), ElementsAre(4, 5));
  EXPECT_TRUE(newest.more);
  EXPECT_EQ(newest.last_seq, 6u);
  rest = JournalQuery{};
  rest.after_seq = 5;
  rest.until_seq = newest.last_seq;
  sized.record(entry("arm", "GET", "/late", 200));  // seq 7: outside the selection
  EXPECT_THAT(seqs(sized.page(rest, 2, SIZE_MAX).entries), ElementsAre(6));
}

}  // namespace
}  // namespace emu
