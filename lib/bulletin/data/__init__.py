"""Stage 1, exports to trusted tables: reading exports, typing cells, schemas, validation, the Parquet store, ingest."""
