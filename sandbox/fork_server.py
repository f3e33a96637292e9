# The fork server that lives in each sandbox container (shipped in the image at
# /opt/linguacodus/fork_server.py; sandbox/image-recipe.ts hashes this file into the image tag).
#
# Three security domains, so a generated script cannot fake a result or outlive its attempt:
#   supervisor  uid 0, keeps only CAP_KILL. Owns the host channel (the container's stdin/stdout, one
#               JSON object per line, sandbox/protocol.ts) and the per-attempt nonce. Not dumpable.
#   zygote      uid 0, keeps only CAP_SETUID/CAP_SETGID/CAP_SETPCAP. Imports the heavy libraries once and
#               forks each attempt (so an attempt pays a fork, not a second of imports). It never holds the
#               host channel or a nonce, so a forked attempt has neither in its memory. Not dumpable.
#   attempt     the sandbox user (uid 1000), no capabilities, empty bounding set, no inherited fds but its
#               own stdio pipes, and a seccomp filter refusing ptrace / process_vm_* / pidfd_getfd. A different
#               uid cannot signal, ptrace or open /proc/<pid>/{fd,mem} of the two above.
# Nothing an attempt starts outlives it: when its main process ends, a helper in the sandbox user's domain sends
# kill(-1, SIGKILL) (every process of that user at once, whatever its state), then collects the workspace files
# and removes every trace (files, SysV IPC, POSIX queues). The supervisor then reads every task of every process
# (/proc/*/task/*: a zombie leader's live threads count); anything alive, or any trace left, and it reports
# `clean: false`, so the host throws the container away and no later attempt ever shares it with a survivor.
#
# argv[1]: JSON {"scriptPath", "preload": [module names], "uid", "gid"}.
import base64, codecs, ctypes, gc, io, json, os, select, shutil, signal, socket, stat, subprocess, sys, time

WORK = "/workspace"
SCRATCH_DIRS = ["/tmp", "/dev/shm", "/var/tmp"]
MQUEUE_DIR = "/dev/mqueue"
SYSVIPC = {"shm": 0, "msg": 1, "sem": 2}  # /proc/sysvipc/<kind>: (key, id, ...) per line
SERVER_SCRATCH = "/run/linguacodus"  # root-only tmpfs: the zygote's own caches (matplotlib)
CHUNK = 1 << 20
WARM_UP_WAIT_S = 20

CAP_KILL, CAP_SETGID, CAP_SETUID, CAP_SETPCAP = 5, 6, 7, 8
PR_SET_DUMPABLE, PR_CAPBSET_DROP = 4, 24
IPC_RMID = 0

libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def keep_only_caps(caps):
    """Reduces this process's effective and permitted capabilities to `caps` (it can never regain others)."""
    mask = 0
    for cap in caps:
        mask |= 1 << cap
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    data[0].effective = data[0].permitted = mask
    if libc.capset(ctypes.byref(header), data) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "capset: " + os.strerror(err))


def prctl(option, arg):
    if libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "prctl(%d): %s" % (option, os.strerror(err)))


def become_sandbox_user(uid, gid, dumpable):
    """Irreversibly becomes the unprivileged sandbox user: no capabilities, none obtainable."""
    for cap in range(64):
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError:
            pass  # EINVAL past the kernel's last capability
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        os._exit(71)
    if dumpable:
        # A fresh process of this user is dumpable; the setuid made it not (its /proc files would be root's).
        prctl(PR_SET_DUMPABLE, 1)


