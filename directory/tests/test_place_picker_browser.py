"""Coordinates of a place by clicking the map in the staff service form (Chromium)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_scopes import scopes_disabled

from directory.models import Location
from directory.tests.search_helpers import make_service
from tsunagari.lib.browser import BrowserTestCase


@pytest.mark.browser
@override_settings(DIRECTORY_MAP_TILES="http://127.0.0.1:9/{z}/{x}/{y}.png")  # no tile server here
class PlacePickerBrowserTestCase(BrowserTestCase):
    def test_it_sets_the_coordinates_by_a_click_on_the_map_or_clears_them(self) -> None:
        service = make_service(
            self.platform,
            "まちの相談室",
            "話を聞きます。",
            point=(35.4233, 136.7606),
            address={
                "address_1": "薮田南2-1-1",
                "city": "岐阜市",
                "state_province": "岐阜県",
                "postal_code": "500-8570",
            },
        )
        page = self.new_page("desktop", user=self.admin)
        page.goto(self.live_url("directory:service_edit", "alpha", service.uuid))
        picker = page.locator(".pick-map").first
        self.assertTrue(picker.is_visible())
        lat = page.locator("#id_places-0-latitude")
        lng = page.locator("#id_places-0-longitude")
        self.assertEqual(lat.input_value(), "35.4233")
        canvas = picker.locator(".pick-map-canvas")
        box = canvas.bounding_box()
        assert box is not None
        canvas.click(position={"x": box["width"] / 2 + 60, "y": box["height"] / 2 - 40})
        moved = (float(lat.input_value()), float(lng.input_value()))
        self.assertNotEqual(moved, (35.4233, 136.7606))
        self.assertAlmostEqual(moved[0], 35.4233, delta=0.01)  # near the old point at zoom 16
        self.assertEqual(len(lat.input_value().split(".")[1]), 6)
        self.screenshot(page, "place-picker-desktop", full_page=False)
        page.get_by_role("button", name="保存する").click()
        page.wait_for_url("**/staff/directory/services/*/")
        with scopes_disabled():
            location = Location.objects.get(service_at_locations__service=service)
            self.assertAlmostEqual(float(location.latitude), moved[0], places=5)
        page.goto(self.live_url("directory:service_edit", "alpha", service.uuid))
        page.locator(".pick-map-clear").first.click()
        self.assertEqual(page.locator("#id_places-0-latitude").input_value(), "")
        self.assertEqual(page.locator("#id_places-0-longitude").input_value(), "")
