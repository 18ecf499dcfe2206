#include "agent/export/json.h"
#include "agent/export/text.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <cmath>
#include <cstdio>

#include "hozen/v1/options.pb.h"
#include "platform/host.h"
#include "platform/sha256.h"

namespace hozen::exporter {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

v1::Display display_of(const FieldDescriptor* f) { return f->options().GetExtension(v1::display); }

void append_scalar(std::string& out, const Message& m, const Reflection* r,
                   const FieldDescriptor* f, int index) {
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      out += std::to_string(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_INT64: {
      std::int64_t v = rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f);
      if (display_of(f) == v1::DISPLAY_UTC_NS) {
        append_json_string(out, platform::format_rfc3339_ns(v));
      } else {
        out += std::to_string(v);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT32:
      out += std::to_string(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      out += std::to_string(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v = f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE
                     ? (rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f))
                     : (rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
      if (!std::isfinite(v)) {
        out += "null";
      } else {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        out += buf;
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      out += (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f);
      append_json_string(out, e->name());
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      out += to_json(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f));
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      break;  // handled by the caller
  }
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string base64(std::string_view in) {
  static constexpr char kAlpha[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    out += kAlpha[(v >> 18) & 63];
    out += kAlpha[(v >> 12) & 63];
    out += kAlpha[(v >> 6) & 63];
    out += kAlpha[v & 63];
  }
  if (i < in.size()) {
    std::uint32_t v = p[i] << 16;
    if (i + 1 < in.size()) v |= p[i + 1] << 8;
    out += kAlpha[(v >> 18) & 63];
    out += kAlpha[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlpha[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void for_each_field(const Message& m, const std::function<void(const FieldValue&)>& fn) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);  // declaration (field number) order, set fields only
  FieldValue v;
  for (const FieldDescriptor* f : fields) {
    v.field = f;
    v.b64 = false;
    v.json_string = false;
    v.text.clear();
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      const bool hex = display_of(f) == v1::DISPLAY_HEX;
      std::vector<std::string> values;
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) values.push_back(r->GetRepeatedString(m, f, i));
      } else {
        values.push_back(r->GetString(m, f));
      }
      bool text = !hex;
      for (const auto& s : values) text = text && is_valid_utf8(s);
      v.b64 = !hex && !text;
      auto render = [&](const std::string& s) {
        return hex ? platform::to_hex(s) : text ? s : base64(s);
      };
      if (f->is_repeated()) {
        v.text += '[';
        for (std::size_t i = 0; i < values.size(); ++i) {
          if (i > 0) v.text += ',';
          append_json_string(v.text, render(values[i]));
        }
        v.text += ']';
      } else {
        v.json_string = true;
        v.text = render(values[0]);
      }
    } else if (f->is_repeated()) {
      v.text += '[';
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        if (i > 0) v.text += ',';
        append_scalar(v.text, m, r, f, i);
      }
      v.text += ']';
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      v.json_string = true;
      v.text = r->GetEnum(m, f)->name();
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_INT64 &&
               display_of(f) == v1::DISPLAY_UTC_NS) {
      v.json_string = true;
      v.text = platform::format_rfc3339_ns(r->GetInt64(m, f));
    } else {
      append_scalar(v.text, m, r, f, 0);
    }
    fn(v);
  }
}

void append_fields(std::string& out, const Message& m, bool* first) {
  for_each_field(m, [&](const FieldValue& v) {
    if (!*first) out += ',';
    *first = false;
    out += '"';
    out += v.field->name();  // proto field names are [a-z0-9_]: nothing to escape
    if (v.b64) out += "_b64";
    out += "\":";
    if (v.json_string) {
      append_json_string(out, v.text);
    } else {
      out += v.text;
    }
  });
}

std::string to_json(const Message& m) {
  std::string out = "{";
  bool first = true;
  append_fields(out, m, &first);
  out += '}';
  return out;
}

}  // namespace hozen::exporter
