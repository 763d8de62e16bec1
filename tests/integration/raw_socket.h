// Plain POSIX sockets for tests that look at bytes the HTTP client hides (the status line) or
// at how a port answers a connect (refused or not).
#pragma once

#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace emu::test {

inline int loopback_socket(uint16_t port, int* connect_errno) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    *connect_errno = errno;
    return -1;
  }
  timeval tv{5, 0};  // a safety bound only: nothing here waits for time to pass
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *connect_errno = errno;
    ::close(fd);
    return -1;
  }
  *connect_errno = 0;
  return fd;
}

// 0 when a TCP connection to 127.0.0.1:port is accepted by the kernel, else the connect errno
// (ECONNREFUSED when nothing listens).
inline int connect_errno(uint16_t port) {
  int err = 0;
  int fd = loopback_socket(port, &err);
  if (fd >= 0) ::close(fd);
  return err;
}

// Sends `request` over plain TCP and returns every byte read until the server closes ("" when
// the connection failed).
inline std::string raw_exchange(uint16_t port, const std::string& request) {
  int err = 0;
  int fd = loopback_socket(port, &err);
  if (fd < 0) return "";
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// A port that was free a moment ago (bound to port 0, then released), for tests that pin one.
inline uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

}  // namespace emu::test
