#include "sim_node.h"

#include <utility>

namespace memdb::sim {

SimNode::Incarnation::Incarnation(SimNode* node, uint64_t seed)
    : random(seed),
      hlc(&node->wall_clock_),
      transport(node->world_, node->network_, node->endpoint_, node->owner_,
                node->options_.request_timeout_ms) {}

SimNode::SimNode(World* world, Network* network, uint32_t index, std::string address, uint64_t seed,
                 NodeOptions options)
    : world_(world),
      network_(network),
      index_(index),
      name_("n" + std::to_string(index)),
      address_(std::move(address)),
      options_(std::move(options)),
      owner_(world->AddOwner(name_)),
      endpoint_(network->Attach(address_, owner_)),
      seeds_(seed),
      wall_clock_(world, options_.clock_offset_ms),
      monotonic_clock_(world) {
  disk_.CreateDir(options_.data_dir);
}

SimNode::~SimNode() {
  // The process may hold pointers into the incarnation: it goes first (member order).
  incarnation_.reset();
}

Status SimNode::Start(const Boot& boot) {
  if (running()) return Status(Code::kInvalidArgument, name_ + " is already running");
  // Nothing addressed to the node while it was down (or to a previous incarnation) arrives.
  world_->DiscardOwner(owner_);
  ++starts_;
  world_->Log("fault start " + name_ + " (start " + std::to_string(starts_) + ")");
  incarnation_ = std::make_unique<Incarnation>(this, seeds_.Next64());
  network_->SetAsyncHandler(endpoint_,
                            [this](const Network::Request& request, Network::Respond respond) {
                              OnAsyncRequest(request, std::move(respond));
                            });
  Result<std::unique_ptr<Process>> process = boot(*this);
  if (!process.ok()) {
    world_->Log("fault start-failed " + name_ + ": " + process.status().ToString());
    network_->SetHandler(endpoint_, nullptr);
    world_->SetAfterEvent(owner_, nullptr);
    world_->DiscardOwner(owner_);
    incarnation_.reset();
    return process.status();
  }
  incarnation_->process = std::move(process).value();
  return Status();
}

void SimNode::Crash() {
  world_->Log("fault crash " + name_);
  network_->SetHandler(endpoint_, nullptr);
  world_->SetAfterEvent(owner_, nullptr);
  world_->DiscardOwner(owner_);
  world_->Resume(owner_);  // a crashed node is not paused any more (nothing is deferred)
  incarnation_.reset();
  disk_.Crash();
}

void SimNode::Pause() {
  world_->Log("fault pause " + name_);
  world_->Pause(owner_);
}

void SimNode::Resume() {
  world_->Log("fault resume " + name_);
  world_->Resume(owner_);
}

void SimNode::Handle(uint8_t opcode, RequestFn fn) {
  incarnation_->handlers[opcode] = std::move(fn);
}

void SimNode::HandleAll(Network::AsyncRequestHandler fn) {
  incarnation_->handle_all = std::move(fn);
}

void SimNode::AfterEachEvent(std::function<void()> fn) {
  world_->SetAfterEvent(owner_, std::move(fn));
}

void SimNode::Every(uint64_t first_delay_ms, uint64_t period_ms, const char* kind,
                    std::function<void()> fn) {
  incarnation_->timers.push_back(std::make_unique<Timer>(Timer{period_ms, kind, std::move(fn)}));
  ScheduleTimer(incarnation_->timers.back().get(), first_delay_ms);
}

void SimNode::ScheduleTimer(Timer* timer, uint64_t delay_ms) {
  // The event is discarded if the node crashes, before the Timer is destroyed.
  world_->After(delay_ms, owner_, timer->kind, [this, timer] {
    world_->Log(name_ + " timer " + timer->kind);
    timer->fn();
    ScheduleTimer(timer, timer->period_ms);
  });
}

void SimNode::After(uint64_t delay_ms, const char* kind, std::function<void()> fn) {
  world_->After(delay_ms, owner_, kind, std::move(fn));
}

void SimNode::OnAsyncRequest(const Network::Request& request, Network::Respond respond) {
  if (incarnation_->handle_all) {
    Network::AsyncRequestHandler fn = incarnation_->handle_all;  // may be replaced meanwhile
    fn(request, std::move(respond));
    return;
  }
  respond(OnRequest(request.opcode, request.timestamp, request.body));
}

Reply SimNode::OnRequest(uint8_t opcode, Timestamp timestamp, std::string_view body) {
  Reply reply;
  Status observed = incarnation_->hlc.Observe(timestamp);
  if (!observed.ok()) {
    reply.status = observed;
  } else if (auto it = incarnation_->handlers.find(opcode); it == incarnation_->handlers.end()) {
    reply.status = Status(Code::kUnknownOpcode, "no handler");
  } else {
    // Copy: the handler may register others.
    RequestFn fn = it->second;
    reply = fn(timestamp, body);
  }
  reply.timestamp = incarnation_->hlc.Current();
  return reply;
}

}  // namespace memdb::sim
