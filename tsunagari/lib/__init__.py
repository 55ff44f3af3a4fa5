"""Small shared helpers used by every app (settings, codes, text, decorators)."""
