/*
 * The review console. Views (queue, item, help, inbox, escalation,
 * adjudication, reviewers) are registered in one table (TUI_VIEW_INFO),
 * each with its own state; they share one list widget and one text module;
 * input becomes requests through one binding table (each view declares its
 * default keys); actions return reaction flags, and the main loop redraws
 * after each (a prompt or picker open over a view redraws it too while it
 * waits).
 * Nothing here runs SQL: every read and change goes through queue/.
 */
#ifndef HITL_TUI_H
#define HITL_TUI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <wchar.h>

#include "queue.h"

/* Requests: id, name, help text. The help screen and README come from here. */
#define TUI_REQ_INFO \
	R(NONE,		"none",		"") \
	R(DOWN,		"move-down",	"next row") \
	R(UP,		"move-up",	"previous row") \
	R(PAGE_DOWN,	"page-down",	"next page") \
	R(PAGE_UP,	"page-up",	"previous page") \
	R(FIRST,	"first",	"first row") \
	R(LAST,		"last",		"last row") \
	R(OPEN,		"open",		"review the selected item (claiming it)") \
	R(NEXT,		"next",		"claim the next item by priority") \
	R(APPROVE,	"approve",	"approve: the output (or the spans) is right") \
	R(CORRECT,	"correct",	"correct the item") \
	R(ESCALATE,	"escalate",	"escalate to a team") \
	R(SKIP,		"skip",		"skip: pass the item on") \
	R(UNDO,		"undo",		"undo your last decision") \
	R(COMMENT,	"comment",	"add a comment to the item") \
	R(CONFIRM,	"confirm",	"confirm the decision pending a second reviewer") \
	R(SEARCH,	"search",	"search by id or text") \
	R(FILTER,	"filter",	"filter by kind, flag or entity type") \
	R(HELP,		"help",		"show the keys") \
	R(INBOX,	"inbox",	"escalation inbox (leads)") \
	R(BACK,		"back",		"close this view") \
	R(QUIT,		"quit",		"end the shift and quit") \
	R(SPAN_NEXT,	"span-next",	"next span") \
	R(SPAN_PREV,	"span-prev",	"previous span") \
	R(SPAN_ACCEPT,	"span-accept",	"accept the span") \
	R(SPAN_REJECT,	"span-reject",	"reject the span: not PII") \
	R(SPAN_RETYPE,	"span-retype",	"retype the span") \
	R(CURSOR_LEFT,	"cursor-left",	"move the text cursor left") \
	R(CURSOR_RIGHT,	"cursor-right",	"move the text cursor right") \
	R(SELECT,	"select",	"start or end a selection (rows to approve; a missed span)") \
	R(SELECT_ALL,	"select-page",	"select every row shown") \
	R(UNSELECT,	"unselect",	"drop the selection of rows") \
	R(APPROVE_ROWS,	"approve-rows",	"approve the rows selected, each its own decision") \
	R(ACK,		"acknowledge",	"acknowledge the escalation") \
	R(RESOLVE,	"resolve",	"resolve the escalation") \
	R(PICK,		"pick",		"take the selected choice") \
	R(CANCEL,	"cancel",	"close the choice, taking none") \
	R(HANDOFF,	"hand-off",	"the latest hand-off notes of this queue") \
	R(ADJUDICATE,	"adjudication",	"items whose votes disagree (leads)") \
	R(REVIEWERS,	"reviewers",	"reviewer statistics (leads: everyone's)") \
	R(FEEDBACK,	"feedback",	"detector and model quality (leads)") \
	R(SWITCH,	"switch",	"show the other table: detectors, models") \
	R(SORT,		"sort",		"sort by the next column") \
	R(SORT_REVERSE,	"sort-reverse",	"reverse the order") \
	R(CHOOSE,	"choose",	"settle with vote N (1 the first column)") \
	R(SETTLE_APPROVE, "approve-anew", "settle anew as approve, taking no vote") \
	R(REVEAL,	"reveal",	"show this item's masked values (audited)")

