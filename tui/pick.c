/*
 * One picker for the policy's taxonomies (labels, reason codes, teams,
 * severities, entity types), each entry shown with its description where
 * the policy gives one; a checklist is the same picker with marks.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tui.h"
#include "xmalloc.h"

size_t
tui_taxonomy_count(const struct policy *p, enum tui_taxonomy tax)
{
	switch (tax) {
	case TUI_TAX_LABEL:
		return (p->nlabels);
	case TUI_TAX_REASON:
		return (p->nreason_codes);
	case TUI_TAX_TEAM:
		return (p->nteams);
	case TUI_TAX_SEVERITY:
		return (p->nseverities);
	case TUI_TAX_ENTITY_TYPE:
		return (p->nentity_types);
	}
	return (0);
}

/* A label or a reason code: its id, and its description. */
static const char *
pick_described(const struct policy_entry *e, const char **shown,
    const char **desc)
{
	*shown = e->id;
	*desc = e->description;
	return (e->id);
}

/* Entry i's id, and the name and description a picker shows (or NULL). */
static const char *
pick_entry(const struct policy *p, enum tui_taxonomy tax, size_t i,
    const char **shown, const char **desc)
{
	*desc = NULL;
	switch (tax) {
	case TUI_TAX_LABEL:
		return (pick_described(&p->labels[i], shown, desc));
	case TUI_TAX_REASON:
		return (pick_described(&p->reason_codes[i], shown, desc));
	case TUI_TAX_TEAM:
		/* A team goes by its name; decisions record its id. */
		*shown = p->teams[i].name;
		return (p->teams[i].id);
	case TUI_TAX_SEVERITY:
		*shown = p->severities[i].id;
		return (p->severities[i].id);
	case TUI_TAX_ENTITY_TYPE:
		break;
	}
	*shown = p->entity_types[i];
	return (p->entity_types[i]);
}

const char *
tui_taxonomy_id(const struct policy *p, enum tui_taxonomy tax, size_t i)
{
	const char *shown, *desc;

	return (pick_entry(p, tax, i, &shown, &desc));
}

int
tui_pick_taxonomy(struct tui *t, const struct policy *p,
    enum tui_taxonomy tax, const char *title, const int *marks, size_t from,
    size_t *picked)
{
	const char	*shown, *desc;
	char		**choices;
	size_t		  n = tui_taxonomy_count(p, tax), i;
	int		  rc;

	choices = xcalloc(n + 1, sizeof *choices);
	for (i = 0; i < n; i++) {
		pick_entry(p, tax, i, &shown, &desc);
		xasprintf(&choices[i], "%s%s%s%s", marks == NULL ? "" :
		    marks[i] ? "[x] " : "[ ] ", shown, desc != NULL &&
		    *desc != '\0' ? "  " : "", desc != NULL ? desc : "");
	}
	if (marks != NULL)
		choices[n] = xstrdup("done");
	rc = tui_prompt_pick_from(t, title, (const char *const *)choices,
	    n + (marks != NULL), from, picked);
	for (i = 0; i < n + 1; i++)
		free(choices[i]);
	free(choices);
	return (rc);
}
