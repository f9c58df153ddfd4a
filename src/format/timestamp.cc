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

// The civil (proleptic Gregorian) date of a day count since 1970-01-01.
// Counts in 400-year eras of 146097 days, each starting on March 1st so that
// the leap day falls at the end of a year.
void civil_from_days(std::int64_t days, std::int64_t& year, int& month, int& day) {
  const std::int64_t z = days + 719468;  // days since 0000-03-01
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;                                       // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;  // March = 0 ... February = 11
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = yoe + era * 400 + (month <= 2 ? 1 : 0);
}

}  // namespace

char* write_rfc3339_utc(char* buf, std::int64_t ns) {
  std::int64_t sec = ns / 1'000'000'000;
  std::int64_t nanos = ns % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    --sec;
  }
  std::int64_t days = sec / 86'400;
  std::int64_t in_day = sec % 86'400;
  if (in_day < 0) {
    in_day += 86'400;
    --days;
  }
  std::int64_t year = 0;
  int month = 0;
  int day = 0;
  civil_from_days(days, year, month, day);
  // int64 nanoseconds span the years 1677 to 2262: always four digits.
  const auto y = static_cast<int>(year);
  put2(buf, y / 100);
  put2(buf + 2, y % 100);
  buf[4] = '-';
  put2(buf + 5, month);
  buf[7] = '-';
  put2(buf + 8, day);
  buf[10] = 'T';
  const auto s = static_cast<int>(in_day);
  put2(buf + 11, s / 3600);
  buf[13] = ':';
  put2(buf + 14, s / 60 % 60);
  buf[16] = ':';
  put2(buf + 17, s % 60);
  put_nanos(buf + 19, nanos);
  buf[29] = 'Z';
  return buf + 30;
}

void append_rfc3339_utc(std::string& out, std::int64_t ns) {
  char buf[30];
  out.append(buf, static_cast<std::size_t>(write_rfc3339_utc(buf, ns) - buf));
}

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

char* time_cache::write_iso8601(char* p, std::int64_t ns) {
  update(ns);
  std::memcpy(p, date_, sizeof date_);
  p[10] = 'T';
  std::memcpy(p + 11, clock_, sizeof clock_);
  put_nanos(p + 19, nanos_);
  std::memcpy(p + 29, offset_, offset_len_);
  return p + 29 + offset_len_;
}

void time_cache::append_iso8601(std::string& out, std::int64_t ns) {
  // One append of up to 35 characters.
  char buf[iso8601_max];
  out.append(buf, static_cast<std::size_t>(write_iso8601(buf, ns) - buf));
}

}  // namespace jot::detail
