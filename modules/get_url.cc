#include "modules/get_url.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "engine/base/text.h"
#include "modules/dest_file.h"
#include "modules/file_plan.h"
#include "modules/module_util.h"
#include "modules/scripts.h"  // generated from scripts/*.sh

namespace hostprep::modules {

namespace {

constexpr const char* kAlgorithms[] = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"};

ArgSpec GetUrlSpec() {
  ArgSpec spec;
  spec.name = "get_url";
  spec.ansible_names = {"ansible.builtin.get_url", "ansible.legacy.get_url"};
  spec.summary = "download a file from an HTTP, HTTPS, FTP or file URL onto the host";
  spec.description =
      "Ansible's get_url module. The host downloads the file itself, with curl (Ansible's "
      "runs Python's urllib there; hostprep runs no Python), so the URL is reached from "
      "where the file is needed, as with Ansible. An existing file whose digest is the "
      "`checksum` asked for is left alone without a request; otherwise the server is asked "
      "with If-Modified-Since the file's time, and a 304 answer or a body equal to the file "
      "is no change. A download goes to a new file beside `dest` (or in `tmp_dest`), is "
      "checked against `checksum`, takes the replaced file's mode and owner (0666 less the "
      "umask for a new one), then `mode`/`owner`/`group`, and replaces `dest` in one "
      "rename: a failed or wrong download never leaves a file behind. Registers Ansible's "
      "dest, url, checksum_src (SHA-1 of the download), checksum_dest, md5sum, msg "
      "(\"OK (N bytes)\", \"file already exists\", \"HTTP Error 304: Not Modified\"), "
      "status_code, elapsed, backup_file and dest's uid, gid, owner, group, mode, size, "
      "state. What is read and asked rides in the probe round trip.";
  spec.args = {
      {"url", ArgType::kString, true, nullptr, {}, {}, "http, https, ftp or file URL."},
      {"dest",
       ArgType::kString,
       true,
       nullptr,
       {},
       {},
       "Absolute path of the file, or of a directory: then the file is named by the "
       "response's Content-Disposition or the URL, and downloaded on every run to find out."},
      {"checksum",
       ArgType::kString,
       false,
       "",
       {},
       {},
       "ALGORITHM:DIGEST, or ALGORITHM:URL of a checksum file (\"DIGEST  NAME\" lines, or "
       "one digest). ALGORITHM: md5, sha1, sha224, sha256, sha384 or sha512."},
      {"force",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Download even when the file is there (it is replaced only when its content differs)."},
      {"backup",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Keep the replaced file as DEST.PID.YYYY-MM-DD@HH:MM:SS~ (registered as backup_file)."},
      {"timeout",
       ArgType::kInt,
       false,
       10,
       {},
       {},
       "Seconds to wait for the connection, and for data while it flows."},
      {"headers", ArgType::kMap, false, nullptr, {}, {}, "Request headers, name: value."},
      {"tmp_dest",
       ArgType::kString,
       false,
       nullptr,
       {},
       {},
       "Directory for the download before it replaces dest (default: dest's directory)."},
      {"http_agent", ArgType::kString, false, "ansible-httpget", {}, {}, "User-Agent header."},
      {"use_proxy",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Use the proxy the host's environment names (http_proxy, https_proxy)."},
      {"validate_certs", ArgType::kBool, false, true, {}, {}, "Verify the server's certificate."},
      {"decompress",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Ask for a compressed response and decompress it."},
      {"ciphers", ArgType::kList, false, nullptr, {}, {}, "TLS ciphers to allow (OpenSSL names)."},
      {"use_netrc",
       ArgType::kBool,
       false,
       true,
       {},
       {},
       "Read credentials for the URL's host from ~/.netrc on the host."},
      {"url_username",
       ArgType::kString,
       false,
       nullptr,
       {},
       {"username"},
       "User name for HTTP basic authentication (with url_password, or the password from "
       "~/.netrc)."},
      {"url_password",
       ArgType::kString,
       false,
       nullptr,
       {},
       {"password"},
       "Password for HTTP basic authentication: given to curl on its stdin (curl -K -), never "
       "in its arguments."},
      {"force_basic_auth",
       ArgType::kBool,
       false,
       false,
       {},
       {},
       "Accepted; curl sends basic credentials with the first request."},
      {"client_cert", ArgType::kString, false, nullptr, {}, {}, "Client certificate (PEM) path."},
      {"client_key", ArgType::kString, false, nullptr, {}, {}, "Client key (PEM) path."},
      {"unredirected_headers",
       ArgType::kList,
       false,
       nullptr,
       {},
       {},
       "Refused when not empty: curl cannot keep chosen headers off redirects."},
      {"use_gssapi", ArgType::kBool, false, false, {}, {}, "Refused when true."},
  };
  for (ArgDef& def : WriteArgs()) {
    if (def.name != "validate") spec.args.push_back(std::move(def));
  }
  spec.examples =
      "- name: Download the CNI plugins\n"
      "  ansible.builtin.get_url:\n"
      "    url: \"{{ cni_url }}/cni-plugins-linux-amd64-v1.3.0.tgz\"\n"
      "    dest: /tmp/cni-plugins.tgz\n"
      "    checksum: \"sha256:{{ cni_url }}/cni-plugins-linux-amd64-v1.3.0.tgz.sha256\"\n"
      "    mode: \"0644\"\n";
  spec.notes =
      "The host needs curl; a host without it fails the task with a message saying so "
      "(no Python fallback). Check mode asks the server too: a HEAD for a missing file, the "
      "same conditional GET as a real run for an existing one (Ansible's check mode sends a "
      "HEAD and reports a change whenever the server does not answer 304), and it "
      "registers checksum_src null where Ansible registers the SHA-1 of the HEAD's empty "
      "body. A download whose digest is not `checksum` fails without touching dest (Ansible "
      "moves it into place, then removes it). `url_password` and `headers` reach curl as a "
      "config on its stdin (curl -K -), never in its arguments, which every user of the host "
      "can read in the process list; since only a change's command gets a stdin, such a "
      "task's probe asks the server nothing: an existing file whose digest is `checksum` "
      "is left alone, otherwise the download step asks (If-Modified-Since the file's time) "
      "and the host keeps the file when the answer is 304 or the same bytes; check mode "
      "cannot tell and skips the task, and `dest` must be a file path (not a directory). A "
      "password in the URL is refused (it would be in curl's arguments). seuser, serole, "
      "setype, selevel and attributes are refused.";
  return spec;
}

bool HasPassword(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  const size_t start = scheme + 3;
  const size_t end = url.find_first_of("/?#", start);
  const std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  const size_t at = authority.rfind('@');
  return at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos;
}

std::string Scheme(const std::string& url) {
  const size_t colon = url.find(':');
  if (colon == std::string::npos) return "";
  return ToLower(url.substr(0, colon));
}

bool IsUrl(const std::string& text) {
  const std::string scheme = Scheme(text);
  return scheme == "http" || scheme == "https" || scheme == "ftp" || scheme == "file";
}

bool HasLineBreak(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

}  // namespace

std::vector<std::string> GetUrlCurlOptions(const Value& args) {
  const std::string timeout = std::to_string(args.value("timeout", Value(10)).get<int64_t>());
  std::vector<std::string> opts = {"--connect-timeout",
                                   timeout,
                                   "--speed-limit",
                                   "1",
                                   "--speed-time",
                                   timeout,
                                   "-A",
                                   OptArg(args, "http_agent").value_or("ansible-httpget")};
  if (!BoolArg(args, "use_proxy", true)) opts.insert(opts.end(), {"--noproxy", "*"});
  if (!BoolArg(args, "validate_certs", true)) opts.push_back("-k");
  if (BoolArg(args, "decompress", true)) opts.push_back("--compressed");
  if (BoolArg(args, "use_netrc", true)) opts.push_back("--netrc-optional");
  const bool secrets = HasCurlSecrets(args);
  if (const auto user = OptArg(args, "url_username"); user && !secrets)
    opts.insert(opts.end(), {"-u", *user + ":"});
  if (const auto cert = OptArg(args, "client_cert")) opts.insert(opts.end(), {"--cert", *cert});
  if (const auto key = OptArg(args, "client_key")) opts.insert(opts.end(), {"--key", *key});
  const Value ciphers = args.value("ciphers", Value());
  if (ciphers.is_array() && !ciphers.empty()) {
    std::vector<std::string> names;
    for (const Value& c : ciphers) names.push_back(ToText(c));
    opts.insert(opts.end(), {"--ciphers", fmt::format("{}", fmt::join(names, ":"))});
  }
  // The password and the headers come in a config on stdin (CurlSecretConfig).
  if (secrets) opts.insert(opts.end(), {"-K", "-"});
  return opts;
}

bool HasCurlSecrets(const Value& args) {
  const Value headers = args.value("headers", Value());
  return OptArg(args, "url_password").has_value() || (headers.is_object() && !headers.empty());
}

std::string CurlSecretConfig(const Value& args) {
  auto quoted = [](const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '\\' || c == '"') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::string config;
  if (const auto password = OptArg(args, "url_password")) {
    config +=
        "user = " + quoted(OptArg(args, "url_username").value_or("") + ":" + *password) + "\n";
  }
  const Value headers = args.value("headers", Value());
  if (headers.is_object()) {
    for (const auto& [name, value] : headers.items()) {
      config += "header = " + quoted(name + ": " + (value.is_null() ? "" : ToText(value))) + "\n";
    }
  }
  return config;
}

std::vector<std::string> KeyUrlArgv(const std::string& url, const Value& args,
                                    const std::vector<std::string>& command) {
  std::vector<std::string> argv = {"/bin/sh", "-c", scripts::kKeyUrl, "sh", url};
  for (std::string& opt : GetUrlCurlOptions(args)) argv.push_back(std::move(opt));
  argv.push_back("@CMD@");
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

namespace {

// The parsed sections of the probe's answer.
struct DestProbed {
  std::string kind;           // file, dir, other, missing
  bool parent = false;        // dest's directory exists
  std::string digest;         // of dest, by the checksum's algorithm
  std::string sha1;           // of dest
  std::string request;        // none, HEAD, GET-IF, GET
  std::string status;         // HTTP status, "000" for none
  std::string effective_url;  // after redirects
  std::string error;          // curl's message
  std::vector<std::string> headers;
  std::string body_sha1;          // a GET's body
  std::string named_sha1;         // DEST/NAME's, DEST a directory
  std::vector<std::string> sums;  // the checksum file's lines
  std::string sums_status;
  std::string sums_error;
};

std::string First(const std::map<std::string, std::vector<std::string>>& s,
                  const std::string& key) {
  auto it = s.find(key);
  return it == s.end() || it->second.empty() ? "" : PyStrip(it->second.front());
}

std::vector<std::string> AllLines(const std::map<std::string, std::vector<std::string>>& s,
                                  const std::string& key) {
  auto it = s.find(key);
  return it == s.end() ? std::vector<std::string>{} : it->second;
}

DestProbed ParseDestProbe(const std::string& out) {
  const auto s = SplitSections(out);
  DestProbed p;
  p.kind = First(s, "dest");
  p.parent = First(s, "parent") == "yes";
  p.digest = First(s, "digest");
  p.sha1 = First(s, "sha1");
  p.request = First(s, "request");
  const std::vector<std::string> status = PySplit(First(s, "status"));
  p.status = status.empty() ? "000" : status[0];
  p.effective_url = status.size() > 1 ? status[1] : "";
  p.error = First(s, "error");
  p.headers = AllLines(s, "headers");
  p.body_sha1 = First(s, "body");
  p.named_sha1 = First(s, "named");
  p.sums = AllLines(s, "sums");
  // The script ends the checksum file with a line break of its own.
  if (!p.sums.empty() && p.sums.back().empty()) p.sums.pop_back();
  p.sums_status = First(s, "sums_status");
  p.sums_error = First(s, "sums_error");
  return p;
}

// The last response's headers (a redirect's come first), by lower-case name.
std::map<std::string, std::string> LastHeaders(const std::vector<std::string>& lines) {
  std::map<std::string, std::string> headers;
  for (const std::string& raw : lines) {
    const std::string line = PyStrip(raw);
    if (StartsWith(line, "HTTP/")) {
      headers.clear();
      headers[":status-line"] = line;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    headers[ToLower(PyStrip(line.substr(0, colon)))] = PyStrip(line.substr(colon + 1));
  }
  return headers;
}

// urllib's message for a successful response.
std::string OkMessage(const std::map<std::string, std::string>& headers) {
  auto it = headers.find("content-length");
  return fmt::format("OK ({} bytes)", it == headers.end() ? "unknown" : it->second);
}

// urllib's HTTPError text: "HTTP Error 404: Not Found".
std::string HttpError(const std::string& status, const std::map<std::string, std::string>& h) {
  std::string reason;
  auto it = h.find(":status-line");
  if (it != h.end()) {
    const std::vector<std::string> words = PySplit(it->second);
    for (size_t i = 2; i < words.size(); ++i) reason += (i > 2 ? " " : "") + words[i];
  }
  return fmt::format("HTTP Error {}: {}", status, reason);
}

Value PathFacts(const FileInfo& info) {
  Value v = Value::object();
  v["uid"] = info.uid;
  v["gid"] = info.gid;
  v["owner"] = info.owner;
  v["group"] = info.group;
  v["mode"] = FormatMode(info.mode);
  v["state"] = info.type == FileType::kDirectory ? "directory" : "file";
  v["size"] = info.size;
  return v;
}

std::string InDirectory(const std::string& dir, const std::string& name) {
  return dir + (EndsWith(dir, "/") ? "" : "/") + name;
}

Change FailedDownload(Value result, std::string message) {
  Change change;
  change.failed = true;
  change.message = std::move(message);
  change.result = std::move(result);
  return change;
}

// Octal text for chmod, "" when no mode is asked for.
std::string ModeText(const Attrs& want) { return want.mode ? fmt::format("{:o}", *want.mode) : ""; }

// What Plan knows of the task.
struct Task {
  const Value& args;
  std::string url;
  std::string dest;
  GetUrlChecksum checksum;
  Attrs want;
};

// The file the download goes to, as it is now.
struct Target {
  std::string path;
  FileInfo info;
  std::string sha1;  // "" when it is not a file
};

Action FetchAction(const Task& t, const std::string& op, const std::string& path) {
  const GetUrlChecksum none;
  const GetUrlChecksum& checksum = op == "attrs" ? none : t.checksum;
  std::vector<std::string> argv = {"/bin/sh",
                                   "-c",
                                   scripts::kGetUrlFetch,
                                   "sh",
                                   op,
                                   t.url,
                                   path,
                                   OptArg(t.args, "tmp_dest").value_or(""),
                                   checksum.algorithm,
                                   checksum.value,
                                   BoolArg(t.args, "backup", false) ? "1" : "0",
                                   ModeText(t.want),
                                   t.want.owner,
                                   t.want.group};
  for (std::string& opt : GetUrlCurlOptions(t.args)) argv.push_back(std::move(opt));
  return ExecAction(std::move(argv));
}

// The keys every answer to a request registers.
Value RequestResult(const std::string& url, const std::string& dest) {
  Value r = Value::object();
  r["url"] = url;
  r["dest"] = dest;
  r["elapsed"] = 0;
  return r;
}

// Only the file's attributes may change: its content stays.
Change KeepFile(const Task& t, const std::string& path, const FileInfo& have, Value result,
                const std::string& msg_changed, const std::string& msg_same) {
  Draft d(path);
  CompareAttrs(have, IdsOf(have), t.want, &d);
  Change change = Finish(d, "file", After(have, t.want));
  change.changed = !d.fields.empty();
  change.result = std::move(result);
  change.result.update(PathFacts(After(have, t.want)));
  change.result["msg"] = change.changed ? msg_changed : msg_same;
  if (change.changed) {
    change.message = fmt::format("would change {}: {}", path, fmt::join(d.fields, ", "));
    change.actions.push_back(FetchAction(t, "attrs", path));
    change.reports = true;
    change.command_output = false;
  }
  return change;
}

// The checksum a checksum file gives for the URL's file, into `checksum`;
// a failed Change when it gives none, as Ansible's module fails.
std::optional<Change> ResolveSums(const DestProbed& p, const std::string& url, Value result,
                                  GetUrlChecksum* checksum) {
  if (checksum->url.empty()) return std::nullopt;
  if (p.sums_status != "200" && Scheme(checksum->url) != "file") {
    Value r = RequestResult(checksum->url, result["dest"]);
    r["msg"] = p.sums_status == "000" ? "Request failed: " + p.sums_error : "Request failed";
    if (p.sums_status != "000") r["status_code"] = std::stoi(p.sums_status);
    return FailedDownload(r, r["msg"].get<std::string>());
  }
  const std::string filename = UrlFilename(url);
  const std::optional<std::string> found = DigestFromSums(p.sums, filename);
  if (!found) {
    return FailedDownload(
        Value::object(),
        fmt::format("Unable to find a checksum for file '{}' in '{}'", filename, checksum->url));
  }
  checksum->value = NormalizeDigest(*found);
  if (IsHexDigest(checksum->value)) return std::nullopt;
  result["msg"] = "The checksum format is invalid";
  return FailedDownload(result, "The checksum format is invalid");
}

// The server's answer when it ends the task: 304 to a conditional request
// (no change, unless the download is `forced`), no answer, or an error.
std::optional<Change> Answered(const DestProbed& p, const std::string& url, const std::string& dest,
                               const FileInfo& info, bool forced) {
  if (p.status == "304") {
    if (forced) return std::nullopt;
    Change change;
    change.result = RequestResult(url, dest);
    change.result["changed"] = false;
    change.result["msg"] = "HTTP Error 304: Not Modified";
    change.result["status_code"] = 304;
    change.result.update(PathFacts(info));
    return change;
  }
  if (p.status == "200" || Scheme(url) == "file") return std::nullopt;
  Value r = RequestResult(url, dest);
  if (p.status == "000") {
    r["msg"] = "Request failed: " + p.error;
  } else {
    r["msg"] = "Request failed";
    r["status_code"] = std::stoi(p.status);
    r["response"] = HttpError(p.status, LastHeaders(p.headers));
  }
  return FailedDownload(r, r["msg"].get<std::string>());
}

// The download over `target`: a change whatever the file holds now.
Change Download(const Task& t, const DestProbed& p, const Target& target, Value result,
                const std::string& ok_msg) {
  Draft d(target.path);
  if (target.info.exists()) {
    AddLine(&d, "content",
            fmt::format("sha1 {} -> {} from {}", target.sha1,
                        p.body_sha1.empty() ? "(new)" : p.body_sha1, t.url));
    CompareAttrs(target.info, IdsOf(target.info), t.want, &d);
  } else {
    StateLine(&d, FileType::kMissing, "file");
    AddLine(&d, "content", "from " + t.url);
    NewAttrs(t.want, &d);
  }
  Change change = Finish(d, "file", After(target.info, t.want));
  change.changed = true;
  change.message = fmt::format("would download {} to {}", t.url, target.path);
  change.actions.push_back(FetchAction(t, "download", target.path));
  change.reports = true;
  change.command_output = false;
  change.result = std::move(result);
  change.result["changed"] = true;
  change.result["msg"] = ok_msg;
  if (!p.body_sha1.empty()) change.result["checksum_src"] = p.body_sha1;
  change.applied_result["status_code"] = 200;  // Ansible's check mode registers none
  return change;
}

// With url_password or headers, which reach curl only on a change's stdin:
// the probe asked the server nothing, so the download step asks
// (If-Modified-Since the file's time unless `forced`) and the host keeps
// the file when the answer is 304 or the bytes it holds (Report tells).
Result<Change> AskingDownload(const Task& t, const DestProbed& p, const FileInfo& info, bool forced,
                              Value result) {
  if (p.kind == "dir") {
    return Status::Error(
        fmt::format("{} is a directory: get_url with url_password or headers needs dest to be "
                    "the file's path (the probe, which cannot send them, cannot ask the server "
                    "for the file's name)",
                    t.dest));
  }
  if (p.kind == "missing" && !p.parent) {
    result["msg"] = fmt::format("Destination {} does not exist", Parent(t.dest));
    return FailedDownload(result, result["msg"].get<std::string>());
  }
  if (info.exists()) result["checksum_dest"] = p.sha1;
  Change change = Download(t, p, Target{t.dest, info, p.sha1}, std::move(result), "");
  change.result.erase("msg");
  change.actions[0] = FetchAction(t, forced ? "ask-force" : "ask", t.dest);
  change.actions[0].stdin_data = CurlSecretConfig(t.args);
  change.predictable = false;
  return change;
}

}  // namespace

std::string NormalizeDigest(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '_') out += static_cast<char>(std::tolower(c));
  }
  return out;
}

bool IsHexDigest(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isxdigit(c) != 0; });
}

Result<GetUrlChecksum> ParseGetUrlChecksum(const std::string& text) {
  GetUrlChecksum c;
  if (text.empty()) return c;
  const size_t colon = text.find(':');
  if (colon == std::string::npos) {
    return Status::Error("The checksum parameter has to be in format <algorithm>:<checksum>");
  }
  c.algorithm = text.substr(0, colon);
  const std::string rest = text.substr(colon + 1);
  if (std::find(std::begin(kAlgorithms), std::end(kAlgorithms), c.algorithm) ==
      std::end(kAlgorithms)) {
    return Status::Error(fmt::format(
        "checksum algorithm {} is not one hostprep can check: use md5, sha1, sha224, sha256, "
        "sha384 or sha512",
        Quoted(c.algorithm)));
  }
  if (IsUrl(rest)) {
    c.url = rest;
    return c;
  }
  c.value = NormalizeDigest(rest);
  if (!IsHexDigest(c.value)) return Status::Error("The checksum format is invalid");
  return c;
}

std::string UrlFilename(const std::string& url) {
  std::string path = url;
  const size_t scheme = path.find("://");
  if (scheme != std::string::npos) {
    const size_t slash = path.find('/', scheme + 3);
    path = slash == std::string::npos ? "" : path.substr(slash);
  }
  path = path.substr(0, path.find_first_of("?#"));
  const std::string name = BaseName(path);
  return name.empty() || EndsWith(path, "/") ? "index.html" : name;
}

std::optional<std::string> DigestFromSums(const std::vector<std::string>& lines,
                                          const std::string& filename) {
  if (lines.size() == 1 && PySplit(lines[0]).size() == 1) return lines[0];
  for (const std::string& line : lines) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    std::string name = line.substr(space + 1);
    if (StartsWith(name, " ") || StartsWith(name, "*")) name.erase(0, 1);
    name.erase(0, name.find_first_not_of("./") == std::string::npos ? name.size()
                                                                    : name.find_first_not_of("./"));
    if (name == filename) return line.substr(0, space);
  }
  return std::nullopt;
}

std::string FilenameFromHeaders(const std::vector<std::string>& headers) {
  const auto h = LastHeaders(headers);
  auto it = h.find("content-disposition");
  if (it == h.end()) return "";
  const std::string& v = it->second;
  if (!StartsWith(v, "attachment;")) return "";
  size_t at = std::string("attachment;").size();
  if (at < v.size() && v[at] == ' ') ++at;
  if (v.compare(at, 9, "filename=") != 0) return "";
  at += 9;
  if (at < v.size() && v[at] == '"') ++at;
  const std::string name =
      v.substr(at, v.find('"', at) == std::string::npos ? std::string::npos : v.find('"', at) - at);
  return BaseName(name);
}

Value ReadGetUrlOutput(const ExecResult& exec) {
  Value v = Value::object();
  for (const auto& [key, rest] : KeyValueLines(exec.stdout_data)) {
    auto number = [](const std::string& s) -> Value {
      return !s.empty() && std::all_of(s.begin(), s.end(), ::isdigit) ? Value(std::stoull(s))
                                                                      : Value(s);
    };
    if (key == "msg") v["msg"] = rest;
    if (key == "sha1") v["checksum_src"] = rest;
    if (key == "md5") v["md5sum"] = rest;
    if (key == "backup_file") v["backup_file"] = rest;
    if (key == "status") v["status_code"] = number(rest);
    if (key == "elapsed") v["elapsed"] = number(rest);
    if (key == "stat") AddPathInfo(rest, &v);
  }
  return v;
}

GetUrlModule::GetUrlModule() : spec_(GetUrlSpec()) {}

void GetUrlModule::Validate(const Value& args, bool templates_pending,
                            std::vector<ArgError>* errors) const {
  (void)templates_pending;
  ValidateWriteArgs(args, "dest", errors);
  auto ready = [&](const char* key) { return args.contains(key) && !IsPendingTemplate(args[key]); };
  if (ready("url")) {
    const std::string url = StringArg(args, "url");
    if (!IsUrl(url)) {
      errors->push_back(
          {"url", fmt::format("{} is not an http, https, ftp or file URL", Quoted(url))});
    } else if (HasPassword(url)) {
      errors->push_back({"url",
                         "the URL holds a password, which would be readable in the "
                         "host's process list while curl runs: put it in ~/.netrc on "
                         "the host instead (use_netrc)"});
    } else if (HasLineBreak(url)) {
      errors->push_back({"url", "the URL holds a line break"});
    }
  }
  if (ready("checksum")) {
    Result<GetUrlChecksum> checksum = ParseGetUrlChecksum(StringArg(args, "checksum"));
    if (!checksum.ok()) errors->push_back({"checksum", checksum.message()});
  }
  for (const char* key : {"url_username", "url_password"}) {
    if (ready(key) && HasLineBreak(StringArg(args, key)))
      errors->push_back({key, fmt::format("argument '{}' holds a line break", key)});
  }
  if (ready("headers") && args["headers"].is_object()) {
    for (const auto& [name, value] : args["headers"].items()) {
      const std::string text = value.is_null() ? "" : ToText(value);
      if (HasLineBreak(name) || HasLineBreak(text) || name.find(':') != std::string::npos ||
          name.empty()) {
        errors->push_back({"headers", fmt::format("header {} is not a header name and one-line "
                                                  "value",
                                                  Quoted(name))});
      }
    }
  }
  if (ready("unredirected_headers") && args["unredirected_headers"].is_array() &&
      !args["unredirected_headers"].empty()) {
    errors->push_back({"unredirected_headers",
                       "curl cannot keep chosen headers off redirects: drop the option, or "
                       "the headers"});
  }
  if (BoolArg(args, "use_gssapi", false)) {
    errors->push_back({"use_gssapi", "GSSAPI authentication is not supported"});
  }
  for (const char* key : {"owner", "group"}) {
    if (ready(key) && StringArg(args, key).find(':') != std::string::npos) {
      errors->push_back({key, fmt::format("argument '{}' holds ':'", key)});
    }
  }
}

std::vector<Read> GetUrlModule::Probe(const Value& args, const Value& facts) const {
  (void)facts;
  Result<GetUrlChecksum> checksum = ParseGetUrlChecksum(StringArg(args, "checksum"));
  const GetUrlChecksum c = checksum.ok() ? *checksum : GetUrlChecksum{};
  std::vector<std::string> argv = {"/bin/sh",
                                   "-c",
                                   scripts::kGetUrlProbe,
                                   "sh",
                                   StringArg(args, "url"),
                                   StringArg(args, "dest"),
                                   c.algorithm,
                                   c.value,
                                   c.url,
                                   BoolArg(args, "force", false) ? "1" : "0",
                                   OptArg(args, "tmp_dest").value_or(""),
                                   UrlFilename(StringArg(args, "url")),
                                   HasCurlSecrets(args) ? "0" : "1"};
  for (std::string& opt : GetUrlCurlOptions(args)) argv.push_back(std::move(opt));
  // The last stat is for a directory dest: the file the URL names in it.
  return {Read::Stat(StringArg(args, "dest")), Read::Query(std::move(argv)),
          Read::Stat(InDirectory(StringArg(args, "dest"), UrlFilename(StringArg(args, "url"))))};
}

Result<Change> GetUrlModule::Plan(const Value& args, const std::vector<ReadResult>& reads,
                                  const Value& facts) const {
  (void)facts;
  if (reads.size() < 3) return Status::Error("internal error: no get_url reads");
  for (const ReadResult& read : reads) {
    if (!read.status.ok()) return read.status;
  }
  const ExecResult& exec = reads[1].exec;
  if (exec.exit_code != 0) {
    return Status::Error(fmt::format("get_url could not look at the host (rc={}): {}",
                                     exec.exit_code, Trim(exec.stderr_data)));
  }
  if (SplitSections(exec.stdout_data).count("curl")) {
    return Status::Error(
        "get_url needs curl on the host, which downloads the file (Ansible's module uses "
        "Python there; hostprep runs none): install curl first, e.g. "
        "`ansible.builtin.apt: name=curl`");
  }
  Task t{args, StringArg(args, "url"), StringArg(args, "dest"), {}, AttrsFrom(args)};
  Result<GetUrlChecksum> parsed = ParseGetUrlChecksum(StringArg(args, "checksum"));
  if (!parsed.ok()) return parsed.status();
  t.checksum = *parsed;
  const DestProbed p = ParseDestProbe(exec.stdout_data);
  Value result = RequestResult(t.url, t.dest);
  result["changed"] = false;
  result["checksum_dest"] = nullptr;
  result["checksum_src"] = nullptr;
  if (std::optional<Change> failed = ResolveSums(p, t.url, result, &t.checksum)) return *failed;

  const FileInfo& info = reads[0].stat;
  bool forced = BoolArg(args, "force", false);
  if (p.kind == "file" && !t.checksum.algorithm.empty() && !forced) {
    if (p.digest == t.checksum.value) {
      return KeepFile(t, t.dest, info, result, "file already exists but file attributes changed",
                      "file already exists");
    }
    forced = true;  // the file is not what the checksum says: downloaded whatever its time
  } else if (p.kind == "other") {
    return Status::Error(fmt::format("{} is neither a file nor a directory", t.dest));
  }
  if (HasCurlSecrets(args)) return AskingDownload(t, p, info, forced, std::move(result));
  if (std::optional<Change> answered = Answered(p, t.url, t.dest, info, forced)) {
    return *answered;
  }

  // A directory: the file's name comes with the response; read that file.
  Target target{t.dest, info, p.sha1};
  if (p.kind == "dir") {
    std::string name = FilenameFromHeaders(p.headers);
    if (name.empty()) name = UrlFilename(p.effective_url.empty() ? t.url : p.effective_url);
    target.path = InDirectory(t.dest, name);
    result["dest"] = target.path;
    if (name == UrlFilename(t.url)) {
      target.info = reads[2].stat;
      target.sha1 = p.named_sha1;
    } else if (reads.size() < 5) {
      // Named otherwise by the response: one more round trip to read that file.
      Change more;
      more.more_reads = {Read::Stat(target.path),
                         Read::Query({"/bin/sh", "-c", scripts::kGetUrlSha1, "sh", target.path})};
      return more;
    } else {
      target.info = reads[3].stat;
      target.sha1 = PyStrip(reads[4].exec.stdout_data);
    }
  } else if (p.kind == "missing" && !p.parent) {
    result["msg"] = fmt::format("Destination {} does not exist", Parent(t.dest));
    return FailedDownload(result, result["msg"].get<std::string>());
  }
  if (target.info.exists()) result["checksum_dest"] = target.sha1;
  const std::string ok_msg =
      Scheme(t.url) == "file" ? "OK (unknown bytes)" : OkMessage(LastHeaders(p.headers));
  if (!target.info.exists() || p.body_sha1.empty() || p.body_sha1 != target.sha1) {
    return Download(t, p, target, std::move(result), ok_msg);
  }
  // The server sent what the file holds.
  if (!t.checksum.algorithm.empty() && p.kind != "dir" && p.digest != t.checksum.value) {
    result["msg"] = fmt::format("The checksum for {} did not match {}; it was {}.", t.dest,
                                t.checksum.value, p.digest);
    return FailedDownload(result, result["msg"].get<std::string>());
  }
  result["checksum_src"] = p.body_sha1;
  result["status_code"] = 200;
  return KeepFile(t, target.path, target.info, result, ok_msg, ok_msg);
}

Result<Change> GetUrlModule::Report(const Value& args, const ExecResult& output) const {
  (void)args;
  const Value said = ReadGetUrlOutput(output);
  Change done = ChangedUnlessFailed(output, said.value("msg", std::string("the download failed")));
  done.result.update(said);
  for (const auto& [key, rest] : KeyValueLines(output.stdout_data)) {
    if (key == "same" && output.exit_code == 0) {  // 304, or the bytes dest holds
      done.changed = false;
      done.result["changed"] = false;
    }
    if (key == "failed") {  // an asking download that failed: nothing changed
      done.changed = false;
      done.failed = true;
      done.result["changed"] = false;
      done.message = said.value("msg", std::string("the download failed"));
    }
  }
  return done;
}

Resources GetUrlModule::Declare(const Value& args) const { return DeclareDest(args); }

}  // namespace hostprep::modules
