"""How an event is hashed onto the one before it: the chain's one definition, shared by the
writer (stakeholders.audit.chain) and the verifier (stakeholders.audit.service)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from stakeholders.audit.models import AuditEvent

__all__ = ["GENESIS", "chain_hash"]

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor_sub": event.actor_sub,
        "actor_party_id": event.actor_party_id,
        "action": event.action,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "before": event.before,
        "after": event.after,
    }
    # Events recorded before programmes were tracked keep the hash they were chained with.
    if event.programme_id is not None:
        body["programme_id"] = event.programme_id
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode() + _canonical(event)).hexdigest()
