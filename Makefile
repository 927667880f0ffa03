# The Sora server. `make run` runs everything on embedded defaults;
# `make test` runs every test. See README.md.
.PHONY: run test panel bench soak eval contracts lint fmt deploy-check sqlx-prepare sqlx-check

run:
	scripts/run.sh

test:
	scripts/test.sh

# The Lichtblick panel (panel/), built and packaged as a .foxe with the
# official extension tooling from npm; `make run` publishes it.
panel:
	scripts/panel.sh package

bench:
	scripts/bench.sh

# 30 minutes of mixed traffic under faults, per configuration: docs/soak.md.
soak:
	scripts/soak.sh

# The recommender's offline evaluation on the fixtures: docs/evaluation.md.
eval:
	cargo run --quiet -p recommendation-eval -- --fixtures fixtures --out docs/evaluation.md

contracts:
	scripts/contracts.sh

# Formatting, clippy, files too long without a reason, repeated code
# between services (scripts/lint.sh).
lint:
	scripts/lint.sh

fmt:
	cargo fmt --all

deploy-check:
	scripts/check-deploy.sh

# After changing a query: rewrite sqlx's offline query data (.sqlx/).
sqlx-prepare:
	scripts/sqlx.sh prepare

sqlx-check:
	scripts/sqlx.sh check