enum tui_request {
#define R(id, name, help) TUI_REQ_##id,
	TUI_REQ_INFO
#undef R
	TUI_NREQ
};

/*
 * What an action asks of the main loop, which redraws after each key; a
 * prompt or picker open over a view redraws it too while it waits.
 */
#define TUI_REDRAW	0x1
#define TUI_RELOAD	0x2	/* fetch the data again, then redraw */
#define TUI_QUIT	0x4

/* Keys that curses has no name for. */
#define TUI_KEY_CTRL(c)	((c) & 0x1f)
#define TUI_KEY_ESC	0x1b
#define TUI_KEY_RETURN	'\r'
#define TUI_KEY_TAB	'\t'

/* A default binding, in a view's table: the key, the request it makes. */
struct tui_key {
	int			 key;
	enum tui_request	 req;
};

struct tui_binding {
	const char		*view;	/* "*" for every view */
	int			 key;
	enum tui_request	 req;
};

/* Semantic colour slots; monochrome terminals get attributes alone. */
enum tui_color {
	TUI_C_NORMAL,
	TUI_C_TITLE,
	TUI_C_STATUS,
	TUI_C_SELECTED,
	TUI_C_DIM,
	TUI_C_HIDDEN,		/* marks for control and invisible chars */
	TUI_C_FLAG,		/* a flagged range */
	TUI_C_SPAN,		/* a span, by entity type below */
	TUI_C_SPAN_ALT,
	TUI_C_SPAN_ALT2,
	TUI_C_AMBIGUOUS,
	TUI_C_REJECTED,
	TUI_C_ERROR,
	TUI_C_DIFFER,		/* where votes disagree */
	TUI_NCOLORS
};

struct tui_rect {
	int	y, x, h, w;
};

struct tui;

/*
 * Every view, in the order the help screen and the README's key table list
 * them: its id and the name of its ops (tui_view_NAME, defined in the
 * view's own file; the escalation view, an item opened from the inbox,
 * shares the item view's). Adding a view is its file (and Makefile.am's
 * line) and a line here.
 */
#define TUI_VIEW_INFO \
	V(QUEUE,	queue) \
	V(ITEM,		item) \
	V(INBOX,	inbox) \
	V(ESCALATION,	escalation) \
	V(ADJUDICATION,	adjudication) \
	V(REVIEWERS,	reviewers) \
	V(FEEDBACK,	feedback) \
	V(HELP,		help)

enum tui_view_id {
#define V(id, name) TUI_VIEW_##id,
	TUI_VIEW_INFO
#undef V
	TUI_NVIEWS
};

/*
 * A view's operations. Each gets the view's state: state_size bytes the
 * console allocates zeroed when it starts and frees when it ends, after
 * close; no view keeps state anywhere else. Optional members may be NULL.
 */
struct tui_view_ops {
	const char	*name;		/* binding table key */
	const char	*title;		/* its section of the help screen */
	/* Its default bindings, which a keys file may change. */
	const struct tui_key *keys;
	size_t		 nkeys;
	size_t		 state_size;	/* the size of its state */
	int		(*open)(struct tui *, void *); /* fetch what it shows */
	void		(*close)(struct tui *, void *); /* free what it holds */
	void		(*draw)(struct tui *, void *,
			    const struct tui_rect *);
	/* Optional: lays the body out (panes beside it), else draw has it. */
	void		(*layout)(struct tui *, const struct tui_rect *);
	int		(*request)(struct tui *, void *, enum tui_request,
			    int key);
	/* Optional: the keys that do not apply now, left out of the footer. */
	int		(*skip)(void *, enum tui_request);
	/* Optional: no key came for a while (or the editor runs). */
	void		(*idle)(struct tui *, void *);
	/* Optional: the shift ends; give up what the view holds. */
	void		(*quit)(struct tui *, void *);
};

#define V(id, name) extern const struct tui_view_ops tui_view_##name;
TUI_VIEW_INFO
#undef V
/* tui.c: the table, in TUI_VIEW_INFO's order. */
extern const struct tui_view_ops *const tui_views[TUI_NVIEWS];

