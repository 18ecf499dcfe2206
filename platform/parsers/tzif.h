// Pure parser of TZif time zone files (RFC 8536: /etc/localtime, /usr/share/zoneinfo/*) and of
// the POSIX TZ rule in their footer, enough to turn a host's local wall-clock time (RFC 3164
// syslog timestamps) into UTC. Never uses the C library's time zone state (TZ, tzset).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hozen::platform::parsers {

// A POSIX TZ rule string ("CET-1CEST,M3.5.0,M10.5.0/3", "JST-9", "<+07>-7").
struct TzRule {
  struct When {
    char form = 'M';  // 'M' month.week.day, 'J' Julian 1..365 (no Feb 29), 'N' 0..365
    int month = 0, week = 0, weekday = 0, yday = 0;
    std::int32_t time_s = 7200;  // local time of day of the change (may be negative or > 24h)
  };
  std::int32_t std_offset_s = 0;  // seconds east of UTC (the POSIX sign inverted)
  bool has_dst = false;
  std::int32_t dst_offset_s = 0;
  When start, end;
};

struct TimeZoneInfo {
  std::vector<std::int64_t> transitions;  // UTC seconds, ascending
  std::vector<std::uint8_t> transition_type;
  std::vector<std::int32_t> type_offset_s;  // seconds east of UTC, per local time type
  std::optional<TzRule> rule;               // footer: times after the last transition
};

// Parses a POSIX TZ rule (offsets within 25 h); nullopt if it is not one we understand.
std::optional<TzRule> parse_posix_tz(std::string_view s);

// Parses TZif version 1 to 4 (the 64-bit block when present). nullopt when malformed: bad magic,
// counts that overrun the data, a transition type out of range, unsorted transitions, an offset
// outside RFC 8536's -89999..93599 seconds, or no types at all. An unknown footer leaves `rule`
// empty. Pure, thread-safe, never throws.
std::optional<TimeZoneInfo> parse_tzif(std::string_view bytes);

// Offset east of UTC in force at `utc_secs`.
std::int32_t utc_offset_at(const TimeZoneInfo& tz, std::int64_t utc_secs);

struct LocalToUtc {
  std::int64_t utc_secs = 0;
  bool ambiguous = false;    // the wall-clock time happened twice (clocks went back): the earlier
  bool nonexistent = false;  // it never happened (clocks went forward): offset before the gap
};

// UTC seconds of a local wall-clock time given as seconds since the epoch "as if UTC".
LocalToUtc local_to_utc(const TimeZoneInfo& tz, std::int64_t local_secs);

}  // namespace hozen::platform::parsers
