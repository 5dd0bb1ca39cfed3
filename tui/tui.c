/*
 * The console's main loop: set-up and restoration of the terminal, the
 * views' registry, layout, header and footer, and the dispatch of keys to
 * the focused view. The loop redraws after each key; prompts and pickers
 * redraw while they wait.
 */
#include "config.h"

#include <curses.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "tui.h"
#include "xmalloc.h"

#define TUI_MIN_COLS	80
#define TUI_MIN_LINES	24
#define TUI_WIDE	120

const struct tui_view_ops *const tui_views[TUI_NVIEWS] = {
#define V(id, name) &tui_view_##name,
	TUI_VIEW_INFO
#undef V
};

static volatile sig_atomic_t	tui_signalled;
static SCREEN			*tui_screen;
static FILE			*tui_null_out;

void
tui_restore(void)
{
	if (tui_screen != NULL && !isendwin())
		endwin();
}

static void
tui_on_signal(int sig)
{
	tui_signalled = sig;
}

void
tui_message(struct tui *t, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->message, sizeof t->message, fmt, ap);
	va_end(ap);
	tui_utf8_trim(t->message);
	t->message_error = error;
}

int
tui_interrupted(void)
{
	return (tui_signalled != 0);
}

void *
tui_view_state(struct tui *t, enum tui_view_id id)
{
	return (t->views[id].state);
}

int
tui_view_open(struct tui *t, enum tui_view_id id)
{
	return (t->views[id].ops->open(t, t->views[id].state));
}

void
tui_view_draw(struct tui *t, enum tui_view_id id, const struct tui_rect *r)
{
	t->views[id].ops->draw(t, t->views[id].state, r);
}

int
tui_view_request(struct tui *t, enum tui_view_id id, enum tui_request req,
    int key)
{
	return (t->views[id].ops->request(t, t->views[id].state, req, key));
}

void
tui_view_focus(struct tui *t, enum tui_view_id id)
{
	t->focus = id;
}

int
tui_view_show(struct tui *t, enum tui_view_id id)
{
	if (tui_view_open(t, id) != 0)
		return (-1);
	tui_view_focus(t, id);
	return (0);
}

void
tui_idle(struct tui *t)
{
	size_t i;

	t->header.stale = 1;
	for (i = 0; i < TUI_NVIEWS; i++)
		if (t->views[i].ops->idle != NULL)
			t->views[i].ops->idle(t, t->views[i].state);
}

/* Each view's state, zeroed, before anything opens. */
static void
tui_views_new(struct tui *t)
{
	size_t i;

	for (i = 0; i < TUI_NVIEWS; i++) {
		t->views[i].ops = tui_views[i];
		t->views[i].state = tui_views[i]->state_size > 0 ?
		    xcalloc(1, tui_views[i]->state_size) : NULL;
	}
}

static void
tui_views_free(struct tui *t)
{
	size_t i;

	for (i = 0; i < TUI_NVIEWS; i++) {
		t->views[i].ops->close(t, t->views[i].state);
		free(t->views[i].state);
		t->views[i].state = NULL;
	}
}

/*
 * A crash must not leave the terminal in curses mode: restore it, then die
 * of the same signal.
 */
static void
tui_on_fatal(int sig)
{
	tui_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
tui_format_duration(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	snprintf(buf, len, "%lld:%02lld", (long long)s / 3600,
	    (long long)(s / 60) % 60);
}

/*
 * Joins the parts that fit in width, two spaces apart, in their order:
 * parts are taken by rank (0 first) while they fit, so a line too narrow
 * loses its least needed parts whole, never a word cut in two.
 */
static void
tui_fit(const char *const *part, const int *rank, size_t n, int width,
    char *out, size_t len)
{
	int	take[16], used = 0, w, r, last = 0;
	size_t	i, o = 0;

	if (n > 16)
		n = 16;
	memset(take, 0, sizeof take);
	for (i = 0; i < n; i++)
		last = rank[i] > last ? rank[i] : last;
	for (r = 0; r <= last; r++) {
		for (i = 0; i < n; i++) {
			if (rank[i] != r || part[i][0] == '\0')
				continue;
			w = tui_text_width(part[i]) + (used > 0 ? 2 : 0);
			if (used + w <= width) {
				take[i] = 1;
				used += w;
			}
		}
	}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (take[i] && o < len)
			o += (size_t)snprintf(out + o, len - o, "%s%s",
			    o > 0 ? "  " : "", part[i]);
	}
}

