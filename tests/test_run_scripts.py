"""The cron wrapper runs stance in a known environment, logs, and passes the exit code on."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from history_corpus import write_config, write_doc

from stance.cli import EXIT_LOCKED, EXIT_OK, EXIT_USAGE

ROOT = Path(__file__).resolve().parent.parent
WRAPPER = ROOT / "scripts" / "stance-cron.sh"
STANCE = Path(sys.executable).with_name("stance")

pytestmark = pytest.mark.skipif(not STANCE.exists(), reason="the stance script is not installed")


def cron(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    # cron's environment is nearly empty: no PATH from the user's shell
    environment = {"HOME": str(project), "STANCE": str(STANCE), **(env or {})}
    return subprocess.run(
        ["/bin/sh", str(WRAPPER), str(project), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd="/",
        timeout=300,
    )


def test_wrapper_runs_logs_and_passes_exit_codes_on(tmp_path):
    write_doc(tmp_path / "incoming", "a.txt", 5, 1, date="2024-01-02")
    write_config(tmp_path, period='"year"')
    first = cron(tmp_path)
    assert first.returncode == EXIT_OK and first.stdout == first.stderr == ""
    log = (tmp_path / "logs" / "stance-run.log").read_text(encoding="utf-8")
    assert "stance run --config stance.toml" in log and "run 1: documents 1 new" in log
    assert log.rstrip().endswith("exit 0")
    (tmp_path / "bad.toml").write_text('inputs = ["x"]\nperiod = "eon"\n', encoding="utf-8")
    bad = cron(tmp_path, "bad.toml", env={"STANCE_LOG": "other.log"})
    assert bad.returncode == EXIT_USAGE
    assert bad.stderr.strip() == f"stance run in {tmp_path} exited with 1; see {tmp_path}/other.log"
    assert "unknown period 'eon'" in (tmp_path / "other.log").read_text(encoding="utf-8")


def test_wrapper_reports_a_held_lock(tmp_path):
    write_doc(tmp_path / "incoming", "a.txt", 5, 1, date="2024-01-02")
    write_config(tmp_path, period='"year"')
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from stance.runner import run_lock\n"
            "with run_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)",
            str(tmp_path / "stance.db"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = cron(tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == EXIT_LOCKED
    assert "another stance run holds the lock" in (tmp_path / "logs" / "stance-run.log").read_text()


def test_wrapper_usage_and_missing_folder(tmp_path):
    usage = subprocess.run(["/bin/sh", str(WRAPPER)], capture_output=True, text=True)
    assert usage.returncode == 64 and usage.stderr.startswith("usage:")
    missing = cron(tmp_path / "nowhere")
    assert missing.returncode == 1


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_wrapper_passes_shellcheck():
    result = subprocess.run(["shellcheck", str(WRAPPER)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_units_parse(tmp_path):
    for name in ("stance-run.service", "stance-run.timer"):
        shutil.copy(ROOT / "scripts" / name, tmp_path / name)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, tmp_path.iterdir())],
        capture_output=True,
        text=True,
    )
    problems = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and "is not executable: No such file or directory" not in line
    ]
    assert problems == []
