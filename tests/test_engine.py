import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.documents import Document, iter_documents
from stance.engine import AnalyzerConfig, ProcessEngine, analyze_all, get_engine
from stance.errors import InputError


def square(x):
    return x * x


def test_process_engine_keeps_input_order_and_streams():
    consumed = []

    def items():
        for i in range(50):
            consumed.append(i)
            yield i

    with ProcessEngine(jobs=2, window=2) as engine:
        results = engine.map(square, items())
        first = next(results)
        assert first == 0 and len(consumed) <= 2 * 2 + 1
        assert [first, *results] == [i * i for i in range(50)]


def test_processes_match_serial_document_for_document(examples):
    config = AnalyzerConfig()
    paths = [str(p) for p in examples.values()]
    serial = list(analyze_all(config, iter_documents(paths), get_engine("serial")))
    with get_engine("processes", jobs=2) as engine:
        parallel = list(analyze_all(config, iter_documents(paths), engine))
    assert [a.to_dict() for a in serial] == [a.to_dict() for a in parallel]
    assert len(serial) >= 6


def test_failures_come_back_as_errors_in_place():
    good = Document("good", "India and China agreed.")
    broken = Document("broken", None)  # type: ignore[arg-type]
    missing = InputError("gone.txt", "no such file")
    results = list(analyze_all(AnalyzerConfig(), [good, broken, missing], get_engine("serial")))
    assert results[0].document.id == "good"
    assert isinstance(results[1], InputError) and "internal error" in str(results[1])
    assert results[2] is missing


def test_auto_engine_choice():
    assert get_engine("auto", inputs=2).name == "serial"
    assert get_engine("auto", inputs=None).name == "processes"
    assert get_engine("auto", jobs=1).name == "serial"
    with pytest.raises(ValueError):
        get_engine("quantum")


def test_cli_engines_give_the_same_output(examples):
    runner = CliRunner()
    folder = str(next(iter(examples.values())).parent)
    serial = runner.invoke(cli, ["score", folder, "--engine", "serial", "--format", "jsonl"])
    parallel = runner.invoke(
        cli, ["score", folder, "--engine", "processes", "--jobs", "2", "--format", "jsonl"]
    )
    assert serial.exit_code == parallel.exit_code == 0
    assert serial.stdout == parallel.stdout and serial.stdout.count("\n") > 20
