# tsunagari — see README.md. Quick start on a fresh Debian 12 machine: `make run`.
.DEFAULT_GOAL := help
.PHONY: help setup run test lint fmt mypy deploy-check migrations-check pytest pytest-pg \
	pg-start pg-stop bench clean prod-rehearsal

PORT ?= 8000
export PORT

help:
	@echo "make setup        Debian packages (as root), .venv, requirements, messages, static files"
	@echo "make run          migrate, load the demo, serve with gunicorn on http://127.0.0.1:$(PORT)/"
	@echo "make test         lint, mypy, check --deploy, migrations check, pytest on SQLite and PostgreSQL"
	@echo "make lint / fmt   ruff check + format --check / apply ruff fixes and formatting"
	@echo "make mypy | deploy-check | migrations-check | pytest | pytest-pg   one step of make test"
	@echo "make pg-start / pg-stop   throwaway PostgreSQL 15 for manual use (scripts/pgtest.sh url)"
	@echo "make bench        benchmarks under bench/ (BENCH=bench_name for one), ratios to a same-run baseline"
	@echo "make prod-rehearsal  production on loopback: PostgreSQL, 2 web, worker, scheduler, nginx+TLS; smoke test"
	@echo "make clean        remove .venv, collected static files, screenshots and caches (keeps the database)"

setup:
	@sh scripts/setup.sh

run: setup
	@sh scripts/run.sh

test: setup
	@sh scripts/test.sh all

lint: setup
	@sh scripts/test.sh lint

fmt: setup
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

mypy: setup
	@sh scripts/test.sh mypy

deploy-check: setup
	@sh scripts/test.sh deploy

migrations-check: setup
	@sh scripts/test.sh migrations

pytest: setup
	@sh scripts/test.sh sqlite

pytest-pg: setup
	@sh scripts/test.sh pg

bench: setup
	@sh scripts/bench.sh

prod-rehearsal: setup
	@sh scripts/prod_rehearsal.sh

pg-start:
	@sh scripts/pgtest.sh start
	@echo "DATABASE_URL=$$(sh scripts/pgtest.sh url)"

pg-stop:
	@sh scripts/pgtest.sh stop

clean:
	sh scripts/pgtest.sh stop
	rm -rf .venv var/static var/screenshots var/cache .ruff_cache .mypy_cache
