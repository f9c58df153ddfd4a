#include "sinks/gzip_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <memory>
#include <vector>

namespace jot::detail {

namespace {

constexpr std::size_t chunk_bytes = std::size_t{256} << 10;

struct fd_closer {
  int fd;
  ~fd_closer() {
    if (fd >= 0) ::close(fd);
  }
};

int write_all(int fd, const unsigned char* p, std::size_t n) noexcept {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return w < 0 ? errno : EIO;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return 0;
}

struct deflater {
  z_stream z{};
  bool live = false;
  ~deflater() {
    if (live) deflateEnd(&z);
  }
};

// Compresses in to out; 0 or an errno.
int copy_compressed(int in, int out, int level, std::string& what) {
  deflater d;
  // 15 + 16: the largest window, with a gzip header and trailer.
  if (deflateInit2(&d.z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    what = "zlib cannot start";
    return ENOMEM;
  }
  d.live = true;
  std::vector<unsigned char> src(chunk_bytes);
  std::vector<unsigned char> dst(chunk_bytes);
  for (;;) {
    const ssize_t r = ::read(in, src.data(), src.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      what = "read";
      return errno;
    }
    d.z.next_in = src.data();
    d.z.avail_in = static_cast<uInt>(r);
    const int flush = r == 0 ? Z_FINISH : Z_NO_FLUSH;
    int rc = Z_OK;
    do {
      d.z.next_out = dst.data();
      d.z.avail_out = static_cast<uInt>(dst.size());
      rc = deflate(&d.z, flush);
      if (rc == Z_STREAM_ERROR) {
        what = "zlib";
        return EIO;
      }
      const std::size_t have = dst.size() - d.z.avail_out;
      if (const int e = write_all(out, dst.data(), have); e != 0) {
        what = "write";
        return e;
      }
    } while (d.z.avail_out == 0);
    if (flush == Z_FINISH) return rc == Z_STREAM_END ? 0 : EIO;
  }
}

}  // namespace

int gzip_file(const std::string& from, const std::string& to, int level, bool sync,
              std::string& what) {
  const fd_closer in{::open(from.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) {
    what = "open";
    return errno;
  }
  struct stat st {};
  if (::fstat(in.fd, &st) != 0) {
    what = "stat";
    return errno;
  }
  int err = 0;
  {
    fd_closer out{::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    if (out.fd < 0) {
      what = "create";
      return errno;
    }
    err = copy_compressed(in.fd, out.fd, level, what);
    if (err == 0) {
      // The original's time, so that retention by age sees the same age.
      const struct timespec times[2] = {st.st_atim, st.st_mtim};
      ::futimens(out.fd, times);
    }
    if (err == 0 && sync && ::fdatasync(out.fd) != 0) {
      what = "sync";
      err = errno;
    }
    const int fd = out.fd;
    out.fd = -1;
    if (::close(fd) != 0 && err == 0) {
      what = "close";
      err = errno;
    }
  }
  if (err != 0) ::unlink(to.c_str());
  return err;
}

}  // namespace jot::detail
