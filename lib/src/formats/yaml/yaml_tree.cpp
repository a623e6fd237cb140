#include "formats/yaml/yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>

namespace smpshade::detail {

namespace {

Location location(const std::string& file, std::size_t line, std::size_t column) {
  return Location{file, line, column};
}

Location location(const std::string& file, const YAML::Mark& mark) {
  // yaml-cpp counts from 0; a mark of -1 means "unknown".
  return location(file, mark.line >= 0 ? static_cast<std::size_t>(mark.line) + 1 : 0,
                  mark.column >= 0 ? static_cast<std::size_t>(mark.column) + 1 : 0);
}

// The depth limit actually applied: what the caller asks, but never so deep that yaml-cpp's
// recursion could overflow the stack.
std::uint32_t depth_limit(const YamlLimits& limits) {
  return std::min(limits.max_depth, kYamlDepthCeiling);
}

std::string depth_message(std::uint32_t limit) {
  return "nesting deeper than " + std::to_string(limit) +
         " levels: refused (no catalogue needs more than a few)";
}

// yaml-cpp parses flow collections recursively, so a few hundred thousand '[' would overflow
// the stack before a single event reaches us. A linear scan of the text for flow-bracket depth
// refuses them first. It skips comments and quoted scalars, and counts only brackets that start
// a token, so brackets inside plain text do not count.
void prescan_flow_depth(std::string_view text, const std::string& file, std::uint32_t limit) {
  std::uint32_t depth = 0;
  std::size_t line = 1, column = 0;
  char previous = '\n';
  enum class State { Normal, Comment, Single, Double } state = State::Normal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++column;
    switch (state) {
      case State::Comment:
        break;
      case State::Single:
        if (c == '\'') {
          if (i + 1 < text.size() && text[i + 1] == '\'') {
            ++i;  // '' is an escaped quote
            ++column;
          } else {
            state = State::Normal;
          }
        }
        break;
      case State::Double:
        if (c == '\\') {
          ++i;
          ++column;
        } else if (c == '"') {
          state = State::Normal;
        }
        break;
      case State::Normal: {
        const bool token_start = previous == '\n' || previous == ' ' || previous == '\t' ||
                                 previous == '[' || previous == '{' || previous == ',' ||
                                 previous == ':' || previous == '\r';
        if (c == '#' && (previous == '\n' || previous == ' ' || previous == '\t')) {
          state = State::Comment;
        } else if (token_start && c == '\'') {
          state = State::Single;
        } else if (token_start && c == '"') {
          state = State::Double;
        } else if (token_start && (c == '[' || c == '{')) {
          if (++depth > limit) {
            throw YamlError(YamlError::Kind::Limits, depth_message(limit),
                            location(file, line, column));
          }
        } else if ((c == ']' || c == '}') && depth > 0) {
          --depth;
        }
        break;
      }
    }
    if (c == '\n') {
      ++line;
      column = 0;
      if (state == State::Comment) state = State::Normal;
    }
    previous = c;
  }
}

// Builds YamlNodes from yaml-cpp's events, enforcing the limits as it goes: it throws from
// inside the parser, which unwinds yaml-cpp's recursion before it gets deep.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(YamlDocument& document, const std::string& file, const YamlLimits& limits)
      : doc_(document),
        file_(file),
        max_depth_(depth_limit(limits)),
        max_nodes_(limits.max_nodes),
        max_expansion_(limits.max_alias_expansion) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode& node = add(mark, YamlNode::Kind::Null);
    remember(anchor, node);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor == 0 || anchor > anchors_.size() || anchors_[anchor - 1] == nullptr) {
      throw YamlError(YamlError::Kind::Syntax, "alias to an unknown anchor", location(file_, mark));
    }
    const YamlNode* target = anchors_[anchor - 1];
    if (std::find(open_.begin(), open_.end(), target) != open_.end()) {
      throw YamlError(YamlError::Kind::Syntax, "alias refers to a node that contains it",
                      location(file_, mark));
    }
    if (open_.size() + target->height > max_depth_) {
      throw YamlError(YamlError::Kind::Limits, depth_message(max_depth_), location(file_, mark));
    }
    // Aliases share the node, so memory stays linear; what grows exponentially in an alias
    // bomb is what a reader walks. Count that and refuse it here.
    alias_expansion_ = target->expanded > SIZE_MAX - alias_expansion_
                           ? SIZE_MAX
                           : alias_expansion_ + target->expanded;
    if (alias_expansion_ > max_expansion_) {
      throw YamlError(YamlError::Kind::Limits,
                      "aliases expand to more than " + std::to_string(max_expansion_) +
                          " nodes: refused (an alias bomb?)",
                      location(file_, mark));
    }
    attach(target);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode& node = add(mark, YamlNode::Kind::Scalar);
    node.text = value;
    // "?" is yaml-cpp's non-specific tag of a plain scalar; "!" that of a quoted one. Explicit
    // numeric tags (!!int, !!float) are numbers too.
    node.plain = tag == "?" || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
                 tag == "tag:yaml.org,2002:bool";
    remember(anchor, node);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, YamlNode::Kind::Sequence);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor, YamlNode::Kind::Map);
  }
  void OnMapEnd() override { close(); }

 private:
  YamlNode& add(const YAML::Mark& mark, YamlNode::Kind kind) {
    if (doc_.nodes.size() >= max_nodes_) {
      throw YamlError(YamlError::Kind::Limits,
                      "more than " + std::to_string(max_nodes_) + " YAML nodes: refused",
                      location(file_, mark));
    }
    YamlNode& node = doc_.nodes.emplace_back();
    node.kind = kind;
    const Location where = location(file_, mark);
    node.line = static_cast<std::uint32_t>(where.line);
    node.column = static_cast<std::uint32_t>(where.column);
    attach(&node);
    return node;
  }

  void attach(const YamlNode* node) {
    if (open_.empty()) {
      if (doc_.root == nullptr) doc_.root = node;
    } else {
      open_.back()->children.push_back(node);
    }
  }

  void remember(YAML::anchor_t anchor, const YamlNode& node) {
    if (anchor == 0) return;
    if (anchors_.size() < anchor) anchors_.resize(anchor, nullptr);
    anchors_[anchor - 1] = &node;
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, YamlNode::Kind kind) {
    if (open_.size() + 1 > max_depth_) {
      throw YamlError(YamlError::Kind::Limits, depth_message(max_depth_), location(file_, mark));
    }
    YamlNode& node = add(mark, kind);
    remember(anchor, node);
    open_.push_back(&node);
  }

  void close() {
    YamlNode* node = open_.back();
    open_.pop_back();
    std::size_t expanded = 1;
    std::uint32_t height = 0;
    for (const YamlNode* child : node->children) {
      // Saturating: past both limits the exact count no longer matters, and it must not wrap.
      expanded = std::min(expanded + child->expanded, expansion_cap());
      height = std::max(height, child->height);
    }
    node->expanded = expanded;
    node->height = height + 1;
  }

  std::size_t expansion_cap() const {
    const std::size_t cap = max_expansion_ + max_nodes_;
    return cap < max_expansion_ ? SIZE_MAX : cap;  // both near SIZE_MAX: no wrap
  }

  YamlDocument& doc_;
  const std::string& file_;
  const std::uint32_t max_depth_;
  const std::size_t max_nodes_;
  const std::size_t max_expansion_;
  std::vector<YamlNode*> open_;
  std::vector<const YamlNode*> anchors_;  // by yaml-cpp's anchor number - 1
  std::size_t alias_expansion_ = 0;
};

}  // namespace

