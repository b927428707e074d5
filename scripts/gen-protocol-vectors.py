#!/usr/bin/env python3
"""Generates tests/vectors/protocol_v1.json with an encoder independent of the C++ one."""
# Usage: scripts/gen-protocol-vectors.py > tests/vectors/protocol_v1.json
import hashlib, hmac, json, struct, sys

OPS = {"HELLO": 0x01, "AUTH": 0x02, "PING": 0x03, "GET": 0x10, "SET": 0x11, "DEL": 0x12,
       "CONTAINS": 0x13, "GOSSIP_SYN": 0x50, "GOSSIP_ACK2": 0x51, "FORWARD": 0x52, "STATS": 0x80,
       "COMPACT": 0x81, "CLUSTER_INFO": 0x82, "GET_CL": 0x20, "SET_CL": 0x21, "DEL_CL": 0x22,
       "CONTAINS_CL": 0x23, "REPAIR": 0x83}
FLAG_RESPONSE, FLAG_NOT_OWNER = 0x0001, 0x0002
TIMEOUT, PERMISSION_DENIED, UNAVAILABLE = 12, 17, 18
LEVEL = {"default": 0, "one": 1, "quorum": 2, "all": 3}
HLC = (1700000000000 << 16) | 5   # 2023-11-14T22:13:20Z, logical counter 5
HLC2 = (1700000000123 << 16) | 0
DEFAULT_LIMITS = {"max_frame_bytes": 16 << 20, "max_key_bytes": 64 << 10, "max_value_bytes": 8 << 20}

def header(op, flags, status, rid, blen, ts, magic=0x444D, version=1):
    return struct.pack("<HBBHHIIQ", magic, version, op, flags, status, rid, blen, ts)

def b(x):  # "bytes" field
    return struct.pack("<I", len(x)) + x

def hdr_json(op, flags, status, rid, blen, ts, version=1):
    return {"version": version, "opcode": op, "flags": flags, "status": status,
            "request_id": rid, "body_length": blen, "timestamp": str(ts)}

vectors = []

def add(name, direction, desc, raw, **kw):
    v = {"name": name, "description": desc, "direction": direction}
    if "limits" in kw:
        v["limits"] = kw.pop("limits")
    v["hex"] = raw.hex()
    v.update(kw)
    vectors.append(v)

def frame(name, direction, desc, op, rid, ts, body, body_json, status=0, limits=None, extra_flags=0):
    flags = (FLAG_RESPONSE if direction == "response" else 0) | extra_flags
    raw = header(op, flags, status, rid, len(body), ts) + body
    kw = {"expect": {"header": hdr_json(op, flags, status, rid, len(body), ts), "body": body_json}}
    if limits: kw["limits"] = limits
    add(name, direction, desc, raw, **kw)

def body_error(name, direction, desc, op, rid, ts, body, code, status=0, limits=None):
    flags = 1 if direction == "response" else 0
    raw = header(op, flags, status, rid, len(body), ts) + body
    kw = {"error": {"stage": "body", "code": code, "fatal": False,
                    "header": hdr_json(op, flags, status, rid, len(body), ts)}}
    if limits: kw["limits"] = limits
    add(name, direction, desc, raw, **kw)

H = lambda s: s.encode().hex()
nonce = bytes(range(32))
secret = b"s3cret-s3cret-s3cret"
key_id = b"client-1"
mac = hmac.new(secret, nonce + key_id, hashlib.sha256).digest()

# ---- requests ----
frame("hello_request", "request", "HELLO from a client named memdb-cli/0.1; first frame, timestamp 0",
      OPS["HELLO"], 1, 0, struct.pack("<H", 1) + b(b"memdb-cli/0.1"),
      {"protocol_version": 1, "client_name": H("memdb-cli/0.1")})
frame("auth_request", "request",
      "AUTH answering challenge_response: mac = HMAC-SHA256(key=secret, nonce||key_id), see hmac_examples[0]",
      OPS["AUTH"], 2, 0, b(key_id) + mac, {"key_id": key_id.hex(), "mac": mac.hex()})
frame("ping_request", "request", "PING with a 4-byte payload", OPS["PING"], 3, HLC, b(b"ping"),
      {"payload": H("ping")})
frame("ping_request_empty", "request", "PING with an empty payload", OPS["PING"], 4, HLC, b(b""),
      {"payload": ""})
frame("get_request", "request", "GET user:42; the client has seen HLC timestamp (1700000000000 ms, logical 5)",
      OPS["GET"], 5, HLC, b(b"user:42"), {"key": H("user:42")})
