"""The review workflow's reads and pages: assignments, the adjudication grid, agreement
between reviewers and the history."""
