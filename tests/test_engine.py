import os
import pickle

import pytest
from click.testing import CliRunner

from stance.cli import cli, jsonl_text
from stance.documents import Document, iter_documents
from stance.engine import (
    AnalyzerConfig,
    ProcessEngine,
    Rendered,
    analyze_all,
    get_engine,
    render_document,
)
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


@pytest.mark.parametrize(
    "engine, fmt",
    [("processes", "jsonl"), ("processes", "csv"), ("processes", "table"), ("dask", "jsonl")],
)
def test_cli_engines_give_the_serial_output(examples, engine, fmt):
    if engine == "dask":
        pytest.importorskip("distributed")
    runner = CliRunner()
    folder = str(next(iter(examples.values())).parent)
    serial = runner.invoke(cli, ["score", folder, "--engine", "serial", "--format", fmt])
    parallel = runner.invoke(
        cli, ["score", folder, "--engine", engine, "--jobs", "2", "--format", fmt]
    )
    assert serial.exit_code == parallel.exit_code == 0, parallel.output
    assert serial.stdout == parallel.stdout and serial.stdout.count("\n") > 20


def test_process_engine_streams_unordered_results_with_their_positions():
    with ProcessEngine(jobs=2, window=2) as engine:
        pairs = list(engine.map_unordered(square, iter(range(30))))
    assert sorted(pairs) == [(i, i * i) for i in range(30)]


def test_serial_engine_streams_with_positions():
    assert list(get_engine("serial").map_unordered(square, [3, 4])) == [(0, 9), (1, 16)]


def test_analysis_survives_pickling_and_sends_each_sentence_text_once(examples):
    analysis = AnalyzerConfig().build().analyze(examples["pakistan-us-trade-talks"])
    blob = pickle.dumps(analysis)
    assert pickle.loads(blob).to_dict() == analysis.to_dict()
    sentence = max((s.text for s in analysis.sentences), key=len)
    assert blob.count(sentence.encode()) == 1


def test_pickling_keeps_a_sentence_text_that_is_not_a_slice_of_the_document():
    analysis = AnalyzerConfig().build().analyze(Document("d", "India and China agreed."))
    analysis.sentences[0].text = "edited"
    assert pickle.loads(pickle.dumps(analysis)).sentences[0].text == "edited"


def test_render_document_sends_back_text_warnings_and_errors():
    config = AnalyzerConfig()
    doc = Document("d", "India and China agreed. They met.", warnings=["d: a warning"])
    rendered = render_document(config, jsonl_text, doc)
    assert isinstance(rendered, Rendered) and rendered.sentences == 2
    assert rendered.text == jsonl_text(config.build().analyze(doc))
    assert rendered.warnings == ["d: a warning"]
    missing = InputError("gone.txt", "no such file")
    assert render_document(config, jsonl_text, missing) is missing


def test_cli_scheduler_needs_the_dask_engine(examples):
    path = str(examples["india-china-border"])
    result = CliRunner().invoke(
        cli, ["score", path, "--engine", "processes", "--scheduler", "tcp://127.0.0.1:8786"]
    )
    assert result.exit_code == 1 and "--scheduler needs --engine dask" in result.output


def test_an_edited_party_file_is_read_again_by_a_long_lived_process(write):
    parties = write("parties.toml", 'A = ["Avalon"]\nB = ["Borduria"]\n')
    config = AnalyzerConfig(parties=str(parties))
    assert config.build() is config.build()  # built once while the file stays as it is
    assert config.build().parties.keys() == ["A", "B"]
    parties.write_text('A = ["Avalon"]\nC = ["Carpathia"]\n', encoding="utf-8")
    os.utime(parties, ns=(0, 10**18))  # another modification time, whatever the clock says
    assert config.build().parties.keys() == ["A", "C"]