int
tui_reveal(struct tui *t, const char *item)
{
	const struct policy	*p;
	char			 reason[512] = "", *why = NULL;
	int			 rc;

	if ((rc = queue_policy(t->q, &p, NULL, &why)) == 0 &&
	    p->reveal_reason && tui_prompt_line(t, "reveal: reason (recorded "
	    "in the audit log):", reason, sizeof reason) != 0) {
		tui_message(t, 0, "nothing revealed");
		return (-1);
	}
	if (rc == 0)
		rc = queue_reveal(t->q, item, reason[0] != '\0' ? reason :
		    NULL, &why);
	if (rc != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return (-1);
	}
	tui_message(t, 0, "revealed while %s is open (recorded in the audit "
	    "log)", item);
	return (0);
}

/*
 * "SUSPENDED: model gpt-x, pipeline chat" (the names are the producers':
 * the header's drawing makes them safe), or a count when that is too wide
 * to stand beside "hitl"; "" when nothing is suspended.
 */
static void
tui_header_suspended(struct tui *t, char *out, size_t len)
{
	struct queue_suspension	*s;
	size_t			 n, i, o;
	char			*why = NULL;

	out[0] = '\0';
	if (queue_suspensions(t->q, 0, &s, &n, &why) != 0) {
		free(why);
		return;
	}
	o = (size_t)snprintf(out, len, "SUSPENDED:");
	for (i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s %s %s",
		    i > 0 ? "," : "", queue_source_name(s[i].kind),
		    s[i].value);
	if (n > 0 && (o >= len || tui_text_width(out) > t->cols - 6))
		snprintf(out, len, "SUSPENDED: %zu sources (hitl status)", n);
	if (n == 0)
		out[0] = '\0';
	queue_suspensions_free(s, n);
}

/* The queue's side of the header, read when stale. */
static void
tui_header_read(struct tui *t)
{
	struct queue_adjudication	*adj;
	size_t				 nadj;
	char				*why = NULL;

	if (!t->header.stale)
		return;
	t->header.stale = 0;
	if (queue_waiting(t->q, t->header.waiting, &why) != 0) {
		free(why);
		why = NULL;
		memset(t->header.waiting, 0, sizeof t->header.waiting);
	}
	/* A lead's other queue: the items whose votes wait for them. */
	t->header.to_adjudicate = 0;
	if (queue_actor_role(t->q) >= POLICY_ROLE_LEAD) {
		if (queue_adjudications(t->q, &adj, &nadj, &why) == 0) {
			t->header.to_adjudicate = nadj;
			queue_adjudications_free(adj, nadj);
		} else
			free(why);
	}
	tui_header_suspended(t, t->header.suspended,
	    sizeof t->header.suspended);
}

static void
tui_draw_header(struct tui *t)
{
	const uint64_t	*waiting = t->header.waiting;
	const struct queue_filter *f = tui_queue_filter(t);
	char		 dur[32], who[160], shift[48], done[96], wait[96];
	char		 filter[96] = "", adjud[48] = "", buf[1024], *why = NULL;
	const char	*part[10];
	/*
	 * What a reviewer needs most first: the queue, then who and how. That
	 * masking is off, or a source is suspended, is said before anything
	 * but the name: a suspension changes what every item means.
	 */
	static const int rank[10] = { 0, 5, 2, 4, 3, 1, 1, 1, 0, 0 };
	const struct policy *p;
	int64_t		 secs;
	double		 rate;
	int		 x;

	move(0, 0);
	for (x = 0; x < t->cols; x++)
		addch(' ' | tui_color_attr(TUI_C_TITLE));
	tui_header_read(t);
	secs = queue_now(t->q) - t->shift_started;
	tui_format_duration(secs, dur, sizeof dur);
	rate = secs > 0 ? (double)t->decisions * 3600.0 / (double)secs : 0;
	snprintf(who, sizeof who, "%s (%s)", queue_actor(t->q),
	    policy_role_name(queue_actor_role(t->q)));
	snprintf(shift, sizeof shift, "shift %s", dur);
	snprintf(done, sizeof done, "%u decided (%.0f/h)", t->decisions, rate);
	if (t->resolutions > 0)
		snprintf(done + strlen(done), sizeof done - strlen(done),
		    ", %u resolved", t->resolutions);
	snprintf(wait, sizeof wait, "waiting: %llu outputs, %llu anonymization",
	    (unsigned long long)waiting[QUEUE_KIND_MODEL_OUTPUT],
	    (unsigned long long)waiting[QUEUE_KIND_ANONYMIZATION]);
	if (f->kind != NULL || f->type != NULL)
		snprintf(filter, sizeof filter, "filter: %s",
		    f->type != NULL ? f->type : f->kind);
	part[0] = "hitl";
	part[1] = t->opt->db_label;
	part[2] = who;
	part[3] = shift;
	part[4] = done;
	part[5] = wait;
	part[6] = filter;
	if (t->header.to_adjudicate > 0)
		snprintf(adjud, sizeof adjud, "%zu to adjudicate",
		    t->header.to_adjudicate);
	part[7] = adjud;
	part[8] = "";
	if (queue_policy(t->q, &p, NULL, &why) != 0) {
		free(why);
		why = NULL;
	} else if (p->mask_none)
		part[8] = "masking off";
	part[9] = t->header.suspended;
	tui_fit(part, rank, 10, t->cols, buf, sizeof buf);
	tui_text_draw(0, 0, t->cols, buf, tui_color_attr(TUI_C_TITLE));
}

