// Serialization filters: JSON as Python's json.dumps writes it (Ansible's
// to_json and to_nice_json, Jinja's HTML-safe tojson), from_json, and
// base64.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "engine/base/text.h"
#include "engine/template/filters_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep::filters_internal {
namespace {

struct JsonStyle {
  long long indent = -1;  // -1: one line
  bool sort_keys = false;
  std::string item_sep = ", ";
  std::string key_sep = ": ";
};

void AppendU(unsigned v, std::string* out) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\u%04x", v);
  *out += buf;
}

// json.dumps with ensure_ascii: non-ASCII as \uXXXX (surrogate pairs
// beyond the BMP); invalid UTF-8 as U+FFFD.
void AppendJsonString(const std::string& raw, std::string* out) {
  std::string s = FindInvalidUtf8(raw) == std::string::npos ? raw : ReplaceInvalidUtf8(raw);
  *out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        *out += "\\\"";
        continue;
      case '\\':
        *out += "\\\\";
        continue;
      case '\n':
        *out += "\\n";
        continue;
      case '\r':
        *out += "\\r";
        continue;
      case '\t':
        *out += "\\t";
        continue;
      case '\b':
        *out += "\\b";
        continue;
      case '\f':
        *out += "\\f";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      if (c == 0x7f) {
        *out += static_cast<char>(c);
      } else {
        AppendU(c, out);
      }
      continue;
    }
    if (c < 0x80) {
      *out += static_cast<char>(c);
      continue;
    }
    int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    unsigned cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (int k = 1; k < len && i + 1 < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[++i]) & 0x3F);
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      AppendU(0xD800 + (cp >> 10), out);
      AppendU(0xDC00 + (cp & 0x3FF), out);
    } else {
      AppendU(cp, out);
    }
  }
  *out += '"';
}

Status AppendJson(const Value& v, const JsonStyle& style, int depth, std::string* out) {
  if (depth > 512) return Status::Error("values nested too deep");
  std::string nl, nl_inner;
  if (style.indent >= 0) {
    nl = "\n" + std::string(static_cast<size_t>(style.indent * depth), ' ');
    nl_inner = "\n" + std::string(static_cast<size_t>(style.indent * (depth + 1)), ' ');
  }
  if (v.is_array() || v.is_object()) {
    if (v.empty()) {
      *out += v.is_array() ? "[]" : "{}";
      return Status::Ok();
    }
    *out += v.is_array() ? '[' : '{';
    std::vector<std::pair<std::string, const Value*>> items;
    if (v.is_object()) {
      for (auto it = v.begin(); it != v.end(); ++it) items.emplace_back(it.key(), &it.value());
      if (style.sort_keys) {
        std::stable_sort(items.begin(), items.end(),
                         [](const auto& x, const auto& y) { return x.first < y.first; });
      }
    } else {
      for (const Value& item : v) items.emplace_back("", &item);
    }
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) *out += style.item_sep;
      *out += nl_inner;
      if (v.is_object()) {
        AppendJsonString(items[i].first, out);
        *out += style.key_sep;
      }
      Status s = AppendJson(*items[i].second, style, depth + 1, out);
      if (!s.ok()) return s;
    }
    *out += nl;
    *out += v.is_array() ? ']' : '}';
    return Status::Ok();
  }
  if (v.is_string()) {
    AppendJsonString(v.get_ref<const std::string&>(), out);
  } else if (v.is_null()) {
    *out += "null";
  } else if (v.is_boolean()) {
    *out += v.get<bool>() ? "true" : "false";
  } else if (v.is_number_float()) {
    double d = v.get<double>();
    *out += std::isnan(d) ? "NaN" : std::isinf(d) ? (d > 0 ? "Infinity" : "-Infinity") : PyFloat(d);
  } else {
    *out += v.dump();
  }
  return Status::Ok();
}

Result<JsonStyle> StyleFrom(std::string_view filter, const Value& indent, const Value& sort_keys,
                            bool nice) {
  JsonStyle style;
  if (!indent.is_null()) {
    Result<long long> n = IntArg(filter, "indent", indent);
    if (!n.ok()) return n.status();
    style.indent = std::clamp(*n, 0LL, 64LL);
    style.item_sep = ",";
  }
  if (nice) style.item_sep = ",";
  style.sort_keys = PyTruthy(sort_keys);
  return style;
}

