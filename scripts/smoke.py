"""Smoke test of a running tsunagari through its reverse proxy (used by make prod-rehearsal).

Checks, as a resident, an applicant, a staff member and LINE would use it: the HTTP -> HTTPS
redirect and HSTS; the home page, a search and the HSDS API; the join form POST with its CSRF
token (and a 403 without it); a staff login with password and TOTP code; a signed LINE event
answered end to end through the task worker; the client address the application records is the
one nginx saw, not one the client claimed; /healthz. Exits non-zero at the first failure.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

PASSWORD = "tsunagari-demo-2026"  # the demo's published password (load_demo)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    def __init__(self, base: str, context: ssl.SSLContext, follow: bool = True) -> None:
        self.base = base
        self.last_url = base
        self.jar = http.cookiejar.CookieJar()
        handlers: list[Any] = [
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=context),
        ]
        if not follow:
            handlers.append(NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)

    def request(
        self, path: str, data: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})  # noqa: S310 - our own URLs
        if body is not None:
            request.add_header("Referer", self.base + path)
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, dict[str, str], str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                self.last_url = response.geturl()
                return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    def upload(
        self, path: str, data: dict[str, str], field: str, filename: str, content: bytes
    ) -> tuple[int, dict[str, str], str]:
        """A multipart/form-data POST with one file."""
        boundary = "smoke" + uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in data.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(  # noqa: S310 - our own URLs
            self.base + path,
            data=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": self.base + path,
            },
        )
        return self._open(request)


def csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise SystemExit("smoke: no CSRF token in the form")
    return match.group(1)


def check(label: str, ok: bool, detail: str = "") -> None:
    print(f"  {'ok ' if ok else 'FAIL'} {label}{(': ' + detail) if detail else ''}")
    if not ok:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--https", required=True)
    parser.add_argument("--http", required=True)
    parser.add_argument("--line", required=True, help="the fake LINE platform's URL")
    parser.add_argument("--web", required=True, help="one gunicorn process, bypassing nginx")
    parser.add_argument("--cafile", required=True)
    args = parser.parse_args()
    context = ssl.create_default_context(cafile=args.cafile)

    print("resident")
    plain = Client(args.http, context, follow=False)
    status, headers, _ = plain.request("/")
    check(
        "HTTP answers 301 to HTTPS",
        status == 301 and headers.get("Location", "").startswith("https://"),
        f"{status} {headers.get('Location')}",
    )
    resident = Client(args.https, context)
    status, headers, html = resident.request("/")
    check("home over TLS", status == 200, str(status))
    check(
        "HSTS",
        "max-age=" in headers.get("Strict-Transport-Security", ""),
        headers.get("Strict-Transport-Security", "none"),
    )
    status, _, html = resident.request("/p/yamagata-shi/")
    check("Yamagata's home page", status == 200 and "山形" in html, str(status))
    status, _, html = resident.request("/p/yamagata-shi/search?q=" + urllib.parse.quote("相談"))
    check("navigator search 相談", status == 200, str(status))
    status, _, body = resident.request(
        "/p/ise/hsds/services?search=" + urllib.parse.quote("相談") + "&per_page=3"
    )
    total = json.loads(body).get("total_items", 0) if status == 200 else 0
    check("HSDS API search", status == 200 and total > 0, f"{status}, total_items {total}")
    status, _, body = resident.request("/healthz")
    check("/healthz", status == 200 and json.loads(body)["status"] == "ok", body)

    print("applicant")
    applicant = Client(args.https, context, follow=False)
    status, _, html = applicant.request("/p/gifu/join/")
    check("join form", status == 200, str(status))
    token = re.search(r'name="submission_token" value="([^"]+)"', html)
    form = {
        "name": "特定非営利活動法人 リハーサルの会",
        "name_kana": "りはーさるのかい",
        "org_type": "npo",
        "representative": "理事長 山田 太郎",
        "postal_code": "500-8570",
        "address": "岐阜県岐阜市薮田南2丁目1番1号",
        "phone": "058-272-1111",
        "email": "info@rehearsal.example.jp",
        "contact_person": "佐藤 花子",
        "website": "https://rehearsal.example.jp/",
        "activity_fields": re.findall(r'name="activity_fields" value="([^"]+)"', html)[:2],
        "area": "岐阜市全域",
        "description": "リハーサルの申込です。",
        "consent_bylaws": "on",
        "consent_not_antisocial": "on",
        "consent_expulsion": "on",
        "consent_share_with_members": "on",
        "published_fields": ["name", "area"],
        "extra_note": "",
        "submission_token": token.group(1) if token else "",
    }
    for name in re.findall(r'<input type="checkbox" name="(consent_[a-z_]+)"', html):
        form[name] = "on"
    stranger = Client(args.https, context, follow=False)
    status, _, _ = stranger.request("/p/gifu/join/", form)
    check("join POST without a CSRF token is refused", status == 403, str(status))
    status, headers, html = applicant.request("/p/gifu/join/", {**form, "csrfmiddlewaretoken": csrf(html)})
    errors = re.findall(r'class="errorlist[^"]*"><li>([^<]+)', html)
    check(
        "join POST with its CSRF token is accepted",
        status == 302 and "/join/done" in headers.get("Location", ""),
        f"{status} {errors[:3]}",
    )

    print("staff")
    staff = Client(args.https, context)
    status, _, html = staff.request("/accounts/login/")
    spoof = {"X-Real-IP": "6.6.6.6", "X-Forwarded-For": "6.6.6.6"}
    status, _, html = staff.request(
        "/accounts/login/?next=/p/gifu/staff/",
        {"username": "admin@gifu.example.jp", "password": PASSWORD, "csrfmiddlewaretoken": csrf(html)},
        headers=spoof,
    )
    check("password accepted, second factor asked", status == 200 and 'name="token"' in html, str(status))
    code = (
        subprocess.run(
            [sys.executable, "manage.py", "demo_totp", "admin@gifu.example.jp", "--force"],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .split()[-1]
    )
    status, _, html = staff.request(
        "/accounts/otp/?next=/p/gifu/staff/", {"token": code, "csrfmiddlewaretoken": csrf(html)}
    )
    check(
        "TOTP code accepted, staff home shown",
        status == 200 and "/p/gifu/staff/" in html and 'name="token"' not in html,
        str(status),
    )
    seen = (
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from audit.models import AuditEntry\nfrom django_scopes import scopes_disabled\n"
                "with scopes_disabled():\n    print(AuditEntry.objects.exclude(ip_address=None).order_by('-id').values_list('ip_address', flat=True).first())",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    check(
        "the address recorded is nginx's view of the client, not the claimed 6.6.6.6",
        seen == "127.0.0.1",
        seen,
    )
    print("import (the imports worker)")
    status, _, html = staff.request("/p/gifu/staff/directory/sheet/")
    check("the sheet page states its limits", "100,000" in html, str(status))
    sheet = subprocess.run(  # noqa: S603 - our own manage.py: the template with two rows filled
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import io, sys\nfrom openpyxl import load_workbook\nfrom directory.services import sheet\n"
            "book = load_workbook(io.BytesIO(sheet.build_template()))\n"
            "for n, name in enumerate(['スモーク試験事業', 'スモーク試験事業2']):\n"
            "    for c, v in enumerate([name, '総務課', '既存', 'その他', '市民', '直営', '', '試験'], start=1):\n"
            "        book['事業'].cell(row=sheet.HEADER_ROW + 1 + n, column=c, value=v)\n"
            "out = io.BytesIO(); book.save(out); sys.stdout.buffer.write(out.getvalue())",
        ],
        capture_output=True,
        check=True,
    ).stdout
    status, headers, html = staff.upload(
        "/p/gifu/staff/directory/sheet/", {"csrfmiddlewaretoken": csrf(html)}, "file", "smoke.xlsx", sheet
    )
    preview = staff.last_url
    check("the sheet is staged and its check queued", status == 200 and "/sheet/" in preview, str(status))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "行すべて問題ありません" not in html:
        time.sleep(1)
        status, _, html = staff.request(preview.removeprefix(args.https))
    check(
        "the imports worker checked it",
        "2 行すべて問題ありません" in html,
        html[-300:] if status != 200 else "",
    )
    status, _, html = staff.request(preview.removeprefix(args.https), {"csrfmiddlewaretoken": csrf(html)})
    job = staff.last_url
    while time.monotonic() < deadline and "新規 2 件" not in html:
        time.sleep(1)
        status, _, html = staff.request(job.removeprefix(args.https))
    check("and applied it (2 services created)", "新規 2 件" in html, str(status))
    direct = Client(args.web, context, follow=False)
    status, _, _ = direct.request("/healthz", headers={"X-Forwarded-Proto": "https", **spoof})
    check("a web process answers directly too (for the balancer's health check)", status == 200, str(status))

    print("LINE")
    user = "U" + "7" * 32
    out = subprocess.run(  # noqa: S603 - our own manage.py
        [
            sys.executable,
            "manage.py",
            "line_simulate",
            "yamagata-shi",
            "text",
            "家族のことで相談したいです",
            "--user",
            user,
            "--url",
            args.https,
            "--wait",
            "0",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    check(
        "signed event accepted by the webhook",
        " → 200" in out.stdout,
        (out.stdout + out.stderr).strip()[-200:],
    )
    answers: list[Any] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not answers:
        time.sleep(1)
        with urllib.request.urlopen(f"{args.line}/_sim/sent/{user}", timeout=10) as response:  # noqa: S310
            answers = json.loads(response.read())
    check(
        "the worker processed it and answered through LINE",
        bool(answers),
        answers[0]["text"][:60] if answers else "no answer in 90 s",
    )
    status, _, body = resident.request("/healthz?full=1")
    parts = json.loads(body)
    print("  /healthz?full=1:", {k: v["status"] for k, v in parts.items() if isinstance(v, dict)})
    check("/healthz?full=1 has no part in error", status == 200, parts.get("status", "?"))


if __name__ == "__main__":
    main()
