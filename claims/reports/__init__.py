"""Reports: the article and corpus report pages, their charts, and every download they
offer (PDF, XLSX, the exports and the prices CSV)."""