frame("get_request_empty_key", "request", "GET of the empty key (legal)", OPS["GET"], 6, HLC, b(b""),
      {"key": ""})
frame("set_request", "request", "SET user:42 = alice (the worked example in docs/protocol.md)",
      OPS["SET"], 7, HLC, b(b"user:42") + b(b"alice"), {"key": H("user:42"), "value": H("alice")})
frame("set_request_binary", "request", "SET with binary key and value containing 0x00 and 0xff",
      OPS["SET"], 8, HLC, b(b"\x00\xff\x00k") + b(b"\xff\x00\xff\x00\x01"),
      {"key": "00ff006b", "value": "ff00ff0001"})
frame("set_request_empty_value", "request", "SET with an empty value (legal; not a delete)",
      OPS["SET"], 9, HLC, b(b"k") + b(b""), {"key": H("k"), "value": ""})
frame("del_request", "request", "DEL user:42", OPS["DEL"], 10, HLC2, b(b"user:42"), {"key": H("user:42")})
frame("contains_request_max_request_id", "request", "CONTAINS with the largest request id 0xffffffff",
      OPS["CONTAINS"], 0xFFFFFFFF, HLC2, b(b"user:42"), {"key": H("user:42")})
frame("get_request_max_timestamp", "request", "GET with the largest timestamp 0xffffffffffffffff",
      OPS["GET"], 11, 0xFFFFFFFFFFFFFFFF, b(b"k"), {"key": H("k")})
frame("ping_request_at_frame_limit", "request",
      "body_length equal to limits.max_frame_bytes is accepted", OPS["PING"], 12, 0, b(b"12345678"),
      {"payload": H("12345678")}, limits={"max_frame_bytes": 12})
frame("set_request_at_key_and_value_limits", "request",
      "key and value exactly at max_key_bytes / max_value_bytes are accepted", OPS["SET"], 13, 0,
      b(b"abcd") + b(b"wxyz"), {"key": H("abcd"), "value": H("wxyz")},
      limits={"max_key_bytes": 4, "max_value_bytes": 4})

# ---- responses ----
frame("challenge_response", "response",
      "CHALLENGE (HELLO response): version 1, server name, 32-byte nonce 00..1f", OPS["HELLO"], 1, HLC,
      struct.pack("<H", 1) + b(b"memdb 0.1.0") + nonce,
      {"protocol_version": 1, "server_name": H("memdb 0.1.0"), "nonce": nonce.hex()})
frame("auth_ok_response", "response", "AUTH succeeded: status OK, empty body", OPS["AUTH"], 2, HLC,
      b"", {})
frame("ping_response", "response", "PING response echoing the payload", OPS["PING"], 3, HLC,
      b(b"ping"), {"payload": H("ping")})
frame("get_response_found", "response", "GET found: version (timestamp, node 3), value alice",
      OPS["GET"], 5, HLC2, b"\x01" + struct.pack("<QI", HLC, 3) + b(b"alice"),
      {"found": True, "timestamp": str(HLC), "node_id": 3, "value": H("alice")})
frame("get_response_not_found", "response", "GET not found: a single 0 byte", OPS["GET"], 6, HLC2,
      b"\x00", {"found": False})
frame("get_response_found_binary_value", "response",
      "GET found with a binary value and the largest version", OPS["GET"], 0xFFFFFFFF,
      0xFFFFFFFFFFFFFFFF, b"\x01" + struct.pack("<QI", 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFF) + b(b"\x00\xff"),
      {"found": True, "timestamp": str(0xFFFFFFFFFFFFFFFF), "node_id": 0xFFFFFFFF, "value": "00ff"})
frame("set_response", "response", "SET response: the version the write was stamped with",
      OPS["SET"], 7, HLC2, struct.pack("<QI", HLC2, 3),
      {"timestamp": str(HLC2), "node_id": 3})
frame("del_response_existed", "response", "DEL response: a live value existed; tombstone version",
      OPS["DEL"], 10, HLC2, b"\x01" + struct.pack("<QI", HLC2, 2),
      {"existed": True, "timestamp": str(HLC2), "node_id": 2})
frame("del_response_absent", "response", "DEL response: nothing was there", OPS["DEL"], 14, HLC2,
      b"\x00" + struct.pack("<QI", HLC2 + 1, 2),
      {"existed": False, "timestamp": str(HLC2 + 1), "node_id": 2})
frame("contains_response_present", "response", "CONTAINS: present", OPS["CONTAINS"], 0xFFFFFFFF, HLC2,
      b"\x01", {"present": True})
