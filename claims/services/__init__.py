"""Business rules that write, by topic: every function is keyword-only, validates before it
writes, runs in one transaction and refuses with `claims.services.errors.Rejected`."""
