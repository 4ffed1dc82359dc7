"""Ingestion: readers per format, chunking with page provenance, the pipeline into the store."""
