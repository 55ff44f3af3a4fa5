"""Writes of the accounts app, one module per topic (``invitations``, ``roles``, ``otp``, ``signin``);
each runs in a transaction and is audited."""
