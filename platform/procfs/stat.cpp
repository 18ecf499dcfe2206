#include "platform/procfs/stat.h"

#include "platform/parse_util.h"
#include "platform/procfs/num.h"

namespace hozen::platform::procfs {

namespace {

Unexpected malformed(std::string_view why) {
  return Unexpected(Error::make(ErrorKind::kMalformed, "parse", "", why));
}

// Index of each field after the comm in the whitespace-split remainder: field (3) is index 0.
constexpr std::size_t kState = 0, kPpid = 1, kPgrp = 2, kSession = 3, kTtyNr = 4, kTpgid = 5,
                      kFlags = 6, kMinflt = 7, kMajflt = 9, kUtime = 11, kStime = 12,
                      kPriority = 15, kNice = 16, kNumThreads = 17, kStarttime = 19, kVsize = 20,
                      kRss = 21;
constexpr std::size_t kNeeded = kRss + 1;

}  // namespace

Result<ProcStat> parse_stat(std::string_view text) {
  std::size_t open = text.find('(');
  std::size_t close = text.rfind(')');
  if (open == std::string_view::npos) return malformed("stat: no '(' before comm");
  if (close == std::string_view::npos || close < open) return malformed("stat: no ')' after comm");

  ProcStat st;
  // do_task_stat() writes "%d (" : the pid, one space, then the parenthesis.
  std::string_view head = text.substr(0, open);
  if (head.size() < 2 || head.back() != ' ')
    return malformed("stat: no space between pid and comm");
  auto pid = detail::parse_int<std::int32_t>(head.substr(0, head.size() - 1));
  if (!pid) return malformed("stat: pid not a number");
  st.pid = *pid;
  st.comm = std::string(text.substr(open + 1, close - open - 1));

  std::string_view rest = text.substr(close + 1);
  if (rest.empty() || rest.front() != ' ') return malformed("stat: no space after comm");
  auto f = split_ws(detail::chomp(rest));
  if (f.size() < kNeeded) return malformed("stat: truncated before the rss field");

  if (f[kState].size() != 1) return malformed("stat: state is not one character");
  st.state = f[kState][0];

  bool ok = true;
  auto i32 = [&](std::size_t i, std::int32_t& out) {
    auto v = detail::parse_int<std::int32_t>(f[i]);
    if (v)
      out = *v;
    else
      ok = false;
  };
  auto i64 = [&](std::size_t i, std::int64_t& out) {
    auto v = detail::parse_int<std::int64_t>(f[i]);
    if (v)
      out = *v;
    else
      ok = false;
  };
  auto u64 = [&](std::size_t i, std::uint64_t& out) {
    auto v = parse_uint<std::uint64_t>(f[i]);
    if (v)
      out = *v;
    else
      ok = false;
  };
  i32(kPpid, st.ppid);
  i32(kPgrp, st.pgrp);
  i32(kSession, st.session);
  i32(kTtyNr, st.tty_nr);
  i32(kTpgid, st.tpgid);
  auto flags = parse_uint<std::uint32_t>(f[kFlags]);
  if (flags)
    st.flags = *flags;
  else
    ok = false;
  u64(kMinflt, st.minflt);
  u64(kMajflt, st.majflt);
  u64(kUtime, st.utime);
  u64(kStime, st.stime);
  i64(kPriority, st.priority);
  i64(kNice, st.nice);
  i64(kNumThreads, st.num_threads);
  u64(kStarttime, st.starttime);
  u64(kVsize, st.vsize);
  i64(kRss, st.rss);
  if (!ok) return malformed("stat: a numeric field does not parse");
  st.kernel_thread = (st.flags & kPfKthread) != 0;
  return st;
}

}  // namespace hozen::platform::procfs