static void
tui_draw_footer(struct tui *t)
{
	const struct tui_view *v = &t->views[t->focus];
	char	 keys[1024], all[1100], *p, *next;
	const char *part[16];
	int	 rank[16], x;
	size_t	 n = 0;

	move(t->lines - 1, 0);
	for (x = 0; x < t->cols; x++)
		addch(' ' | tui_color_attr(TUI_C_STATUS));
	if (t->message[0] != '\0') {
		tui_text_draw(t->lines - 1, 0, t->cols, t->message,
		    tui_color_attr(t->message_error ? TUI_C_ERROR :
		    TUI_C_STATUS));
		return;
	}
	/*
	 * The view's keys, in the table's order, each whole; help, quit and
	 * the way back always stay: the keys go from the end until the rest
	 * fits.
	 */
	tui_bind_footer(v->ops->name, v->ops->skip, v->state, keys,
	    sizeof keys);
	for (p = keys; *p != '\0' && n < 14; p = next) {
		if ((next = strstr(p, "  ")) != NULL) {
			*next = '\0';
			next += 2;
		} else
			next = p + strlen(p);
		part[n] = p;
		/* The way back out of a view goes with help and quit. */
		rank[n] = strlen(p) > 5 && strcmp(p + strlen(p) - 5,
		    " back") == 0 ? 0 : (int)n + 1;
		n++;
	}
	part[n] = "? help";
	rank[n++] = 0;
	part[n] = "q quit";
	rank[n++] = 0;
	tui_fit(part, rank, n, t->cols, all, sizeof all);
	tui_text_draw(t->lines - 1, 0, t->cols, all,
	    tui_color_attr(TUI_C_STATUS));
}

static void
tui_draw_too_small(struct tui *t)
{
	char buf[128];

	erase();
	snprintf(buf, sizeof buf, "terminal too small: %dx%d, hitl needs "
	    "%dx%d", t->cols, t->lines, TUI_MIN_COLS, TUI_MIN_LINES);
	tui_text_draw(t->lines / 2, 0, t->cols, buf,
	    tui_color_attr(TUI_C_ERROR));
	tui_text_draw(t->lines / 2 + 1, 0, t->cols, "enlarge the window "
	    "(q quits)", tui_color_attr(TUI_C_NORMAL));
}

/*
 * A rule between panes, drawn with Unicode box characters rather than the
 * terminal's alternate character set, which not every terminal (or tmux
 * capture) renders.
 */
static void
tui_draw_rule(int y, int x, int n, int vertical)
{
	cchar_t	cc;
	wchar_t	wc[2] = { vertical ? L'\x2502' : L'\x2500', 0 };
	int	i;

	setcchar(&cc, wc, (attr_t)(tui_color_attr(TUI_C_DIM) & ~A_COLOR),
	    (short)PAIR_NUMBER(tui_color_attr(TUI_C_DIM)), NULL);
	for (i = 0; i < n; i++)
		mvadd_wch(vertical ? y + i : y, vertical ? x : x + i, &cc);
}

void
tui_draw_split(struct tui *t, const struct tui_rect *body,
    enum tui_view_id list_view, enum tui_view_id detail_view)
{
	struct tui_rect	list = *body, detail = *body;

	if (t->cols >= TUI_WIDE) {
		list.w = t->cols * 2 / 5;
		detail.x = list.w + 1;
		detail.w = t->cols - list.w - 1;
		tui_draw_rule(body->y, list.w, body->h, 1);
	} else {
		list.h = body->h / 3;
		detail.y = list.y + list.h + 1;
		detail.h = body->h - list.h - 1;
		tui_draw_rule(list.y + list.h, 0, t->cols, 0);
	}
	tui_view_draw(t, list_view, &list);
	tui_view_draw(t, detail_view, &detail);
}