YamlDocument parse_yaml(std::string_view text, const std::string& file, const YamlLimits& limits) {
  prescan_flow_depth(text, file, depth_limit(limits));
  YamlDocument document;
  std::istringstream in{std::string(text)};
  try {
    YAML::Parser parser(in);
    TreeBuilder builder(document, file, limits);
    if (!parser.HandleNextDocument(builder)) return document;
    // A second document would be silently ignored by a reader that takes the first.
    class FirstEvent : public YAML::EventHandler {
     public:
      YAML::Mark mark;
      void OnDocumentStart(const YAML::Mark& m) override {
        mark = m;
        throw Stop();
      }
      void OnDocumentEnd() override {}
      void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
      void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
      void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    const std::string&) override {}
      void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                           YAML::EmitterStyle::value) override {}
      void OnSequenceEnd() override {}
      void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                      YAML::EmitterStyle::value) override {}
      void OnMapEnd() override {}
      struct Stop {};
    } second;
    try {
      if (parser.HandleNextDocument(second)) {
        throw YamlError(YamlError::Kind::Syntax,
                        "a second YAML document: a catalogue file holds one",
                        location(file, second.mark));
      }
    } catch (const FirstEvent::Stop&) {
      throw YamlError(YamlError::Kind::Syntax, "a second YAML document: a catalogue file holds one",
                      location(file, second.mark));
    }
  } catch (const YAML::Exception& e) {
    throw YamlError(YamlError::Kind::Syntax, e.msg, location(file, e.mark));
  }
  return document;
}

}  // namespace smpshade::detail
