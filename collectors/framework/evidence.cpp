#include "collectors/framework/evidence.h"

#include <algorithm>

#include "platform/gzip.h"
#include "platform/paths.h"
#include "platform/sha256.h"

namespace hozen::collectors {

namespace {

std::int64_t utc_ns(const struct timespec& ts) {
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void fill_stat(v1::PreservedFile* f, const struct stat& st) {
  f->set_size(static_cast<std::uint64_t>(st.st_size));
  f->set_mtime_utc_ns(utc_ns(st.st_mtim));
  f->set_ctime_utc_ns(utc_ns(st.st_ctim));
  f->set_mode(st.st_mode);
  f->set_uid(st.st_uid);
  f->set_gid(st.st_gid);
  f->set_inode(st.st_ino);
}

}  // namespace

bool is_secret_file(const Context& ctx, const struct stat& st) {
  for (auto secret : platform::paths::kSecretFiles) {
    auto s = ctx.host().lstat(secret);
    if (s && S_ISREG(s->st_mode) && s->st_dev == st.st_dev && s->st_ino == st.st_ino) return true;
  }
  return false;
}

std::optional<Preserved> preserve_file(const Context& ctx, Sink& sink, std::string_view path,
                                       const PreserveOptions& options) {
  const std::size_t cap = options.cap ? options.cap : ctx.limits().max_file_bytes;
  Preserved out;
  out.path = std::string(path);
  v1::Record r;
  auto* f = r.mutable_preserved_file();
  f->set_path(out.path);

  auto lst = ctx.host().lstat(path);
  if (!lst) {
    if (lst.error().kind != platform::ErrorKind::kNotFound || options.report_missing) {
      sink.item_error(path, lst.error());
    }
    return std::nullopt;
  }
  if (S_ISLNK(lst->st_mode)) {
    out.is_link = true;
    if (auto t = ctx.host().read_link(path)) out.link_target = *t;
    f->set_link_target(out.link_target);
    if (options.links == LinkPolicy::kRecordOnly) {
      fill_stat(f, *lst);
      out.st = *lst;
      sink.item(v1::ITEM_NOT_ATTEMPTED);
      sink.emit(std::move(r));
      return std::nullopt;
    }
    f->set_link_followed(true);
  }

  auto c = ctx.host().read_file(path, cap);
  if (!c) {
    sink.item_error(path, c.error());
    if (out.is_link) {  // keep the dangling or refused link itself as evidence
      fill_stat(f, *lst);
      f->set_link_followed(false);
      sink.emit(std::move(r));
    }
    return std::nullopt;
  }
  if (!options.allow_secret && is_secret_file(ctx, c->st)) {
    // A log or config path planted as a link to /etc/shadow: its bytes never enter the bundle.
    sink.item_error(path, platform::Error::make(platform::ErrorKind::kDenied, "read", path,
                                                "refused: the same file as a password-hash file"));
    if (out.is_link) {
      fill_stat(f, *lst);
      f->set_link_followed(false);
      sink.emit(std::move(r));
    }
    return std::nullopt;
  }
  fill_stat(f, c->st);
  f->set_truncated(c->truncated);
  f->set_atime_may_have_changed(c->atime_may_have_changed);
  if (!c->truncated) {
    out.sha256 = platform::as_bytes(platform::Sha256::of(c->bytes));
    f->set_sha256(out.sha256);
  }
  out.st = c->st;
  out.truncated = c->truncated;
  out.read = true;
  v1::ItemStatus status = v1::ITEM_OK;
  if (options.gunzip && platform::looks_gzip(c->bytes)) {
    auto inflated = platform::gunzip_bounded(c->bytes, cap);
    if (!inflated) {
      sink.anomaly("gzip_corrupt", path, 0, inflated.error().message(), std::string_view(c->bytes).substr(0, 64));
      out.bytes.clear();
      status = v1::ITEM_MALFORMED;  // kept as found, nothing parsed
    } else {
      if (inflated->truncated) sink.anomaly("gzip_output_capped", path, 0, "decompressed text over the cap: parsed a prefix", {});
      if (inflated->incomplete) sink.anomaly("gzip_incomplete", path, 0, "compressed stream cut short or corrupt: parsed what inflated", {});
      if (inflated->trailing_garbage) sink.anomaly("gzip_trailing_bytes", path, 0, "bytes after the last gzip member", {});
      out.truncated = out.truncated || inflated->truncated || inflated->incomplete;
      out.bytes = std::move(inflated->bytes);
    }
    f->set_raw(std::move(c->bytes));
  } else {
    out.bytes = c->bytes;
    f->set_raw(std::move(c->bytes));
  }
  sink.item(status != v1::ITEM_OK ? status : out.truncated ? v1::ITEM_TRUNCATED : v1::ITEM_OK);
  if (!sink.emit(std::move(r))) return std::nullopt;
  return out;
}

void set_source(v1::SourceRef* ref, const Preserved& file, std::uint64_t line, std::uint64_t offset) {
  ref->set_path(file.path);
  if (line) ref->set_line(line);
  if (offset) ref->set_offset(offset);
  if (!file.sha256.empty()) ref->set_sha256(file.sha256);
}

std::vector<std::string> list_dir_paths(const Context& ctx, Sink& sink, std::string_view dir) {
  std::vector<std::string> out;
  auto entries = ctx.host().list_dir(dir, ctx.limits().max_dir_entries);
  if (!entries) {
    if (entries.error().kind != platform::ErrorKind::kNotFound) sink.item_error(dir, entries.error());
    return out;
  }
  out.reserve(entries->size());
  for (const auto& e : *entries) out.push_back(platform::join_path(dir, e.name));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace hozen::collectors
