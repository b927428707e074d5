#include "memdb_bench/histogram.h"

#include <algorithm>
#include <cmath>

namespace memdb::bench {

void Histogram::Merge(const Histogram& other) {
  for (size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t Histogram::BucketLowerBound(size_t index) {
  if (index < (size_t{2} << kSubBucketBits)) return index;
  const int shift = static_cast<int>(index >> kSubBucketBits) - 1;
  const uint64_t top = index - (static_cast<size_t>(shift) << kSubBucketBits);
  return top << shift;
}

uint64_t Histogram::BucketUpperBound(size_t index) {
  if (index < (size_t{2} << kSubBucketBits)) return index;
  const int shift = static_cast<int>(index >> kSubBucketBits) - 1;
  const uint64_t top = index - (static_cast<size_t>(shift) << kSubBucketBits);
  return ((top + 1) << shift) - 1;
}

uint64_t Histogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  if (!(percentile > 0.0)) return min();  // also catches NaN
  if (percentile >= 100.0) return max_;
  // Rank of the sample asked for, 1-based: at least 1, at most count_.
  auto rank = static_cast<uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(BucketUpperBound(i), min(), max_);
  }
  return max_;
}

}  // namespace memdb::bench
