# SPDX-License-Identifier: BSD-3-Clause
"""The ``fastent`` command: ``fastent rank DATA --target COL`` and ``fastent rank --example``."""

import csv
import gzip
import io
import json
import os
import subprocess
import sys
from importlib import resources

import numpy as np
import pytest

from fastent import cli, discrete, selection
from fastent.selection._greedy import SCORE_MEANING


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
    assert lines[1] == f"score: {SCORE_MEANING['mrmr']}"
    X, y = digits()
    h = float(discrete.entropy(y))
    assert lines[2] == f"target 'digit': 10 classes; H(digit) = {h:.4f} nats"
    assert lines[3].split() == ["rank", "feature", "score", "relevance", "share", "binned", "bar"]
    expected = selection.select_features(X, y, 10, method="mrmr")
    rows = [line.split() for line in lines[4:]]
    assert [r[0] for r in rows] == [str(i) for i in range(1, 11)]
    assert [r[1] for r in rows] == [f"pixel_{j // 8}_{j % 8}" for j in expected.indices]
    np.testing.assert_allclose([float(r[2]) for r in rows], expected.scores, atol=5e-5)
    relevance = expected.relevance[expected.indices]
    np.testing.assert_allclose([float(r[3]) for r in rows], relevance, atol=5e-5)
    assert [r[4] for r in rows] == [f"{100 * rel / h:.1f}%" for rel in relevance]
    assert [r[5] for r in rows] == ["no"] * 10  # integer pixels: labels, never binned
    bars = [r[6] for r in rows]
    assert bars[0] == "█" * cli.BAR_WIDTH  # the most relevant pick: a full bar
    assert all(0 < len(bar) <= cli.BAR_WIDTH for bar in bars)


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
    assert proc.stdout.splitlines()[0] == "rank,feature,score,relevance,relevance_share,binned"
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
        assert len(out.splitlines()) == 4 + k
        assert out.startswith(f"{method}: {k} of 11 features")


def test_csv_from_stdin(capsys, monkeypatch, data_dir, frame):
    monkeypatch.setattr(sys, "stdin", io.StringIO((data_dir / "data.csv").read_text()))
    status, out, _ = run(capsys, "rank", "-", "-t", "label", "-f", "json")
    assert status == 0
    document = json.loads(out)
    assert document["data"] == "stdin"
    assert document["features"][0]["feature"] == "copy"


def test_continuous_target_is_binned_and_the_header_says_so(capsys, data_dir, frame):
    status, out, err = run(capsys, "rank", str(data_dir / "data.csv"), "-t", "level", "-k", "2")
    assert status == 0
    assert err == ""  # no warning: a continuous target is binned
    lines = out.splitlines()
    assert len(lines) == 6
    codes, edges = selection.discretize(frame["level"].to_numpy(), n_bins=16)
    h = float(discrete.entropy(codes))
    assert edges.size - 1 == 16
    assert (
        lines[2]
        == f"target 'level': continuous, binned into 16 quantile bins; H(level) = {h:.4f} nats"
    )
    expected = expected_selection(frame, "level", 2)
    assert expected.target_binned
    assert [line.split()[1] for line in lines[4:]] == expected.names


# ---- real data: scikit-learn's iris and diabetes, as CSV, TSV and Parquet -----------------------


IRIS_FLOATS = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]


@pytest.fixture(scope="module")
def real_dir(tmp_path_factory):
    """iris (a string species column, a row_id column, and a copy with NaN/None values) and
    diabetes (a continuous target, and a copy of it as a feature) in several file formats."""
    pytest.importorskip("pandas")
    datasets = pytest.importorskip("sklearn.datasets")
    d = tmp_path_factory.mktemp("real")
    bunch = datasets.load_iris(as_frame=True)
    iris = bunch.frame.drop(columns="target")
    iris["species"] = np.asarray(bunch.target_names)[bunch.target]
    iris.insert(0, "row_id", np.arange(len(iris)))
    iris.to_csv(d / "iris.csv", index=False)
    iris.to_csv(d / "iris.tsv", index=False, sep="\t")
    iris.to_csv(d / "iris_tabs.txt", index=False, sep="\t")  # tabs sniffed from the header
    iris.to_csv(d / "iris.tsv.gz", index=False, sep="\t")
    iris.to_csv(d / "iris_semicolon.csv", index=False, sep=";")
    for suffix in (".bz2", ".xz", ".zip"):
        iris.to_csv(d / f"iris.csv{suffix}", index=False)
    nan = iris.copy()
    nan.loc[3, "sepal length (cm)"] = np.nan
    nan.loc[[5, 9], "petal width (cm)"] = np.nan
    nan.loc[7, "species"] = None
    nan.to_csv(d / "iris_nan.csv", index=False)
    diabetes = datasets.load_diabetes(as_frame=True).frame
    diabetes["target_copy"] = diabetes["target"]
    diabetes.to_csv(d / "diabetes.csv", index=False)
    try:
        import pyarrow
    except ImportError:
        pass
    else:
        iris.to_parquet(d / "iris.parquet")
        with pyarrow.CompressedOutputStream(str(d / "iris.tsv.zst"), "zstd") as out:
            out.write(iris.to_csv(index=False, sep="\t").encode())
        nan.to_parquet(d / "iris_nan.parquet")
        diabetes.to_parquet(d / "diabetes.parquet")
    return d


