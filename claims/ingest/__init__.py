"""Ingestion: sniff the type -> extract blocks -> normalise -> mark list items and reference
entries -> sentences with offsets.

Every step is a pure function over bytes and strings; nothing here touches the database.
`claims.ingest.pipeline.parse_document` runs them all; `claims.ingest.fingerprints` hashes
sentences for the near-duplicate check that the article service makes.
"""
