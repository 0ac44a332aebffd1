"""Writes on training traces: one function per action, each in a transaction with its audit entry."""
