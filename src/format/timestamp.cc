#include "format/timestamp.h"

#include <cstdint>
#include <cstring>
#include <ctime>

namespace jot::detail {

namespace {

void put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

// "00" to "99", for writing two digits at a time.
constexpr char digit_pairs[] =
    "0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546"
    "4748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293"
    "949596979899";

// Writes ".NNNNNNNNN" (10 characters) at p.
void put_nanos(char* p, std::int64_t nanos) {
  auto v = static_cast<std::uint32_t>(nanos);
  p[0] = '.';
  p[9] = static_cast<char>('0' + v % 10);
  v /= 10;
  for (int i = 7; i >= 1; i -= 2) {
    const std::size_t two = v % 100;
    v /= 100;
    p[i] = digit_pairs[2 * two];
    p[i + 1] = digit_pairs[2 * two + 1];
  }
}

void append_nanos(std::string& out, std::int64_t nanos) {
  char digits[10];
  put_nanos(digits, nanos);
  out.append(digits, 10);
}

}  // namespace

void time_cache::update(std::int64_t ns) {
  std::int64_t sec = ns / 1'000'000'000;
  nanos_ = ns % 1'000'000'000;
  if (nanos_ < 0) {
    nanos_ += 1'000'000'000;
    --sec;
  }
  if (sec == second_) return;
  second_ = sec;
  const auto t = static_cast<std::time_t>(sec);
  std::tm tm{};
  if (tz_ == time_zone::local) {
    localtime_r(&t, &tm);
  } else {
    gmtime_r(&t, &tm);
  }
  const int year = tm.tm_year + 1900;
  date_[0] = static_cast<char>('0' + (year / 1000) % 10);
  date_[1] = static_cast<char>('0' + (year / 100) % 10);
  date_[2] = static_cast<char>('0' + (year / 10) % 10);
  date_[3] = static_cast<char>('0' + year % 10);
  date_[4] = '-';
  put2(date_ + 5, tm.tm_mon + 1);
  date_[7] = '-';
  put2(date_ + 8, tm.tm_mday);
  put2(clock_, tm.tm_hour);
  clock_[2] = ':';
  put2(clock_ + 3, tm.tm_min);
  clock_[5] = ':';
  put2(clock_ + 6, tm.tm_sec);
  if (tz_ == time_zone::local) {
    long off = tm.tm_gmtoff / 60;
    offset_[0] = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    put2(offset_ + 1, static_cast<int>(off / 60));
    offset_[3] = ':';
    put2(offset_ + 4, static_cast<int>(off % 60));
    offset_len_ = 6;
  }
}

void time_cache::append_date(std::string& out, std::int64_t ns) {
  update(ns);
  out.append(date_, sizeof date_);
}

void time_cache::append_time(std::string& out, std::int64_t ns) {
  update(ns);
  out.append(clock_, sizeof clock_);
  append_nanos(out, nanos_);
}

void time_cache::append_timestamp(std::string& out, std::int64_t ns) {
  update(ns);
  // One append of the whole 29 characters.
  char buf[29];
  std::memcpy(buf, date_, sizeof date_);
  buf[10] = ' ';
  std::memcpy(buf + 11, clock_, sizeof clock_);
  put_nanos(buf + 19, nanos_);
  out.append(buf, sizeof buf);
}

void time_cache::append_iso8601(std::string& out, std::int64_t ns) {
  update(ns);
  out.append(date_, sizeof date_);
  out.push_back('T');
  out.append(clock_, sizeof clock_);
  append_nanos(out, nanos_);
  out.append(offset_, offset_len_);
}

}  // namespace jot::detail