def read_back(path, **options):
    """A data file as pandas reads it: the reference the command's results are checked against."""
    pd = pytest.importorskip("pandas")
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, **options)


def rank_json(capsys, *argv):
    status, out, err = run(capsys, "rank", *argv, "--format", "json")
    assert status == 0, err
    return json.loads(out), err


NEAR_UNIQUE_WARNING = (
    "fastent: warning: near-unique column(s) (distinct values in more than half the rows) can "
    "score high by chance: row_id; pass --adjusted to correct for chance\n"
)


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("iris.csv", []),
        ("iris.tsv", []),
        ("iris_tabs.txt", []),
        ("iris.tsv.gz", []),
        ("iris.csv.bz2", []),
        ("iris.csv.xz", []),
        ("iris.csv.zip", []),
        ("iris.tsv.zst", []),
        ("iris_semicolon.csv", ["--sep", ";"]),
        ("iris.parquet", []),
    ],
)
def test_iris_in_every_format_matches_select_features(capsys, real_dir, name, options):
    if name.endswith((".parquet", ".zst")):
        pytest.importorskip("pyarrow")
    document, err = rank_json(capsys, str(real_dir / name), "-t", "species", "-m", "jmi", *options)
    assert err == NEAR_UNIQUE_WARNING  # one line: row_id, an ID column
    iris = read_back(real_dir / "iris.csv")
    expected = expected_selection(iris, "species", 5, method="jmi")
    assert document["data"] == name
    assert [f["feature"] for f in document["features"]] == expected.names
    assert [f["score"] for f in document["features"]] == expected.scores.tolist()
    assert document["features"][0]["feature"] == "row_id"  # unique per row: I = H(species)
    assert document["features"][0]["relevance_share"] == pytest.approx(1.0, rel=1e-12)
    assert document["binned"] == IRIS_FLOATS
    assert document["target_entropy"] == pytest.approx(np.log(3), rel=1e-12)
    assert document["n_rows"] == 150


def test_semicolons_without_sep_are_one_column(capsys, real_dir):
    status, out, err = run(capsys, "rank", str(real_dir / "iris_semicolon.csv"), "-t", "species")
    assert_one_line_error(status, out, err, 2, "unknown target column 'species'")


def test_missing_values_are_one_error_naming_every_column(capsys, real_dir):
    status, out, err = run(capsys, "rank", str(real_dir / "iris_nan.csv"), "-t", "species")
    assert_one_line_error(status, out, err, 1, "missing values (NaN, None, null) in 3 columns: ")
    assert "column sepal length (cm) (1 of 150 rows, first at row 3)" in err
    assert "column petal width (cm) (2 of 150 rows, first at row 5)" in err
    assert "the target y (" in err
    assert "pass --missing level to count missing values as a level" in err
    assert "--missing drop" in err
    assert "missing=" not in err  # the command's options, not the library's keywords


def test_missing_values_error_names_the_target_too(capsys, real_dir):
    status, out, err = run(capsys, "rank", str(real_dir / "iris_nan.csv"), "-t", "species")
    assert_one_line_error(status, out, err, 1, "missing values")
    assert "the target y (" in err


@pytest.mark.parametrize("missing", ["level", "drop"])
@pytest.mark.parametrize("name", ["iris_nan.csv", "iris_nan.parquet"])
def test_missing_level_and_drop_match_select_features(capsys, real_dir, missing, name):
    if name.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    path = real_dir / name
    document, _ = rank_json(capsys, str(path), "-t", "species", "--missing", missing, "-m", "mi")
    iris = read_back(real_dir / "iris_nan.csv")
    expected = expected_selection(iris, "species", 5, method="mi", missing=missing)
    assert [f["feature"] for f in document["features"]] == expected.names
    np.testing.assert_allclose([f["score"] for f in document["features"]], expected.scores)
    species = iris["species"]
    if missing == "level":
        h = discrete.entropy(species.fillna("(missing)").to_numpy())
        assert document["target_levels"] == 4
    else:
        h = discrete.entropy(species.dropna().to_numpy())
        assert document["target_levels"] == 3
    assert document["target_entropy"] == pytest.approx(float(h), rel=1e-12)
    assert document["missing"] == missing


def test_knn_estimator_matches_select_features(capsys, real_dir):
    """--continuous-estimator knn: the nearest-neighbour relevance of select_features (the
    numbers of scikit-learn's mutual_info_regression for the same preparation)."""
    path = str(real_dir / "diabetes.csv")
    argv = ("-t", "target", "-m", "mi", "-k", "4", "--continuous-estimator", "knn")
    document, _ = rank_json(capsys, path, *argv, "--n-neighbors", "5")
    diabetes = read_back(real_dir / "diabetes.csv")
    expected = expected_selection(
        diabetes, "target", 4, method="mi", continuous="knn", n_neighbors=5
    )
    assert [f["feature"] for f in document["features"]] == expected.names
    np.testing.assert_allclose([f["score"] for f in document["features"]], expected.scores)
    assert expected.names[0] == "target_copy"
    status, out, err = run(capsys, "rank", path, "-t", "target", "--continuous-estimator", "kde")
    assert_one_line_error(status, out, err, 2, "--continuous-estimator")


