from django.test import TestCase


class HealthzTestCase(TestCase):
    def test_it_reports_ok_with_database_and_migrations(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["pending_migrations"], 0)
        self.assertIn(body["database"], {"sqlite", "postgresql"})

    def test_it_rejects_post(self) -> None:
        self.assertEqual(self.client.post("/healthz").status_code, 405)
