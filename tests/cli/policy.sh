#!/bin/sh
# hitl policy show and load: defaults, validation, versions and who may load.
. "$SRCDIR/tests/cli/lib.sh"

EXAMPLE=$SRCDIR/examples/policy.json

policy_version() {
	sql 'SELECT coalesce(max(version), 0) FROM policies'
}

expect_exit 0 "$HITL" init

# --- the built-in default ------------------------------------------------------

expect_exit 0 "$HITL" policy show
expect_no_err
expect_out "built-in default"
sed 1d "$T/out" >shown.json
jq -e '.lease_seconds == 900 and .name == "default" and
    .anonymization.auto_accept == 0.85 and
    .anonymization.auto_reject == 0.3 and
    .model_output.min_flag_score == 0.5 and
    .model_output.spot_check_rate == 0.05' shown.json >/dev/null ||
    fail "defaults shown by policy show" "$T/out"

expect_exit 0 "$HITL" policy show --json
jq -e '.lease_seconds == 900' "$T/out" >/dev/null ||
    fail "policy show --json is not the JSON alone" "$T/out"

# --- loading the example -------------------------------------------------------

expect_exit 0 "$HITL" policy load "$EXAMPLE"
expect_out "loaded policy version 1 from $EXAMPLE"
expect_eq "policy version" "$(policy_version)" 1

expect_exit 0 "$HITL" policy show
expect_out "# policy version 1, loaded "
expect_out "by $LOGIN from $EXAMPLE"
expect_no_out "built-in default"

expect_exit 0 "$HITL" policy show --json
expect_eq "show --json lines" "$(jq -s length "$T/out")" 1
jq -e '.name == "support-bot oversight (example)" and
    .lease_seconds == 900 and .skip_requeue == "end"' "$T/out" >/dev/null ||
    fail "policy show --json after loading the example" "$T/out"

# The stored body is the file as given, and the load is audited.
expect_eq "stored policy body" \
    "$(sql 'SELECT hex(body) FROM policies WHERE version = 1')" \
    "$(od -An -v -tx1 "$EXAMPLE" | tr -d ' \n' | tr a-f A-F)"
expect_eq "stored policy sha256" \
    "$(sql 'SELECT sha256 FROM policies WHERE version = 1')" \
    "$(sha256sum <"$EXAMPLE" | cut -d' ' -f1)"
expect_eq "policy_load audit events" \
    "$(sql "SELECT count(*) FROM audit WHERE event = 'policy_load'")" 1

# --- invalid policies are refused, naming the field ----------------------------

# (validation comes before the check of who may load, so these hold whoever
# runs the test)
echo '{"anonymization": {"auto_accept": 2}}' >bad-range.json
expect_exit 65 "$HITL" policy load bad-range.json
expect_err "anonymization.auto_accept"
expect_eq "policy version after a refused load" "$(policy_version)" 1

echo '{"lease_secnds": 600}' >typo.json
expect_exit 65 "$HITL" policy load typo.json
expect_err "lease_secnds"
expect_err "unknown field"

echo '{"model_output": {"min_flag_scor": 0.4}}' >typo-nested.json
expect_exit 65 "$HITL" policy load typo-nested.json
expect_err "model_output.min_flag_scor"

echo '{"anonymization": {"auto_accept": 0.2, "auto_reject": 0.5}}' >order.json
expect_exit 65 "$HITL" policy load order.json
expect_err "anonymization.auto_reject"

echo '{"lease_seconds": "900"}' >type.json
expect_exit 65 "$HITL" policy load type.json
expect_err "lease_seconds"

echo '{"name": "a", "name": "b"}' >dupkey.json
expect_exit 65 "$HITL" policy load dupkey.json
expect_err "duplicate key"

printf '{"name": ' >truncated.json
expect_exit 65 "$HITL" policy load truncated.json
expect_err "truncated.json"

expect_exit 66 "$HITL" policy load no-such-policy.json
expect_err "no-such-policy.json"
expect_eq "policy version after refused loads" "$(policy_version)" 1
expect_eq "policy_load audit events after refused loads" \
    "$(sql "SELECT count(*) FROM audit WHERE event = 'policy_load'")" 1

# --- usage -------------------------------------------------------------------------

expect_exit 64 "$HITL" policy
expect_err "usage: hitl policy"
expect_exit 64 "$HITL" policy load
expect_exit 64 "$HITL" policy load a.json b.json
expect_exit 64 "$HITL" policy frob
expect_exit 66 "$HITL" --db "$(newdb missing)" policy show
expect_err "hitl init"

# --- once a policy is loaded, only its admins may load another ------------------

HITL_DB=$(newdb "$T/roles")
expect_exit 0 "$HITL" init

# Anyone who may write the file loads the first policy.
printf '{"name": "admin is %s", "roles": {"%s": "admin"}}\n' \
    "$LOGIN" "$LOGIN" >admin.json
expect_exit 0 "$HITL" policy load admin.json
expect_out "loaded policy version 1"

# An admin loads the next one, which demotes them to reviewer (the explicit
# role wins over default_role)...
printf '{"name": "%s demoted", "default_role": "admin", "allow_reviewer_override": true, "roles": {"%s": "reviewer", "someone-else": "admin"}}\n' \
    "$LOGIN" "$LOGIN" >demote.json
expect_exit 0 "$HITL" policy load demote.json
expect_out "loaded policy version 2"

# ...after which they may not load a third.
expect_exit 77 "$HITL" policy load admin.json
expect_err "may not load policies"
expect_err "$LOGIN"
expect_eq "policy version after a refused load" "$(policy_version)" 2

# The reviewer override names who reviews, not who administers.
expect_exit 77 "$HITL" --reviewer someone-else policy load admin.json
expect_exit 77 env HITL_REVIEWER=someone-else "$HITL" policy load admin.json
expect_eq "policy version after refused loads" "$(policy_version)" 2

# init --policy goes through the same check.
expect_exit 77 "$HITL" init --policy admin.json
expect_err "may not load policies"
expect_eq "policy version after init --policy" "$(policy_version)" 2

pass
