import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from directory import taxonomy
from directory.models import Attribute, Service, TaxonomyTerm
from directory.services import national
from directory.tests.hsds_fixtures import (
    EXAMPLE_ORGANIZATION,
    EXAMPLE_SAL,
    EXAMPLE_SERVICE,
    EXAMPLE_TAXONOMY,
    EXAMPLE_TERM,
    import_example,
    make_local_service,
    page_validator,
    root_validator,
    validator,
)
from tsunagari.lib.testing import BaseTestCase

PREFIXES = ["/p/alpha/hsds", "/hsds"]


class HSDSApiTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        import_example(cls.platform)
        with scope(platform=cls.platform):
            national.do_import_national(cls.platform, keys=["yorisoi-hotline", "houterasu"])
        cls.local = make_local_service(cls.platform, "生活サポート相談", name_kana="せいかつさぽーとそうだん")
        with scopes_disabled():
            money = TaxonomyTerm.objects.get(platform=None, code="cat-money")
            Attribute.objects.create(
                platform=cls.platform, link_id=cls.local.uuid, link_entity="service", taxonomy_term=money
            )
        cls.hidden = make_local_service(cls.platform, "非公開の窓口", published=False)
        cls.beta_service = make_local_service(cls.other_platform, "ベータの窓口")

    def get(self, url: str):  # type: ignore[no-untyped-def]
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, response.content[:500])
        return response.json()

    def ids(self, url: str) -> set[str]:
        return {item["id"] for item in self.get(url)["contents"]}

    def assert_page(self, url: str, item_schema: str) -> list[dict]:
        data = self.get(url)
        page_validator(item_schema).validate(data)
        items = validator(item_schema)
        for item in data["contents"]:
            items.validate(item)
        self.assertTrue(data["contents"], url)
        return data["contents"]

    # --- schema validation of every endpoint ---------------------------------------------------

    def test_it_validates_every_endpoint_against_the_hsds_schemas(self) -> None:
        for prefix in PREFIXES:
            with self.subTest(prefix=prefix):
                root_validator().validate(self.get(f"{prefix}/"))
                self.assert_page(f"{prefix}/services", "compiled/service_list.json")
                self.assert_page(f"{prefix}/services?full=true", "compiled/service.json")
                validator("compiled/service.json").validate(self.get(f"{prefix}/services/{EXAMPLE_SERVICE}"))
                validator("compiled/service.json").validate(self.get(f"{prefix}/services/{self.local.uuid}"))
                self.assert_page(f"{prefix}/organizations", "compiled/organization_list.json")
                self.assert_page(f"{prefix}/organizations?full=true", "compiled/organization.json")
                self.assert_page(f"{prefix}/organizations?full_service=true", "compiled/organization.json")
                org = f"{prefix}/organizations/{EXAMPLE_ORGANIZATION}"
                validator("compiled/organization.json").validate(self.get(org))
                validator("compiled/organization.json").validate(self.get(org + "?full_service=true"))
                self.assert_page(f"{prefix}/service_at_locations", "compiled/service_at_location_list.json")
                self.assert_page(
                    f"{prefix}/service_at_locations?full=true", "compiled/service_at_location.json"
                )
                sal = self.get(f"{prefix}/service_at_locations/{EXAMPLE_SAL}")
                validator("compiled/service_at_location.json").validate(sal)
                self.assert_page(f"{prefix}/taxonomies", "taxonomy.json")
                validator("taxonomy.json").validate(self.get(f"{prefix}/taxonomies/{EXAMPLE_TAXONOMY}"))
                self.assert_page(f"{prefix}/taxonomy_terms", "taxonomy_term.json")
                validator("taxonomy_term.json").validate(self.get(f"{prefix}/taxonomy_terms/{EXAMPLE_TERM}"))

    def test_it_nests_the_whole_example_service(self) -> None:
        service = self.get(f"/p/alpha/hsds/services/{EXAMPLE_SERVICE}")
        self.assertEqual(service["organization"]["name"], "Example Organization Inc.")
        self.assertEqual(service["phones"][0]["languages"][0]["code"], "ur")
        self.assertEqual(service["schedules"][0]["byday"], "TH,FR")
        location = service["service_at_locations"][0]["location"]
        self.assertEqual(location["addresses"][0]["postal_code"], "ABC 1234")
        self.assertEqual(location["accessibility"][0]["url"], "http://example.com")
        self.assertEqual(service["cost_options"][0]["amount"], 35)
        self.assertEqual(service["program"]["name"], "Community Mental Health Support")
        yorisoi = self.get("/p/alpha/hsds/services?search=よりそい")["contents"][0]
        self.assertEqual(yorisoi["name"], "よりそいホットライン")
        self.assertTrue(yorisoi["is_crisis_line"])
        full = self.get(f"/p/alpha/hsds/services/{yorisoi['id']}")
        codes = {a["taxonomy_term"]["code"] for a in full["attributes"]}
        self.assertIn("topic-suicidal", codes)

    def test_it_lists_minimal_services_and_streams_ndjson(self) -> None:
        minimal = self.get("/p/alpha/hsds/services?minimal=true")["contents"]
        self.assertEqual(set(minimal[0]), {"id", "last_modified"})
        response = self.client.get("/hsds/services?format=ndjson")
        self.assertEqual(response["Content-Type"], "application/x-ndjson")
        lines = b"".join(response.streaming_content).decode().splitlines()
        service_list = validator("compiled/service_list.json")
        for line in lines:
            service_list.validate(json.loads(line))
        self.assertEqual(len(lines), self.get("/hsds/services")["total_items"])

    def test_it_publishes_its_openapi_documents(self) -> None:
        for prefix in PREFIXES:
            document = self.get(f"{prefix}/openapi.json")
            self.assertIn("/services/{id}", {p.removeprefix(prefix) for p in document["paths"]})
            detail = document["paths"][f"{prefix}/services/{{id}}"]["get"]["responses"]["200"]
            self.assertTrue(
                detail["content"]["application/json"]["schema"]["$ref"].endswith("compiled/service.json")
            )
            parameters = {p["name"] for p in document["paths"][f"{prefix}/services"]["get"]["parameters"]}
            self.assertTrue(
                {"search", "page", "per_page", "taxonomy_term_id", "postcode", "proximity"} <= parameters
            )

    # --- filters -------------------------------------------------------------------------------

    def test_it_filters_by_taxonomy_organization_and_modification(self) -> None:
        money = str(taxonomy.term_id("cat-money"))
        self.assertIn(str(self.local.uuid), self.ids(f"/p/alpha/hsds/services?taxonomy_term_id={money}"))
        self.assertNotIn(EXAMPLE_SERVICE, self.ids(f"/p/alpha/hsds/services?taxonomy_term_id={money}"))
        by_taxonomy = self.ids(f"/p/alpha/hsds/services?taxonomy_id={taxonomy.TOPICS_ID}")
        self.assertEqual(len(by_taxonomy), 2)  # the two national services carry topics
        self.assertEqual(
            self.ids(f"/p/alpha/hsds/services?organization_id={EXAMPLE_ORGANIZATION}"), {EXAMPLE_SERVICE}
        )
        self.assertEqual(self.ids("/p/alpha/hsds/services?modified_after=2099-01-01"), set())
        self.assertIn(EXAMPLE_SERVICE, self.ids("/p/alpha/hsds/services?modified_after=2000-01-01T00:00:00"))
        terms = self.get(f"/p/alpha/hsds/taxonomy_terms?taxonomy_id={taxonomy.CATEGORIES_ID}")
        self.assertEqual(terms["total_items"], 8)

    def test_it_finds_services_near_a_postcode(self) -> None:
        near = self.ids("/p/alpha/hsds/services?postcode=516-8601&proximity=1000")
        self.assertEqual(near, {str(self.local.uuid)})
        area = self.ids("/p/alpha/hsds/service_at_locations?postcode=5168601")
        self.assertTrue(area)
        # A Tokyo postcode is outside Ise's service areas; nationwide services still cover it.
        with scope(platform=self.platform):
            self.local.service_areas.create(platform=self.platform, name="伊勢市", municipality_code="242039")
        tokyo = self.ids("/p/alpha/hsds/services?postcode=100-0001")
        self.assertNotIn(str(self.local.uuid), tokyo)
        self.assertTrue(any(self.get(f"/p/alpha/hsds/services/{i}").get("is_national") for i in tokyo))

    def test_it_pages_through_services(self) -> None:
        first = self.get("/p/alpha/hsds/services?per_page=2")
        second = self.get("/p/alpha/hsds/services?per_page=2&page=2")
        self.assertEqual(first["total_items"], 4)
        self.assertEqual((first["first_page"], first["last_page"], second["last_page"]), (True, False, True))
        self.assertFalse({i["id"] for i in first["contents"]} & {i["id"] for i in second["contents"]})
        beyond = self.get("/p/alpha/hsds/services?per_page=2&page=9")
        self.assertTrue(beyond["empty"])

    def test_it_pages_through_search_results_with_the_other_filters(self) -> None:
        made = {str(make_local_service(self.platform, f"孤独の相談{i}").uuid) for i in range(3)}
        everything = self.get("/p/alpha/hsds/services?search=こどく")
        total = everything["total_items"]  # with the national lines that mention 孤独
        self.assertEqual(len(everything["contents"]), total)
        self.assertLessEqual(made, {i["id"] for i in everything["contents"]})
        paged = []
        for number in range(1, total + 1):
            page = self.get(f"/p/alpha/hsds/services?search=こどく&per_page=1&page={number}")
            self.assertEqual((page["total_items"], page["total_pages"], page["size"]), (total, total, 1))
            paged += [i["id"] for i in page["contents"]]
        self.assertEqual(paged, [i["id"] for i in everything["contents"]])
        money = str(taxonomy.term_id("cat-money"))
        for word in ("サポート", "こどく"):
            both = self.ids(f"/p/alpha/hsds/services?search={word}&taxonomy_term_id={money}")
            search_only = self.ids(f"/p/alpha/hsds/services?search={word}")
            self.assertEqual(both, search_only & self.ids(f"/p/alpha/hsds/services?taxonomy_term_id={money}"))
        self.assertIn(
            str(self.local.uuid), self.ids(f"/p/alpha/hsds/services?search=サポート&taxonomy_term_id={money}")
        )
        self.assertLessEqual(made, self.ids("/p/alpha/hsds/services?search=こどく&postcode=516-8601"))
        minimal = self.get("/hsds/services?search=こどく&minimal=true&per_page=1")
        self.assertEqual(
            (set(minimal["contents"][0]), minimal["total_items"]), ({"id", "last_modified"}, total)
        )

    def test_it_does_not_query_per_service(self) -> None:
        for index in range(6):
            make_local_service(self.platform, f"追加の窓口{index}")

        self.get("/p/alpha/hsds/")  # the cache's generation exists from here on

        def count(url: str) -> int:
            with CaptureQueriesContext(connection) as queries:
                self.get(url)
            return len(queries)

        self.assertEqual(
            count("/p/alpha/hsds/services?full=true&per_page=1"), count("/p/alpha/hsds/services?full=true")
        )
        self.assertEqual(count("/p/alpha/hsds/services?per_page=1"), count("/p/alpha/hsds/services"))

    # --- bad input -----------------------------------------------------------------------------

    def test_it_answers_bad_parameters_with_400_and_json(self) -> None:
        cases = {
            "/services?page=0": "page",
            "/services?per_page=1000": "per_page",
            "/services?page=abc": "page",
            "/services?full=maybe": "full",
            "/services?taxonomy_term_id=money": "taxonomy_term_id",
            "/services?modified_after=yesterday": "modified_after",
            "/services?postcode=12345": "postcode",
            "/services?postcode=0000000": "postcode",
            "/services?proximity=500": "proximity",
            "/services?postcode=516-8601&proximity=far": "proximity",
            "/services?format=xml": "format",
            "/services/not-a-uuid": "id",
            "/organizations/1": "id",
            "/taxonomy_terms?parent_id=x": "parent_id",
            "/service_at_locations?organization_id=x": "organization_id",
        }
        for prefix in PREFIXES:
            for path, parameter in cases.items():
                with self.subTest(url=prefix + path):
                    response = self.client.get(prefix + path)
                    self.assertEqual(response.status_code, 400)
                    self.assertIn(parameter, [e["parameter"] for e in response.json()["errors"]])

    def test_it_answers_unknown_ids_with_404_and_json(self) -> None:
        response = self.client.get("/p/alpha/hsds/services/00000000-0000-0000-0000-000000000000")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"error": "not found"})

    # --- tenancy -------------------------------------------------------------------------------

    def test_it_never_shows_another_platforms_or_unpublished_services(self) -> None:
        alpha = self.ids("/p/alpha/hsds/services")
        self.assertNotIn(str(self.beta_service.uuid), alpha)
        self.assertNotIn(str(self.hidden.uuid), alpha)
        for path in (f"/services/{self.beta_service.uuid}", f"/services/{self.hidden.uuid}"):
            self.assertEqual(self.client.get("/p/alpha/hsds" + path).status_code, 404)
        with scopes_disabled():
            beta_sal = self.beta_service.service_at_locations.get()
        self.assertEqual(
            self.client.get(f"/p/alpha/hsds/service_at_locations/{beta_sal.uuid}").status_code, 404
        )
        self.assertIn(str(self.beta_service.uuid), self.ids("/hsds/services?per_page=200"))
        self.assertNotIn(str(self.hidden.uuid), self.ids("/hsds/services?per_page=200"))

    def test_it_hides_non_public_platforms_everywhere(self) -> None:
        with scopes_disabled():
            self.other_platform.is_public = False
            self.other_platform.save()
            TaxonomyTerm.objects.create(platform=self.other_platform, name="ベータ独自の分類", description="")
        self.assertEqual(self.client.get("/p/beta/hsds/services").status_code, 404)
        self.assertNotIn(str(self.beta_service.uuid), self.ids("/hsds/services?per_page=200"))
        self.assertEqual(self.client.get(f"/hsds/services/{self.beta_service.uuid}").status_code, 404)
        names = {t["name"] for t in self.get("/hsds/taxonomy_terms?per_page=200")["contents"]}
        self.assertNotIn("ベータ独自の分類", names)
        self.assertNotIn(
            "ベータ独自の分類",
            {t["name"] for t in self.get("/p/alpha/hsds/taxonomy_terms?per_page=200")["contents"]},
        )

    def test_it_lists_organizations_with_public_services_only(self) -> None:
        names = {o["name"] for o in self.get("/p/alpha/hsds/organizations?per_page=200")["contents"]}
        self.assertIn("生活サポート相談の運営団体", names)
        self.assertNotIn("非公開の窓口の運営団体", names)
        with scope(platform=self.platform):
            self.assertFalse(Service.objects.filter(name="非公開の窓口").public().exists())
