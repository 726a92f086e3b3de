"""Recurring claims: the text two sentences are compared by, and how well the comparison works."""
