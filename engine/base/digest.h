// Message digests (MD5, SHA-1, SHA-2) written out in full, so that the
// controller needs no crypto library for them: the hash filters and the
// checksums Ansible's copy and template modules report. Pure functions,
// thread-safe. Not for secrets: MD5 and SHA-1 are here because Ansible
// reports them, not because they are strong.
#ifndef HOSTPREP_ENGINE_BASE_DIGEST_H_
#define HOSTPREP_ENGINE_BASE_DIGEST_H_

#include <cstdint>
#include <string>
#include <vector>

namespace hostprep {

std::vector<uint8_t> Md5(const std::string& msg);
std::vector<uint8_t> Sha1(const std::string& msg);
std::vector<uint8_t> Sha256(const std::string& msg, bool is224);  // SHA-224 when is224
std::vector<uint8_t> Sha512(const std::string& msg, bool is384);  // SHA-384 when is384

// Lower-case hex of a digest: "da39a3ee...".
std::string HexDigest(const std::vector<uint8_t>& bytes);

// The hex digests Ansible reports for a file's content: md5sum, checksum.
std::string Md5Hex(const std::string& data);
std::string Sha1Hex(const std::string& data);

}  // namespace hostprep

#endif  // HOSTPREP_ENGINE_BASE_DIGEST_H_
