"""Stage 2, tables to figures: periods, the work calendar, metrics, scoring, and the figures dict of one bulletin."""
