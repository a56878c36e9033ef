# SPDX-License-Identifier: BSD-3-Clause
"""The ``fastent`` command: ``fastent rank DATA --target COL`` and ``fastent rank --example``."""

import csv
import gzip
import io
import json
import subprocess
import sys
from importlib import resources

import numpy as np
import pytest

from fastent import cli, selection


def run(capsys, *argv):
    """(exit status, stdout, stderr) of ``fastent argv`` run in this process."""
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def digits():
    with (resources.files("fastent") / "data" / "digits.csv.gz").open("rb") as raw:
        data = np.loadtxt(gzip.open(raw, "rt"), delimiter=",", dtype=np.int64)
    return data[:, :-1], data[:, -1]


@pytest.fixture(scope="module")
def frame():
    """A DataFrame of int, float, string and bool columns and a string target."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    n = 400
    a, b = rng.integers(0, 3, (2, n))
    return pd.DataFrame(
        {
            "copy": a,
            "level": rng.normal(size=n) + a,
            "colour": np.array(["red", "green", "blue"])[b],
            "flag": (a + b) % 2 == 0,
            "noise": rng.integers(0, 5, n),
            "label": np.array(["x", "y", "z"])[a],
        }
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, frame):
    d = tmp_path_factory.mktemp("data")
    frame.to_csv(d / "data.csv", index=False)
    frame.to_csv(d / "data.csv.gz", index=False)
    nan = frame.copy()
    nan.loc[7, "level"] = np.nan
    nan.to_csv(d / "nan.csv", index=False)
    nan_target = frame.copy()
    nan_target.loc[3, "label"] = None
    nan_target.to_csv(d / "nan_target.csv", index=False)
    (d / "garbled.csv.gz").write_bytes(b"this is not gzip")
    (d / "garbled.parquet").write_bytes(b"PAR1 not parquet at all")
    (d / "binary.csv").write_bytes(bytes(range(256)) * 8)
    (d / "empty.csv").write_bytes(b"")
    (d / "ragged.csv").write_text("a,b\n1,2\n1,2,3,4\n")
    (d / "only_target.csv").write_text("label\nx\ny\n")
    return d


def expected_selection(frame, target, k, **options):
    features = frame.drop(columns=[target])
    return selection.select_features(features, frame[target], k, **options)


def assert_one_line_error(status, out, err, expected_status, fragment):
    assert status == expected_status
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert err.startswith("fastent: error: ")
    assert fragment in err


# ---- the example ---------------------------------------------------------------------------------


def test_example_ranks_ten_pixels_by_mrmr(capsys):
    status, out, err = run(capsys, "rank", "--example")
    assert status == 0
    assert err == ""  # no progress bar: stderr is not a terminal
    lines = out.splitlines()
    assert lines[0].startswith("mrmr: 10 of 64 features of digits.csv.gz")
    assert lines[1].split() == ["rank", "feature", "score", "relevance"]
    X, y = digits()
    expected = selection.select_features(X, y, 10, method="mrmr")
    rows = [line.split() for line in lines[2:]]
    assert [r[0] for r in rows] == [str(i) for i in range(1, 11)]
    assert [r[1] for r in rows] == [f"pixel_{j // 8}_{j % 8}" for j in expected.indices]
    np.testing.assert_allclose([float(r[2]) for r in rows], expected.scores, atol=5e-5)
    np.testing.assert_allclose(
        [float(r[3]) for r in rows], expected.relevance[expected.indices], atol=5e-5
    )


def test_example_in_a_subprocess_as_python_m_fastent():
    proc = subprocess.run(
        [sys.executable, "-m", "fastent", "rank", "--example", "--format", "json", "--k", "5"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # stderr is a pipe: no progress bar
    document = json.loads(proc.stdout)
    X, y = digits()
    expected = selection.select_features(X, y, 5)
    assert [f["feature"] for f in document["features"]] == [
        f"pixel_{j // 8}_{j % 8}" for j in expected.indices
    ]
    assert [f["score"] for f in document["features"]] == expected.scores.tolist()
    assert document["target"] == "digit"
    assert document["n_rows"] == 1797
    assert document["n_features"] == 64


def test_example_needs_numpy_only():
    """--example works where pandas (and scikit-learn, SciPy) cannot be imported."""
    code = (
        "import sys\n"
        "for name in ('pandas', 'pyarrow', 'sklearn', 'scipy', 'polars'):\n"
        "    sys.modules[name] = None\n"
        "from fastent.cli import main\n"
        "status = main(['rank', '--example', '--format', 'csv', '--k', '3'])\n"
        "assert all(sys.modules.get(m) is None for m in ('pandas', 'sklearn', 'scipy'))\n"
        "sys.exit(status)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "rank,feature,score,relevance"
    assert len(proc.stdout.splitlines()) == 4


def test_example_with_another_target(capsys):
    status, out, _ = run(capsys, "rank", "--example", "--target", "pixel_3_3", "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert document["target"] == "pixel_3_3"
    assert "digit" in [f["feature"] for f in document["features"]]


# ---- CSV and Parquet -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["data.csv", "data.csv.gz"])
@pytest.mark.parametrize("method", selection.METHODS)
def test_csv_json_output_matches_select_features(capsys, data_dir, frame, name, method):
    pd = pytest.importorskip("pandas")
    status, out, err = run(
        capsys, "rank", str(data_dir / name), "--target", "label", "--method", method, "-f", "json"
    )
    assert status == 0
    assert err == ""
    document = json.loads(out)
    read_back = pd.read_csv(data_dir / name)
    expected = expected_selection(read_back, "label", document["k"], method=method)
    assert document["k"] == 5  # five features: all for mi, min(10, 5) for the others
    assert [f["feature"] for f in document["features"]] == expected.names
    assert [f["score"] for f in document["features"]] == expected.scores.tolist()
    assert [f["relevance"] for f in document["features"]] == [
        expected.relevance[j] for j in expected.indices
    ]
    assert [f["rank"] for f in document["features"]] == [1, 2, 3, 4, 5]
    assert document["features"][0]["feature"] == "copy"


def test_parquet_csv_output_matches_select_features(capsys, tmp_path, frame):
    pytest.importorskip("pyarrow")
    path = tmp_path / "data.parquet"
    frame.to_parquet(path)
    argv = ["rank", str(path), "-t", "label", "-m", "jmi", "-k", "3", "--format", "csv"]
    status, out, err = run(capsys, *argv)
    assert status == 0
    assert err == ""
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = expected_selection(frame, "label", 3, method="jmi")
    assert [r["feature"] for r in rows] == expected.names
    assert [float(r["score"]) for r in rows] == expected.scores.tolist()  # repr: exact
    assert [float(r["relevance"]) for r in rows] == expected.relevance[expected.indices].tolist()
    assert [int(r["rank"]) for r in rows] == [1, 2, 3]


def test_binning_and_estimator_options_reach_select_features(capsys, data_dir, frame):
    argv = ["rank", str(data_dir / "data.csv"), "-t", "label", "-m", "cmim", "-k", "4"]
    argv += ["--bins", "4", "--strategy", "uniform", "--estimator", "miller_madow"]
    argv += ["--n-jobs", "1", "--format", "csv"]
    status, out, _ = run(capsys, *argv)
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = expected_selection(
        frame, "label", 4, method="cmim", n_bins=4, strategy="uniform", estimator="miller_madow"
    )
    assert [r["feature"] for r in rows] == expected.names
    np.testing.assert_allclose([float(r["score"]) for r in rows], expected.scores, rtol=1e-12)


def test_default_k(capsys, tmp_path):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    wide = pd.DataFrame(rng.integers(0, 3, (200, 12)), columns=[f"c{j}" for j in range(12)])
    wide.to_csv(tmp_path / "wide.csv", index=False)
    for method, k in [("mi", 11), ("mrmr", 10), ("cmim", 10)]:
        status, out, _ = run(capsys, "rank", str(tmp_path / "wide.csv"), "-t", "c0", "-m", method)
        assert status == 0
        assert len(out.splitlines()) == 2 + k
        assert out.startswith(f"{method}: {k} of 11 features")


def test_csv_from_stdin(capsys, monkeypatch, data_dir, frame):
    monkeypatch.setattr(sys, "stdin", io.StringIO((data_dir / "data.csv").read_text()))
    status, out, _ = run(capsys, "rank", "-", "-t", "label", "-f", "json")
    assert status == 0
    document = json.loads(out)
    assert document["data"] == "stdin"
    assert document["features"][0]["feature"] == "copy"


def test_continuous_target_warns_on_one_line(capsys, data_dir):
    status, out, err = run(capsys, "rank", str(data_dir / "data.csv"), "-t", "level", "-k", "2")
    assert status == 0
    assert out.count("\n") == 4
    assert err.count("\n") == 1
    assert err.startswith("fastent: warning: target column 'level' looks continuous")


# ---- errors --------------------------------------------------------------------------------------


BAD = [
    # (argv with {d} for the data directory, exit status, message fragment)
    (["rank", "{d}/missing.csv", "-t", "label"], 1, "no such file"),
    (["rank", "{d}", "-t", "label"], 1, "is a directory"),
    (["rank", "{d}/garbled.csv.gz", "-t", "label"], 1, "could not read"),
    (["rank", "{d}/garbled.parquet", "-t", "label"], 1, "as Parquet"),
    (["rank", "{d}/binary.csv", "-t", "label"], 1, "could not read"),
    (["rank", "{d}/empty.csv", "-t", "label"], 1, "could not read"),
    (["rank", "{d}/ragged.csv", "-t", "a"], 1, "could not read"),
    (["rank", "{d}/only_target.csv", "-t", "label"], 1, "no columns besides the target"),
    (["rank", "{d}/nan.csv", "-t", "label"], 1, "column 'level' has a missing value"),
    (["rank", "{d}/nan_target.csv", "-t", "label"], 1, "column 'label' has a missing value"),
    (["rank", "{d}/data.csv", "-t", "nope"], 2, "unknown target column 'nope'"),
    (["rank", "{d}/data.csv", "-t", "label", "-m", "relief"], 2, "invalid choice: 'relief'"),
    (["rank", "{d}/data.csv", "-t", "label", "-k", "0"], 2, "--k must be in [1, n_features=5]"),
    (["rank", "{d}/data.csv", "-t", "label", "-k", "6"], 2, "got 6"),
    (["rank", "{d}/data.csv", "-t", "label", "-k", "two"], 2, "invalid int value"),
    (["rank", "{d}/data.csv", "-t", "label", "--bins", "1"], 2, "--bins must be in [2, 65536]"),
    (["rank", "{d}/data.csv", "-t", "label", "--n-jobs", "0"], 2, "--n-jobs = 0 is invalid"),
    (["rank", "{d}/data.csv", "-t", "label", "--colour"], 2, "unrecognized arguments"),
    (["rank", "{d}/data.csv"], 2, "--target COL is required"),
    (["rank"], 2, "or --example"),
    (["rank", "{d}/data.csv", "--example"], 2, "not both"),
    (["rank", "--example", "-t", "pixel_9_9"], 2, "unknown target column 'pixel_9_9'"),
    (["rank", "--example", "-k", "65"], 2, "--k must be in [1, n_features=64], got 65"),
    ([], 2, "required: COMMAND"),
    (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    (["bench", "--repeats", "0"], 2, "--repeats must be at least 1"),
    (["bench", "--n-jobs", "0"], 2, "--n-jobs = 0 is invalid"),
]


@pytest.mark.parametrize(("argv", "status", "fragment"), BAD, ids=lambda x: str(x)[:40])
def test_bad_input_is_one_line_and_an_exit_status(capsys, data_dir, argv, status, fragment):
    args = [a.replace("{d}", str(data_dir)) for a in argv]
    assert_one_line_error(*run(capsys, *args), status, fragment)


def test_without_pandas_says_what_to_install(capsys, monkeypatch, data_dir):
    monkeypatch.setitem(sys.modules, "pandas", None)
    status, out, err = run(capsys, "rank", str(data_dir / "data.csv"), "-t", "label")
    assert_one_line_error(status, out, err, 1, "pip install 'fastentropy[pandas]'")


def test_parquet_without_pyarrow_says_what_to_install(capsys, monkeypatch, tmp_path):
    pytest.importorskip("pandas")
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1")
    monkeypatch.setattr(cli, "_have", lambda module: False)
    status, out, err = run(capsys, "rank", str(path), "-t", "label")
    assert_one_line_error(status, out, err, 1, "reading Parquet needs pyarrow: pip install pyarrow")


def test_help_and_version(capsys):
    status, out, _ = run(capsys, "rank", "--help")
    assert status == 0
    assert "--target" in out
    assert "--example" in out
    status, out, _ = run(capsys, "--version")
    assert status == 0
    assert out.startswith("fastent ")


# ---- progress ------------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(cli, "PROGRESS_DELAY", 0.0)
    status, _, err = run(capsys, "rank", "--example", "-k", "4")
    assert status == 0
    assert err == ""  # capsys's stderr is not a terminal

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    status = cli.main(["rank", "--example", "-k", "4"])
    assert status == 0
    drawn = terminal.getvalue()
    assert "\r" in drawn
    assert "4/4" in drawn
    assert "[" in drawn
    assert drawn.endswith("\r")  # the bar is erased when done
    assert "\n" not in drawn
    assert len(capsys.readouterr().out.splitlines()) == 6


def test_progress_bar_waits_for_long_runs(monkeypatch):
    bar = cli.ProgressBar(Terminal(), "fastent: mrmr", delay=3600.0)
    bar(1, 3)
    bar.close()
    assert bar.stream.getvalue() == ""


BENCH_ROWS = [
    "entropy",
    "kl_divergence",
    "js_divergence",
    "logsumexp",
    "log_softmax",
    "sparse_softmax_cross_entropy_with_logits",
    "discrete.mutual_info",
    "discrete.conditional_mutual_info",
    "selection.mutual_info_scores",
    "selection.select_features",
]


def test_bench_prints_a_ratio_table(capsys):
    status, out, err = run(capsys, "bench", "--quick")
    assert status == 0, err
    header, columns, *rows = out.splitlines()
    assert header.startswith("fastent ")
    assert "bench: median of 1 interleaved round(s)" in header
    assert columns.split() == ["function", "input", "fastent", "reference", "speed-up"]
    assert [row.split()[0] for row in rows] == BENCH_ROWS
    for row in rows:
        assert row.endswith("x"), row  # a speed-up, and no "(results differ!)"
        assert float(row.split()[-1][:-1]) > 0


def test_bench_reports_a_wrong_result(capsys, monkeypatch):
    """A fastent function that disagrees with the reference is flagged and fails the command."""
    import fastent.distributions

    right = fastent.distributions.entropy
    monkeypatch.setattr(fastent.distributions, "entropy", lambda p, **kw: right(p, **kw) * 1.001)
    status, out, _ = run(capsys, "bench", "--quick")
    assert status == 1
    flagged = [line for line in out.splitlines() if line.endswith("(results differ!)")]
    assert [line.split()[0] for line in flagged] == ["entropy"]
