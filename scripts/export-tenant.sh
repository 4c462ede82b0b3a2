#!/usr/bin/env bash
# Exports what a tenant grants, in Microsoft Graph v1.0's own shapes, to one JSON file for `npm run audit` and the
# plan's import file: { tenantId, exportedAt, applications, servicePrincipals, oauth2PermissionGrants,
# appRoleAssignments, authorizationPolicy, adminConsentRequestPolicy, delegatedPermissionClassifications }.
#
# usage: scripts/export-tenant.sh [-o FILE] [--all-assignments] [--all-classifications]
#   -o FILE                where to write (default tenant-export.json)
#   --all-assignments      read appRoleAssignedTo of every service principal, not only of those that define app roles
#   --all-classifications  read delegatedPermissionClassifications of every API, not only Microsoft Graph's
# Sign in first with `az login --tenant <id>` (az rest calls Graph with that account's token). Needs jq.
#
# Read permissions only (Microsoft Graph v1.0 reference, "Permissions" section of each page):
#   GET /applications                                   Application.Read.All          (application-list)
#   GET /servicePrincipals                              Application.Read.All          (serviceprincipal-list)
#   GET /oauth2PermissionGrants                         Directory.Read.All            (oauth2permissiongrant-list;
#                                                       DelegatedPermissionGrant.ReadWrite.All is the only narrower-scoped alternative, and it writes)
#   GET /servicePrincipals/{id}/appRoleAssignedTo       Application.Read.All          (serviceprincipal-list-approleassignedto)
#   GET /servicePrincipals/{id}/delegatedPermissionClassifications  Application.Read.All  (serviceprincipal-list-delegatedpermissionclassifications)
#   GET /policies/authorizationPolicy                   Policy.Read.All               (authorizationpolicy-get)
#   GET /policies/adminConsentRequestPolicy             Policy.Read.All               (adminconsentrequestpolicy-get)
# In delegated use the signed-in account also needs a directory role that reads these, e.g. Global Reader.
# Without Policy.Read.All the two policies are left out (the audit then reports the consent settings as unknown).
#
# Never secret values: Graph returns passwordCredentials' secretText only when a secret is created and keyCredentials'
# key only for a single object with $select=keyCredentials; both are removed here anyway, before anything is written.
# Calls are bounded: one paged list per collection ($top=999), appRoleAssignedTo only for service principals that
# define app roles (an assignment of the default access role grants no permission), classifications for Graph only.
set -euo pipefail

GRAPH="https://graph.microsoft.com/v1.0"
AZ="${AZ:-az}"
JQ="${JQ:-jq}"
OUT="tenant-export.json"
ALL_ASSIGNMENTS=false
ALL_CLASSIFICATIONS=false
GRAPH_APP_ID="00000003-0000-0000-c000-000000000000"

die() { echo "export-tenant: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -o) [ $# -ge 2 ] || die "-o needs a file name"; OUT="$2"; shift 2 ;;
    --all-assignments) ALL_ASSIGNMENTS=true; shift ;;
    --all-classifications) ALL_CLASSIFICATIONS=true; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument \"$1\" (see --help)" ;;
  esac
done
command -v "$JQ" >/dev/null 2>&1 || die "jq is required and was not found (install it: apt-get install jq, brew install jq)"
command -v "$AZ" >/dev/null 2>&1 || die "the Azure CLI (az) is required and was not found; sign in with: az login --tenant <tenant-id>"

umask 077
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# GET one URL; on failure print Graph's error and return 1.
get() {
  local out
  if ! out="$("$AZ" rest --method get --url "$1" --output json 2>"$WORK/err")"; then
    echo "export-tenant: GET $1 failed: $(tr '\n' ' ' <"$WORK/err")" >&2
    return 1
  fi
  printf '%s' "$out"
}

# Every page of a collection (following @odata.nextLink), one object per line, secret fields removed, to $2.
list() {
  local url="$1" page
  : >"$2"
  while [ -n "$url" ]; do
    page="$(get "$url")" || return 1
    printf '%s' "$page" | "$JQ" -c '.value[] | del(.passwordCredentials[]?.secretText, .keyCredentials[]?.key)' >>"$2"
    url="$(printf '%s' "$page" | "$JQ" -r '."@odata.nextLink" // empty')"
  done
}

