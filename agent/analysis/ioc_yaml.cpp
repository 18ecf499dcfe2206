// The YAML indicator file: a mapping of lists (docs/IOC.md). yaml-cpp builds the tree and
// throws on syntax errors; everything it throws stops in parse_yaml_document.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "agent/analysis/ioc_parse.h"
#include "agent/analysis/ioc_values.h"
#include "agent/analysis/yaml_document.h"

namespace hozen::analysis::ioc {
namespace {

struct ListKey {
  std::string_view key;
  std::string_view kind;  // the recognize_as() kind of its entries
};
constexpr ListKey kListKeys[] = {
    {"ips", "ip"},     {"domains", "domain"},    {"urls", "url"},   {"hashes", "hash"},
    {"files", "file"}, {"processes", "process"}, {"ports", "port"}, {"users", "user"}};
constexpr std::string_view kIgnoredKeys[] = {"name", "description"};
constexpr std::string_view kKnownKeys =
    "ips, domains, urls, hashes, files, processes, ports, users, name, description";

std::size_t line_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? 0 : static_cast<std::size_t>(mark.line) + 1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

class YamlReader {
 public:
  YamlReader(std::string_view bytes, std::string_view name) : bytes_(bytes), file_(name) {}

  Expected<std::vector<Indicator>, IocError> read(const YAML::Node& root) {
    if (root.IsNull()) return std::move(out_);  // an empty document: no indicators
    if (!root.IsMap()) {
      return fail(root,
                  "the top level must be a mapping of lists (" + std::string(kKnownKeys) + ")");
    }
    std::set<std::string> seen;
    for (const auto& entry : root) {
      if (!entry.first.IsScalar()) return fail(entry.first, "a key must be a plain word");
      const std::string key = entry.first.Scalar();
      if (!seen.insert(key).second) {
        return fail(entry.first, "key '" + excerpt(key) + "' appears twice");
      }
      if (auto ok = read_key(key, entry.first, entry.second); !ok) {
        return Unexpected<IocError>(ok.error());
      }
    }
    return std::move(out_);
  }

 private:
  Unexpected<IocError> fail(const YAML::Node& at, std::string message) const {
    return Unexpected<IocError>(IocError{file_, line_of(at), std::move(message)});
  }

  Unexpected<IocError> fail_at(std::size_t line, std::string message) const {
    return Unexpected<IocError>(IocError{file_, line, std::move(message)});
  }

  // yaml-cpp marks an empty entry ("-" alone) at the token after it, often on a later line: step
  // back over blanks to the '-' (or ',' in a flow list) that opened it.
  std::size_t null_entry_line(const YAML::Node& item, const YAML::Node& key_node) const {
    const YAML::Mark mark = item.Mark();
    if (mark.is_null() || mark.pos < 0) return line_of(key_node);
    std::size_t pos = std::min(static_cast<std::size_t>(mark.pos), bytes_.size());
    while (pos > 0 && std::string_view(" \t\r\n").find(bytes_[pos - 1]) != std::string_view::npos) {
      --pos;
    }
    if (pos == 0 || (bytes_[pos - 1] != '-' && bytes_[pos - 1] != ',')) return line_of(item);
    return 1 + static_cast<std::size_t>(std::count(bytes_.begin(), bytes_.begin() + pos - 1, '\n'));
  }

  Expected<void, IocError> read_key(const std::string& key, const YAML::Node& key_node,
                                    const YAML::Node& value) {
    if (std::find(std::begin(kIgnoredKeys), std::end(kIgnoredKeys), key) !=
        std::end(kIgnoredKeys)) {
      return {};
    }
    for (const auto& k : kListKeys) {
      if (k.key == key) return read_list(k, key_node, value);
    }
    return fail(key_node,
                "unknown key '" + excerpt(key) + "' (known: " + std::string(kKnownKeys) + ")");
  }

  Expected<void, IocError> read_list(const ListKey& key, const YAML::Node& key_node,
                                     const YAML::Node& list) {
    const std::string k(key.key);
    if (list.IsNull()) return {};  // "ips:" with nothing under it
    if (!list.IsSequence()) {
      const YAML::Node& at = line_of(list) ? list : key_node;
      return fail(at, "'" + k + "' must be a list (one '- value' per line or [a, b])");
    }
    for (const auto& item : list) {
      if (item.IsNull()) {
        return fail_at(null_entry_line(item, key_node), "empty entry in '" + k + "'");
      }
      if (!item.IsScalar()) {
        return fail(item, "an entry of '" + k + "' must be a single value, not a list or mapping");
      }
      if (out_.size() >= kMaxIndicatorsPerFile) {
        return fail(item, "more than 1000000 indicators in one file");
      }
      const std::string& text = item.Scalar();
      auto r = recognize_as(key.kind, trim(text));
      if (!r) return fail(item, "'" + k + "': " + reason_with_text(r.error(), text));
      out_.push_back(
          Indicator{r->type, std::move(r->value), file_ + ":" + std::to_string(line_of(item))});
    }
    return {};
  }

  std::string_view bytes_;  // the document, for null_entry_line
  std::string file_;
  std::vector<Indicator> out_;
};

}  // namespace

Expected<std::vector<Indicator>, IocError> parse_yaml_document(std::string_view bytes,
                                                               std::string_view name) {
  try {
    const YamlDocument doc = load_one_document(bytes);
    if (doc.extra) {
      return Unexpected<IocError>(IocError{
          std::string(name), doc.extra->is_null() ? 0 : static_cast<std::size_t>(doc.extra->line) + 1,
          "text after the end of the YAML document (an indicator file is one mapping of lists)"});
    }
    return YamlReader(bytes, name).read(doc.root);
  } catch (const YAML::Exception& e) {
    const std::size_t line = e.mark.is_null() ? 0 : static_cast<std::size_t>(e.mark.line) + 1;
    return Unexpected<IocError>(IocError{std::string(name), line, "YAML: " + excerpt(e.msg, 200)});
  } catch (const std::exception& e) {
    return Unexpected<IocError>(IocError{std::string(name), 0, "YAML: " + excerpt(e.what(), 200)});
  } catch (...) {
    return Unexpected<IocError>(IocError{std::string(name), 0, "YAML: unexpected parser failure"});
  }
}

}  // namespace hozen::analysis::ioc
