/*
 * The item pane inside the console: its state, one struct the files of the
 * pane share (drawing, the span editor, the decisions, the view's ops).
 * Nothing outside the pane's files includes this.
 */
#ifndef HITL_TUI_ITEM_H
#define HITL_TUI_ITEM_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "tui.h"

/* A span's verdict in span mode. */
enum item_verdict {
	ITEM_NONE,		/* not touched: stays as proposed (accepted) */
	ITEM_ACCEPTED,
	ITEM_REJECTED,
	ITEM_RETYPED
};

/* A span the reviewer added (one the recognizers missed). */
struct item_added {
	size_t	 start, end;	/* code points of the text */
	char	*type;
};

/*
 * The state of the item view and, another of the same, of the escalation
 * view: the item shown, and in the item view the claim on it.
 */
struct item_pane {
	/* The item claimed, "" if none (always none from the inbox). */
	char				 held[300];
	int64_t				 lease;
	int64_t				 lease_expires;
	int64_t				 opened_at;
	struct queue_item		*item;	/* NULL: nothing shown */
	/*
	 * Scrolled from the top (scroll lines down) or, after G on an item too
	 * long to make whole at every key, from the bottom (at_end, back lines
	 * up from the last): the screen then needs only the item's end.
	 */
	int				 scroll;
	int				 at_end;
	size_t				 back;
	/* Span mode: the selected span, each span's verdict, added spans. */
	size_t				 span;
	enum item_verdict		*verdicts;
	char				**types;  /* retyped spans' types */
	struct item_added		*added;
	size_t				 nadded;
	size_t				 cursor;   /* code point in the text */
	size_t				 textlen;
	int				 selecting;
	size_t				 mark;	   /* where a selection began */
	char				*kept;	   /* a correction not saved */
	char				 last_note[1024]; /* a refused one's */
	/* The open item came back by an undo; nothing was done on it since. */
	int				 undone;
	/* Another's decision waiting for confirmation (two-person rule). */
	struct queue_decision_info	*pending;
	/*
	 * Minimum exposure: set once the reviewer revealed this item's masked
	 * values (audited); it lasts while the item is open. masked counts
	 * the masks of the last draw (the footer offers the reveal only when
	 * some).
	 */
	int				 revealed;
	size_t				 masked;
	/*
	 * The text scanned once for what may show as hidden characters
	 * (scanned set), and whether the entity types are all plain ASCII:
	 * a draw then makes only what the screen shows. masks: the last
	 * draw's, and what they were made of (decided NULL: none).
	 */
	struct tui_text_scan		 scan;
	int				 scanned;
	int				 plain;
	struct item_masks {
		struct queue_mask	*v;
		size_t			 n;
		unsigned char		*decided;	/* each span */
		size_t			 span;		/* the selected */
		int			 none;		/* mask "none" */
	}				 masks;
	/*
	 * In the escalation view, the escalation shown (fetched again after
	 * each change); NULL in the item view.
	 */
	struct queue_escalation		*esc;
};

/* view-item.c: the item decided (or lost): closed, back to the queue. */
void	 item_close(struct tui *, struct item_pane *);
/* The escalation view's pane (resolving from the inbox may show it). */
struct item_pane *item_escalation_pane(struct tui *);
/* Back to the inbox from an escalation, which may have been settled. */
void	 item_esc_close(struct tui *, struct item_pane *);

/* item-draw.c: the item (and its escalation) in r, scrolled. */
void	 item_draw(struct tui *, struct item_pane *, const struct tui_rect *);

/* item-spans.c: span mode's requests; 0 for the others. */
int	 item_spans_request(struct tui *, struct item_pane *,
	     enum tui_request, int key);
/* The verdicts as a correction; NULL when nothing changed (an approve). */
cJSON	*item_spans_payload(const struct item_pane *);
/*
 * Has the reviewer keep one span of each overlapping group: 0 when no
 * overlap is left, -1 when the reviewer cancelled.
 */
int	 item_spans_settle(struct tui *, struct item_pane *);

/*
 * item-decide.c: a decision's request on the open item (approve, correct,
 * escalate, skip, comment, confirm); 0 for the others.
 */
int	 item_decide_request(struct tui *, struct item_pane *,
	     enum tui_request);
/* Undoes the reviewer's latest decision still in force. */
int	 item_undo(struct tui *, struct item_pane *);
/*
 * Resolves escalation e (shown in ip, or from the inbox: then ip shows it
 * if the resolution corrects the item).
 */
int	 item_resolve(struct tui *, struct item_pane *,
	     const struct queue_escalation *);

#endif
