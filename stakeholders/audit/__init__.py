"""The audit trail: one event per accepted change, chained by hashes."""

# Their session listeners must be in place wherever a session writes, command or hub.
from stakeholders.audit import chain, generation  # noqa: F401
