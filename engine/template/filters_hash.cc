// Digest filters: hash (md5, sha1, sha224, sha256, sha384, sha512),
// checksum and sha1, md5, to_uuid (uuid5 in Ansible's namespace), and
// password_hash through the system's crypt_r, as Ansible does when passlib
// is not installed (Debian's ansible on this machine has no passlib).
#include <crypt.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>

#include "engine/base/digest.h"
#include "engine/template/filters_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep::filters_internal {
namespace {

Result<Value> HashOf(std::string_view filter, const std::string& type, const std::string& data) {
  if (type == "md5") return Value(HexDigest(Md5(data)));
  if (type == "sha1") return Value(HexDigest(Sha1(data)));
  if (type == "sha224") return Value(HexDigest(Sha256(data, true)));
  if (type == "sha256") return Value(HexDigest(Sha256(data, false)));
  if (type == "sha384") return Value(HexDigest(Sha512(data, true)));
  if (type == "sha512") return Value(HexDigest(Sha512(data, false)));
  return FilterError(filter, "unsupported hash type " + type);
}

Result<Value> Hash(const Value& in, const Args& a) {
  return HashOf("hash", PyStr(a[0]), PyStr(in));
}
Result<Value> Checksum(const Value& in, const Args&) {
  return HashOf("checksum", "sha1", PyStr(in));
}
Result<Value> Md5Filter(const Value& in, const Args&) { return HashOf("md5", "md5", PyStr(in)); }

// uuid.uuid5(namespace, name): sha1(namespace bytes + name), version 5,
// RFC 4122 variant.
Result<Value> ToUuid(const Value& in, const Args& a) {
  std::string ns = PyStr(a[0]), bytes;
  std::string hex;
  for (char c : ns) {
    if (c != '-' && c != '{' && c != '}') hex += static_cast<char>(std::tolower(c));
  }
  if (hex.rfind("urn:uuid:", 0) == 0) hex = hex.substr(9);
  if (hex.size() != 32 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return FilterError("to_uuid", "invalid value '" + ns +
                                      "' for 'namespace': badly formed hexadecimal UUID string");
  }
  for (size_t i = 0; i < 32; i += 2)
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  std::vector<uint8_t> d = Sha1(bytes + PyStr(in));
  d.resize(16);
  d[6] = static_cast<uint8_t>((d[6] & 0x0F) | 0x50);
  d[8] = static_cast<uint8_t>((d[8] & 0x3F) | 0x80);
  std::string h = HexDigest(d);
  return Value(h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
               h.substr(16, 4) + "-" + h.substr(20));
}

struct CryptAlgo {
  const char* name;
  const char* id;
  size_t salt_size;
  long long implicit_rounds;  // 0: none
  bool salt_exact;
};

constexpr CryptAlgo kCryptAlgos[] = {{"md5_crypt", "1", 8, 0, false},
                                     {"bcrypt", "2b", 22, 12, true},
                                     {"sha256_crypt", "5", 16, 535000, false},
                                     {"sha512_crypt", "6", 16, 656000, false}};

std::string RandomSalt(size_t n) {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./";
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    unsigned char b = static_cast<unsigned char>(urandom.get());
    out += kChars[b % 64];
  }
  return out;
}

// Ansible's CryptHash: "$id$[rounds=N$]salt" through crypt(3); rounds equal
// to passlib's implicit ones are left out.
Result<Value> PasswordHash(const Value& in, const Args& a) {
  std::string type = PyStr(a[0]);
  if (type == "md5") type = "md5_crypt";
  if (type == "blowfish") type = "bcrypt";
  if (type == "sha256" || type == "sha512") type += "_crypt";
  const CryptAlgo* algo = nullptr;
  for (const CryptAlgo& c : kCryptAlgos) {
    if (type == c.name) algo = &c;
  }
  if (algo == nullptr)
    return FilterError("password_hash", "crypt.crypt does not support '" + type + "' algorithm");
  size_t salt_size = algo->salt_size;
  if (!a[2].is_null() && PyTruthy(a[2])) {
    Result<long long> n = IntArg("password_hash", "salt_size", a[2]);
    if (!n.ok()) return n.status();
    salt_size = static_cast<size_t>(std::clamp(*n, 0LL, 1024LL));
  }
  std::string salt = PyTruthy(a[1]) ? PyStr(a[1]) : RandomSalt(salt_size);
  if (salt.find_first_not_of("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
      std::string::npos) {
    return FilterError("password_hash", "invalid characters in salt");
  }
  if (algo->salt_exact ? salt.size() != algo->salt_size : salt.size() > algo->salt_size) {
    return FilterError("password_hash", "invalid salt size");
  }
  std::string setting;
  if (!PyTruthy(a[4])) {
    setting = std::string("$") + algo->id;
  } else if (type == "bcrypt") {
    setting = "$" + PyStr(a[4]);
  }
  if (!a[3].is_null()) {
    Result<long long> rounds = IntArg("password_hash", "rounds", a[3]);
    if (!rounds.ok()) return rounds.status();
    if (*rounds != algo->implicit_rounds && *rounds != 0) {
      setting += "$rounds=" + std::to_string(*rounds);
    }
  }
  setting += "$" + salt;
  auto data = std::make_unique<crypt_data>();
  const char* result = crypt_r(PyStr(in).c_str(), setting.c_str(), data.get());
  if (result == nullptr || result[0] == '*') {
    return FilterError("password_hash", "crypt.crypt does not support '" + type + "' algorithm");
  }
  return Value(std::string(result));
}

}  // namespace

std::vector<uint8_t> Sha512Bytes(const std::string& data) { return Sha512(data, false); }

void AddHashFilters(std::vector<FilterEntry>* out) {
  std::vector<FilterEntry> entries = {
      {{"hash", {Opt("hashtype", "sha1")}}, Hash, {}},
      {{"checksum", {}}, Checksum, {"sha1"}},
      {{"md5", {}}, Md5Filter, {}},
      {{"to_uuid", {Opt("namespace", "361E6D51-FAEC-444A-9079-341386DA8E2E")}}, ToUuid, {}},
      {{"password_hash",
        {Opt("hashtype", "sha512"), Opt("salt", nullptr), Opt("salt_size", nullptr),
         Opt("rounds", nullptr), Opt("ident", nullptr)}},
       PasswordHash,
       {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace hostprep::filters_internal
