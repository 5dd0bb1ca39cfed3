/*
 * Allocation that cannot fail: running out of memory ends the program, after
 * the hook registered by the console has restored the terminal.
 */
#ifndef HITL_XMALLOC_H
#define HITL_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list)
	     __attribute__((format(printf, 2, 0)));

/* Called once before the process dies of an allocation failure. */
void	 xmalloc_set_fatal_hook(void (*)(void));

#endif
