"""Forms of the consultation desk, one module per topic: desk (web chat, desk settings, LINE channel, hours, tracked links) and casework (inbox, referrals, cases, report, erasure, crisis words)."""