# Syscalls no attempt needs and a survivor would use on another process of the same user: tracing and reading or
# writing its memory or file descriptors. Refused with EPERM by a seccomp filter every attempt process inherits
# (across fork and exec). Numbers per architecture: (AUDIT_ARCH, [ptrace, process_vm_readv, process_vm_writev,
# pidfd_getfd]).
DENIED_SYSCALLS = {"x86_64": (0xC000003E, [101, 310, 311, 438]), "aarch64": (0xC00000B7, [117, 270, 271, 438])}
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def deny_tracing():
    machine = os.uname().machine
    if machine not in DENIED_SYSCALLS:
        # Refused rather than run without the filter: add the machine's numbers to DENIED_SYSCALLS.
        raise OSError("linguacodus sandbox: no seccomp syscall table for %s; attempts cannot run here" % machine)
    arch, numbers = DENIED_SYSCALLS[machine]
    ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_JMP|BPF_JGE|BPF_K, BPF_RET|BPF_K
    allow, eperm = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    n = len(numbers)
    prog = [(ld_abs, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, eperm), (ld_abs, 0, 0, 0)]  # (seccomp_data.arch, .nr)
    prog += [(jeq, n - i, 0, nr) for i, nr in enumerate(numbers)]  # each jumps to the EPERM below
    prog += [(jge, 0, 1, 0x40000000), (ret, 0, 0, eperm), (ret, 0, 0, allow)]  # x32 numbers and other ABIs: EPERM
    filters = (_SockFilter * len(prog))(*[_SockFilter(*ins) for ins in prog])
    fprog = _SockFprog(len(prog), filters)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "seccomp: " + os.strerror(err))


# ---- messages between supervisor and zygote: JSON over a SOCK_SEQPACKET pair, fds by SCM_RIGHTS ----

def send_msg(sock, obj, fds=()):
    data = json.dumps(obj).encode()
    # Large scripts go in chunks: one seqpacket message must fit the socket buffer.
    chunks = [data[i:i + 65536] for i in range(0, len(data), 65536)] or [b""]
    socket.send_fds(sock, [json.dumps({"parts": len(chunks)}).encode()], list(fds))
    for chunk in chunks:
        sock.send(chunk)


def recv_msg(sock):
    head, fds, _, _ = socket.recv_fds(sock, 4096, 8)
    if not head:
        return None, []
    parts = json.loads(head)["parts"]
    data = b"".join(sock.recv(65536) for _ in range(parts))
    return json.loads(data), fds


# ---- output capture ----

class Capture:
    """Keeps the head and the tail of a stream; the middle of an overlong stream is dropped."""

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


# ---- process and leftover inspection (supervisor) ----

