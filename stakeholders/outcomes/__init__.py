"""Outcomes of training: attendance, assessments, certificates, placements, follow-ups."""
