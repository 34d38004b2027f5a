"""The Dask engine against a real LocalCluster of worker processes (no mocks)."""

import operator
import socket
import sys

import pytest
from click.testing import CliRunner

import stance.engine
from stance.cli import cli
from stance.documents import Document, iter_documents
from stance.engine import AnalyzerConfig, DaskEngine, EngineError, analyze_all, get_engine
from stance.errors import InputError

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_engine():
    with DaskEngine(jobs=2, window=2) as engine:
        yield engine


@pytest.fixture
def corpus(examples, tmp_path):
    """The bundled examples plus documents that fail in different ways."""
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "speech.txt").write_text(
        "speaker: IND\n\nWe welcome the agreement with China. "
        "Beijing and New Delhi will expand trade. We condemn the attack on our border posts.",
        encoding="utf-8",
    )
    return [*(str(p) for p in examples.values()), str(tmp_path)]


def _dicts(results):
    return [r.to_dict() if not isinstance(r, InputError) else str(r) for r in results]


def test_local_cluster_has_two_single_threaded_worker_processes(dask_engine):
    assert dask_engine.jobs == 2
    assert sorted(dask_engine._client.nthreads().values()) == [1, 1]


def test_dask_matches_serial_document_for_document(dask_engine, corpus):
    config = AnalyzerConfig()
    serial = _dicts(analyze_all(config, iter_documents(corpus), get_engine("serial")))
    distributed = _dicts(analyze_all(config, iter_documents(corpus), dask_engine))
    assert len(serial) >= 8 and any("empty file" in r for r in serial if isinstance(r, str))
    assert distributed == serial


def test_dask_keeps_order_and_streams(dask_engine):
    consumed = []

    def items():
        for i in range(40):
            consumed.append(i)
            yield i

    results = dask_engine.map(operator.neg, items())
    assert next(results) == 0 and len(consumed) <= 2 * 2 + 1
    assert [0, *results] == [-i for i in range(40)]


def test_dask_streams_unordered_with_positions(dask_engine):
    pairs = list(dask_engine.map_unordered(operator.neg, iter(range(25))))
    assert sorted(pairs) == [(i, -i) for i in range(25)]


def test_failures_come_back_in_place(dask_engine):
    broken = Document("broken", None)  # type: ignore[arg-type]
    good = Document("good", "India and China agreed to talk.")
    results = list(analyze_all(AnalyzerConfig(), [broken, good], dask_engine))
    assert isinstance(results[0], InputError) and "internal error" in str(results[0])
    assert results[1].document.id == "good"


def test_workers_build_the_analyzer_once_per_process(dask_engine):
    client = dask_engine._client
    before = client.run(stance.engine._analyzer.cache_info)
    config = AnalyzerConfig(speaker="IND")
    docs = [Document(f"d{i}", f"India and China held talks, round {i}.") for i in range(12)]
    assert len(list(analyze_all(config, docs, dask_engine))) == 12
    after = client.run(stance.engine._analyzer.cache_info)
    builds = [after[w].misses - before[w].misses for w in after]
    calls = sum(after[w].hits + after[w].misses - before[w].hits - before[w].misses for w in after)
    assert calls == 12 and all(n <= 1 for n in builds) and sum(builds) >= 1


def test_cli_uses_an_existing_scheduler(dask_engine, examples):
    address = dask_engine._cluster.scheduler_address
    path = str(examples["india-china-border"])
    serial = CliRunner().invoke(cli, ["score", path, "--engine", "serial", "--format", "csv"])
    result = CliRunner().invoke(cli, ["score", path, "--scheduler", address, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == serial.stdout and result.stdout.count("\n") > 5


def test_cli_unreachable_scheduler_is_a_one_line_usage_error(examples):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    path = str(examples["india-china-border"])
    result = CliRunner().invoke(cli, ["score", path, "--engine", "dask", "--scheduler", address])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: cannot reach the Dask scheduler at {address}: Connection refused"
    ]


def test_bad_scheduler_address():
    with pytest.raises(EngineError, match="bad Dask scheduler address"):
        DaskEngine("tcp://localhost")


def test_cli_without_dask_installed_says_how_to_install(examples, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    path = str(examples["india-china-border"])
    result = CliRunner().invoke(cli, ["score", path, "--engine", "dask"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: the dask engine needs Dask: pip install 'stance-toolkit[dask]'"
    )
