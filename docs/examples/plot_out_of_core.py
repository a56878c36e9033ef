# SPDX-License-Identifier: BSD-3-Clause
"""
Out-of-core scoring: ``fastent.stream`` and Dask
================================================

Mutual information is a function of count tables, and count tables add up. So data that never
fits in memory is scored chunk by chunk with a
:class:`~fastent.stream.MutualInfoAccumulator` (``update`` per chunk, ``merge`` across
processes), or partition by partition on a Dask cluster with :mod:`fastent.dask`; both give the
numbers of the in-memory functions. Here the data is the handwritten-digits table that ships
with fastent (``fastent/data/digits.csv.gz``, 1,797 rows: small, so the results can be checked
against the in-memory call; the code is the same for a file of a billion rows).
"""

# %%
# Chunk by chunk from a compressed CSV file
# -----------------------------------------
#
# pandas reads the file 250 rows at a time; each chunk is counted into the accumulator and
# dropped. Only the count tables stay in memory (``pairs=True`` keeps the tables of every pair of
# columns too, which mRMR needs).
import time
from importlib import resources

import dask.dataframe as dd
import matplotlib.pyplot as plt
import pandas as pd
from distributed import Client, LocalCluster

import fastent.dask
from fastent import selection
from fastent.stream import MutualInfoAccumulator

path = resources.files("fastent") / "data" / "digits.csv.gz"
names = [f"pixel_{i}_{j}" for i in range(8) for j in range(8)] + ["digit"]

acc = MutualInfoAccumulator(pairs=True)
with resources.as_file(path) as csv:
    for chunk in pd.read_csv(csv, header=None, names=names, chunksize=250):
        acc.update(chunk.drop(columns="digit"), chunk["digit"])
print(acc)
streamed = acc.scores()
picks = acc.select(10, method="mrmr")
print("mRMR picks:", picks.names)

# %%
# The same numbers as on the whole table in memory:
with resources.as_file(path) as csv:
    table = pd.read_csv(csv, header=None, names=names)
in_memory = selection.mutual_info_scores(table.drop(columns="digit"), table["digit"])
print("scores identical:", bool((streamed == in_memory).all()))
print(
    "picks identical: ",
    picks.names == selection.select_features(table.drop(columns="digit"), table["digit"], 10).names,
)

# %%
# Accumulators merge: chunks counted in different processes or machines (here, two halves of
# the file) are added up in any order, and they pickle, so they travel.
first, second = MutualInfoAccumulator(), MutualInfoAccumulator()
first.update(table.iloc[:900, :64], table["digit"][:900])
second.update(table.iloc[900:, :64], table["digit"][900:])
print("merged = streamed:", bool((second.merge(first).scores() == streamed).all()))

# %%
# On a Dask cluster
# -----------------
#
# :mod:`fastent.dask` counts every partition where it lies (one task, one fastent thread) and
# merges the accumulators by a tree of tasks; only count tables travel between the workers. A
# ``distributed.LocalCluster`` of 2 workers of 1 thread each stands in for a real cluster
# (``Client("scheduler-address:8786")``). The workers run in this process (``processes=False``),
# which keeps the page's build simple; in a script of your own, ``processes=True`` (the default)
# starts them as processes, under an ``if __name__ == "__main__":`` guard.
cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0")
client = Client(cluster)
ddf = dd.from_pandas(table, npartitions=8)  # or dd.read_parquet("data/*.parquet")

start = time.perf_counter()
on_dask = fastent.dask.mutual_info_scores(ddf, "digit")  # the target: a column's name
print(
    f"scores of {ddf.npartitions} partitions on {len(client.nthreads())} workers "
    f"in {time.perf_counter() - start:.2f} s; identical: {bool((on_dask == in_memory).all())}"
)
dask_picks = fastent.dask.select_features(ddf, "digit", 10, method="mrmr")
print("mRMR picks identical:", dask_picks.names == picks.names)

# %%
# ``compute=False`` returns the lazy result, to compute with other work; its graph is the tree
# of merges.
lazy = fastent.dask.mutual_info_scores(ddf, "digit", compute=False)
print(type(lazy).__name__, "with", len(lazy.__dask_graph__()), "tasks")
print("identical:", bool((lazy.compute() == in_memory).all()))
client.close()
cluster.close()

# %%
# The scores as an image: the mutual information of every pixel with the digit, computed
# three ways (the differences are exactly 0), and the mRMR picks.
fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
for ax, (title, scores) in zip(
    axes,
    [("in memory", in_memory), ("chunk by chunk", streamed), ("on Dask", on_dask)],
    strict=True,
):
    shown = ax.imshow(scores.reshape(8, 8), cmap="viridis", vmin=0, vmax=in_memory.max())
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
for rank, j in enumerate(picks.indices, start=1):
    axes[1].text(
        j % 8, j // 8, str(rank), ha="center", va="center", color="white", fontweight="bold"
    )
fig.colorbar(shown, ax=axes, label="I(pixel; digit), nats", shrink=0.8)
plt.show()

# %%
# From the command line, ``fastent rank big.parquet --target label --chunksize 1000000`` streams
# a file through the same accumulator, and ``--scheduler local`` (or ``HOST:PORT``) counts its
# partitions through :mod:`fastent.dask`.
