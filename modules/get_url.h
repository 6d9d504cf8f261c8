// `get_url` (ansible.builtin.get_url): a file downloaded from a URL by the
// host itself, with curl, as Ansible's module downloads it with Python's
// urllib there. Pure functions, thread-safe; no I/O.
#ifndef HOSTPREP_MODULES_GET_URL_H_
#define HOSTPREP_MODULES_GET_URL_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/module/module.h"

namespace hostprep::modules {

// The `checksum` argument "ALGORITHM:VALUE": VALUE a digest (Ansible's
// normalisation applied: everything but letters, digits and '_' dropped,
// lower case) or the URL of a checksum file (`url`).
struct GetUrlChecksum {
  std::string algorithm;  // "" = none
  std::string value;
  std::string url;
};
Result<GetUrlChecksum> ParseGetUrlChecksum(const std::string& text);

// Ansible's normalisation of a digest, and whether what is left is hex.
std::string NormalizeDigest(const std::string& text);
bool IsHexDigest(const std::string& text);

// The file name Ansible gives a URL: its path's base name, "index.html"
// when that is empty.
std::string UrlFilename(const std::string& url);

// The digest for `filename` in a checksum file's lines, by Ansible's rules:
// a file of one word is that digest; else lines "DIGEST NAME" (NAME with a
// leading ' ' or '*' mode character and leading '.' and '/' dropped), the
// first whose name is `filename`.
std::optional<std::string> DigestFromSums(const std::vector<std::string>& lines,
                                          const std::string& filename);

// The name a Content-Disposition "attachment; filename=..." header gives
// (its base name), from the last response's headers; "" when none.
std::string FilenameFromHeaders(const std::vector<std::string>& headers);

// curl's options for a request with these get_url arguments (timeout,
// http_agent, use_proxy, validate_certs, decompress, use_netrc, url_username,
// client_cert, client_key, ciphers, headers); what is missing takes
// Ansible's fetch_url default. apt_key and rpm_key give theirs.
std::vector<std::string> GetUrlCurlOptions(const Value& args);

// Whether the arguments hold what must stay out of curl's argv (visible in
// the host's process list): url_password, headers. GetUrlCurlOptions then
// adds `-K -` and leaves them out; CurlSecretConfig is curl's config for
// them, for the command's stdin.
bool HasCurlSecrets(const Value& args);
std::string CurlSecretConfig(const Value& args);

// The argv that downloads `url` on the host with GetUrlCurlOptions(args)
// and runs `command` on it, "@KEY@" in it standing for the downloaded file
// (modules/scripts/key_url.sh). It exits 90, the reason on stderr, when the
// download fails; otherwise with the command's status.
inline constexpr int kKeyUrlDownloadFailed = 90;
std::vector<std::string> KeyUrlArgv(const std::string& url, const Value& args,
                                    const std::vector<std::string>& command);

// The download's answer (modules/scripts/get_url_fetch.sh) as return values:
// checksum_src, md5sum, status_code, elapsed, backup_file and dest's path
// facts (AddPathInfo); `msg` on failure.
Value ReadGetUrlOutput(const ExecResult& exec);

// One read in the probe round trip: what is at dest, its digests, and the
// server's answer (a HEAD for a missing file, a GET with If-Modified-Since
// for an existing one, none when the checksum asked for is already there).
// A download, when needed, is one command: into a new file beside dest,
// checked against the checksum, then renamed over dest.
class GetUrlModule final : public Module {
 public:
  GetUrlModule();
  const ArgSpec& spec() const override { return spec_; }
  void Validate(const Value& args, bool templates_pending,
                std::vector<ArgError>* errors) const override;
  std::vector<Read> Probe(const Value& args, const Value& facts) const override;
  Result<Change> Plan(const Value& args, const std::vector<ReadResult>& reads,
                      const Value& facts) const override;
  // What the download (or the attributes' change) did, from its answer.
  Result<Change> Report(const Value& args, const ExecResult& output) const override;
  Resources Declare(const Value& args) const override;

 private:
  ArgSpec spec_;
};

}  // namespace hostprep::modules

#endif  // HOSTPREP_MODULES_GET_URL_H_
