"""Models of the consultation desk: conversations, messages, referrals, case conferences."""
