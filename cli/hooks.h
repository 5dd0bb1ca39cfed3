/*
 * The policy's hooks, run for the queue's events: a shell command given the
 * event as JSON on its standard input, as the user alone, with a timeout.
 */
#ifndef HITL_HOOKS_H
#define HITL_HOOKS_H

#include "queue.h"

/*
 * Makes the queue's notifier run the hooks; cmdname names the command in
 * warnings ("hitl decide: hook escalation_opened failed: exit 3").
 */
void	hooks_install(struct queue *, const char *cmdname);

/*
 * While the console owns the terminal, warnings are kept (on) and printed
 * when it gives the terminal back (off).
 */
void	hooks_defer(int on);

#endif
