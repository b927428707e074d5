// WorkerThread — one named helper thread that runs posted tasks in order. The runtime's
// blocking work (the log's write + fdatasync, sealing and compaction) runs on these, off the
// event loop; tasks report back by posting to the loop's io_context.
//
// Threading: Post() and Stop() may be called from any thread (the runtime calls them from the
// loop). Tasks run one at a time on the worker thread.
#ifndef MEMDB_NET_WORKER_THREAD_H_
#define MEMDB_NET_WORKER_THREAD_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace memdb::net {

class WorkerThread {
 public:
  // `name` is the thread's name in ps/top/gdb (at most 15 characters).
  explicit WorkerThread(std::string name);
  // Stop().
  ~WorkerThread();
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  // Queues `task`. Ignored after Stop().
  void Post(std::function<void()> task);
  // Runs the tasks already queued, then joins the thread. Idempotent.
  void Stop();

 private:
  void Loop();

  std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace memdb::net

#endif  // MEMDB_NET_WORKER_THREAD_H_
