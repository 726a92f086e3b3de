"""Ingestion: sniff the type -> extract blocks -> normalise -> sentences with offsets.

Every step is a pure function over bytes and strings; nothing here touches the database.
`claims.ingest.pipeline.parse_document` runs them all.
"""
