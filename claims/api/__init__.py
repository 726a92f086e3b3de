"""The REST API under /api/v1/, by topic: thin DRF views that check the input's shape, then
call services and selectors. The browser UI uses exactly these endpoints."""