def live_tasks(keep):
    """{tgid: [tid, ...]} of every task that is not dead, outside `keep` and init. Reads every thread, not only the
    process entries: a thread-group leader that ended with the raw exit syscall is a zombie while its other
    threads run on, so a zombie pid may still hold a live process."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == 1 or int(entry) in keep:
            continue
        try:
            tids = os.listdir("/proc/%s/task" % entry)
        except OSError:
            continue
        for tid in tids:
            try:
                with open("/proc/%s/task/%s/stat" % (entry, tid)) as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state not in ("Z", "X"):
                found.setdefault(int(entry), []).append(int(tid))
    return found


def kill_others(keep, rounds=100):
    """Kills (as root, by pid) whatever outside `keep` is alive; True when nothing is left. A fallback and the
    final check: an attempt's own processes are ended all at once by the helper's kill(-1) (end_sandbox_user_processes)."""
    for _ in range(rounds):
        alive = live_tasks(keep)
        if not alive:
            return True
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)  # to the thread group: also reaches the live threads of a zombie leader
            except OSError:
                pass
        time.sleep(0.02)
    return not live_tasks(keep)


def ipc_ids(kind):
    try:
        with open("/proc/sysvipc/" + kind) as f:
            lines = f.read().splitlines()[1:]
    except OSError:
        return []
    return [int(line.split()[1]) for line in lines if line.strip()]


def leftovers():
    """What an attempt left that must not reach the next one (empty when the container is clean)."""
    found = []
    for kind in SYSVIPC:
        found += ["SysV %s %d" % (kind, i) for i in ipc_ids(kind)]
    for d in [WORK, MQUEUE_DIR] + SCRATCH_DIRS:
        try:
            found += [os.path.join(d, name) for name in os.listdir(d)]
        except OSError:
            pass
    return found


# ---- the sandbox-user helper that collects and cleans after an attempt ----

MAX_DEPTH = 100


def walk(top, skip=None, max_depth=MAX_DEPTH):
    """os.walk (top-down, sorted folders, links not followed) without recursion: Python 3.11's recurses, so a
    1,200-deep tree raised RecursionError and the whole collection, submission.csv included, was lost. Folders
    deeper than max_depth are not searched; skip(rel, reason) hears of them."""
    stack = [(top, 0)]
    while stack:
        root, depth = stack.pop()
        try:
            with os.scandir(root) as it:
                entries = list(it)
        except OSError as e:
            if skip:
                skip(os.path.relpath(root, top), "unreadable folder (%s)" % e.strerror)
            continue
        dirs, names = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (dirs if is_dir else names).append(entry.name)
        dirs.sort()
        yield root, dirs, names
        deeper = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        if depth >= max_depth:
            for d in deeper:
                if skip:
                    skip(os.path.relpath(os.path.join(root, d), top), "a folder nested more than %d levels deep (not searched)" % max_depth)
            continue
        for d in reversed(deeper):
            stack.append((os.path.join(root, d), depth + 1))


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
                for root, dirs, _ in walk(full, max_depth=1 << 30):
                    for d in dirs:
                        try:
                            os.chmod(os.path.join(root, d), 0o700)
                        except OSError:
                            pass
                os.chmod(full, 0o700)
                try:
                    shutil.rmtree(full)
                except RecursionError:
                    # shutil recurses too: rm walks any depth
                    subprocess.run(["rm", "-rf", "--", full], check=False)
                    ok = not os.path.lexists(full)
            else:
                os.unlink(full)
        except OSError:
            ok = False
    return ok


def remove_ipc():
    shmctl, msgctl, semctl = libc.shmctl, libc.msgctl, libc.semctl
    for ident in ipc_ids("shm"):
        shmctl(ident, IPC_RMID, None)
    for ident in ipc_ids("msg"):
        msgctl(ident, IPC_RMID, None)
    for ident in ipc_ids("sem"):
        semctl(ident, 0, IPC_RMID)


def human(n):
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return ("%d %s" % (n, unit)) if unit == "bytes" else ("%.1f %s" % (n, unit))
        n /= 1024.0


def collect(out, max_bytes, max_files):
    """Streams the workspace's regular files to `out` (JSON lines); names what it skips and why."""
    def emit(obj):
        out.write((json.dumps(obj) + "\n").encode())

    collected = files = 0
    over_count = 0
    for root, dirs, names in walk(WORK, lambda rel, reason: emit({"skip": rel, "reason": reason})):
        dirs.sort()
        for d in list(dirs):
            full = os.path.join(root, d)
            if os.path.islink(full):
                emit({"skip": os.path.relpath(full, WORK), "reason": "a symbolic link (links are not followed)"})
        for name in sorted(names):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, WORK)
            try:
                st = os.lstat(full)
            except OSError as e:
                emit({"skip": rel, "reason": "unreadable (%s)" % e.strerror})
                continue
            if stat.S_ISLNK(st.st_mode):
                emit({"skip": rel, "reason": "a symbolic link (links are not followed)"})
                continue
            if not stat.S_ISREG(st.st_mode):
                emit({"skip": rel, "reason": "not a regular file"})
                continue
            if files >= max_files:
                over_count += 1
                continue
            if collected + st.st_size > max_bytes:
                emit({"skip": rel, "reason": "%s, over the %s collection limit (%s were already taken)" % (human(st.st_size), human(max_bytes), human(collected))})
                continue
            try:
                fd = os.open(full, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                with os.fdopen(fd, "rb") as f:
                    first = True
                    while True:
                        chunk = f.read(CHUNK)
                        if not chunk and not first:
                            break
                        emit({"file": rel, "append": not first, "data": base64.b64encode(chunk).decode()})
                        collected += len(chunk)
                        first = False
                        if not chunk:
                            break
                files += 1
            except OSError as e:
                emit({"skip": rel, "reason": "unreadable (%s)" % e.strerror})
    if over_count:
        emit({"skip": "", "reason": "%d more files not collected: at most %d files are taken from the workspace" % (over_count, max_files), "count": over_count})


def end_sandbox_user_processes():
    """kill(-1) as the sandbox user: SIGKILL to every process of that user but this one. The kernel signals them all
    in one pass under the task-list lock, so none is missed whatever its state (stopped, traced, a vfork parent, a
    zombie leader's live threads, another session) and none forks past it (a fork whose parent has a fatal signal
    pending fails)."""
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass  # nothing else of the sandbox user runs


def helper(fds, request_fd):
    """Forked ahead of time by the light zygote and waiting as root (out of the sandbox user's reach) for its request;
    then it becomes the sandbox user and ends everything of that user, collects, and cleans. It stays non-dumpable,
    so nothing of the sandbox user can trace it or read its memory."""
    out_fd = fds[0]
    close_all_but({0, 1, 2, out_fd, request_fd})
    data = read_all(request_fd)
    os.close(request_fd)
    if not data:
        os._exit(0)  # the zygote went away or dropped this process
    req = json.loads(data)
    out = os.fdopen(out_fd, "wb")
    become_sandbox_user(CONFIG["uid"], CONFIG["gid"], dumpable=False)
    end_sandbox_user_processes()
    os.chdir("/")
    if req.get("collect"):
        collect(out, int(req["maxCollectBytes"]), int(req["maxCollectFiles"]))
    out.flush()
    out.close()
    ok = True
    for d in [WORK] + SCRATCH_DIRS + [MQUEUE_DIR]:
        ok = wipe(d) and ok
    remove_ipc()
    os._exit(0 if ok else 1)


# ---- the attempt ----

THREAD_VARS = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "NUMEXPR_MAX_THREADS"]


