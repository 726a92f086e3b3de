"""Claim suggestions: labelled corpus -> sentence features -> per-tag linear models -> hints."""
