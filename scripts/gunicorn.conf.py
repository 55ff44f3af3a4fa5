"""gunicorn settings for `make run` (production-like: DEBUG off, WhiteNoise serves static files)."""

import os

port = os.environ.get("PORT", "8000")
bind = [f"127.0.0.1:{port}"]
# 2 to 4 sync workers: one per core, at least 2 so a slow request does not block the demo.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(4, max(2, os.cpu_count() or 1)))
timeout = 60
graceful_timeout = 10
accesslog = "-"
proc_name = "tsunagari"
# No runtime control socket in ~/.gunicorn (a second `make run` on another port would clash).
control_socket_disable = True


def when_ready(server) -> None:  # gunicorn hook
    url = f"http://127.0.0.1:{port}/"
    server.log.info(
        "\n"
        f"  tsunagari is running at {url}  ({workers} workers, DEBUG off)\n"
        f"  Staff login: {url}accounts/login/  (demo e-mails and passwords: printed by load_demo above)\n"
        "  TOTP code of a demo account: TSUNAGARI_DEMO=1 .venv/bin/python manage.py demo_totp <email>\n"
        "  Health: " + url + "healthz   Stop: Ctrl-C\n"
    )
