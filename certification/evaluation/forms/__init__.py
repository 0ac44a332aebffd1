"""Django forms of evaluation, one module per page family: grids, sheets (evaluation sheet, signature, deliberation,
disclosure), marks (profiles and results), jury (notes on a passage), lifecycle (readiness, absences)."""
