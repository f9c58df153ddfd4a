// TLS over a connected non-blocking socket, with OpenSSL (RFC 5425 for
// syslog). Consumer role only.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace jot::detail {

struct tls_settings {
  std::string ca_file;    // empty: the system's default trust store
  std::string cert_file;  // a client certificate, if the collector asks for one
  std::string key_file;
  std::string server_name;  // checked against the certificate; sent as SNI
  bool verify = true;
};

// What a non-blocking TLS step needs next.
enum class tls_status { done, want_read, want_write, failed };

class tls_session {
 public:
  // Loads the trust store and the client certificate; throws config_error
  // if a file cannot be used.
  explicit tls_session(const tls_settings& s);
  ~tls_session();
  tls_session(const tls_session&) = delete;
  tls_session& operator=(const tls_session&) = delete;

  // Starts a session on a connected socket (any previous one is dropped).
  bool attach(int fd);
  void detach() noexcept;
  tls_status handshake();
  // Writes up to `bytes`; `written` is what was taken.
  tls_status write(std::string_view bytes, std::size_t& written);
  // Reads and discards what the peer sent (session tickets); false if the
  // peer closed the session or it failed.
  bool alive();
  // The last failure, for messages (certificate errors included).
  const std::string& error() const noexcept { return error_; }

 private:
  tls_status status_of(int rc);

  struct impl;
  std::unique_ptr<impl> impl_;
  std::string server_name_;
  bool verify_;
  std::string error_;
};

}  // namespace jot::detail
