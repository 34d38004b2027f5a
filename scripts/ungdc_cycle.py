"""The scheduled cycle on the UN General Debate Corpus: two countries' speeches by year, run twice.

    python scripts/ungdc_cycle.py                      # Pakistan and India, processes engine
    python scripts/ungdc_cycle.py --countries USA RUS --engine serial

The corpus is read from ``--corpus`` (default /tmp/ungdc); when its ``TXT`` folder is missing it
is unpacked there from ``../shared/corpora/ungdc/ungdc-1946-2024.tar.xz``. A project folder
(``--work``, emptied first) gets a ``stance.toml`` that reads the two countries' speeches, takes
the speaker, session and year from the file names and compares by year. ``stance run`` then
runs twice as cron would run it; the second run must find nothing to do. The figures printed
(documents, sentences, wall time of each run, shifts) are what the README quotes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from stance import PartySet

ROOT = Path(__file__).resolve().parent.parent
TARBALL = ROOT.parent / "shared" / "corpora" / "ungdc" / "ungdc-1946-2024.tar.xz"

CONFIG = """\
# Written by scripts/ungdc_cycle.py
inputs = [{inputs}]
period = "year"
output = "reports"
database = "stance.db"

[speaker]
rule = "filename"
pattern = '(?P<speaker>[A-Z]{{3}})_(?P<session>\\d+)_(?P<year>\\d{{4}})'

[engine]
name = "{engine}"
{jobs}
{parties}
"""


def corpus_folder(corpus: Path) -> Path:
    """The TXT folder of the corpus, unpacked from the shared tarball when missing."""
    txt = corpus / "TXT"
    if txt.is_dir():
        return txt
    if not TARBALL.exists():
        sys.exit(f"error: {txt} is missing and {TARBALL} is not available to unpack it from")
    print(f"unpacking {TARBALL} into {corpus} ...", flush=True)
    corpus.mkdir(parents=True, exist_ok=True)
    with tarfile.open(TARBALL) as archive:
        archive.extractall(corpus, filter="data")
    return txt


def write_config(
    work: Path, txt: Path, countries: list[str], engine: str, jobs: int | None
) -> Path:
    inputs = ", ".join(json.dumps(str(txt / "*" / f"{c}_*.txt")) for c in countries)
    gazetteer = PartySet.gazetteer()
    parties = "".join(
        f"\n[parties.{c}]\nname = {json.dumps(gazetteer.name(c))}\ngazetteer = true\n"
        for c in countries
    )
    path = work / "stance.toml"
    path.write_text(
        CONFIG.format(
            inputs=inputs,
            engine=engine,
            jobs=f"jobs = {jobs}" if jobs else "",
            parties=parties,
        ),
        encoding="utf-8",
    )
    return path


def stance(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stance", *args], capture_output=True, text=True, check=False
    )


def cycle(work: Path, txt: Path, args: argparse.Namespace) -> tuple[list[float], bool]:
    """A fresh project, run twice; the wall time of each run and whether the second was idle."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    config = write_config(work, txt, args.countries, args.engine, args.jobs)
    times = []
    for attempt in (1, 2):
        started = time.perf_counter()
        result = stance("run", "--config", str(config), "--quiet")
        times.append(time.perf_counter() - started)
        sys.stderr.write(result.stderr)
        print(f"run {attempt}: exit {result.returncode}, wall time {times[-1]:.1f} s")
        print("  " + result.stdout.strip().replace("\n", "\n  "))
        if result.returncode not in (0, 2):
            sys.exit(result.returncode)
    history = json.loads(stance("history", "--config", str(config), "--format", "json").stdout)
    first, second = history[-1], history[-2]
    comparison = json.loads(
        (work / "reports" / "comparison" / "comparison.json").read_text(encoding="utf-8")
    )
    print(
        f"documents {first['new']}, sentences {first['sentences']}, "
        f"periods {len(comparison['periods'])} ({comparison['periods'][0]}"
        f"..{comparison['latest']}), shifts flagged {first['shifts']} "
        f"({comparison['latest']} vs {comparison['previous']})"
    )
    for shift in comparison["shifts"]:
        low, high = shift["interval"]
        print(
            f"  shift: {shift['group']} {shift['measure']} {shift['delta']:+.3f} "
            f"[{low:+.3f}, {high:+.3f}] {shift['direction']}"
        )
    idle = second["new"] + second["changed"] + second["rescored"] + second["sentences"]
    print(f"second run: {second['skipped']} skipped, {idle} analysed")
    return times, idle == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/ungdc"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/stance-ungdc-cycle"))
    parser.add_argument("--countries", nargs=2, default=["PAK", "IND"], metavar="ISO3")
    parser.add_argument("--engine", default="processes")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--repeat", type=int, default=1, help="cycles to time (medians)")
    args = parser.parse_args()

    txt = corpus_folder(args.corpus)
    print(f"project: {args.work}")
    runs = []
    for _ in range(args.repeat):
        times, idle = cycle(args.work, txt, args)
        if not idle:
            print("the second run did work: it should have found nothing to do")
            return 1
        runs.append(times)
    first = statistics.median(t[0] for t in runs)
    second = statistics.median(t[1] for t in runs)
    print(
        f"median wall time over {len(runs)} cycle(s): first run {first:.1f} s, "
        f"second run {second:.1f} s (no work)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
