"""The mail outbox's models, worker task and commands (the API is tsunagari.lib.mail)."""