/* A registered view: its ops and its state. */
struct tui_view {
	const struct tui_view_ops	*ops;
	void				*state;
};

struct tui_options {
	const char	*script;	/* key script, or NULL */
	const char	*db_label;
	/*
	 * Either may be NULL: called once the terminal is set up, and in the
	 * child that runs the editor just before it does (a shared install
	 * keeps the user's terminfo from ncurses until the first, and gives
	 * up its group for good in the second).
	 */
	void		(*terminal_ready)(void);
	void		(*before_exec)(void);
};

struct tui {
	struct queue			*q;
	const struct tui_options	*opt;
	struct tui_view			 views[TUI_NVIEWS];
	enum tui_view_id		 focus;		/* the focused view */
	int				 lines, cols;
	char				 message[512];
	int				 message_error;
	/* The shift's, shown in the header; any view's decisions count. */
	int64_t				 shift_started;
	unsigned			 decisions;
	unsigned			 resolutions; /* of escalations */
	/*
	 * What the header shows of the queue, read again once a key (and
	 * each idle second), not at every redraw: a prompt redraws at every
	 * keystroke typed into it.
	 */
	struct {
		int			 stale;
		uint64_t		 waiting[QUEUE_NKINDS];
		size_t			 to_adjudicate;
		char			 suspended[256];
	}				 header;
};

/* tui.c */
void	 tui_draw(struct tui *);
/*
 * The body split between a list and its detail (side by side on a wide
 * terminal, else the list above), for a view's layout.
 */
void	 tui_draw_split(struct tui *, const struct tui_rect *body,
	     enum tui_view_id list, enum tui_view_id detail);
/* The registry: a view's state; its open, draw and requests; the focus. */
void	*tui_view_state(struct tui *, enum tui_view_id);
int	 tui_view_open(struct tui *, enum tui_view_id);
void	 tui_view_draw(struct tui *, enum tui_view_id,
	     const struct tui_rect *);
int	 tui_view_request(struct tui *, enum tui_view_id, enum tui_request,
	     int key);
void	 tui_view_focus(struct tui *, enum tui_view_id);
/* Opens the view and, if it opened, focuses it: 0, or -1 (the message). */
int	 tui_view_show(struct tui *, enum tui_view_id);
/* While waiting for a key (or the editor): each view's idle (leases). */
void	 tui_idle(struct tui *);
/* A signal asked the console to end: prompts give up, the loop quits. */
int	 tui_interrupted(void);
int	 tui_run(struct queue *, const struct tui_options *, char **cause);
void	 tui_message(struct tui *, int error, const char *, ...)
	     __attribute__((format(printf, 3, 4)));
/*
 * Puts on record that the actor reveals item's masked values, asking for
 * the reason first when the policy wants one: 0 once recorded, or -1 (Esc
 * at the reason, or refused) with the message set.
 */
int	 tui_reveal(struct tui *, const char *item);
void	 tui_restore(void);

/*
 * view-item.c: claim the next item under the queue's filter (or, item not
 * NULL, that one) and open it; open one held; the item held, or NULL; an
 * open item drawn beside the queue list (the layout of both views).
 */
int	 tui_queue_claim(struct tui *, const char *item);
int	 tui_item_show(struct tui *, const char *item, int64_t lease,
	     int64_t expires);
const char *tui_item_held(struct tui *);
void	 tui_item_layout(struct tui *, const struct tui_rect *);
/* view-queue.c: what the reviewer filters the queue by. */
const struct queue_filter *tui_queue_filter(struct tui *);

/*
 * view-item.c: show an escalated item from the inbox (the escalation
 * view); resolve one, shown or from the inbox; item-decide.c: acknowledge
 * one.
 */
int	 tui_item_show_escalation(struct tui *,
	     const struct queue_escalation *);
void	 tui_escalation_ack(struct tui *, int64_t id);
int	 tui_escalation_resolve(struct tui *,
	     const struct queue_escalation *);

