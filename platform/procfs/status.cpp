#include "platform/procfs/status.h"

#include <iterator>

#include "platform/procfs/num.h"

namespace hozen::platform::procfs {

namespace {

// Trims the tabs and spaces the kernel puts around values ("VmRSS:\t    1612 kB").
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parse_i32(std::string_view v, std::int32_t& out) {
  auto x = detail::parse_int<std::int32_t>(trim(v));
  if (x) out = *x;
  return x.has_value();
}

bool parse_cap(std::string_view v, std::uint64_t& out) {
  auto x = detail::parse_hex<std::uint64_t>(trim(v));
  if (x) out = *x;
  return x.has_value();
}

bool parse_ids(std::string_view v, std::array<std::uint32_t, 4>& out) {
  auto f = split_ws(v);
  if (f.size() != 4) return false;
  std::array<std::uint32_t, 4> ids{};
  for (std::size_t i = 0; i < 4; ++i) {
    auto x = parse_uint<std::uint32_t>(f[i]);
    if (!x) return false;
    ids[i] = *x;
  }
  out = ids;
  return true;
}

template <class T, class Parse>
bool parse_list(std::string_view v, std::vector<T>& out, Parse parse) {
  std::vector<T> list;
  for (auto tok : split_ws(v)) {
    auto x = parse(tok);
    if (!x) return false;
    list.push_back(*x);
  }
  out = std::move(list);
  return true;
}

}  // namespace

Result<ProcStatus> parse_status(std::string_view text) {
  ProcStatus s;
  bool have_name = false, have_pid = false, have_uid = false, have_gid = false;
  std::uint32_t seen = 0;  // bit i: kKnown[i] was read

  for_each_line(text, [&](std::uint64_t n, std::string_view line) {
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view key = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    auto bad = [&](const char* why) {
      s.malformed.push_back(MalformedLine{n, std::string(line), why});
    };

    static constexpr std::string_view kKnown[] = {
        "Name",  "State",   "Tgid",    "Pid",        "PPid",   "TracerPid", "Uid",
        "Gid",   "Groups",  "CapInh",  "CapPrm",     "CapEff", "CapBnd",    "CapAmb",
        "VmRSS", "Threads", "Seccomp", "NoNewPrivs", "NSpid"};
    static_assert(std::size(kKnown) <= 32);
    std::size_t index = 0;
    while (index < std::size(kKnown) && kKnown[index] != key) ++index;
    if (index == std::size(kKnown)) return;
    if (seen & (std::uint32_t{1} << index)) return bad("status: repeated key");
    seen |= std::uint32_t{1} << index;

    bool ok = true;
    if (key == "Name") {
      // proc_pid_status() writes "Name:\t" then the escaped comm: only that one separating tab
      // goes, nothing is trimmed (a comm may end in spaces; older kernels did not escape tabs).
      if (!value.empty() && value.front() == '\t') value.remove_prefix(1);
      s.name = std::string(value);
      have_name = true;
    } else if (key == "State") {
      std::string_view v = trim(value);
      if (v.empty())
        ok = false;
      else
        s.state = v.front();
    } else if (key == "Tgid") {
      ok = parse_i32(value, s.tgid);
    } else if (key == "Pid") {
      ok = parse_i32(value, s.pid);
      have_pid = true;
    } else if (key == "PPid") {
      ok = parse_i32(value, s.ppid);
    } else if (key == "TracerPid") {
      ok = parse_i32(value, s.tracer_pid);
    } else if (key == "Uid") {
      ok = have_uid = parse_ids(value, s.uid);
    } else if (key == "Gid") {
      ok = have_gid = parse_ids(value, s.gid);
    } else if (key == "Groups") {
      ok = parse_list(value, s.groups,
                      [](std::string_view t) { return parse_uint<std::uint32_t>(t); });
    } else if (key == "CapInh") {
      ok = parse_cap(value, s.cap_inh);
    } else if (key == "CapPrm") {
      ok = parse_cap(value, s.cap_prm);
    } else if (key == "CapEff") {
      ok = parse_cap(value, s.cap_eff);
    } else if (key == "CapBnd") {
      ok = parse_cap(value, s.cap_bnd);
    } else if (key == "CapAmb") {
      ok = parse_cap(value, s.cap_amb);
    } else if (key == "VmRSS") {
      // "    1612 kB": the unit is always kB (task_mem() in fs/proc/task_mmu.c).
      auto f = split_ws(value);
      auto x = f.size() == 2 && f[1] == "kB" ? detail::parse_int<std::int64_t>(f[0]) : std::nullopt;
      if (x && *x >= 0)
        s.vm_rss_kb = *x;
      else
        ok = false;
    } else if (key == "Threads") {
      ok = parse_i32(value, s.threads);
    } else if (key == "Seccomp") {
      ok = parse_i32(value, s.seccomp);
    } else if (key == "NoNewPrivs") {
      ok = parse_i32(value, s.no_new_privs);
    } else if (key == "NSpid") {
      ok = parse_list(value, s.nspid,
                      [](std::string_view t) { return detail::parse_int<std::int32_t>(t); });
    }
    if (!ok) bad("status: value does not parse");
  });

  if (!have_name && !have_pid) {
    return Unexpected(
        Error::make(ErrorKind::kMalformed, "parse", "", "status: no Name: and no Pid: line"));
  }
  s.has_ids = have_uid && have_gid;
  return s;
}

}  // namespace hozen::platform::procfs
