"""Delivery: cohorts (classes), trainees and their enrolments."""
