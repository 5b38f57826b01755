#include "parse/supervisord.h"

#include <expat.h>

#include <memory>
#include <optional>

namespace host_exporter::parse {
namespace {

// Deeper XML than an XML-RPC answer ever nests is refused.
constexpr size_t kMaxDepth = 32;

// An element with its text (for leaves) and children.
struct XmlNode {
  std::string name;
  std::string text;
  std::vector<XmlNode> children;

  const XmlNode* Child(std::string_view n) const {
    for (const XmlNode& c : children) {
      if (c.name == n) return &c;
    }
    return nullptr;
  }
};

struct XmlBuilder {
  XmlNode root;
  std::vector<XmlNode*> open;
  std::string error;
  XML_Parser parser = nullptr;
};

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char**) {
  auto* b = static_cast<XmlBuilder*>(data);
  if (b->open.size() >= kMaxDepth) {
    b->error = "elements nested deeper than " + std::to_string(kMaxDepth);
    XML_StopParser(b->parser, XML_FALSE);
    return;
  }
  XmlNode* parent = b->open.back();
  parent->children.push_back(XmlNode{name, "", {}});
  b->open.push_back(&parent->children.back());
}

void XMLCALL OnEnd(void* data, const XML_Char*) {
  static_cast<XmlBuilder*>(data)->open.pop_back();
}

void XMLCALL OnText(void* data, const XML_Char* s, int len) {
  auto* b = static_cast<XmlBuilder*>(data);
  b->open.back()->text.append(s, static_cast<size_t>(len));
}

// The document's root element, or an error naming the line.
Result<XmlNode> ParseXml(std::string_view xml) {
  XmlBuilder b;
  b.open.push_back(&b.root);
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)>
      parser(XML_ParserCreate("UTF-8"), &XML_ParserFree);
  if (!parser) return Result<XmlNode>::Fail("out of memory");
  b.parser = parser.get();
  XML_SetUserData(b.parser, &b);
  XML_SetElementHandler(b.parser, OnStart, OnEnd);
  XML_SetCharacterDataHandler(b.parser, OnText);
  if (XML_Parse(b.parser, xml.data(), static_cast<int>(xml.size()), XML_TRUE) !=
      XML_STATUS_OK) {
    return Result<XmlNode>::Fail(
        "XML line " + std::to_string(XML_GetCurrentLineNumber(b.parser)) +
        ": " +
        (b.error.empty() ? XML_ErrorString(XML_GetErrorCode(b.parser))
                         : b.error));
  }
  if (b.root.children.size() != 1) return Result<XmlNode>::Fail("no XML root");
  Result<XmlNode> r;
  r.value = std::move(b.root.children[0]);
  return r;
}

// An XML-RPC <value>'s typed element (nullptr for an untyped string).
const XmlNode* Typed(const XmlNode& value) {
  return value.children.empty() ? nullptr : &value.children[0];
}

// An XML-RPC string (untyped or <string>), or nullopt.
std::optional<std::string> StringOf(const XmlNode& value) {
  const XmlNode* t = Typed(value);
  if (t == nullptr) return value.text;
  if (t->name == "string") return t->text;
  return std::nullopt;
}

// An XML-RPC integer (<int>, <i4>, <i8>), or nullopt.
std::optional<int64_t> IntOf(const XmlNode& value) {
  const XmlNode* t = Typed(value);
  if (t == nullptr ||
      (t->name != "int" && t->name != "i4" && t->name != "i8")) {
    return std::nullopt;
  }
  return ParseI64(Trim(t->text));
}

// The members of an XML-RPC <value><struct>, by name: calls `member`.
template <typename F>
bool ForEachMember(const XmlNode& value, F&& member) {
  const XmlNode* s = Typed(value);
  if (s == nullptr || s->name != "struct") return false;
  for (const XmlNode& m : s->children) {
    const XmlNode* name = m.Child("name");
    const XmlNode* v = m.Child("value");
    if (m.name != "member" || name == nullptr || v == nullptr) return false;
    if (!member(std::string(Trim(name->text)), *v)) return false;
  }
  return true;
}

}  // namespace

std::string BuildXmlRpcRequest(std::string_view host, std::string_view path,
                               std::string_view method) {
  std::string body = "<?xml version=\"1.0\"?>\n<methodCall><methodName>" +
                     std::string(method) +
                     "</methodName><params></params></methodCall>\n";
  std::string req = "POST " + std::string(path) +
                    " HTTP/1.0\r\nHost: " + std::string(host) +
                    "\r\nUser-Agent: host_exporter\r\nContent-Type: "
                    "text/xml\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n";
  return req + body;
}

