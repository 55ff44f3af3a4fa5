import csv
import io
import shutil
import tempfile
import uuid
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import SimpleTestCase
from django_scopes import scope, scopes_disabled

from directory import hsds
from directory.models import Attribute, Schedule, Service
from directory.search import search_services
from directory.search.analysis import Analysis, analyse
from directory.search.index import entry_fields, related_rows
from directory.search.models import SearchEntry
from directory.search.prefetch import Prefetch
from directory.services import tabular
from directory.services.tabular import ImportFailed, do_export_hsds, do_import_hsds
from directory.tests.hsds_fixtures import EXAMPLE, EXAMPLE_SERVICE
from tsunagari.lib.testing import BaseTestCase


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


class TabularBase(BaseTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)

    def copy_example(self) -> Path:
        folder = self.tmp / "input"
        shutil.copytree(EXAMPLE, folder)
        return folder

    def edit(self, folder: Path, file: str, column: str, value: str) -> None:
        rows = read_csv(folder / file)
        rows[0][column] = value
        with (folder / file).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    def import_(self, platform, path: Path):  # type: ignore[no-untyped-def]
        with scope(platform=platform):
            return do_import_hsds(platform, path)

    def export(self, platform, folder: Path) -> None:  # type: ignore[no-untyped-def]
        with scope(platform=platform):
            do_export_hsds(platform, folder)

    def count(self) -> int:
        with scopes_disabled():
            return sum(table.model._default_manager.count() for table in hsds.TABLES)


