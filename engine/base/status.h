// Errors as values. A Status is ok or carries a message written for the user
// (lower-case start, no final period, naming the thing). Result<T> is a value
// or an error Status. Both are cheap to move and safe to copy between threads.
#ifndef HOSTPREP_ENGINE_BASE_STATUS_H_
#define HOSTPREP_ENGINE_BASE_STATUS_H_

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace hostprep {

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message), Code::kError); }
  // The host could not be reached, or the connection to it was lost (a dead
  // peer, sshd gone): the host is unreachable rather than failed, as
  // ansible-playbook tells them apart.
  static Status Unreachable(std::string message) {
    return Status(std::move(message), Code::kUnreachable);
  }

  bool ok() const { return code_ == Code::kOk; }
  bool unreachable() const { return code_ == Code::kUnreachable; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "prefix: message", of the same kind.
  // Used to add context (host, task, file) as an error travels up.
  Status WithContext(const std::string& prefix) const {
    if (ok()) return *this;
    return Status(prefix + ": " + message_, code_);
  }

 private:
  enum class Code { kOk, kError, kUnreachable };
  Status(std::string message, Code code) : message_(std::move(message)), code_(code) {}
  std::string message_;
  Code code_ = Code::kOk;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(data_).ok()) {
      std::fputs("hostprep: internal error: Result built from an ok Status\n", stderr);
      std::abort();
    }
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }
  const std::string& message() const { return std::get<Status>(data_).message(); }

  const T& value() const& { return Checked(); }
  T& value() & { return Checked(); }
  T&& value() && { return std::move(Checked()); }
  const T& operator*() const& { return Checked(); }
  T& operator*() & { return Checked(); }
  const T* operator->() const { return &Checked(); }
  T* operator->() { return &Checked(); }

 private:
  T& Checked() {
    if (!ok()) {
      std::fprintf(stderr, "hostprep: internal error: value of failed Result: %s\n",
                   message().c_str());
      std::abort();
    }
    return std::get<T>(data_);
  }
  const T& Checked() const { return const_cast<Result*>(this)->Checked(); }

  std::variant<T, Status> data_;
};

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_BASE_STATUS_H_
