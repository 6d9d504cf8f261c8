// Ansible's random and shuffle filters. With a seed they must give what
// Python's random.Random(seed) gives, so the generator is CPython's:
// MT19937 seeded by init_by_array (an int seed's 32-bit words; a text
// seed as version 2 seeding: its UTF-8 bytes and their SHA-512 as one big
// integer), getrandbits and _randbelow. Without a seed, the system's
// random source.
#include <optional>
#include <random>

#include "engine/template/filters_internal.h"
#include "engine/template/value_ops.h"

namespace hostprep::filters_internal {

std::vector<uint8_t> Sha512Bytes(const std::string& data);  // filters_hash.cc

namespace {

class PyRandom {
 public:
  explicit PyRandom(const std::vector<uint32_t>& key) { InitByArray(key); }

  uint32_t Next() {
    if (index_ >= 624) Twist();
    uint32_t y = mt_[index_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= y >> 18;
    return y;
  }

  // random.getrandbits(k) for k <= 64.
  uint64_t GetRandBits(int k) {
    if (k == 0) return 0;
    if (k <= 32) return Next() >> (32 - k);
    uint64_t low = Next();
    uint64_t high = Next() >> (64 - k);
    return (high << 32) | low;
  }

  // random._randbelow_with_getrandbits(n), n > 0.
  uint64_t Below(uint64_t n) {
    int k = 0;
    for (uint64_t v = n; v; v >>= 1) ++k;
    uint64_t r = GetRandBits(k);
    while (r >= n) r = GetRandBits(k);
    return r;
  }

 private:
  void InitGenrand(uint32_t s) {
    mt_[0] = s;
    for (uint32_t i = 1; i < 624; ++i) {
      mt_[i] = 1812433253U * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + i;
    }
    index_ = 624;
  }

  void InitByArray(const std::vector<uint32_t>& key) {
    InitGenrand(19650218U);
    size_t i = 1, j = 0;
    size_t n = key.size();
    for (size_t k = std::max<size_t>(624, n); k; --k) {
      mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525U)) + key[j] +
               static_cast<uint32_t>(j);
      ++i, ++j;
      if (i >= 624) mt_[0] = mt_[623], i = 1;
      if (j >= n) j = 0;
    }
    for (size_t k = 623; k; --k) {
      mt_[i] =
          (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941U)) - static_cast<uint32_t>(i);
      ++i;
      if (i >= 624) mt_[0] = mt_[623], i = 1;
    }
    mt_[0] = 0x80000000U;
  }

  void Twist() {
    for (int i = 0; i < 624; ++i) {
      uint32_t y = (mt_[i] & 0x80000000U) | (mt_[(i + 1) % 624] & 0x7fffffffU);
      mt_[i] = mt_[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1U) ? 0x9908b0dfU : 0U);
    }
    index_ = 0;
  }

  uint32_t mt_[624];
  int index_ = 625;
};

// The 32-bit words of a big-endian byte string read as one non-negative
// integer, least significant first (at least one word).
std::vector<uint32_t> WordsOf(const std::vector<uint8_t>& big_endian) {
  std::vector<uint32_t> words;
  for (size_t end = big_endian.size(); end > 0; end = end >= 4 ? end - 4 : 0) {
    uint32_t w = 0;
    size_t begin = end >= 4 ? end - 4 : 0;
    for (size_t i = begin; i < end; ++i) w = (w << 8) | big_endian[i];
    words.push_back(w);
    if (begin == 0) break;
  }
  while (words.size() > 1 && words.back() == 0) words.pop_back();
  if (words.empty()) words.push_back(0);
  return words;
}

