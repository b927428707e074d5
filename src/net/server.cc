#include "net/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <csignal>

#include "net/connection.h"
#include "net/system_env.h"
#include "protocol/messages.h"

namespace memdb::net {

namespace {

// How often timeouts are checked: a quarter of the shortest timeout, within [20 ms, 1 s].
std::chrono::milliseconds SweepInterval(const ServerConfig& c) {
  uint64_t shortest = c.handshake_timeout_ms;
  if (c.idle_timeout_ms > 0) shortest = std::min<uint64_t>(shortest, c.idle_timeout_ms);
  return std::chrono::milliseconds(std::clamp<uint64_t>(shortest / 4, 20, 1000));
}

}  // namespace

Server::Server(const ServerConfig& config)
    : config_(config),
      acceptor_(io_),
      signals_(io_, SIGINT, SIGTERM),
      sweep_timer_(io_),
      grace_timer_(io_),
      gossip_timer_(io_) {}

Server::Server(const ServerConfig& config, Node* node, FileSystem* fs,
               OplogRuntimeOptions oplog_options)
    : Server(config) {
  AttachNode(node, fs, oplog_options);
}

void Server::AttachNode(Node* node, FileSystem* fs, OplogRuntimeOptions oplog_options) {
  node_ = node;
  if (node_->oplog() != nullptr) {
    oplog_ = std::make_unique<OplogRuntime>(io_, node_, fs, oplog_options);
  }
}

Server::~Server() = default;

void Server::AttachCluster(cluster::GossipDriver* driver, PeerPool* pool, uint32_t interval_ms) {
  cluster_ = driver;
  peer_pool_ = pool;
  gossip_interval_ms_ = interval_ms;
}

Status Server::Listen() {
  asio::error_code ec;
  const std::string where = config_.bind + ":" + std::to_string(config_.port);
  asio::ip::tcp::endpoint endpoint;
  if (auto address = asio::ip::make_address(config_.bind, ec); !ec) {
    endpoint = asio::ip::tcp::endpoint(address, config_.port);
  } else {
    // A host name: listen on its first address.
    asio::ip::tcp::resolver resolver(io_);
    auto results = resolver.resolve(config_.bind, std::to_string(config_.port), ec);
    if (ec || results.empty()) {
      return Status(Code::kInvalidArgument,
                    "server.bind: cannot resolve \"" + config_.bind + "\": " + ec.message());
    }
    endpoint = results.begin()->endpoint();
  }
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status(Code::kIoError, "cannot listen on " + where + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  return Status::Ok();
}

void Server::Run() {
  signals_.async_wait([this](const asio::error_code& ec, int signo) {
    if (!ec) BeginShutdown(signo == SIGINT ? "SIGINT" : "SIGTERM");
  });
  Connection::SetNow(SteadyNowMillis());
  if (oplog_) {
    oplog_->Start([this](const Status&) {
      exit_code_ = 1;
      BeginShutdown("operation log failed");
    });
  }
  DoAccept();
  ArmSweep();
  if (cluster_ != nullptr) ArmGossip(std::chrono::milliseconds(0));
  io_.run();
}

void Server::RequestShutdown() {
  asio::post(io_, [this] { BeginShutdown("shutdown requested"); });
}

void Server::DoAccept() {
  acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || shutting_down_) return;
      // EMFILE and friends: log, back off briefly via the next accept.
      spdlog::warn("accept failed: {}", ec.message());
      DoAccept();
      return;
    }
    if (shutting_down_) return;
    Connection::SetNow(SteadyNowMillis());
    if (connections_.size() >= config_.max_connections) {
      ++node_->server_counters().connections_rejected;
      Reject(std::move(socket));
    } else {
      const uint64_t id = next_connection_id_++;
      auto conn = std::make_shared<Connection>(
          id, std::move(socket), node_, config_, oplog_.get(), [this](uint64_t closed_id) {
            connections_.erase(closed_id);
            node_->server_counters().connections_open = connections_.size();
            MaybeFinishShutdown();
          });
      connections_.emplace(id, conn);
      ++node_->server_counters().connections_accepted;
      node_->server_counters().connections_open = connections_.size();
      conn->Start(SteadyNowMillis());
    }
    DoAccept();
  });
}

