# SPDX-License-Identifier: BSD-3-Clause
"""fastent.dask on a real distributed cluster (two worker processes): Dask arrays and DataFrames
give the numbers of the in-memory fastent.selection call on the computed data, lazily with
compute=False, through a tree of merges, with one fastent thread per task, and the right answer
when a worker dies mid-computation; Dask collections are never computed behind the user's back."""

import os
import signal
import sys
import time

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from fastent import selection as S
from fastent._core.threads import PARALLEL_MIN_WORK

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
cloudpickle = pytest.importorskip("cloudpickle")

from dask.delayed import Delayed  # noqa: E402

import fastent.dask as fd  # noqa: E402 - needs dask
from fastent.stream import MutualInfoAccumulator  # noqa: E402

# the workers unpickle this module's functions by value (it is not importable there)
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def client():
    """A local cluster of two worker processes, one thread each, as the default scheduler."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def data(n=3000, seed=0):
    """A table of every column kind (labels first seen in later partitions) and its target."""
    rng = np.random.default_rng(seed)
    s = rng.choice(["b", "a", "c"], n).astype(object)
    s[-400:] = "late"
    df = pd.DataFrame(
        {
            "s": pd.Categorical(s, categories=["a", "b", "c", "late"]),
            "i": rng.integers(0, 6, n),
            "f": rng.normal(size=n),
            "b": rng.random(n) < 0.5,
        }
    )
    y = np.array(df["i"] % 3 + (df["f"] > 0.5) + (rng.random(n) < 0.1))
    y[-300:] = 9  # a target level of the last partitions only
    return df, y


def edges_of(df):
    return {"f": S.discretize(df[["f"]])[1][0]}


def test_arrays_equal_in_memory(client):
    rng = np.random.default_rng(1)
    X = rng.integers(0, 5, (4000, 5), dtype=np.int16)
    X[2000:, 1] += 4
    y = (X[:, 0] + X[:, 1] // 4 + (rng.random(4000) < 0.2)) % 4
    dX = da.from_array(X, chunks=(333, 2))  # columns in 3 chunks: rechunked into one
    dy = da.from_array(y, chunks=500)  # other row chunks: rechunked to dX's
    for estimator in ("plugin", "chao_shen"):
        assert_array_equal(
            fd.mutual_info_scores(dX, dy, estimator=estimator, split_every=3),
            S.mutual_info_scores(X, y, estimator=estimator),
        )
    assert_array_equal(fd.mutual_info_matrix(dX, base=2), S.mutual_info_matrix(X, base=2))
    for method in S.METHODS:
        got = fd.select_features(dX, dy, 3, method=method)
        expected = S.select_features(X, y, 3, method=method)
        assert_array_equal(got.indices, expected.indices)
        assert_array_equal(got.scores, expected.scores)


def test_dataframes_equal_in_memory(client):
    df, y = data()
    ddf = dd.from_pandas(df.assign(y=y), npartitions=7)
    edges = edges_of(df)
    expected = S.mutual_info_scores(df, y)
    assert_array_equal(fd.mutual_info_scores(ddf, "y", edges=edges), expected)
    assert_array_equal(
        fd.mutual_info_scores(ddf.drop(columns="y"), ddf["y"], edges=edges), expected
    )
    assert_array_equal(
        fd.mutual_info_scores(ddf, "y", edges=edges, adjusted=True),
        S.mutual_info_scores(df, y, adjusted=True),
    )
    assert_array_equal(
        fd.mutual_info_matrix(ddf.drop(columns="y"), edges=edges), S.mutual_info_matrix(df)
    )
    got = fd.select_features(ddf, "y", 3, method="cmim", edges=edges)
    expected_selection = S.select_features(df, y, 3, method="cmim")
    assert_array_equal(got.indices, expected_selection.indices)
    assert_array_equal(got.scores, expected_selection.scores)
    assert got.names == expected_selection.names


def test_missing_values_dropped_per_partition(client):
    df, y = data()
    target = pd.Series(y, dtype="Int64")
    target[::17] = pd.NA
    df["i"] = df["i"].where(np.arange(len(df)) % 13 > 0).astype(float)  # NaN: marked discrete
    ddf = dd.from_pandas(df.assign(y=target), npartitions=5)
    kwargs = {"discrete": ["s", "i", "b"], "missing": "drop"}
    got = fd.mutual_info_scores(ddf, "y", edges=edges_of(df), **kwargs)
    binned = df.assign(f=np.searchsorted(edges_of(df)["f"][1:-1], df["f"], side="right"))
    expected = S.mutual_info_scores(binned, target, discrete=True, missing="drop")
    assert_array_equal(got, expected)
    assert not np.array_equal(
        got, fd.mutual_info_scores(ddf, "y", edges=edges_of(df), **kwargs | {"missing": "level"})
    )


def test_lazy_result_and_a_tree_of_merges(client):
    X = np.arange(6000).reshape(2000, 3) % 7
    y = X[:, 0] % 2
    dX, dy = da.from_array(X, chunks=(100, 3)), da.from_array(y, chunks=100)
    lazy = fd.mutual_info_scores(dX, dy, compute=False, split_every=4)
    assert isinstance(lazy, Delayed)
    graph = dict(lazy.__dask_graph__())
    merges = [k for k in graph if str(k).startswith("_merged")]
    assert len(merges) == 5 + 2 + 1  # 20 partitions merged 4 at a time: 5, then 2, then 1
    assert_array_equal(lazy.compute(), S.mutual_info_scores(X, y))
    acc = fd.accumulate(dX, dy, pairs=True)
    assert isinstance(acc, MutualInfoAccumulator)
    assert (acc.n_samples, acc.n_chunks) == (2000, 20)
    assert_array_equal(acc.select(2).indices, S.select_features(X, y, 2).indices)
    lazy_selection = fd.select_features(dX, dy, 2, method="jmi", compute=False)
    assert_array_equal(
        lazy_selection.compute().indices, S.select_features(X, y, 2, method="jmi").indices
    )


def test_partition_errors_name_the_partition(client):
    df, y = data(n=400)
    df["i"] = df["i"].where(df.index != 250)
    ddf = dd.from_pandas(df.assign(y=y), npartitions=4)
    with pytest.raises(ValueError, match=r"partition 2: missing values .* column i"):
        fd.mutual_info_scores(ddf, "y", edges=edges_of(df), discrete=["s", "i", "b"])


def _part(i, folder):
    """Partition i of a table; partition 1 records the worker's pid and waits to be killed (the
    first time, until the test kills the worker: then it is run again, elsewhere)."""
    if i == 1 and folder is not None:
        with open(os.path.join(folder, "runs"), "a") as f:
            f.write(f"{os.getpid()}\n")
        if not os.path.exists(os.path.join(folder, "killed")):
            with open(os.path.join(folder, "pid"), "w") as f:
                f.write(str(os.getpid()))
            time.sleep(60)
    rng = np.random.default_rng(i)
    return pd.DataFrame({"a": rng.integers(0, 4, 500), "b": rng.integers(0, 3, 500)}).assign(
        y=lambda d: (d["a"] + (rng.random(500) < 0.3)) % 2
    )


def test_a_worker_killed_mid_computation(client, tmp_path):
    folder = str(tmp_path)
    meta = {"a": "int64", "b": "int64", "y": "int64"}
    ddf = dd.from_delayed([dask.delayed(_part)(i, folder) for i in range(4)], meta=meta)
    future = client.compute(fd.mutual_info_scores(ddf, "y", compute=False))
    pid_file = tmp_path / "pid"
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "partition 1 never started"
        time.sleep(0.05)
    (tmp_path / "killed").write_text("yes")
    os.kill(int(pid_file.read_text()), signal.SIGKILL)
    got = future.result(timeout=120)
    table = pd.concat([_part(i, None) for i in range(4)])
    assert_array_equal(got, S.mutual_info_scores(table[["a", "b"]], table["y"]))
    runs = (tmp_path / "runs").read_text().split()
    assert len(runs) == 2  # partition 1 ran again, on a new worker process
    assert runs[0] != runs[1]


def test_one_fastent_thread_per_task(monkeypatch):
    """Inside the tasks fastent counts with one thread (Dask runs the tasks in parallel)."""
    from fastent.selection import _stream

    asked = []

    def recording(n_jobs=None, work=PARALLEL_MIN_WORK):
        threads = real(n_jobs, work)
        asked.append((n_jobs, work, threads))
        return threads

    real = _stream.effective_n_threads
    monkeypatch.setattr(_stream, "effective_n_threads", recording)
    X = np.random.default_rng(2).integers(0, 3, (100_000, 4))
    dX, dy = da.from_array(X, chunks=(25_000, 4)), da.from_array(X[:, 0], chunks=25_000)
    with dask.config.set(scheduler="threads"):
        fd.select_features(dX, dy, 2, method="mrmr")
    in_tasks = asked[1:]  # the first: the settings checked from the metadata, in the caller
    assert {(n_jobs, threads) for n_jobs, _, threads in in_tasks} == {(1, 1)}
    assert max(work for _, work, _ in in_tasks) >= PARALLEL_MIN_WORK  # n_jobs=None: 2 threads


def test_dask_collections_are_never_computed_by_the_in_memory_api():
    calls = []

    def part(i):
        calls.append(i)
        return pd.DataFrame({"a": [0, 1, 1, 0]})

    ddf = dd.from_delayed([dask.delayed(part)(i) for i in range(2)], meta={"a": "int64"})
    arr = da.from_array(np.eye(4, dtype=int), chunks=2)
    for call in (
        lambda: S.mutual_info_scores(ddf, [0, 1, 1, 0] * 2),
        lambda: S.select_features(arr, [0, 1, 1, 0], 1),
        lambda: S.mutual_info_matrix(ddf),
        lambda: MutualInfoAccumulator().update(ddf, [0, 1]),
    ):
        with pytest.raises(TypeError, match=r"Dask collection.*fastent\.dask"):
            call()
    assert calls == []


def test_bad_inputs():
    X = np.zeros((10, 2), dtype=int)
    dX = da.from_array(X, chunks=5)
    with pytest.raises(TypeError, match=r"fastent\.dask takes Dask .*use fastent\.selection"):
        fd.mutual_info_scores(X, np.zeros(10))
    with pytest.raises(TypeError, match="dy is a ndarray"):
        fd.mutual_info_scores(dX, np.zeros(10))
    with pytest.raises(ValueError, match="2-D"):
        fd.mutual_info_scores(dX[:, 0], dX[:, 0])
    with pytest.raises(ValueError, match="split alike"):
        fd.mutual_info_scores(dX, da.from_array(np.zeros(12), chunks=4))
    with pytest.raises(ValueError, match="estimator must be one of"):
        fd.mutual_info_scores(dX, dX[:, 0], estimator="ml")
    with pytest.raises(ValueError, match="method must be one of"):
        fd.select_features(dX, dX[:, 0], 1, method="best")
    with pytest.raises(ValueError, match=r"k must be in \[1, n_features=2\]"):
        fd.select_features(dX, dX[:, 0], 3)
    with pytest.raises(ValueError, match="split_every"):
        fd.mutual_info_scores(dX, dX[:, 0], split_every=1)
    # the columns are checked from the metadata, before anything is computed
    df = pd.DataFrame({"f": np.linspace(0, 1, 10), "y": [0, 1] * 5})
    ddf = dd.from_pandas(df, npartitions=2)
    with pytest.raises(ValueError, match=r"dX's metadata: column 'f' is continuous: pass its bin"):
        fd.mutual_info_scores(ddf, "y")
    with pytest.raises(ValueError, match="no column 'z'"):
        fd.mutual_info_scores(ddf, "z")


def test_columns_of_one_parquet_source_as_x_and_y(client, tmp_path):
    # X and y projected apart from one read_parquet: Dask may read them in different
    # partitions (it combines small ones per projection); joined again, they line up
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(3)
    frames = []
    for i in range(6):
        part = pd.DataFrame(rng.integers(0, 4, (500, 3)), columns=["a", "b", "c"])
        part["y"] = (part["a"] + rng.integers(0, 2, 500)) % 3
        part.to_parquet(tmp_path / f"part-{i}.parquet")
        frames.append(part)
    whole = pd.concat(frames, ignore_index=True)
    table = dd.read_parquet(str(tmp_path))
    got = fd.mutual_info_scores(table[["a", "b", "c"]], table["y"])
    assert_array_equal(got, S.mutual_info_scores(whole[["a", "b", "c"]], whole["y"]))
