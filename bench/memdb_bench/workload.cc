#include "memdb_bench/workload.h"

#include <string>

namespace memdb::bench {

namespace {

size_t DecimalDigits(uint64_t n) {
  size_t digits = 1;
  while (n >= 10) {
    n /= 10;
    ++digits;
  }
  return digits;
}

}  // namespace

Result<KeyFormatter> KeyFormatter::Create(std::string_view prefix, uint64_t keyspace,
                                          size_t key_size) {
  if (keyspace == 0) return Status(Code::kInvalidArgument, "keyspace must be at least 1");
  const size_t min_digits = DecimalDigits(keyspace - 1);
  const size_t min_size = prefix.size() + min_digits;
  if (key_size == 0) key_size = min_size;
  if (key_size < min_size) {
    return Status(Code::kInvalidArgument, "key size " + std::to_string(key_size) +
                                              " is too small: prefix \"" + std::string(prefix) +
                                              "\" plus " + std::to_string(min_digits) +
                                              " digits for keyspace " + std::to_string(keyspace) +
                                              " need " + std::to_string(min_size) + " bytes");
  }
  if (key_size > kMaxKeySize) {
    return Status(Code::kInvalidArgument, "key size " + std::to_string(key_size) +
                                              " is over the limit of " +
                                              std::to_string(kMaxKeySize));
  }
  std::string buffer(prefix);
  buffer.resize(key_size, '0');
  return KeyFormatter(std::move(buffer), prefix.size());
}

Range SplitEvenly(uint64_t total, uint32_t parts, uint32_t index) {
  const auto at = [&](uint64_t i) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(total) * i) / parts);
  };
  return Range{at(index), at(uint64_t{index} + 1)};
}

std::string MakeValue(size_t size) {
  static constexpr std::string_view kAlphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string value(size, 'x');
  for (size_t i = 0; i < size; ++i) value[i] = kAlphabet[(i * 7 + i / 61) % kAlphabet.size()];
  return value;
}

Result<Workload> Workload::Create(const WorkloadSpec& spec, uint32_t index, uint32_t count,
                                  uint64_t span) {
  auto keys = KeyFormatter::Create(spec.key_prefix, spec.keyspace, spec.key_size);
  if (!keys.ok()) return keys.status();
  if (spec.ratio_sets == 0 && spec.ratio_gets == 0) {
    return Status(Code::kInvalidArgument, "ratio 0:0 has no commands");
  }
  KeySequence sequence =
      spec.sequential
          ? KeySequence::Sequential(spec.keyspace, SplitEvenly(span, count, index).begin)
          // Distinct, decorrelated streams per worker from one seed.
          : KeySequence::Random(spec.keyspace,
                                Rng(spec.seed ^ (0xA5A5A5A5ull * (index + 1))).Next());
  return Workload(std::move(keys).value(), CommandMix(spec.ratio_sets, spec.ratio_gets), sequence,
                  MakeValue(spec.value_size));
}

}  // namespace memdb::bench