void Server::Reject(asio::ip::tcp::socket socket) {
  spdlog::warn("refusing connection: {} connections open (server.max_connections)",
               connections_.size());
  auto sock = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
  auto reply = std::make_shared<std::string>();
  // Request id 0 is reserved for connection-level errors (docs/protocol.md).
  protocol::AppendErrorResponse(reply.get(), static_cast<uint8_t>(protocol::Opcode::kHello), 0,
                                node_->clock().Current(), Code::kTooManyConnections,
                                "server has reached max_connections");
  asio::async_write(*sock, asio::buffer(*reply), [sock, reply](const asio::error_code&, size_t) {
    asio::error_code ignored;
    sock->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    sock->close(ignored);
  });
}

void Server::ArmSweep() {
  sweep_timer_.expires_after(SweepInterval(config_));
  sweep_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec || shutting_down_) return;
    Sweep();
    ArmSweep();
  });
}

void Server::Sweep() {
  const uint64_t now = SteadyNowMillis();
  Connection::SetNow(now);
  std::vector<std::shared_ptr<Connection>> expired;
  for (auto& [id, conn] : connections_) {
    if (!conn->authenticated()) {
      if (now - conn->started_ms() > config_.handshake_timeout_ms) expired.push_back(conn);
    } else if (config_.idle_timeout_ms > 0 &&
               now - conn->last_activity_ms() > config_.idle_timeout_ms) {
      expired.push_back(conn);
    }
  }
  for (auto& conn : expired) {
    conn->Close(conn->authenticated() ? "idle timeout" : "handshake timeout");
  }
}

// ---- gossip -------------------------------------------------------------------------------

void Server::ArmGossip(std::chrono::milliseconds delay) {
  gossip_timer_.expires_after(delay);
  gossip_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec || shutting_down_) return;
    node_->OnGossipTimer();
    LogMemberEvents();
    LogReplicationProgress();
    ArmGossip(std::chrono::milliseconds(gossip_interval_ms_));
  });
}

void Server::LogMemberEvents() {
  cluster::Membership& membership = cluster_->membership();
  const cluster::Gossiper& gossiper = membership.gossiper();
  for (const cluster::MemberEvent& event : membership.gossiper().TakeEvents()) {
    const cluster::MemberState* member = gossiper.Find(event.node);
    const std::string address = member ? member->address.value : std::string("?");
    switch (event.kind) {
      case cluster::MemberEventKind::kUp:
        spdlog::info("node {} ({}) is UP", event.node, address);
        break;
      case cluster::MemberEventKind::kDown:
        spdlog::info("node {} ({}) is DOWN", event.node, address);
        break;
      case cluster::MemberEventKind::kDiscovered:
        spdlog::info("node {} ({}) discovered: generation {}, status {}, {} tokens", event.node,
                     address, member ? member->generation : 0,
                     member ? cluster::MemberStatusName(member->status.value) : "?",
                     member ? member->tokens.value.size() : 0);
        break;
      case cluster::MemberEventKind::kRestarted:
        spdlog::info("node {} ({}) restarted: generation {}", event.node, address,
                     member ? member->generation : 0);
        break;
      case cluster::MemberEventKind::kStatusChanged:
        spdlog::info("node {} ({}){} is now {}", event.node, address,
                     event.node == gossiper.self_id() ? " (this node)" : "",
                     member ? cluster::MemberStatusName(member->status.value) : "?");
        break;
      case cluster::MemberEventKind::kTokensChanged:
        spdlog::info("node {} ({}){} has {} tokens", event.node, address,
                     event.node == gossiper.self_id() ? " (this node)" : "",
                     member ? member->tokens.value.size() : 0);
        break;
    }
  }
  const cluster::GossipCounters& counters = cluster_->counters();
  if (counters.foreign_cluster > logged_foreign_cluster_) {
    spdlog::warn("ignored {} gossip message(s) from nodes of another cluster (cluster.name is {})",
                 counters.foreign_cluster - logged_foreign_cluster_,
                 gossiper.options().cluster_name);
    logged_foreign_cluster_ = counters.foreign_cluster;
  }
  if (counters.bad_messages > logged_bad_messages_) {
    spdlog::warn("{} gossip message(s) did not decode (answered BAD_REQUEST / dropped)",
                 counters.bad_messages - logged_bad_messages_);
    logged_bad_messages_ = counters.bad_messages;
  }
  const std::string& save_error = membership.last_save_error().message();
  if (save_error != logged_save_error_) {
    if (!save_error.empty()) {
      spdlog::warn("cannot save the cluster membership (retried every round): {}", save_error);
    }
    logged_save_error_ = save_error;
  }
}

