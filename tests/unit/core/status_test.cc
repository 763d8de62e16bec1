// Status and Result<T[, E]>: the value-or-error type with a Status or a party's own error.
#include "emulator/core/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace emu {
namespace {

TEST(ResultTest, HoldsAValueOrANonOkStatus) {
  Result<int> value = 7;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  EXPECT_TRUE(value.status().ok());
  Result<int> error = NotFound("no such thing");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(error.status().message(), "no such thing");
  EXPECT_EQ(&error.error(), &error.status());
  EXPECT_EQ(error.value_or(3), 3);
}

TEST(ResultTest, AnOkStatusWithoutAValueBecomesInternal) {
  Result<std::string> r = Status::Ok();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(ResultTest, MovesItsValueOut) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 5);
}

// A party's own error type (as ARM's wire errors): no Status involved.
struct WireError {
  int http_status = 400;
  std::string code;
};

TEST(ResultTest, CarriesAnotherErrorType) {
  Result<std::string, WireError> value = std::string("ok");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->size(), 2u);
  Result<std::string, WireError> error = WireError{404, "NotFound"};
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().http_status, 404);
  EXPECT_EQ(error.error().code, "NotFound");
  EXPECT_EQ(error.value_or("fallback"), "fallback");
}

Result<int> twice(Result<int> in) {
  EMU_ASSIGN_OR_RETURN(int v, std::move(in));
  return 2 * v;
}

TEST(ResultTest, AssignOrReturnPassesTheStatusOn) {
  EXPECT_EQ(*twice(21), 42);
  Result<int> failed = twice(InvalidArgument("bad"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().to_string(), "INVALID_ARGUMENT: bad");
}

}  // namespace
}  // namespace emu