def test_continuous_target_is_binned(capsys, real_dir):
    path = str(real_dir / "diabetes.csv")
    status, out, err = run(capsys, "rank", path, "-t", "target", "-k", "3")
    assert status == 0
    assert err == ""  # no warning; near-unique float columns (s2) are binned, not IDs
    diabetes = read_back(real_dir / "diabetes.csv")
    codes, edges = selection.discretize(diabetes["target"].to_numpy(), n_bins=16)
    h = float(discrete.entropy(codes))
    assert edges.size - 1 == 16
    lines = out.splitlines()
    assert lines[2] == (
        f"target 'target': continuous, binned into 16 quantile bins; H(target) = {h:.4f} nats"
    )
    document, _ = rank_json(capsys, path, "-t", "target", "-k", "3")
    expected = expected_selection(diabetes, "target", 3)
    assert expected.target_binned
    assert [f["feature"] for f in document["features"]] == expected.names
    assert [f["score"] for f in document["features"]] == expected.scores.tolist()
    assert document["target_binned"] is True
    assert document["target_levels"] == 16
    assert document["target_entropy"] == pytest.approx(h, rel=1e-12)
    # the copy of the target is binned as the target is: all of H(target)
    assert document["features"][0]["feature"] == "target_copy"
    assert document["features"][0]["relevance_share"] == pytest.approx(1.0, rel=1e-12)


def test_discrete_target_flag_overrides_the_rule(capsys, real_dir):
    path = str(real_dir / "diabetes.csv")
    document, err = rank_json(capsys, path, "-t", "target", "-k", "3", "--discrete-target")
    assert err == ""
    diabetes = read_back(real_dir / "diabetes.csv")
    expected = expected_selection(diabetes, "target", 3, discrete_target=True)
    assert not expected.target_binned
    assert [f["feature"] for f in document["features"]] == expected.names
    assert [f["score"] for f in document["features"]] == expected.scores.tolist()
    assert document["target_binned"] is False
    assert document["target_levels"] == diabetes["target"].nunique()
    h = discrete.entropy(diabetes["target"].to_numpy())
    assert document["target_entropy"] == pytest.approx(float(h), rel=1e-12)
    _, out, _ = run(capsys, "rank", path, "-t", "target", "-k", "3", "--discrete-target")
    assert out.splitlines()[2].startswith(f"target 'target': {document['target_levels']} classes")


def test_continuous_target_flag_overrides_the_rule(capsys, data_dir, frame):
    path = str(data_dir / "data.csv")
    document, _ = rank_json(capsys, path, "-t", "noise", "--continuous-target")
    expected = expected_selection(frame, "noise", 5, discrete_target=False)
    assert expected.target_binned
    assert [f["feature"] for f in document["features"]] == expected.names
    assert document["target_binned"] is True
    assert document["target_levels"] == 5  # 5 values, at most 16 bins: one bin per value
    _, out, _ = run(capsys, "rank", path, "-t", "noise", "--continuous-target")
    assert out.splitlines()[2].startswith(
        "target 'noise': binned as asked (--continuous-target) into 5 quantile bins"
    )
    document, _ = rank_json(capsys, path, "-t", "noise")  # 5 integers: labels
    assert document["target_binned"] is False


def test_adjusted_needs_no_warning_and_never_prints_minus_zero(capsys, real_dir):
    path = str(real_dir / "iris.csv")
    status, out, err = run(capsys, "rank", path, "-t", "species", "--adjusted")
    assert status == 0
    assert err == ""  # --adjusted: no near-unique warning
    assert "chance-adjusted mutual information (I - E[I])" in out.splitlines()[0]
    assert "-0.0000" not in out
    assert "-0.0%" not in out
    document, _ = rank_json(capsys, path, "-t", "species", "--adjusted")
    iris = read_back(real_dir / "iris.csv")
    expected = expected_selection(iris, "species", 5, adjusted=True)
    assert [f["feature"] for f in document["features"]] == expected.names
    assert [f["score"] for f in document["features"]] == expected.scores.tolist()
    assert document["adjusted"] is True
    row_id = next(f for f in document["features"] if f["feature"] == "row_id")
    assert row_id["relevance"] == pytest.approx(0.0, abs=1e-9)  # an ID carries no information
    assert document["features"][-1]["feature"] == "row_id"


def test_near_unique_warning_skips_binned_floats_but_not_discrete_ones(capsys, real_dir):
    path = str(real_dir / "diabetes.csv")
    status, _, err = run(capsys, "rank", path, "-t", "target", "-k", "2", "--discrete", "s2")
    assert status == 0
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0] == (
        "fastent: warning: 1 column(s) treated as labels look continuous (many distinct "
        "non-integer values; every value is a level): s2; drop them from --discrete to bin them"
    )
    assert lines[1].startswith("fastent: warning: near-unique column(s)")
    assert lines[1].endswith("chance: s2; pass --adjusted to correct for chance")


def test_fixed_point_never_shows_minus_zero():
    assert cli._fixed(-0.0) == "0.0000"
    assert cli._fixed(-1e-13) == "0.0000"
    assert cli._fixed(-0.00006) == "-0.0001"
    assert cli._fixed(-0.04, 1) == "0.0"
    assert cli._fixed(0.5) == "0.5000"


