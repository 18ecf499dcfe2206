// Pure parsers of dpkg's database (dpkg(1), deb-control(5), dpkg's lib/dpkg/parse.c):
// /var/lib/dpkg/status (RFC 822-like stanzas) and /var/lib/dpkg/info/<pkg>.md5sums.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/parse_util.h"

namespace hozen::platform::parsers {

struct DpkgConffile {
  std::uint64_t line = 0;
  std::string path;
  std::string md5_hex;    // as written: 32 hex digits, or "newconffile" and the like
  bool obsolete = false;  // trailing "obsolete" flag
  bool remove_on_upgrade = false;
};

struct DpkgPackage {
  std::uint64_t line = 0;   // first line of the stanza
  std::uint64_t lines = 0;  // lines the stanza spans
  // Every field in file order; continuation lines are joined with '\n' (leading blank kept off).
  std::vector<std::pair<std::string, std::string>> fields;
  std::string package, status, version, architecture, source, maintainer, multi_arch;
  std::string description;  // first line (synopsis) of Description
  std::uint64_t installed_size_kib = 0;
  bool has_installed_size = false;
  std::string want, error_flag, state;  // the three words of Status ("install", "ok", "installed")
  std::vector<DpkgConffile> conffiles;
};

// Stanzas are separated by blank lines; a field is `Name: value`; lines starting with a blank
// continue the previous field. Malformed (kept with bytes): a line without ':' that is not a
// continuation, a continuation at the start of a stanza, a stanza without Package, a Status
// that is not three words, a non-numeric Installed-Size (the package is still returned).
// Field names are matched case-insensitively as dpkg does. Never throws; any bytes.
ParsedLines<DpkgPackage> parse_dpkg_status(std::string_view text);

struct Md5sumLine {
  std::uint64_t line = 0;
  std::string md5;   // 16 raw bytes
  std::string path;  // as written: relative to '/' ("usr/bin/ls")
};

// "<32 hex>  <path>" (md5sum(1) output; '*' binary marker accepted). Malformed: anything else.
ParsedLines<Md5sumLine> parse_md5sums(std::string_view text);

// Number of non-empty lines (entries of a dpkg .list file).
std::uint64_t count_list_entries(std::string_view text);

// Decodes `hex` (even length, [0-9a-fA-F]) to bytes; false if it is not hex.
bool hex_decode(std::string_view hex, std::string* out);

}  // namespace hozen::platform::parsers
