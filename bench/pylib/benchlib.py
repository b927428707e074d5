"""Shared helpers for the bench scripts: process management, and minimal memdb (HELLO/AUTH and
admin opcodes) and Redis (INFO) clients used to read each server's own accounting.

Not a client library: just enough protocol to ask a server for its counters.
"""

import hashlib
import hmac
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

started = []  # every Popen started through start_process(), stopped by PID in cleanup()


def log(msg):
    print(f"{os.path.basename(sys.argv[0])}: {msg}", file=sys.stderr, flush=True)


def run_step(cmd, cwd, **kw):
    """Runs a setup step (install, build); its output goes to stderr so stdout carries only
    results."""
    log("$ " + " ".join(cmd))
    kw.setdefault("stdout", sys.stderr)
    subprocess.run(cmd, check=True, cwd=cwd, **kw)


def build(root, build_dir, targets):
    """Installs what is missing and builds `targets` in Release."""
    run_step([os.path.join(root, "scripts/install-deps.sh"), "--with-redis"], root)
    run_step(["cmake", "-S", root, "-B", build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
              "-DMEMDB_BUILD_TESTS=OFF"], root)
    run_step(["cmake", "--build", build_dir, "--target"] + targets, root)


def start_process(cmd, **kw):
    log("$ " + " ".join(cmd))
    proc = subprocess.Popen(cmd, **kw)
    started.append(proc)
    return proc


def stop_process(proc, sig=signal.SIGTERM, timeout=30):
    """Stops one process we started, by PID; returns its exit code."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def cleanup():
    for proc in started:
        stop_process(proc, timeout=10)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pin(cpu):
    """taskset prefix when the machine has a CPU for the server and one for the client."""
    if os.cpu_count() and os.cpu_count() >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", str(cpu)]
    return []


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def wait_for_port(port, proc, what, timeout=60):
    """Waits until `port` accepts connections; returns the seconds it took."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return time.time() - t0
        except OSError:
            time.sleep(0.005)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout} s")


class MemdbAdmin:
    """HELLO/AUTH, then admin requests, over the memdb protocol v1 (docs/protocol.md)."""

    HEADER = struct.Struct("<HBBHHIIQ")

    def __init__(self, port, key_id, secret):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.rid = 0
        self.call(0x01, struct.pack("<H", 1) + self.bytes_field(b"vs-redis"))
        nonce = self.last_body[-32:]
        mac = hmac.new(secret.encode(), nonce + key_id.encode(), hashlib.sha256).digest()
        self.call(0x02, self.bytes_field(key_id.encode()) + mac)

    @staticmethod
    def bytes_field(b):
        return struct.pack("<I", len(b)) + b

    def call(self, opcode, body):
        self.rid += 1
        self.sock.sendall(self.HEADER.pack(0x444D, 1, opcode, 0, 0, self.rid, len(body), 0) + body)
        while True:
            if len(self.buf) >= 24:
                _, _, _, _, status, rid, blen, _ = self.HEADER.unpack(self.buf[:24])
                if len(self.buf) >= 24 + blen:
                    self.last_body = self.buf[24:24 + blen]
                    self.buf = self.buf[24 + blen:]
                    if status != 0:
                        raise RuntimeError(f"memdb opcode {opcode:#x} failed with status {status}")
                    return
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("memdb closed the connection")
            self.buf += chunk

    COMPACT_OUTCOMES = {0: "started", 1: "already_running", 2: "queued", 3: "nothing_to_compact"}

    def compact(self):
        """COMPACT (0x81): starts a compaction of the operation log; returns the outcome name."""
        self.call(0x81, b"")
        return self.COMPACT_OUTCOMES.get(self.last_body[0], f"unknown({self.last_body[0]})")

    def stats(self):
        """STATS (0x80) as a dict name -> value."""
        self.call(0x80, b"")
        body, out = self.last_body, {}
        (count,) = struct.unpack_from("<I", body, 0)
        pos = 4
        for _ in range(count):
            (n,) = struct.unpack_from("<I", body, pos)
            name = body[pos + 4:pos + 4 + n].decode()
            (value,) = struct.unpack_from("<Q", body, pos + 4 + n)
            out[name] = value
            pos += 4 + n + 8
        return out


def redis_info(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n")
        data = b""
        while True:
            data += s.recv(65536)
            if data.startswith(b"$"):
                header, _, rest = data.partition(b"\r\n")
                if len(rest) >= int(header[1:]):
                    break
    info = {}
    for line in data.decode().splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            info[k] = v
    return info
