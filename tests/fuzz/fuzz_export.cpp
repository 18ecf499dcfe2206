// libFuzzer target: the csv, timesketch and bodyfile exports of one Record (any bytes that parse
// as one). Invariants: the outputs are valid UTF-8; a bodyfile line has 11 fields on one line;
// a Timesketch event is one line.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/export/bodyfile.h"
#include "agent/export/csv.h"
#include "agent/export/json.h"
#include "agent/export/record_types.h"
#include "agent/export/timesketch.h"
#include "hozen/v1/record.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ex = hozen::exporter;
  hozen::v1::Record r;
  if (!r.ParseFromArray(data, static_cast<int>(size))) return 0;
  std::string out;
  std::size_t n = ex::append_timesketch_events(out, r, true, "host\xff");
  std::size_t lines = 0;
  for (char c : out) lines += c == '\n';
  if (lines != n || !ex::is_valid_utf8(out)) __builtin_trap();

  if (auto t = ex::CsvTable::for_type(ex::record_type(r))) {
    out.clear();
    t->append_record(out, r, false);
    if (!ex::is_valid_utf8(out)) __builtin_trap();
  }
  if (r.has_file_entry()) {
    out.clear();
    ex::append_bodyfile_line(out, r.file_entry());
    std::size_t pipes = 0, nl = 0;
    for (char c : out) {
      pipes += c == '|';
      nl += c == '\n';
    }
    if (pipes != 10 || nl != 1 || out.back() != '\n' || !ex::is_valid_utf8(out)) __builtin_trap();
  }
  return 0;
}