Result<PyRandom> Seeded(std::string_view filter, const Value& seed) {
  if (IsIntegral(seed)) {
    long long v = AsInteger(seed);
    unsigned long long mag =
        v < 0 ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
    std::vector<uint32_t> key = {static_cast<uint32_t>(mag)};
    if (mag >> 32) key.push_back(static_cast<uint32_t>(mag >> 32));
    return PyRandom(key);
  }
  if (seed.is_string()) {
    const std::string& s = seed.get_ref<const std::string&>();
    std::vector<uint8_t> bytes(s.begin(), s.end());
    std::vector<uint8_t> digest = Sha512Bytes(s);
    bytes.insert(bytes.end(), digest.begin(), digest.end());
    return PyRandom(WordsOf(bytes));
  }
  return WrongType(filter, "an integer or string seed", seed);
}

uint64_t SystemBelow(uint64_t n) {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> dist(0, n - 1);
  return dist(rd);
}

Result<Value> Random(const Value& in, const Args& a) {
  std::optional<PyRandom> rng;
  if (!a[2].is_null()) {
    Result<PyRandom> r = Seeded("random", a[2]);
    if (!r.ok()) return r.status();
    rng = *r;
  }
  auto below = [&](uint64_t n) { return rng ? rng->Below(n) : SystemBelow(n); };
  if (IsIntegral(in)) {
    long long start = 0, step = 1;
    if (PyTruthy(a[0])) {
      Result<long long> s = IntArg("random", "start", a[0]);
      if (!s.ok()) return s.status();
      start = *s;
    }
    if (PyTruthy(a[1])) {
      Result<long long> s = IntArg("random", "step", a[1]);
      if (!s.ok()) return s.status();
      step = *s;
    }
    long long stop = AsInteger(in);
    auto floordiv = [](__int128 x, __int128 y) {
      __int128 q = x / y;
      if (x % y != 0 && ((x < 0) != (y < 0))) --q;
      return q;
    };
    if (step == 0) return FilterError("random", "zero step for randrange()");
    __int128 width = static_cast<__int128>(stop) - start;
    __int128 n = step == 1  ? width
                 : step > 0 ? floordiv(width + step - 1, step)
                            : floordiv(width + step + 1, step);
    if (n <= 0) {
      return FilterError("random", "empty range for randrange(" + std::to_string(start) + ", " +
                                       std::to_string(stop) + ", " + std::to_string(step) + ")");
    }
    return Value(static_cast<long long>(
        start + step * static_cast<__int128>(below(static_cast<uint64_t>(n)))));
  }
  if (in.is_array() || in.is_string()) {
    if (PyTruthy(a[0]) || PyTruthy(a[1])) {
      return FilterError("random", "start and step can only be used with integer values");
    }
    Result<Value> items = Iterable("random", in);
    if (!items.ok()) return items.status();
    if (items->empty()) return FilterError("random", "cannot choose from an empty sequence");
    return (*items)[below(items->size())];
  }
  return FilterError("random", "random can only be used on sequences and integers");
}

Result<Value> Shuffle(const Value& in, const Args& a) {
  Result<Value> items = Iterable("shuffle", in);
  if (!items.ok()) return in;  // Ansible returns what it cannot shuffle
  Value list = *items;
  std::optional<PyRandom> rng;
  if (PyTruthy(a[0])) {
    Result<PyRandom> r = Seeded("shuffle", a[0]);
    if (!r.ok()) return r.status();
    rng = *r;
  }
  for (size_t i = list.size(); i-- > 1;) {
    size_t j = static_cast<size_t>(rng ? rng->Below(i + 1) : SystemBelow(i + 1));
    std::swap(list[i], list[j]);
  }
  return list;
}

}  // namespace

void AddRandomFilters(std::vector<FilterEntry>* out) {
  std::vector<FilterEntry> entries = {
      {{"random", {Opt("start", nullptr), Opt("step", nullptr), Opt("seed", nullptr)}}, Random, {}},
      {{"shuffle", {Opt("seed", nullptr)}}, Shuffle, {}},
  };
  for (FilterEntry& e : entries) out->push_back(std::move(e));
}

}  // namespace hostprep::filters_internal
