"""Starts local-bigquery 0.4.0 offline on the pinned DuckDB 1.4.4 (see scripts/local-bigquery.sh).

1. DuckDB connections load extensions from the duckdb_ext wheels and never download them.
2. DuckLake 1.4.4 reports NULL row counts, which local-bigquery multiplies (HTTP 500 on tables.get,
   insertAll, tabledata.list): a found table with a NULL count gets a real COUNT(*).
3. BigQuery's datasets.insert is atomic: of concurrent inserts of one dataset, one gets 200 and the
   others 409. local-bigquery checks, then creates, from a thread pool, so two can both succeed; its
   dataset creation is serialized here.
4. The rest of the command line goes to local-bigquery's own CLI.
"""

import os
import sys
import threading

import duckdb
import duckdb_ext

_EXTENSIONS = os.path.join(list(duckdb_ext.__path__)[0], "extensions")
_connect = duckdb.connect


def _offline_connect(*args, **kwargs):
    config = dict(kwargs.pop("config", None) or {})
    config.setdefault("extension_directory", _EXTENSIONS)
    config.setdefault("autoinstall_known_extensions", False)
    config.setdefault("autoload_known_extensions", True)
    return _connect(*args, config=config, **kwargs)


duckdb.connect = _offline_connect

from local_bigquery import cli  # noqa: E402  (imported after the patch, as the recipe prescribes)
from local_bigquery.catalog import datasets, tables  # noqa: E402
from local_bigquery.engine import database  # noqa: E402

_lookup = tables._lookup


def _counted_lookup(project_id, dataset_id, table_id):
    found = _lookup(project_id, dataset_id, table_id)
    if found is not None and found[1] is None:
        (count,) = database.fetch(f"SELECT COUNT(*) FROM {tables.name(project_id, dataset_id, table_id)}")[0]
        return found[0], count
    return found


tables._lookup = _counted_lookup

_create_dataset = datasets.create
_create_dataset_lock = threading.Lock()


def _serialized_create_dataset(*args, **kwargs):
    with _create_dataset_lock:
        return _create_dataset(*args, **kwargs)


datasets.create = _serialized_create_dataset

if __name__ == "__main__":
    sys.exit(cli.main())