void Server::LogReplicationProgress() {
  const uint64_t now = SteadyNowMillis();
  if (Catchup* catchup = node_->catchup(); catchup != nullptr) {
    const CatchupProgress p = catchup->progress();
    const CatchupProgress& last = logged_catchup_;
    const bool new_tenth = p.ranges_total > 0 && p.percent() / 10 != last.percent() / 10;
    if (p.phase != last.phase || (p.running() && new_tenth)) {
      if (p.running() && last.phase != CatchupPhase::kRunning) {
        catchup_started_ms_ = now;
        spdlog::info("catch-up: fetching the writes missed while down, {} ranges", p.ranges_total);
      } else if (p.running()) {
        spdlog::info("catch-up: {}% ({}/{} ranges, {} missed writes applied)", p.percent(),
                     p.ranges_done, p.ranges_total, p.records_applied);
      } else if (p.phase == CatchupPhase::kDone) {
        spdlog::info("catch-up: done, {} ranges, {} missed writes applied, {} ms", p.ranges_total,
                     p.records_applied, now - catchup_started_ms_);
      }
      logged_catchup_ = p;
    }
  }
  if (const HintStore* hints = node_->hint_store(); hints != nullptr) {
    const HintCounters& c = hints->counters();
    if (c.pending == 0 && logged_hints_pending_ > 0) {
      spdlog::info("hinted handoff: every hint delivered ({} in all)", c.delivered);
    } else if (c.pending > 0 && logged_hints_pending_ == 0) {
      spdlog::info("hinted handoff: keeping writes for replicas that are down ({} pending)",
                   c.pending);
    }
    logged_hints_pending_ = c.pending;
  }
  if (AntiEntropy* ae = node_->anti_entropy(); ae != nullptr) {
    const RepairProgress r = ae->Repair(RepairAction::kStatus, now);
    if (!r.running && r.run_id != logged_repair_run_ && r.run_id != 0) {
      spdlog::info(
          "anti-entropy: run {} done in {} ms: {}/{} range-replica pairs ({} failed), {} leaves "
          "differed, {} entries pulled, {} pushed",
          r.run_id, r.elapsed_ms, r.ranges_done, r.ranges_total, r.ranges_failed,
          r.leaves_different, r.keys_pulled, r.keys_pushed);
      logged_repair_run_ = r.run_id;
    }
  }
}

// ---- shutdown -----------------------------------------------------------------------------

void Server::BeginShutdown(const char* why) {
  if (shutting_down_) return;
  shutting_down_ = true;
  spdlog::info("{}: shutting down, draining {} connection(s)", why, connections_.size());
  asio::error_code ignored;
  acceptor_.close(ignored);
  sweep_timer_.cancel();
  signals_.cancel();
  if (cluster_ != nullptr) {
    gossip_timer_.cancel();
    if (peer_pool_ != nullptr) peer_pool_->Shutdown();
    if (Status s = cluster_->membership().SaveIfChanged(); !s.ok()) {
      spdlog::error("cannot save the cluster membership: {}", s.message());
    }
  }
  grace_timer_.expires_after(std::chrono::milliseconds(config_.shutdown_grace_ms));
  grace_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec) return;
    spdlog::warn("shutdown grace period over: closing {} connection(s)", connections_.size());
    auto remaining = connections_;
    for (auto& [id, conn] : remaining) conn->Close("shutdown grace period over");
  });
  if (oplog_) oplog_->BeginShutdown();
  auto snapshot = connections_;  // Drain may close and erase
  for (auto& [id, conn] : snapshot) conn->Drain();
  MaybeFinishShutdown();
}

void Server::MaybeFinishShutdown() {
  if (!shutting_down_ || !connections_.empty() || log_finishing_) return;
  grace_timer_.cancel();
  spdlog::info("all connections closed");
  if (!oplog_) return;
  log_finishing_ = true;
  oplog_->Finish([this](const Status& status) {
    if (!status.ok()) {
      exit_code_ = 1;
      spdlog::critical("operation log not closed cleanly: {}", status.ToString());
    }
  });
}

}  // namespace memdb::net