Result<Value> DumpJson(std::string_view filter, const Value& in, const JsonStyle& style) {
  std::string out;
  Status s = AppendJson(in, style, 0, &out);
  if (!s.ok()) return s.WithContext(std::string(filter));
  return Value(out);
}

Result<Value> ToJson(const Value& in, const Args& a) {
  Result<JsonStyle> style = StyleFrom("to_json", a[0], a[1], false);
  if (!style.ok()) return style.status();
  return DumpJson("to_json", in, *style);
}

Result<Value> ToNiceJson(const Value& in, const Args& a) {
  Result<JsonStyle> style = StyleFrom("to_nice_json", a[0], a[1], true);
  if (!style.ok()) return style.status();
  return DumpJson("to_nice_json", in, *style);
}

// Jinja's tojson: sorted keys, and <, >, & and ' escaped so the text is
// safe inside HTML.
Result<Value> ToJsonHtml(const Value& in, const Args& a) {
  Result<JsonStyle> style = StyleFrom("tojson", a[0], true, false);
  if (!style.ok()) return style.status();
  Result<Value> text = DumpJson("tojson", in, *style);
  if (!text.ok()) return text;
  std::string out;
  for (char c : text->get<std::string>()) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      case '\'':
        out += "\\u0027";
        break;
      default:
        out += c;
    }
  }
  return Value(out);
}

Result<Value> FromJson(const Value& in, const Args&) {
  if (!in.is_string()) {
    return FilterError("from_json",
                       "the JSON object must be str, bytes or bytearray, not " + TypeName(in));
  }
  Value out = Value::parse(in.get<std::string>(), nullptr, false);
  if (out.is_discarded()) return FilterError("from_json", "not valid JSON");
  return out;
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Result<Value> B64Encode(const Value& in, const Args&) {
  std::string s = PyStr(in), out;
  for (size_t i = 0; i < s.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) n |= static_cast<unsigned char>(s[i + 1]) << 8;
    if (i + 2 < s.size()) n |= static_cast<unsigned char>(s[i + 2]);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < s.size() ? kBase64[(n >> 6) & 63] : '=';
    out += i + 2 < s.size() ? kBase64[n & 63] : '=';
  }
  return Value(out);
}

// base64.b64decode without validation: characters outside the alphabet
// are skipped; missing padding is an error.
Result<Value> B64Decode(const Value& in, const Args&) {
  std::string s = PyStr(in), out;
  unsigned acc = 0;
  int bits = 0;
  size_t data = 0, pads = 0;
  for (char c : s) {
    if (c == '=') {
      if (data % 4 >= 2) ++pads;
      if (data % 4 >= 2 && data % 4 + pads == 4) break;
      continue;
    }
    const char* p = c == '\0' ? nullptr : std::strchr(kBase64, c);
    if (p == nullptr) continue;
    ++data;
    acc = (acc << 6) | static_cast<unsigned>(p - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (data % 4 == 1) {
    return FilterError("b64decode", "invalid base64-encoded string: number of data characters (" +
                                        std::to_string(data) +
                                        ") cannot be 1 more than a multiple of 4");
  }
  if (data % 4 != 0 && data % 4 + pads < 4) return FilterError("b64decode", "incorrect padding");
  return Value(out);
}

}  // namespace

void AddDataFilters(std::vector<FilterEntry>* out) {
  std::vector<FilterEntry> entries = {
      {{"to_json", {Opt("indent", nullptr), Opt("sort_keys", false)}}, ToJson, {}},
      {{"to_nice_json", {Opt("indent", 4), Opt("sort_keys", true)}}, ToNiceJson, {}},
      {{"tojson", {Opt("indent", nullptr)}}, ToJsonHtml, {}},
      {{"from_json", {}}, FromJson, {}},
      {{"b64encode", {Opt("encoding", "utf-8")}}, B64Encode, {}},
      {{"b64decode", {Opt("encoding", "utf-8")}}, B64Decode, {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace hostprep::filters_internal

namespace hostprep {

Result<std::string> PyJsonDumps(const Value& v) {
  std::string out;
  Status s = filters_internal::AppendJson(v, filters_internal::JsonStyle{}, 0, &out);
  if (!s.ok()) return s;
  return out;
}

}  // namespace hostprep
