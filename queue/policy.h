/*
 * The triage policy: thresholds, weights, teams, roles and taxonomies, loaded
 * from a JSON file into the database (each load a new version). A built-in
 * default applies while none has been loaded.
 */
#ifndef HITL_POLICY_H
#define HITL_POLICY_H

#include <stddef.h>

#include <cjson/cJSON.h>

enum policy_role {
	POLICY_ROLE_NONE = 0,
	POLICY_ROLE_REVIEWER,
	POLICY_ROLE_LEAD,
	POLICY_ROLE_ADMIN
};

struct policy_entry {			/* a label or a reason code */
	char	*id;
	char	*description;
};

struct policy_team {
	char	 *id;
	char	 *name;
	char	**members;
	size_t	  nmembers;
	char	**leads;
	size_t	  nleads;
};

struct policy_severity {
	char	*id;
	int	 response_minutes;
};

struct policy_weight {
	char	*category;		/* dotted prefix or entity type */
	double	 weight;
};

struct policy_login {
	char			*login;
	enum policy_role	 role;
};

/*
 * The two-person rule: an approve or correction of an item with a flag of
 * one of flag_types, a span of one of entity_types, or an escalation on
 * record at one of severities takes effect only once a second, different
 * reviewer confirms it (queue_decide).
 */
struct policy_two_person {
	char	**severities;
	size_t	  nseverities;
	char	**flag_types;
	size_t	  nflag_types;
	char	**entity_types;
	size_t	  nentity_types;
};

/*
 * The events a hook may be run on (policy "hooks"), in the order of
 * policy_hook_names; each hook is a shell command and its timeout.
 */
enum policy_hook_event {
	POLICY_HOOK_ESCALATION_OPENED,
	POLICY_HOOK_ESCALATION_OVERDUE,
	POLICY_HOOK_REVIEWER_PAUSED,
	POLICY_HOOK_SUSPENDED,
	POLICY_HOOK_ERASED,
	POLICY_NHOOKS
};
#define POLICY_HOOK_TIMEOUT	10	/* seconds, unless the policy says */
#define POLICY_HOOK_TIMEOUT_MAX	3600
#define POLICY_HOOK_COMMAND_MAX	4096	/* bytes */

struct policy_hook {
	char	*command;		/* NULL: none */
	int	 timeout_seconds;
};

/* Who settles votes that disagree: a lead, or one more reviewer. */
enum policy_adjudication {
	POLICY_ADJUDICATE_LEAD,
	POLICY_ADJUDICATE_EXTRA_REVIEWER
};

struct policy {
	char			*name;
	int			 lease_seconds;
	/* how far back undo reaches past the open shift; 0: the shift only */
	int			 undo_window_minutes;
	int			 skip_to_end;
	int			 allow_reviewer_override;
	int			 allow_clock_override;	/* HITL_NOW */
	enum policy_role	 default_role;
	struct policy_login	*logins;
	size_t			 nlogins;

	double			 auto_accept;	/* spans >= this: accepted */
	double			 auto_reject;	/* spans < this: rejected */
	char			**entity_types;
	size_t			 nentity_types;

	double			 min_flag_score;
	double			 spot_check_rate;

	struct policy_weight	*weights;
	size_t			 nweights;
	double			 default_weight;

	struct policy_entry	*labels;
	size_t			 nlabels;
	struct policy_team	*teams;
	size_t			 nteams;
	struct policy_entry	*reason_codes;
	size_t			 nreason_codes;
	struct policy_severity	*severities;
	size_t			 nseverities;

	/*
	 * Review quality: shares of items sampled for blind double review
	 * (overlap_rate, by overlap_reviewers) and second-stage audit, of
	 * claims served a gold item, and the gold accuracy below which a
	 * reviewer is paused once min_gold_items are scored.
	 */
	double			 overlap_rate;
	int			 overlap_reviewers;
	double			 gold_rate;
	double			 min_gold_accuracy;
	int			 min_gold_items;
	double			 audit_rate;
	enum policy_adjudication adjudication;

	/*
	 * Privacy: what the console and hitl show mask (mask_none: nothing),
	 * whether a reveal needs a reason, and the purposes and categories
	 * of personal data the record of processing states (NULL, 0: none).
	 */
	int			 mask_none;
	int			 reveal_reason;
	char			*purpose;
	char			**categories;
	size_t			 ncategories;
	struct policy_two_person two_person;

	enum policy_role	 export_min_role;
	/* --redact none, and formats that carry the text (spans) */
	enum policy_role	 export_unredacted_role;

	/* What runs on an event, and the timeout of those that say none. */
	struct policy_hook	 hooks[POLICY_NHOOKS];
	int			 hook_timeout;
	/*
	 * Retention (0: kept for ever): days an item's content is kept after
	 * its final decision, and days the audit log is kept (at least
	 * POLICY_MIN_AUDIT_DAYS). Who may erase a data subject (privacy).
	 */
	int			 content_days;
	int			 audit_days;
	enum policy_role	 erase_role;
	/*
	 * Feedback to the detectors: the precision a score threshold should
	 * meet on the reviewed data (hitl detectors advises one).
	 */
	double			 target_precision;
};

/* The EU AI Act's minimum for automatically generated logs (Art. 19, 26). */
#define POLICY_MIN_AUDIT_DAYS	183

/*
 * Parses and validates a policy. On failure returns -1 with *cause naming the
 * JSON path of the bad field ("anonymization.auto_accept: ...").
 */
int		 policy_parse(const char *json, size_t len, struct policy **,
		     char **cause);
struct policy	*policy_default(void);
void		 policy_free(struct policy *);

/* The effective policy, every default filled in, as JSON. */
cJSON		*policy_to_json(const struct policy *);

/* Weight of a flag type or entity type: the longest dotted prefix listed. */
double		 policy_weight(const struct policy *, const char *category);

/* A login's role: listed, else lead if it leads a team, else the default. */
enum policy_role policy_role_of(const struct policy *, const char *login);
const char	*policy_role_name(enum policy_role);
int		 policy_leads_team(const struct policy *, const char *login,
		     const char *team);

const struct policy_team *policy_find_team(const struct policy *,
		     const char *id);
const struct policy_entry *policy_find_entry(const struct policy_entry *,
		     size_t, const char *id);
const struct policy_severity *policy_find_severity(const struct policy *,
		     const char *id);
int		 policy_has_entity_type(const struct policy *, const char *);
/*
 * Whether the two-person rule covers an item with these flag types and
 * span entity types (NULL-free arrays) and the escalation severities on
 * its record; *why, when it does, says what matched ("flag type
 * toxicity"), pointing into the policy.
 */
int		 policy_two_person_matches(const struct policy *,
		     const char *const *flag_types, size_t nflags,
		     const char *const *entity_types, size_t nspans,
		     const char *const *severities, size_t nseverities,
		     const char **what, const char **why);

/* An event's name ("escalation_opened"), and its number (-1: none). */
const char	*policy_hook_name(enum policy_hook_event);
int		 policy_hook_find(const char *name);
/* The hook of the event named (NULL: none, or no such event). */
const struct policy_hook *policy_hook_of(const struct policy *,
		     const char *event);

#endif
