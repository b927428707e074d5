#include "world.h"

#include <cassert>
#include <utility>

namespace memdb::sim {

World::World(uint64_t seed) : seed_(seed), master_(seed) {
  owners_.push_back(Owner{"world", 0, false, {}, nullptr});
}

OwnerId World::AddOwner(std::string name) {
  owners_.push_back(Owner{std::move(name), 0, false, {}, nullptr});
  return static_cast<OwnerId>(owners_.size() - 1);
}

void World::DiscardOwner(OwnerId owner) {
  Owner& o = owners_[owner];
  ++o.epoch;
  for (const Event& e : o.deferred) {
    Log(o.name + " discard " + e.kind + " #" + std::to_string(e.seq));
  }
  o.deferred.clear();
}

void World::Pause(OwnerId owner) { owners_[owner].paused = true; }

void World::Resume(OwnerId owner) {
  Owner& o = owners_[owner];
  if (!o.paused) return;
  o.paused = false;
  std::vector<Event> deferred = std::move(o.deferred);
  o.deferred.clear();
  // Re-queued at the current time with fresh sequence numbers in their original order: they
  // run before anything scheduled later, after what is already due now.
  for (Event& e : deferred) {
    e.time_ms = now_ms_;
    e.seq = next_seq_++;
    queue_.push(std::move(e));
  }
}

uint64_t World::At(uint64_t time_ms, OwnerId owner, const char* kind, std::function<void()> fn) {
  assert(time_ms >= now_ms_);
  if (time_ms < now_ms_) time_ms = now_ms_;
  uint64_t seq = next_seq_++;
  queue_.push(Event{time_ms, seq, owner, owners_[owner].epoch, kind, std::move(fn)});
  return seq;
}

bool World::Step() {
  if (queue_.empty()) return false;
  // priority_queue::top is const; the event is moved out through a const_cast, which is safe
  // because it is popped right after.
  Event e = std::move(const_cast<Event&>(queue_.top()));
  queue_.pop();
  now_ms_ = e.time_ms;
  Owner& o = owners_[e.owner];
  if (e.epoch != o.epoch) {
    Log(o.name + " discard " + e.kind + " #" + std::to_string(e.seq));
    return true;
  }
  if (o.paused) {
    o.deferred.push_back(std::move(e));
    return true;
  }
  ++events_run_;
  e.fn();
  // Looked up again: the event may have added owners (owners_ may have moved).
  if (const auto& hook = owners_[e.owner].after_event) {
    auto copy = hook;  // the hook may replace itself
    copy();
  }
  return true;
}

void World::RunUntil(uint64_t time_ms) {
  while (!queue_.empty() && queue_.top().time_ms <= time_ms) Step();
  if (time_ms > now_ms_) now_ms_ = time_ms;
}

bool World::RunUntilTrue(uint64_t deadline_ms, uint64_t check_every_ms,
                         const std::function<bool()>& done, uint64_t* held_at_ms) {
  if (check_every_ms == 0) check_every_ms = 1;
  for (;;) {
    if (done()) {
      if (held_at_ms != nullptr) *held_at_ms = now_ms_;
      return true;
    }
    if (now_ms_ >= deadline_ms) return false;
    uint64_t next = now_ms_ + check_every_ms;
    RunUntil(next < deadline_ms ? next : deadline_ms);
  }
}

}  // namespace memdb::sim
