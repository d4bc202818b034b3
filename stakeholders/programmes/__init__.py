"""Programmes, their participants and agreements, responsibilities and escalations."""
