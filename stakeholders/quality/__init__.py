"""Quality: training offers, calls, independent reviews, three-year labels, procurement lots."""
