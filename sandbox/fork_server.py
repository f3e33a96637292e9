# The pre-warmed interpreter that lives in each sandbox container (shipped in the image at
# /opt/linguacodus/fork_server.py; sandbox/image-recipe.ts hashes this file into the image tag).
# It imports the heavy libraries once, then forks a fresh process per attempt, so an attempt pays a
# fork (milliseconds) instead of the imports (about a second). It talks to the host over the
# container's attached stdin/stdout, one JSON object per line (sandbox/protocol.ts); the scripts'
# own output travels through pipes it caps.
#
# argv[1]: JSON {"scriptPath": where the attempt's script is written, "preload": [module names]}.
import base64, codecs, io, json, os, select, shutil, signal, stat, sys, time

CONFIG = json.loads(sys.argv[1])
SCRIPT_PATH = CONFIG["scriptPath"]
WORK = "/workspace"
SCRATCH_DIRS = ["/tmp", "/dev/shm", "/var/tmp"]

ctrl_in = os.fdopen(os.dup(0), "rb")
ctrl_out = os.dup(1)
devnull = os.open("/dev/null", os.O_RDWR)
os.dup2(devnull, 0)
os.dup2(2, 1)  # stray prints from imports must not corrupt the protocol

def send(obj):
    data = (json.dumps(obj) + "\n").encode()
    while data:
        n = os.write(ctrl_out, data)
        data = data[n:]

BASE_ENV = dict(os.environ)
t0 = time.monotonic()
preloaded, failed = [], []
for name in CONFIG["preload"]:
    try:
        __import__(name)
        preloaded.append(name)
    except Exception as e:  # a missing library must not stop the server; the script will see it
        failed.append("%s: %s" % (name, e))
import_ms = (time.monotonic() - t0) * 1000

def oom_kills():
    for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
        try:
            with open(path) as f:
                for line in f:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except OSError:
            pass
    return None

def others():
    me = os.getpid()
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        if pid in (1, me):
            continue
        try:
            with open("/proc/%d/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            pids.append(pid)
    return pids

def kill_others():
    # Whatever the attempt left running (daemons, fork bombs) must not reach the next attempt.
    for _ in range(50):
        pids = others()
        if not pids:
            return True
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)
    return not others()

def wipe(path):
    ok = True
    try:
        entries = os.listdir(path)
    except OSError:
        return True
    for name in entries:
        full = os.path.join(path, name)
        try:
            if os.path.isdir(full) and not os.path.islink(full):
                for root, dirs, _ in os.walk(full):
                    for d in dirs:
                        try:
                            os.chmod(os.path.join(root, d), 0o700)
                        except OSError:
                            pass
                os.chmod(full, 0o700)
                shutil.rmtree(full)
            else:
                os.unlink(full)
        except OSError:
            ok = False
    return ok and not os.listdir(path)

class Capture:
    # Keeps the head and the tail of a stream; the middle of an overlong stream is dropped.
    def __init__(self, limit):
        self.head_limit = limit // 2
        self.tail_limit = limit - self.head_limit
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
    def add(self, data):
        # Returns the bytes that went to the head: the host gets them at once, so a run that
        # times out (and loses this server with its container) still shows its first output.
        self.total += len(data)
        room = self.head_limit - len(self.head)
        live = b""
        if room > 0:
            live = data[:room]
            self.head += live
            data = data[room:]
        if data:
            self.tail += data
            if len(self.tail) > 2 * self.tail_limit:
                del self.tail[: len(self.tail) - self.tail_limit]
        return live
    def result(self):
        if len(self.tail) > self.tail_limit:
            del self.tail[: len(self.tail) - self.tail_limit]
        kept = len(self.head) + len(self.tail)
        return {
            "head": self.head.decode("utf-8", "replace"),
            "tail": self.tail.decode("utf-8", "replace"),
            "totalBytes": self.total,
            "droppedBytes": self.total - kept,
        }

