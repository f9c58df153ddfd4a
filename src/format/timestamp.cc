#include "format/timestamp.h"

#include <ctime>

namespace jot::detail {

namespace {

void put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

void append_nanos(std::string& out, std::int64_t nanos) {
  char digits[10];
  digits[0] = '.';
  for (int i = 9; i >= 1; --i) {
    digits[i] = static_cast<char>('0' + nanos % 10);
    nanos /= 10;
  }
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
  out.append(date_, sizeof date_);
  out.push_back(' ');
  out.append(clock_, sizeof clock_);
  append_nanos(out, nanos_);
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
