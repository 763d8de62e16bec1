// Status and Result<T>: the error type that crosses module borders in cmgemu.
// An OK Status carries nothing; an error carries a canonical code and a message.
// Wire errors of the emulated services are data (Response bodies), never Status.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace emu {

// Canonical codes (the absl / google.rpc set we use).
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed; retrying will not help
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // creation of something that exists
  kPermissionDenied,    // authenticated but not allowed
  kUnauthenticated,     // no or bad credentials
  kFailedPrecondition,  // state is not right for the call; fix state, then retry
  kResourceExhausted,   // a limit was hit
  kAborted,             // a concurrency conflict; retry at a higher level
  kUnavailable,         // transient; retry may succeed
  kDeadlineExceeded,    // a timeout expired
  kUnimplemented,       // not supported by the emulator
  kInternal,            // a broken invariant or a third-party failure
};

std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "INVALID_ARGUMENT: message", or "OK".
  std::string to_string() const;
  // Returns a copy whose message is "<prefix>: <message>"; OK stays OK.
  Status with_context(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status InvalidArgument(std::string message);
Status NotFound(std::string message);
Status AlreadyExists(std::string message);
Status PermissionDenied(std::string message);
Status Unauthenticated(std::string message);
Status FailedPrecondition(std::string message);
Status ResourceExhausted(std::string message);
Status Aborted(std::string message);
Status Unavailable(std::string message);
Status DeadlineExceeded(std::string message);
Status Unimplemented(std::string message);
Status Internal(std::string message);

// Result<T> holds either a T or a non-OK Status: the one value-or-error type of cmgemu.
// Result<T, E> holds a T or an error of type E, for a party whose errors carry more than a
// Status can (ARM's wire errors: HTTP status, code, target, details); E must be default-
// constructible. error() is the E; status() (Result<T> only) is the same Status.
template <typename T, typename E = Status>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : error_(std::move(error)) {   // NOLINT: implicit by design
    if constexpr (std::is_same_v<E, Status>) {
      if (error_.ok()) error_ = Internal("Result constructed from an OK Status without a value");
    }
  }

  bool ok() const { return value_.has_value(); }
  // The error; for an ok() Result, a default E (an OK Status for Result<T>).
  const E& error() const { return error_; }
  const Status& status() const requires std::is_same_v<E, Status> { return error_; }
  // REQUIRES: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  // The value, or `fallback` when !ok().
  T value_or(T fallback) const& { return value_ ? *value_ : std::move(fallback); }

 private:
  std::optional<T> value_;
  E error_;
};

}  // namespace emu

#define EMU_CONCAT_INNER(a, b) a##b
#define EMU_CONCAT(a, b) EMU_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define EMU_RETURN_IF_ERROR(expr)                      \
  do {                                                 \
    ::emu::Status emu_status_tmp_ = (expr);            \
    if (!emu_status_tmp_.ok()) return emu_status_tmp_; \
  } while (0)

// `EMU_ASSIGN_OR_RETURN(auto x, f());` declares x from f()'s value or returns its Status.
#define EMU_ASSIGN_OR_RETURN(lhs, expr)                                                           \
  auto EMU_CONCAT(emu_result_, __LINE__) = (expr);                                                \
  if (!EMU_CONCAT(emu_result_, __LINE__).ok()) return EMU_CONCAT(emu_result_, __LINE__).status(); \
  lhs = std::move(EMU_CONCAT(emu_result_, __LINE__)).value()
