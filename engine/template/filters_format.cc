// Filters that format numbers and values as Python prints them: format
// (printf-style %), filesizeformat, pprint.
#include <cmath>
#include <cstdio>

#include "engine/template/filters_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep::filters_internal {
namespace {

struct Spec {
  std::string flags;
  long long width = -1;
  long long precision = -1;
  char conv = 0;
};

std::string Pad(std::string body, const Spec& s, bool numeric) {
  bool left = s.flags.find('-') != std::string::npos;
  bool zero = numeric && !left && s.flags.find('0') != std::string::npos;
  long long len = static_cast<long long>(Utf8Length(body));
  if (s.width <= len) return body;
  size_t fill = static_cast<size_t>(s.width - len);
  if (left) return body + std::string(fill, ' ');
  if (!zero) return std::string(fill, ' ') + body;
  size_t sign = 0;
  if (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) sign = 1;
  if (body.size() > sign + 1 && body[sign] == '0' &&
      (body[sign + 1] == 'x' || body[sign + 1] == 'X' || body[sign + 1] == 'o')) {
    sign += 2;
  }
  return body.substr(0, sign) + std::string(fill, '0') + body.substr(sign);
}

std::string SignPrefix(bool negative, const Spec& s) {
  if (negative) return "-";
  if (s.flags.find('+') != std::string::npos) return "+";
  if (s.flags.find(' ') != std::string::npos) return " ";
  return "";
}

Result<std::string> FormatInteger(const Value& v, const Spec& s) {
  long long n = 0;
  if (IsIntegral(v)) {
    n = AsInteger(v);
  } else if (v.is_number_float() && std::isfinite(v.get<double>()) &&
             std::fabs(v.get<double>()) < 9.2e18 && s.conv != 'x' && s.conv != 'X' &&
             s.conv != 'o') {
    n = static_cast<long long>(v.get<double>());
  } else {
    std::string what =
        s.conv == 'd' || s.conv == 'i' || s.conv == 'u' ? "a real number" : "an integer";
    return Status::Error(std::string("%") + s.conv + " format: " + what + " is required, not " +
                         TypeName(v));
  }
  unsigned long long mag =
      n < 0 ? 0ULL - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
  char buf[72];
  const char* fmt = s.conv == 'x'   ? "%llx"
                    : s.conv == 'X' ? "%llX"
                    : s.conv == 'o' ? "%llo"
                                    : "%llu";
  std::snprintf(buf, sizeof buf, fmt, mag);
  std::string digits = buf;
  if (s.precision > static_cast<long long>(digits.size()) && s.precision < 10000) {
    digits = std::string(static_cast<size_t>(s.precision) - digits.size(), '0') + digits;
  }
  std::string alt;
  if (s.flags.find('#') != std::string::npos) {
    alt = s.conv == 'x' ? "0x" : s.conv == 'X' ? "0X" : s.conv == 'o' ? "0o" : "";
  }
  return Pad(SignPrefix(n < 0, s) + alt + digits, s, true);
}

Result<std::string> FormatFloat(const Value& v, const Spec& s) {
  if (!IsNumeric(v)) {
    return Status::Error(std::string("%") + s.conv + " format: a real number is required, not " +
                         TypeName(v));
  }
  double d = AsDouble(v);
  if (!std::isfinite(d)) {
    std::string body = std::isnan(d) ? "nan" : "inf";
    if (std::isupper(static_cast<unsigned char>(s.conv))) body = std::isnan(d) ? "NAN" : "INF";
    return Pad(SignPrefix(std::signbit(d) && !std::isnan(d), s) + body, s, false);
  }
  long long precision = s.precision < 0 ? 6 : std::min(s.precision, 500LL);
  std::string fmt = "%";
  if (s.flags.find('#') != std::string::npos) fmt += '#';
  fmt += ".*";
  fmt += s.conv;
  std::vector<char> buf(700);
  std::snprintf(buf.data(), buf.size(), fmt.c_str(), static_cast<int>(precision), std::fabs(d));
  return Pad(SignPrefix(std::signbit(d), s) + buf.data(), s, true);
}

Result<std::string> FormatOne(const Value& v, const Spec& s) {
  switch (s.conv) {
    case 's':
    case 'r':
    case 'a': {
      std::string text = s.conv == 's' ? PyStr(v) : PyRepr(v);
      if (s.precision >= 0) {
        std::vector<std::string> chars = Utf8Chars(text);
        if (static_cast<long long>(chars.size()) > s.precision) {
          text.clear();
          for (long long i = 0; i < s.precision; ++i) text += chars[static_cast<size_t>(i)];
        }
      }
      return Pad(text, s, false);
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o':
      return FormatInteger(v, s);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return FormatFloat(v, s);
    case 'c':
      if (v.is_string() && Utf8Length(v.get<std::string>()) == 1) return Pad(v, s, false);
      if (IsIntegral(v) && AsInteger(v) >= 0 && AsInteger(v) < 0x110000) {
        Value one = Value::array();
        return Pad(Utf8Chars(std::string(1, static_cast<char>(AsInteger(v))))[0], s, false);
      }
      return Status::Error("%c requires an int or a unicode character");
    default:
      return Status::Error(std::string("unsupported format character '") + s.conv + "'");
  }
}

// Python's `text % tuple(args)`.
Result<Value> Format(const Value& in, const Args& a) {
  std::string f = PyStr(in), out;
  size_t next = 0;
  auto take = [&]() -> const Value* { return next < a.size() ? &a[next++] : nullptr; };
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out += f[i];
      continue;
    }
    Spec s;
    ++i;
    if (i < f.size() && f[i] == '(') {
      return FilterError("format", "named conversions (%(name)s) are not supported");
    }
    while (i < f.size() && std::string("-+ #0").find(f[i]) != std::string::npos) s.flags += f[i++];
    for (int part = 0; part < 2; ++part) {
      long long* field = part == 0 ? &s.width : &s.precision;
      if (part == 1) {
        if (i >= f.size() || f[i] != '.') break;
        ++i;
        *field = 0;
      }
      if (i < f.size() && f[i] == '*') {
        const Value* v = take();
        if (!v) return FilterError("format", "not enough arguments for format string");
        if (!IsIntegral(*v)) return FilterError("format", "* wants int");
        *field = AsInteger(*v);
        if (part == 0 && *field < 0) s.flags += '-', *field = -*field;
        ++i;
        continue;
      }
      while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) {
        *field = std::max(*field, 0LL) * 10 + (f[i++] - '0');
        if (*field > 100000) return FilterError("format", "width or precision is too large");
      }
    }
    while (i < f.size() && (f[i] == 'l' || f[i] == 'h' || f[i] == 'L')) ++i;
    if (i >= f.size()) return FilterError("format", "incomplete format");
    s.conv = f[i];
    if (s.conv == '%') {
      out += '%';
      continue;
    }
    const Value* v = take();
    if (!v) return FilterError("format", "not enough arguments for format string");
    Result<std::string> one = FormatOne(*v, s);
    if (!one.ok()) return one.status().WithContext("format");
    out += *one;
  }
  if (next < a.size()) {
    return FilterError("format", "not all arguments converted during string formatting");
  }
  return Value(out);
}

