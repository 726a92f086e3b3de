"""One extractor per document format: bytes -> `Extracted` blocks, no database."""
