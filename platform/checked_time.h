// Overflow-checked arithmetic for timestamps computed from host numbers (shadow day counts, at
// spool file names, file times). Host files can hold any number; a plain `days * 86400e9` on a
// hostile value is signed overflow (undefined behaviour), so callers get nullopt instead and
// leave the field unset with a flag.
#pragma once

#include <cstdint>
#include <optional>

namespace hozen::platform {

// a * b + c, or nullopt when any step does not fit in int64. Never undefined behaviour.
[[nodiscard]] constexpr std::optional<std::int64_t> checked_mul_add(std::int64_t a, std::int64_t b,
                                                                    std::int64_t c = 0) {
  std::int64_t product = 0;
  std::int64_t sum = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  if (__builtin_add_overflow(product, c, &sum)) return std::nullopt;
  return sum;
}

// Seconds (+ nanoseconds) since the epoch to nanoseconds; nullopt when out of the int64 range
// (about years 1677..2262).
[[nodiscard]] constexpr std::optional<std::int64_t> seconds_to_ns(std::int64_t seconds,
                                                                  std::int64_t nanos = 0) {
  return checked_mul_add(seconds, 1'000'000'000, nanos);
}

// Days since 1970-01-01 (shadow(5) fields) to nanoseconds; nullopt when out of range.
[[nodiscard]] constexpr std::optional<std::int64_t> days_to_ns(std::int64_t days) {
  return checked_mul_add(days, 86'400'000'000'000);
}

// Minutes since the epoch (Debian at spool names) to nanoseconds; nullopt when out of range.
[[nodiscard]] constexpr std::optional<std::int64_t> minutes_to_ns(std::int64_t minutes) {
  return checked_mul_add(minutes, 60'000'000'000);
}

}  // namespace hozen::platform
