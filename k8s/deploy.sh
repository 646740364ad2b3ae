#!/usr/bin/env bash
# Deploys one release to the cluster of the current kubeconfig context:
#   k8s/deploy.sh <registry> <tag>     e.g. k8s/deploy.sh ghcr.io/acme/messaging-app 3f2c…(commit SHA)
# 1. runs the migration Job with the new backend image and waits for it (a failure stops here,
#    nothing else changed); 2. applies the production overlay with the new tags; 3. waits for every
#    rollout; if one fails, rolls the Deployments back to their previous revision and exits non-zero.
# Migrations must stay compatible with the previous release (expand, then contract a release later),
# because a rollback runs the old code on the migrated schema.
# Needs kubectl and kustomize (both on GitHub's Ubuntu runners). Secrets are not touched: create them
# once from k8s/secrets.yaml.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <registry> <tag>" >&2
  exit 2
fi
registry=$1
tag=$2
namespace=${NAMESPACE:-messaging-app}
rollout_timeout=${ROLLOUT_TIMEOUT:-300s}
job=messaging-app-migrate
here=$(cd "$(dirname "$0")" && pwd)

# Set the image tags in a copy, so the checkout stays as committed.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$here" "$work/k8s"
backend="messaging-app-backend=$registry/backend:$tag"
frontend="messaging-app-frontend=$registry/frontend:$tag"
(cd "$work/k8s/migrate" && kustomize edit set image "$backend")
(cd "$work/k8s/overlays/production" && kustomize edit set image "$backend" "$frontend")

log() { printf '\n==> %s\n' "$*"; }

log "Namespace and configuration"
kubectl apply -f "$here/base/namespace.yaml"
for secret in messaging-app-secrets rabbitmq-credentials; do
  if ! kubectl -n "$namespace" get secret "$secret" >/dev/null; then
    echo "secret $namespace/$secret is missing: create it from k8s/secrets.yaml first" >&2
    exit 1
  fi
done
kubectl apply -f "$here/base/configmap.yaml"

log "Migration Job ($tag)"
kubectl -n "$namespace" delete job "$job" --ignore-not-found --wait=true
kubectl apply -k "$work/k8s/migrate"
# Wait for either outcome: `kubectl wait` on one condition alone would sit out the timeout on the other.
deadline=$((SECONDS + 600))
while true; do
  succeeded=$(kubectl -n "$namespace" get job "$job" -o jsonpath='{.status.succeeded}')
  failed=$(kubectl -n "$namespace" get job "$job" -o jsonpath='{.status.conditions[?(@.type=="Failed")].status}')
  if [[ "$succeeded" == "1" ]]; then
    break
  fi
  if [[ "$failed" == "True" || $SECONDS -ge $deadline ]]; then
    echo "migration failed or timed out; the running release is untouched" >&2
    kubectl -n "$namespace" logs "job/$job" --all-containers --tail=200 >&2 ||
      echo "(no logs: the pod may not have started; kubectl -n $namespace describe job/$job)" >&2
    exit 1
  fi
  sleep 5
done
kubectl -n "$namespace" logs "job/$job" --tail=20

log "Apply the release"
kubectl apply -k "$work/k8s/overlays/production"

rollback() {
  echo "rollout failed: rolling back" >&2
  for deployment in backend worker frontend; do
    kubectl -n "$namespace" rollout undo "deployment/$deployment" ||
      echo "could not roll back deployment/$deployment (no previous revision?)" >&2
  done
  for deployment in backend worker frontend; do
    kubectl -n "$namespace" rollout status "deployment/$deployment" --timeout="$rollout_timeout" ||
      echo "deployment/$deployment did not settle after the rollback: look at it now" >&2
  done
  exit 1
}

log "Wait for the rollout"
for deployment in backend worker frontend; do
  kubectl -n "$namespace" rollout status "deployment/$deployment" --timeout="$rollout_timeout" || rollback
done
kubectl -n "$namespace" rollout status statefulset/rabbitmq --timeout="$rollout_timeout" || rollback
log "Deployed $tag"
