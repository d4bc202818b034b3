"""Parties (ministries, districts, universities, operators, sponsors) and their trees."""
