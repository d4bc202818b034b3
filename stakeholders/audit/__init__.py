"""The audit trail: one event per accepted change, chained by hashes."""