def host_busy():
    """Cores other tasks keep busy (/proc is the host's): the larger of the runnable tasks right now (the median of
    three reads, this one excluded) and the 1-minute load average, so a lull between other tenants' bursts does not
    hand out threads that will have to wait for them."""
    samples = []
    for _ in range(3):
        try:
            with open("/proc/stat") as f:
                for line in f:
                    if line.startswith("procs_running "):
                        samples.append(int(line.split()[1]) - 1)
                        break
        except (OSError, ValueError):
            return 0
    samples.sort()
    now = samples[len(samples) // 2] if samples else 0
    try:
        with open("/proc/loadavg") as f:
            recent = int(float(f.read().split()[0]) + 0.5)
    except (OSError, ValueError, IndexError):
        recent = 0
    return max(now, recent)


THREADPOOLS = None  # threadpoolctl's handles on the loaded OpenMP/BLAS libraries, found once in the zygote


def find_threadpools():
    global THREADPOOLS
    try:
        from threadpoolctl import ThreadpoolController
        THREADPOOLS = ThreadpoolController()
    except Exception:
        THREADPOOLS = None


def limit_threads():
    """Threads for this attempt: the container's share (LINGUACODUS_CPUS), fewer when other tasks keep the host's
    cores busy right now; applied to the libraries already loaded and, through the environment, to subprocesses."""
    try:
        share = int(os.environ.get("LINGUACODUS_CPUS", "0"))
    except ValueError:
        return None
    if share <= 0:
        return None
    free = (os.cpu_count() or share) - host_busy()
    n = max(1, min(share, free))
    for name in THREAD_VARS:
        os.environ[name] = str(n)
    os.environ["LINGUACODUS_CPUS"] = str(n)
    if THREADPOOLS is None:
        return None
    try:
        return THREADPOOLS.limit(limits=n)
    except Exception:
        return None


def close_all_but(keep):
    low = 0
    for fd in sorted(keep) + [65536]:
        if fd > low:
            os.closerange(low, fd)
        low = fd + 1


def read_all(fd):
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def warm_up():
    """Runs a small tabular workload of the kind generated solutions run (a pandas frame, a split, scaling, a linear
    model and a forest, metrics; ~25 ms) in the prepared attempt process, before its request: the pages of the
    zygote's heap such work writes are copied, and the allocator's arenas grown, here, off the attempt's path, not in
    the script's first run (measured: ~2,700 copy-on-write and fresh-page faults, 10-15 ms, in the first run of a
    pandas + scikit-learn script in a fresh fork; ~400 after this). It runs as the sandbox user with stdio on
    /dev/null, after the seccomp filter, imports nothing the zygote did not, and leaves no warning registered
    (catch_warnings resets the registries on exit): the script can tell it ran only by its speed. Skipped when the
    zygote did not preload pandas and scikit-learn; a failure only skips the rest."""
    needed = ("numpy", "pandas", "sklearn.ensemble", "sklearn.linear_model", "sklearn.metrics", "sklearn.model_selection", "sklearn.pipeline", "sklearn.preprocessing")
    if not all(name in sys.modules for name in needed):
        return
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            np, pd = sys.modules["numpy"], sys.modules["pandas"]
            ensemble, linear, metrics = sys.modules["sklearn.ensemble"], sys.modules["sklearn.linear_model"], sys.modules["sklearn.metrics"]
            selection, pipeline, preprocessing = sys.modules["sklearn.model_selection"], sys.modules["sklearn.pipeline"], sys.modules["sklearn.preprocessing"]
            rng = np.random.default_rng(1)
            df = pd.DataFrame(rng.normal(size=(100, 4)), columns=["f0", "f1", "f2", "f3"])
            df["cat"] = np.where(df["f0"] > 0, "a", "b")
            df["target"] = (df["f1"] - df["f2"] > 0).astype(int)
            df.describe()
            X = pd.get_dummies(df.drop(columns=["target"]), columns=["cat"])
            y = df["target"]
            X_train, X_valid, y_train, y_valid = selection.train_test_split(X, y, test_size=0.25, random_state=0)
            ridge = pipeline.make_pipeline(preprocessing.StandardScaler(), linear.Ridge()).fit(X_train, y_train)
            metrics.roc_auc_score(y_valid, ridge.predict(X_valid))
            forest = ensemble.RandomForestClassifier(n_estimators=2, n_jobs=1, random_state=0).fit(X_train, y_train)
            metrics.accuracy_score(y_valid, forest.predict(X_valid))
    except Exception:
        pass
    gc.collect()


def child(fds, request_fd):
    """The next attempt's process, forked and made the sandbox user ahead of time (off the attempt's path); it waits
    for its request on `request_fd`. It runs the script, then reports the exit code on its status fd before the
    process is torn down, so the attempt's result need not wait for the kernel to unmap a zygote-sized process."""
    out_w, err_w, status_w, warmed_w = fds
    os.setsid()
    devnull = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)  # stdout and stderr become the attempt's pipes only after the warm-up
    # The zygote's channel, everything else: the attempt inherits only its stdio and its status fd.
    close_all_but({0, 1, 2, out_w, err_w, status_w, warmed_w, request_fd})
    become_sandbox_user(CONFIG["uid"], CONFIG["gid"], dumpable=True)
    deny_tracing()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    warm_up()
    os.close(warmed_w)  # the supervisor's settle waits for this
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    os.close(out_w)
    os.close(err_w)
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False)), encoding="utf-8")
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(io.BufferedWriter(io.FileIO(2, "w", closefd=False)), encoding="utf-8", errors="backslashreplace", line_buffering=True)
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8")
    data = read_all(request_fd)
    os.close(request_fd)
    if not data:
        os._exit(0)  # the zygote went away or dropped this process: no attempt
    req = json.loads(data)
    os.environ.clear()
    os.environ.update(BASE_ENV)
    os.environ.update(req.get("env") or {})
    limits = limit_threads()  # noqa: F841 (kept for the attempt's lifetime)
    os.chdir(WORK)
    script_path = CONFIG["scriptPath"]
    os.makedirs(os.path.dirname(script_path), exist_ok=True)
    with open(script_path, "w", encoding="utf-8") as f:
        f.write(req["script"])
    sys.argv = [script_path]
    sys.path[0] = os.path.dirname(script_path)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()  # a fresh process would not share the zygote's RNG state
    import types, traceback, threading, atexit
    main = types.ModuleType("__main__")
    main.__file__ = script_path
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    del req  # the request held nothing secret, but the script needs none of it
    attempt_pid = os.getpid()  # a process the script forks may run on to the end of this function too
    code = 0
    compiled = None
    try:
        with open(script_path, "rb") as f:
            source = f.read()
        compiled = compile(source, script_path, "exec")
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
    if os.getpid() != attempt_pid:
        os._exit(code)  # a forked copy of the attempt ends as under plain python; only the attempt reports
    # Done: stdio closed (the supervisor's pipes reach EOF now, not after the teardown), then the exit code. What the
    # script left running is ended by the helper's kill(-1) when the supervisor reads this; a script that writes here
    # itself only ends its own attempt early.
    for fd in (1, 2):
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        os.write(status_w, b"%d\n" % code)
    except OSError:
        pass
    os._exit(code)