Result<Value> FileSizeFormat(const Value& in, const Args& a) {
  double bytes = 0;
  if (IsNumeric(in)) {
    bytes = AsDouble(in);
  } else if (!in.is_string() || !ParseFloat(in.get<std::string>(), &bytes)) {
    return WrongType("filesizeformat", "a number", in);
  }
  bool binary = PyTruthy(a[0]);
  double base = binary ? 1024 : 1000;
  static const char* kBinary[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  static const char* kDecimal[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  if (bytes == 1) return Value("1 Byte");
  if (bytes < base) {
    if (!std::isfinite(bytes)) return FilterError("filesizeformat", "not a finite number");
    return Value(std::to_string(static_cast<long long>(bytes)) + " Bytes");
  }
  double unit = base;
  int i = 0;
  for (; i < 8; ++i) {
    unit = std::pow(base, i + 2);
    if (bytes < unit) break;
  }
  if (i == 8) i = 7;
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.1f %s", base * bytes / unit, binary ? kBinary[i] : kDecimal[i]);
  return Value(std::string(buf));
}

Result<Value> PPrint(const Value& in, const Args&) { return Value(PyRepr(in)); }

}  // namespace

void AddFormatFilters(std::vector<FilterEntry>* out) {
  std::vector<FilterEntry> entries = {
      {{"format", {}, true}, Format, {}},
      {{"filesizeformat", {Opt("binary", false)}}, FileSizeFormat, {}},
      {{"pprint", {}}, PPrint, {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace hostprep::filters_internal
