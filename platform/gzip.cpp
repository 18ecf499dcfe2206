#include "platform/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace hozen::platform {

bool looks_gzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

namespace {

// One z_stream for the whole call; inflateReset between members.
class Inflater {
 public:
  Inflater() { ok_ = ::inflateInit2(&z_, 16 + MAX_WBITS) == Z_OK; }
  ~Inflater() {
    if (ok_) ::inflateEnd(&z_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  bool ok() const { return ok_; }
  z_stream& z() { return z_; }

 private:
  z_stream z_{};
  bool ok_ = false;
};

}  // namespace

Result<Inflated> gunzip_bounded(std::string_view data, std::size_t max_out) {
  if (!looks_gzip(data)) return Unexpected(Error::make(ErrorKind::kMalformed, "gunzip", {}, "not gzip data"));
  if (data.size() > std::numeric_limits<uInt>::max()) {
    return Unexpected(Error::make(ErrorKind::kLimit, "gunzip", {}, "compressed input over 4 GiB"));
  }
  Inflater inf;
  if (!inf.ok()) return Unexpected(Error::make(ErrorKind::kIo, "inflateInit2", {}, "zlib refused to start"));
  z_stream& z = inf.z();
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  Inflated out;
  std::string chunk(64 * 1024, '\0');
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = static_cast<uInt>(chunk.size());
    int rc = ::inflate(&z, Z_NO_FLUSH);
    std::size_t produced = chunk.size() - z.avail_out;
    std::size_t room = max_out - out.bytes.size();
    out.bytes.append(chunk.data(), std::min(produced, room));
    if (produced > room) {
      out.truncated = true;
      return out;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_STREAM_END) {
      ++out.members;
      std::string_view rest(reinterpret_cast<const char*>(z.next_in), z.avail_in);
      if (rest.empty()) return out;
      if (!looks_gzip(rest)) {
        // Zero padding after the last member is common (dd, tape); anything else is noted.
        out.trailing_garbage = rest.find_first_not_of('\0') != std::string_view::npos;
        return out;
      }
      if (::inflateReset(&z) != Z_OK) {
        out.incomplete = true;
        return out;
      }
      continue;
    }
    // Z_BUF_ERROR with input left cannot happen (output had room): the input ended mid-stream.
    // Z_DATA_ERROR / Z_NEED_DICT / Z_MEM_ERROR: corrupt data; keep what inflated before it.
    if (rc != Z_BUF_ERROR && out.bytes.empty() && out.members == 0) {
      return Unexpected(Error::make(ErrorKind::kMalformed, "inflate", {}, z.msg ? z.msg : "corrupt gzip data"));
    }
    out.incomplete = true;
    return out;
  }
}

}  // namespace hozen::platform