def write_all(fd, data):
    try:
        while data:
            data = data[os.write(fd, data):]
    except OSError:
        pass  # the prepared process died (its wait status says how)
    os.close(fd)


def zygote(sock, preload, role):
    keep_only_caps([CAP_SETUID, CAP_SETGID, CAP_SETPCAP])
    prctl(PR_SET_DUMPABLE, 0)
    # The zygote is root: what its imports write (matplotlib's cache) must not land where attempts write.
    try:
        os.makedirs(SERVER_SCRATCH + "/matplotlib", exist_ok=True)
        os.environ["MPLCONFIGDIR"] = SERVER_SCRATCH + "/matplotlib"
    except OSError:
        pass
    t0 = time.monotonic()
    preloaded, failed = [], []
    for name in preload:
        try:
            __import__(name)
            preloaded.append(name)
        except Exception as e:  # a missing library must not stop the server; the script will see it
            failed.append("%s: %s" % (name, e))
    if preload:
        find_threadpools()
    # The imported objects move to the collector's permanent generation: a full collection in an attempt then does
    # not walk (and copy, page by page) the zygote's whole heap.
    gc.collect()
    gc.freeze()
    send_msg(sock, {"preloaded": preloaded, "failed": failed, "importMs": (time.monotonic() - t0) * 1000})
    # Each "prepare" forks the next process (an attempt or a helper), which waits for its request on the last fd;
    # the supervisor writes that request itself, so this process is on no attempt's path: it only forks and reaps.
    while True:
        req, fds = recv_msg(sock)
        if req is None:
            os._exit(0)  # the supervisor is gone
        pid = os.fork()
        if pid == 0:
            try:
                role(fds[:-1], fds[-1])
            finally:
                os._exit(70)
        for fd in fds:
            os.close(fd)
        send_msg(sock, {"prepared": pid})
        _, status = os.waitpid(pid, 0)
        send_msg(sock, {"exited": status})


