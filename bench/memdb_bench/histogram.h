// Histogram — a log-linear latency histogram in the style of HdrHistogram.
//
// Values are nanoseconds. Values below 256 are counted exactly; above that every power of two
// [2^e, 2^(e+1)) is split into 128 equal sub-buckets, so a bucket is never wider than 1/128 of
// its lower bound: a reported percentile is at most 0.8% above the true sample (and never
// below it). Values up to 2^40 ns (about 18 minutes) are tracked; larger ones are counted in
// the last bucket (max() still holds the exact value). The whole table is a fixed 4352
// counters (34 KiB), allocated once at construction: Record() never allocates.
//
// Threading: a plain value, owned by one thread at a time. Each bench worker records into its
// own histograms; the driver merges them once the workers are done.
#ifndef MEMDB_BENCH_HISTOGRAM_H_
#define MEMDB_BENCH_HISTOGRAM_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace memdb::bench {

class Histogram {
 public:
  static constexpr int kSubBucketBits = 7;  // 128 sub-buckets per power of two
  static constexpr int kMaxValueBits = 40;  // values >= 2^40 ns share the last bucket
  // 256 exact buckets, then 128 per power of two from 2^8 to 2^39.
  static constexpr size_t kBucketCount = static_cast<size_t>(kMaxValueBits - kSubBucketBits + 1)
                                         << kSubBucketBits;

  Histogram() : counts_(kBucketCount, 0) {}

  // Counts one sample.
  void Record(uint64_t value) {
    ++counts_[BucketIndex(value)];
    ++count_;
    sum_ += value;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }

  // Adds every sample of `other` to this histogram.
  void Merge(const Histogram& other);

  uint64_t count() const { return count_; }
  // Exact smallest / largest sample; 0 when empty.
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  // Exact mean of the samples; 0 when empty.
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }

  // The value at or below which `percentile`% of the samples fall: the highest value of the
  // bucket holding the ceil(percentile/100 * count)-th smallest sample, clamped to
  // [min(), max()]. `percentile` is clamped to [0, 100]; 0 gives min(), 100 gives max().
  // Returns 0 for an empty histogram.
  uint64_t ValueAtPercentile(double percentile) const;

  // Bucket layout, exposed for tests.
  static size_t BucketIndex(uint64_t value) {
    constexpr uint64_t kExactLimit = uint64_t{2} << kSubBucketBits;  // 256
    constexpr uint64_t kMaxTracked = (uint64_t{1} << kMaxValueBits) - 1;
    if (value < kExactLimit) return static_cast<size_t>(value);
    if (value > kMaxTracked) value = kMaxTracked;
    // value in [2^e, 2^(e+1)), e >= 8: keep the top kSubBucketBits+1 bits.
    const int shift = std::bit_width(value) - 1 - kSubBucketBits;
    return (static_cast<size_t>(shift) << kSubBucketBits) + static_cast<size_t>(value >> shift);
  }
  // Smallest and largest value that map to bucket `index` (< kBucketCount).
  static uint64_t BucketLowerBound(size_t index);
  static uint64_t BucketUpperBound(size_t index);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace memdb::bench

#endif  // MEMDB_BENCH_HISTOGRAM_H_
