/*
 * Policies in the database: every load is a new version, kept whole with its
 * SHA-256 and recorded in the audit log; the newest one is in force.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "json.h"
#include "records.h"
#include "xmalloc.h"

int
store_policy_refresh(struct queue *q, char **cause)
{
	struct policy	*p = NULL;
	char		*body = NULL, *why = NULL;
	size_t		 len;
	int		 rc, version;

	if ((rc = store_policy_newest(q, q->policy != NULL ?
	    q->policy_version : -1, &version, &body, &len, cause)) != 0)
		return (rc);
	if (q->policy != NULL && version == q->policy_version)
		goto out;
	if (version == 0)
		p = policy_default();
	else if (body == NULL || policy_parse(body, len, &p, &why) != 0) {
		xasprintf(cause, "policy version %d in %s no longer "
		    "validates: %s", version, q->path, why != NULL ? why :
		    "it has no text");
		free(why);
		rc = EX_DATAERR;
		goto out;
	}
	policy_free(q->policy);
	q->policy = p;
	q->policy_version = version;
out:
	free(body);
	return (rc);
}

int
queue_policy(struct queue *q, const struct policy **p, int *version,
    char **cause)
{
	int rc;

	if ((rc = store_policy_refresh(q, cause)) != 0)
		return (rc);
	*p = q->policy;
	if (version != NULL)
		*version = q->policy_version;
	return (0);
}

int
queue_policy_load(struct queue *q, const char *source, const char *json,
    size_t len, const char *actor, int *version, char **cause)
{
	struct policy		*p = NULL;
	struct store_policy_row	 row;
	cJSON			*data;
	char			*why = NULL, sha[65], now[32];
	int			 rc, v;

	if (policy_parse(json, len, &p, &why) != 0) {
		xasprintf(cause, "policy %s: %s", source, why);
		free(why);
		return (EX_DATAERR);
	}
	if ((rc = store_begin(q, cause)) != 0)
		goto out;
	if ((rc = store_policy_refresh(q, cause)) != 0)
		goto fail;
	/*
	 * While the built-in default is in force, whoever may write the file
	 * may load the first policy; afterwards only its admins may.
	 */
	/* A pinned clock must not date the load of a policy that forbids it. */
	if (q->clock_text && !p->allow_clock_override) {
		xasprintf(cause, "HITL_NOW is set, but policy %s does not set "
		    "allow_clock_override: unset HITL_NOW to load it", source);
		rc = EX_USAGE;
		goto fail;
	}
	if (q->policy_version != 0 &&
	    policy_role_of(q->policy, actor) != POLICY_ROLE_ADMIN) {
		xasprintf(cause, "%s may not load policies: policy version %d "
		    "makes only admins do that", actor, q->policy_version);
		rc = EX_NOPERM;
		goto fail;
	}
	v = q->policy_version + 1;
	store_sha256_hex(json, len, sha);
	store_now_text(q, now);
	row.version = v;
	row.loaded_at = now;
	row.loaded_by = actor;
	row.source = source;
	row.sha256 = sha;
	row.body = json;
	row.len = len;
	if ((rc = store_policy_insert(q, &row, cause)) != 0)
		goto fail;
	data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "version", v);
	cJSON_AddStringToObject(data, "name", p->name);
	cJSON_AddStringToObject(data, "source", source);
	cJSON_AddStringToObject(data, "sha256", sha);
	if ((rc = store_audit_append(q, "policy_load", actor, NULL, data,
	    cause)) != 0 ||
	    (rc = store_commit(q, cause)) != 0)
		goto fail;
	policy_free(q->policy);
	q->policy = p;
	q->policy_version = v;
	p = NULL;
	if (version != NULL)
		*version = v;
	goto out;

fail:
	store_rollback(q);
out:
	policy_free(p);
	return (rc);
}

int
queue_policy_info(struct queue *q, struct queue_policy_info *info,
    char **cause)
{
	return (store_policy_info(q, info, cause));
}

void
queue_policy_info_done(struct queue_policy_info *info)
{
	free(info->loaded_at);
	free(info->loaded_by);
	free(info->source);
	free(info->sha256);
	memset(info, 0, sizeof *info);
}

int
queue_policy_copy(struct queue *q, struct policy **out, char **cause)
{
	cJSON	*j;
	char	*text, *why = NULL;
	int	 rc;

	*out = NULL;
	if ((rc = store_policy_refresh(q, cause)) != 0)
		return (rc);
	j = policy_to_json(q->policy);
	text = json_print(j);
	cJSON_Delete(j);
	rc = policy_parse(text, strlen(text), out, &why);
	free(text);
	if (rc != 0) {
		xasprintf(cause, "policy copy: %s", why);
		free(why);
		return (EX_SOFTWARE);
	}
	return (0);
}
