#include "cluster/ring.h"

#include <algorithm>
#include <unordered_set>

#include "store/key_hash.h"

namespace memdb {

Token KeyToken(std::string_view key) { return KeyHash(key); }

std::vector<Token> Ring::ChooseTokens(Random& random, size_t count) {
  std::vector<Token> tokens;
  tokens.reserve(count);
  std::unordered_set<Token> seen;
  while (tokens.size() < count) {
    const Token t = random.Next64();
    if (seen.insert(t).second) tokens.push_back(t);
  }
  return tokens;
}

void Ring::SetTokens(NodeId node, const std::vector<Token>& tokens) {
  std::erase_if(tokens_, [node](const auto& entry) { return entry.second == node; });
  for (Token t : tokens) tokens_.emplace_back(t, node);
  std::sort(tokens_.begin(), tokens_.end());
  tokens_.erase(std::unique(tokens_.begin(), tokens_.end()), tokens_.end());
  std::unordered_set<NodeId> nodes;
  for (const auto& entry : tokens_) nodes.insert(entry.second);
  node_count_ = nodes.size();
}

size_t Ring::OwnerIndex(Token position) const {
  // The first token >= position owns it; past the last token, the circle wraps to the first.
  auto it = std::lower_bound(tokens_.begin(), tokens_.end(), std::make_pair(position, NodeId{0}));
  return it == tokens_.end() ? 0 : static_cast<size_t>(it - tokens_.begin());
}

std::optional<NodeId> Ring::Owner(Token position) const {
  if (tokens_.empty()) return std::nullopt;
  return tokens_[OwnerIndex(position)].second;
}

std::vector<NodeId> Ring::Preference(Token position, size_t rf) const {
  std::vector<NodeId> nodes;
  if (tokens_.empty()) return nodes;
  const size_t want = std::min(rf, node_count_);
  nodes.reserve(want);
  const size_t start = OwnerIndex(position);
  for (size_t i = 0; i < tokens_.size() && nodes.size() < want; ++i) {
    const NodeId node = tokens_[(start + i) % tokens_.size()].second;
    if (std::find(nodes.begin(), nodes.end(), node) == nodes.end()) nodes.push_back(node);
  }
  return nodes;
}

}  // namespace memdb