def child(req, out_w, err_w):
    os.setsid()
    os.dup2(devnull, 0)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    for fd in (out_w, err_w, ctrl_out, ctrl_in.fileno()):
        try:
            os.close(fd)
        except OSError:
            pass
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False)), encoding="utf-8")
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(io.BufferedWriter(io.FileIO(2, "w", closefd=False)), encoding="utf-8", errors="backslashreplace", line_buffering=True)
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8")
    os.environ.clear()
    os.environ.update(BASE_ENV)
    os.environ.update(req.get("env") or {})
    os.chdir(WORK)
    sys.argv = [SCRIPT_PATH]
    sys.path[0] = os.path.dirname(SCRIPT_PATH)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()  # a fresh process would not share the server's RNG state
    import types, traceback, threading, atexit
    main = types.ModuleType("__main__")
    main.__file__ = SCRIPT_PATH
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    code = 0
    compiled = None
    try:
        with open(SCRIPT_PATH, "rb") as f:
            source = f.read()
        compiled = compile(source, SCRIPT_PATH, "exec")
        exec(compiled, main.__dict__)
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code & 0xFF
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException as e:
        if compiled is None:
            traceback.print_exception(type(e), e, None)  # a syntax error: plain python prints no frames
        else:
            tb = e.__traceback__
            # Skip this server's exec frame so the traceback reads like plain 'python3 solution.py'.
            traceback.print_exception(type(e), e, tb.tb_next if tb is not None and tb.tb_next is not None else tb)
        code = 1
    try:
        threading._shutdown()
    except BaseException:
        pass
    try:
        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(code)

def run(req):
    limit = int(req.get("maxOutputBytes", 1 << 20))
    collect_limit = int(req.get("maxCollectBytes", 64 << 20))
    os.makedirs(os.path.dirname(SCRIPT_PATH), exist_ok=True)
    with open(SCRIPT_PATH, "w", encoding="utf-8") as f:
        f.write(req["script"])
    oom_before = oom_kills()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            child(req, out_w, err_w)
        finally:
            os._exit(70)
    os.close(out_w)
    os.close(err_w)
    caps = {out_r: Capture(limit), err_r: Capture(limit)}
    names = {out_r: "stdout", err_r: "stderr"}
    decoders = {fd: codecs.getincrementaldecoder("utf-8")("replace") for fd in caps}
    open_fds = [out_r, err_r]
    status = None
    while open_fds:
        ready, _, _ = select.select(open_fds, [], [], 0.05)
        for fd in ready:
            data = os.read(fd, 65536)
            if data:
                live = caps[fd].add(data)
                if live:
                    text = decoders[fd].decode(live)
                    if text:
                        send({"type": "output", "id": req["id"], "stream": names[fd], "data": text})
            else:
                open_fds.remove(fd)
                os.close(fd)
        if status is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
                # Descendants may still hold the pipes open: stop them so the pipes reach EOF.
                kill_others()
    if status is None:
        _, status = os.waitpid(pid, 0)
    duration_ms = (time.monotonic() - started) * 1000
    clean = kill_others()
    oom_after = oom_kills()
    files, skipped, collected = [], [], 0
    for root, dirs, names in os.walk(WORK):
        dirs.sort()
        for name in sorted(names):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, WORK)
            try:
                st = os.lstat(full)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            if collected + st.st_size > collect_limit:
                skipped.append(rel)
                continue
            try:
                with open(full, "rb") as f:
                    first = True
                    while True:
                        chunk = f.read(1 << 20)
                        if not chunk and not first:
                            break
                        send({"type": "file", "id": req["id"], "name": rel, "append": not first, "data": base64.b64encode(chunk).decode()})
                        collected += len(chunk)
                        first = False
                        if not chunk:
                            break
                files.append(rel)
            except OSError:
                skipped.append(rel)
    clean = wipe(WORK) and clean
    for d in SCRATCH_DIRS:
        clean = wipe(d) and clean
    signal_number = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    send({
        "type": "result",
        "id": req["id"],
        "exitCode": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": signal_number,
        "oomKilled": oom_before is not None and oom_after is not None and oom_after > oom_before,
        "durationMs": duration_ms,
        "stdout": caps_result(caps, out_r),
        "stderr": caps_result(caps, err_r),
        "files": files,
        "skippedFiles": skipped,
        "clean": clean,
    })

def caps_result(caps, fd):
    return caps[fd].result()

clean_start = wipe(WORK)
for d in SCRATCH_DIRS:
    wipe(d)
send({"type": "ready", "pid": os.getpid(), "preloaded": preloaded, "failed": failed, "importMs": import_ms, "python": sys.version.split()[0]})

for line in ctrl_in:
    line = line.strip()
    if not line:
        continue
    req = json.loads(line)
    if req.get("type") == "run":
        run(req)
    elif req.get("type") == "ping":
        send({"type": "pong", "id": req.get("id")})
