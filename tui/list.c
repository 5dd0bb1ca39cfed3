/*
 * The list widget every view shares: a selection and a scroll position
 * over n rows, moved by the navigation requests.
 */
#include "config.h"

#include "tui.h"

void
tui_list_fit(struct tui_list *l, int height)
{
	l->height = height > 0 ? height : 1;
	if (l->n == 0) {
		l->sel = l->top = 0;
		return;
	}
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + (size_t)l->height)
		l->top = l->sel - (size_t)l->height + 1;
}

/* Returns TUI_REDRAW if the request moved something, else 0. */
int
tui_list_request(struct tui_list *l, enum tui_request req)
{
	size_t	old = l->sel, page = (size_t)(l->height > 1 ? l->height - 1 :
		    1);

	if (l->n == 0)
		return (0);
	switch (req) {
	case TUI_REQ_DOWN:
		if (l->sel + 1 < l->n)
			l->sel++;
		break;
	case TUI_REQ_UP:
		if (l->sel > 0)
			l->sel--;
		break;
	case TUI_REQ_PAGE_DOWN:
		l->sel = l->sel + page < l->n ? l->sel + page : l->n - 1;
		l->top = l->sel >= (size_t)l->height / 2 ? l->sel -
		    (size_t)l->height / 2 : 0;
		break;
	case TUI_REQ_PAGE_UP:
		l->sel = l->sel > page ? l->sel - page : 0;
		l->top = l->sel >= (size_t)l->height / 2 ? l->sel -
		    (size_t)l->height / 2 : 0;
		break;
	case TUI_REQ_FIRST:
		l->sel = 0;
		break;
	case TUI_REQ_LAST:
		l->sel = l->n - 1;
		break;
	default:
		return (0);
	}
	tui_list_fit(l, l->height);
	return (l->sel != old ? TUI_REDRAW : 0);
}