class TabularTestCase(TabularBase):
    def test_it_round_trips_the_hsds_example_byte_for_byte(self) -> None:
        self.import_(self.platform, EXAMPLE)
        self.export(self.platform, self.tmp / "first")
        self.import_(self.other_platform, self.tmp / "first" / "datapackage.json")
        self.export(self.other_platform, self.tmp / "second")
        first = sorted(p.name for p in (self.tmp / "first").iterdir())
        self.assertEqual(first, sorted(p.name for p in (self.tmp / "second").iterdir()))
        self.assertIn("datapackage.json", first)
        for name in first:
            with self.subTest(file=name):
                self.assertEqual(
                    (self.tmp / "first" / name).read_bytes(), (self.tmp / "second" / name).read_bytes()
                )

    def test_it_keeps_every_value_of_the_example_record_for_record(self) -> None:
        self.import_(self.platform, EXAMPLE)
        self.export(self.platform, self.tmp / "out")
        compared = cells = 0
        for table in hsds.TABLES:
            source = EXAMPLE / table.file
            if not source.exists():
                continue
            exported = {row["id"]: row for row in read_csv(self.tmp / "out" / table.file)}
            for row in read_csv(source):
                cells += len(row)
                for column in table.columns:
                    if column.name not in row:
                        continue
                    with self.subTest(file=table.file, column=column.name):
                        original = hsds.parse_value(row[column.name], column.kind)
                        again = hsds.parse_value(exported[row["id"]][column.name], column.kind)
                        self.assertEqual(original, again)
                        compared += 1
        self.assertEqual(compared, cells)  # every cell of every example file

    def test_it_imports_the_same_data_twice_without_duplicates(self) -> None:
        self.import_(self.platform, EXAMPLE)
        before = self.count()
        counts = self.import_(self.platform, EXAMPLE)
        self.assertEqual(self.count(), before)
        self.assertFalse([k for k in counts if k.endswith("created")])
        with scope(platform=self.platform):
            service = Service.objects.get(uuid=EXAMPLE_SERVICE)
            self.assertEqual(service.last_modified.isoformat()[:10], "2023-03-15")

    def test_it_links_attributes_to_the_shared_taxonomy(self) -> None:
        self.import_(self.platform, EXAMPLE)
        self.export(self.platform, self.tmp / "out")
        terms = read_csv(self.tmp / "out" / "taxonomy_terms.csv")
        self.assertIn("お金・住まい", {t["name"] for t in terms})
        with scope(platform=self.other_platform):
            self.assertEqual(Service.objects.count(), 0)

    def assert_rejected(self, path: Path, *fragments: str) -> None:
        before = self.count()
        with self.assertRaises(ImportFailed) as raised:
            self.import_(self.platform, path)
        message = "\n".join(str(e) for e in raised.exception.errors)
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertEqual(self.count(), before, "nothing may be stored")

    def test_it_rejects_a_broken_row_naming_file_row_and_field(self) -> None:
        folder = self.copy_example()
        self.edit(folder, "services.csv", "minimum_age", "twelve")
        self.assert_rejected(folder, "services.csv", "2行目", "minimum_age")

    def test_it_imports_but_warns_about_a_phone_number_that_is_not_japanese_naming_the_row(self) -> None:
        folder = self.copy_example()
        self.edit(folder, "phones.csv", "number", "0596-12")
        warnings: list = []
        with scope(platform=self.platform):
            counts = do_import_hsds(self.platform, folder, warnings=warnings)
        self.assertEqual(counts["phones created"], 1)
        self.assertEqual(len(warnings), 1)
        self.assertEqual(str(warnings[0]).split(": ")[0], "phones.csv 2行目 number")
        self.assertIn("桁数が違います", str(warnings[0]))

    def test_it_rejects_a_row_with_too_many_cells(self) -> None:
        folder = self.copy_example()
        with (folder / "phones.csv").open("a", encoding="utf-8") as handle:
            handle.write("1554f2e2-a373-45db-a3fa-9fc48a61c15f,,,,,,,0596,,,,extra\n")
        self.assert_rejected(folder, "phones.csv", "3行目")

    def test_it_rejects_an_unknown_taxonomy_term(self) -> None:
        folder = self.copy_example()
        self.edit(folder, "attributes.csv", "taxonomy_term_id", "11111111-2222-3333-4444-555555555555")
        self.assert_rejected(
            folder, "attributes.csv", "2行目", "taxonomy_term_id", "11111111-2222-3333-4444-555555555555"
        )

    def test_it_rejects_an_unknown_service_reference(self) -> None:
        folder = self.copy_example()
        self.edit(folder, "schedules.csv", "service_id", "11111111-2222-3333-4444-555555555555")
        self.assert_rejected(folder, "schedules.csv", "service_id")

    def test_it_rejects_schedules_that_cannot_be_parsed(self) -> None:
        for column, value in (
            ("opens_at", "25:00"),
            ("byday", "MONDAY"),
            ("freq", "DAILY"),
            ("valid_from", "2024/04/01"),
        ):
            with self.subTest(column=column):
                folder = self.copy_example()
                self.edit(folder, "schedules.csv", column, value)
                self.assert_rejected(folder, "schedules.csv", "2行目", column)
                shutil.rmtree(folder)
        with scopes_disabled():
            self.assertFalse(Schedule.objects.exists())
            self.assertFalse(Attribute.objects.exists())

    def test_it_rejects_unknown_columns_and_missing_files(self) -> None:
        folder = self.copy_example()
        text = (folder / "services.csv").read_text().replace("wait_time", "waiting", 1)
        (folder / "services.csv").write_text(text)
        self.assert_rejected(folder, "services.csv", "1行目", "waiting")
        package = self.tmp / "package"
        package.mkdir()
        (package / "datapackage.json").write_text(
            '{"resources": [{"name": "services", "path": "services.csv"}]}'
        )
        self.assert_rejected(package / "datapackage.json", "services.csv")
        (package / "datapackage.json").write_text("not json")
        self.assert_rejected(package / "datapackage.json", "datapackage.json")

    def test_it_reports_errors_from_the_command_and_stores_nothing(self) -> None:
        folder = self.copy_example()
        self.edit(folder, "schedules.csv", "closes_at", "late")
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("import_hsds", "alpha", str(folder), stderr=err)
        self.assertIn("schedules.csv 2行目 closes_at", err.getvalue())
        out = io.StringIO()
        call_command("import_hsds", "alpha", str(EXAMPLE), stdout=out)
        self.assertIn("services created: 1", out.getvalue())
        call_command("export_hsds", "alpha", str(self.tmp / "cmd"), stdout=io.StringIO())
        self.assertEqual(len(read_csv(self.tmp / "cmd" / "services.csv")), 1)

    def test_it_indexes_imported_services_in_bulk_as_one_by_one(self) -> None:
        self.import_(self.platform, EXAMPLE)
        with scopes_disabled():
            service = Service.objects.select_related("organization", "platform").get(uuid=EXAMPLE_SERVICE)
            entry = SearchEntry.objects.get(service=service)
            expected = entry_fields(service, **related_rows(service))
        self.assertTrue(entry.title)
        for name, value in expected.items():
            with self.subTest(field=name):
                got = getattr(entry, name)
                if isinstance(value, str) and name not in ("sort_key", "scope", "area_codes"):
                    self.assertEqual(sorted(got.split()), sorted(value.split()))  # term order may differ
                else:
                    self.assertEqual(got, value)
        # A second import that changes the name reindexes the service (no signals: in bulk).
        folder = self.copy_example()
        self.edit(folder, "services.csv", "name", "ひきこもり家族会")
        self.import_(self.platform, folder)
        with scopes_disabled():
            self.assertIn("ひきこもり", SearchEntry.objects.get(service=service).title)

    def test_the_import_reads_with_a_larger_sqlite_cache_and_restores_the_size(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("SQLite's page cache")

        def cache_size() -> int:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                return int(cursor.fetchone()[0])

        before = cache_size()
        during = []
        real = tabular._import

        def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
            during.append(cache_size())
            return real(*args, **kwargs)

        with mock.patch.object(tabular, "_import", side_effect=spy):
            self.import_(self.platform, EXAMPLE)
        self.assertEqual(during, [-tabular.IMPORT_CACHE_KIB])
        self.assertEqual(cache_size(), before)

    def test_a_service_without_its_organisation_is_rejected_naming_the_row(self) -> None:
        folder = self.copy_example()
        self.edit(folder, "services.csv", "organization_id", "")
        self.assert_rejected(folder, "services.csv", "2行目", "organization_id")

    def test_the_index_written_in_bulk_is_searchable_and_follows_a_new_name(self) -> None:
        self.import_(self.platform, EXAMPLE)
        with scopes_disabled():
            self.assertEqual(search_services("counselling", platform=self.platform).total, 1)
        folder = self.copy_example()
        self.edit(folder, "services.csv", "name", "ひきこもり家族会")
        self.import_(self.platform, folder)
        with scopes_disabled():
            self.assertEqual(search_services("ひきこもり", platform=self.platform).total, 1)
            self.assertEqual(search_services("家族会", platform=self.platform).total, 1)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # the FTS index agrees with the entries
                cursor.execute(
                    "INSERT INTO directory_search_fts(directory_search_fts, rank) VALUES ('integrity-check', 1)"
                )
                cursor.execute("SELECT count(*) FROM directory_search_bulk")
                self.assertEqual(cursor.fetchone()[0], 0)


class LargeImportTestCase(TabularBase):
    """More rows than one batch (``Importer.BATCH``): the ids kept between batches and files."""

    def write_package(self, services: int) -> tuple[Path, list[str]]:
        folder = self.tmp / "large"
        folder.mkdir()
        ids = [str(uuid.UUID(int=i + 1, version=4)) for i in range(services)]
        org = str(uuid.UUID(int=10**9, version=4))
        with (folder / "organizations.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([["id", "name"], [org, "ささえあい"]])
        with (folder / "services.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "organization_id", "name", "status"])
            writer.writerows([key, org, f"居場所 {i}", "active"] for i, key in enumerate(ids))
        with (folder / "phones.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "service_id", "number"])
            for i, key in enumerate(ids):
                # ids written as uuid.UUID reads them: upper case, braces, no dashes
                named = [key, key.upper(), "{" + key + "}", key.replace("-", "")][i % 4]
                writer.writerow([str(uuid.UUID(int=2 * 10**9 + i, version=4)), named, "0596-00-0000"])
        with (folder / "schedules.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "service_id", "freq", "byday", "opens_at", "closes_at"])
            for i, key in enumerate(ids):
                writer.writerow(
                    [str(uuid.UUID(int=3 * 10**9 + i, version=4)), key, "WEEKLY", "MO", "09:00", "17:00"]
                )
        return folder, ids

    def test_a_bad_row_at_the_end_of_a_large_file_leaves_nothing_written(self) -> None:
        services = tabular.Importer.BATCH + 100
        folder, ids = self.write_package(services)
        unknown = "11111111-2222-4333-8444-555555555555"
        with (folder / "phones.csv").open("a", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerow([str(uuid.uuid4()), unknown, "0596-00-0000"])
        before = self.count()  # the shared taxonomy
        with self.assertRaises(ImportFailed) as raised:
            self.import_(self.platform, folder)
        errors = [str(e) for e in raised.exception.errors]
        self.assertEqual(len(errors), 1, errors)  # the other ids, in any form, were found
        self.assertIn(f"phones.csv {services + 2}行目 service_id", errors[0])
        self.assertIn(unknown, errors[0])
        self.assertEqual(self.count(), before, "nothing may be stored")
        with scopes_disabled():
            self.assertFalse(SearchEntry.objects.exists())
        # A duplicated id at the end, named in its written form (with dashes).
        lines = (folder / "phones.csv").read_text(encoding="utf-8").splitlines()
        lines[-1] = lines[2].replace("0596-00-0000", "0596-11-1111")
        (folder / "phones.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        with self.assertRaises(ImportFailed) as raised:
            self.import_(self.platform, folder)
        errors = [str(e) for e in raised.exception.errors]
        self.assertEqual(len(errors), 1, errors)
        self.assertIn(f"phones.csv {services + 2}行目 id", errors[0])
        self.assertIn(lines[2].split(",")[0], errors[0])
        self.assertEqual(self.count(), before, "nothing may be stored")

    def test_only_the_ids_other_tables_reference_are_kept_through_the_check(self) -> None:
        folder, ids = self.write_package(tabular.Importer.BATCH + 10)
        check = tabular.Importer(self.platform, check_only=True)
        with scope(platform=self.platform):
            check.run(tabular.Source.open(folder))
        kept = {model.__name__: len(keys) for model, keys in check.seen.items()}
        # phones are named by languages.phone_id; schedules by no table
        self.assertEqual(kept, {"Organization": 1, "Service": len(ids), "Phone": len(ids)})
        self.assertEqual(check.counts["schedules created"], len(ids))
        self.assertEqual(check.seen[Service], {uuid.UUID(key).hex for key in ids})


class PrefetchTestCase(TabularTestCase):
    """The services' texts analysed ahead by a second process (directory.search.prefetch)."""

    def test_a_second_process_analyses_the_services_texts_as_the_index_does(self) -> None:
        folder = self.copy_example()
        texts = [row["name"] for row in read_csv(folder / "services.csv")]
        texts += [row["description"] for row in read_csv(folder / "services.csv") if row["description"]]
        prefetch = Prefetch([(folder / "services.csv", ["name", "description"])])
        self.addCleanup(prefetch.close)
        got: dict[str, Analysis] = {}
        wanted = set(texts)
        prefetch.drain(got.__setitem__, wanted, limit=100, wait=60)
        self.assertEqual(wanted, set())
        self.assertEqual(sorted(got), sorted(set(texts)))
        for text, analysis in got.items():
            self.assertEqual(analysis, analyse(text))
        prefetch.close()
        self.assertFalse(prefetch.process.is_alive())

    def test_an_import_with_its_texts_analysed_ahead_indexes_as_without(self) -> None:
        self.import_(self.platform, EXAMPLE)
        with scopes_disabled():
            alone = list(SearchEntry.objects.values_list(*ENTRY_COLUMNS))
        with (
            mock.patch.object(tabular, "PREFETCH_MIN_BYTES", 0),
            mock.patch.object(tabular, "Prefetch", wraps=Prefetch) as started,
        ):
            self.import_(self.other_platform, EXAMPLE)
        self.assertEqual(started.call_count, 1)
        with scopes_disabled():
            ahead = list(SearchEntry.objects.filter(platform=self.other_platform).values_list(*ENTRY_COLUMNS))
        self.assertEqual(len(ahead), 1)
        self.assertEqual(
            [row[1:] for row in ahead],
            [row[1:] for row in alone if row[0] == self.platform.pk],
        )
        # A rejected import ends its worker too.
        folder = self.copy_example()
        self.edit(folder, "services.csv", "organization_id", "")
        with (
            mock.patch.object(tabular, "PREFETCH_MIN_BYTES", 0),
            mock.patch.object(tabular, "Prefetch", wraps=Prefetch) as started,
            self.assertRaises(ImportFailed),
        ):
            self.import_(self.platform, folder)
        self.assertEqual(started.call_count, 1)


ENTRY_COLUMNS = (
    "platform_id",
    "title",
    "words",
    "synonyms",
    "readings",
    "romaji",
    "grams",
    "crisis_rank",
    "sort_key",
)


class ParseUuidTestCase(SimpleTestCase):
    """``hsds.parse_uuid``, the import's fast path for ids, gives what ``uuid.UUID`` gives."""

    def test_it_parses_ids_without_uuid_init_and_as_uuid_does(self) -> None:
        text = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
        with mock.patch.object(uuid.UUID, "__init__", side_effect=AssertionError("__init__ called")):
            made = hsds.parse_value(text, "uuid")  # the fast path: no __init__
        self.assertEqual(made, uuid.UUID(text))
        self.assertEqual(hash(made), hash(uuid.UUID(text)))
        self.assertEqual(
            (str(made), made.hex, made.version, made.is_safe),
            (text, text.replace("-", ""), 4, uuid.SafeUUID.unknown),
        )
        forms = [
            text.upper(),
            text.replace("-", ""),
            "3f7b145d84af-42d7-8fae-eaca714b02b2",  # dashes elsewhere: uuid.UUID ignores them too
            "{" + text + "}",
            "urn:uuid:" + text,
            "+" + text[1:],
            "3f7b_145d-84af-42d7-8fae-eaca714b02b",
        ]
        forms.append("{" + text)  # uuid.UUID strips braces, even one
        for form in forms:
            with self.subTest(form=form):
                self.assertEqual(hsds.parse_uuid(form), uuid.UUID(form))
        for bad in [
            "",
            "3f7b145d",
            text[:-1] + "g",
            text + "0",
            "3f7b145d:84af-42d7-8fae-eaca714b02b2",
        ]:
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                uuid.UUID(bad)
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                hsds.parse_uuid(bad)
            if bad:
                with self.subTest(bad=bad), self.assertRaises(hsds.CellError):
                    hsds.parse_value(bad, "uuid")


class ParseKeyTestCase(SimpleTestCase):
    """``tabular.parse_key``: an id as the import keys it, ``uuid.UUID(text).hex``, errors as
    ``hsds.parse_value``'s."""

    def test_it_keys_ids_as_uuid_reads_them(self) -> None:
        text = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
        with mock.patch.object(uuid.UUID, "__init__", side_effect=AssertionError("__init__ called")):
            self.assertEqual(tabular.parse_key(text), text.replace("-", ""))
            self.assertEqual(tabular.parse_key(" " + text.upper() + " "), text.replace("-", ""))
        for form in [
            text.upper(),
            text.replace("-", ""),
            "3f7b145d84af-42d7-8fae-eaca714b02b2",
            "{" + text + "}",
            "urn:uuid:" + text,
            "+" + text[1:],
            "3f7b_145d-84af-42d7-8fae-eaca714b02b",
            "{" + text,
            "00000000-0000-0000-0000-00000000000a",
        ]:
            with self.subTest(form=form):
                self.assertEqual(tabular.parse_key(form), uuid.UUID(form).hex)
                self.assertEqual(tabular.show_key(tabular.parse_key(form) or ""), str(uuid.UUID(form)))
        self.assertIsNone(tabular.parse_key(""))
        self.assertIsNone(tabular.parse_key("  ", "fk"))
        for bad in ["3f7b145d", text[:-1] + "g", text + "0", "3f7b145d:84af-42d7-8fae-eaca714b02b2"]:
            for kind in ("uuid", "fk", "term"):
                with self.subTest(bad=bad, kind=kind), self.assertRaises(hsds.CellError) as raised:
                    tabular.parse_key(bad, kind)
                self.assertEqual(str(raised.exception), str(hsds.EXPECTED[kind]))
