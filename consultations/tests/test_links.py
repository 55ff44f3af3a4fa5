from __future__ import annotations

from urllib.parse import unquote

from django_scopes import scope

from consultations.line_fake import make_event
from consultations.models import Consulter, LinkClickDay, Medium, TrackedLink
from consultations.services.channels import do_configure_line
from consultations.tests.helpers import LineTestCase, run_worker


class TrackedLinksTestCase(LineTestCase):
    def link(self, code: str, target: str) -> TrackedLink:
        with scope(platform=self.platform):
            return TrackedLink.objects.create(
                platform=self.platform,
                code=code,
                medium=Medium.INSTAGRAM_ADS,
                label="Instagram 広告",
                target=target,
            )

    def test_it_counts_clicks_and_attributes_a_web_chat_started_from_the_link(self) -> None:
        link = self.link("insta", "web")
        self.assertRedirects(self.client.get("/p/alpha/go/insta"), "/p/alpha/chat/")
        self.client.get("/p/alpha/go/insta")
        self.client.post("/p/alpha/chat/", {"text": "広告を見て来ました"})
        with scope(platform=self.platform):
            link.refresh_from_db()
            self.assertEqual(link.clicks, 2)
            self.assertEqual(LinkClickDay.objects.get(link=link).clicks, 2)
            self.assertEqual(Consulter.objects.get().source, link)

    def test_it_sends_line_links_to_line_with_the_code_prefilled_and_attributes_the_first_message(
        self,
    ) -> None:
        link = self.link("gads", "line")
        response = self.client.get("/p/alpha/go/gads")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("https://line.me/R/oaMessage/%40733gquft/?"))
        self.assertIn("#gads", unquote(response["Location"]))
        self.post_events(make_event("text", "U" + "9" * 32, text="相談したいです #gads"))
        self.post_events(make_event("postback", "U" + "8" * 32, data="ref=gads"))
        run_worker()
        with scope(platform=self.platform):
            self.assertEqual(Consulter.objects.filter(source=link).count(), 2)

    def test_it_answers_404_for_an_unknown_code_and_counts_nothing(self) -> None:
        self.assertEqual(self.client.get("/p/alpha/go/nothing").status_code, 404)
        with scope(platform=self.platform):
            self.assertFalse(LinkClickDay.objects.exists())

    def test_it_shows_counts_and_a_qr_code_to_staff(self) -> None:
        link = self.link("flyer1", "web")
        self.client.get("/p/alpha/go/flyer1")
        self.login(self.users["viewer"])
        page = self.client.get("/p/alpha/staff/consultations/links/")
        self.assertContains(page, "Instagram 広告")
        self.assertContains(page, "/p/alpha/go/flyer1")
        qr = self.client.get(f"/p/alpha/staff/consultations/links/{link.uuid}/qr.svg")
        self.assertEqual(qr["Content-Type"], "image/svg+xml")
        self.assertIn(b"<svg", qr.content)
        # Viewers read; they cannot create links.
        self.assertEqual(self.client.post(page.request["PATH_INFO"], {"label": "x"}).status_code, 403)

    def test_it_creates_a_link_and_refuses_a_code_in_use(self) -> None:
        self.link("taken", "web")
        self.login(self.users["secretariat_staff"])
        url = "/p/alpha/staff/consultations/links/"
        ok = self.client.post(
            url, {"label": "市HP", "medium": "city_website", "target": "web", "code": "cityhp"}
        )
        self.assertRedirects(ok, url)
        bad = self.client.post(url, {"label": "x", "medium": "flyer", "target": "web", "code": "taken"})
        self.assertContains(bad, "もう使われています")

    def test_it_falls_back_to_the_web_chat_when_line_has_no_basic_id(self) -> None:
        with scope(platform=self.platform):
            do_configure_line(self.platform, basic_id="")
        self.link("nobasic", "line")
        self.assertRedirects(self.client.get("/p/alpha/go/nobasic"), "/p/alpha/chat/")