/* edit.c: $EDITOR, and corrections kept in private files (mode 0600). */
char	*tui_edit_text(struct tui *, const char *editor, const char *text,
	     char **kept);
int	 tui_recovery_save(const char *item, const char *text, char **where);
char	*tui_recovery_load(const char *item);
void	 tui_recovery_drop(const char *item);

/* bind.c */
enum tui_request tui_bind_lookup(const char *view, int key);
const char	*tui_req_name(enum tui_request);
const char	*tui_req_help(enum tui_request);
const char	*tui_key_name(int key);
int		 tui_key_parse(const char *, size_t *len);
/* Calls fn for each binding of view (and the global ones), in order. */
void		 tui_bind_each(const char *view, void (*fn)(const struct
		     tui_binding *, void *), void *);
/*
 * The keys of a view as "Enter open  / search ...", for the footer; skip,
 * if not NULL, leaves out requests that do not apply now (asked with
 * state, the view's).
 */
void		 tui_bind_footer(const char *view, int (*skip)(void *,
		     enum tui_request), void *state, char *buf, size_t len);
/*
 * The reviewer's keys file: lines "bind VIEW KEY ACTION" (VIEW all, queue,
 * item, ...; KEY a character or a name, <Enter>, C-x; ACTION a request's
 * name, or none to take the key away), # comments. A missing file is no
 * error; any bad line is, naming it. tui_bind_free frees what it made.
 */
int		 tui_bind_load(const char *path, char **cause);
void		 tui_bind_free(void);
/* The README's key table, in Markdown. */
void		 tui_bind_markdown(FILE *);

/* color.c */
void	 tui_color_init(void);
int	 tui_color_attr(enum tui_color);
int	 tui_color_span(const char *entity_type);

/* text.c: untrusted text to screen cells, measured by display width. */
struct tui_cell {
	wchar_t		 wc[5];		/* base and combining marks */
	int		 width;		/* 0, 1 or 2 columns */
	int		 mark;		/* part of a visible mark */
	int		 attr;
	size_t		 cp;		/* code point of the source text */
};

struct tui_cells {
	struct tui_cell	*v;
	size_t		 n;
	int		 hidden;	/* something was made visible */
};

void	 tui_cells_add(struct tui_cells *, const char *s, size_t len,
	     int attr, int keep_newlines);
/*
 * The same with each mask (sorted, byte offsets into s) shown as its mark,
 * "⟦TYPE⟧": the masked bytes are never made into cells.
 */
void	 tui_cells_add_masked(struct tui_cells *, const char *s, size_t len,
	     int attr, int keep_newlines, const struct queue_mask *, size_t n);
void	 tui_cells_free(struct tui_cells *);
/*
 * Highlights code points [start, end) of the source text with attr; the
 * cells are those of one text (one tui_cells_add), in code-point order.
 */
void	 tui_cells_mark(struct tui_cells *, size_t start, size_t end,
	     int attr);
/*
 * A long text drawn in part: the cells of s masked by m (sorted, by code
 * point only, as queue_mask_ranges_cp gives them), into empty cells, as
 * tui_cells_add_masked makes them but cut after at least lines lines
 * wrapped at width (lines 0: all). Returns 1 if that is all of the text, 0
 * if cut; a cut leaves hidden unset (tui_text_scan_hidden says it).
 */
int	 tui_cells_add_masked_part(struct tui_cells *, const char *s,
	     size_t len, int attr, int keep_newlines, const struct queue_mask *,
	     size_t n, int width, size_t lines);
/*
 * The code points of a text that may be drawn as marks (hidden characters),
 * found once per text, each with the window of text its cell depends on:
 * whether a masked view of the text shows a mark then costs these few and
 * the masks, not the text.
 */
struct tui_suspect {
	size_t	 cp;		/* the code point */
	size_t	 ws, we;	/* its window, code points [ws, we) */
	size_t	 bws, bwe;	/* the same in bytes */
	int	 hidden;	/* a mark in the whole text */
};
struct tui_text_scan {
	struct tui_suspect	*v;
	size_t			 n;
	size_t			 ncp;	/* code points of the text */
	/* The last masks asked about, and what they showed (have set). */
	struct queue_mask	*m;
	size_t			 nm;
	int			 have;
	unsigned char		*marked;	/* each suspect: a mark */
	size_t			 nmarked;
	size_t			 nlabels;	/* labels with a mark */
};
void	 tui_text_scan(struct tui_text_scan *, const char *s, size_t len,
	     int keep_newlines);
