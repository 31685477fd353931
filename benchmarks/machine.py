"""What the numbers were measured on: CPU, cores, Python, NumPy, peers, s2sad's commit."""
import datetime
import os
import platform
import subprocess
import time

import numpy as np

from benchmarks import threads


def cpu_model():
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def commit():
    """The commit of the checkout the benchmark ran from, `+` if it had changes."""
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=here,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+" if dirty else "")


class OtherLoad:
    """How busy the machine's other processes kept it while the benchmark ran: the CPU
    time of all processes (/proc/stat) less this one's, per second of the run."""

    def __init__(self):
        self.start = self._sample()

    @staticmethod
    def _sample():
        try:
            with open("/proc/stat") as stat:
                fields = [int(v) for v in stat.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
        mine = os.times()
        return busy, mine.user + mine.system + mine.children_user + mine.children_system, \
            time.monotonic()

    def cores(self):
        """Cores' worth of CPU the other processes used on average, or None."""
        end = self._sample()
        if self.start is None or end is None:
            return None
        (busy0, mine0, t0), (busy1, mine1, t1) = self.start, end
        return max(0.0, (busy1 - busy0) - (mine1 - mine0)) / (t1 - t0)


def describe(peer_versions, other_load=None):
    """[(what, value)] for the report's machine section."""
    import s2sad
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    except (TypeError, KeyError):
        blas = "BLAS unknown"
    rows = [("date", datetime.date.today().isoformat()),
            ("CPU", cpu_model()),
            ("cores", str(os.cpu_count())),
            ("OS", f"{platform.system()} {platform.release()}"),
            ("Python", platform.python_version()),
            ("NumPy", f"{np.__version__} ({blas})"),
            ("s2sad", f"{s2sad.__version__} at commit {commit()}")]
    for name, version in peer_versions.items():
        rows.append((name, version or "not installed"))
    if other_load is not None:
        rows.append(("other processes", f"{other_load:.2f} cores busy on average during the "
                     "run (from /proc/stat, less the benchmark's own CPU time)"))
    rows.append(("threads", ", ".join(f"{v}={os.environ.get(v, 'unset')}"
                                      for v in list(threads.VARIABLES)[:3])
                 + "; torch.set_num_threads(1); XLA_FLAGS single-threaded"))
    return rows
