#include "emulator/core/http/router.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace emu::http {
namespace {

Request make(std::string method, std::string path, std::string host = "management.azure.com") {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.host = std::move(host);
  return r;
}

Handler echo(std::string tag) {
  return [tag](Request& req) {
    nlohmann::json j = {{"tag", tag}, {"params", req.params}};
    return json_response(200, j);
  };
}

TEST(Router, MatchesParamsAndLiterals) {
  Router r;
  r.get("/subscriptions/{sub}/resourcegroups/{rg}", echo("rg"));
  r.get("/subscriptions/{sub}", echo("sub"));
  auto req = make("GET", "/subscriptions/abc/resourcegroups/my%20rg");
  auto res = r.dispatch(req);
  ASSERT_EQ(res.status, 200);
  auto j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["tag"], "rg");
  EXPECT_EQ(j["params"]["sub"], "abc");
  EXPECT_EQ(j["params"]["rg"], "my rg");
  req = make("GET", "/subscriptions/abc");
  EXPECT_EQ(nlohmann::json::parse(r.dispatch(req).body)["tag"], "sub");
}

TEST(Router, CaseSensitivityFollowsOptions) {
  Router strict;
  strict.get("/metadata/endpoints", echo("m"));
  auto req = make("GET", "/Metadata/Endpoints");
  EXPECT_EQ(strict.dispatch(req).status, 404);

  Router arm({.case_insensitive = true, .not_found = nullptr});
  arm.get("/subscriptions/{sub}/resourceGroups/{rg}", echo("rg"));
  req = make("GET", "/SUBSCRIPTIONS/Abc/RESOURCEGROUPS/Rg1");
  auto res = arm.dispatch(req);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(nlohmann::json::parse(res.body)["params"]["sub"], "Abc");  // params keep case
}

TEST(Router, EmptySegmentsAreIgnored) {
  Router r;
  r.get("/metadata/endpoints", echo("m"));
  auto req = make("GET", "//metadata/endpoints/");
  EXPECT_EQ(r.dispatch(req).status, 200);
}

TEST(Router, RestParameterCapturesRemainder) {
  Router r;
  r.get("/CCM_Proxy_ServerAuth/{role}/{rest...}", echo("proxy"));
  auto req = make("GET", "/CCM_Proxy_ServerAuth/72057594037927939/SMS_MP/.sms_aut");
  auto res = r.dispatch(req);
  ASSERT_EQ(res.status, 200);
  auto j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["params"]["role"], "72057594037927939");
  EXPECT_EQ(j["params"]["rest"], "SMS_MP/.sms_aut");
  req = make("GET", "/CCM_Proxy_ServerAuth/1");
  EXPECT_EQ(r.dispatch(req).status, 404);
}

TEST(Router, MethodAndHostSelectRoutes) {
  Router r;
  r.add("CCM_POST", "*", "/ccm_system/request", echo("ccm"));
  r.add("GET", "graph.microsoft.com", "/v1.0/me", echo("graph"));
  r.add("*", "*", "/any", echo("any"));
  auto req = make("CCM_POST", "/ccm_system/request");
  EXPECT_EQ(r.dispatch(req).status, 200);
  req = make("GET", "/ccm_system/request");
  EXPECT_EQ(r.dispatch(req).status, 405);
  req = make("GET", "/v1.0/me", "graph.microsoft.com");
  EXPECT_EQ(r.dispatch(req).status, 200);
  req = make("GET", "/v1.0/me", "management.azure.com");
  EXPECT_EQ(r.dispatch(req).status, 404);
  req = make("DELETE", "/any");
  EXPECT_EQ(r.dispatch(req).status, 200);
}

TEST(Router, ServiceNotFoundShapeAndExceptions) {
  Router::Options o;
  o.not_found = [](Request& req, bool path_matched) {
    return json_response(path_matched ? 405 : 404,
                         {{"error", {{"code", "InvalidResourceType"}, {"message", req.path}}}});
  };
  Router r(o);
  r.get("/boom", [](Request&) -> Response { throw std::runtime_error("kaput"); });
  auto req = make("GET", "/nope");
  auto res = r.dispatch(req);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"]["code"], "InvalidResourceType");
  req = make("GET", "/boom");
  res = r.dispatch(req);
  EXPECT_EQ(res.status, 500);
  EXPECT_NE(res.body.find("kaput"), std::string::npos);
}

TEST(Message, QueryFormAndHeaders) {
  auto form =
      parse_form("grant_type=client_credentials&scope=https%3A%2F%2Fx%2F.default&a+b=c+d&flag");
  ASSERT_EQ(form.size(), 4u);
  EXPECT_EQ(form[1].second, "https://x/.default");
  EXPECT_EQ(form[2].first, "a b");
  EXPECT_EQ(form[2].second, "c d");
  EXPECT_EQ(form[3].first, "flag");
  EXPECT_EQ(url_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(url_encode("a b/é"), "a%20b%2F%C3%A9");

  Headers h;
  h.set("Content-Type", "a");
  h.add("Set-Cookie", "1");
  h.add("set-cookie", "2");
  EXPECT_EQ(h.get("content-type").value(), "a");
  h.set("SET-COOKIE", "3");
  EXPECT_EQ(h.items().size(), 2u);
  EXPECT_EQ(h.get_or("x-missing", "dflt"), "dflt");

  Request req;
  req.query = {{"api-version", "2022-12-01"}};
  EXPECT_FALSE(req.query_param("API-VERSION").has_value());
  EXPECT_EQ(req.query_param_ci("API-VERSION").value(), "2022-12-01");
}

TEST(Message, JsonBodyErrorsNameTheOffset) {
  Request req;
  auto r = parse_json_body(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "request body is empty; a JSON document is required");
  req.body = "{\"a\": }";
  r = parse_json_body(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("malformed JSON at byte 7"), std::string::npos);
}

}  // namespace
}  // namespace emu::http
