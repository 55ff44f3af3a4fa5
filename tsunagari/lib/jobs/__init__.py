"""Imports run by the task worker, with their progress and their errors by row and column."""