# ---- the supervisor ----

class Supervisor:
    def __init__(self):
        self.ctrl_in = os.dup(0)
        self.ctrl_out = os.dup(1)
        devnull = os.open("/dev/null", os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # stray prints must not reach the host channel
        os.close(devnull)
        self.pending = b""
        self.eof = False

    def send(self, obj):
        data = (json.dumps(obj) + "\n").encode()
        while data:
            n = os.write(self.ctrl_out, data)
            data = data[n:]

    def read_ctrl(self):
        data = os.read(self.ctrl_in, 1 << 16)
        if not data:
            self.eof = True
        self.pending += data

    def next_request(self):
        while b"\n" not in self.pending:
            if self.eof:
                return None
            self.read_ctrl()
        line, self.pending = self.pending.split(b"\n", 1)
        return json.loads(line) if line.strip() else {}

    def host_gone(self):
        # The owner's attach stream closed (the owner died or closed the sandbox): nothing may outlive it.
        kill_others({os.getpid()})
        os._exit(0)

    def fork_zygote(self, preload, role):
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            os.close(self.ctrl_in)
            os.close(self.ctrl_out)
            mine.close()
            for other in getattr(self, "socks", {}).values():
                other.close()
            try:
                zygote(theirs, preload, role)
            finally:
                os._exit(70)
        theirs.close()
        return pid, mine

    def start(self):
        os.chdir("/")
        prctl(PR_SET_DUMPABLE, 0)
        # Two zygotes, both forked while this process is small: the heavy one (the imports) starts attempts,
        # the light one starts the collect-and-clean helper, whose fork then costs a millisecond, not a copy
        # of the heavy one's page tables.
        self.socks = {}
        self.cleaner, self.socks["cleaner"] = self.fork_zygote([], helper)
        self.zygote, self.socks["zygote"] = self.fork_zygote(CONFIG["preload"], child)
        keep_only_caps([CAP_KILL])
        recv_msg(self.socks["cleaner"])
        ready, _ = recv_msg(self.socks["zygote"])
        if ready is None:
            sys.exit("the sandbox zygote died during its imports")
        [self.helper_pipe], self.helper_request = self.prepare("cleaner", 1)
        self.helper_start({"type": "clean", "collect": False}, lambda msg: None)
        left = self.settle({os.getpid(), self.zygote, self.cleaner})
        if left:
            sys.exit("the sandbox container is not clean at start: %s" % "; ".join(left[:5]))
        ready.update({"type": "ready", "pid": os.getpid(), "python": sys.version.split()[0]})
        self.send(ready)

    def zygote_msg(self, which="zygote"):
        msg, _ = recv_msg(self.socks[which])
        if msg is None:
            sys.exit("the sandbox %s died" % which)
        return msg

    def helper_start(self, req, on_line):
        """Starts the prepared collect-and-clean helper and returns once it has reported (`on_line` gets each line):
        it has ended every process of the sandbox user and collected the workspace; it goes on wiping (helper_end)."""
        write_all(self.helper_request, json.dumps(req).encode())
        with os.fdopen(self.helper_pipe, "rb") as f:
            self.helper_pipe = None
            for line in f:
                on_line(json.loads(line))

    def helper_end(self):
        """True when the helper wiped everything."""
        status = self.zygote_msg("cleaner")["exited"]
        return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0

    def prepare(self, which, pipes):
        """Has a zygote fork its next process now, between attempts, with the write ends of `pipes` new pipes and the
        read end of its request pipe; returns the read ends and the request's write end."""
        ends = [os.pipe() for _ in range(pipes)]
        request_r, request_w = os.pipe()
        send_msg(self.socks[which], {"type": "prepare"}, [w for _, w in ends] + [request_r])
        for fd in [w for _, w in ends] + [request_r]:
            os.close(fd)
        self.zygote_msg(which)  # prepared
        return [r for r, _ in ends], request_w

    def settle(self, keep):
        """After an attempt's result: ends the helper's wipe, checks that nothing of the attempt is alive or left,
        and, when so, prepares the next attempt's process. Returns what was left (empty when clean)."""
        wiped = self.helper_end()
        # Everything the helper's kill reached is dying; anything still alive after that (bounded wait, killed from
        # here too) escaped it, and the container is not used again.
        left = [] if kill_others(keep) else ["process %d (threads %s) outlived the attempt" % (pid, ",".join(map(str, tids))) for pid, tids in live_tasks(keep).items()]
        left += leftovers()
        if not wiped and not left:
            left = ["the workspace or scratch folders could not be wiped"]
        if not left:
            # The next attempt's process (its stdout, stderr, the status fd on which it reports its exit code, and the fd
            # it closes once warmed up) and the helper that will end it, both forked now rather than on the next attempt's path.
            [self.helper_pipe], self.helper_request = self.prepare("cleaner", 1)
            pipes, self.attempt_request = self.prepare("zygote", 4)
            self.next_pipes, warmed_r = pipes[:3], pipes[3]
            # Settled once that process has warmed up (warm_up closes its end), so the next attempt does not wait for
            # it; bounded, since the host bounds the whole clean-up: past it the attempt only meets it still warming.
            select.select([warmed_r], [], [], WARM_UP_WAIT_S)
            os.close(warmed_r)
        return left

    def run(self, req):
        nonce = req["id"]  # the attempt's nonce: only this process ever holds it
        limit = int(req.get("maxOutputBytes", 1 << 20))
        keep = {os.getpid(), self.zygote, self.cleaner}
        oom_before = oom_kills()
        out_r, err_r, status_r = self.next_pipes
        self.next_pipes = None
        started = time.monotonic()
        write_all(self.attempt_request, json.dumps({"script": req["script"], "env": req.get("env") or {}}).encode())
        files, skipped = [], []

        def on_line(msg):
            if "file" in msg:
                if not msg["append"]:
                    files.append(msg["file"])
                self.send({"type": "file", "id": nonce, "name": msg["file"], "append": msg["append"], "data": msg["data"]})
            elif "skip" in msg:
                skipped.append({"name": msg["skip"], "reason": msg["reason"]})

        collect = {"type": "clean", "collect": True, "maxCollectBytes": int(req.get("maxCollectBytes", 64 << 20)), "maxCollectFiles": int(req.get("maxCollectFiles", 1000))}
        caps = {out_r: Capture(limit), err_r: Capture(limit)}
        names = {out_r: "stdout", err_r: "stderr"}
        decoders = {fd: codecs.getincrementaldecoder("utf-8")("replace") for fd in caps}
        open_fds = [out_r, err_r]
        status = None  # the attempt's wait status (from the zygote)
        reported = None  # the exit code the attempt reported on its status fd
        ended = False
        while open_fds or not ended:
            zsock = self.socks["zygote"].fileno()
            watch = open_fds + ([] if status is not None else [zsock]) + ([status_r] if status_r is not None else []) + ([] if self.eof else [self.ctrl_in])
            ready, _, _ = select.select(watch, [], [], 0.5)
            if self.ctrl_in in ready:
                self.read_ctrl()
                if self.eof:
                    self.host_gone()
            if zsock in ready and status is None:
                status = self.zygote_msg()["exited"]
            if status_r is not None and status_r in ready:
                reported = exit_code_report(os.read(status_r, 64))
                os.close(status_r)
                status_r = None
            if not ended and (status is not None or reported is not None):
                ended = True
                duration_ms = (time.monotonic() - started) * 1000
                # One helper ends everything the attempt started (so the pipes reach EOF, whoever held them), then
                # collects; what is left in the pipes is read after it. It wipes after the result is sent.
                self.helper_start(collect, on_line)
            elif not ready and ended:
                kill_others(keep)  # the pipes are still open: something escaped the helper's kill (was it stopped?)
            for fd in ready:
                if fd not in caps or fd not in open_fds:
                    continue
                data = os.read(fd, 65536)
                if data:
                    live = caps[fd].add(data)
                    if live:
                        text = decoders[fd].decode(live)
                        if text:
                            self.send({"type": "output", "id": nonce, "stream": names[fd], "data": text})
                else:
                    open_fds.remove(fd)
                    os.close(fd)
        if status_r is not None:
            os.close(status_r)
        oom_after = oom_kills()
        # An exit code the attempt reported stands unless the process was killed first (a signal, the OOM killer).
        signal_number = os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) and reported is None else None
        exit_code = reported if reported is not None else (os.WEXITSTATUS(status) if os.WIFEXITED(status) else None)
        self.send({
            "type": "result",
            "id": nonce,
            "exitCode": exit_code,
            "signal": signal_number,
            "oomKilled": oom_before is not None and oom_after is not None and oom_after > oom_before,
            "durationMs": duration_ms,
            "stdout": caps[out_r].result(),
            "stderr": caps[err_r].result(),
            "files": files,
            "skippedFiles": skipped,
        })
        # The rest is between attempts: the host hands this container out again only after "settled" says clean,
        # and this server reads no request before it is sent.
        if status is None:
            status = self.zygote_msg()["exited"]
        left = self.settle(keep)
        self.send({"type": "settled", "id": nonce, "clean": not left, "leftovers": left[:20]})

    def serve(self):
        while True:
            req = self.next_request()
            if req is None:
                self.host_gone()
            kind = req.get("type")
            if kind == "run":
                self.run(req)
            elif kind == "ping":
                self.send({"type": "pong", "id": req.get("id")})


def exit_code_report(data):
    """The exit code an attempt wrote on its status fd, or None (nothing, or not a code)."""
    try:
        code = int(data.strip())
    except ValueError:
        return None
    return code if 0 <= code <= 255 else None


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


CONFIG = {}
BASE_ENV = {}

if __name__ == "__main__":
    CONFIG = json.loads(sys.argv[1])
    BASE_ENV = dict(os.environ)
    if os.getuid() != 0:
        sys.exit("the sandbox fork server must start as root (with only CAP_KILL, CAP_SETUID, CAP_SETGID and CAP_SETPCAP) to run attempts as the sandbox user")
    supervisor = Supervisor()
    supervisor.start()
    supervisor.serve()