void	 tui_text_scan_free(struct tui_text_scan *);
/*
 * Whether s masked by m (by code point) has hidden characters drawn; each
 * call looks again only where the masks changed since the last.
 */
int	 tui_text_scan_hidden(struct tui_text_scan *, const char *s,
	     size_t len, int keep_newlines, const struct queue_mask *m,
	     size_t n);
/* Whether s (NULL: nothing) is printable ASCII, so shown as it is. */
int	 tui_text_plain(const char *s);
/* Wraps to width: stores each line's first cell in starts, returns count. */
size_t	 tui_cells_wrap(const struct tui_cells *, int width, size_t **starts);
/* The count alone. */
size_t	 tui_cells_lines(const struct tui_cells *, int width);
/* Draws cells [from, to) at y, x within width columns. */
int	 tui_cells_draw(const struct tui_cells *, size_t from, size_t to,
	     int y, int x, int width);
/* Draws a short untrusted string, cut to width; returns columns used. */
int	 tui_text_draw(int y, int x, int width, const char *s, int attr);
int	 tui_text_width(const char *s);
/* Cuts a string back to its last complete UTF-8 character. */
void	 tui_utf8_trim(char *s);

/* list.c: the shared list widget. */
struct tui_list {
	size_t		 n;		/* rows loaded */
	size_t		 sel;
	size_t		 top;
	int		 height;
};

int	 tui_list_request(struct tui_list *, enum tui_request);
void	 tui_list_fit(struct tui_list *, int height);

/* prompt.c: line editor and pickers; they return 0, or -1 if cancelled. */
int	 tui_prompt_line(struct tui *, const char *label, char *buf,
	     size_t len);
int	 tui_prompt_pick(struct tui *, const char *title,
	     const char *const *choices, size_t n, size_t *picked);
/* The same, with the choice from selected (a checklist goes on where it was). */
int	 tui_prompt_pick_from(struct tui *, const char *title,
	     const char *const *choices, size_t n, size_t from,
	     size_t *picked);

/* pick.c: the policy's taxonomies, the lists a reviewer picks from. */
enum tui_taxonomy {
	TUI_TAX_LABEL,		/* each by its id and description */
	TUI_TAX_REASON,		/* the same */
	TUI_TAX_TEAM,		/* by its name */
	TUI_TAX_SEVERITY,
	TUI_TAX_ENTITY_TYPE
};

size_t	 tui_taxonomy_count(const struct policy *, enum tui_taxonomy);
const char *tui_taxonomy_id(const struct policy *, enum tui_taxonomy,
	     size_t);
/*
 * Picks an entry of taxonomy tax of p (a copy: the picker redraws, and a
 * redraw may reload the policy), from entry from. With marks, a checklist:
 * each entry shown "[x] " or "[ ] " as marked, and a last line "done",
 * picked as the count. 0 with *picked, or -1 if cancelled or empty.
 */
int	 tui_pick_taxonomy(struct tui *, const struct policy *,
	     enum tui_taxonomy, const char *title, const int *marks,
	     size_t from, size_t *picked);

/* input.c; a script that runs out sends TUI_KEY_EOF. */
#define TUI_KEY_EOF	(KEY_MAX + 1)
int	 tui_input_open(const char *script, char **cause);
/* Whether a key script has run out (it sends TUI_KEY_EOF from then on). */
int	 tui_input_ended(void);
/* Why the key script ended before its end (a typo in it), or NULL. */
const char *tui_input_error(void);
void	 tui_input_close(void);
/* The next key; handles script commands (screen dumps, resizes). */
int	 tui_input_key(struct tui *);
int	 tui_input_scripted(void);

#endif