Result<std::string> HttpResponseBody(std::string_view response) {
  using R = Result<std::string>;
  size_t head_end = response.find("\r\n\r\n");
  size_t body_at = head_end + 4;
  if (head_end == std::string_view::npos) {
    head_end = response.find("\n\n");
    body_at = head_end + 2;
  }
  if (head_end == std::string_view::npos) {
    return R::Fail("incomplete HTTP response (" +
                   std::to_string(response.size()) + " bytes, no header end)");
  }
  std::string_view head = response.substr(0, head_end);
  const std::string_view status_line = Trim(head.substr(0, head.find('\n')));
  if (!status_line.starts_with("HTTP/") ||
      status_line.find(" 200") != status_line.find(' ')) {
    return R::Fail("HTTP status '" + std::string(status_line) + "'");
  }
  std::optional<uint64_t> length;
  bool chunked = false;
  for (size_t at = head.find('\n'); at != std::string_view::npos;) {
    const size_t next = head.find('\n', at + 1);
    std::string_view line = Trim(head.substr(at + 1, next - at - 1));
    at = next;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(Trim(line.substr(0, colon)));
    for (char& c : name) c = static_cast<char>(std::tolower(c));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (name == "content-length") {
      length = ParseU64(value);
      if (!length)
        return R::Fail("bad Content-Length '" + std::string(value) + "'");
    } else if (name == "transfer-encoding" && value == "chunked") {
      chunked = true;
    }
  }
  std::string_view body = response.substr(body_at);
  R r;
  if (chunked) {
    while (true) {
      const size_t eol = body.find("\r\n");
      if (eol == std::string_view::npos) return R::Fail("truncated chunk");
      std::string_view size_text = body.substr(0, eol);
      size_text = size_text.substr(0, size_text.find(';'));
      uint64_t size = 0;
      for (char c : Trim(size_text)) {
        const int d = HexDigit(c);
        if (d < 0 || size > (1ULL << 40)) return R::Fail("bad chunk size");
        size = size * 16 + static_cast<uint64_t>(d);
      }
      body.remove_prefix(eol + 2);
      if (size == 0) return r;
      if (body.size() < size) return R::Fail("truncated chunk");
      r.value.append(body.substr(0, size));
      body.remove_prefix(std::min<size_t>(body.size(), size + 2));
    }
  }
  if (length) {
    if (body.size() < *length) {
      return R::Fail("truncated body: " + std::to_string(body.size()) + " of " +
                     std::to_string(*length) + " bytes");
    }
    body = body.substr(0, *length);
  }
  r.value = std::string(body);
  return r;
}

Result<std::vector<SupervisordProcess>> ParseProcessInfo(std::string_view xml) {
  using R = Result<std::vector<SupervisordProcess>>;
  auto doc = ParseXml(xml);
  if (!doc.ok()) return R::Fail(doc.error);
  const XmlNode& root = doc.value;
  if (root.name != "methodResponse") {
    return R::Fail("<" + root.name + "> instead of <methodResponse>");
  }
  if (const XmlNode* fault = root.Child("fault")) {
    std::string text = "fault";
    const XmlNode* v = fault->Child("value");
    if (v != nullptr) {
      std::string code, message;
      ForEachMember(*v, [&](const std::string& n, const XmlNode& value) {
        if (n == "faultString") message = StringOf(value).value_or("");
        if (n == "faultCode") code = std::to_string(IntOf(value).value_or(0));
        return true;
      });
      text += " " + code + ": " + message;
    }
    return R::Fail(text);
  }
  const XmlNode* params = root.Child("params");
  const XmlNode* param = params ? params->Child("param") : nullptr;
  const XmlNode* value = param ? param->Child("value") : nullptr;
  const XmlNode* array = value ? Typed(*value) : nullptr;
  const XmlNode* data =
      array && array->name == "array" ? array->Child("data") : nullptr;
  if (data == nullptr) return R::Fail("the answer is not an array");
  R r;
  for (const XmlNode& item : data->children) {
    SupervisordProcess p;
    std::string bad;
    auto member = [&](const std::string& n, const XmlNode& v) {
      auto str = [&](std::string* out) {
        auto s = StringOf(v);
        if (!s) bad = n;
        *out = s.value_or("");
      };
      auto num = [&](int64_t* out) {
        auto i = IntOf(v);
        if (!i) bad = n;
        *out = i.value_or(0);
      };
      if (n == "name")
        str(&p.name);
      else if (n == "group")
        str(&p.group);
      else if (n == "statename")
        str(&p.statename);
      else if (n == "state")
        num(&p.state);
      else if (n == "start")
        num(&p.start);
      else if (n == "exitstatus")
        num(&p.exitstatus);
      else if (n == "pid")
        num(&p.pid);
      return bad.empty();
    };
    if (item.name != "value" || !ForEachMember(item, member)) {
      const size_t i = r.value.size() + 1;
      return R::Fail(bad.empty()
                         ? "process " + std::to_string(i) + " is not a struct"
                         : "process " + std::to_string(i) + ": member '" + bad +
                               "' has the wrong type");
    }
    r.value.push_back(std::move(p));
  }
  return r;
}

}  // namespace host_exporter::parse
