"""Live progress: the outbox written with each announced change, the process's fan-out, the
PostgreSQL listener that hears other processes, and the GraphQL subscriptions.

Loading the package registers the outbox's writer on the audit trail (stakeholders.audit):
wherever the live tables exist, a change of an announced kind is written to the outbox in
its own transaction.
"""

from stakeholders.live import outbox as outbox
