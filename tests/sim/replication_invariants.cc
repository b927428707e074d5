#include "replication_invariants.h"

#include <map>

namespace memdb::sim {

namespace {

std::string V(const Version& v) {
  return std::to_string(v.timestamp) + "/" + std::to_string(v.node_id);
}

// The history's operations per key, in history order.
std::map<std::string, std::vector<const Op*>> ByKey(const History& history) {
  std::map<std::string, std::vector<const Op*>> out;
  for (const Op& op : history) out[op.key].push_back(&op);
  return out;
}

}  // namespace

std::string ReplicaEntry::Describe() const {
  if (!present) return node + ":absent";
  return node + ":" + V(version) + (tombstone ? ":tombstone" : ":" + value);
}

bool QuorumReadsSeeAckedWrites(const History& history, std::string* why) {
  for (const auto& [key, ops] : ByKey(history)) {
    // Values written by SETs of this key, and the version each acknowledged SET reported.
    std::map<std::string, const Op*> set_by_value;
    for (const Op* op : ops) {
      if (op->kind == OpKind::kSet) set_by_value[op->value] = op;
    }
    for (const Op* read : ops) {
      if (read->kind != OpKind::kGet || read->outcome != Outcome::kOk) continue;
      if (read->found) {
        auto it = set_by_value.find(read->read_value);
        if (it == set_by_value.end()) {
          *why = "read " + read->Describe() + " returned a value no SET of " + key + " wrote";
          return false;
        }
        const Op* set = it->second;
        if (set->outcome == Outcome::kOk && set->version != read->version) {
          *why = "read " + read->Describe() + " returned " + read->read_value + " at version " +
                 V(read->version) + " but " + set->Describe() + " wrote it at " + V(set->version);
          return false;
        }
      }
      if (!read->strong()) continue;
      for (const Op* write : ops) {
        if (!write->is_write() || write->outcome != Outcome::kOk || !write->strong()) continue;
        if (write->complete_ms >= read->invoke_ms) continue;  // not acknowledged before the read
        if (read->found) {
          if (read->version < write->version) {
            *why = "QUORUM read " + read->Describe() + " missed acknowledged " + write->Describe();
            return false;
          }
          continue;
        }
        if (write->kind == OpKind::kDel) continue;
        // Not found after an acknowledged SET: only a DEL that may be newer explains it.
        bool explained = false;
        for (const Op* del : ops) {
          if (del->kind != OpKind::kDel || del->invoke_ms > read->complete_ms) continue;
          if (del->outcome == Outcome::kUnknown || del->outcome == Outcome::kPending ||
              (del->outcome == Outcome::kOk && del->version > write->version)) {
            explained = true;
            break;
          }
        }
        if (!explained) {
          *why = "QUORUM read " + read->Describe() + " found nothing after acknowledged " +
                 write->Describe() + " and no later DEL";
          return false;
        }
      }
    }
  }
  return true;
}

bool DeletedKeysStayDeleted(const History& history, std::string* why) {
  for (const auto& [key, ops] : ByKey(history)) {
    for (const Op* del : ops) {
      if (del->kind != OpKind::kDel || del->outcome != Outcome::kOk || !del->strong()) continue;
      for (const Op* read : ops) {
        if (read->kind != OpKind::kGet || read->outcome != Outcome::kOk || !read->strong()) {
          continue;
        }
        if (read->invoke_ms <= del->complete_ms || !read->found) continue;
        if (read->version < del->version) {
          *why = "deleted key came back: " + read->Describe() + " after acknowledged " +
                 del->Describe();
          return false;
        }
      }
    }
  }
  return true;
}

bool ReplicasIdentical(const std::vector<KeyReplicas>& keys, std::string* why) {
  for (const KeyReplicas& k : keys) {
    if (k.replicas.empty()) continue;
    const ReplicaEntry& first = k.replicas.front();
    for (const ReplicaEntry& r : k.replicas) {
      const bool same = r.present == first.present &&
                        (!r.present || (r.version == first.version &&
                                        r.tombstone == first.tombstone && r.value == first.value));
      if (!same) {
        std::string all;
        for (const ReplicaEntry& e : k.replicas) all += " " + e.Describe();
        *why = "replicas of " + k.key + " differ after repair:" + all;
        return false;
      }
    }
  }
  return true;
}

bool NoAcknowledgedWriteLost(const History& history, const std::vector<KeyReplicas>& keys,
                             std::string* why) {
  std::map<std::string, const ReplicaEntry*> final_entry;
  for (const KeyReplicas& k : keys) {
    if (!k.replicas.empty()) final_entry[k.key] = &k.replicas.front();
  }
  for (const Op& op : history) {
    if (!op.is_write() || op.outcome != Outcome::kOk) continue;
    auto it = final_entry.find(op.key);
    if (it == final_entry.end()) continue;
    const ReplicaEntry& e = *it->second;
    if (!e.present || e.version < op.version) {
      *why =
          "acknowledged " + op.Describe() + " lost: after repair " + op.key + " is " + e.Describe();
      return false;
    }
  }
  return true;
}

bool CatchupTransfersOnlyMissed(const History& history, const CatchupObservation& o,
                                uint64_t margin_ms, uint64_t slack_ms, uint32_t rf,
                                std::string* why) {
  if (!o.received && !o.applied) return true;  // the node reports no catch-up counters
  const uint64_t back = margin_ms + slack_ms;
  const uint64_t since_ms = o.last_applied_ms > back ? o.last_applied_ms - back : 0;
  std::map<std::string, bool> mine;
  for (const std::string& k : o.keys) mine[k] = true;
  uint64_t missed = 0;
  for (const Op& op : history) {
    if (!op.is_write() || op.outcome == Outcome::kFailed || mine.count(op.key) == 0) continue;
    if (op.invoke_ms > o.checked_at_ms) continue;
    if (op.outcome == Outcome::kOk && op.complete_ms < since_ms) continue;
    ++missed;
  }
  const std::string context = o.node + " restarted at " + std::to_string(o.restarted_at_ms) +
                              " ms (last applied " + std::to_string(o.last_applied_ms) +
                              " ms, margin " + std::to_string(margin_ms) + " ms): at most " +
                              std::to_string(missed) + " writes of its " +
                              std::to_string(o.keys.size()) + " keys could be missed";
  if (o.applied && *o.applied > missed) {
    *why = context + ", but catch-up applied " + std::to_string(*o.applied) + " records";
    return false;
  }
  const uint64_t peers = rf > 1 ? rf - 1 : 1;
  if (o.received && *o.received > missed * peers) {
    *why = context + ", but catch-up received " + std::to_string(*o.received) + " records (bound " +
           std::to_string(missed * peers) + ")";
    return false;
  }
  return true;
}

}  // namespace memdb::sim
