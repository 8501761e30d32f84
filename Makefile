.PHONY: run test lint bench

run:  ## set up and run web + worker + beat on the embedded default (SQLite, filesystem broker)
	bash scripts/run.sh

test:  ## set up and run the whole suite on real PostgreSQL and Redis
	bash scripts/test.sh

lint:
	.venv/bin/ruff check .

bench:  ## benchmarks print figures; they are not part of the test pass/fail
	bash scripts/bench.sh