void
tui_draw(struct tui *t)
{
	const struct tui_view	*v = &t->views[t->focus];
	struct tui_rect		 body;

	erase();
	if (t->cols < TUI_MIN_COLS || t->lines < TUI_MIN_LINES) {
		tui_draw_too_small(t);
		return;
	}
	tui_draw_header(t);
	body.y = 1;
	body.x = 0;
	body.h = t->lines - 2;
	body.w = t->cols;
	if (v->ops->layout != NULL)
		v->ops->layout(t, &body);
	else
		v->ops->draw(t, v->state, &body);
	tui_draw_footer(t);
}

/*
 * The latest hand-off notes of this queue (ended shifts with a note, by
 * anyone, newest first), in a list closed by Enter or Esc: shown when a
 * shift starts if there are any, and on a key. The notes are other
 * people's text: drawn through the safe-text path like the rest.
 */
static void
tui_handoff(struct tui *t, int at_start)
{
	struct queue_shift	*s = NULL;
	char			*why = NULL, **lines;
	size_t			 n = 0, i, k = 0, picked;

	if (queue_shifts(t->q, NULL, 50, &s, &n, &why) != 0) {
		tui_message(t, 1, "%s", why);
		free(why);
		return;
	}
	lines = xcalloc(5, sizeof *lines);
	for (i = 0; i < n && k < 5; i++) {
		if (s[i].ended_at == NULL || s[i].note == NULL ||
		    s[i].note[0] == '\0')
			continue;
		xasprintf(&lines[k++], "%s, %s: %s", s[i].reviewer,
		    s[i].ended_at, s[i].note);
	}
	if (k > 0)
		tui_prompt_pick(t, at_start ? "hand-off notes from the last "
		    "shifts (Enter or Esc closes; H shows them again)" :
		    "hand-off notes from the last shifts",
		    (const char *const *)lines, k, &picked);
	else if (!at_start)
		tui_message(t, 0, "no hand-off notes in this queue yet");
	for (i = 0; i < k; i++)
		free(lines[i]);
	free(lines);
	queue_shifts_free(s, n);
}

/*
 * Ends the shift with an optional hand-off note: 0, or -1 if the reviewer
 * cancelled at the note (Esc), and the shift and the open item go on. A
 * key script that runs out at the note quits all the same.
 */
static int
tui_quit(struct tui *t, int ask)
{
	char	note[1024] = "", *why = NULL;
	size_t	i;

	if (ask && tui_prompt_line(t, "hand-off note for the next reviewer "
	    "(Enter to skip, Esc to stay):", note, sizeof note) != 0) {
		if (!tui_input_ended())
			return (-1);
		note[0] = '\0';
	}
	for (i = 0; i < TUI_NVIEWS; i++)
		if (t->views[i].ops->quit != NULL)
			t->views[i].ops->quit(t, t->views[i].state);
	if (queue_shift_end(t->q, note, NULL, &why) != 0)
		free(why);
	return (0);
}

/*
 * Counts, as in vi and tig: digits before a key repeat it ("3j", "5 Space").
 * Only moves repeat; a decision never does, so a stray count is harmless.
 * A digit a view binds (the adjudication's votes) is that view's.
 */
static const enum tui_request tui_counted[] = {
	TUI_REQ_DOWN, TUI_REQ_UP, TUI_REQ_PAGE_DOWN, TUI_REQ_PAGE_UP,
	TUI_REQ_SPAN_NEXT, TUI_REQ_SPAN_PREV, TUI_REQ_CURSOR_LEFT,
	TUI_REQ_CURSOR_RIGHT
};
#define TUI_COUNT_MAX 9999
static unsigned tui_count;

/* A digit of a count: kept (and shown) and 1; else 0. */
static int
tui_count_digit(struct tui *t, int key, enum tui_request req)
{
	if (req != TUI_REQ_NONE || key < '0' || key > '9' ||
	    (key == '0' && tui_count == 0))
		return (0);
	tui_count = tui_count * 10 + (unsigned)(key - '0');
	if (tui_count > TUI_COUNT_MAX)
		tui_count = TUI_COUNT_MAX;
	tui_message(t, 0, "%u", tui_count);
	return (1);
}

/* How many times req runs: the count for a move, else once. */
static unsigned
tui_count_take(enum tui_request req)
{
	unsigned	n = tui_count;
	size_t		i;

	tui_count = 0;
	for (i = 0; i < sizeof tui_counted / sizeof tui_counted[0]; i++)
		if (tui_counted[i] == req)
			return (n > 0 ? n : 1);
	return (1);
}

