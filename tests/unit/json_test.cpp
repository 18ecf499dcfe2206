// JSON rendering rules of the export (FORMAT.md §Export).
#include <catch2/catch.hpp>

#include "agent/export/json.h"
#include "hozen/v1/bundle.pb.h"
#include "hozen/v1/record.pb.h"

using namespace hozen;

TEST_CASE("UTF-8 validation follows RFC 3629", "[json]") {
  using exporter::is_valid_utf8;
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\xe8\xa8\xbc\xe6\x8b\xa0"));  // 証拠
  CHECK(is_valid_utf8("\xf0\x9f\x94\x8d"));          // U+1F50D
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe8\xa8"));          // truncated
  CHECK_FALSE(is_valid_utf8("\xf0\x80"));
}

TEST_CASE("base64 matches RFC 4648 vectors", "[json]") {
  CHECK(exporter::base64("") == "");
  CHECK(exporter::base64("f") == "Zg==");
  CHECK(exporter::base64("fo") == "Zm8=");
  CHECK(exporter::base64("foo") == "Zm9v");
  CHECK(exporter::base64("foobar") == "Zm9vYmFy");
  CHECK(exporter::base64(std::string("\xff\x00", 2)) == "/wA=");
}

TEST_CASE("bytes render as text when valid UTF-8, else losslessly as <name>_b64", "[json]") {
  v1::Anomaly a;
  a.set_kind("k");
  a.set_path("/tmp/\xe8\xa8\xbc \"q\"\n\x01");
  a.set_raw(std::string("\xff\x00", 2));
  std::string j = exporter::to_json(a);
  CHECK(j == "{\"kind\":\"k\",\"path\":\"/tmp/\xe8\xa8\xbc \\\"q\\\"\\n\\u0001\",\"raw_b64\":\"/wA=\"}");
}

TEST_CASE("digests as hex, UTC nanoseconds as RFC 3339, enums by name", "[json]") {
  v1::Record r;
  r.set_index(3);
  r.set_utc_ns(1'700'000'000'123'456'789);
  auto* run = r.mutable_collector_run();
  run->set_status(v1::RUN_PARTIAL);
  run->set_start_utc_ns(-1);
  std::string j = exporter::to_json(r);
  CHECK(j.find("\"utc_ns\":\"2023-11-14T22:13:20.123456789Z\"") != std::string::npos);
  CHECK(j.find("\"status\":\"RUN_PARTIAL\"") != std::string::npos);
  CHECK(j.find("\"start_utc_ns\":\"1969-12-31T23:59:59.999999999Z\"") != std::string::npos);
  v1::Signature s;
  s.set_key_id(std::string("\x00\xab", 2));
  CHECK(exporter::to_json(s) == "{\"key_id\":\"00ab\"}");
}

TEST_CASE("repeated bytes: one invalid element moves the list to _b64", "[json]") {
  v1::Mount m;
  m.add_optional_fields("shared:1");
  m.add_optional_fields("\xff");
  CHECK(exporter::to_json(m) == "{\"optional_fields_b64\":[\"c2hhcmVkOjE=\",\"/w==\"]}");
}

#include "platform/host.h"

TEST_CASE("UTC formatting without libc's time zone code", "[time]") {
  using platform::format_rfc3339_ns;
  CHECK(format_rfc3339_ns(0) == "1970-01-01T00:00:00.000000000Z");
  CHECK(format_rfc3339_ns(951782400LL * 1'000'000'000) == "2000-02-29T00:00:00.000000000Z");
  CHECK(format_rfc3339_ns(4107542399LL * 1'000'000'000 + 5) == "2100-02-28T23:59:59.000000005Z");
  CHECK(format_rfc3339_ns(-86400LL * 1'000'000'000) == "1969-12-31T00:00:00.000000000Z");
  CHECK(format_rfc3339_ns(1798761599LL * 1'000'000'000) == "2026-12-31T23:59:59.000000000Z");
  CHECK(platform::format_compact_utc(1798761599LL * 1'000'000'000) == "20261231T235959Z");
  // Against libc for a spread of instants (gmtime_r is fine in a test).
  for (std::int64_t t = -2'000'000'000; t < 5'000'000'000; t += 86'399'937) {
    time_t tt = static_cast<time_t>(t);
    struct tm tm {};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000000000Z", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    REQUIRE(format_rfc3339_ns(t * 1'000'000'000) == buf);
  }
}