# ---- output: table, CSV, JSON, plot, file -------------------------------------------------------


def table_rows(out):
    """The rows of a table whose feature names have no spaces: lists of fields, the bar last."""
    lines = out.splitlines()
    assert lines[3].split() == ["rank", "feature", "score", "relevance", "share", "binned", "bar"]
    return [line.split() for line in lines[4:]]


def test_table_shows_shares_binned_columns_and_bars(capsys, real_dir):
    path = str(real_dir / "diabetes.csv")
    status, out, _ = run(capsys, "rank", path, "-t", "target", "-m", "mi", "--exclude", "sex")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == (
        "mi: 10 of 10 features of diabetes.csv ranked by mutual information with 'target' "
        "(442 rows; nats)"
    )
    assert lines[1] == f"score: {SCORE_MEANING['mi']}"
    document, _ = rank_json(capsys, path, "-t", "target", "-m", "mi", "--exclude", "sex")
    rows = table_rows(out)
    h = document["target_entropy"]
    assert [r[1] for r in rows] == [f["feature"] for f in document["features"]]
    assert [r[4] for r in rows] == [
        f"{100 * f['relevance'] / h:.1f}%" for f in document["features"]
    ]
    assert [r[5] for r in rows] == ["yes"] * 10  # every column is a float: all binned
    bars = [r[6] if len(r) > 6 else "" for r in rows]
    assert bars[0] == "\u2588" * cli.BAR_WIDTH
    # a bar is full blocks and one eighth block: its length in eighths is the relevance's share
    # of the largest, in 8 * BAR_WIDTH steps
    eighths = [sum(cli.BLOCKS.index(c) for c in bar) for bar in bars]
    top = document["features"][0]["relevance"]
    assert eighths == [
        round(8 * cli.BAR_WIDTH * f["relevance"] / top) for f in document["features"]
    ]
    assert eighths == sorted(eighths, reverse=True)  # mi: relevance decreases with the rank


def test_table_marks_binned_columns(capsys, data_dir, frame):
    status, out, _ = run(capsys, "rank", str(data_dir / "data.csv"), "-t", "label", "-m", "mi")
    assert status == 0
    binned = {r[1]: r[5] for r in table_rows(out)}
    assert binned == {"copy": "no", "level": "yes", "colour": "no", "flag": "no", "noise": "no"}


def test_csv_and_json_carry_the_new_fields(capsys, real_dir):
    path = str(real_dir / "iris.csv")
    status, out, _ = run(capsys, "rank", path, "-t", "species", "-k", "3", "-f", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["rank", "feature", "score", "relevance", "relevance_share", "binned"]
    document, _ = rank_json(capsys, path, "-t", "species", "-k", "3")
    h = document["target_entropy"]
    assert [float(r["relevance_share"]) for r in rows] == [
        f["relevance"] / h for f in document["features"]
    ]
    assert [r["binned"] for r in rows] == ["false", "true", "true"]
    assert [r["feature"] for r in rows] == ["row_id", "petal width (cm)", "petal length (cm)"]
    assert {
        "target_entropy",
        "target_binned",
        "target_levels",
        "unit",
        "base",
        "adjusted",
        "binned",
        "missing",
        "score_meaning",
    } <= set(document)
    assert document["unit"] == "nats"
    assert document["base"] is None
    assert document["score_meaning"] == SCORE_MEANING["mrmr"]
    assert [f["binned"] for f in document["features"]] == [False, True, True]


def test_constant_target_has_no_shares(capsys, tmp_path):
    path = tmp_path / "constant.csv"
    path.write_text("a,b,y\n" + "".join(f"{i % 3},{i % 2},same\n" for i in range(30)))
    status, out, _ = run(capsys, "rank", str(path), "-t", "y", "-m", "mi")
    assert status == 0
    assert [r[4] for r in table_rows(out)] == ["n/a", "n/a"]
    document, _ = rank_json(capsys, str(path), "-t", "y", "-m", "mi")
    assert document["target_entropy"] == 0.0
    assert [f["relevance_share"] for f in document["features"]] == [None, None]


def test_base_2_gives_bits(capsys, real_dir):
    path = str(real_dir / "iris.csv")
    nats, _ = rank_json(capsys, path, "-t", "species")
    bits, _ = rank_json(capsys, path, "-t", "species", "--base", "2")
    assert bits["unit"] == "bits"
    assert bits["base"] == 2.0
    np.testing.assert_allclose(
        [f["score"] for f in bits["features"]],
        [f["score"] / np.log(2) for f in nats["features"]],
        rtol=1e-12,
    )
    assert bits["target_entropy"] == pytest.approx(np.log2(3), rel=1e-12)
    _, out, _ = run(capsys, "rank", path, "-t", "species", "--base", "2")
    assert out.splitlines()[0].endswith("(150 rows; bits)")
    assert out.splitlines()[2] == f"target 'species': 3 classes; H(species) = {np.log2(3):.4f} bits"


def test_output_file(capsys, tmp_path, real_dir):
    target = tmp_path / "ranking.json"
    path = str(real_dir / "iris.csv")
    status, out, _ = run(capsys, "rank", path, "-t", "species", "-f", "json", "-o", str(target))
    assert status == 0
    assert out == ""
    document, _ = rank_json(capsys, path, "-t", "species")
    assert json.loads(target.read_text(encoding="utf-8")) == document
    table = tmp_path / "ranking.txt"
    status, out, _ = run(capsys, "rank", path, "-t", "species", "-o", str(table))
    assert status == 0
    assert out == ""
    assert "\u2588" in table.read_text(encoding="utf-8")  # bars: the file is UTF-8
    status, out, err = run(capsys, "rank", path, "-t", "species", "-o", str(tmp_path / "no/x"))
    assert status == 1
    assert err.splitlines()[-1].startswith("fastent: error: cannot write ")


def capture_axes(monkeypatch):
    """Record the Axes every Selection.plot call returns."""
    drawn = []
    plot = selection.Selection.plot

    def spy(self, ax=None):
        drawn.append(plot(self, ax))
        return drawn[-1]

    monkeypatch.setattr(selection.Selection, "plot", spy)
    return drawn


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_renders_the_ranking_headless(capsys, monkeypatch, tmp_path, real_dir, suffix):
    pytest.importorskip("matplotlib")
    drawn = capture_axes(monkeypatch)
    plot = tmp_path / f"ranking{suffix}"
    path = str(real_dir / "diabetes.csv")
    document, _ = rank_json(capsys, path, "-t", "target", "-k", "4", "--plot", str(plot))
    data = plot.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        assert b"<svg" in data[:1000]
    import matplotlib

    assert matplotlib.get_backend().lower() == "agg"
    (ax,) = drawn
    names = [f["feature"] for f in document["features"]]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"{i}. {name}" for i, name in enumerate(names, start=1)]
    assert ax.yaxis_inverted()  # the first pick on top
    scores, relevance = ax.containers[0], ax.containers[1]
    assert [bar.get_width() for bar in scores] == [f["score"] for f in document["features"]]
    assert [bar.get_width() for bar in relevance] == [f["relevance"] for f in document["features"]]
    ys = [bar.get_y() for bar in scores]
    assert ys == sorted(ys)  # in rank order: 1 at the top of the inverted axis


