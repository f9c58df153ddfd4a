#include "sinks/net/tls_session.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>

#include <fmt/format.h>

#include "jot/formatter.h"
#include "platform/error_text.h"
#include "platform/thread.h"

namespace jot::detail {

namespace {

std::string openssl_errors() {
  std::string s;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!s.empty()) s += "; ";
    s += buf;
  }
  return s.empty() ? "unknown TLS error" : s;
}

}  // namespace

struct tls_session::impl {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
};

tls_session::tls_session(const tls_settings& s)
    : impl_(std::make_unique<impl>()), server_name_(s.server_name), verify_(s.verify) {
  // OpenSSL frees its state in an atexit handler, which runs before jot's
  // own (registered earlier, when the writer started): the writer's last
  // flush at exit would then use a freed library. Ask it not to, if this
  // is the first use of OpenSSL in the process (else the application's
  // initialisation stands).
  OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT, nullptr);
  impl_->ctx = SSL_CTX_new(TLS_client_method());
  if (impl_->ctx == nullptr) throw config_error("syslog_sink: TLS: " + openssl_errors());
  SSL_CTX_set_min_proto_version(impl_->ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(impl_->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  const bool loaded = s.ca_file.empty() ? SSL_CTX_set_default_verify_paths(impl_->ctx) == 1
                                        : SSL_CTX_load_verify_locations(
                                              impl_->ctx, s.ca_file.c_str(), nullptr) == 1;
  std::string problem;
  if (!loaded) problem = fmt::format("cannot load CA '{}': {}", s.ca_file, openssl_errors());
  if (problem.empty() && !s.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(impl_->ctx, s.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(impl_->ctx,
                                    s.key_file.empty() ? s.cert_file.c_str() : s.key_file.c_str(),
                                    SSL_FILETYPE_PEM) != 1) {
      problem = fmt::format("cannot load certificate '{}': {}", s.cert_file, openssl_errors());
    }
  }
  if (!problem.empty()) {
    SSL_CTX_free(impl_->ctx);
    throw config_error("syslog_sink: TLS: " + problem);
  }
  SSL_CTX_set_verify(impl_->ctx, verify_ ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
}

tls_session::~tls_session() {
  detach();
  SSL_CTX_free(impl_->ctx);
}

bool tls_session::attach(int fd) {
  detach();
  ERR_clear_error();
  SSL* ssl = SSL_new(impl_->ctx);
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
    error_ = openssl_errors();
    SSL_free(ssl);
    return false;
  }
  if (!server_name_.empty()) {
    // SSL_set_tlsext_host_name, without its macro's old-style cast.
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(server_name_.c_str()));
    if (verify_) SSL_set1_host(ssl, server_name_.c_str());
  }
  impl_->ssl = ssl;
  return true;
}

void tls_session::detach() noexcept {
  if (impl_->ssl == nullptr) return;
  SSL_free(impl_->ssl);  // no close_notify: the connection is being dropped
  impl_->ssl = nullptr;
}

tls_status tls_session::status_of(int rc) {
  const int err = SSL_get_error(impl_->ssl, rc);
  switch (err) {
    case SSL_ERROR_WANT_READ:
      return tls_status::want_read;
    case SSL_ERROR_WANT_WRITE:
      return tls_status::want_write;
    case SSL_ERROR_SYSCALL:
      error_ = errno != 0 ? error_text(errno) : "connection closed";
      break;
    case SSL_ERROR_ZERO_RETURN:
      error_ = "the collector closed the TLS session";
      break;
    default: {
      const long v = SSL_get_verify_result(impl_->ssl);
      error_ = v != X509_V_OK ? fmt::format("certificate verification failed: {}",
                                            X509_verify_cert_error_string(v))
                              : openssl_errors();
    }
  }
  ERR_clear_error();
  return tls_status::failed;
}

tls_status tls_session::handshake() {
  ERR_clear_error();
  errno = 0;
  write_signal_guard guard;
  const int rc = SSL_connect(impl_->ssl);
  if (rc == 1) return tls_status::done;
  const tls_status st = status_of(rc);
  if (st == tls_status::failed && errno == EPIPE) guard.failed_with(EPIPE);
  return st;
}

tls_status tls_session::write(std::string_view bytes, std::size_t& written) {
  written = 0;
  ERR_clear_error();
  errno = 0;
  write_signal_guard guard;
  std::size_t n = 0;
  const int rc = SSL_write_ex(impl_->ssl, bytes.data(), bytes.size(), &n);
  if (rc == 1) {
    written = n;
    return tls_status::done;
  }
  const tls_status st = status_of(rc);
  if (st == tls_status::failed && errno == EPIPE) guard.failed_with(EPIPE);
  return st;
}

bool tls_session::alive() {
  char buf[512];
  for (;;) {
    ERR_clear_error();
    errno = 0;
    std::size_t n = 0;
    const int rc = SSL_read_ex(impl_->ssl, buf, sizeof buf, &n);
    if (rc == 1) continue;  // nothing a syslog collector sends matters
    const tls_status st = status_of(rc);
    return st == tls_status::want_read || st == tls_status::want_write;
  }
}

}  // namespace jot::detail
