#include "agent/analysis/yaml_document.h"

#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <string>

namespace hozen::analysis {
namespace {

// Sees only where each document starts; the tree itself is built by YAML::Load.
class DocumentStarts final : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> last_start;

  void OnDocumentStart(const YAML::Mark& mark) override { last_start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

YamlDocument load_one_document(std::string_view text) {
  const std::string bytes(text);
  YamlDocument out;
  out.root = YAML::Load(bytes);
  // Two calls, never a loop: the second returns true if anything at all follows the first
  // document (a second '---' document, or text yaml-cpp's Load would have ignored).
  std::istringstream in(bytes);
  YAML::Parser parser(in);
  DocumentStarts starts;
  if (!parser.HandleNextDocument(starts)) return out;
  // Any token left counts, a directive line ("%x") too: the next call would swallow a directive
  // and report no document.
  if (!parser) return out;
  starts.last_start.reset();
  parser.HandleNextDocument(starts);
  out.extra = starts.last_start.value_or(YAML::Mark::null_mark());
  return out;
}

}  // namespace hozen::analysis
