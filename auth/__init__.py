"""Identity and access policy: who the caller is and what the policy lets them do.

No Strawberry, no FastAPI and no database here: the other packages ask this one.
"""