int
tui_run(struct queue *q, const struct tui_options *opt, char **cause)
{
	struct sigaction	 sa;
	struct tui		 t;
	const char		*term;
	int64_t			 shift;
	enum tui_request	 req;
	unsigned		 repeat;
	int			 key, flags, rc = 0;

	memset(&t, 0, sizeof t);
	t.q = q;
	t.opt = opt;
	if (tui_input_open(opt->script, cause) != 0)
		return (EX_NOINPUT);

	if (tui_input_scripted()) {
		/* Tests: an off-screen terminal of LINES x COLUMNS. */
		if ((term = getenv("TERM")) == NULL || *term == '\0')
			term = "xterm-256color";
		tui_null_out = fopen("/dev/null", "w");
		tui_screen = newterm(term, tui_null_out, stdin);
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			xasprintf(cause, "the console needs a terminal");
			tui_input_close();
			return (EX_USAGE);
		}
		tui_screen = newterm(NULL, stdout, stdin);
	}
	if (opt->terminal_ready != NULL)
		opt->terminal_ready();
	if (tui_screen == NULL) {
		xasprintf(cause, "cannot set up the terminal (TERM=%s)",
		    getenv("TERM") != NULL ? getenv("TERM") : "");
		tui_input_close();
		return (EX_UNAVAILABLE);
	}
	xmalloc_set_fatal_hook(tui_restore);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_on_signal;	/* no SA_RESTART: getch returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = tui_on_fatal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (!tui_input_scripted())
		timeout(1000);	/* wake up to renew the lease */
	tui_color_init();
	t.lines = LINES;
	t.cols = COLS;
	tui_views_new(&t);
	tui_view_focus(&t, TUI_VIEW_QUEUE);
	t.header.stale = 1;
	/* The shift starts once the console can show something. */
	if ((rc = queue_shift_start(q, &shift, cause)) != 0)
		goto out;
	t.shift_started = queue_now(q);
	if (tui_view_open(&t, TUI_VIEW_QUEUE) < 0) {
		tui_quit(&t, 0);
		xasprintf(cause, "%s", t.message[0] != '\0' ? t.message :
		    "cannot read the queue");
		rc = EX_SOFTWARE;
		goto out;
	}
	/* What the previous shifts handed over, before the first item. */
	tui_handoff(&t, 1);

	for (;;) {
		/* After each key (and each idle second): the queue again. */
		t.header.stale = 1;
		tui_draw(&t);
		refresh();
		key = tui_input_key(&t);
		if (tui_signalled) {
			tui_quit(&t, 0);
			break;
		}
		if (key == ERR) {
			tui_idle(&t);
			continue;
		}
		if (key == KEY_RESIZE)
			continue;
		if (key == TUI_KEY_EOF) {
			tui_quit(&t, 0);
			break;
		}
		t.message[0] = '\0';
		req = tui_bind_lookup(t.views[t.focus].ops->name, key);
		if (tui_count_digit(&t, key, req))
			continue;
		repeat = tui_count_take(req);
		if (req == TUI_REQ_QUIT) {
			if (tui_quit(&t, 1) == 0)
				break;
			continue;
		}
		if (req == TUI_REQ_HANDOFF) {
			tui_handoff(&t, 0);
			continue;
		}
		/* Help opens over any view; it knows which, to go back. */
		if (req == TUI_REQ_HELP && t.focus != TUI_VIEW_HELP) {
			tui_view_show(&t, TUI_VIEW_HELP);
			continue;
		}
		if (t.cols < TUI_MIN_COLS || t.lines < TUI_MIN_LINES)
			continue;
		/* A count repeats a move; a reload or a quit ends it. */
		flags = 0;
		while (repeat-- > 0 && !(flags & (TUI_RELOAD | TUI_QUIT)))
			flags |= tui_view_request(&t, t.focus, req, key);
		if (flags & TUI_RELOAD)
			tui_view_open(&t, TUI_VIEW_QUEUE);
		if ((flags & TUI_QUIT) && tui_quit(&t, 1) == 0)
			break;
	}
out:
	tui_views_free(&t);
	tui_restore();
	delscreen(tui_screen);
	tui_screen = NULL;
	if (tui_null_out != NULL)
		fclose(tui_null_out);
	tui_null_out = NULL;
	if (rc == 0 && tui_input_error() != NULL) {
		xasprintf(cause, "%s", tui_input_error());
		rc = EX_DATAERR;
	}
	tui_input_close();
	if (tui_signalled)
		xasprintf(cause, "stopped by signal %d; the shift was ended",
		    (int)tui_signalled);
	return (tui_signalled ? EX_TEMPFAIL : rc);
}
