"""Views of the audit app, one module per topic: the audit log (``entries``) and the mail outbox (``outbox``)."""