fatal_list() { list "$1" "$2" || die "cannot read $3: the account needs $4"; }

TENANT_ID="$("$AZ" account show --query tenantId --output tsv)" || die "not signed in: az login --tenant <tenant-id>"
EXPORTED_AT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

fatal_list "$GRAPH/applications?\$select=id,appId,displayName,signInAudience,identifierUris,requiredResourceAccess,passwordCredentials,keyCredentials,createdDateTime&\$top=999" \
  "$WORK/applications" "applications" "Application.Read.All"
fatal_list "$GRAPH/servicePrincipals?\$select=id,appId,displayName,accountEnabled,servicePrincipalType,appOwnerOrganizationId,appRoleAssignmentRequired,verifiedPublisher,appRoles,oauth2PermissionScopes,passwordCredentials,keyCredentials,tags&\$top=999" \
  "$WORK/servicePrincipals" "service principals" "Application.Read.All"
fatal_list "$GRAPH/oauth2PermissionGrants" "$WORK/grants" "delegated permission grants" "Directory.Read.All"

: >"$WORK/assignments"
if $ALL_ASSIGNMENTS; then filter='.id'; else filter='select((.appRoles // []) | length > 0) | .id'; fi
for id in $("$JQ" -r "$filter" "$WORK/servicePrincipals"); do
  list "$GRAPH/servicePrincipals/$id/appRoleAssignedTo?\$top=999" "$WORK/page" || die "cannot read the app role assignments of service principal $id: the account needs Application.Read.All"
  cat "$WORK/page" >>"$WORK/assignments"
done

echo '{}' >"$WORK/classifications"
if $ALL_CLASSIFICATIONS; then filter='select((.oauth2PermissionScopes // []) | length > 0) | .id'; else filter="select(.appId == \"$GRAPH_APP_ID\") | .id"; fi
for id in $("$JQ" -r "$filter" "$WORK/servicePrincipals"); do
  list "$GRAPH/servicePrincipals/$id/delegatedPermissionClassifications" "$WORK/page" || die "cannot read the permission classifications of service principal $id: the account needs Application.Read.All"
  "$JQ" -c --arg id "$id" --slurpfile l "$WORK/page" '. + {($id): $l}' "$WORK/classifications" >"$WORK/c2" && mv "$WORK/c2" "$WORK/classifications"
done

# The consent settings: optional (an account without Policy.Read.All still exports the rest).
for policy in authorizationPolicy adminConsentRequestPolicy; do
  if get "$GRAPH/policies/$policy" >"$WORK/$policy"; then :; else
    echo "export-tenant: left out $policy (reading it needs Policy.Read.All)" >&2
    rm -f "$WORK/$policy"
  fi
done
opt() { if [ -f "$WORK/$1" ]; then echo "--slurpfile $1 $WORK/$1"; else echo "--argjson $1 null"; fi; }

# shellcheck disable=SC2046 # opt prints two words on purpose
"$JQ" -n --arg tenantId "$TENANT_ID" --arg exportedAt "$EXPORTED_AT" \
  --slurpfile applications "$WORK/applications" --slurpfile servicePrincipals "$WORK/servicePrincipals" \
  --slurpfile grants "$WORK/grants" --slurpfile assignments "$WORK/assignments" \
  --slurpfile classifications "$WORK/classifications" $(opt authorizationPolicy) $(opt adminConsentRequestPolicy) '
  def one(x): if x == null then null else x[0] end;
  { tenantId: $tenantId, exportedAt: $exportedAt, applications: $applications, servicePrincipals: $servicePrincipals,
    oauth2PermissionGrants: $grants, appRoleAssignments: ($assignments | unique_by(.id)),
    authorizationPolicy: one($authorizationPolicy), adminConsentRequestPolicy: one($adminConsentRequestPolicy),
    delegatedPermissionClassifications: $classifications[0] }
  | with_entries(select(.value != null))' >"$WORK/export.json"
mv "$WORK/export.json" "$OUT"
echo "export-tenant: wrote $OUT ($("$JQ" '.servicePrincipals | length' "$OUT") service principals, $("$JQ" '.oauth2PermissionGrants | length' "$OUT") grants, $("$JQ" '.appRoleAssignments | length' "$OUT") app role assignments)" >&2