frame("contains_response_absent", "response", "CONTAINS: absent", OPS["CONTAINS"], 15, HLC2, b"\x00",
      {"present": False})
frame("stats_request", "request", "STATS (admin): empty body", OPS["STATS"], 30, HLC, b"", {})
frame("stats_response", "response", "STATS response: count, then (name, u64 value) pairs",
      OPS["STATS"], 30, HLC2,
      struct.pack("<I", 2) + b(b"keys") + struct.pack("<Q", 1000000) + b(b"store_bytes")
      + struct.pack("<Q", 0xFFFFFFFFFFFFFFFF),
      {"stats": [{"name": b"keys".hex(), "value": "1000000"},
                 {"name": b"store_bytes".hex(), "value": str(0xFFFFFFFFFFFFFFFF)}]})
frame("compact_request", "request", "COMPACT (admin): empty body", OPS["COMPACT"], 33, HLC, b"", {})
frame("compact_response_started", "response", "COMPACT response: outcome 0 = started",
      OPS["COMPACT"], 33, HLC2, b"\x00", {"outcome": 0})
frame("compact_response_already_running", "response",
      "COMPACT response: outcome 1 = a compaction is already running",
      OPS["COMPACT"], 34, HLC2, b"\x01", {"outcome": 1})
msg = b"SET request: key is 70000 bytes, limit is 65536"
frame("error_response_key_too_large", "response", "error response KEY_TOO_LARGE (5) to a SET",
      OPS["SET"], 16, HLC2, b(msg), {"message": msg.hex()}, status=5)
msg = b"authenticate first"
frame("error_response_auth_required", "response", "error response AUTH_REQUIRED (8) to a GET sent before AUTH",
      OPS["GET"], 17, 0, b(msg), {"message": msg.hex()}, status=8)
frame("error_response_empty_message", "response", "error response INTERNAL (15) with an empty message",
      OPS["PING"], 18, HLC2, b(b""), {"message": ""}, status=15)

# ---- cluster: CLUSTER_INFO (0x82), the NOT_OWNER flag, PERMISSION_DENIED / UNAVAILABLE ----
# CLUSTER_INFO response body (docs/protocol.md, "CLUSTER_INFO (0x82)"):
#   u8 format(1), bytes cluster_name, u32 self_id, u64 ring_version, u32 n, n x node
#   node = u32 id, bytes address, u8 status, u8 up, u32 phi_milli, u64 generation,
#          u64 heartbeat, u64 keys_held, u32 t, t x u64 token
STATUS = {"joining": 1, "normal": 2, "leaving": 3, "left": 4, "removed": 5}

def ci_node(id_, address, status, up, phi_milli, generation, heartbeat, keys_held, tokens):
    raw = struct.pack("<I", id_) + b(address) + struct.pack("<BBIQQQI", STATUS[status], 1 if up else 0,
                                                           phi_milli, generation, heartbeat, keys_held,
                                                           len(tokens))
    raw += b"".join(struct.pack("<Q", t) for t in tokens)
    meaning = {"id": id_, "address": address.hex(), "status": STATUS[status], "up": up,
               "phi_milli": phi_milli, "generation": str(generation), "heartbeat": str(heartbeat),
               "keys_held": str(keys_held), "tokens": [str(t) for t in tokens]}
    return raw, meaning

def ci_body(name, self_id, ring_version, nodes, fmt=1):
    raw = struct.pack("<B", fmt) + b(name) + struct.pack("<IQI", self_id, ring_version, len(nodes))
    raw += b"".join(n[0] for n in nodes)
    meaning = {"format": fmt, "cluster_name": name.hex(), "self_id": self_id,
               "ring_version": str(ring_version), "nodes": [n[1] for n in nodes]}
    return raw, meaning

frame("cluster_info_request", "request", "CLUSTER_INFO (admin): empty body", OPS["CLUSTER_INFO"], 40,
      HLC, b"", {})
n1 = ci_node(1, b"10.0.0.1:7379", "normal", True, 0, 3, 1041, 5000, [0x1000, 0x8000000000000000])
n2 = ci_node(2, b"10.0.0.2:7379", "leaving", True, 1250, 1, 77, 4999, [0xFFFFFFFFFFFFFFFF])
n3 = ci_node(7, b"[::1]:7380", "joining", False, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 0, 0, [])
raw, meaning = ci_body(b"prod-eu", 1, 0x0102030405060708, [n1, n2, n3])
frame("cluster_info_response", "response",
      "CLUSTER_INFO response from node 1: three nodes (normal, leaving, joining and down with phi "
      "saturated), tokens including 2^64-1",
      OPS["CLUSTER_INFO"], 40, HLC2, raw, meaning)
