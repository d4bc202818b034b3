"""The observatory: indicators computed in the database from the raw records, published
without exposing anyone (small cells suppressed, complementary suppression).

Loading the package registers quality's indicator (labelled offers in force), which the
observatory computes over quality's labels.
"""

from stakeholders.observatory import labelled as labelled