def test_plot_of_the_example_names_the_pixels(capsys, monkeypatch, tmp_path):
    pytest.importorskip("matplotlib")
    drawn = capture_axes(monkeypatch)
    status, out, _ = run(capsys, "rank", "--example", "-k", "3", "--plot", str(tmp_path / "p.png"))
    assert status == 0
    names = [r[1] for r in table_rows(out)]
    assert [t.get_text() for t in drawn[0].get_yticklabels()] == [
        f"{i}. {name}" for i, name in enumerate(names, start=1)
    ]
    assert names[0].startswith("pixel_")


def test_plot_without_matplotlib_says_what_to_install(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    status, out, err = run(capsys, "rank", "--example", "--plot", str(tmp_path / "p.png"))
    assert_one_line_error(
        status, out, err, 1, "--plot needs matplotlib: pip install 'fastentropy[plot]'"
    )
    assert not (tmp_path / "p.png").exists()


def test_tables_on_an_ascii_terminal_use_hashes():
    proc = subprocess.run(
        [sys.executable, "-m", "fastent", "rank", "--example", "-k", "3"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    assert proc.returncode == 0, proc.stderr
    rows = table_rows(proc.stdout)
    assert rows[0][6] == "#" * cli.BAR_WIDTH


# ---- which columns ------------------------------------------------------------------------------


def test_k_above_the_features_warns_and_keeps_them_all(capsys, data_dir):
    status, out, err = run(capsys, "rank", str(data_dir / "data.csv"), "-t", "label", "-k", "6")
    assert status == 0
    assert (
        err
        == "fastent: warning: --k 6 is more than the 5 features: ranking all 5 (as SelectKBest)\n"
    )
    assert len(table_rows(out)) == 5
    status, out, err = run(capsys, "rank", "--example", "-k", "65")
    assert status == 0
    assert err.count("\n") == 1
    assert len(table_rows(out)) == 64


def test_columns_and_exclude_choose_the_features(capsys, data_dir, frame):
    path = str(data_dir / "data.csv")
    document, _ = rank_json(capsys, path, "-t", "label", "--columns", "noise", "copy", "-m", "mi")
    expected = selection.select_features(frame[["copy", "noise"]], frame["label"], 2, method="mi")
    assert document["n_features"] == 2
    assert [f["feature"] for f in document["features"]] == expected.names
    assert [f["score"] for f in document["features"]] == expected.scores.tolist()
    document, _ = rank_json(capsys, path, "-t", "label", "--exclude", "copy", "label")
    features = frame.drop(columns=["copy", "label"])
    expected = selection.select_features(features, frame["label"], 4)
    assert document["n_features"] == 4
    assert [f["feature"] for f in document["features"]] == expected.names
    assert [f["score"] for f in document["features"]] == expected.scores.tolist()


def test_columns_of_the_example(capsys):
    argv = ["rank", "--example", "--columns", "pixel_2_5", "pixel_0_0", "-f", "json"]
    status, out, _ = run(capsys, *argv)
    assert status == 0
    document = json.loads(out)
    assert [f["feature"] for f in document["features"]] == ["pixel_2_5", "pixel_0_0"]
    assert document["n_features"] == 2


def test_discrete_and_continuous_override_the_dtype_rule(capsys, data_dir, frame):
    path = str(data_dir / "data.csv")
    argv = [path, "-t", "label", "--discrete", "level", "--continuous", "noise", "-m", "mi"]
    document, err = rank_json(capsys, *argv)
    continuous, near_unique = err.splitlines()  # level: 400 floats in 400 rows, as labels
    assert continuous.startswith("fastent: warning: 1 column(s) treated as labels look continuous")
    assert continuous.endswith(": level; drop them from --discrete to bin them")
    assert near_unique.endswith("by chance: level; pass --adjusted to correct for chance")
    assert document["binned"] == ["noise"]
    features = frame.drop(columns=["label"])
    with pytest.warns(UserWarning, match="looks continuous"):
        expected = selection.select_features(
            features, frame["label"], 5, method="mi", discrete=[True, True, True, True, False]
        )
    assert [f["feature"] for f in document["features"]] == expected.names
    assert [f["score"] for f in document["features"]] == expected.scores.tolist()
    assert {f["feature"]: f["binned"] for f in document["features"]} == {
        "copy": False,
        "level": False,
        "colour": False,
        "flag": False,
        "noise": True,
    }


def test_reads_only_the_needed_columns_with_pyarrow(capsys, monkeypatch, data_dir, frame, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pcsv = pytest.importorskip("pyarrow.csv")
    pq = pytest.importorskip("pyarrow.parquet")
    seen = {}
    read_csv, read_table, select = pcsv.read_csv, pq.read_table, selection.select_features

    def spy_csv(source, **kw):
        seen["csv"] = kw["convert_options"].include_columns
        return read_csv(source, **kw)

    def spy_parquet(path, columns=None, **kw):
        seen["parquet"] = columns
        return read_table(path, columns=columns, **kw)

    def spy_select(X, y, k, **kw):
        seen["X"], seen["y"] = type(X), type(y)
        return select(X, y, k, **kw)

    monkeypatch.setattr(pcsv, "read_csv", spy_csv)
    monkeypatch.setattr(pq, "read_table", spy_parquet)
    monkeypatch.setattr(selection, "select_features", spy_select)
    argv = ["-t", "label", "--columns", "noise", "copy"]
    document, _ = rank_json(capsys, str(data_dir / "data.csv"), *argv)
    assert seen["csv"] == ["copy", "noise", "label"]  # the file's order
    assert seen["X"] is pa.Table
    assert seen["y"] is pa.ChunkedArray
    frame.to_parquet(tmp_path / "data.parquet")
    from_parquet, _ = rank_json(capsys, str(tmp_path / "data.parquet"), *argv)
    assert seen["parquet"] == ["copy", "noise", "label"]
    assert from_parquet["features"] == document["features"]


def test_pandas_reads_the_same_without_pyarrow(capsys, monkeypatch, real_dir):
    pd = pytest.importorskip("pandas")
    argv = [str(real_dir / "iris_nan.csv"), "-t", "species", "--missing", "level"]
    with_arrow, _ = rank_json(capsys, *argv, "--exclude", "petal length (cm)")
    seen = []
    select = selection.select_features
    monkeypatch.setattr(cli, "_have", lambda module: module != "pyarrow")
    monkeypatch.setattr(
        selection,
        "select_features",
        lambda X, *a, **kw: seen.append(type(X)) or select(X, *a, **kw),
    )
    with_pandas, _ = rank_json(capsys, *argv, "--exclude", "petal length (cm)")
    assert seen == [pd.DataFrame]
    assert with_pandas == with_arrow


def test_csv_needs_no_pandas_with_pyarrow(real_dir):
    pytest.importorskip("pyarrow")
    code = (
        "import importlib.abc, sys\n"
        "class NoPandas(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'pandas' or name.startswith('pandas.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, NoPandas())\n"
        "from fastent.cli import main\n"
        f"status = main(['rank', {str(real_dir / 'iris_nan.csv')!r}, '-t', 'species',\n"
        "               '--missing', 'drop', '-f', 'csv', '--adjusted'])\n"
        "assert 'pandas' not in sys.modules\n"
        "sys.exit(status)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert len(proc.stdout.splitlines()) == 6


def test_real_data_end_to_end_in_a_subprocess(tmp_path, real_dir):
    pytest.importorskip("matplotlib")
    out, plot = tmp_path / "ranking.json", tmp_path / "ranking.png"
    argv = [str(real_dir / "iris_nan.csv"), "--target", "species", "--missing", "level"]
    argv += ["--adjusted", "-k", "3", "--format", "json", "-o", str(out), "--plot", str(plot)]
    proc = subprocess.run(
        [sys.executable, "-m", "fastent", "rank", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr == ""
    document = json.loads(out.read_text(encoding="utf-8"))
    iris = read_back(real_dir / "iris_nan.csv")
    expected = expected_selection(iris, "species", 3, missing="level", adjusted=True)
    assert [f["feature"] for f in document["features"]] == expected.names
    assert document["adjusted"] is True
    assert document["target_levels"] == 4  # three species and the missing one
    assert plot.read_bytes().startswith(b"\x89PNG")
    proc = subprocess.run(
        [sys.executable, "-m", "fastent", "rank", str(real_dir / "iris_nan.csv"), "-t", "species"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("fastent: error: missing values (NaN, None, null) in 3 columns")


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
    (["rank", "{d}/nan.csv", "-t", "label"], 1, "in column level (1 of 400 rows, first at row 7)"),
    (["rank", "{d}/nan_target.csv", "-t", "label"], 1, "target column 'label': y[3] is missing"),
    (["rank", "{d}/nan.csv", "-t", "label", "--missing", "maybe"], 2, "invalid choice: 'maybe'"),
    (["rank", "{d}/data.csv", "-t", "nope"], 2, "unknown target column 'nope'"),
    (["rank", "{d}/data.csv", "-t", "label", "-m", "relief"], 2, "invalid choice: 'relief'"),
    (["rank", "{d}/data.csv", "-t", "label", "-k", "0"], 2, "--k must be at least 1, got 0"),
    (["rank", "{d}/data.csv", "-t", "label", "-k", "two"], 2, "invalid int value"),
    (["rank", "{d}/data.csv", "-t", "label", "--bins", "1"], 2, "--bins must be in [2, 65536]"),
    (["rank", "{d}/data.csv", "-t", "label", "--n-jobs", "0"], 2, "--n-jobs = 0 is invalid"),
    (["rank", "{d}/data.csv", "-t", "label", "--colour"], 2, "unrecognized arguments"),
    (["rank", "{d}/data.csv", "-t", "label", "--columns", "copy", "copy"], 2, "'copy' twice"),
    (["rank", "{d}/data.csv", "-t", "label", "--exclude", "copy", "copy"], 2, "'copy' twice"),
    (
        ["rank", "{d}/data.csv", "-t", "label", "--columns", "nope"],
        2,
        "--columns: no column 'nope'",
    ),
    (
        ["rank", "{d}/data.csv", "-t", "label", "--exclude", "nope"],
        2,
        "--exclude: no column 'nope'",
    ),
    (["rank", "{d}/data.csv", "-t", "label", "--columns", "label"], 2, "never a feature"),
    (
        ["rank", "{d}/data.csv", "-t", "label", "--columns", "copy", "--exclude", "level"],
        2,
        "not allowed with",
    ),
    (
        [
            "rank",
            "{d}/data.csv",
            "-t",
            "label",
            "--exclude",
            "copy",
            "level",
            "colour",
            "flag",
            "noise",
        ],
        2,
        "--exclude leaves no columns to rank",
    ),
    (["rank", "{d}/data.csv", "-t", "label", "--discrete", "nope"], 2, "--discrete: no column"),
    (
        ["rank", "{d}/data.csv", "-t", "label", "--discrete", "level", "--continuous", "level"],
        2,
        "'level' is in both --discrete and --continuous",
    ),
    (["rank", "{d}/data.csv", "-t", "label", "--discrete", "label"], 2, "--discrete-target"),
    (
        ["rank", "{d}/data.csv", "-t", "label", "--continuous-target"],
        1,
        "target column 'label': column y is not numeric",
    ),
    (
        ["rank", "{d}/data.csv", "-t", "label", "--discrete-target", "--continuous-target"],
        2,
        "not allowed with",
    ),
    (
        ["rank", "{d}/data.csv", "-t", "label", "--plot", "out.pdf"],
        2,
        "--plot FILE must end in .png or .svg, got 'out.pdf'",
    ),
    (["rank", "{d}/data.csv", "-t", "label", "--plot", "out"], 2, "must end in .png or .svg"),
    (["rank", "{d}/data.csv", "-t", "label", "--base", "1"], 2, "--base must be positive"),
    (["rank", "{d}/data.csv", "-t", "label", "--base", "two"], 2, "invalid float value"),
    (["rank", "{d}/data.csv", "-t", "label", "--sep", ";;"], 2, "--sep must be one character"),
    (["rank", "--example", "--columns", "pixel_9_9"], 2, "--columns: no column 'pixel_9_9'"),
    (["rank", "{d}/data.csv"], 2, "--target COL is required"),
    (["rank"], 2, "or --example"),
    (["rank", "{d}/data.csv", "--example"], 2, "not both"),
    (["rank", "--example", "-t", "pixel_9_9"], 2, "unknown target column 'pixel_9_9'"),
    (["rank", "--example", "-k", "-1"], 2, "--k must be at least 1, got -1"),
    ([], 2, "required: COMMAND"),
    (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    (["bench", "--repeats", "0"], 2, "--repeats must be at least 1"),
    (["bench", "--n-jobs", "0"], 2, "--n-jobs = 0 is invalid"),
]


@pytest.mark.parametrize(("argv", "status", "fragment"), BAD, ids=lambda x: str(x)[:40])
def test_bad_input_is_one_line_and_an_exit_status(capsys, data_dir, argv, status, fragment):
    args = [a.replace("{d}", str(data_dir)) for a in argv]
    assert_one_line_error(*run(capsys, *args), status, fragment)


def test_without_pandas_and_pyarrow_says_what_to_install(capsys, monkeypatch, data_dir):
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    status, out, err = run(capsys, "rank", str(data_dir / "data.csv"), "-t", "label")
    assert_one_line_error(status, out, err, 1, "needs pyarrow or pandas: pip install pyarrow")
    assert "'fastentropy[pandas]'" in err


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
    for option in ["--missing", "--adjusted", "--plot", "--output", "--sep", "--base"]:
        assert option in out
    for option in ["--columns", "--exclude", "--discrete", "--continuous", "--discrete-target"]:
        assert option in out
    text = " ".join(out.split())
    assert 'discrete="auto"' in text
    assert (
        'scikit-learn\'s discrete_features="auto" treats every column of dense input as continuous'
        in text
    )
    assert "warns and keeps them all, as scikit-learn's SelectKBest" in text
    assert "(default: 16)" in text
    assert "(default: mrmr)" in text
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
    assert len(capsys.readouterr().out.splitlines()) == 8


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


# ---- streaming: --chunksize and --scheduler ------------------------------------------------------


def assert_same_report(got, expected):
    """Two JSON reports equal: names and order exactly, numbers to the last bits (the streamed
    counts sum a table's cells in the coder's sorted order, the in-memory call sometimes in
    order of first appearance)."""
    if isinstance(expected, dict):
        assert got.keys() == expected.keys()
        for key in expected:
            assert_same_report(got[key], expected[key])
    elif isinstance(expected, list):
        assert len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            assert_same_report(g, e)
    elif isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)
    else:
        assert got == expected


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("iris.csv", []),
        ("iris.parquet", ["--method", "jmi"]),
        ("iris.tsv.gz", ["--method", "mi", "--base", "2"]),
        ("iris_nan.csv", ["--missing", "level"]),
        ("iris_nan.parquet", ["--missing", "drop", "--method", "cmim"]),
        ("iris.csv", ["--strategy", "uniform", "--bins", "5", "--adjusted"]),
    ],
)
@pytest.mark.parametrize("chunksize", ["7", "1000"])
def test_chunksize_streams_to_the_in_memory_ranking(capsys, real_dir, name, options, chunksize):
    # files smaller than the edges' sample: the edges are the in-memory ones, so are the numbers
    if name.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    argv = [str(real_dir / name), "--target", "species", *options]
    expected, expected_err = rank_json(capsys, *argv)
    got, err = rank_json(capsys, *argv, "--chunksize", chunksize)
    assert_same_report(got, expected)
    assert err == expected_err  # the same warnings (row_id is near-unique)


def test_chunksize_bins_a_continuous_target(capsys, real_dir):
    pytest.importorskip("pyarrow")
    argv = [str(real_dir / "diabetes.parquet"), "--target", "target", "--k", "4"]
    expected, _ = rank_json(capsys, *argv)
    got, _ = rank_json(capsys, *argv, "--chunksize", "50")
    assert got["target_binned"] is True
    assert_same_report(got, expected)


def test_chunksize_fits_edges_on_a_sample_of_a_larger_file(capsys, monkeypatch, real_dir):
    # a sample smaller than the file: edges from 100 sampled rows, close to the in-memory ranking
    pytest.importorskip("pyarrow")
    monkeypatch.setattr(cli, "SAMPLE_ROWS", 100)
    argv = [str(real_dir / "iris.parquet"), "--target", "species", "--method", "mi"]
    expected, _ = rank_json(capsys, *argv)
    got, _ = rank_json(capsys, *argv, "--chunksize", "30")
    assert got["n_rows"] == expected["n_rows"] == 150
    top = [row["feature"] for row in expected["features"][:3]]
    assert [row["feature"] for row in got["features"][:3]] == top
    for g, e in zip(got["features"], expected["features"], strict=True):
        assert g["relevance"] == pytest.approx(e["relevance"], rel=0.15)


def test_scheduler_local_counts_through_dask(capsys, real_dir):
    pytest.importorskip("distributed")
    argv = [str(real_dir / "iris.parquet"), "--target", "species"]
    expected, _ = rank_json(capsys, *argv)
    got, _ = rank_json(capsys, *argv, "--scheduler", "local", "--chunksize", "40")
    assert_same_report(got, expected)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--chunksize", "0"], "--chunksize must be at least 1, got 0"),
        (["--chunksize", "10", "--continuous-estimator", "knn"], "needs every row at once"),
    ],
)
def test_streaming_usage_errors(capsys, real_dir, argv, fragment):
    status, out, err = run(capsys, "rank", str(real_dir / "iris.csv"), "-t", "species", *argv)
    assert_one_line_error(status, out, err, 2, fragment)


def test_streaming_needs_a_file(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a,b\n1,2\n"))
    status, out, err = run(capsys, "rank", "-", "-t", "b", "--chunksize", "10")
    assert_one_line_error(status, out, err, 2, "read a file, not stdin")
    status, out, err = run(capsys, "rank", "--example", "--chunksize", "10")
    assert_one_line_error(status, out, err, 2, "read a file, not --example")


def test_streaming_missing_values_error_names_the_chunk(capsys, real_dir):
    status, out, err = run(
        capsys, "rank", str(real_dir / "iris_nan.csv"), "-t", "species", "--chunksize", "4"
    )
    assert_one_line_error(status, out, err, 1, "chunk 0")