raw, meaning = ci_body(b"", 9, 0, [ci_node(9, b"127.0.0.1:7379", "normal", True, 0, 1, 0, 0, [42])])
frame("cluster_info_response_single_node", "response",
      "CLUSTER_INFO from a node alone: a one-node view, empty cluster name",
      OPS["CLUSTER_INFO"], 41, HLC2, raw, meaning)
raw, meaning = ci_body(b"empty", 4, 1, [])
frame("cluster_info_response_no_nodes", "response", "CLUSTER_INFO with zero nodes",
      OPS["CLUSTER_INFO"], 42, HLC2, raw, meaning)
frame("get_response_not_owner", "response",
      "GET response with the NOT_OWNER flag (flags 0x0003): the answering node is not one of the "
      "key's replicas; it coordinated the request and the body is valid",
      OPS["GET"], 43, HLC2, b"\x01" + struct.pack("<QI", HLC, 2) + b(b"alice"),
      {"found": True, "timestamp": str(HLC), "node_id": 2, "value": H("alice")},
      extra_flags=FLAG_NOT_OWNER)
msg = b"GOSSIP_SYN is for peer sessions (key id cluster)"
frame("error_response_permission_denied", "response",
      "error response PERMISSION_DENIED (17) to a peer opcode sent by a client session",
      OPS["GOSSIP_SYN"], 44, HLC2, b(msg), {"message": msg.hex()}, status=PERMISSION_DENIED)
msg = b"QUORUM needs 2 replicas, 1 up (node 3 down)"
frame("error_response_unavailable", "response",
      "error response UNAVAILABLE (18) to a GET: too few of the key's replicas are up",
      OPS["GET"], 45, HLC2, b(msg), {"message": msg.hex()}, status=UNAVAILABLE)
msg = b"QUORUM not reached in time: 1 of 2 required acknowledgements (3 replicas)"
frame("error_response_not_owner_timeout", "response",
      "an error response may carry NOT_OWNER too: TIMEOUT (12) from a coordinator that is not "
      "one of the key's replicas",
      OPS["SET"], 46, HLC2, b(msg), {"message": msg.hex()}, status=12, extra_flags=FLAG_NOT_OWNER)

# ---- consistency levels: GET_CL / SET_CL / DEL_CL / CONTAINS_CL (0x20-0x23), REPAIR (0x83) ----
# A _CL request body is u8 consistency + u32 deadline_ms + the plain request's body; its success
# response is the plain response's body under the _CL opcode.
def cl(level, deadline_ms):
    return struct.pack("<BI", LEVEL[level], deadline_ms)

frame("get_cl_request", "request", "GET_CL user:42 at QUORUM, deadline 200 ms",
      OPS["GET_CL"], 60, HLC, cl("quorum", 200) + b(b"user:42"),
      {"consistency": 2, "deadline_ms": 200, "key": H("user:42")})
frame("set_cl_request", "request",
      "SET_CL user:42 = alice at ALL, deadline 0 (the node's replication.request_timeout_ms)",
      OPS["SET_CL"], 61, HLC, cl("all", 0) + b(b"user:42") + b(b"alice"),
      {"consistency": 3, "deadline_ms": 0, "key": H("user:42"), "value": H("alice")})
frame("del_cl_request", "request", "DEL_CL user:42 at ONE, deadline 1000 ms",
      OPS["DEL_CL"], 62, HLC, cl("one", 1000) + b(b"user:42"),
      {"consistency": 1, "deadline_ms": 1000, "key": H("user:42")})
frame("contains_cl_request_default_level", "request",
      "CONTAINS_CL at level 0 (the node's default) with the largest deadline 0xffffffff ms",
      OPS["CONTAINS_CL"], 63, HLC, cl("default", 0xFFFFFFFF) + b(b"user:42"),
      {"consistency": 0, "deadline_ms": 0xFFFFFFFF, "key": H("user:42")})
frame("get_cl_response_found", "response",
      "GET_CL response: the GET response body (the newest version among the replicas that answered)",
      OPS["GET_CL"], 60, HLC2, b"\x01" + struct.pack("<QI", HLC, 2) + b(b"alice"),
      {"found": True, "timestamp": str(HLC), "node_id": 2, "value": H("alice")})
frame("set_cl_response", "response", "SET_CL response: the SET response body (the coordinator's stamp)",
      OPS["SET_CL"], 61, HLC2, struct.pack("<QI", HLC2, 3), {"timestamp": str(HLC2), "node_id": 3})
