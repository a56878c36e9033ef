# SPDX-License-Identifier: BSD-3-Clause
"""The private core of fastent: every rule once, below the public modules.

Data flows one way: the public modules (``distributions``, ``logits``, ``discrete``,
``selection``, ``cli``) call the core and the kernels; the core calls the kernels; nothing here
imports a public module (the import-linter contract in pyproject.toml says so).

* ``checks``    argument checks and their error messages; kernel status -> ValueError
* ``layout``    coercion of numeric input, rows along an axis for the row kernels
* ``threads``   n_jobs -> thread count (serial below a work size and in forked children)
* ``memory``    what a request needs against the memory available, before allocating
* ``frames``    2-D input (arrays and DataFrames) -> named columns
* ``codes``     label arrays -> integer codes (factorising, the integer-range guess)
* ``counting``  codes -> the nonzero cells of a joint table (dense or sparse)
* ``measures``  counts -> information (entropy, MI, CMI, the estimators, E[I])
* ``config``    build and SIMD-level configuration, ``show_config``
"""