frame("del_cl_response", "response", "DEL_CL response: the DEL response body",
      OPS["DEL_CL"], 62, HLC2, b"\x01" + struct.pack("<QI", HLC2, 3),
      {"existed": True, "timestamp": str(HLC2), "node_id": 3})
frame("contains_cl_response", "response", "CONTAINS_CL response: the CONTAINS response body",
      OPS["CONTAINS_CL"], 63, HLC2, b"\x00", {"present": False})
msg = b"QUORUM needs 2 replicas, 1 up (node 3 down)"
frame("error_response_unavailable_quorum", "response",
      "UNAVAILABLE (18) to a SET_CL at QUORUM: too few replicas up, nothing was written",
      OPS["SET_CL"], 64, HLC2, b(msg), {"message": msg.hex()}, status=UNAVAILABLE)
msg = b"QUORUM not reached in time: 1 of 2 replicas answered"
frame("error_response_timeout_quorum", "response",
      "TIMEOUT (12) to a GET_CL at QUORUM: the level was not reached by the deadline",
      OPS["GET_CL"], 65, HLC2, b(msg), {"message": msg.hex()}, status=TIMEOUT)

REPAIR_U64 = ["run_id", "ranges_total", "ranges_done", "ranges_failed", "leaves_different",
              "keys_pulled", "keys_pushed", "bytes_transferred", "elapsed_ms", "keys_not_copied"]

def repair_body(running, started_now, values, last_error):
    raw = struct.pack("<BB", running, started_now)
    raw += b"".join(struct.pack("<Q", values[k]) for k in REPAIR_U64)
    raw += b(last_error)
    meaning = {"running": bool(running), "started_now": bool(started_now)}
    meaning.update({k: str(values[k]) for k in REPAIR_U64})
    meaning["last_error"] = last_error.hex()
    return raw, meaning

frame("repair_request_start", "request", "REPAIR (admin) action 1: start a repair", OPS["REPAIR"], 70,
      HLC, b"\x01", {"action": 1})
frame("repair_request_status", "request", "REPAIR (admin) action 2: report progress only",
      OPS["REPAIR"], 71, HLC, b"\x02", {"action": 2})
raw, meaning = repair_body(1, 1, {"run_id": 3, "ranges_total": 40, "ranges_done": 12,
                                  "ranges_failed": 1, "leaves_different": 17, "keys_pulled": 152,
                                  "keys_pushed": 87, "bytes_transferred": 1048576,
                                  "elapsed_ms": 3456, "keys_not_copied": 2},
                           b"node 4 (10.0.0.4:7379): connection refused")
frame("repair_response_running", "response",
      "REPAIR response: run 3 started by this request, 12 of 40 (range, peer) pairs done, one failed",
      OPS["REPAIR"], 70, HLC2, raw, meaning)
raw, meaning = repair_body(0, 0, {k: 0 for k in REPAIR_U64}, b"")
frame("repair_response_never_ran", "response",
      "REPAIR status from a node that never ran a repair: everything 0, empty last_error",
      OPS["REPAIR"], 71, HLC2, raw, meaning)

# ---- malformed: frame stage ----
def frame_error(name, direction, desc, raw, code, fatal=True, header_json=None, limits=None):
    e = {"stage": "frame", "code": code, "fatal": fatal}
    if header_json is not None:
        e["header"] = header_json
    kw = {"error": e}
    if limits: kw["limits"] = limits
    add(name, direction, desc, raw, **kw)

frame_error("bad_magic_http", "request", "an HTTP request sent to the memdb port: rejected after 2 bytes",
            b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", "BAD_FRAME")
frame_error("bad_magic_byte_swapped", "request", "magic written big-endian (44 4d)",
            header(OPS["GET"], 0, 0, 1, 5, 0, magic=0x4D44) + b(b"k"), "BAD_FRAME")
frame_error("unsupported_version", "request", "header version 2",
            header(OPS["GET"], 0, 0, 1, 5, 0, version=2) + b(b"k"), "UNSUPPORTED_VERSION")
frame_error("unsupported_version_zero", "response", "header version 0 on the client side",
            header(OPS["GET"], 1, 0, 1, 1, 0, version=0) + b"\x00", "UNSUPPORTED_VERSION")
frame_error("reserved_flag_bit", "request", "flags bit 2 (reserved) set",
            header(OPS["GET"], 0x0004, 0, 1, 5, 0) + b(b"k"), "BAD_FRAME")
frame_error("reserved_flag_bit_response", "response", "flags bit 2 (reserved) set in a response",
            header(OPS["GET"], 0x0005, 0, 1, 1, 0) + b"\x00", "BAD_FRAME")
frame_error("not_owner_flag_in_request", "request",
            "flags bit 1 (NOT_OWNER) is for responses only: on a request it is a framing error",
            header(OPS["GET"], FLAG_NOT_OWNER, 0, 1, 5, 0) + b(b"k"), "BAD_FRAME")
frame_error("reserved_flag_bit_high", "response", "flags bit 15 (reserved) set in a response",
            header(OPS["GET"], 0x8001, 0, 1, 1, 0) + b"\x00", "BAD_FRAME")
frame_error("response_flag_in_request", "request", "a response frame sent to the server",
            header(OPS["GET"], 1, 0, 1, 1, 0) + b"\x00", "BAD_FRAME")
frame_error("request_frame_to_client", "response", "a request frame (flag clear) received by a client",
            header(OPS["GET"], 0, 0, 1, 5, 0) + b(b"k"), "BAD_FRAME")
frame_error("nonzero_status_in_request", "request", "status 7 in a request",
            header(OPS["GET"], 0, 7, 1, 5, 0) + b(b"k"), "BAD_FRAME")
frame_error("response_status_not_wire_code", "response",
            "status 1000 (local-only codes are >= 1000) in a response",
            header(OPS["GET"], 1, 1000, 1, 4, 0) + b(b""), "BAD_FRAME")
frame_error("oversize_length_stated_limit", "request",
            "body_length 1025 with limits.max_frame_bytes 1024: rejected from the header alone",
            header(OPS["SET"], 0, 0, 1, 1025, 0), "FRAME_TOO_LARGE", limits={"max_frame_bytes": 1024})
frame_error("oversize_length_default_limit", "request",
            "body_length 0xffffffff with the default 16 MiB limit: rejected from the header alone",
            header(OPS["SET"], 0, 0, 1, 0xFFFFFFFF, 0), "FRAME_TOO_LARGE")
frame_error("oversize_length_response", "response",
            "a response over the client's max_frame_bytes", header(OPS["GET"], 1, 0, 1, 17, 0),
            "FRAME_TOO_LARGE", limits={"max_frame_bytes": 16})
frame_error("unknown_opcode_request", "request",
            "opcode 0x2a (reserved): non-fatal UNKNOWN_OPCODE, the whole frame is skipped",
            header(0x2A, 0, 0, 99, 3, HLC) + b"\x01\x02\x03", "UNKNOWN_OPCODE", fatal=False,
            header_json=hdr_json(0x2A, 0, 0, 99, 3, HLC))
frame_error("unknown_opcode_cas_range", "request",
            "opcode 0x30 (reserved for CAS): non-fatal UNKNOWN_OPCODE", header(0x30, 0, 0, 100, 0, HLC),
            "UNKNOWN_OPCODE", fatal=False, header_json=hdr_json(0x30, 0, 0, 100, 0, HLC))
msg = b"unknown opcode 0x2a"
frame_error("unknown_opcode_error_response", "response",
            "the server's UNKNOWN_OPCODE (3) reply echoes opcode 0x2a: a client decoder reports it as a "
            "non-fatal UNKNOWN_OPCODE with the header filled (match it by request_id)",
            header(0x2A, 1, 3, 99, 4 + len(msg), HLC) + b(msg), "UNKNOWN_OPCODE", fatal=False,
            header_json=hdr_json(0x2A, 1, 3, 99, 4 + len(msg), HLC))

# ---- truncated stream ----
full = header(OPS["GET"], 0, 0, 19, 11, HLC) + b(b"user:42")
add("truncated_frame", "request", "a GET whose body has not fully arrived: need more bytes",
    full[:29], need_more={"needed": len(full)})
add("truncated_header", "request", "only 10 header bytes, all valid so far: need more bytes",
    full[:10], need_more={"needed": 24})

# ---- malformed: body stage ----
body_error("truncated_body_get_request", "request", "GET body: key length 10 but only 2 key bytes",
           OPS["GET"], 20, 0, struct.pack("<I", 10) + b"ab", "BAD_REQUEST")
body_error("truncated_body_set_request", "request", "SET body with the value missing",
           OPS["SET"], 21, 0, b(b"k"), "BAD_REQUEST")
body_error("trailing_bytes_get_request", "request", "GET body with 2 bytes after the key",
           OPS["GET"], 22, 0, b(b"k") + b"\x00\x00", "BAD_REQUEST")
body_error("trailing_bytes_get_response_not_found", "response", "GET not found followed by junk",
           OPS["GET"], 23, 0, b"\x00\x01", "BAD_REQUEST")
body_error("trailing_bytes_auth_ok_response", "response", "AUTH success response with a non-empty body",
           OPS["AUTH"], 24, 0, b"\x00", "BAD_REQUEST")
body_error("bad_bool_get_response", "response", "GET response with found = 2",
           OPS["GET"], 25, 0, b"\x02", "BAD_REQUEST")
body_error("stats_response_count_exceeds_body", "response",
           "STATS response claiming 1000 entries in a 4-byte body: rejected before reserving",
           OPS["STATS"], 31, 0, struct.pack("<I", 1000), "BAD_REQUEST")
body_error("stats_request_with_body", "request", "STATS request must have an empty body",
           OPS["STATS"], 32, 0, b"\x00", "BAD_REQUEST")
body_error("compact_request_with_body", "request", "COMPACT request must have an empty body",
           OPS["COMPACT"], 35, 0, b"\x00", "BAD_REQUEST")
body_error("compact_response_unknown_outcome", "response", "COMPACT response with outcome 4 (0-3 defined)",
           OPS["COMPACT"], 36, 0, b"\x04", "BAD_REQUEST")
body_error("bad_bool_contains_response", "response", "CONTAINS response with present = 0xff",
           OPS["CONTAINS"], 26, 0, b"\xff", "BAD_REQUEST")
body_error("bad_bool_del_response", "response", "DEL response with existed = 0x80",
           OPS["DEL"], 27, 0, b"\x80" + struct.pack("<QI", HLC, 1), "BAD_REQUEST")
body_error("key_too_large", "request", "GET with a 5-byte key, limits.max_key_bytes 4",
           OPS["GET"], 28, 0, b(b"abcde"), "KEY_TOO_LARGE", limits={"max_key_bytes": 4})
body_error("key_too_large_length_only", "request",
           "key length 70000 over the default 64 KiB limit: rejected from the length, body not read",
           OPS["DEL"], 29, 0, struct.pack("<I", 70000), "KEY_TOO_LARGE")
body_error("value_too_large", "request", "SET with a 5-byte value, limits.max_value_bytes 4",
           OPS["SET"], 30, 0, b(b"k") + b(b"vwxyz"), "VALUE_TOO_LARGE", limits={"max_value_bytes": 4})
body_error("ping_payload_too_large", "request", "PING payload over limits.max_value_bytes",
           OPS["PING"], 31, 0, b(b"12345"), "VALUE_TOO_LARGE", limits={"max_value_bytes": 4})
body_error("hello_client_name_too_long", "request", "client_name of 257 bytes (limit 256)",
           OPS["HELLO"], 32, 0, struct.pack("<H", 1) + b(b"n" * 257), "BAD_REQUEST")
body_error("auth_short_mac", "request", "AUTH with a 31-byte mac",
           OPS["AUTH"], 33, 0, b(key_id) + mac[:31], "BAD_REQUEST")
body_error("challenge_short_nonce", "response", "CHALLENGE with a 16-byte nonce",
           OPS["HELLO"], 34, 0, struct.pack("<H", 1) + b(b"memdb") + nonce[:16], "BAD_REQUEST")
body_error("error_response_message_too_long", "response", "error message of 1025 bytes (limit 1024)",
           OPS["GET"], 35, 0, b(b"e" * 1025), "BAD_REQUEST", status=15)

# _CL and REPAIR bodies that must be refused (BAD_REQUEST)
body_error("get_cl_request_short_prefix", "request",
           "GET_CL body of 3 bytes: shorter than the 5-byte consistency prefix",
           OPS["GET_CL"], 66, 0, b"\x02\xc8\x00", "BAD_REQUEST")
body_error("get_cl_request_level_7", "request", "GET_CL with consistency level 7 (0-3 defined)",
           OPS["GET_CL"], 67, 0, struct.pack("<BI", 7, 200) + b(b"k"), "BAD_REQUEST")
body_error("set_cl_request_value_missing", "request",
           "SET_CL whose plain body (after a valid prefix) lacks the value",
           OPS["SET_CL"], 68, 0, cl("one", 0) + b(b"k"), "BAD_REQUEST")
body_error("repair_request_bad_action", "request", "REPAIR action 3 (1 start, 2 status defined)",
           OPS["REPAIR"], 72, 0, b"\x03", "BAD_REQUEST")
body_error("repair_request_empty", "request", "REPAIR with an empty body (the action is missing)",
           OPS["REPAIR"], 73, 0, b"", "BAD_REQUEST")
body_error("repair_response_truncated", "response", "REPAIR response cut inside elapsed_ms",
           OPS["REPAIR"], 74, 0, repair_body(1, 0, {k: 1 for k in REPAIR_U64}, b"")[0][:70],
           "BAD_REQUEST")

# CLUSTER_INFO bodies that must be refused (BAD_REQUEST)
node_ok = ci_node(3, b"h:1", "normal", True, 0, 1, 1, 1, [5])
ci_ok = ci_body(b"c", 3, 1, [node_ok])[0]
status_at = 1 + 4 + 1 + 4 + 8 + 4 + 4 + 4 + 3   # offset of the node's status byte
body_error("cluster_info_request_with_body", "request", "CLUSTER_INFO request must have an empty body",
           OPS["CLUSTER_INFO"], 47, 0, b"\x00", "BAD_REQUEST")
body_error("cluster_info_response_bad_format", "response", "CLUSTER_INFO format byte 2 (only 1 defined)",
           OPS["CLUSTER_INFO"], 48, 0, b"\x02" + ci_ok[1:], "BAD_REQUEST")
body_error("cluster_info_response_bad_status", "response", "node status 0 (1-5 defined)",
           OPS["CLUSTER_INFO"], 49, 0, ci_ok[:status_at] + b"\x00" + ci_ok[status_at + 1:], "BAD_REQUEST")
body_error("cluster_info_response_status_6", "response", "node status 6 (1-5 defined)",
           OPS["CLUSTER_INFO"], 50, 0, ci_ok[:status_at] + b"\x06" + ci_ok[status_at + 1:], "BAD_REQUEST")
body_error("cluster_info_response_bad_up", "response", "node up byte 2 (a bool must be 0 or 1)",
           OPS["CLUSTER_INFO"], 51, 0, ci_ok[:status_at + 1] + b"\x02" + ci_ok[status_at + 2:],
           "BAD_REQUEST")
body_error("cluster_info_response_node_count_exceeds_body", "response",
           "node count 4096 in a body holding none: rejected before reserving",
           OPS["CLUSTER_INFO"], 52, 0, ci_body(b"c", 3, 1, [])[0][:-4] + struct.pack("<I", 4096),
           "BAD_REQUEST")
body_error("cluster_info_response_token_count_exceeds_body", "response",
           "token count 0xffffffff with one token present", OPS["CLUSTER_INFO"], 53, 0,
           ci_ok[:-12] + struct.pack("<I", 0xFFFFFFFF) + ci_ok[-8:], "BAD_REQUEST")
body_error("cluster_info_response_truncated", "response", "CLUSTER_INFO body cut inside the last token",
           OPS["CLUSTER_INFO"], 54, 0, ci_ok[:-1], "BAD_REQUEST")
body_error("cluster_info_response_trailing_bytes", "response", "CLUSTER_INFO body with a byte after it",
           OPS["CLUSTER_INFO"], 55, 0, ci_ok + b"\x00", "BAD_REQUEST")

out = {
    "format": "memdb protocol v1 test vectors",
    "schema": "docs/protocol.md, section 'Test vectors'",
    "default_limits": DEFAULT_LIMITS,
    "hmac_examples": [{
        "description": "AUTH mac for auth_request: HMAC-SHA256(key=secret, message=nonce||key_id)",
        "secret": secret.hex(), "nonce": nonce.hex(), "key_id": key_id.hex(), "mac": mac.hex()}],
    "vectors": vectors,
}
names = [v["name"] for v in vectors]
assert len(names) == len(set(names)), "duplicate names"
def dump_vector(v):
    lines = ["    {"]
    items = list(v.items())
    for i, (k, val) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        if isinstance(val, dict) and ("header" in val or "body" in val):
            inner = [f'      "{k}": {{']
            sub = list(val.items())
            for j, (k2, v2) in enumerate(sub):
                c2 = "," if j + 1 < len(sub) else ""
                inner.append(f'        "{k2}": {json.dumps(v2)}{c2}')
            inner.append("      }" + comma)
            lines += inner
        else:
            lines.append(f'      "{k}": {json.dumps(val)}{comma}')
    lines.append("    }")
    return "\n".join(lines)

head = {k: v for k, v in out.items() if k != "vectors"}
text = json.dumps(head, indent=2)[:-2] + ',\n  "vectors": [\n'
text += ",\n".join(dump_vector(v) for v in vectors) + "\n  ]\n}\n"
assert json.loads(text) == out
sys.stdout.write(text)
print(len(vectors), "vectors", file=sys.stderr)
